//! A real browser for the board's tests: Debian's headless Chromium driven through
//! chromedriver over WebDriver (fantoccini), each in a process group ended with the test.

use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";

pub struct Browser {
    runtime: tokio::runtime::Runtime,
    client: Option<Client>,
    driver: Child,
    _profile: tempfile::TempDir,
}

/// The browser, or `None` (said on stderr) where chromedriver is not installed; CI sets
/// `SPECCTL_REQUIRE_BROWSER=1`, and there a missing browser fails the test.
pub fn browser() -> Option<Browser> {
    if !Path::new(CHROMEDRIVER).is_file() || !Path::new(CHROMIUM).is_file() {
        if std::env::var("SPECCTL_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!(
                "chromedriver is not installed ({CHROMEDRIVER}, {CHROMIUM}): apt-get install -y chromium chromium-driver"
            );
        }
        eprintln!("skipped: chromedriver not installed");
        return None;
    }
    Some(Browser::start())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

impl Browser {
    fn start() -> Browser {
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("start chromedriver");
        let listening = crate::support::wait_for(Duration::from_secs(20), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        assert!(
            listening,
            "chromedriver did not listen on port {port} within 20 s"
        );
        let profile = tempfile::tempdir().expect("a browser profile folder");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({"binary": CHROMIUM, "args": args(profile.path())}),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = runtime
            .block_on(
                ClientBuilder::new(connector)
                    .capabilities(caps)
                    .connect(&format!("http://127.0.0.1:{port}")),
            )
            .expect("a browser session");
        Browser {
            runtime,
            client: Some(client),
            driver,
            _profile: profile,
        }
    }

    fn client(&self) -> &Client {
        self.client.as_ref().expect("an open session")
    }

    pub fn goto(&self, url: &str) {
        self.runtime
            .block_on(self.client().goto(url))
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    /// Runs `script` (a function body) in the page and returns what it returns.
    pub fn eval(&self, script: &str) -> Value {
        self.runtime
            .block_on(self.client().execute(script, vec![]))
            .unwrap_or_else(|e| panic!("run {script}: {e}"))
    }

    /// Waits (bounded) until `script` returns true in the page.
    pub fn until(&self, limit: Duration, script: &str) -> bool {
        crate::support::wait_for(limit, || self.eval(script) == Value::Bool(true))
    }

    /// A PNG of the window, written to `path`.
    pub fn screenshot(&self, path: &Path) {
        let png = self
            .runtime
            .block_on(self.client().screenshot())
            .expect("a screenshot");
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("make the folder");
        std::fs::write(path, png).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

/// Headless, and without the background connections that fail on a closed network.
fn args(profile: &Path) -> Vec<String> {
    let mut args: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
    ]
    .map(String::from)
    .to_vec();
    args.push(format!("--user-data-dir={}", profile.display()));
    args
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            // The session's end closes Chromium; the group's end below catches what is left.
            let _ = self.runtime.block_on(client.close());
        }
        // SAFETY: kill(2) on the process group of the chromedriver this test started.
        unsafe { libc::kill(-(self.driver.id() as i32), libc::SIGKILL) };
        let _ = self.driver.wait();
    }
}

/// Where the tests write the views' screenshots: `target/tmp/board/` on every run, so a test
/// run leaves the work tree as it found it; with `SPECCTL_UPDATE_SCREENSHOTS=1`, `docs/board/`,
/// the ones the README shows.
pub fn shots() -> PathBuf {
    if std::env::var_os("SPECCTL_UPDATE_SCREENSHOTS").is_some_and(|v| v == "1") {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/board")
    } else {
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("board")
    }
}
