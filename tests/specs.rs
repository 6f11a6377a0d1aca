//! The cucumber-rs harness that runs specctl's own `specs/` against the built binary, each
//! scenario in a fresh temporary project.

use assert_fs::TempDir;
use assert_fs::prelude::*;
use cucumber::{World, WriterExt as _, gherkin::Step, given, then, when, writer};

#[derive(Debug, World)]
#[world(init = Self::new)]
struct Cli {
    dir: TempDir,
    code: Option<i32>,
    stdout: String,
    stderr: String,
    /// A `specctl watch --format json` running in the background, and its documents.
    watch: Option<(
        std::process::Child,
        std::sync::mpsc::Receiver<serde_json::Value>,
    )>,
}

impl Drop for Cli {
    fn drop(&mut self) {
        if let Some((child, _)) = &mut self.watch {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Cli {
    fn new() -> Self {
        Cli {
            dir: TempDir::new().expect("a temporary folder"),
            code: None,
            stdout: String::new(),
            stderr: String::new(),
            watch: None,
        }
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

fn doc_string(step: &Step) -> String {
    let text = step
        .docstring
        .as_deref()
        .expect("this step needs a doc string");
    // The gherkin crate keeps the newline that follows the opening delimiter.
    text.strip_prefix('\n').unwrap_or(text).to_string()
}

#[given(expr = "a file {string} with:")]
fn a_file_with(world: &mut Cli, step: &Step, path: String) {
    world
        .dir
        .child(path)
        .write_str(&doc_string(step))
        .expect("write the file");
}

#[given(expr = "an executable file {string} with:")]
fn an_executable_file_with(world: &mut Cli, step: &Step, path: String) {
    use std::os::unix::fs::PermissionsExt;
    let child = world.dir.child(&path);
    child.write_str(&doc_string(step)).expect("write the file");
    std::fs::set_permissions(child.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[then(expr = "the file {string} exists")]
fn the_file_exists(world: &mut Cli, path: String) {
    assert!(
        world.dir.child(&path).path().exists(),
        "{path} does not exist"
    );
}

#[then(expr = "stdout ends with the line {string}")]
fn stdout_ends_with_the_line(world: &mut Cli, line: String) {
    assert_eq!(
        world.stdout.lines().last(),
        Some(line.as_str()),
        "stdout:\n{}",
        world.stdout
    );
}

#[then("the JSON summary is:")]
fn the_json_summary_is(world: &mut Cli, step: &Step) {
    let table = step.table.as_ref().expect("this step needs a table");
    let doc = world.json();
    for row in &table.rows[1..] {
        assert_eq!(
            field(&doc["summary"][row[0].as_str()]),
            row[1],
            "summary {}",
            row[0]
        );
    }
}

/// The scripted agent of tests/agents/, copied into the project as `./agent`.
#[given("the scripted agent")]
fn the_scripted_agent(world: &mut Cli) {
    use std::os::unix::fs::PermissionsExt;
    let from = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/agents/scripted-agent");
    let to = world.dir.child("agent");
    std::fs::copy(from, to.path()).expect("copy the scripted agent");
    std::fs::set_permissions(to.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[given("the project is a git repository")]
fn a_git_repository(world: &mut Cli) {
    for args in [
        &["init", "-q"][..],
        &["add", "-A"],
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-q",
            "-m",
            "init",
        ],
    ] {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(world.dir.path())
            .output()
            .expect("git")
            .status
            .success();
        assert!(ok, "git {args:?}");
    }
}

#[then(expr = "the file {string} holds {string}")]
fn the_file_holds(world: &mut Cli, path: String, text: String) {
    let actual = std::fs::read_to_string(world.dir.child(&path).path()).unwrap_or_default();
    assert_eq!(actual.trim_end(), text, "{path}");
}

#[then(expr = "the file {string} contains {string}")]
fn the_file_contains(world: &mut Cli, path: String, text: String) {
    let actual = std::fs::read_to_string(world.dir.child(&path).path()).unwrap_or_default();
    assert!(actual.contains(&text), "{path} lacks {text:?}:\n{actual}");
}

#[given("specctl watch is running")]
fn watch_is_running(world: &mut Cli) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_specctl"))
        .args(["watch", "--format", "json", "--debounce", "50"])
        .current_dir(world.dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start specctl watch");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if let Ok(doc) = serde_json::from_str(&line) {
                let _ = tx.send(doc);
            }
        }
    });
    world.watch = Some((child, rx));
    next_observation(world);
}

fn next_observation(world: &mut Cli) {
    let (_, rx) = world.watch.as_ref().expect("specctl watch is running");
    let doc: serde_json::Value = rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("an observation within 30 s");
    world.stdout = doc.to_string();
}

#[when(expr = "I save {string} with:")]
fn i_save(world: &mut Cli, step: &Step, path: String) {
    world
        .dir
        .child(path)
        .write_str(&doc_string(step))
        .expect("write the file");
    next_observation(world);
}

#[when(expr = "I delete {string}")]
fn i_delete(world: &mut Cli, path: String) {
    let path = world.dir.child(path);
    if path.path().is_dir() {
        std::fs::remove_dir_all(path.path()).expect("delete");
    } else {
        std::fs::remove_file(path.path()).expect("delete");
    }
    next_observation(world);
}

#[given(expr = "an empty file {string}")]
fn an_empty_file(world: &mut Cli, path: String) {
    world.dir.child(path).write_str("").expect("write the file");
}

#[given(expr = "a file {string} holding the bytes {string}")]
fn a_file_with_bytes(world: &mut Cli, path: String, escaped: String) {
    world
        .dir
        .child(path)
        .write_binary(&unescape(&escaped))
        .expect("write the file");
}

/// `\xNN` escapes and `\n` in a step argument, so a spec can name bytes that are not text.
fn unescape(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && bytes.get(i + 1) == Some(&b'x') && i + 3 < bytes.len() + 1 {
            let hex = std::str::from_utf8(&bytes[i + 2..i + 4]).expect("two hex digits");
            out.push(u8::from_str_radix(hex, 16).expect("two hex digits"));
            i += 4;
        } else if bytes[i] == b'\\' && bytes.get(i + 1) == Some(&b'n') {
            out.push(b'\n');
            i += 2;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// A command line's words, split at spaces outside single quotes (an id has spaces).
fn words_of(command: &str) -> Vec<String> {
    let (mut words, mut word, mut quoted) = (Vec::new(), String::new(), false);
    for c in command.chars() {
        match c {
            '\'' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            _ => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

#[given(expr = "I ran {string}")]
#[when(expr = "I run {string}")]
fn i_run(world: &mut Cli, command: String) {
    let words = words_of(&command);
    assert_eq!(
        words.first().map(String::as_str),
        Some("specctl"),
        "steps run specctl only"
    );
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_specctl"))
        .args(&words[1..])
        .current_dir(world.dir.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("run specctl");
    world.code = output.status.code();
    world.stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    world.stderr = String::from_utf8_lossy(&output.stderr).into_owned();
}

#[then(expr = "the exit code is {int}")]
fn the_exit_code_is(world: &mut Cli, code: i32) {
    assert_eq!(
        world.code,
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        world.stdout,
        world.stderr
    );
}

#[then(expr = "stdout contains {string}")]
fn stdout_contains(world: &mut Cli, text: String) {
    assert!(
        world.stdout.contains(&text),
        "stdout lacks {text:?}:\n{}",
        world.stdout
    );
}

#[then(expr = "stderr contains {string}")]
fn stderr_contains(world: &mut Cli, text: String) {
    assert!(
        world.stderr.contains(&text),
        "stderr lacks {text:?}:\n{}",
        world.stderr
    );
}

#[then("stderr shows no panic")]
fn no_panic(world: &mut Cli) {
    assert!(!world.stderr.contains("panicked"), "{}", world.stderr);
}

#[then("the JSON items are:")]
fn the_json_items_are(world: &mut Cli, step: &Step) {
    the_json_rows_are(world, step, "items");
}

#[then("the JSON findings are:")]
fn the_json_findings_are(world: &mut Cli, step: &Step) {
    the_json_rows_are(world, step, "findings");
}

/// The array `key` of the JSON document, each element as the table's header columns.
fn the_json_rows_are(world: &mut Cli, step: &Step, key: &str) {
    let table = step.table.as_ref().expect("this step needs a table");
    let header = &table.rows[0];
    let doc = world.json();
    let rows = doc[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} array in {}", world.stdout));
    let actual: Vec<Vec<String>> = rows
        .iter()
        .map(|row| header.iter().map(|h| field(&row[h.as_str()])).collect())
        .collect();
    assert_eq!(actual, table.rows[1..].to_vec(), "{key} as {header:?}");
}

#[then(expr = "the JSON item {string} has the steps:")]
fn the_json_item_has_the_steps(world: &mut Cli, step: &Step, id: String) {
    let table = step.table.as_ref().expect("this step needs a table");
    let doc = world.json();
    let item = doc["items"]
        .as_array()
        .expect("an items array")
        .iter()
        .find(|i| i["id"] == id.as_str())
        .unwrap_or_else(|| panic!("no item {id:?} in {}", world.stdout))
        .clone();
    let actual: Vec<Vec<String>> = item["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| vec![field(&s["keyword"]).trim().to_string(), field(&s["text"])])
        .collect();
    assert_eq!(actual, table.rows[1..].to_vec());
}

#[then("the JSON errors are:")]
fn the_json_errors_are(world: &mut Cli, step: &Step) {
    the_json_rows_are(world, step, "errors");
}

fn field(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) => a.iter().map(field).collect::<Vec<_>>().join(" "),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `SPECCTL_JUNIT=FILE` also writes a JUnit report, which is how `specctl check` on this
/// repository reads the verdict of each of its own scenarios.
#[tokio::main]
async fn main() {
    let specs = concat!(env!("CARGO_MANIFEST_DIR"), "/specs");
    match std::env::var_os("SPECCTL_JUNIT") {
        Some(path) => {
            let file = std::fs::File::create(&path).expect("create the JUnit report");
            Cli::cucumber()
                .with_writer(
                    writer::Basic::stdout()
                        .summarized()
                        .tee::<Cli, _>(writer::JUnit::for_tee(file, 0))
                        .normalized()
                        .fail_on_skipped(),
                )
                .run_and_exit(specs)
                .await;
        }
        None => Cli::cucumber().fail_on_skipped().run_and_exit(specs).await,
    }
}
