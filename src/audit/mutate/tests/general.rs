use super::super::{Language, MutateError, looks_binary, mutants, on_lines, one_per_line};
use super::{rows, still_parses};
use crate::audit::{Mutant, Operator};
use std::collections::BTreeSet;

#[test]
fn languages_by_extension() {
    let cases = [
        ("a.py", Some(Language::Python)),
        ("a/b.js", Some(Language::JavaScript)),
        ("a.mjs", Some(Language::JavaScript)),
        ("a.cjs", Some(Language::JavaScript)),
        ("a.jsx", Some(Language::JavaScript)),
        ("a.ts", Some(Language::TypeScript)),
        ("a.mts", Some(Language::TypeScript)),
        ("a.cts", Some(Language::TypeScript)),
        ("a.tsx", Some(Language::Tsx)),
        ("src/lib.rs", Some(Language::Rust)),
        ("main.go", Some(Language::Go)),
        ("A.PY", Some(Language::Python)),
        ("a.rb", None),
        ("Makefile", None),
        ("a.d.ts.map", None),
        ("", None),
    ];
    for (path, language) in cases {
        assert_eq!(Language::of(path), language, "{path}");
    }
}

#[test]
fn an_unknown_extension_is_named() {
    let error = mutants("notes/a.txt", "x == y").unwrap_err();
    assert_eq!(
        error,
        MutateError::Language {
            file: "notes/a.txt".into()
        }
    );
    assert!(
        error
            .to_string()
            .starts_with("notes/a.txt: no mutants are made")
    );
    assert!(error.to_string().contains("leave it out of audit.mutate"));
}

#[test]
fn a_syntax_error_names_its_line() {
    let cases = [
        ("a.py", "a = 1\nb = 2\nif x\n    pass\n", 3),
        ("a.js", "const a = 1;\nconst b = ;\n", 2),
        ("a.ts", "let a: number = 1;\nfunction f(: number) {}\n", 2),
        ("a.tsx", "const a = 1;\n\nconst e = <div>{</div>;\n", 3),
        ("a.rs", "fn main() {\n    let x = 1;\n    let y = ;\n}\n", 3),
        ("a.go", "package p\n\nfunc f() {\n\tx := )\n}\n", 4),
    ];
    for (file, source, line) in cases {
        match mutants(file, source) {
            Err(MutateError::Syntax {
                file: named,
                line: at,
                column,
            }) => {
                assert_eq!((named.as_str(), at), (file, line), "{source}");
                assert!(column >= 1);
            }
            other => panic!("{file}: expected a syntax error, got {other:?}"),
        }
    }
    let message = mutants("a.py", "if x\n").unwrap_err().to_string();
    assert!(message.starts_with("a.py:1:"), "{message}");
    assert!(message.contains("fix it or leave it out of audit.mutate"));
}

#[test]
fn columns_count_characters() {
    let source = "é = 1\nif é > 1: pass\n";
    let found = mutants("u.py", source).unwrap();
    let swap = found.iter().find(|m| m.original == ">").unwrap();
    assert_eq!(
        (swap.line, swap.column, swap.end_line, swap.end_column),
        (2, 6, 2, 7)
    );
    assert_eq!(&source[swap.start..swap.end], ">");
}

fn mutant(line: usize, column: usize, operator: Operator) -> Mutant {
    Mutant {
        file: "f.py".into(),
        line,
        column,
        end_line: line,
        end_column: column + 1,
        start: line * 100 + column,
        end: line * 100 + column + 1,
        original: "x".into(),
        replacement: "y".into(),
        operator,
    }
}

#[test]
fn one_per_line_keeps_the_most_severe_then_the_leftmost() {
    use Operator::*;
    let all = vec![
        mutant(1, 9, Arithmetic),
        mutant(1, 5, Comparison),
        mutant(1, 2, StatementRemoved),
        mutant(2, 7, ReturnDefault),
        mutant(2, 3, ReturnDefault),
        mutant(2, 12, ConditionForced),
        mutant(4, 1, Boolean),
        mutant(3, 4, Logical),
    ];
    let kept: Vec<_> = one_per_line(all)
        .into_iter()
        .map(|m| (m.line, m.column, m.operator))
        .collect();
    assert_eq!(
        kept,
        [
            (1, 5, Comparison),
            (2, 12, ConditionForced),
            (3, 4, Logical),
            (4, 1, Boolean),
        ]
    );
}

#[test]
fn one_per_line_on_real_mutants_prefers_the_forced_condition() {
    let source = "def f(a, b):\n    return a + b if a > b else a - b\n";
    let kept = one_per_line(mutants("f.py", source).unwrap());
    let kept: Vec<_> = kept
        .iter()
        .map(|m| (m.line, m.original.as_str(), m.replacement.as_str()))
        .collect();
    assert_eq!(kept, [(2, "a > b", "True")]);
}

#[test]
fn on_lines_keeps_the_mutants_touching_a_line() {
    let source = "def f(a, b):\n    if (a >\n        b):\n        return a * 2\n    return 0\n";
    let all = mutants("f.py", source).unwrap();
    let lines: BTreeSet<usize> = [3, 5].into();
    let kept: Vec<_> = on_lines(all, &lines)
        .into_iter()
        .map(|m| (m.line, m.original, m.replacement))
        .collect();
    // The forced condition spans lines 2 and 3, so a change on line 3 counts for it.
    let expected = [
        (2, "(a >\n        b)".to_string(), "True".to_string()),
        (2, "(a >\n        b)".to_string(), "False".to_string()),
        (5, "0".to_string(), "None".to_string()),
    ];
    assert_eq!(kept, expected);
    assert!(on_lines(mutants("f.py", source).unwrap(), &BTreeSet::new()).is_empty());
}

#[test]
fn binary_looks_binary() {
    assert!(looks_binary(b"abc\0def"));
    assert!(!looks_binary(b"def f():\n    pass\n"));
    assert!(!looks_binary(b""));
    let mut late = vec![b'a'; 9000];
    late.push(0);
    assert!(!looks_binary(&late), "only the first 8 KiB are looked at");
}

#[test]
fn still_parses_tells_broken_text() {
    assert!(still_parses(Language::Python, "x = 1\n"));
    assert!(!still_parses(Language::Python, "x = = 1\n"));
    assert!(still_parses(Language::Go, "package p\n"));
    assert!(!still_parses(Language::Rust, "fn f( {"));
}

/// Odd input never panics: it gives mutants, a syntax error or a language error.
#[test]
fn odd_input_does_not_panic() {
    let deep_parens = format!("x = {}1{}\n", "(".repeat(400), ")".repeat(400));
    let deep_js = format!("{}f();{}", "if (a) {".repeat(300), "}".repeat(300));
    let deep_rust = format!(
        "fn f() -> i32 {{ {}1 + 2{} }}",
        "{".repeat(300),
        "}".repeat(300)
    );
    let deep_python: String = (0..100)
        .map(|i| format!("{}if a{i} > 0:\n", "    ".repeat(i)))
        .chain(std::iter::once(format!("{}g()\n", "    ".repeat(100))))
        .collect();
    let long_chain = format!("s = {}\"x\"\n", "\"a\" + ".repeat(5000));
    let inputs: Vec<String> = vec![
        String::new(),
        " \n\t\n".into(),
        "# only a comment\n".into(),
        "// only a comment".into(),
        "/* unterminated".into(),
        "\0\0\0".into(),
        "\u{feff}x = 1\n".into(),
        "x = 1\r\ny = x + 1\r\n".into(),
        "é ü 漢字 🙂".into(),
        "\"unterminated".into(),
        deep_parens,
        deep_js,
        deep_rust,
        deep_python,
        long_chain,
    ];
    for extension in ["py", "js", "ts", "tsx", "rs", "go", "txt"] {
        for input in &inputs {
            let file = format!("odd.{extension}");
            match mutants(&file, input) {
                Ok(_) => {
                    rows(&file, input);
                }
                Err(MutateError::Syntax { line, column, .. }) => {
                    assert!(line >= 1 && column >= 1);
                    assert!(line <= input.lines().count().max(1));
                }
                Err(MutateError::Language { .. }) => assert_eq!(extension, "txt"),
                Err(other) => panic!("{other}"),
            }
        }
    }
}

#[test]
fn comments_strings_only_give_nothing() {
    let cases = [
        ("a.py", "# if a == b: return a + b\n\"\"\"a == b\"\"\"\n"),
        ("a.js", "// if (a == b) f();\n/* a + b */\n'a == b';\n"),
        (
            "a.rs",
            "// a == b\n/* a + b */\nconst S: &str = \"a == b\";\n",
        ),
        ("a.go", "package p\n\n// a == b\nvar s = `a + b`\n"),
    ];
    for (file, source) in cases {
        assert_eq!(rows(file, source), [], "{file}");
    }
}

/// Both ways of reparsing: the whole file's tree edited (one function: the mutant's
/// top-level node is all of it) and only the touched function (one of many).
#[test]
fn a_mutant_whose_text_would_not_parse_is_found_out() {
    use super::super::{parse, reparse, sink::Sink};
    let one = "def f(a, b):\n    return a == b\n".to_string();
    let many: String = (0..20)
        .map(|i| format!("def f{i}(a, b):\n    return a == b\n\n"))
        .collect();
    for source in [one, many] {
        let (mut parser, tree) = parse::parse(Language::Python, "f.py", &source).unwrap();
        let sink = Sink::new("f.py", &source);
        let found = mutants("f.py", &source).unwrap();
        for swap in found.iter().filter(|m| m.original == "==") {
            assert!(reparse::mutant_parses(&mut parser, &tree, &sink, swap));
            let broken = Mutant {
                replacement: "== )".into(),
                ..swap.clone()
            };
            assert!(!reparse::mutant_parses(&mut parser, &tree, &sink, &broken));
            let multiline = Mutant {
                replacement: "== (\n  b\n) ==".into(),
                ..swap.clone()
            };
            assert!(reparse::mutant_parses(
                &mut parser,
                &tree,
                &sink,
                &multiline
            ));
            let dedented = Mutant {
                replacement: "==\nreturn".into(),
                ..swap.clone()
            };
            assert!(!reparse::mutant_parses(
                &mut parser,
                &tree,
                &sink,
                &dedented
            ));
        }
    }
}
