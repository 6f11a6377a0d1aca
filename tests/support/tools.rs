//! The real runners and agent CLIs the tests run (behave, pytest-bdd, aider from PyPI; cucumber-js,
//! Claude Code, Codex CLI from npm; the cucumber-rs fixture), installed once outside the clone.
//!
//! The cache is `$SPECCTL_TEST_TOOLS`, else `$XDG_CACHE_HOME/specctl/test-tools`, else
//! `~/.cache/specctl/test-tools`. Each install lives in a folder named after a hash of its
//! lock file, so a changed lock file installs anew and an unchanged one is reused by every
//! clone; a file lock guards each install and a marker written last says it completed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/runners");

/// The Python tool sets, each a pinned requirements file under `tests/fixtures/runners/python`.
#[derive(Debug, Clone, Copy)]
pub enum Python {
    Behave,
    /// pytest-bdd 6.1.1 with pytest 7.4.4, the last pytest it imports with.
    PytestBdd6,
    /// The latest pytest-bdd on the day the lock was written (9.0.1, pytest 9.2.0).
    PytestBddLatest,
    /// behave 1.3.3 with what the files of behave's own suite that `real_projects` runs
    /// import (from its `py.requirements/testing.txt`).
    BehaveSuite,
    /// `PytestBdd6` with what tau-pytest-bdd's step modules import (requests, selenium).
    TauPytestBdd6,
    /// `PytestBddLatest` with what tau-pytest-bdd's step modules import (requests, selenium).
    TauPytestBddLatest,
    /// The official MCP Python SDK, the real client `specctl mcp` is tested with.
    Mcp,
    /// aider, the real agent CLI the agent tests drive.
    Aider,
}

impl Python {
    fn lock(self) -> &'static str {
        match self {
            Python::Behave => "behave.txt",
            Python::PytestBdd6 => "pytest-bdd-6.txt",
            Python::PytestBddLatest => "pytest-bdd-latest.txt",
            Python::BehaveSuite => "behave-suite.txt",
            Python::TauPytestBdd6 => "tau-pytest-bdd-6.txt",
            Python::TauPytestBddLatest => "tau-pytest-bdd-latest.txt",
            Python::Mcp => "mcp.txt",
            Python::Aider => "aider.txt",
        }
    }
}

/// The `bin/` folder of a venv with the tool set installed.
pub fn python(tools: Python) -> PathBuf {
    let lock_file = Path::new(FIXTURES).join("python").join(tools.lock());
    let lock_text =
        fs::read_to_string(&lock_file).unwrap_or_else(|e| panic!("{}: {e}", lock_file.display()));
    let name = tools.lock().trim_end_matches(".txt");
    let venv = cache().join(format!("{name}-{}", short_hash(&lock_text)));
    let marker = venv.join(".specctl-installed");
    let _lock = lock(&cache().join(format!("{name}.lock")));
    if marker.is_file() {
        return venv.join("bin");
    }
    let started = Instant::now();
    if venv.exists() {
        fs::remove_dir_all(&venv).unwrap_or_else(|e| panic!("{}: {e}", venv.display()));
    }
    setup(
        &format!("make a venv for {name}"),
        Command::new("python3").args(["-m", "venv"]).arg(&venv),
    );
    setup(
        &format!("install {name}"),
        Command::new(venv.join("bin/pip"))
            .args([
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-input",
                "-r",
            ])
            .arg(&lock_file),
    );
    fs::write(&marker, &lock_text).expect("write the install marker");
    eprintln!("installed {name} in {:?}", started.elapsed());
    venv.join("bin")
}

/// The `node_modules` of an `npm ci` of `tests/fixtures/runners/cucumber-js`.
pub fn cucumber_js() -> PathBuf {
    npm("cucumber-js")
}

/// The `node_modules/.bin` of the agent CLIs (Claude Code, Codex CLI), pinned in
/// `tests/fixtures/runners/agents-npm`.
pub fn agent_clis() -> PathBuf {
    npm("agents-npm").join(".bin")
}

/// The `node_modules` of an `npm ci` of `tests/fixtures/runners/NAME`, installed once.
fn npm(name: &str) -> PathBuf {
    let source = Path::new(FIXTURES).join(name);
    let lock_text = fs::read_to_string(source.join("package-lock.json"))
        .unwrap_or_else(|e| panic!("tests/fixtures/runners/{name}/package-lock.json: {e}"));
    let dir = cache().join(format!("{name}-{}", short_hash(&lock_text)));
    let node_modules = dir.join("node_modules");
    let marker = dir.join(".specctl-installed");
    let _lock = lock(&cache().join(format!("{name}.lock")));
    if marker.is_file() {
        return node_modules;
    }
    let started = Instant::now();
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for file in ["package.json", "package-lock.json"] {
        fs::copy(source.join(file), dir.join(file)).unwrap_or_else(|e| panic!("copy {file}: {e}"));
    }
    setup(
        &format!("install {name}"),
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir),
    );
    fs::write(&marker, &lock_text).expect("write the install marker");
    eprintln!("installed {name} (npm) in {:?}", started.elapsed());
    node_modules
}

/// The `cucumber_rs_fixture` example, built (or found fresh) by cargo in this test's own
/// target folder and profile: `cargo test --test real_runners` does not build examples.
pub fn cucumber_rs_fixture() -> PathBuf {
    // target[/<triple>]/<profile>/deps/real_runners-<hash>
    let exe = std::env::current_exe().expect("the test's own path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps");
    let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is target/tmp");
    let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cargo
        .args([
            "build",
            "--locked",
            "--quiet",
            "--example",
            "cucumber_rs_fixture",
        ])
        .arg("--manifest-path")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target_dir);
    match profile_dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") => {}
        Some("release") => {
            cargo.arg("--release");
        }
        Some(profile) => {
            cargo.args(["--profile", profile]);
        }
        None => panic!("no profile folder above {}", exe.display()),
    }
    if let Some(triple_dir) = profile_dir.parent()
        && triple_dir != target_dir
    {
        let triple = triple_dir.file_name().expect("a target triple folder");
        cargo.arg("--target").arg(triple);
    }
    let started = Instant::now();
    setup("build the cucumber-rs fixture", &mut cargo);
    eprintln!(
        "cargo build --example cucumber_rs_fixture: {:?}",
        started.elapsed()
    );
    let fixture = profile_dir.join("examples/cucumber_rs_fixture");
    assert!(
        fixture.is_file(),
        "no fixture binary at {}",
        fixture.display()
    );
    fixture
}

/// The test-tools cache, outside the clone.
fn cache() -> PathBuf {
    let dir = std::env::var_os("SPECCTL_TEST_TOOLS")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("specctl/test-tools"))
        })
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/specctl/test-tools"))
        })
        .unwrap_or_else(|| std::env::temp_dir().join("specctl-test-tools"));
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

/// A 64-bit FNV-1a of the lock file, in hex: enough to tell lock files apart.
fn short_hash(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// An exclusive lock on `path` (created if missing), held until the file is dropped.
/// flock locks belong to the open file, so they exclude other threads as well as processes.
fn lock(path: &Path) -> fs::File {
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    file.lock()
        .unwrap_or_else(|e| panic!("lock {}: {e}", path.display()));
    file
}

/// Runs a setup command, panicking with its output when it fails.
pub fn setup(what: &str, command: &mut Command) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run {command:?}: {e}"));
    assert!(
        output.status.success(),
        "{what}: {command:?} failed ({})\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `path` single-quoted for `sh -c`.
pub fn shell_quote(path: &Path) -> String {
    format!("'{}'", path.to_string_lossy().replace('\'', r"'\''"))
}
