//! One adversary attempt of `audit --adversary`: the item attacked, what became of it, and
//! the diff a person judges; the adversary's own run is in `crate::adversary`.

use serde::{Deserialize, Serialize};

/// What an attempt came to. Only `Passes` is a finding; the others say why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The item's evidence passed and every other item that held still held.
    Passes,
    /// The item's evidence still fails: it stood up to the attempt.
    StoodUp,
    /// The attempt broke items that held: the other items pin the behaviour.
    BrokeOthers,
    /// Nothing was proven: no change outside the protected files, or evidence that crashed.
    ProvesNothing,
    /// A budget ran out, or Ctrl-C came, before this item's turn.
    NotTried,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passes => "passes",
            Outcome::StoodUp => "stood-up",
            Outcome::BrokeOthers => "broke-others",
            Outcome::ProvesNothing => "proves-nothing",
            Outcome::NotTried => "not-tried",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    /// 1 for the first attempt of the audit.
    pub number: u32,
    pub item: String,
    pub tier: String,
    pub outcome: Outcome,
    /// Why the outcome is what it is, for a person.
    pub message: String,
    /// The adversary's changes that stayed (protected edits undone), as a unified diff.
    pub diff: String,
    /// Protected files it edited, which were put back before the evidence ran.
    pub undone: Vec<String>,
    pub agent_end: String,
    pub cost_usd: Option<f64>,
    pub duration_ms: u64,
    #[serde(skip)]
    pub prompt: String,
    #[serde(skip)]
    pub output: String,
}
