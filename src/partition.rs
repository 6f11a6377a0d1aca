//! `--partition K/N`: which slice of a run one CI machine takes, decided by a stable hash of
//! each item's file (check) or each mutant's place (audit), and what identifies the run.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Slice `k` of `n` (1-based): every key falls in exactly one of the `n` slices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Partition {
    pub k: u32,
    pub n: u32,
}

/// What a `--partition` argument got wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartitionError {
    #[error("`{0}` is not a slice: write K/N, e.g. 2/4 for the second of four slices")]
    Syntax(String),
    #[error("`{0}` has no slices: N must be at least 1, e.g. 1/1")]
    NoSlices(String),
    #[error("`{0}`: slices are counted from 1, so K must be 1 to N")]
    Zero(String),
    #[error("`{given}`: there is no slice {k} of {n}, K must be 1 to {n}")]
    Beyond { given: String, k: u32, n: u32 },
}

impl Partition {
    /// The whole run: one slice of one.
    pub const WHOLE: Partition = Partition { k: 1, n: 1 };

    /// Whether `key` (an item's file, a mutant's place) falls in this slice.
    pub fn contains(&self, key: &str) -> bool {
        slice_of(key, self.n) == self.k
    }

    pub fn is_whole(&self) -> bool {
        self.n == 1
    }
}

/// The slice (1..=n) that `key` falls in: rendezvous hashing, so that a key's slice depends
/// on the key and `n` only. Adding a key moves no other, and going from N to N+1 slices
/// moves only the keys that the new slice wins (about 1 in N+1), unlike hash-mod-N.
pub fn slice_of(key: &str, n: u32) -> u32 {
    let base = fnv1a(key.as_bytes());
    (1..=n.max(1))
        .max_by_key(|slice| (mix(base ^ mix(u64::from(*slice))), *slice))
        .unwrap_or(1)
}

/// FNV-1a, 64 bits: fixed across runs, platforms and Rust versions, unlike `DefaultHasher`.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The splitmix64 finalizer: spreads FNV's weak low bits over the whole word.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl FromStr for Partition {
    type Err = PartitionError;

    fn from_str(given: &str) -> Result<Self, Self::Err> {
        let syntax = || PartitionError::Syntax(given.to_string());
        let (k, n) = given.trim().split_once('/').ok_or_else(syntax)?;
        let k: u32 = k.trim().parse().map_err(|_| syntax())?;
        let n: u32 = n.trim().parse().map_err(|_| syntax())?;
        if n == 0 {
            return Err(PartitionError::NoSlices(given.to_string()));
        }
        if k == 0 {
            return Err(PartitionError::Zero(given.to_string()));
        }
        if k > n {
            return Err(PartitionError::Beyond {
                given: given.to_string(),
                k,
                n,
            });
        }
        Ok(Partition { k, n })
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

/// What a JSON document of `check` or `audit` says about the run it belongs to: the desired
/// state it was run on, before slicing, and its slice. Slices of one run agree on `desired`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    pub desired: String,
    pub partition: Partition,
}

impl Run {
    /// The part an item adds to its run: its id and its generation.
    pub fn item_part(id: &str, generation: &str) -> String {
        format!("{id}\u{0}{generation}")
    }

    /// The run over `parts` (each item's id and generation, then for an audit each mutant's
    /// key), in any order: a hash of them all.
    pub fn new<'a>(parts: impl IntoIterator<Item = &'a str>, partition: Partition) -> Run {
        let mut sorted: Vec<&str> = parts.into_iter().collect();
        sorted.sort_unstable();
        Run {
            desired: crate::desired::item::generation(sorted),
            partition,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(count: usize) -> Vec<String> {
        (0..count)
            .map(|i| format!("specs/area{}/f{i}.feature", i % 7))
            .collect()
    }

    #[test]
    fn k_of_n_parses_and_says_what_is_wrong() {
        assert_eq!("2/4".parse(), Ok(Partition { k: 2, n: 4 }));
        assert_eq!(" 1 / 1 ".parse(), Ok(Partition::WHOLE));
        assert_eq!(
            "0/4".parse::<Partition>().unwrap_err().to_string(),
            "`0/4`: slices are counted from 1, so K must be 1 to N"
        );
        assert_eq!(
            "5/4".parse::<Partition>().unwrap_err().to_string(),
            "`5/4`: there is no slice 5 of 4, K must be 1 to 4"
        );
        assert_eq!(
            "1/0".parse::<Partition>().unwrap_err().to_string(),
            "`1/0` has no slices: N must be at least 1, e.g. 1/1"
        );
        for garbage in ["", "2", "a/b", "2/4/8", "-1/4", "2:4"] {
            assert_eq!(
                garbage.parse::<Partition>(),
                Err(PartitionError::Syntax(garbage.to_string())),
                "{garbage}"
            );
        }
        assert_eq!(Partition { k: 3, n: 4 }.to_string(), "3/4");
    }

    #[test]
    fn every_key_is_in_exactly_one_slice_for_every_n() {
        let keys = files(200);
        for n in 1..=5 {
            for key in &keys {
                let holders: Vec<u32> = (1..=n)
                    .filter(|k| Partition { k: *k, n }.contains(key))
                    .collect();
                assert_eq!(holders, [slice_of(key, n)], "{key} with n = {n}");
            }
        }
    }

    #[test]
    fn slices_are_fixed_values_that_do_not_change_between_builds() {
        let slices: Vec<u32> = files(8).iter().map(|f| slice_of(f, 4)).collect();
        assert_eq!(slices, [3, 2, 1, 2, 4, 2, 3, 2]);
        assert_eq!(slice_of("aspects/pure.md", 1), 1);
    }

    #[test]
    fn slices_are_roughly_even() {
        let keys = files(400);
        let mut sizes = [0usize; 4];
        for key in &keys {
            sizes[slice_of(key, 4) as usize - 1] += 1;
        }
        assert!(sizes.iter().all(|s| (70..=130).contains(s)), "{sizes:?}");
    }

    #[test]
    fn adding_a_file_moves_no_other_and_a_fifth_slice_only_takes_from_the_four() {
        let before = files(100);
        let mut after = before.clone();
        after.push("specs/new.feature".into());
        let slices = |keys: &[String], n: u32| -> Vec<(String, u32)> {
            keys.iter().map(|f| (f.clone(), slice_of(f, n))).collect()
        };
        for n in 1..=5 {
            let then = slices(&before, n);
            let now = slices(&after, n);
            assert_eq!(now[..before.len()], then[..], "n = {n}");
        }
        let moved: Vec<&String> = before
            .iter()
            .filter(|f| slice_of(f, 4) != slice_of(f, 5))
            .collect();
        assert!(
            moved.iter().all(|f| slice_of(f, 5) == 5),
            "only the new slice takes keys"
        );
        assert!(moved.len() < 40, "{} of 100 moved", moved.len());
    }

    #[test]
    fn a_run_is_the_same_whatever_the_order_of_its_parts() {
        let a = Run::new(["x", "y"], Partition::WHOLE);
        assert_eq!(a, Run::new(["y", "x"], Partition::WHOLE));
        assert_eq!(a.desired.len(), 16);
        assert_ne!(a.desired, Run::new(["x", "z"], Partition::WHOLE).desired);
    }
}
