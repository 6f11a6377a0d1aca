//! Which evidence task starts next: at most `jobs` at once, runners before aspects (a runner
//! proves many items and takes longest, and its report is read while aspects still run).

use std::collections::VecDeque;

/// The tasks not started yet, in the order they start.
pub(super) struct Dispatch<T> {
    jobs: usize,
    waiting: VecDeque<T>,
    /// How many tasks at the front of `waiting` came first: a new first one goes after them.
    firsts: usize,
}

impl<T> Dispatch<T> {
    pub fn new(jobs: usize) -> Dispatch<T> {
        Dispatch {
            jobs: jobs.max(1),
            waiting: VecDeque::new(),
            firsts: 0,
        }
    }

    /// Queues `task`: with `first`, before every task queued without it.
    pub fn add(&mut self, task: T, first: bool) {
        if first {
            self.waiting.insert(self.firsts, task);
            self.firsts += 1;
        } else {
            self.waiting.push_back(task);
        }
    }

    /// The task to start now, while `running` tasks run; `None` when every slot is taken or
    /// nothing waits.
    pub fn next(&mut self, running: usize) -> Option<T> {
        if running >= self.jobs {
            return None;
        }
        let task = self.waiting.pop_front()?;
        self.firsts = self.firsts.saturating_sub(1);
        Some(task)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(d: &mut Dispatch<&'static str>) -> Vec<&'static str> {
        std::iter::from_fn(|| d.next(0)).collect()
    }

    #[test]
    fn firsts_start_before_the_rest_in_the_order_they_came() {
        let mut d = Dispatch::new(2);
        d.add("aspect 1", false);
        d.add("aspect 2", false);
        d.add("runner a", true);
        d.add("aspect 3", false);
        d.add("runner b", true);
        assert_eq!(
            drain(&mut d),
            ["runner a", "runner b", "aspect 1", "aspect 2", "aspect 3"]
        );
    }

    #[test]
    fn no_more_than_jobs_run_at_once() {
        let mut d = Dispatch::new(2);
        d.add("a", false);
        d.add("b", false);
        d.add("c", false);
        assert_eq!(d.next(0), Some("a"));
        assert_eq!(d.next(1), Some("b"));
        assert_eq!(d.next(2), None);
        assert_eq!(d.next(1), Some("c"));
        assert_eq!(d.next(0), None);
        // No jobs at all still runs one at a time rather than none.
        let mut one = Dispatch::new(0);
        one.add("x", false);
        assert_eq!((one.next(1), one.next(0)), (None, Some("x")));
    }

    #[test]
    fn a_runner_queued_after_some_started_goes_before_those_still_waiting() {
        let mut d = Dispatch::new(1);
        d.add("runner a", true);
        d.add("aspect 1", false);
        d.add("aspect 2", false);
        assert_eq!(d.next(0), Some("runner a"));
        assert_eq!(d.next(0), Some("aspect 1"));
        d.add("runner b", true);
        assert_eq!(drain(&mut d), ["runner b", "aspect 2"]);
    }
}
