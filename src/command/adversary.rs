//! `audit --adversary TIER` and `plan --adversary TIER`: the attempts run (or their prompts
//! shown) for the selected items, their findings and attempts put into the audit.

use super::{Loaded, fatal, interruptible, jobs};
use crate::adversary::{self, Plan};
use crate::audit::{Attempt, Audit, Outcome};
use crate::cli::Cli;
use crate::config::AgentTier;
use crate::exit::Exit;
use crate::observe::Verdict;
use crate::process::Owned;
use crate::report::style::Style;
use std::collections::BTreeMap;

/// The tier `--adversary` names, or exit 2 saying which there are.
pub(crate) fn tier<'a>(
    loaded: &'a Loaded,
    name: &str,
    style: Style,
) -> Result<&'a AgentTier, Exit> {
    let config = &loaded.project.config;
    config.tier(name).ok_or_else(|| {
        fatal(
            style,
            &format!(
                "--adversary {name} names no agent tier: name one of {} (under `agents:` in specctl.yaml)",
                config.tier_names()
            ),
        )
    })
}

/// Runs the attempts; their findings and attempts go into `audit`. `Ok` carries the signal
/// that stopped them, if one did.
pub(crate) fn attack(
    cli: &Cli,
    loaded: &Loaded,
    (name, jobs_arg): (&str, Option<u16>),
    audit: &mut Audit,
    groups: &std::path::Path,
) -> Result<Option<i32>, Exit> {
    let style = Style::stderr(cli.color());
    let tier = tier(loaded, name, style)?;
    let items = loaded.selected();
    let root = &loaded.project.root;
    let quiet = cli.quiet;
    let on_attempt = |a: &Attempt| {
        if !quiet {
            eprintln!("{}", attempt_line(a, style));
        }
    };
    let ((ran, interrupted), signal) = interruptible(style, |interrupt| async move {
        let plan = Plan {
            root,
            config: &loaded.project.config,
            all: &loaded.state.items,
            selected: &items,
            tier,
            jobs: jobs(jobs_arg),
            interrupt: interrupt.clone(),
            registry: Owned::mine(groups),
        };
        let ran = adversary::run(&plan, on_attempt).await;
        (ran, *interrupt.borrow())
    })?;
    let ran = ran.map_err(|e| fatal(style, &e))?;
    audit.findings.extend(ran.findings);
    audit.attempts = ran.attempts;
    audit.interrupted |= ran.interrupted || interrupted;
    Ok(signal)
}

/// `adversary: attempt 2 on ID: stood up (why)`, as each attempt ends.
pub(crate) fn attempt_line(a: &Attempt, style: Style) -> String {
    let word = match a.outcome {
        Outcome::Passes => style.red("passes"),
        Outcome::StoodUp => style.green("stood up"),
        Outcome::BrokeOthers => style.green("broke other items"),
        Outcome::ProvesNothing => style.yellow("proves nothing"),
        Outcome::NotTried => style.yellow("not tried"),
    };
    let cost = a.cost_usd.map_or("—".to_string(), super::dollars);
    format!(
        "{} attempt {} on {} [{}, {cost}]: {word}: {}",
        style.bold("adversary:"),
        a.number,
        a.item,
        a.tier,
        a.message
    )
}

/// `plan --adversary TIER`: each target's prompt, from the verdicts of one observation.
pub(crate) fn plan_prompts(
    loaded: &Loaded,
    name: &str,
    verdicts: &BTreeMap<String, Verdict>,
    style: Style,
) -> Result<Vec<(String, String)>, Exit> {
    tier(loaded, name, style)?;
    let items = loaded.selected();
    let config = &loaded.project.config;
    Ok(adversary::run::targets(&items, verdicts)
        .into_iter()
        .map(|item| {
            let prompt = adversary::run::prompt_for(config, &items, item, verdicts);
            (item.id.clone(), prompt)
        })
        .collect())
}
