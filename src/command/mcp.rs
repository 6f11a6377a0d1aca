//! `specctl mcp`: the Model Context Protocol on stdio, so an agent in its own loop can ask for
//! items, verdicts, the delta and the audit. Each tool is the CLI's JSON document, from the CLI.

use crate::cli::Cli;
use crate::exit::Exit;
use crate::report::style::Style;
use rmcp::handler::server::{router::tool::ToolRouter, wrapper::Parameters};
use rmcp::model::{CallToolResult, ErrorData, Implementation, ServerCapabilities, ServerInfo};
use rmcp::service::RequestContext;
use rmcp::{RoleServer, ServerHandler, ServiceExt, schemars, tool, tool_handler, tool_router};
use serde::Deserialize;
use std::path::PathBuf;
use std::process::Stdio;

pub fn run(cli: &Cli) -> Exit {
    let style = Style::stderr(cli.color());
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(err) => {
            return super::fatal(style, &format!("cannot find specctl's own binary: {err}"));
        }
    };
    let server = Specctl {
        exe,
        dir: cli.dir.clone(),
        tool_router: Specctl::tool_router(),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => return super::fatal(style, &format!("cannot start the async runtime: {err}")),
    };
    let served = runtime.block_on(async {
        let service = server.serve(rmcp::transport::stdio()).await?;
        service.waiting().await?;
        Ok::<(), Box<dyn std::error::Error>>(())
    });
    match served {
        Ok(()) => Exit::Success,
        Err(err) => super::fatal(style, &format!("the MCP session failed: {err}")),
    }
}

/// Which items a tool looks at, as the CLI's FILTER and `--tags` say.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct Selection {
    /// Files, folders or id prefixes (`specs/shop.feature`, `specs/`, `aspect:`); all when empty
    #[serde(default)]
    pub filters: Vec<String>,
    /// A Cucumber tag expression, such as `@fast and not @slow`
    #[serde(default)]
    pub tags: Option<String>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct AuditRequest {
    #[serde(flatten)]
    pub selection: Selection,
    /// Also mutate the code the items cover and run the evidence against each mutant (slow)
    #[serde(default)]
    pub mutants: bool,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct ExplainRequest {
    /// The item's id, as `list` gives it (`specs/shop.feature::Buy an apple`, `aspect:name`)
    pub id: String,
}

#[derive(Clone)]
pub struct Specctl {
    exe: PathBuf,
    dir: Option<PathBuf>,
    tool_router: ToolRouter<Self>,
}

#[tool_router]
impl Specctl {
    #[tool(
        description = "Every spec scenario and aspect with its file, line, steps and evidence; runs nothing"
    )]
    async fn list(
        &self,
        Parameters(s): Parameters<Selection>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        self.document(&["list"], &s, ctx).await
    }

    #[tool(
        description = "Run the evidence of the selected items (as `specctl check`) and return each verdict with what the evidence said"
    )]
    async fn check(
        &self,
        Parameters(s): Parameters<Selection>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        self.document(&["check"], &s, ctx).await
    }

    #[tool(
        description = "The last observed verdicts and the reconcile session, from the store; runs nothing"
    )]
    async fn status(
        &self,
        Parameters(s): Parameters<Selection>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        self.document(&["status"], &s, ctx).await
    }

    #[tool(
        description = "Observe, then the delta (items that do not hold), the phase and the exact prompt the next agent turn would get"
    )]
    async fn plan(
        &self,
        Parameters(s): Parameters<Selection>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        self.document(&["plan"], &s, ctx).await
    }

    #[tool(
        description = "Is the contract adequate? Findings at their lines: static rules, and with mutants=true the code changes no item notices"
    )]
    async fn audit(
        &self,
        Parameters(a): Parameters<AuditRequest>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let args: &[&str] = if a.mutants {
            &["audit", "--mutants"]
        } else {
            &["audit"]
        };
        self.document(args, &a.selection, ctx).await
    }

    #[tool(
        description = "One item: its spec text or aspect body, its evidence, its last verdict and output, and its verdict history (the JSON document of `specctl explain ID`)"
    )]
    async fn explain(
        &self,
        Parameters(e): Parameters<ExplainRequest>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let one = Selection {
            filters: vec![e.id],
            tags: None,
        };
        self.document(&["explain"], &one, ctx).await
    }
}

impl Specctl {
    /// The JSON document `specctl ARGS --format json FILTER…` prints, as the tool's result.
    async fn document(
        &self,
        args: &[&str],
        selection: &Selection,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        self.json(args, selection, ctx)
            .await
            .map(CallToolResult::structured)
    }

    /// Runs specctl itself, so each tool is exactly the command a person would run; a
    /// cancelled request ends it (and with it the evidence it started) by SIGTERM.
    async fn json(
        &self,
        args: &[&str],
        selection: &Selection,
        ctx: RequestContext<RoleServer>,
    ) -> Result<serde_json::Value, ErrorData> {
        let mut command = tokio::process::Command::new(&self.exe);
        if let Some(dir) = &self.dir {
            command.arg("-C").arg(dir);
        }
        command
            .args(args)
            .args(["--format", "json", "--color", "never"]);
        if let Some(tags) = &selection.tags {
            command.args(["--tags", tags]);
        }
        command.arg("--").args(&selection.filters);
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        let child = command
            .spawn()
            .map_err(|e| ErrorData::internal_error(format!("cannot run specctl: {e}"), None))?;
        let mut stop = Stop(child.id());
        let output = tokio::select! {
            out = child.wait_with_output() => out,
            _ = ctx.ct.cancelled() => {
                return Err(ErrorData::internal_error("cancelled: the evidence it started was ended", None));
            }
        };
        // It exited: its group is gone, and its number may be another's soon.
        stop.0 = None;
        let output = output.map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
        let code = output.status.code();
        let stdout = String::from_utf8_lossy(&output.stdout);
        match serde_json::from_str::<serde_json::Value>(&stdout) {
            // 0 and 1 are answers (it holds, or it does not); 2 is bad input with a document.
            Ok(doc) if matches!(code, Some(0 | 1 | 4)) => Ok(doc),
            _ => {
                let stderr = String::from_utf8_lossy(&output.stderr);
                let message = stderr
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n");
                Err(ErrorData::invalid_params(
                    if message.is_empty() {
                        format!("specctl {} exited with {code:?}", args.join(" "))
                    } else {
                        message
                    },
                    serde_json::from_str(&stdout).ok(),
                ))
            }
        }
    }
}

/// Ends a tool's specctl the way Ctrl-C would, when the request is cancelled or the server
/// stops: SIGTERM lets it end its evidence's groups before it exits.
struct Stop(Option<u32>);

impl Drop for Stop {
    fn drop(&mut self) {
        if let Some(pid) = self.0 {
            // SAFETY: kill(2) on the group of a child this server started; a group that has
            // already exited makes it fail harmlessly with ESRCH.
            unsafe { libc::kill(-(pid as i32), libc::SIGTERM) };
        }
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Specctl {
    fn get_info(&self) -> ServerInfo {
        ServerInfo::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("specctl", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "specctl keeps code true to its specs (specs/*.feature) and aspects (aspects/*.md). \
Call `check` to run the evidence and see what does not hold, `explain` for one item's text and \
last output, `plan` for the delta and the next turn's prompt, `audit` to find weak specs. The \
evidence decides: an item holds when `check` says pass.",
            )
    }
}
