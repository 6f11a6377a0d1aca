use super::{Row, assert_rows, rows};
use crate::audit::Operator::*;

const STOCK: &str = r#"//! Stock levels.
use std::collections::HashMap;

/// Restock when low: a == b in a doc comment stays.
pub fn needs_restock(level: u32, min: u32) -> bool {
    level < min || level == 0
}

pub fn restock(stock: &mut HashMap<String, u32>, name: &str) -> Result<u32, String> {
    let level = stock.get(name).copied().unwrap_or(0);
    if !needs_restock(level, 5) {
        return Err(format!("{name} is fine"));
    }
    stock.insert(name.to_string(), level + 10);
    notify(name);
    println!("restocked {}", name);
    Ok(level * 2)
}

fn label(name: &str) -> &str {
    if name.is_empty() { "none" } else { name }
}

#[cfg(test)]
mod tests {
    #[test]
    fn restocks() {
        assert!(super::needs_restock(1, 2) == true);
        let x = 1 + 1;
    }
}

#[test]
fn stray() { let x = 1 + 1; }

#[tokio::test]
async fn stray_async() { if x > 1 { go(); } }
"#;

#[test]
fn rust_gives_each_operator_outside_tests() {
    let expected: &[Row] = &[
        (
            6,
            "level < min || level == 0",
            "Default::default()",
            ReturnDefault,
        ),
        (6, "<", ">=", Comparison),
        (6, "<", "<=", Comparison),
        (6, "||", "&&", Logical),
        (6, "==", "!=", Comparison),
        (11, "!needs_restock(level, 5)", "true", ConditionForced),
        (11, "!needs_restock(level, 5)", "false", ConditionForced),
        (11, "!", "", Logical),
        (
            12,
            "Err(format!(\"{name} is fine\"))",
            "Ok(Default::default())",
            ReturnDefault,
        ),
        (
            14,
            "stock.insert(name.to_string(), level + 10);",
            "",
            StatementRemoved,
        ),
        (14, "+", "-", Arithmetic),
        (15, "notify(name);", "", StatementRemoved),
        (
            16,
            "println!(\"restocked {}\", name);",
            "",
            StatementRemoved,
        ),
        (17, "Ok(level * 2)", "Ok(Default::default())", ReturnDefault),
        (17, "*", "/", Arithmetic),
        (21, "name.is_empty()", "true", ConditionForced),
        (21, "name.is_empty()", "false", ConditionForced),
    ];
    assert_rows("src/stock.rs", STOCK, expected);
}

const COUNTER: &str = r#"impl Counter {
    pub fn new() -> Self { Self { n: 0, on: true } }
    pub const fn cap(&self) -> usize { self.n + 1 }
    pub fn first(&self) -> Option<u32> {
        if let Some(x) = self.items.first() { return Some(*x); }
        while self.n > 0 { self.n -= 1; }
        let f = |a: u32| -> u32 { return a * 2; };
        None
    }
    fn iter(&self) -> impl Iterator<Item = u32> + '_ { self.items.iter().copied() }
    fn fail(&mut self) -> String {
        let mut s = String::new();
        s += "x";
        if self.n == 1 { panic!("no"); }
        s
    }
    fn pair(&self) -> (u8, Vec<u8>) { (self.a, vec![1 + 2]) }
}
"#;

#[test]
fn return_defaults_only_where_the_type_tells() {
    let expected: &[Row] = &[
        (2, "true", "false", Boolean),
        (3, "+", "-", Arithmetic),
        (5, "Some(*x)", "None", ReturnDefault),
        (6, "self.n > 0", "true", ConditionForced),
        (6, "self.n > 0", "false", ConditionForced),
        (6, ">", "<=", Comparison),
        (6, ">", ">=", Comparison),
        (6, "-=", "+=", Arithmetic),
        (7, "*", "/", Arithmetic),
        (14, "self.n == 1", "true", ConditionForced),
        (14, "self.n == 1", "false", ConditionForced),
        (14, "==", "!=", Comparison),
        (15, "s", "Default::default()", ReturnDefault),
        (
            17,
            "(self.a, vec![1 + 2])",
            "Default::default()",
            ReturnDefault,
        ),
    ];
    assert_rows("src/counter.rs", COUNTER, expected);
}

#[test]
fn a_test_only_file_gives_nothing() {
    let source = "#![cfg(test)]\n\nuse super::*;\n\nfn helper() -> bool { 1 == 2 }\n";
    assert!(rows("src/tests.rs", source).is_empty());
    let source =
        "#[cfg(test)]\nfn helper() -> bool { 1 == 2 }\n#[cfg(test)]\nimpl A { fn b() { c(); } }\n";
    assert!(rows("src/lib.rs", source).is_empty());
}
