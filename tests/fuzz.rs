//! Mutation fuzzing of every parser specctl owns: feature files, aspect frontmatter,
//! specctl.yaml, JUnit XML, Cucumber JSON, agent outputs and tag expressions. Seeded from the
//! official Gherkin conformance data when it is there, bounded in time (SPECCTL_FUZZ_SECONDS
//! per target, default 2) and size (64 KiB per input). Any panic fails the test with the input
//! saved for replay; any input slower than 2 s is a hang.

use specctl::config::{AgentKind, Config};
use specctl::desired;
use specctl::observe::report::{cucumber_json, junit};
use specctl::reconcile::agent;
use specctl::tag_expr::TagExpr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const MAX_INPUT: usize = 64 * 1024;
const SLOW: Duration = Duration::from_secs(2);

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const TOKENS: &[&str] = &[
    "\n",
    "|",
    "\\|",
    "\\",
    "\"\"\"",
    "```",
    "@",
    "@evidence:",
    "#",
    "# language: fr\n",
    "Feature:",
    "Scenario:",
    "Scenario Outline:",
    "Examples:",
    "Background:",
    "Rule:",
    "Given ",
    "<a>",
    "---\n",
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "<testcase name=\"x\">",
    "</testcase>",
    "<failure message=\"",
    "<![CDATA[",
    "]]>",
    "&amp;",
    "&#x0;",
    "\t",
    "\r\n",
    "\u{feff}",
    "é",
    "🥒",
    "\0",
    "and",
    "or",
    "not",
    "(",
    ")",
    "null",
    "true",
    "1e999",
    ",",
];

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut data = seeds[rng.below(seeds.len())].clone();
    for _ in 0..1 + rng.below(8) {
        let len = data.len();
        match rng.below(6) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 => {
                let at = rng.below(len + 1);
                let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                data.splice(at..at, token.iter().copied());
            }
            2 if len > 0 => {
                let at = rng.below(len);
                let end = (at + 1 + rng.below(64)).min(len);
                data.drain(at..end);
            }
            3 if len > 0 => {
                let at = rng.below(len);
                let end = (at + 1 + rng.below(256)).min(len);
                let copy = data[at..end].to_vec();
                let to = rng.below(data.len() + 1);
                data.splice(to..to, copy);
            }
            4 => {
                let other = &seeds[rng.below(seeds.len())];
                let cut = rng.below(data.len() + 1);
                let from = rng.below(other.len() + 1);
                data.truncate(cut);
                data.extend_from_slice(&other[from..]);
            }
            _ => data.truncate(rng.below(len + 1)),
        }
    }
    data.truncate(MAX_INPUT);
    data
}

fn conformance_seeds() -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    let mut dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let found = loop {
        let candidate = dir.join("shared/conformance/gherkin/testdata");
        if candidate.is_dir() {
            break Some(candidate);
        }
        if !dir.pop() {
            break None;
        }
    };
    if let Some(root) = found {
        for sub in ["good", "bad"] {
            for entry in std::fs::read_dir(root.join(sub))
                .into_iter()
                .flatten()
                .flatten()
            {
                if entry.path().extension().is_some_and(|e| e == "feature") {
                    seeds.extend(std::fs::read(entry.path()));
                }
            }
        }
    }
    seeds
}

/// Runs `target` on mutated inputs for the time budget; returns how many inputs it tried.
fn fuzz(name: &str, mut seeds: Vec<Vec<u8>>, target: impl Fn(&[u8])) -> u64 {
    seeds.retain(|s| !s.is_empty());
    assert!(!seeds.is_empty(), "{name}: no seeds");
    let seconds: u64 = std::env::var("SPECCTL_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ name.len() as u64);
    let mut tried = 0;
    for seed in seeds.clone() {
        run_one(name, &seed, &target);
        tried += 1;
    }
    while Instant::now() < deadline {
        let input = mutate(&mut rng, &seeds);
        run_one(name, &input, &target);
        tried += 1;
    }
    eprintln!("fuzz {name}: {tried} inputs in {seconds} s, no panic, none slower than {SLOW:?}");
    tried
}

fn run_one(name: &str, input: &[u8], target: &impl Fn(&[u8])) {
    let started = Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(|| target(input)));
    let took = started.elapsed();
    if outcome.is_err() || took > SLOW {
        let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fuzz-{name}.input"));
        let _ = std::fs::write(&path, input);
        if outcome.is_err() {
            panic!(
                "fuzz {name}: a panic; the input is saved at {}",
                path.display()
            );
        }
        panic!(
            "fuzz {name}: an input took {took:?}; it is saved at {}",
            path.display()
        );
    }
}

fn text(input: &[u8]) -> String {
    String::from_utf8_lossy(input).into_owned()
}

#[test]
fn feature_files() {
    let mut seeds = conformance_seeds();
    seeds.push(b"@t\nFeature: F\n  Background:\n    Given b\n  Rule: R\n    Scenario Outline: <a>\n      Given <a>\n        | <a> | b\\|c |\n        \"\"\"md\n        <a>\n        \"\"\"\n      Examples:\n        | a |\n        | 1 |\n".to_vec());
    let config = Config::parse("evidence:\n  default:\n    run: x\n").unwrap();
    let n = fuzz("feature", seeds, |input| {
        let (items, errors) = desired::parse_feature("specs/f.feature", &text(input), &config);
        // Every error points into the file; every item has a line in it.
        let lines = input.split(|b| *b == b'\n').count() + 1;
        assert!(errors.iter().all(|e| e.line <= lines + 1), "{errors:?}");
        assert!(
            items.iter().all(|i| i.line <= lines),
            "an item beyond the file"
        );
    });
    assert!(n > 0);
}

#[test]
fn aspect_files() {
    let seeds = vec![
        b"---\nname: a\nevidence: ./check.sh\ntimeout: 30s\ninputs: [\"src/**\"]\n---\nBody\n"
            .to_vec(),
        b"---\n- a\n---\n".to_vec(),
        b"---\nname: a\nname: b\n".to_vec(),
    ];
    fuzz("aspect", seeds, |input| {
        let _ = desired::parse_aspect("aspects/a.md", &text(input));
    });
}

#[test]
fn config_files() {
    let seeds = vec![
        b"specs: [specs]\naspects: [aspects]\nevidence:\n  default:\n    run: behave {report_dir}\n    report: junit\n    timeout: 5m\n    inputs: [\"src/**\"]\nagents:\n  - name: fast\n    kind: claude\n    run: claude -p\nreconcile:\n  max_turns: 3\n  stall_turns: 1\n  budget_usd: 1.5\n  protect: [\"specs/**\"]\n  on_regression: keep\nredact: [X]\n".to_vec(),
        b"&a [1, *a]\n".to_vec(),
    ];
    fuzz("config", seeds, |input| {
        let _ = Config::parse(&text(input));
    });
}

#[test]
fn junit_reports() {
    let seeds = vec![
        b"<?xml version=\"1.0\"?><testsuites><testsuite name=\"s\"><testcase classname=\"Shop\" name=\"Add 1 -- @1.2 \"><failure message=\"m&#xA;x\"><![CDATA[Failing step: x ... undefined]]></failure><system-out>a</system-out></testcase><testcase name=\"Scenario: b: specs/a.feature:3:3\"/></testsuite></testsuites>".to_vec(),
    ];
    fuzz("junit", seeds, |input| {
        let _ = junit::parse(&text(input));
    });
}

#[test]
fn cucumber_json_reports() {
    let seeds = vec![
        br#"[{"uri":"features/a.feature","name":"A","elements":[{"type":"scenario","name":"x","line":3,"location":"features/a.feature:3","steps":[{"keyword":"Given ","name":"y","hidden":true,"result":{"status":"failed","error_message":"boom"}}]}]}]"#.to_vec(),
    ];
    fuzz("cucumber-json", seeds, |input| {
        let _ = cucumber_json::parse(&text(input));
    });
}

#[test]
fn agent_outputs() {
    let seeds = vec![
        br#"{"type":"result","subtype":"success","is_error":false,"num_turns":4,"result":"ok","session_id":"s","total_cost_usd":0.03}"#.to_vec(),
        b"{\"type\":\"thread.started\",\"thread_id\":\"t\"}\n{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}\n{\"type\":\"turn.failed\",\"error\":{\"message\":\"x\"}}\n".to_vec(),
        b"Tokens: 4.4k sent, 226 received. Cost: $0.02 message, $0.05 session.\n".to_vec(),
    ];
    fuzz("agent-output", seeds, |input| {
        let t = text(input);
        for kind in [
            AgentKind::Claude,
            AgentKind::Codex,
            AgentKind::Aider,
            AgentKind::Command,
        ] {
            let _ = agent::read(kind, &t);
        }
    });
}

#[test]
fn tag_expressions() {
    let seeds = vec![
        b"@a and not (@b or @c\\ d)".to_vec(),
        b"not not @x".to_vec(),
    ];
    fuzz("tag-expression", seeds, |input| {
        if let Ok(e) = TagExpr::parse(&text(input)) {
            let _ = e.matches(&["@a".to_string()]);
        }
    });
}
