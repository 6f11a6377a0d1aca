//! `specctl watch`: keep observing as files change, rendered as a live board, a line per
//! change, or one JSON document per observation.

use super::{fatal, interruptible, jobs, load};
use crate::cli::{Cli, Format, WatchArgs};
use crate::exit::Exit;
use crate::input_error::InputError;
use crate::observe::Verdict;
use crate::report::outcome::{Counts, Outcome};
use crate::report::{diagnostic, json, style::Style};
use crate::serve::board as board_page;
use crate::watch::{self, Options, WatchEvent, board};
use std::collections::HashMap;
use std::io::IsTerminal;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Output {
    /// A live board on a terminal.
    Board,
    /// A line per transition.
    Lines,
    /// One JSON document per observation, a line each.
    Json,
}

pub fn run(cli: &Cli, args: &WatchArgs) -> Exit {
    let err_style = Style::stderr(cli.color());
    let loaded = match load(cli, &args.selection) {
        Ok(loaded) => loaded,
        Err(exit) => return exit,
    };
    let output = match args.format {
        Format::Json => Output::Json,
        Format::Human if std::io::stdout().is_terminal() => Output::Board,
        Format::Human => Output::Lines,
    };
    let style = Style::stdout(cli.color());
    let mut served = None;
    let mut publisher = match args.serve {
        Some(addr) => match board_page::start(&loaded.project.root, addr) {
            Ok(serving) => {
                for line in board_page::announce(serving.addr) {
                    eprintln!("{line}");
                }
                served = Some(format!("board on http://{}/", serving.addr));
                Some(board_page::Publisher::new(serving))
            }
            Err(err) => return fatal(err_style, &err),
        },
        None => None,
    };
    let options = Options {
        root: &loaded.project.root,
        selector: &loaded.selector,
        jobs: jobs(args.jobs),
        reconcile: args.reconcile,
        on_busy: args.on_busy(),
        debounce: Duration::from_millis(args.debounce),
    };
    let ran = interruptible(err_style, |stop| async move {
        watch::run(options, stop, &mut |event| {
            if let Some(err) = publisher.as_mut().and_then(|p| p.event(&event)) {
                eprintln!("warning: {err}");
            }
            render(output, style, served.as_deref(), event)
        })
        .await
    });
    match ran {
        Ok((Ok(()), signal)) => Exit::interrupted_by(signal),
        Ok((Err(err), _)) => fatal(err_style, &err),
        Err(exit) => exit,
    }
}

fn render(output: Output, style: Style, served: Option<&str>, event: WatchEvent<'_>) {
    match event {
        WatchEvent::Board(b) => {
            if b.running && output != Output::Board {
                return;
            }
            // A terminal board is redrawn whole: the page's address stays in its header.
            let status = match served {
                Some(url) if output == Output::Board => format!("{} · {url}", b.status),
                _ => b.status.to_string(),
            };
            let problems = (b.errors, b.warnings);
            super::print(&board_text(
                output, style, b.outcomes, problems, b.before, &status,
            ));
        }
        WatchEvent::Reconcile(event) => {
            let line = super::reconcile::line(event, style);
            // A JSON stream keeps stdout for its documents.
            if output == Output::Json {
                eprintln!("{line}");
            } else {
                println!("{line}");
            }
        }
        WatchEvent::NoAgent => eprintln!("{}", super::reconcile::NO_AGENT),
        WatchEvent::NoReconcile(err) => eprintln!("warning: no reconcile pass: {err}"),
    }
}

fn board_text(
    output: Output,
    style: Style,
    outcomes: &[Outcome<'_>],
    (errors, warnings): (&[InputError], &[String]),
    before: &HashMap<String, Option<Verdict>>,
    status: &str,
) -> String {
    let now: Vec<_> = outcomes.iter().map(|o| (o.item, o.verdict)).collect();
    let moved = board::transitions(before, &now);
    match output {
        Output::Json => {
            json::check_line(outcomes, &Counts::of(outcomes, 0), (errors, warnings)) + "\n"
        }
        Output::Board => {
            let mut text = board::board(outcomes, status, &moved, style);
            for err in errors {
                text.push_str(&diagnostic::render(err, style));
            }
            text
        }
        Output::Lines => {
            let mut text = board::lines(&moved, style);
            for err in errors {
                text.push_str(&format!("error: {err}\n"));
            }
            text.push_str(&format!("{}\n", Counts::of(outcomes, 0).closing_line()));
            text
        }
    }
}
