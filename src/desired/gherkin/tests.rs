//! Unit tests of the Gherkin reader on small sources, beside the official conformance data
//! that tests/conformance.rs reads.

use super::*;

fn pickles(source: &str) -> Vec<Pickle> {
    match parse(source) {
        Ok(doc) => compile(&doc),
        Err(errors) => panic!("unexpected errors: {errors:?}"),
    }
}

fn errors(source: &str) -> Vec<String> {
    match parse(source) {
        Ok(_) => panic!("expected errors"),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

fn table(step: &PickleStep) -> Vec<Vec<String>> {
    match &step.argument {
        Some(StepArgument::DataTable { rows }) => rows.clone(),
        other => panic!("no table: {other:?}"),
    }
}

fn doc_string(step: &PickleStep) -> (String, Option<String>, String) {
    match &step.argument {
        Some(StepArgument::DocString {
            content,
            media_type,
            delimiter,
        }) => (content.clone(), media_type.clone(), delimiter.clone()),
        other => panic!("no doc string: {other:?}"),
    }
}

fn loc(line: usize, column: usize) -> Location {
    Location { line, column }
}

#[test]
fn table_cells_unescape_and_trim() {
    let p = pickles(
        "Feature: f\n  Scenario: s\n    Given t\n      | a\\|b | \\\\ | x\\ny | \\o |  \u{a0}pad\t |\n",
    );
    assert_eq!(
        table(&p[0].steps[0]),
        vec![vec!["a|b", "\\", "x\ny", "\\o", "pad"]]
    );
}

#[test]
fn table_ignores_text_outside_pipes_and_reports_cell_count() {
    let p = pickles("Feature: f\n Scenario: s\n  Given t\n   | a | b | junk\n   | c | d |\n");
    assert_eq!(table(&p[0].steps[0]), vec![vec!["a", "b"], vec!["c", "d"]]);

    assert_eq!(
        errors("Feature: f\n Scenario: s\n  Given t\n   | a | b |\n   | c |\n"),
        vec!["(5:4): inconsistent cell count within the table"]
    );
    // A trailing backslash escapes nothing and the unterminated cell is dropped.
    assert_eq!(
        errors("Feature: f\n Scenario: s\n  Given t\n   | a |\n   | b \\")[0],
        "(5:4): inconsistent cell count within the table"
    );
}

#[test]
fn table_rows_may_be_separated_by_comments_and_blank_lines() {
    let p = pickles("Feature: f\n Scenario: s\n  Given t\n   | a |\n   # c\n\n   | b |\n");
    assert_eq!(table(&p[0].steps[0]), vec![vec!["a"], vec!["b"]]);
}

#[test]
fn doc_strings() {
    let p = pickles(concat!(
        "Feature: f\n",
        "  Scenario: s\n",
        "    Given a\n",
        "      \"\"\"json\n",
        "      {\n",
        "        \"k\": 1\n",
        "    }\n",
        "      \\\"\\\"\\\" and \\\"\\\"\\\"\n",
        "      \"\"\"\n",
        "    And b\n",
        "      ```\n",
        "      \"\"\"\n",
        "      \\`\\`\\`\n",
        "      ```\n",
    ));
    assert_eq!(
        doc_string(&p[0].steps[0]),
        (
            "{\n  \"k\": 1\n}\n\"\"\" and \"\"\"".to_string(),
            Some("json".to_string()),
            "\"\"\"".to_string()
        )
    );
    assert_eq!(
        doc_string(&p[0].steps[1]),
        ("\"\"\"\n```".to_string(), None, "```".to_string())
    );
    assert_eq!(p[0].steps[1].keyword_type, KeywordType::Context);
}

#[test]
fn unterminated_doc_string_is_an_error_at_eof() {
    assert_eq!(
        errors("Feature: f\n Scenario: s\n  Given a\n   \"\"\"\n   text\n"),
        vec!["(6:0): unexpected end of file, expected: #DocStringSeparator, #Other"]
    );
}

#[test]
fn step_with_table_and_doc_string_keeps_source_order() {
    let p = pickles(concat!(
        "Feature: f\n",
        " Scenario: s\n",
        "  Given a\n",
        "   \"\"\"\n",
        "   doc\n",
        "   \"\"\"\n",
        "   | t |\n",
        "  And b\n",
        "   | t |\n",
        "   \"\"\"\n",
        "   doc\n",
        "   \"\"\"\n",
    ));
    let first = &p[0].steps[0];
    assert!(matches!(
        first.argument,
        Some(StepArgument::DocString { .. })
    ));
    assert!(matches!(
        first.extra_argument,
        Some(StepArgument::DataTable { .. })
    ));
    let second = &p[0].steps[1];
    assert!(matches!(
        second.argument,
        Some(StepArgument::DataTable { .. })
    ));
    assert!(matches!(
        second.extra_argument,
        Some(StepArgument::DocString { .. })
    ));

    let json = serde_json::to_value(first).unwrap_or_default();
    assert_eq!(json["keyword"], "Given ");
    assert_eq!(json["keyword_type"], "Context");
    assert_eq!(json["doc_string"]["content"], "doc");
    assert_eq!(json["data_table"], serde_json::json!([["t"]]));

    // A second doc string is not accepted.
    let errs =
        errors("Feature: f\n Scenario: s\n  Given a\n   \"\"\"\n   \"\"\"\n   \"\"\"\n   \"\"\"\n");
    assert!(
        errs[0].starts_with("(6:4): expected: #EOF, #TableRow, #StepLine"),
        "{errs:?}"
    );
}

#[test]
fn scenario_outline_substitution() {
    let p = pickles(concat!(
        "@ft\n",
        "Feature: f\n",
        "  Rule: r\n",
        "  @rt\n",
        "  Scenario Outline: eat <n> <what>\n",
        "    Given <n> <what> and <missing>\n",
        "      \"\"\"<type>\n",
        "      <what>!\n",
        "      \"\"\"\n",
        "    Then I have\n",
        "      | <what> | <n>x |\n",
        "\n",
        "    @e1\n",
        "    Examples: first\n",
        "      | n | what   | type |\n",
        "      | 1 | apple  | txt  |\n",
        "      | 2 | <type> | md   |\n",
        "\n",
        "    @e2 @e3\n",
        "    Scenarios: empty\n",
        "      | n |\n",
        "\n",
        "    Examples: second\n",
        "      | n | what | type |\n",
        "      | $ | \\\\  | x    |\n",
    ));
    assert_eq!(p.len(), 3);
    let names: Vec<&str> = p.iter().map(|p| p.name.as_str()).collect();
    // Placeholders are replaced header by header, so a value spelling a later one is replaced too.
    assert_eq!(names, ["eat 1 apple", "eat 2 md", "eat $ \\"]);
    assert_eq!(p[0].steps[0].text, "1 apple and <missing>");
    assert_eq!(doc_string(&p[0].steps[0]).0, "apple!");
    assert_eq!(doc_string(&p[0].steps[0]).1.as_deref(), Some("txt"));
    assert_eq!(table(&p[0].steps[1]), vec![vec!["apple", "1x"]]);
    assert_eq!(p[0].steps[1].keyword_type, KeywordType::Outcome);
    assert_eq!(p[0].location, loc(16, 7));
    assert_eq!(p[0].steps[0].location, loc(6, 5));
    assert_eq!(p[0].keyword, "Scenario Outline");
    assert_eq!(p[0].rule_name.as_deref(), Some("r"));
    assert_eq!(p[0].feature_name, "f");
    let tags: Vec<&str> = p[0].tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tags, ["@ft", "@rt", "@e1"]);
    assert_eq!(
        p[1].examples,
        Some(ExampleRow {
            examples_name: "first".to_string(),
            examples_index: 0,
            row_index: 1,
            examples_line: 14,
        })
    );
    assert_eq!(
        p[2].examples,
        Some(ExampleRow {
            examples_name: "second".to_string(),
            examples_index: 2,
            row_index: 0,
            examples_line: 23,
        })
    );
    let tags: Vec<&str> = p[2].tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tags, ["@ft", "@rt"]);
}

#[test]
fn outline_without_examples_is_a_plain_scenario() {
    let p = pickles("Feature: f\n Scenario Outline: <x>\n  Given <x>\n");
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].name, "<x>");
    assert_eq!(p[0].steps[0].text, "<x>");
    assert_eq!(p[0].examples, None);

    let p = pickles("Feature: f\n Scenario Outline: o\n  Given x\n  Examples:\n");
    assert!(p.is_empty());
}

#[test]
fn backgrounds_feature_then_rule() {
    let p = pickles(concat!(
        "Feature: f\n",
        "  Background:\n",
        "    Given fb\n",
        "  Scenario: top\n",
        "    When a\n",
        "  Scenario: empty\n",
        "  Rule: r\n",
        "    Background:\n",
        "      And rb\n",
        "    Example: in rule\n",
        "      But x\n",
        "      * y\n",
    ));
    let texts = |p: &Pickle| p.steps.iter().map(|s| s.text.clone()).collect::<Vec<_>>();
    assert_eq!(texts(&p[0]), ["fb", "a"]);
    assert!(p[1].steps.is_empty(), "no steps, so no background either");
    assert_eq!(texts(&p[2]), ["fb", "rb", "x", "y"]);
    let types: Vec<KeywordType> = p[2].steps.iter().map(|s| s.keyword_type).collect();
    assert_eq!(
        types,
        [
            KeywordType::Context,
            KeywordType::Context,
            KeywordType::Context,
            KeywordType::Unknown
        ]
    );
    assert_eq!(p[2].steps[3].keyword, "* ");
    assert_eq!(p[2].keyword, "Example");
}

#[test]
fn conjunction_first_is_unknown() {
    let p = pickles("Feature: f\n Scenario: s\n  And a\n  But b\n  When c\n  And d\n");
    let types: Vec<KeywordType> = p[0].steps.iter().map(|s| s.keyword_type).collect();
    assert_eq!(
        types,
        [
            KeywordType::Unknown,
            KeywordType::Unknown,
            KeywordType::Action,
            KeywordType::Action
        ]
    );
}

#[test]
fn dialects() {
    let p = pickles(concat!(
        "  #  language :  fr \n",
        "Fonctionnalité: f\n",
        "  Plan du scénario: p <x>\n",
        "    Soit a\n",
        "    Et b\n",
        "    Alors c\n",
        "  Exemples:\n",
        "    | x |\n",
        "    | 1 |\n",
    ));
    assert_eq!(p[0].language, "fr");
    assert_eq!(p[0].name, "p 1");
    assert_eq!(p[0].keyword, "Plan du scénario");
    assert_eq!(p[0].steps[1].keyword, "Et ");
    assert_eq!(p[0].steps[1].keyword_type, KeywordType::Context);
    assert_eq!(p[0].steps[2].keyword_type, KeywordType::Outcome);

    let doc = parse("# language: em\n📚: 🙈\n  📕: 💃\n    😐🎸\n").unwrap_or_default();
    assert_eq!(doc.language, "em");
    let p = compile(&doc);
    assert_eq!(p[0].steps[0].text, "🎸");
    assert_eq!(p[0].steps[0].keyword, "😐");

    assert_eq!(
        errors("\n  # language: xx-nope\nFeature: f\n"),
        vec!["(2:3): Language not supported: xx-nope"]
    );
    // Only the first header counts; later ones are comments.
    let doc = parse("# language: fr\n# language: de\nFonctionnalité: f\n").unwrap_or_default();
    assert_eq!(doc.language, "fr");
    assert!(languages().contains(&"en") && languages().len() > 70);
}

#[test]
fn tags() {
    let doc = parse("@a @b   @c #comment @d\n  @e#f\nFeature: f\n").unwrap_or_default();
    let feature = doc.feature.unwrap_or_else(|| panic!("no feature"));
    let tags: Vec<(&str, Location)> = feature
        .tags
        .iter()
        .map(|t| (t.name.as_str(), t.location))
        .collect();
    assert_eq!(
        tags,
        [
            ("@a", loc(1, 1)),
            ("@b", loc(1, 4)),
            ("@c", loc(1, 9)),
            ("@e#f", loc(2, 3))
        ]
    );
    assert_eq!(doc.comments.len(), 0);

    assert_eq!(
        errors("Feature: f\n\n  @ok @not ok\n  Scenario: s\n"),
        vec!["(3:7): A tag may not contain whitespace"]
    );
}

#[test]
fn tags_before_examples_scenario_or_rule() {
    let doc = parse(concat!(
        "Feature: f\n",
        "  Scenario: s\n",
        "    Given x\n",
        "  @ex\n",
        "  # between\n",
        "  Examples:\n",
        "    | a |\n",
        "  @sc\n",
        "  Scenario: t\n",
        "  @ru\n",
        "  Rule: r\n",
    ))
    .unwrap_or_default();
    let feature = doc.feature.unwrap_or_else(|| panic!("no feature"));
    let FeatureChild::Scenario(s) = &feature.children[0] else {
        panic!("{:?}", feature.children[0])
    };
    assert_eq!(s.examples[0].tags[0].name, "@ex");
    let FeatureChild::Scenario(t) = &feature.children[1] else {
        panic!("{:?}", feature.children[1])
    };
    assert_eq!(t.tags[0].name, "@sc");
    let FeatureChild::Rule(r) = &feature.children[2] else {
        panic!("{:?}", feature.children[2])
    };
    assert_eq!(r.tags[0].name, "@ru");
}

#[test]
fn descriptions_and_comments() {
    let doc = parse(concat!(
        "Feature: f\n",
        "\n",
        "  first line\n",
        "  # a comment\n",
        "\n",
        "  Given is text here\n",
        "\n",
        "  Scenario: s\n",
        "    # only a comment\n",
        "    Given x\n",
    ))
    .unwrap_or_default();
    let feature = doc.feature.unwrap_or_else(|| panic!("no feature"));
    assert_eq!(feature.description, "  first line\n\n  Given is text here");
    let FeatureChild::Scenario(s) = &feature.children[0] else {
        panic!()
    };
    assert_eq!(s.description, "");
    let comments: Vec<&str> = doc.comments.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(comments, ["  # a comment", "    # only a comment"]);
    assert_eq!(doc.comments[1].location, loc(9, 1));
}

#[test]
fn error_recovery_reports_every_error() {
    let errs = errors(concat!(
        "\n",
        "invalid line here\n",
        "\n",
        "Feature: Multiple parser errors\n",
        "\n",
        "  Scenario: minimalistic\n",
        "    Given the minimalism\n",
        "\n",
        "another invalid line here\n",
    ));
    assert_eq!(
        errs,
        vec![
            "(2:1): expected: #EOF, #Language, #TagLine, #FeatureLine, #Comment, #Empty, got 'invalid line here'",
            "(9:1): expected: #EOF, #TableRow, #DocStringSeparator, #StepLine, #TagLine, #ExamplesLine, #ScenarioLine, #RuleLine, #Comment, #Empty, got 'another invalid line here'",
        ]
    );
    assert_eq!(
        errors("Feature: f\n  Scenario: s\n    @tag\n   "),
        vec!["(4:0): unexpected end of file, expected: #TagLine, #RuleLine, #Comment, #Empty"]
    );
    let err = parse("nope").err().unwrap_or_default();
    assert_eq!(err[0].location, loc(1, 1));
    assert!(err[0].message.starts_with("expected: #EOF"));
}

#[test]
fn errors_are_capped_like_the_official_parser() {
    let source = "Feature: f\n Scenario: s\n  Given x\n".to_string() + &"junk\n".repeat(100);
    let errs = parse(&source).err().unwrap_or_default();
    assert_eq!(errs.len(), 11);
    assert_eq!(errs[10].location, loc(14, 1));
}

#[test]
fn empty_and_blank_sources() {
    for source in [
        "",
        "\n\n",
        "   \t",
        "# just a comment\n",
        "\u{feff}",
        "\r\n\r\n",
    ] {
        let doc = parse(source).unwrap_or_else(|e| panic!("{source:?}: {e:?}"));
        assert!(doc.feature.is_none());
        assert_eq!(doc.language, "en");
        assert!(compile(&doc).is_empty());
    }
}

#[test]
fn bom_crlf_and_tabs() {
    let p = pickles(
        "\u{feff}Feature: f\r\n\tScenario: s\t\r\n\t\tGiven  x \r\n\t\t\t\"\"\"\r\n\t\t\tl1\r\n\t\t\t\"\"\"\r\n",
    );
    assert_eq!(p[0].location, loc(2, 2));
    assert_eq!(p[0].name, "s");
    assert_eq!(p[0].steps[0].text, "x");
    assert_eq!(doc_string(&p[0].steps[0]).0, "l1");
}

#[test]
fn source_text_spans_tags_to_last_line() {
    let source = concat!(
        "Feature: f\n",
        "  @t1\n",
        "  # c\n",
        "  Scenario: s\n",
        "    a description\n",
        "    Given x\n",
        "      | a |\n",
        "\n",
        "    Examples:\n",
        "      | a |\n",
        "      | 1 |\n",
        "  # trailing comment\n",
        "\n",
        "  Scenario: bare\n",
        "    description only\n",
    );
    let sources = |text: &str| -> Vec<String> {
        let doc = super::parse(text).expect("valid");
        let feature = doc.feature.expect("a feature");
        feature
            .children
            .iter()
            .filter_map(|c| match c {
                super::FeatureChild::Scenario(s) => Some(s.source_text.clone()),
                _ => None,
            })
            .collect()
    };
    let p = sources(source);
    assert_eq!(
        p[0],
        "  @t1\n  # c\n  Scenario: s\n    a description\n    Given x\n      | a |\n\n    Examples:\n      | a |\n      | 1 |"
    );
    assert_eq!(p[1], "  Scenario: bare");

    let crlf = sources("Feature: f\r\nScenario: s\r\n  Given x\r\n  Then y\r\n");
    assert_eq!(crlf[0], "Scenario: s\r\n  Given x\r\n  Then y");
}

#[test]
fn pickle_serializes() {
    let p = pickles("@t\nFeature: f\n Scenario: s\n  Given x\n   | a |\n");
    let json = serde_json::to_value(&p[0]).unwrap_or_default();
    assert_eq!(json["name"], "s");
    assert_eq!(
        json["location"],
        serde_json::json!({"line": 3, "column": 2})
    );
    assert_eq!(json["tags"][0]["name"], "@t");
    assert_eq!(json["steps"][0]["data_table"], serde_json::json!([["a"]]));
    assert!(json["steps"][0].get("doc_string").is_none());
    assert_eq!(json["rule_name"], serde_json::Value::Null);
}

/// Cheap deterministic generator, to avoid a dev-dependency.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        usize::try_from(self.0 >> 33).unwrap_or(0)
    }
}

#[test]
fn never_panics_on_junk() {
    let fragments = [
        "\u{0}|||\"\"\"",
        "Feature: f",
        "Rule:",
        "Background:",
        "Scenario Outline: <a>",
        "Scenario:",
        "Examples:",
        "Given <a>",
        "And",
        "* x",
        "| a | b |",
        "| <a> |",
        "|\\",
        "| a \\",
        "\"\"\"",
        "```",
        "\\\"\\\"\\\"",
        "@",
        "@@",
        "@a b",
        "@a #c",
        "# language: fr",
        "# language: ??",
        "#",
        "",
        "   ",
        "\t",
        "\r",
        "\u{feff}",
        "\u{2003}Given é",
        "😀|😀|",
        "Fonctionnalité:",
        "\u{85}",
        "a\u{0}b",
        "'''",
        "# Feature: f",
        "## Scenario: s `@t`",
        "### Examples:",
        "- Given <a>",
        "+ When `@x`",
        "````json",
        "  | --- | :-: |",
        "`@a``@b` `@`",
        "####### x",
    ];
    let separators = ["\n", "\r\n", "\r", ""];
    let mut rng = Lcg(42);
    for _ in 0..3000 {
        let mut source = String::new();
        for _ in 0..rng.next() % 40 {
            source.push_str(&" ".repeat(rng.next() % 4));
            source.push_str(fragments[rng.next() % fragments.len()]);
            source.push_str(separators[rng.next() % separators.len()]);
        }
        for flavor in [Flavor::Classic, Flavor::Markdown, Flavor::Behave] {
            if let Ok(doc) = parse_with(&source, flavor) {
                for pickle in compile(&doc) {
                    assert!(serde_json::to_string(&pickle).is_ok());
                }
            }
        }
    }
    // Arbitrary bytes, lossily decoded.
    for _ in 0..500 {
        let bytes: Vec<u8> = (0..rng.next() % 300)
            .map(|_| (rng.next() % 256) as u8)
            .collect();
        let source = String::from_utf8_lossy(&bytes);
        for flavor in [Flavor::Classic, Flavor::Markdown, Flavor::Behave] {
            if let Ok(doc) = parse_with(&source, flavor) {
                compile(&doc);
            }
        }
    }
}

#[test]
fn large_repetitive_inputs_stay_fast() {
    let header = "Feature: f\n Scenario: s\n  Given x\n";
    let patterns = [
        "  | a | b |\n",
        "@t\n",
        "\"\"\"\n",
        "  Rule: r\n",
        "  Scenario: s\n",
        "     nested text\n",
        "# comment\n",
        "\n",
        "|\n",
    ];
    for pattern in patterns {
        let source = format!("{header}{}", pattern.repeat(100_000));
        let started = std::time::Instant::now();
        let result = parse(&source);
        if let Ok(doc) = &result {
            compile(doc);
        }
        // Generous even for debug builds; a quadratic path would take minutes.
        assert!(
            started.elapsed().as_secs() < 10,
            "{pattern:?} took {:?}",
            started.elapsed()
        );
    }
    // Increasing indentation, one very long line.
    let deep: String = (0..100_000)
        .map(|i| " ".repeat(i % 200) + "| x |\n")
        .collect();
    assert!(parse(&format!("{header}{deep}")).is_ok());
    let long_line = format!("{header}  | {} |\n", "y".repeat(1_000_000));
    assert!(parse(&long_line).is_ok());
}

/// One scenario of one step in `language`, read back as (feature keyword, scenario keyword,
/// step keyword, step type).
fn dialect_sample(source: &str) -> (String, String, String, KeywordType) {
    let doc = match parse(source) {
        Ok(doc) => doc,
        Err(errors) => panic!("{source:?}: {errors:?}"),
    };
    let feature = doc.feature.clone().unwrap_or_else(|| panic!("no feature"));
    let p = compile(&doc);
    let step = &p[0].steps[0];
    (
        feature.keyword,
        p[0].keyword.clone(),
        step.keyword.clone(),
        step.keyword_type,
    )
}

#[test]
fn languages_added_by_gherkin_42_parse() {
    let be = dialect_sample("# language: be\nФіча: f\n  Сцэнарый: s\n    Няхай x\n");
    assert_eq!(
        be,
        (
            "Фіча".into(),
            "Сцэнарый".into(),
            "Няхай ".into(),
            KeywordType::Context
        )
    );
    let ml = dialect_sample("# language: ml\nസവിശേഷത: f\n  രംഗം: s\n    നൽകിയത് x\n");
    assert_eq!(
        ml,
        (
            "സവിശേഷത".into(),
            "രംഗം".into(),
            "നൽകിയത്".into(),
            KeywordType::Context
        )
    );
    let amh = dialect_sample("# language: amh\nስራ: f\n  ምሳሌ: s\n    የተሰጠ x\n");
    assert_eq!(
        amh,
        (
            "ስራ".into(),
            "ምሳሌ".into(),
            "የተሰጠ ".into(),
            KeywordType::Context
        )
    );
    for code in ["be", "ml", "amh"] {
        assert!(languages().contains(&code), "{code}");
    }
}

#[test]
fn keywords_added_by_gherkin_42_parse() {
    let ru = dialect_sample("# language: ru\nФича: f\n  Сценарий: s\n    Дано x\n");
    assert_eq!(ru.0, "Фича");
    let tr = dialect_sample(
        "# language: tr\nGereksinim: f\n  Kural: r\n    Senaryo: s\n      Mevcut x\n      Ayrıca y\n",
    );
    assert_eq!(
        tr,
        (
            "Gereksinim".into(),
            "Senaryo".into(),
            "Mevcut ".into(),
            KeywordType::Context
        )
    );
    let fa =
        dialect_sample("# language: fa\nقابلیت: f\n  قانون: r\n    سناریو: s\n      فرض کنید x\n");
    assert_eq!(fa.0, "قابلیت");
    assert_eq!(fa.2, "فرض کنید ");
    let ka = dialect_sample("# language: ka\nმოთხოვნა: f\n  მაგალითი: s\n    მოცემულია x\n");
    assert_eq!(
        ka,
        (
            "მოთხოვნა".into(),
            "მაგალითი".into(),
            "მოცემულია ".into(),
            KeywordType::Context
        )
    );
    let it = pickles("# language: it\nFunzionalità: f\n  Scenario: s\n    Dato x\n    Ed y\n");
    assert_eq!(it[0].steps[1].keyword, "Ed ");
    assert_eq!(it[0].steps[1].keyword_type, KeywordType::Context);
    let ja =
        parse("# language: ja\n機能: f\n  ルール: r\n    シナリオ: s\n      前提x\n      且つy\n")
            .unwrap_or_default();
    let Some(FeatureChild::Rule(rule)) = doc_child(&ja) else {
        panic!("no rule: {ja:?}");
    };
    assert_eq!(rule.keyword, "ルール");
    let p = compile(&ja);
    assert_eq!(p[0].steps[1].keyword, "且つ");
    assert_eq!(p[0].steps[1].text, "y");
    // The examples keyword added to ru reads as one too.
    let ru = pickles(
        "# language: ru\nФича: f\n  Структура сценария: s <x>\n    Дано <x>\n  Значения:\n    | x |\n    | 1 |\n",
    );
    assert_eq!(ru[0].name, "s 1");
}

fn doc_child(doc: &Document) -> Option<&FeatureChild> {
    doc.feature.as_ref().and_then(|f| f.children.first())
}

const MARKDOWN: &str = concat!(
    "`@shop`\n",
    "# Feature: Shop\n",
    "\n",
    "Some prose that is skipped.\n",
    "\n",
    "| a table | of markdown |\n",
    "| ------- | ----------- |\n",
    "\n",
    "## Background:\n",
    "+ Given a shop\n",
    "\n",
    "`@buy` `@big`\n",
    "## Scenario Outline: Buy <n>\n",
    "- When I buy <n>\n",
    "  ```json\n",
    "    {\"n\": <n>}\n",
    "  ```\n",
    "- Then I pay\n",
    "  | n | price |\n",
    "  | - | ----- |\n",
    "  | 1 | 2     |\n",
    "\n",
    "####### Scenario: not a heading\n",
    "### Examples:\n",
    "  | n |\n",
    "  | 1 |\n",
);

#[test]
fn markdown_reads_headings_bullets_fences_tables_and_tag_spans() {
    let doc = parse_with(MARKDOWN, Flavor::Markdown).unwrap_or_default();
    let feature = doc.feature.clone().unwrap_or_else(|| panic!("no feature"));
    assert_eq!(
        (
            feature.keyword.as_str(),
            feature.name.as_str(),
            feature.location
        ),
        ("Feature", "Shop", loc(2, 3))
    );
    assert_eq!(feature.tags[0].location, loc(1, 2));
    // The separator rows of Markdown tables read as comments that are not kept, as officially.
    assert_eq!(doc.comments, vec![]);
    let p = compile(&doc);
    assert_eq!(p.len(), 1);
    assert_eq!((p[0].name.as_str(), p[0].location), ("Buy 1", loc(26, 3)));
    let tags: Vec<&str> = p[0].tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tags, ["@shop", "@buy", "@big"]);
    let steps: Vec<(&str, &str, KeywordType, Location)> = p[0]
        .steps
        .iter()
        .map(|s| {
            (
                s.keyword.as_str(),
                s.text.as_str(),
                s.keyword_type,
                s.location,
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("Given ", "a shop", KeywordType::Context, loc(10, 3)),
            ("When ", "I buy 1", KeywordType::Action, loc(14, 3)),
            ("Then ", "I pay", KeywordType::Outcome, loc(18, 3)),
        ]
    );
    assert_eq!(
        doc_string(&p[0].steps[1]),
        (
            "  {\"n\": 1}".to_string(),
            Some("json".to_string()),
            "```".to_string()
        )
    );
    assert_eq!(
        table(&p[0].steps[2]),
        vec![vec!["n", "price"], vec!["1", "2"]]
    );
}

#[test]
fn markdown_quirks_match_the_official_matcher() {
    // No `# language:` header: the first line is the Feature line whatever it says.
    let doc = parse_with(
        "# language: fr\n## Scenario: s\n* Given x\n",
        Flavor::Markdown,
    )
    .unwrap_or_default();
    let feature = doc.feature.clone().unwrap_or_else(|| panic!("no feature"));
    assert_eq!(
        (
            doc.language.as_str(),
            feature.keyword.as_str(),
            feature.name.as_str()
        ),
        ("en", "", "# language: fr")
    );
    // `* ` is a bullet, never a step keyword; longer fences hold shorter ones.
    let p = pickles_with(
        "# Feature: f\n## Scenario: s\n*  * Given x\n* Given y\n  ````\n  ```\n  ````\n",
        Flavor::Markdown,
    );
    assert_eq!(p[0].steps.len(), 1);
    assert_eq!(
        doc_string(&p[0].steps[0]),
        ("```".to_string(), None, "````".to_string())
    );
    // A heading that holds a `@tag` span is a tag line: the official reading, errors and all.
    let errs = match parse_with(
        "# Feature: f\n## Scenario: s `@t`\n* Given x\n",
        Flavor::Markdown,
    ) {
        Ok(doc) => panic!("parsed: {doc:?}"),
        Err(errs) => errs.iter().map(ToString::to_string).collect::<Vec<_>>(),
    };
    assert_eq!(
        errs,
        [
            "(3:1): expected: #TagLine, #RuleLine, #Comment, #Empty, got '* Given x'",
            "(4:0): unexpected end of file, expected: #TagLine, #RuleLine, #Comment, #Empty"
        ]
    );
    // Classic parsing is untouched by all of this: there a `#` line is a comment.
    let classic = parse("# Feature: f\n").unwrap_or_default();
    assert_eq!((classic.feature, classic.comments.len()), (None, 1));
}

const BEHAVE: &str =
    "Feature: f\n  Scenario: s\n    Given a text\n      '''\n      say \"\"\"hi\"\"\"\n      '''\n";

#[test]
fn behave_doc_strings_are_read_only_when_asked_for() {
    let p = pickles_with(BEHAVE, Flavor::Behave);
    assert_eq!(
        doc_string(&p[0].steps[0]),
        ("say \"\"\"hi\"\"\"".to_string(), None, "'''".to_string())
    );
    // The usual delimiters still work in the behave flavor.
    let p = pickles_with(
        "Feature: f\n Scenario: s\n  Given a\n   \"\"\"\n   '''\n   \"\"\"\n",
        Flavor::Behave,
    );
    assert_eq!(doc_string(&p[0].steps[0]).0, "'''");
    // Plain parsing keeps the official grammar, which has no `'''`.
    assert_eq!(
        errors(BEHAVE)[0],
        "(4:7): expected: #EOF, #TableRow, #DocStringSeparator, #StepLine, #TagLine, #ExamplesLine, #ScenarioLine, #RuleLine, #Comment, #Empty, got '''''"
    );
    assert_eq!(
        Flavor::for_file("a.feature").with_behave_doc_strings(),
        Flavor::Behave
    );
    assert_eq!(
        Flavor::for_file("a.feature.md").with_behave_doc_strings(),
        Flavor::Markdown
    );
}

fn pickles_with(source: &str, flavor: Flavor) -> Vec<Pickle> {
    match parse_with(source, flavor) {
        Ok(doc) => compile(&doc),
        Err(errors) => panic!("unexpected errors: {errors:?}"),
    }
}

#[test]
fn a_lone_at_sign_is_no_tag_as_officially() {
    // @cucumber/gherkin 42 (and the Java and Go parsers) skip an empty tag and refuse `@ foo`.
    let tags = |source: &str| -> Vec<String> {
        let doc = parse(source).unwrap_or_default();
        let feature = doc.feature.unwrap_or_else(|| panic!("no feature"));
        feature.tags.into_iter().map(|t| t.name).collect()
    };
    assert_eq!(tags("@\nFeature: f\n"), Vec::<String>::new());
    assert_eq!(tags("@a @\nFeature: f\n"), ["@a"]);
    assert_eq!(tags("@@\nFeature: f\n"), Vec::<String>::new());
    assert_eq!(
        errors("@ foo\nFeature: f\n"),
        [
            "(1:1): A tag may not contain whitespace",
            "(1:1): expected: #EOF, #Language, #TagLine, #FeatureLine, #Comment, #Empty, got '@ foo'"
        ]
    );
}
