//! `specctl merge`: the JSON documents of one run's slices read back and joined into the
//! document one unpartitioned run would have printed. Pure: text in, typed documents out.

mod error;
mod join;
mod slice;

pub use error::MergeError;
pub use join::{Joined, JoinedCheck, join};
pub use slice::{Body, CheckSlice, Observed, Slice};
