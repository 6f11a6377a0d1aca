//! `specctl explain ID`: one item's text, evidence, last output and verdict history.

mod support;

use serde_json::Value;
use support::greeting::greeting;

const HELLO: &str = "specs/greet.feature::Say hello";

/// The greeting project (one scenario failing until src/greeting says hello).
fn project() -> support::greeting::Greeting {
    greeting(
        &support::greeting::tier("coder", "noop"),
        "  max_turns: 1\n",
        false,
    )
}

/// Times in the history change from run to run.
fn without_times(text: &str) -> String {
    let stamp = |w: &str| w.len() == 20 && w.ends_with('Z') && w.as_bytes()[10] == b'T';
    text.lines()
        .map(|l| {
            l.split(' ')
                .map(|w| if stamp(w) { "<time>" } else { w })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn an_item_never_observed_says_how_to_observe_it() {
    let g = project();
    let out = g.run(&["explain", HELLO]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "specs/greet.feature::Say hello  specs/greet.feature:2\n\n```gherkin\nScenario: Say hello\n  Given a visitor\n  Then the greeting is \"hello\"\n```\n\nevidence: runner `default`: `./evidence/run.sh {report}`\n\nnever observed: run `specctl check` to observe it\n"
    );
}

#[test]
fn the_history_shows_each_observation_newest_first() {
    let g = project();
    assert_eq!(g.run(&["check"]).code, 1);
    std::fs::write(g.path().join("src/greeting"), "hello\n").unwrap();
    assert_eq!(g.run(&["check"]).code, 0);
    let out = g.run(&["explain", HELLO]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        without_times(&out.stdout),
        "specs/greet.feature::Say hello  specs/greet.feature:2\n\n```gherkin\nScenario: Say hello\n  Given a visitor\n  Then the greeting is \"hello\"\n```\n\nevidence: runner `default`: `./evidence/run.sh {report}`\n\nlast: pass at <time>\n\nhistory (2, newest first):\n  <time>  pass      \n  <time>  fail      expected hello, got hi"
    );
    let doc: Value =
        serde_json::from_str(&g.run(&["explain", HELLO, "--format", "json"]).stdout).unwrap();
    let history: Vec<(&str, Option<&str>)> = doc["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["status"].as_str().unwrap(), s["message"].as_str()))
        .collect();
    assert_eq!(
        history,
        [("pass", None), ("fail", Some("expected hello, got hi"))]
    );
    assert_eq!(doc["last"]["status"], "pass");
    assert_eq!(doc["item"]["id"], HELLO);
    let one: Value = serde_json::from_str(
        &g.run(&["explain", HELLO, "--history", "1", "--format", "json"])
            .stdout,
    )
    .unwrap();
    assert_eq!(one["history"].as_array().unwrap().len(), 1);
}

#[test]
fn an_aspect_shows_its_body_and_command() {
    let g = project();
    std::fs::create_dir_all(g.path().join("aspects")).unwrap();
    std::fs::write(
        g.path().join("aspects/tidy.md"),
        "---\nname: tidy\nevidence: test -f src/greeting\n---\nThe greeting file is there.\n",
    )
    .unwrap();
    let out = g.run(&["explain", "aspect:tidy"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "aspect:tidy  aspects/tidy.md:2\n\nThe greeting file is there.\n\nevidence: `test -f src/greeting`, run from the project root\n\nnever observed: run `specctl check` to observe it\n"
    );
}

#[test]
fn an_unknown_id_is_an_error_that_says_where_ids_are() {
    let g = project();
    let out = g.run(&["explain", "specs/greet.feature::Nope"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: no item `specs/greet.feature::Nope`: run `specctl list` for the ids there are\n"
    );
}
