//! `specctl audit --format sarif`: the findings as a SARIF 2.1.0 log, one run, every rule
//! described, so code scanning shows each at its line.

use crate::audit::{Audit, Finding, Rule, Severity};
use serde::Serialize;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const VERSION: &str = "2.1.0";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
struct Run<'a> {
    tool: Tool,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: &'static str,
    short_description: Text<'static>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    locations: [Location<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation<'a> {
    uri: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
}

pub fn sarif(audit: &Audit) -> String {
    let log = Log {
        schema: SCHEMA,
        version: VERSION,
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "specctl",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: information_uri(),
                    rules: Rule::ALL
                        .iter()
                        .map(|r| Descriptor {
                            id: r.as_str(),
                            short_description: Text {
                                text: r.description(),
                            },
                        })
                        .collect(),
                },
            },
            results: audit.findings.iter().map(result).collect(),
        }],
    };
    serde_json::to_string_pretty(&log).unwrap_or_default()
}

/// The project's address from Cargo.toml, where it gives one: SARIF wants a real URI or none.
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|uri| !uri.is_empty())
}

fn result(finding: &Finding) -> SarifResult<'_> {
    SarifResult {
        rule_id: finding.rule.as_str(),
        rule_index: Rule::ALL
            .iter()
            .position(|r| *r == finding.rule)
            .unwrap_or_default(),
        level: level(finding.severity),
        message: Text {
            text: &finding.message,
        },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri: &finding.file },
                // SARIF lines start at 1; a finding about a whole file points at its first.
                region: Region {
                    start_line: finding.line.max(1),
                },
            },
        }],
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::audit::fixture;
    use serde_json::{Value, json};

    #[test]
    fn the_log_names_the_tool_every_rule_and_each_finding_at_its_line() {
        let log: Value = serde_json::from_str(&sarif(&fixture::audit())).unwrap();
        assert_eq!(log["$schema"], SCHEMA);
        assert_eq!(log["version"], "2.1.0");
        let runs = log["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 1);
        let driver = &runs[0]["tool"]["driver"];
        assert_eq!(driver["name"], "specctl");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        let ids: Vec<&str> = driver["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, Rule::ALL.map(Rule::as_str));
        assert_eq!(
            driver["rules"][0]["shortDescription"]["text"],
            Rule::NoOutcome.description()
        );

        let results = runs[0]["results"].as_array().unwrap();
        assert_eq!(results.len(), fixture::audit().findings.len());
        assert_eq!(
            results[0],
            json!({
                "ruleId": "evidence-cannot-fail",
                "ruleIndex": 5,
                "level": "error",
                "message": {"text": "the evidence of aspect `pure` always exits 0 (`true`): nothing the code does can make it fail; run a check that exits non-zero when the aspect does not hold"},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": "aspects/pure.md"},
                    "region": {"startLine": 2}
                }}]
            })
        );
        let levels: Vec<(&str, &str)> = results
            .iter()
            .map(|r| (r["ruleId"].as_str().unwrap(), r["level"].as_str().unwrap()))
            .collect();
        assert!(levels.contains(&("no-action", "warning")), "{levels:?}");
        assert!(levels.contains(&("never-red", "note")), "{levels:?}");
        assert!(levels.contains(&("survived-mutant", "error")), "{levels:?}");
    }

    #[test]
    fn an_audit_without_findings_is_a_run_without_results() {
        let log: Value = serde_json::from_str(&sarif(&Audit::default())).unwrap();
        assert_eq!(log["runs"][0]["results"], json!([]));
        assert_eq!(
            log["runs"][0]["tool"]["driver"]["rules"]
                .as_array()
                .unwrap()
                .len(),
            Rule::ALL.len()
        );
    }
}
