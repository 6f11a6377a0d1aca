//! The scripted model server (tests/fixtures/agents/model_server.py) the real agent CLIs talk
//! to: started on 127.0.0.1 for one test, with its requests logged, and stopped when dropped.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

const SERVER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/agents/model_server.py"
);

pub struct ModelServer {
    child: Child,
    pub port: u16,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl ModelServer {
    /// A server that answers the agent's requests with `steps` in order (see the script's
    /// docstring for their shapes), then "Done." to every request after them.
    pub fn start(steps: Value) -> ModelServer {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("script.json");
        let log = dir.path().join("requests.jsonl");
        let doc = serde_json::json!({"steps": steps, "idle_exit": 120});
        std::fs::write(&script, doc.to_string()).unwrap();
        let mut child = Command::new("python3")
            .arg(SERVER)
            .arg(&script)
            .arg(&log)
            // Held open while the server lives: its closing (a dropped or dead test) stops it.
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs the model server");
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let port = first
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("the model server printed no port: {first:?}"));
        ModelServer {
            child,
            port,
            log,
            _dir: dir,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every request it was sent, in order: path, protocol, whether it took a script step.
    pub fn requests(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// How many requests took a step of the script (the agent's own work, retries included).
    pub fn steps_taken(&self) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.get("step").is_some())
            .count()
    }
}

impl Drop for ModelServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
