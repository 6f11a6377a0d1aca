//! The deterministic, free checks a turn passes before anything it did is believed
//! (protected files, regressions, RED turns that must end in `fail`), and the judging of a
//! turn into findings, progress and escalation. Pure: plain data in, plain data out.

use super::delta::Phase;
use super::failure::AgentFailure;
use super::ledger::{Ledger, moves};
use super::review::Answer;
use super::standing::{Standing, Verdicts};
use crate::config::OnRegression;
use crate::observe::Verdict;
use crate::process::ProcessEnd;
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::HashSet;
use std::time::Duration;

/// Which paths a turn may not edit. Spec and aspect files are desired state: never an
/// agent's to change, in any phase. The `protect` globs name the evidence: a GREEN turn's
/// job is the code, so it may not touch them; a RED turn's job is the evidence, so it may
/// touch nothing else.
#[derive(Debug, Clone)]
pub struct Protection {
    globs: GlobSet,
    desired_files: HashSet<String>,
}

impl Protection {
    pub fn new(
        protect: &[String],
        desired_files: HashSet<String>,
    ) -> Result<Protection, globset::Error> {
        let mut builder = GlobSetBuilder::new();
        for pattern in protect {
            builder.add(Glob::new(pattern)?);
        }
        Ok(Protection {
            globs: builder.build()?,
            desired_files,
        })
    }

    /// The changed paths this phase may not touch.
    pub fn violations(&self, phase: Phase, changed: &[String]) -> Vec<String> {
        changed
            .iter()
            .filter(|p| {
                let evidence = self.globs.is_match(p.as_str());
                self.desired_files.contains(*p)
                    || match phase {
                        Phase::Green => evidence,
                        Phase::Red => !evidence,
                    }
            })
            .cloned()
            .collect()
    }

    /// Whether some phase may not touch `path`: what a copy of the tree must keep.
    pub fn covers(&self, path: &str) -> bool {
        self.desired_files.contains(path) || self.globs.is_match(path)
    }
}

/// What one gate found in a turn.
#[derive(Debug, Clone, PartialEq)]
pub enum Gate {
    /// The turn edited files its phase may not touch: those edits are undone.
    Protected { paths: Vec<String> },
    /// Items that held before the turn do not now, each as the observation after the turn
    /// described it; `revert` says the policy rolls the turn back.
    Regressed {
        items: Vec<String>,
        seen: Vec<String>,
        revert: bool,
    },
    /// A RED turn's item is not `fail` after it: its evidence does not yet fail for the
    /// right reason.
    NotRed { item: String, verdict: Verdict },
}

/// Every gate a turn trips. `changed` are the paths the turn changed; `before` and `after`
/// the verdicts around it (after protected edits were undone).
pub fn gate(
    phase: Phase,
    protection: &Protection,
    changed: &[String],
    turn_items: &[String],
    before: &Verdicts,
    after: &Verdicts,
    policy: OnRegression,
) -> Vec<Gate> {
    let mut gates = Vec::new();
    let paths = protection.violations(phase, changed);
    if !paths.is_empty() {
        gates.push(Gate::Protected { paths });
    }
    let regressed = moves(&before.of, &after.of).regressed;
    if !regressed.is_empty() {
        gates.push(Gate::Regressed {
            seen: regressed.iter().map(|id| after.describe(id)).collect(),
            items: regressed,
            revert: policy == OnRegression::Revert,
        });
    }
    if phase == Phase::Red {
        for id in turn_items {
            match after.get(id) {
                Some(Verdict::Fail) => {}
                v => gates.push(Gate::NotRed {
                    item: id.clone(),
                    verdict: v.unwrap_or(Verdict::Undefined),
                }),
            }
        }
    }
    gates
}

/// What the agent said of its own turn: recorded, and turned into a finding, never trusted.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentSaid<'a> {
    pub end: &'a ProcessEnd,
    pub is_error: bool,
    /// Its last words.
    pub summary: &'a str,
    pub timeout: Duration,
    /// The agent failed for a reason outside the code.
    pub failure: Option<AgentFailure>,
}

/// A turn as the judge sees it.
#[derive(Debug, Clone)]
pub struct Turn<'a> {
    pub number: u32,
    pub phase: Phase,
    pub items: &'a [String],
    pub agent: AgentSaid<'a>,
    pub gates: &'a [Gate],
    /// The regression gate's rollback was carried out: the tree is as before the turn.
    pub rolled_back: bool,
    /// What the reviewer answered of a RED turn's evidence, where one read it.
    pub review: Option<&'a Answer>,
}

/// What a turn came to.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    /// For the next turn's prompt, the gates' first.
    pub findings: Vec<String>,
    /// An item resolved, or (RED) an item now failing for the right reason.
    pub progress: bool,
    pub resolved: Vec<String>,
}

/// Judges a turn: `before` the verdicts it started from, `after` those of the tree it left
/// (the tree before it, when it was rolled back).
pub fn judge(
    turn: &Turn<'_>,
    ledger: &mut Ledger,
    before: &Verdicts,
    after: &Verdicts,
) -> Judgement {
    let mut findings: Vec<String> = agent_finding(&turn.agent).into_iter().collect();
    for g in turn.gates {
        match g {
            Gate::Protected { paths } => findings.push(match turn.phase {
                Phase::Green => format!(
                    "your edits to protected files were undone: {}. Those files state what must hold; change the code instead",
                    paths.join(", ")
                ),
                Phase::Red => format!(
                    "your edits outside the evidence were undone: {}. A RED turn writes evidence only (and never the spec); the code comes in GREEN",
                    paths.join(", ")
                ),
            }),
            Gate::Regressed {
                items,
                seen,
                revert,
            } => findings.insert(0, regression_finding(turn, items, seen, *revert)),
            Gate::NotRed { item, verdict } => findings.push(format!(
                "{item} is {verdict} after your turn; its evidence must run and fail on an assertion about the behaviour"
            )),
        }
    }
    let resolved = ledger.update(&before.of, &after.of).resolved;
    let progress = match turn.phase {
        Phase::Red => {
            let rejected = turn
                .gates
                .iter()
                .filter(|g| matches!(g, Gate::NotRed { .. }))
                .count();
            // A RED turn the reviewer read counts only when it approved.
            let approved = turn.review.is_none_or(Answer::approved);
            (approved && rejected < turn.items.len()) || !resolved.is_empty()
        }
        Phase::Green => !resolved.is_empty(),
    };
    if let Some(answer) = turn.review {
        // The reviewer's objections are what the next RED turn must answer first.
        let objections = answer.findings();
        findings.splice(0..0, objections);
    }
    if turn.phase == Phase::Green {
        for id in turn.items {
            if after.get(id).is_some_and(|v| !v.holds()) {
                findings.push(format!("still not holding: {}", after.describe(id)));
            }
        }
    }
    Judgement {
        findings,
        progress,
        resolved,
    }
}

fn agent_finding(agent: &AgentSaid<'_>) -> Option<String> {
    if let Some(failure) = &agent.failure {
        return Some(super::failure::finding(failure));
    }
    match agent.end {
        ProcessEnd::TimedOut => Some(format!(
            "the agent ran past its timeout of {} and was stopped; finish smaller steps",
            humantime::format_duration(agent.timeout)
        )),
        ProcessEnd::Exited(0) if !agent.is_error => None,
        end => Some(format!(
            "the agent {} ({})",
            end.describe(),
            agent.summary.lines().next().unwrap_or("no output")
        )),
    }
}

fn regression_finding(turn: &Turn<'_>, items: &[String], seen: &[String], revert: bool) -> String {
    let n = turn.number;
    if !revert {
        return format!("turn {n} broke items that passed: {}", items.join(", "));
    }
    let what = seen.join("; ");
    if turn.rolled_back {
        format!(
            "turn {n} broke items that passed, so it was rolled back: {what}. Keep them passing"
        )
    } else {
        format!("turn {n} broke items that passed: {what}. Make them pass again")
    }
}

/// The per-tier limits that decide escalation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub stall_turns: u32,
    pub max_turns: u32,
}

/// A tier handing over to the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    /// Why: no progress for N turns, or the tier's turns spent.
    pub why: String,
    /// The index of the tier that takes over (it may be past the last).
    pub to: usize,
}

/// The standing after a judged turn: the stall count, and the next tier when this one
/// stalled or spent its turns.
pub fn advance(standing: &mut Standing, progress: bool, limits: Limits) -> Option<Escalation> {
    standing.stall = if progress { 0 } else { standing.stall + 1 };
    let why = if standing.stall >= limits.stall_turns {
        let n = standing.stall;
        format!(
            "no progress for {n} {}",
            if n == 1 { "turn" } else { "turns" }
        )
    } else if standing.tier_turns >= limits.max_turns {
        format!("{} turns spent", standing.tier_turns)
    } else {
        return None;
    };
    standing.tier += 1;
    standing.tier_turns = 0;
    standing.stall = 0;
    Some(Escalation {
        why,
        to: standing.tier,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(pairs: &[(&str, Verdict)]) -> Verdicts {
        Verdicts::new(
            pairs.iter().map(|(k, _)| k.to_string()).collect(),
            pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        )
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn protection() -> Protection {
        Protection::new(
            &["evidence/**".into(), "specs/**".into()],
            ["specs/a.feature".to_string(), "aspects/x.md".to_string()]
                .into_iter()
                .collect(),
        )
        .unwrap()
    }

    fn clean_agent(end: &ProcessEnd) -> AgentSaid<'_> {
        AgentSaid {
            end,
            is_error: false,
            summary: "done",
            timeout: Duration::from_secs(60),
            failure: None,
        }
    }

    #[test]
    fn green_turns_keep_off_protected_globs_and_every_turn_off_desired_state() {
        let p = protection();
        let changed = ids(&[
            "src/lib.rs",
            "evidence/steps.py",
            "specs/a.feature",
            "aspects/x.md",
        ]);
        assert_eq!(
            p.violations(Phase::Green, &changed),
            ["evidence/steps.py", "specs/a.feature", "aspects/x.md"]
        );
        // RED writes evidence only: its edit to the code is undone too.
        assert_eq!(
            p.violations(Phase::Red, &changed),
            ["src/lib.rs", "specs/a.feature", "aspects/x.md"]
        );
        assert!(p.covers("evidence/steps.py"));
        assert!(!p.covers("src/lib.rs"));
    }

    #[test]
    fn each_gate_fires_where_it_must() {
        let before = v(&[
            ("a", Verdict::Pass),
            ("b", Verdict::Undefined),
            ("c", Verdict::Undefined),
        ]);
        let after = v(&[
            ("a", Verdict::Error),
            ("b", Verdict::Fail),
            ("c", Verdict::Error),
        ]);
        let changed = ids(&["specs/a.feature", "src/x.rs", "evidence/steps.py"]);
        let gates = gate(
            Phase::Red,
            &protection(),
            &changed,
            &ids(&["b", "c"]),
            &before,
            &after,
            OnRegression::Revert,
        );
        assert_eq!(
            gates,
            [
                Gate::Protected {
                    paths: ids(&["specs/a.feature", "src/x.rs"])
                },
                Gate::Regressed {
                    items: ids(&["a"]),
                    seen: ids(&["a (error)"]),
                    revert: true
                },
                Gate::NotRed {
                    item: "c".into(),
                    verdict: Verdict::Error
                },
            ]
        );
    }

    #[test]
    fn a_clean_green_turn_trips_no_gate_and_keep_means_keep() {
        let before = v(&[("a", Verdict::Pass), ("b", Verdict::Fail)]);
        let fixed = v(&[("a", Verdict::Pass), ("b", Verdict::Pass)]);
        let changed = ids(&["src/x.rs"]);
        let none = gate(
            Phase::Green,
            &protection(),
            &changed,
            &ids(&["b"]),
            &before,
            &fixed,
            OnRegression::Revert,
        );
        assert_eq!(none, []);
        let broke = v(&[("a", Verdict::Fail), ("b", Verdict::Pass)]);
        let kept = gate(
            Phase::Green,
            &protection(),
            &changed,
            &ids(&["b"]),
            &before,
            &broke,
            OnRegression::Keep,
        );
        assert_eq!(
            kept,
            [Gate::Regressed {
                items: ids(&["a"]),
                seen: ids(&["a (fail)"]),
                revert: false
            }]
        );
    }

    #[test]
    fn a_red_item_missing_after_the_turn_is_undefined() {
        let before = v(&[("b", Verdict::Undefined)]);
        let after = Verdicts::default();
        let gates = gate(
            Phase::Red,
            &protection(),
            &[],
            &ids(&["b"]),
            &before,
            &after,
            OnRegression::Revert,
        );
        assert_eq!(
            gates,
            [Gate::NotRed {
                item: "b".into(),
                verdict: Verdict::Undefined
            }]
        );
    }

    #[test]
    fn a_rolled_back_regression_is_the_first_finding() {
        let before = v(&[("a", Verdict::Pass), ("b", Verdict::Fail)]);
        let mut broke = v(&[("a", Verdict::Fail), ("b", Verdict::Fail)]);
        broke.said.insert("a".into(), "expected 1".into());
        let changed = ids(&["evidence/run.sh"]);
        let gates = gate(
            Phase::Green,
            &protection(),
            &changed,
            &ids(&["b"]),
            &before,
            &broke,
            OnRegression::Revert,
        );
        // Rolled back: the tree is as before, and so are its verdicts.
        let back = before.clone();
        let end = ProcessEnd::Exited(0);
        let turn = Turn {
            number: 3,
            phase: Phase::Green,
            items: &ids(&["b"]),
            agent: clean_agent(&end),
            gates: &gates,
            rolled_back: true,
            review: None,
        };
        let mut ledger = Ledger::start(&before.of);
        let j = judge(&turn, &mut ledger, &before, &back);
        assert_eq!(
            j.findings,
            [
                "turn 3 broke items that passed, so it was rolled back: a (fail: expected 1). Keep them passing",
                "your edits to protected files were undone: evidence/run.sh. Those files state what must hold; change the code instead",
                "still not holding: b (fail)",
            ]
        );
        assert!(!j.progress);
        assert_eq!(
            ledger.entries.get("a"),
            None,
            "a held again once rolled back"
        );
        let j = judge(&turn, &mut ledger, &before, &broke);
        assert_eq!(j.resolved, Vec::<String>::new());
        assert_eq!(
            ledger.entries["a"],
            crate::reconcile::ledger::Entry::Regressed
        );
    }

    #[test]
    fn a_regression_that_could_not_be_rolled_back_or_was_kept_says_so() {
        let before = v(&[("a", Verdict::Pass)]);
        let broke = v(&[("a", Verdict::Fail)]);
        let end = ProcessEnd::Exited(0);
        for (revert, rolled_back, want) in [
            (
                true,
                false,
                "turn 1 broke items that passed: a (fail). Make them pass again",
            ),
            (false, false, "turn 1 broke items that passed: a"),
        ] {
            let gates = vec![Gate::Regressed {
                items: ids(&["a"]),
                seen: ids(&["a (fail)"]),
                revert,
            }];
            let turn = Turn {
                number: 1,
                phase: Phase::Green,
                items: &[],
                agent: clean_agent(&end),
                gates: &gates,
                rolled_back,
                review: None,
            };
            let j = judge(&turn, &mut Ledger::default(), &before, &broke);
            assert_eq!(j.findings, [want]);
        }
    }

    #[test]
    fn green_progress_is_an_item_resolved() {
        let before = v(&[("b", Verdict::Fail)]);
        let after = v(&[("b", Verdict::Pass)]);
        let end = ProcessEnd::Exited(0);
        let turn = Turn {
            number: 1,
            phase: Phase::Green,
            items: &ids(&["b"]),
            agent: clean_agent(&end),
            gates: &[],
            rolled_back: false,
            review: None,
        };
        let j = judge(&turn, &mut Ledger::start(&before.of), &before, &after);
        assert_eq!(
            j,
            Judgement {
                findings: vec![],
                progress: true,
                resolved: ids(&["b"])
            }
        );
    }

    #[test]
    fn red_counts_only_a_move_to_fail() {
        let before = v(&[("a", Verdict::Undefined), ("b", Verdict::Undefined)]);
        let after = v(&[("a", Verdict::Fail), ("b", Verdict::Error)]);
        let items = ids(&["a", "b"]);
        let gates = gate(
            Phase::Red,
            &protection(),
            &[],
            &items,
            &before,
            &after,
            OnRegression::Revert,
        );
        let end = ProcessEnd::Exited(0);
        let turn = Turn {
            number: 1,
            phase: Phase::Red,
            items: &items,
            agent: clean_agent(&end),
            gates: &gates,
            rolled_back: false,
            review: None,
        };
        let j = judge(&turn, &mut Ledger::start(&before.of), &before, &after);
        assert!(j.progress, "a now fails for the right reason");
        let code = vec![Gate::Protected {
            paths: ids(&["src/x.rs"]),
        }];
        let edited = Turn {
            gates: &code,
            ..turn.clone()
        };
        let red = judge(&edited, &mut Ledger::default(), &before, &after);
        assert_eq!(
            red.findings[0],
            "your edits outside the evidence were undone: src/x.rs. A RED turn writes evidence only (and never the spec); the code comes in GREEN"
        );
        assert_eq!(
            j.findings,
            [
                "b is error after your turn; its evidence must run and fail on an assertion about the behaviour"
            ]
        );
        let none_red = v(&[("a", Verdict::Undefined), ("b", Verdict::Error)]);
        let gates = gate(
            Phase::Red,
            &protection(),
            &[],
            &items,
            &before,
            &none_red,
            OnRegression::Revert,
        );
        let turn = Turn {
            gates: &gates,
            ..turn
        };
        assert!(!judge(&turn, &mut Ledger::start(&before.of), &before, &none_red).progress);
    }

    #[test]
    fn what_the_agent_said_becomes_a_finding_unless_it_ended_cleanly() {
        let cases = [
            (
                ProcessEnd::TimedOut,
                false,
                "the agent ran past its timeout of 1m and was stopped; finish smaller steps",
            ),
            (
                ProcessEnd::Exited(2),
                false,
                "the agent exited with 2 (done)",
            ),
            (
                ProcessEnd::Exited(0),
                true,
                "the agent exited with 0 (done)",
            ),
            (
                ProcessEnd::Signalled(9),
                false,
                "the agent was killed by signal 9 (done)",
            ),
        ];
        for (end, is_error, want) in cases {
            let said = AgentSaid {
                is_error,
                ..clean_agent(&end)
            };
            assert_eq!(agent_finding(&said).as_deref(), Some(want));
        }
        assert_eq!(agent_finding(&clean_agent(&ProcessEnd::Exited(0))), None);
    }

    #[test]
    fn a_tier_escalates_on_a_stall_or_when_its_turns_are_spent() {
        let limits = Limits {
            stall_turns: 2,
            max_turns: 3,
        };
        let mut s = Standing {
            tier_turns: 1,
            ..Standing::default()
        };
        assert_eq!(advance(&mut s, false, limits), None);
        assert_eq!(s.stall, 1);
        assert_eq!(
            advance(&mut s, false, limits),
            Some(Escalation {
                why: "no progress for 2 turns".into(),
                to: 1
            })
        );
        assert_eq!((s.tier, s.tier_turns, s.stall), (1, 0, 0));

        let mut s = Standing {
            tier_turns: 3,
            stall: 1,
            ..Standing::default()
        };
        assert_eq!(
            advance(&mut s, true, limits),
            Some(Escalation {
                why: "3 turns spent".into(),
                to: 1
            })
        );
        let one = Limits {
            stall_turns: 1,
            max_turns: 10,
        };
        let mut s = Standing::default();
        assert_eq!(
            advance(&mut s, false, one).unwrap().why,
            "no progress for 1 turn"
        );
    }

    #[test]
    fn a_red_turn_the_reviewer_objects_to_counts_for_nothing_and_hands_on_its_objections() {
        let before = v(&[("a", Verdict::Undefined)]);
        let after = v(&[("a", Verdict::Fail)]);
        let items = ids(&["a"]);
        let end = ProcessEnd::Exited(0);
        let objected = Answer::Object {
            objections: vec![super::super::review::Objection {
                file: Some("evidence/a.sh".into()),
                line: Some(3),
                objection: "compare with 5, not with any number".into(),
            }],
        };
        let turn = Turn {
            number: 1,
            phase: Phase::Red,
            items: &items,
            agent: clean_agent(&end),
            gates: &[],
            rolled_back: false,
            review: Some(&objected),
        };
        let j = judge(&turn, &mut Ledger::start(&before.of), &before, &after);
        assert_eq!(
            j,
            Judgement {
                findings: vec![
                    "the reviewer objects at evidence/a.sh:3: compare with 5, not with any number"
                        .into()
                ],
                progress: false,
                resolved: vec![],
            }
        );
        let approved = Answer::Approve;
        let turn = Turn {
            review: Some(&approved),
            ..turn
        };
        let j = judge(&turn, &mut Ledger::start(&before.of), &before, &after);
        assert_eq!((j.progress, j.findings), (true, vec![]));
    }
}
