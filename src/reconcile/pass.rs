//! One observation of the selected items with the desired state it was made against, and
//! the pure things built from it: the verdicts decide reads, the prompt a turn gets.

use super::delta::Phase;
use super::ledger::Ledger;
use super::prompt::{self, PromptInput, PromptItem};
use super::review::{self, ReviewInput, Reviewed};
use super::standing::Verdicts;
use crate::config::Config;
use crate::desired::{DesiredState, Item, ItemKind};
use crate::observe::{Observation, Observed, Verdict};
use std::collections::{HashMap, HashSet};

pub struct Pass {
    pub desired: DesiredState,
    pub verdicts: Verdicts,
    pub observations: HashMap<String, Observation>,
    /// Ctrl-C arrived: the items whose evidence was cut off have no verdict.
    pub interrupted: bool,
    pub warnings: Vec<String>,
}

impl Pass {
    /// The pass of `observed`, made of the items `selected` (ids in file order) of `desired`.
    pub fn new(desired: DesiredState, selected: Vec<String>, observed: Observed) -> Pass {
        let mut verdicts = Verdicts::new(selected, Default::default());
        for o in &observed.observations {
            verdicts.of.insert(o.id.clone(), o.verdict);
            if let Some(first) = o.message.as_deref().and_then(|m| m.lines().next()) {
                verdicts.said.insert(o.id.clone(), first.to_string());
            }
        }
        Pass {
            desired,
            verdicts,
            observations: observed
                .observations
                .into_iter()
                .map(|o| (o.id.clone(), o))
                .collect(),
            interrupted: observed.interrupted,
            warnings: observed.warnings,
        }
    }

    /// Every spec and aspect file: desired state no agent may edit.
    pub fn desired_files(&self) -> HashSet<String> {
        self.desired.items.iter().map(|i| i.file.clone()).collect()
    }

    /// The desired state a session reconciles toward: a change to any selected item (its text
    /// or its evidence binding) makes a different session.
    pub fn generation(&self) -> String {
        let by_id: HashMap<&str, &str> = self
            .desired
            .items
            .iter()
            .map(|i| (i.id.as_str(), i.generation.as_str()))
            .collect();
        let mut ids: Vec<&String> = self.verdicts.order.iter().collect();
        ids.sort();
        let mut g = crate::desired::item::Generation::default();
        for id in ids {
            g.part(id)
                .part(by_id.get(id.as_str()).copied().unwrap_or_default());
        }
        g.finish()
    }

    /// The items that do not hold, with what their evidence said, in file order.
    pub fn not_holding(&self) -> Vec<(String, Verdict, Option<String>)> {
        self.verdicts
            .order
            .iter()
            .filter_map(|id| {
                let v = self.verdicts.get(id)?;
                (!v.holds()).then(|| {
                    let message = self.observations.get(id).and_then(|o| o.message.clone());
                    (id.clone(), v, message)
                })
            })
            .collect()
    }
}

/// The prompt a turn would get for `ids` in `phase`, given this pass.
pub fn prompt_for(
    pass: &Pass,
    config: &Config,
    turn: u32,
    phase: Phase,
    ids: &[String],
    ledger: &Ledger,
    previous: Vec<String>,
) -> String {
    let by_id: HashMap<&str, &Item> = pass
        .desired
        .items
        .iter()
        .map(|i| (i.id.as_str(), i))
        .collect();
    let items: Vec<PromptItem<'_>> = ids
        .iter()
        .filter_map(|id| by_id.get(id.as_str()).copied())
        .map(|item| PromptItem {
            item,
            verdict: pass.verdicts.get(&item.id).unwrap_or(Verdict::Undefined),
            evidence: evidence_of(config, item),
            excerpt: pass
                .observations
                .get(&item.id)
                .and_then(|o| o.message.clone())
                .unwrap_or_default(),
        })
        .collect();
    let order = &pass.verdicts.order;
    let passing: HashSet<&str> = order
        .iter()
        .filter(|id| pass.verdicts.get(id).is_some_and(Verdict::holds))
        .map(String::as_str)
        .collect();
    let all: Vec<&str> = order.iter().map(String::as_str).collect();
    prompt::build(&PromptInput {
        turn,
        phase,
        items,
        ledger,
        do_not_regress: prompt::do_not_regress(&all, &passing),
        passing: passing.len(),
        previous,
        protect: &config.reconcile.protect,
        max_bytes: config.reconcile.max_prompt_bytes,
        reviewed: config.reconcile.review.is_some(),
    })
}

/// The reviewer's prompt for a RED turn on `ids` whose changes to the evidence are `diff`
/// (`None`: not run yet, as `plan` shows it).
pub fn review_prompt_for(
    pass: &Pass,
    config: &Config,
    turn: u32,
    ids: &[String],
    diff: Option<&str>,
) -> String {
    let items: Vec<Reviewed<'_>> = ids
        .iter()
        .filter_map(|id| pass.desired.items.iter().find(|i| &i.id == id))
        .map(|item| Reviewed {
            item,
            evidence: evidence_of(config, item),
            failure: pass
                .observations
                .get(&item.id)
                .and_then(|o| o.message.clone())
                .unwrap_or_default(),
        })
        .collect();
    let max_bytes = config.reconcile.max_prompt_bytes;
    match diff {
        Some(diff) => review::prompt(&ReviewInput {
            turn,
            items,
            diff,
            max_bytes,
        }),
        None => review::preview(items, turn, max_bytes),
    }
}

pub(crate) fn evidence_of(config: &Config, item: &Item) -> String {
    match &item.kind {
        ItemKind::Aspect(a) => format!("`{}`, run from the project root", a.command),
        ItemKind::Scenario(s) => match s.runner.as_deref() {
            Some(name) => match config.evidence.get(name) {
                Some(runner) => format!("runner `{name}`: `{}`", runner.run),
                None => format!("runner `{name}`, which specctl.yaml does not define"),
            },
            None => "none yet: no runner proves this item".into(),
        },
    }
}
