//! The observer the loop runs after every turn: the desired state read afresh, the selected
//! items' evidence run, and the observation recorded in the store (level-triggered).

use super::error::ReconcileError;
use super::pass::Pass;
use crate::config::Config;
use crate::desired;
use crate::observe;
use crate::process::Registry;
use crate::selection::Selector;
use crate::store::Store;
use std::path::Path;
use std::sync::Arc;
use tokio::sync::watch;

/// What the driver asks for after each turn.
pub(crate) trait Observer {
    async fn observe(&mut self) -> Result<Pass, ReconcileError>;
}

/// Observes the project at `root`: its own evidence, its own store.
pub struct Evidence<'a> {
    pub root: &'a Path,
    pub config: &'a Config,
    pub selector: &'a Selector,
    pub jobs: usize,
    pub interrupt: watch::Receiver<bool>,
    pub registry: Option<Arc<Registry>>,
}

impl Observer for Evidence<'_> {
    async fn observe(&mut self) -> Result<Pass, ReconcileError> {
        let how = How {
            jobs: self.jobs,
            interrupt: self.interrupt.clone(),
            registry: self.registry.clone(),
        };
        let pass = observe_pass(self.root, self.config, self.selector, how).await;
        if pass.interrupted {
            return Err(ReconcileError::Interrupted);
        }
        if !pass.desired.errors.is_empty() {
            return Err(ReconcileError::Invalid);
        }
        record(self.root, self.config.store.keep, &pass)?;
        Ok(pass)
    }
}

/// How an observation runs: how many at once, what interrupts it, where its groups are kept.
pub struct How {
    pub jobs: usize,
    pub interrupt: watch::Receiver<bool>,
    pub registry: Option<Arc<Registry>>,
}

/// Reads the desired state and observes the selected items once.
pub async fn observe_pass(root: &Path, config: &Config, selector: &Selector, how: How) -> Pass {
    let desired = desired::load(root, config);
    let items: Vec<_> = desired
        .items
        .iter()
        .filter(|i| selector.matches(i))
        .collect();
    let order: Vec<String> = items.iter().map(|i| i.id.clone()).collect();
    let options = observe::Options {
        jobs: how.jobs,
        interrupt: how.interrupt,
        on_progress: None,
        on_observed: None,
        registry: how.registry,
    };
    let observed = observe::observe(root, config, &desired.items, &items, options).await;
    Pass::new(desired, order, observed)
}

/// Keeps the pass's observations in the store, for `status`.
pub fn record(root: &Path, keep: usize, pass: &Pass) -> Result<(), crate::store::StoreError> {
    let observations: Vec<_> = pass
        .verdicts
        .order
        .iter()
        .filter_map(|id| pass.observations.get(id).cloned())
        .collect();
    Store::open(root)?.keeping(keep).record(&observations)
}
