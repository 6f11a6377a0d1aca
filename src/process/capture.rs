//! Bounded capture of a process's output: the head, the tail and the lines that look like
//! failures, so an evidence that prints a gigabyte costs specctl a few kilobytes.

use std::collections::VecDeque;

const HEAD: usize = 8 * 1024;
const TAIL: usize = 48 * 1024;
const NOTABLE_LINES: usize = 40;
const NOTABLE_WIDTH: usize = 240;
const LINE_BUFFER: usize = 4 * 1024;

#[derive(Debug, Default)]
pub struct Capture {
    head: Vec<u8>,
    tail: VecDeque<u8>,
    total: u64,
    /// Lines from anywhere in the output that name a failure; the newest are kept.
    notable: VecDeque<String>,
    line: Vec<u8>,
}

impl Capture {
    pub fn push(&mut self, mut bytes: &[u8]) {
        self.total += bytes.len() as u64;
        self.scan_lines(bytes);
        if self.head.len() < HEAD {
            let take = (HEAD - self.head.len()).min(bytes.len());
            self.head.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
        }
        if bytes.len() >= TAIL {
            self.tail.clear();
            self.tail.extend(&bytes[bytes.len() - TAIL..]);
        } else {
            let overflow = (self.tail.len() + bytes.len()).saturating_sub(TAIL);
            self.tail.drain(..overflow);
            self.tail.extend(bytes);
        }
    }

    fn scan_lines(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if b == b'\n' {
                let line = std::mem::take(&mut self.line);
                self.consider(&line);
            } else if self.line.len() < LINE_BUFFER {
                self.line.push(b);
            }
        }
    }

    fn consider(&mut self, line: &[u8]) {
        let text = String::from_utf8_lossy(line);
        if !is_notable(&text) {
            return;
        }
        if self.notable.len() == NOTABLE_LINES {
            self.notable.pop_front();
        }
        self.notable
            .push_back(text.trim_end().chars().take(NOTABLE_WIDTH).collect());
    }

    pub fn total_bytes(&self) -> u64 {
        self.total
    }

    /// Everything kept, as text (invalid UTF-8 replaced, secrets redacted), with a marker where
    /// bytes were left out.
    pub fn text(&self) -> String {
        crate::redact::redact(&self.raw_text()).into_owned()
    }

    fn raw_text(&self) -> String {
        let kept = self.head.len() as u64 + self.tail.len() as u64;
        let tail: Vec<u8> = self.tail.iter().copied().collect();
        if kept >= self.total {
            let mut all = self.head.clone();
            all.extend_from_slice(&tail);
            return String::from_utf8_lossy(&all).into_owned();
        }
        let mut out = String::from_utf8_lossy(&self.head).into_owned();
        out.push_str(&format!("\n… {} bytes left out …\n", self.total - kept));
        if !self.notable.is_empty() {
            out.push_str("… lines that name a failure in the output:\n");
            for line in &self.notable {
                out.push_str(line);
                out.push('\n');
            }
            out.push_str("… the end of the output:\n");
        }
        out.push_str(&String::from_utf8_lossy(&tail));
        out
    }

    /// The last `lines` non-empty lines, for a message short enough for a terminal.
    pub fn last_lines(&self, lines: usize) -> String {
        let text = self.text();
        let kept: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        kept[kept.len().saturating_sub(lines)..].join("\n")
    }
}

fn is_notable(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    [
        "error",
        "fail",
        "panic",
        "assert",
        "exception",
        "undefined",
        "expected",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_output_is_kept_whole() {
        let mut c = Capture::default();
        c.push(b"hello\n");
        c.push(b"world\n");
        assert_eq!(c.text(), "hello\nworld\n");
        assert_eq!(c.last_lines(1), "world");
    }

    #[test]
    fn large_output_keeps_head_tail_and_failures_within_bounds() {
        let mut c = Capture::default();
        c.push(b"START\n");
        for i in 0..200_000 {
            c.push(format!("line {i} fine\n").as_bytes());
            if i == 100_000 {
                c.push(b"AssertionError: expected 5, got 4\n");
            }
        }
        c.push(b"END\n");
        let text = c.text();
        assert!(text.starts_with("START\n"));
        assert!(text.ends_with("END\n"));
        assert!(text.contains("AssertionError: expected 5, got 4"));
        assert!(text.contains("bytes left out"));
        assert!(text.len() < HEAD + TAIL + NOTABLE_LINES * (NOTABLE_WIDTH + 1) + 200);
        assert!(c.total_bytes() > 3_000_000);
    }

    #[test]
    fn invalid_utf8_becomes_replacement_characters() {
        let mut c = Capture::default();
        c.push(b"caf\xe9\n");
        assert_eq!(c.text(), "caf\u{fffd}\n");
    }
}
