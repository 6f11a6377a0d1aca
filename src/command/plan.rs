//! `specctl plan`: observe, then show the delta and the first turn's exact prompt.

use super::{fatal, jobs, load_valid, print, runtime};
use crate::cli::{Cli, Format, PlanArgs};
use crate::exit::Exit;
use crate::reconcile::delta;
use crate::reconcile::ledger::Ledger;
use crate::reconcile::run::{observe_pass, prompt_for};
use crate::report::style::Style;
use serde_json::json;
use tokio::sync::watch;

pub fn run(cli: &Cli, args: &PlanArgs) -> Exit {
    let err_style = Style::stderr(cli.color);
    let loaded = match load_valid(cli, &args.selection) {
        Ok(loaded) => loaded,
        Err(exit) => return exit,
    };
    let runtime = match runtime() {
        Ok(rt) => rt,
        Err(err) => return fatal(err_style, &err),
    };
    let (root, config) = (&loaded.project.root, &loaded.project.config);
    let pass = runtime.block_on(async {
        let (tx, rx) = watch::channel(false);
        let signals = tokio::spawn(super::check::stop_on_signal(tx));
        let pass = observe_pass(root, config, &loaded.selector, jobs(args.jobs), rx).await;
        signals.abort();
        pass
    });
    if pass.interrupted {
        return Exit::Interrupted;
    }
    let Some((phase, ids)) = delta::next(&pass.order, &pass.verdicts) else {
        match args.format {
            Format::Json => print(&format!(
                "{}\n",
                json!({"version": 1, "delta": [], "phase": null, "prompt": null})
            )),
            Format::Human => print("nothing to do: every selected item holds\n"),
        }
        return Exit::Success;
    };
    let ledger = Ledger::start(&pass.verdicts);
    let prompt = prompt_for(&pass, config, 1, phase, &ids, &ledger, Vec::new());
    let delta: Vec<_> = pass
        .order
        .iter()
        .filter(|id| pass.verdicts.get(*id).is_some_and(|v| !v.holds()))
        .map(|id| {
            let o = pass.observations.get(id);
            json!({"id": id, "status": o.map(|o| o.verdict), "message": o.and_then(|o| o.message.clone())})
        })
        .collect();
    match args.format {
        Format::Json => {
            let doc = json!({
                "version": 1,
                "phase": phase,
                "turn_items": ids,
                "delta": delta,
                "prompt": prompt,
                "prompt_bytes": prompt.len(),
            });
            print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            ));
        }
        Format::Human => {
            let style = Style::stdout(cli.color);
            let n = delta.len();
            let mut out = format!(
                "{} ({n} {} not hold)\n",
                style.bold("delta"),
                if n == 1 { "item does" } else { "items do" }
            );
            for d in &delta {
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
            if config.agents.is_empty() {
                out.push_str("\nnote: no agent is configured, so `specctl reconcile` would refuse to start; see `specctl reconcile --help`\n");
            }
            print(&out);
        }
    }
    Exit::Failure
}
