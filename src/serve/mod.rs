//! The ways in beside the terminal that read the same typed events and store as the
//! commands do: the web board of `specctl watch --serve`.

pub mod board;
