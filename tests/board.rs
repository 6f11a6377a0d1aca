//! `specctl watch --serve` end to end: the real binary serving the board of a temporary
//! project whose verdicts change while a real browser (headless Chromium) has the page open,
//! and the server under clients that leave mid-stream and a hundred at once.

#[path = "support/browser.rs"]
mod browser;
mod support;

use browser::{Browser, browser, shots};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use support::greeting::{EVIDENCE, commit_all, greeting, tier};

const GRADE: &str =
    "def grade(score):\n    if score >= 90:\n        return \"gold\"\n    return \"other\"\n";

/// The greeting project (both scenarios passing at first, in git, with a scripted agent that
/// writes hello), plus an aspect whose weak check lets a mutant of src/grade.py survive.
fn project() -> support::Project {
    // The failure names its step as behave's reports do, so the page can mark it.
    let evidence = EVIDENCE.replace(
        "<failure message=\\\"expected hello, got $g\\\"/>",
        "<failure message=\\\"expected hello, got $g\\\">Failing step: Then the greeting is \\\"hello\\\" ... failed in 0.001s</failure>",
    );
    assert_ne!(evidence, EVIDENCE);
    let g = greeting(
        &tier("fast", "write src/greeting hello"),
        "  max_turns: 3\n",
        false,
    );
    g.project
        .file("evidence/run.sh", &evidence)
        .file("src/greeting", "hello\n")
        .file("src/grade.py", GRADE)
        .file(
            "aspects/grade.md",
            "---\nname: grade\nevidence: python3 evidence/check.py\ninputs: [\"src/grade.py\"]\n---\nA score of 95 is graded.\n",
        )
        .file(
            "evidence/check.py",
            "import sys\nsys.path.insert(0, 'src')\nfrom grade import grade\nassert grade(95) in {'gold', 'other'}\n",
        )
        .file(".gitignore", "__pycache__/\n");
    commit_all(g.path());
    g.project
}

/// `specctl watch --serve ADDR` in `dir`, ended (with its evidence) when dropped.
struct Served {
    child: Child,
    addr: SocketAddr,
    stopped: bool,
}

fn serve(dir: &std::path::Path, addr: &str) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_specctl"))
        .args([
            "watch",
            "--format",
            "json",
            "--debounce",
            "50",
            "--serve",
            addr,
        ])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let line = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the board's address within 30 s");
    let addr = line
        .strip_prefix("board: http://")
        .and_then(|a| a.strip_suffix('/'))
        .unwrap_or_else(|| panic!("not the board's address: {line}"))
        .parse()
        .unwrap();
    Served {
        child,
        addr,
        stopped: false,
    }
}

impl Served {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A plain GET: the status line and the body.
    fn get(&self, path: &str) -> (String, String) {
        let mut stream = TcpStream::connect(self.addr).expect("connect to the board");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut text = String::new();
        stream.read_to_string(&mut text).expect("a whole answer");
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        (
            head.lines().next().unwrap_or_default().to_string(),
            body.to_string(),
        )
    }
}

impl Served {
    /// Ctrl-C, as a person ends a watch; its exit code once it has ended (bounded).
    fn stop(&mut self) -> Option<i32> {
        self.stopped = true;
        // SAFETY: SIGINT to the specctl this test started: it ends its evidence and exits.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGINT) };
        let pid = self.child.id().to_string();
        if !support::wait_for(Duration::from_secs(30), || !support::alive(&pid)) {
            let _ = self.child.kill();
        }
        self.child.wait().ok().and_then(|s| s.code())
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if !self.stopped {
            self.stop();
        }
    }
}

const SAY_HELLO: &str = "specs/greet.feature::Say hello";

fn verdict_is(id: &str, verdict: &str) -> String {
    format!(
        "return document.querySelector('tr.item[data-id=\"{id}\"][data-verdict=\"{verdict}\"]') !== null;"
    )
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

#[test]
fn the_page_follows_a_failing_save_a_reconcile_turn_and_an_audit() {
    let Some(browser) = browser() else { return };
    let p = project();
    let served = serve(p.path(), "127.0.0.1:0");
    browser.goto(&served.url("/"));
    let limit = Duration::from_secs(30);
    assert!(
        browser.until(limit, &verdict_is(SAY_HELLO, "pass")),
        "the first observation never showed: {}",
        browser.eval("return document.body.innerText;")
    );
    assert!(browser.until(limit, &verdict_is("aspect:grade", "pass")));
    assert!(browser.until(
        limit,
        "return document.getElementById('summary').textContent.startsWith('3 passed, 0 failed ·');"
    ));
    browser.screenshot(&shots().join("board.png"));

    // The page stamps the moment the row turns red; the save's own stamp is taken just before.
    browser.eval(&format!(
        "window.__red = null; new MutationObserver(() => {{ if (window.__red === null && document.querySelector('tr.item[data-id=\"{SAY_HELLO}\"][data-verdict=\"fail\"]')) window.__red = Date.now(); }}).observe(document.getElementById('view'), {{subtree: true, childList: true, attributes: true}}); return true;"
    ));
    let saved = now_ms();
    p.file("src/greeting", "hi\n");
    assert!(
        browser.until(limit, &verdict_is(SAY_HELLO, "fail")),
        "the row never turned red: {}",
        browser.eval("return document.body.innerText;")
    );
    let red = browser
        .eval("return window.__red;")
        .as_u64()
        .expect("a stamp");
    eprintln!("board: save to red row: {} ms", red.saturating_sub(saved));
    assert_eq!(
        browser.eval(&format!(
            "return document.querySelector('tr.item[data-id=\"{SAY_HELLO}\"]').dataset.was;"
        )),
        "pass"
    );
    assert!(browser.until(limit, "return document.getElementById('broke') !== null;"));
    assert!(browser.until(
        limit,
        "return document.getElementById('summary').textContent.startsWith('2 passed, 1 failed ·');"
    ));
    browser.screenshot(&shots().join("board-red.png"));

    // The item: its steps, its evidence command, what the evidence said.
    browser.goto(&served.url(&format!("/#/item/{}", SAY_HELLO.replace(' ', "%20"))));
    assert!(browser.until(limit, "return document.getElementById('command') !== null;"));
    assert_eq!(
        browser.eval("return document.getElementById('command').textContent;"),
        "./evidence/run.sh {report}"
    );
    assert_eq!(
        browser.eval("return document.getElementById('output').textContent;"),
        "Failing step: Then the greeting is \"hello\" ... failed in 0.001s\nexpected hello, got hi"
    );
    assert_eq!(
        browser.eval("return document.querySelector('#steps li.failing').textContent;"),
        "Then the greeting is \"hello\""
    );
    assert_eq!(
        browser.eval("return document.querySelectorAll('#steps li').length;"),
        2
    );
    browser.screenshot(&shots().join("item.png"));

    reconcile_turn_shows_its_diff(&browser, &served, &p);
    audit_finding_is_rendered(&browser, &served, &p);
}

fn reconcile_turn_shows_its_diff(browser: &Browser, served: &Served, p: &support::Project) {
    let run = p.run(&["reconcile"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    browser.goto(&served.url("/#/sessions"));
    let limit = Duration::from_secs(30);
    assert!(
        browser.until(
            limit,
            "return document.querySelector('.turn[data-turn=\"1\"] .diff') !== null;"
        ),
        "no turn diff: {}",
        browser.eval("return document.body.innerText;")
    );
    let diff =
        browser.eval("return document.querySelector('.turn[data-turn=\"1\"] .diff').textContent;");
    let diff = diff.as_str().unwrap_or_default();
    assert!(diff.contains("-hi\n+hello\n"), "{diff}");
    assert!(
        diff.contains("diff --git a/src/greeting b/src/greeting"),
        "{diff}"
    );
    let head =
        browser.eval("return document.querySelector('.turn[data-turn=\"1\"] h3').textContent;");
    assert_eq!(head, "Turn 1 · tier fast · green · done");
    browser.screenshot(&shots().join("sessions.png"));
}

fn audit_finding_is_rendered(browser: &Browser, served: &Served, p: &support::Project) {
    browser.goto(&served.url("/#/audit"));
    let run = p.run(&["audit", "--mutants", "aspect:grade"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let limit = Duration::from_secs(30);
    let survivor = "document.querySelector('.finding[data-rule=\"survived-mutant\"]')";
    assert!(
        browser.until(limit, &format!("return {survivor} !== null;")),
        "no survivor on the page: {}",
        browser.eval("return document.body.innerText;")
    );
    let head = browser.eval(&format!(
        "return {survivor}.querySelector('h3').textContent;"
    ));
    assert_eq!(head, "error · survived-mutant · src/grade.py:2");
    let text = browser.eval(&format!("return {survivor}.textContent;"));
    let text = text.as_str().unwrap_or_default();
    assert!(
        text.contains("Should have caught it: aspect:grade"),
        "{text}"
    );
    assert!(
        text.contains("-    if score >= 90:\n+    if True:\n"),
        "{text}"
    );
    assert!(text.contains("2 │     if score >= 90:"), "{text}");
    browser.screenshot(&shots().join("audit.png"));
}

/// Reads from an SSE stream until its first board event; false when none came in time.
fn first_board(stream: &mut TcpStream) -> bool {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let until = Instant::now() + Duration::from_secs(20);
    while Instant::now() < until {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return false,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
        if String::from_utf8_lossy(&seen).contains("event: board\ndata: {") {
            return true;
        }
    }
    false
}

fn open_events(addr: SocketAddr) -> TcpStream {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "GET /events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    stream
}

#[test]
fn a_client_leaving_mid_stream_and_a_hundred_at_once_leave_the_server_answering() {
    let p = project();
    let served = serve(p.path(), "127.0.0.1:0");
    // One that goes away in the middle of its stream.
    let mut leaving = open_events(served.addr);
    assert!(first_board(&mut leaving));
    drop(leaving);
    // A hundred at once, each reading its first board; half leave, half stay through a change.
    let addr = served.addr;
    let clients: Vec<_> = (0..100)
        .map(|_| {
            std::thread::spawn(move || {
                let mut s = open_events(addr);
                (first_board(&mut s), s)
            })
        })
        .collect();
    let mut streams = Vec::new();
    for c in clients {
        let (ok, stream) = c.join().expect("a client thread");
        assert!(ok, "a client got no board");
        streams.push(stream);
    }
    streams.truncate(50);
    p.file("src/greeting", "hi\n");
    let (status, body) = served.get("/api/board");
    assert_eq!(status, "HTTP/1.1 200 OK");
    let board: serde_json::Value = serde_json::from_str(&body).expect("the board as JSON");
    assert_eq!(board["version"], 1);
    for mut s in streams {
        assert!(first_board(&mut s), "a staying client heard nothing more");
    }
    let (status, _) = served.get("/");
    assert_eq!(status, "HTTP/1.1 200 OK");
}

#[test]
fn the_board_only_reads_a_port_in_use_is_a_clear_error_and_ctrl_c_ends_it() {
    let p = project();
    let mut served = serve(p.path(), "127.0.0.1:0");
    let mut stream = TcpStream::connect(served.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(stream, "POST /api/board HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert_eq!(
        answer.lines().next(),
        Some("HTTP/1.1 405 Method Not Allowed")
    );
    let (status, body) = served.get("/api/item?id=nothing");
    assert_eq!(status, "HTTP/1.1 404 Not Found");
    assert_eq!(
        body,
        "{\"error\":\"no item `nothing`: the board lists the ids there are\"}"
    );

    let taken = served.addr.to_string();
    let mut second = Command::new(env!("CARGO_BIN_EXE_specctl"))
        .args(["watch", "--serve", &taken])
        .current_dir(p.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = second.id().to_string();
    let ended = support::wait_for(Duration::from_secs(30), || !support::alive(&pid));
    if !ended {
        let _ = second.kill();
    }
    let run = support::Run::from(second.wait_with_output().unwrap());
    assert!(ended, "a second watch on a port in use did not stop");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("error: cannot serve the board on {taken}: ")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("(choose another with --serve ADDR)"),
        "{}",
        run.stderr
    );

    // Ctrl-C ends the watch and its board together, a page still listening or not.
    let mut listening = open_events(served.addr);
    assert!(first_board(&mut listening));
    assert_eq!(served.stop(), Some(130));
    assert!(
        TcpStream::connect(served.addr).is_err(),
        "the board outlived its watch"
    );
}
