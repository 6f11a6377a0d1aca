//! `specctl merge`: read the slices' JSON documents, join them, and render the run they make
//! up with `check`'s or `audit`'s own renderers; exit as that command would have.

use super::{fatal, print_problems};
use crate::cli::{AuditFormat, CheckFormat, Cli, MergeArgs, MergeFormat};
use crate::desired::DesiredState;
use crate::exit::Exit;
use crate::merge::{Joined, JoinedCheck, MergeError, Slice};
use crate::report::outcome::{Counts, Outcome};
use crate::report::{diagnostic, style::Style};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn run(cli: &Cli, args: &MergeArgs) -> Exit {
    let style = Style::stderr(cli.color());
    let joined = read(&args.files).and_then(crate::merge::join);
    let joined = match joined {
        Ok(joined) => joined,
        Err(err) => return refuse(style, &err),
    };
    match joined {
        Joined::Check(check) => match formats(args.format).0 {
            Some(format) => render_check(cli, args, format, check),
            None => refuse(style, &wrong(args.format, false)),
        },
        Joined::Audit(audit) => match formats(args.format).1 {
            Some(format) => render_audit(cli, args, format, &audit),
            None => refuse(style, &wrong(args.format, true)),
        },
    }
}

/// Every file, read and parsed, in the order given.
fn read(files: &[PathBuf]) -> Result<Vec<Slice>, MergeError> {
    files
        .iter()
        .map(|path| {
            let file = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|err| MergeError::Read {
                file: file.clone(),
                message: err.to_string(),
            })?;
            Slice::parse(&file, &text)
        })
        .collect()
}

/// Exit 2 with the reason; a document that does not read is shown at its line.
fn refuse(style: Style, err: &MergeError) -> Exit {
    match err {
        MergeError::Parse(at) => {
            eprint!("{}", diagnostic::render(at, style));
            Exit::Invalid
        }
        other => fatal(style, other),
    }
}

fn render_check(cli: &Cli, args: &MergeArgs, format: CheckFormat, check: JoinedCheck) -> Exit {
    let JoinedCheck {
        items,
        errors,
        mut warnings,
        duration_ms,
        run,
    } = check;
    let outcomes: Vec<Outcome<'_>> = items
        .iter()
        .map(|o| Outcome {
            item: &o.item,
            verdict: o.status,
            duration_ms: o.duration_ms,
            message: o.message.clone(),
            stale: o.stale,
        })
        .collect();
    let counts = Counts::of(&outcomes, duration_ms);
    let report = super::check::Report {
        outcomes: &outcomes,
        counts: &counts,
        errors: &errors,
        run: Some(&run),
    };
    let to = (format, args.output.as_deref());
    if let Err(exit) = super::check::render(cli, to, &report, &mut warnings) {
        return exit;
    }
    if format != CheckFormat::Json {
        let state = DesiredState {
            errors: errors.clone(),
            ..DesiredState::default()
        };
        print_problems(&state, &warnings, Style::stderr(cli.color()));
    }
    super::check::exit(&report)
}

fn render_audit(
    cli: &Cli,
    args: &MergeArgs,
    format: AuditFormat,
    audit: &crate::audit::Audit,
) -> Exit {
    let root = root(cli);
    let sources = sources(&root, audit);
    let to = (format, args.output.as_deref());
    if let Err(exit) = super::audit::render(cli, to, audit, &root, &sources) {
        return exit;
    }
    if format != AuditFormat::Json {
        print_problems(
            &DesiredState::default(),
            &audit.warnings,
            Style::stderr(cli.color()),
        );
    }
    super::audit::exit(audit, false, None)
}

/// Where the project's files are read from for excerpts: the root `-C DIR` (or the current
/// folder) is in; merge runs nothing, so a folder without the project only loses excerpts.
fn root(cli: &Cli) -> PathBuf {
    crate::project::Project::open(cli.dir.as_deref())
        .map(|p| p.root)
        .unwrap_or_else(|_| cli.dir.clone().unwrap_or_else(|| PathBuf::from(".")))
}

/// The text of every mutated file that is there to read.
fn sources(root: &Path, audit: &crate::audit::Audit) -> BTreeMap<String, String> {
    let mut texts = BTreeMap::new();
    for tested in &audit.mutants {
        let file = &tested.mutant.file;
        if !texts.contains_key(file)
            && let Ok(text) = std::fs::read_to_string(root.join(file))
        {
            texts.insert(file.clone(), text);
        }
    }
    texts
}

/// What `--format` is for a check and for an audit; `None` where it is not for that kind.
fn formats(format: MergeFormat) -> (Option<CheckFormat>, Option<AuditFormat>) {
    match format {
        MergeFormat::Human => (Some(CheckFormat::Human), Some(AuditFormat::Human)),
        MergeFormat::Json => (Some(CheckFormat::Json), Some(AuditFormat::Json)),
        MergeFormat::Junit => (Some(CheckFormat::Junit), None),
        MergeFormat::Github => (Some(CheckFormat::Github), None),
        MergeFormat::Sarif => (None, Some(AuditFormat::Sarif)),
        MergeFormat::Stryker => (None, Some(AuditFormat::Stryker)),
    }
}

/// `--format` for documents of the kind it is not for.
fn wrong(format: MergeFormat, audit: bool) -> MergeError {
    let name = format.as_str().to_string();
    let (fits, kind, formats) = if audit {
        ("check", "audit", "human, json, sarif or stryker")
    } else {
        ("audit", "check", "human, json, junit or github")
    };
    MergeError::Format {
        format: name,
        fits,
        kind,
        formats,
    }
}
