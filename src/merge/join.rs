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
        Joined::Check(whole(join_checks(checks, run))?)
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
    items.sort_by(|a, b| item_order(a).cmp(&item_order(b)));
    JoinedCheck {
        items,
        errors,
        warnings,
        duration_ms: duration_ms.unwrap_or_default(),
        run,
    }
}

/// The joined items are the run's exactly when they hash to its `desired`: no item twice, none
/// missing, none changed (slices made by specctls that slice differently, or an edited file).
fn whole(joined: JoinedCheck) -> Result<JoinedCheck, MergeError> {
    let parts: Vec<String> = joined
        .items
        .iter()
        .map(|o| Run::item_part(&o.item.id, &o.item.generation))
        .collect();
    let found = Run::new(parts.iter().map(String::as_str), Partition::WHOLE);
    if found.desired != joined.run.desired {
        return Err(MergeError::NotWhole {
            items: joined.items.len(),
            desired: joined.run.desired,
        });
    }
    Ok(joined)
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
    joined
        .mutants
        .sort_by(|a, b| mutant_order(a).cmp(&mutant_order(b)));
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

/// Where an item stands in one run's list: scenarios before aspects, by file; a file's items
/// keep their order (the sort is stable).
fn item_order(o: &Observed) -> (bool, &str) {
    (!o.item.is_scenario(), o.item.file.as_str())
}

/// Where a mutant stands in one run's list: the order they are made in (file, then place).
fn mutant_order(
    t: &crate::audit::Tested,
) -> (&str, usize, usize, crate::audit::Operator, usize, usize) {
    let m = &t.mutant;
    (
        m.file.as_str(),
        m.line,
        m.column,
        m.operator,
        m.end_line,
        m.end_column,
    )
}

/// Appends each of `more` not in `list` yet.
fn once_each(list: &mut Vec<String>, more: Vec<String>) {
    for line in more {
        if !list.contains(&line) {
            list.push(line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Mutant, Operator, Status, Tested};
    use crate::desired::item::fixture;
    use crate::observe::Verdict;

    fn run(desired: &str, k: u32, n: u32) -> Run {
        Run {
            desired: desired.into(),
            partition: Partition { k, n },
        }
    }

    fn observed(item: crate::desired::Item, status: Verdict) -> Observed {
        Observed {
            item,
            status: Some(status),
            duration_ms: 1,
            message: None,
            stale: false,
        }
    }

    fn check(file: &str, k: u32, n: u32, items: Vec<Observed>, ms: u64) -> Slice {
        Slice {
            file: file.into(),
            run: run("d1", k, n),
            body: Body::Check(CheckSlice {
                items,
                errors: vec![InputError::new("specs/bad.feature", 3, 1, "bad")],
                warnings: vec!["w".into()],
                summary: super::super::slice::Took { duration_ms: ms },
            }),
        }
    }

    fn audit(file: &str, k: u32, n: u32, audit: Audit) -> Slice {
        Slice {
            file: file.into(),
            run: run("d1", k, n),
            body: Body::Audit(audit),
        }
    }

    #[test]
    fn checks_join_in_the_order_of_one_run_with_input_errors_once() {
        let a = fixture::scenario("specs/a.feature::x", "specs/a.feature");
        let a2 = fixture::scenario("specs/a.feature::y", "specs/a.feature");
        let b = fixture::scenario("specs/b.feature::z", "specs/b.feature");
        let aspect = fixture::aspect("pure", "true");
        let slices = vec![
            check(
                "2.json",
                2,
                2,
                vec![observed(b, Verdict::Fail), observed(aspect, Verdict::Pass)],
                70,
            ),
            check(
                "1.json",
                1,
                2,
                vec![observed(a, Verdict::Pass), observed(a2, Verdict::Error)],
                90,
            ),
        ];
        let Ok(Joined::Check(joined)) = join(of_their_run(slices)) else {
            panic!("two slices of one check join");
        };
        let ids: Vec<&str> = joined.items.iter().map(|o| o.item.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "specs/a.feature::x",
                "specs/a.feature::y",
                "specs/b.feature::z",
                "aspect:pure"
            ]
        );
        assert_eq!(joined.errors.len(), 1);
        assert_eq!(joined.warnings, ["w"]);
        assert_eq!(joined.duration_ms, 90);
        assert_eq!(joined.run.partition, Partition::WHOLE);
    }

    /// The slices with the `desired` of their items together, as `check` writes it.
    fn of_their_run(mut slices: Vec<Slice>) -> Vec<Slice> {
        let parts: Vec<String> = slices
            .iter()
            .flat_map(|s| match &s.body {
                Body::Check(c) => c.items.clone(),
                Body::Audit(_) => vec![],
            })
            .map(|o| Run::item_part(&o.item.id, &o.item.generation))
            .collect();
        let desired = Run::new(parts.iter().map(String::as_str), Partition::WHOLE).desired;
        for slice in &mut slices {
            slice.run.desired = desired.clone();
        }
        slices
    }

    #[test]
    fn slices_whose_items_are_not_their_runs_are_refused() {
        let a = fixture::scenario("specs/a.feature::x", "specs/a.feature");
        let b = fixture::scenario("specs/b.feature::z", "specs/b.feature");
        let mut slices = of_their_run(vec![
            check("1.json", 1, 2, vec![observed(a.clone(), Verdict::Pass)], 1),
            check("2.json", 2, 2, vec![observed(b, Verdict::Pass)], 1),
        ]);
        // Slice 2 as a specctl that slices otherwise wrote it: x again, z nowhere.
        if let Body::Check(c) = &mut slices[1].body {
            c.items = vec![observed(a, Verdict::Pass)];
        }
        let desired = slices[0].run.desired.clone();
        assert_eq!(
            refusal(slices),
            format!(
                "merge: the slices' 2 items are not the items of their run ({desired}): some are there twice, missing or edited; make every slice with the same specctl version and merge its documents unedited"
            )
        );
    }

    fn refusal(slices: Vec<Slice>) -> String {
        match join(slices) {
            Err(err) => err.to_string(),
            Ok(joined) => panic!("joined: {joined:?}"),
        }
    }

    #[test]
    fn slices_of_other_runs_twice_or_missing_are_refused_by_name() {
        let one = |file: &str, k, n| check(file, k, n, vec![], 0);
        assert_eq!(
            refusal(vec![one("a.json", 1, 2), one("b.json", 1, 2)]),
            "merge: slice 1/2 is given twice (a.json, b.json)"
        );
        assert_eq!(
            refusal(vec![one("a.json", 1, 2), one("b.json", 2, 3)]),
            "merge: a.json is slice 1/2 and b.json slice 2/3: the slices of one run all have the same N"
        );
        let mut other = one("b.json", 2, 2);
        other.run.desired = "d2".into();
        assert_eq!(
            refusal(vec![one("a.json", 1, 2), other]),
            "merge: a.json and b.json are from different desired states (d1 and d2): run every slice on the same commit, with the same FILTERs and --tags"
        );
        assert_eq!(
            refusal(vec![one("a.json", 2, 3)]),
            "merge: slices 1/3, 3/3 are missing: run `specctl check --partition K/3 --format json` for each and merge them too"
        );
        assert_eq!(
            refusal(vec![audit("a.json", 1, 2, Audit::default())]),
            "merge: slice 2/2 is missing: run `specctl audit --partition 2/2 --format json` and merge it too"
        );
        assert_eq!(
            refusal(vec![
                audit("x.json", 1, 2, Audit::default()),
                one("y.json", 2, 2)
            ]),
            "merge: y.json is a check document and x.json an audit document: merge the slices of one command at a time"
        );
    }

    fn finding(rule: Rule, severity: Severity, item: &str, line: usize) -> Finding {
        Finding {
            rule,
            severity,
            item: Some(item.into()),
            file: "specs/a.feature".into(),
            line,
            message: format!("{rule} {severity:?}"),
        }
    }

    fn tested(line: usize, status: Status) -> Tested {
        Tested {
            mutant: Mutant {
                file: "src/a.py".into(),
                line,
                column: 5,
                end_line: line,
                end_column: 6,
                start: 0,
                end: 0,
                original: "<".into(),
                replacement: ">=".into(),
                operator: Operator::Comparison,
            },
            status,
            killed_by: vec![],
            covered_by: vec!["specs/a.feature::x".into()],
            duration_ms: 3,
        }
    }

    #[test]
    fn audits_join_static_findings_once_survivors_judged_again_and_never_red_where_every_slice_says_so()
     {
        let static_one = finding(Rule::NoAction, Severity::Warning, "specs/a.feature::x", 2);
        let first = Audit {
            findings: vec![
                static_one.clone(),
                finding(Rule::NeverRed, Severity::Info, "specs/a.feature::x", 2),
                finding(Rule::NeverRed, Severity::Info, "specs/a.feature::y", 5),
            ],
            mutants: vec![tested(9, Status::Survived)],
            baseline_ms: Some(100),
            duration_ms: 300,
            ..Audit::default()
        };
        // Slice 2 saw y go red (a mutant killed it) and x covered by a viable mutant.
        let second = Audit {
            findings: vec![
                static_one.clone(),
                finding(Rule::NeverRed, Severity::Error, "specs/a.feature::x", 2),
            ],
            mutants: vec![tested(4, Status::Killed)],
            baseline_ms: Some(120),
            duration_ms: 200,
            ..Audit::default()
        };
        let slices = vec![audit("2.json", 2, 2, second), audit("1.json", 1, 2, first)];
        let Ok(Joined::Audit(joined)) = join(slices) else {
            panic!("two slices of one audit join");
        };
        let lines: Vec<usize> = joined.mutants.iter().map(|t| t.mutant.line).collect();
        assert_eq!(lines, [4, 9]);
        let found: Vec<(Rule, Severity, usize)> = joined
            .findings
            .iter()
            .map(|f| (f.rule, f.severity, f.line))
            .collect();
        assert_eq!(
            found,
            [
                (Rule::NoAction, Severity::Warning, 2),
                (Rule::NeverRed, Severity::Error, 2),
                (Rule::SurvivedMutant, Severity::Error, 9),
            ]
        );
        assert_eq!(joined.baseline_ms, Some(120));
        assert_eq!(joined.duration_ms, 300);
        assert_eq!(joined.run, Some(run("d1", 1, 1)));
    }
}
