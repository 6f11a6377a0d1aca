//! A cucumber-rs harness for `tests/real_runners.rs`: step definitions for
//! `tests/fixtures/runners/features/shop.feature`, run by specctl as a real runner.
//!
//! `FIXTURE_JUNIT` is the JUnit report to write (without it the program says what it is and
//! exits 0); `FIXTURE_FEATURES` is the features folder (default `specs`, relative to the
//! current directory, so the report names `specs/shop.feature:LINE:COL`). Console output is
//! teed with the JUnit writer so that `run_and_exit` fails the process when a scenario fails,
//! and `fail_on_skipped` turns a step that matches no function into a failure.
//! "When a mysterious thing happens" is left undefined on purpose.

use std::collections::HashMap;

use cucumber::{World, WriterExt as _, gherkin::Step, given, then, when, writer};

#[derive(Debug, Default, World)]
struct ShopWorld {
    stock: HashMap<String, i64>,
    paid: i64,
    number: i64,
}

#[given("the shop has the following stock:")]
fn stock_table(w: &mut ShopWorld, step: &Step) {
    let table = step.table.as_ref().expect("a data table");
    for row in table.rows.iter().skip(1) {
        w.stock
            .insert(row[0].clone(), row[1].parse().expect("a price"));
    }
    w.paid = 0;
}

#[given("the shop is open")]
fn shop_open(w: &mut ShopWorld) {
    w.stock.insert("apple".into(), 2);
    w.paid = 0;
}

#[when(expr = "I buy {int} {string}")]
fn buy(w: &mut ShopWorld, n: i64, item: String) {
    w.paid += n * w.stock[&item];
}

#[then(expr = "I pay {int}")]
fn pay(w: &mut ShopWorld, amount: i64) {
    assert_eq!(w.paid, amount, "paid {} instead of {amount}", w.paid);
}

#[then("nothing else runs")]
fn nothing_else(_w: &mut ShopWorld) {}

#[given(expr = "the number {int}")]
fn number(w: &mut ShopWorld, n: i64) {
    w.number = n;
}

#[when(expr = "I add {int}")]
fn add(w: &mut ShopWorld, n: i64) {
    w.number += n;
}

#[then(expr = "the result is {int}")]
fn result(w: &mut ShopWorld, n: i64) {
    assert_eq!(w.number, n, "sum mismatch: {} != {n}", w.number);
}

#[tokio::main]
async fn main() {
    let Some(junit) = std::env::var_os("FIXTURE_JUNIT") else {
        println!(
            "cucumber_rs_fixture: a cucumber-rs fixture for tests/real_runners.rs; set FIXTURE_JUNIT to run it"
        );
        return;
    };
    let features = std::env::var("FIXTURE_FEATURES").unwrap_or_else(|_| "specs".into());
    let file = std::fs::File::create(&junit)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", junit.to_string_lossy()));
    ShopWorld::cucumber()
        .with_writer(
            writer::Basic::stdout()
                .summarized()
                .tee::<ShopWorld, _>(writer::JUnit::for_tee(file, 0))
                .normalized()
                .fail_on_skipped(),
        )
        .run_and_exit(features)
        .await;
}
