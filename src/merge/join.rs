//! Joining slices: first that they are the slices of one run, each once and none missing;
//! then one document, ordered and counted as one unpartitioned run would be.

use super::MergeError;
use super::slice::{Body, CheckSlice, Observed, Slice};
use crate::InputError;
use crate::audit::{Audit, Finding, Rule, Severity};
use crate::partition::{Partition, Run};
use std::collections::{BTreeMap, HashMap};

/// The run the slices make up.
#[derive(Debug)]
pub enum Joined {
    Check(JoinedCheck),
    /// With `run` set to the whole run.
    Audit(Audit),
}

#[derive(Debug)]
pub struct JoinedCheck {
    pub items: Vec<Observed>,
    pub errors: Vec<InputError>,
    pub warnings: Vec<String>,
    /// The longest slice's: they ran at once.
    pub duration_ms: u64,
    pub run: Run,
}

/// Joins `slices`, or says why they are not the slices of one run.
pub fn join(slices: Vec<Slice>) -> Result<Joined, MergeError> {
    let n = check_slices(&slices)?;
    let run = Run {
        desired: slices[0].run.desired.clone(),
        partition: Partition::WHOLE,
    };
    debug_assert!(n >= 1);
    let mut checks = Vec::new();
    let mut audits = Vec::new();
    for slice in slices {
        match slice.body {
            Body::Check(check) => checks.push(check),
            Body::Audit(audit) => audits.push(audit),
        }
    }
    Ok(if audits.is_empty() {
        Joined::Check(join_checks(checks, run))
    } else {
        Joined::Audit(join_audits(audits, run))
    })
}

/// One kind, one desired state, one N, each slice once, none missing: their N.
fn check_slices(slices: &[Slice]) -> Result<u32, MergeError> {
    let Some(first) = slices.first() else {
        return Err(MergeError::Missing {
            slices: vec![Partition::WHOLE],
            command: "check",
        });
    };
    let is_audit = |s: &&Slice| matches!(s.body, Body::Audit(_));
    if let (Some(check), Some(audit)) = (
        slices.iter().find(|s| !is_audit(s)),
        slices.iter().find(is_audit),
    ) {
        return Err(MergeError::Mixed {
            check: check.file.clone(),
            audit: audit.file.clone(),
        });
    }
    let mut seen: BTreeMap<u32, &str> = BTreeMap::new();
    for slice in slices {
        if slice.run.desired != first.run.desired {
            return Err(MergeError::DifferentRuns {
                first: first.file.clone(),
                other: slice.file.clone(),
                first_desired: first.run.desired.clone(),
                other_desired: slice.run.desired.clone(),
            });
        }
        let partition = slice.run.partition;
        if partition.n != first.run.partition.n {
            return Err(MergeError::DifferentN {
                first: first.file.clone(),
                first_slice: first.run.partition,
                other: slice.file.clone(),
                other_slice: partition,
            });
        }
        if let Some(earlier) = seen.insert(partition.k, &slice.file) {
            return Err(MergeError::Twice {
                slice: partition,
                first: earlier.to_string(),
                second: slice.file.clone(),
            });
        }
    }
    let n = first.run.partition.n;
    let missing: Vec<Partition> = (1..=n)
        .filter(|k| !seen.contains_key(k))
        .map(|k| Partition { k, n })
        .collect();
    if !missing.is_empty() {
        let command = if is_audit(&first) { "audit" } else { "check" };
        return Err(MergeError::Missing {
            slices: missing,
            command,
        });
    }
    Ok(n)
}

/// The items in the order one run lists them: the specs' files in path order, then the
/// aspects'. A file's items are all in one slice, in their order there.
fn join_checks(checks: Vec<CheckSlice>, run: Run) -> JoinedCheck {
    let duration_ms = checks.iter().map(|c| c.summary.duration_ms).max();
    let mut items = Vec::new();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for check in checks {
        items.extend(check.items);
        // Every slice read the whole desired state, so each reports the same input errors.
        for error in check.errors {
            if !errors.contains(&error) {
                errors.push(error);
            }
        }
        once_each(&mut warnings, check.warnings);
    }
    items.sort_by(|a, b| {
        let key = |o: &Observed| (!o.item.is_scenario(), o.item.file.clone());
        key(a).cmp(&key(b))
    });
    JoinedCheck {
        items,
        errors,
        warnings,
        duration_ms: duration_ms.unwrap_or_default(),
        run,
    }
}

/// The audit one run would have found. Every slice ran the static rules on the same items,
/// so those are taken once; survivors are judged again over all the mutants, in their order;
/// and an item is `never-red` only where no slice saw it go red: where every slice says so.
fn join_audits(audits: Vec<Audit>, run: Run) -> Audit {
    let slices = audits.len();
    let mut joined = Audit {
        run: Some(run),
        ..Audit::default()
    };
    let mut never_red: HashMap<String, (usize, Finding)> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for (index, audit) in audits.into_iter().enumerate() {
        for finding in audit.findings {
            match finding.rule {
                Rule::NeverRed => {
                    let id = finding.item.clone().unwrap_or_default();
                    let entry = never_red.entry(id.clone()).or_insert_with(|| {
                        order.push(id);
                        (0, finding.clone())
                    });
                    entry.0 += 1;
                    if finding.severity == Severity::Error {
                        entry.1 = finding;
                    }
                }
                Rule::SurvivedMutant => {}
                Rule::AdversaryPasses => joined.findings.push(finding),
                _ if index == 0 => joined.findings.push(finding),
                _ => {}
            }
        }
        joined.mutants.extend(audit.mutants);
        joined.attempts.extend(audit.attempts);
        once_each(&mut joined.warnings, audit.warnings);
        joined.baseline_ms = joined.baseline_ms.max(audit.baseline_ms);
        joined.duration_ms = joined.duration_ms.max(audit.duration_ms);
        joined.interrupted |= audit.interrupted;
    }
    joined.mutants.sort_by(|a, b| {
        let key = |t: &crate::audit::Tested| {
            let m = &t.mutant;
            (
                m.file.clone(),
                m.line,
                m.column,
                m.operator,
                m.end_line,
                m.end_column,
            )
        };
        key(a).cmp(&key(b))
    });
    joined
        .findings
        .extend(crate::audit::judge::survivors(&joined.mutants));
    for id in order {
        if let Some((count, finding)) = never_red.remove(&id)
            && count == slices
        {
            joined.findings.push(finding);
        }
    }
    crate::audit::finding::sort(&mut joined.findings);
    joined
}

/// Appends each of `more` not in `list` yet.
fn once_each(list: &mut Vec<String>, more: Vec<String>) {
    for line in more {
        if !list.contains(&line) {
            list.push(line);
        }
    }
}
