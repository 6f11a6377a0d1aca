//! The evidence behind specctl's own shape (evidence/architecture.py) can fail: each rule is
//! broken once in a small tree of its own, and the real src/ keeps every rule.

use std::path::Path;
use std::process::Command;

fn check(what: &str, src: &Path) -> (i32, String) {
    let out = Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/evidence/architecture.py"
        ))
        .arg(what)
        .arg(src)
        .output()
        .expect("python3 runs");
    let text =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    (out.status.code().unwrap_or(-1), text)
}

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let file = dir.path().join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    dir
}

#[test]
fn specctls_own_src_keeps_its_shape() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    assert_eq!(
        check("layering", &src),
        (0, "src/ keeps its shape\n".into())
    );
    assert_eq!(
        check("functions", &src),
        (0, "every function in src/ fits in 80 lines\n".into())
    );
}

#[test]
fn each_layering_rule_fails_where_it_is_broken() {
    let dir = tree(&[
        ("cli.rs", "use clap::Parser;\n"),
        (
            "reconcile/decide.rs",
            "use crate::cli::Cli;\npub fn decide() {\n    let _ = std::fs::read(\"x\");\n}\n",
        ),
        (
            "watch/mod.rs",
            "pub fn run() {\n    println!(\"board\");\n}\n",
        ),
        (
            "store/mod.rs",
            "use crate::report::Style;\nuse clap::ValueEnum;\n",
        ),
        (
            "report/mod.rs",
            "use crate::store::Store;\n// crate::cli in a comment is no import\n",
        ),
    ]);
    let (code, text) = check("layering", dir.path());
    assert_eq!(code, 1, "{text}");
    let want = [
        "src/reconcile/decide.rs: imports crate::cli, but nothing below command/ may know the command line",
        "src/reconcile/decide.rs:3: `std::fs` is I/O in a pure module; pass the data in instead",
        "src/watch/mod.rs:2: prints (println!); the library emits events or returns text, command/ prints",
        "src/store/mod.rs: uses clap; clap derives live in src/cli.rs",
        "import circle: report -> store -> report",
        "5 problem(s) with the shape of src/",
    ];
    let lines: Vec<&str> = text.lines().collect();
    let mut sorted_want = want.to_vec();
    sorted_want.sort();
    let mut sorted_got = lines.clone();
    sorted_got.sort();
    assert_eq!(sorted_got, sorted_want, "{text}");
}

#[test]
fn a_long_function_fails_and_the_parser_state_machine_may_be_long() {
    // A `//` inside a string, a string continued over a line and a quote in a char literal
    // are code, not comments or strings that never end.
    let tricky = "    let a = \"file://x\";\n    let b = \"one \\\n two\";\n    let c = '\"';\n";
    let long = format!(
        "pub fn long() {{\n{tricky}{}}}\n",
        "    let x = 1;\n".repeat(77)
    );
    let dir = tree(&[
        ("observe/mod.rs", &long),
        ("desired/gherkin/parser.rs", &long),
    ]);
    let (code, text) = check("functions", dir.path());
    assert_eq!(code, 1, "{text}");
    assert_eq!(
        text,
        "src/observe/mod.rs:1: fn long is 83 lines (at most 80); split it\n1 problem(s) with the shape of src/\n"
    );
}
