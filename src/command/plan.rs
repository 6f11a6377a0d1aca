//! `specctl plan`: observe, then show the delta and the first turn's exact prompt.

use super::{interruptible, jobs, load_valid, print};
use crate::cli::{Cli, Format, PlanArgs};
use crate::exit::Exit;
use crate::reconcile::delta::{self, Phase};
use crate::reconcile::driver::observe_for_plan;
use crate::reconcile::ledger::Ledger;
use crate::reconcile::pass::{Pass, prompt_for, review_prompt_for};
use crate::report::style::Style;
use serde_json::{Value, json};

pub fn run(cli: &Cli, args: &PlanArgs) -> Exit {
    let err_style = Style::stderr(cli.color());
    let loaded = match load_valid(cli, &args.selection) {
        Ok(loaded) => loaded,
        Err(exit) => return exit,
    };
    let (root, config) = (&loaded.project.root, &loaded.project.config);
    let observed = interruptible(err_style, |interrupt| {
        observe_for_plan(root, config, &loaded.selector, jobs(args.jobs), interrupt)
    });
    let ((pass, unrecorded), signal) = match observed {
        Ok(observed) => observed,
        Err(exit) => return exit,
    };
    if pass.interrupted {
        return Exit::interrupted_by(signal);
    }
    if let Some(err) = unrecorded {
        eprintln!("{} {err}", err_style.yellow(&err_style.bold("warning:")));
    }
    if let Some(tier) = &args.adversary {
        return adversary_plan(&loaded, tier, &pass, args.format, cli);
    }
    let Some((phase, ids)) =
        delta::next(&pass.verdicts.order, &pass.verdicts.of, &Default::default())
    else {
        match args.format {
            Format::Json => print(&format!(
                "{}\n",
                json!({"version": 1, "delta": [], "phase": null, "prompt": null})
            )),
            Format::Human => print("nothing to do: every selected item holds\n"),
        }
        return Exit::Success;
    };
    let ledger = Ledger::start(&pass.verdicts.of);
    let prompt = prompt_for(&pass, config, 1, phase, &ids, &ledger, Vec::new());
    let delta = delta_of(&pass);
    // The reviewer reads the RED turn's evidence once it ran: its prompt, with the diff to come.
    let review = match (phase, &config.reconcile.review) {
        (Phase::Red, Some(tier)) => Some((tier, review_prompt_for(&pass, config, 1, &ids, None))),
        _ => None,
    };
    match args.format {
        Format::Json => {
            let doc = json!({
                "version": 1,
                "phase": phase,
                "turn_items": ids,
                "delta": delta,
                "prompt": prompt,
                "prompt_bytes": prompt.len(),
                "review": review.as_ref().map(|(tier, p)| json!({"tier": tier, "prompt": p})),
                "tiers": tiers_of(config),
            });
            print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            ));
        }
        Format::Human => {
            let style = Style::stdout(cli.color());
            let mut out = human(&delta, phase, &prompt, style);
            if let Some((tier, p)) = &review {
                out.push_str(&format!(
                    "\n{} (tier {tier}, after turn 1; {} bytes and the diff):\n\n{p}",
                    style.bold("the reviewer's prompt"),
                    p.len()
                ));
            }
            out.push_str(&tiers_human(config, style));
            if config.agents.is_empty() {
                out.push_str("\nnote: no agent is configured, so `specctl reconcile` would refuse to start; see `specctl reconcile --help`\n");
            }
            print(&out);
        }
    }
    Exit::Failure
}

/// Each tier with the exact command line its turns run (`{prompt_file}` stays as written:
/// it names a file made per turn) and whether the prompt goes on stdin.
fn tiers_of(config: &crate::config::Config) -> Vec<Value> {
    config
        .agents
        .iter()
        .map(|t| {
            json!({
                "name": t.name,
                "kind": t.kind.as_str(),
                "run": t.run,
                "prompt_on": if t.run.contains("{prompt_file}") { "{prompt_file}" } else { "stdin" },
                "timeout_s": t.timeout.as_secs(),
            })
        })
        .collect()
}

fn tiers_human(config: &crate::config::Config, style: Style) -> String {
    if config.agents.is_empty() {
        return String::new();
    }
    let mut out = format!("\n\n{}\n", style.bold("agent tiers, in escalation order"));
    for (i, t) in config.agents.iter().enumerate() {
        let on = if t.run.contains("{prompt_file}") {
            "the prompt in {prompt_file}"
        } else {
            "the prompt on stdin"
        };
        out.push_str(&format!(
            "  {}. {} ({}, {on}, timeout {}): {}\n",
            i + 1,
            t.name,
            t.kind.as_str(),
            humantime::format_duration(t.timeout),
            t.run
        ));
    }
    out
}

/// Every selected item that does not hold, with its verdict and message.
fn delta_of(pass: &Pass) -> Vec<Value> {
    pass.not_holding()
        .into_iter()
        .map(|(id, verdict, message)| json!({"id": id, "status": verdict, "message": message}))
        .collect()
}

fn human(delta: &[Value], phase: Phase, prompt: &str, style: Style) -> String {
    let n = delta.len();
    let mut out = format!(
        "{} ({n} {} not hold)\n",
        style.bold("delta"),
        if n == 1 { "item does" } else { "items do" }
    );
    for d in delta {
        out.push_str(&format!(
            "  {}  {}\n",
            d["id"].as_str().unwrap_or_default(),
            d["status"].as_str().unwrap_or_default()
        ));
    }
    out.push_str(&format!(
        "\n{} ({} phase, {} bytes):\n\n{prompt}",
        style.bold("the prompt of turn 1"),
        phase.as_str(),
        prompt.len()
    ));
    out
}

/// `plan --adversary TIER`: the prompt each item an adversary can attack would get.
fn adversary_plan(
    loaded: &super::Loaded,
    tier: &str,
    pass: &Pass,
    format: Format,
    cli: &Cli,
) -> Exit {
    let err_style = Style::stderr(cli.color());
    let prompts = match super::adversary::plan_prompts(loaded, tier, &pass.verdicts.of, err_style) {
        Ok(p) => p,
        Err(exit) => return exit,
    };
    match format {
        Format::Json => {
            let attempts: Vec<Value> = prompts
                .iter()
                .map(|(id, p)| json!({"item": id, "prompt": p, "prompt_bytes": p.len()}))
                .collect();
            let doc = json!({"version": 1, "tier": tier, "adversary": attempts});
            print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            ));
        }
        Format::Human => {
            let style = Style::stdout(cli.color());
            let mut out = String::new();
            if prompts.is_empty() {
                out.push_str("nothing to attack: no selected item's evidence passes or fails\n");
            }
            for (n, (id, p)) in prompts.iter().enumerate() {
                out.push_str(&format!(
                    "{} ({} bytes):\n\n{p}\n",
                    style.bold(&format!(
                        "attempt {} of {}, on {id}, by {tier}",
                        n + 1,
                        prompts.len()
                    )),
                    p.len()
                ));
            }
            print(&out);
        }
    }
    Exit::Success
}
