//! `specctl reconcile`: drive the configured agents until the selected items hold.

use super::{fatal, jobs, load_valid, runtime};
use crate::cli::{Cli, ReconcileArgs};
use crate::exit::Exit;
use crate::reconcile::run::{End, Settings, reconcile};
use crate::report::style::Style;
use tokio::sync::watch;

pub const NO_AGENT: &str =
    "no agent is configured: `specctl reconcile` hands the failing items to the coding agents \
named in specctl.yaml, cheapest first, for example:

  agents:
    - name: fast
      kind: claude
      run: claude -p --output-format json --model haiku --permission-mode acceptEdits
    - name: strong
      kind: claude
      run: claude -p --output-format json --model opus --permission-mode acceptEdits

kind is claude, codex, aider or command. Any command works: it gets the prompt on stdin, or in the
file named by {prompt_file}. `specctl plan` shows the prompt without running an agent.";

pub fn run(cli: &Cli, args: &ReconcileArgs) -> Exit {
    let err_style = Style::stderr(cli.color);
    let loaded = match load_valid(cli, &args.selection) {
        Ok(loaded) => loaded,
        Err(exit) => return exit,
    };
    let config = &loaded.project.config;
    if config.agents.is_empty() {
        return fatal(err_style, &NO_AGENT);
    }
    let runtime = match runtime() {
        Ok(rt) => rt,
        Err(err) => return fatal(err_style, &err),
    };
    let style = Style::stdout(cli.color);
    let end = runtime.block_on(async {
        let (tx, rx) = watch::channel(false);
        let signals = tokio::spawn(super::check::stop_on_signal(tx));
        let end = reconcile(Settings {
            root: &loaded.project.root,
            config,
            selector: &loaded.selector,
            jobs: jobs(args.jobs),
            style,
            interrupt: rx,
            log_to_stderr: false,
            new_session: args.new_session,
        })
        .await;
        signals.abort();
        end
    });
    match end {
        End::Converged { turns: 0, .. } => {
            println!(
                "{}",
                style.green("nothing to do: every selected item holds")
            );
            Exit::Success
        }
        End::Converged { turns, cost_usd } => {
            println!(
                "{}",
                style.green(&format!(
                    "converged after {turns} {} (${cost_usd:.4} reported)",
                    if turns == 1 { "turn" } else { "turns" }
                ))
            );
            Exit::Success
        }
        End::Stuck {
            turns,
            cost_usd,
            why,
            items,
        } => {
            let word = if turns == 1 { "turn" } else { "turns" };
            println!(
                "{} after {turns} {word} (${cost_usd:.4} reported): {why}",
                style.red("stopped")
            );
            println!("still not holding:");
            for (id, verdict, message) in items {
                println!("  ✗ {id}  {}", style.red(verdict.as_str()));
                for line in message.unwrap_or_default().lines().take(6) {
                    println!("      {}", style.dim(line));
                }
            }
            Exit::Failure
        }
        End::Invalid => {
            eprintln!(
                "{} the desired state became invalid during the run: run `specctl list` to see where",
                err_style.red("error:")
            );
            Exit::Invalid
        }
        End::Busy(why) | End::Store(why) => fatal(err_style, &why),
        End::Interrupted => {
            eprintln!(
                "{} interrupted: the agent's and the evidence's process groups were ended",
                err_style.yellow("warning:")
            );
            Exit::Interrupted
        }
    }
}
