//! Shared helpers for the integration tests: temporary projects and the real binary.
#![allow(dead_code)]

pub mod greeting;
pub mod model_server;
pub mod tools;

use assert_fs::TempDir;
use assert_fs::prelude::*;
use std::process::Output;

pub struct Project {
    pub dir: TempDir,
}

impl Project {
    pub fn new() -> Project {
        Project {
            dir: TempDir::new().expect("a temporary folder"),
        }
    }

    pub fn file(&self, path: &str, text: &str) -> &Self {
        self.dir
            .child(path)
            .write_str(text)
            .expect("write a test file");
        self
    }

    pub fn bytes(&self, path: &str, bytes: &[u8]) -> &Self {
        self.dir
            .child(path)
            .write_binary(bytes)
            .expect("write a test file");
        self
    }

    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.dir.path(), args)
    }

    pub fn path(&self) -> &std::path::Path {
        self.dir.path()
    }
}

/// Copies a fixture folder, whole, to `to`.
pub fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let path = entry.expect("a directory entry").path();
        let target = to.join(path.file_name().expect("a file name"));
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}

/// The real binary, run in `dir`.
pub fn run_in(dir: &std::path::Path, args: &[&str]) -> Run {
    let output = assert_cmd::Command::cargo_bin("specctl")
        .expect("the specctl binary")
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .expect("run specctl");
    Run::from(output)
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// Each item's `status` in a JSON document, by id ("none" where there is none).
pub fn statuses(doc: &serde_json::Value) -> std::collections::BTreeMap<String, String> {
    doc["items"]
        .as_array()
        .expect("an items array")
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap_or_default().to_string(),
                i["status"].as_str().unwrap_or("none").to_string(),
            )
        })
        .collect()
}

/// The map `statuses` must equal.
pub fn expect(pairs: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Whether a process still runs; a zombie is dead too, and /proc says so in its state letter.
pub fn alive(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).is_ok_and(|stat| {
        stat.rsplit_once(')')
            .is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z'))
    })
}

/// Waits (bounded) until `cond` holds, looking again every 20 ms; false when it never did.
pub fn wait_for(limit: std::time::Duration, cond: impl Fn() -> bool) -> bool {
    let until = std::time::Instant::now() + limit;
    while std::time::Instant::now() < until {
        if cond() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    cond()
}
