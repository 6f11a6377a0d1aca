//! Reading files on worker threads ahead of the one who takes them, who gets each in file
//! order; each worker runs at most a few files ahead, so memory stays flat at any size.

use std::ops::ControlFlow;
use std::sync::mpsc::{Receiver, sync_channel};

/// Files a worker reads before it hands them over together: one hand-over wakes the taker,
/// and waking it for every file would cost more than small files take to read.
const BATCH: usize = 16;

/// Batches a worker may have read and not yet handed over: enough to ride out an uneven file,
/// few enough that what waits is small.
const AHEAD: usize = 2;

/// Calls `take` with `work(0)`, `work(1)`, … `work(count - 1)`, in that order, each `work`
/// run on one of `workers` threads; stops early when `take` breaks. The indices go in batches
/// round the workers, worker `w` doing every `workers`-th batch from `w`, so the order needs no
/// sorting and a worker's channel bounds how far it runs ahead. One worker, or one batch,
/// runs on the calling thread alone.
pub(crate) fn in_order<T: Send>(
    count: usize,
    workers: usize,
    work: impl Fn(usize) -> T + Sync,
    mut take: impl FnMut(T) -> ControlFlow<()>,
) {
    let batches = count.div_ceil(BATCH);
    let workers = workers.min(batches);
    if workers <= 1 {
        for index in 0..count {
            if take(work(index)).is_break() {
                return;
            }
        }
        return;
    }
    std::thread::scope(|scope| {
        let work = &work;
        let receivers: Vec<Receiver<Vec<T>>> = (0..workers)
            .map(|first| {
                let (send, receive) = sync_channel(AHEAD);
                scope.spawn(move || {
                    for batch in (first..batches).step_by(workers) {
                        let indices = batch * BATCH..count.min((batch + 1) * BATCH);
                        // The taker hung up (it stopped early): nothing more is wanted.
                        if send.send(indices.map(work).collect()).is_err() {
                            return;
                        }
                    }
                });
                receive
            })
            .collect();
        for batch in 0..batches {
            // A worker that panicked hung up; the scope re-raises its panic on return.
            let Ok(done) = receivers[batch % workers].recv() else {
                return;
            };
            for one in done {
                if take(one).is_break() {
                    return;
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn every_index_comes_once_in_order_whatever_the_workers() {
        for workers in [0, 1, 2, 3, 7, 64] {
            for count in [0, 1, 2, 5, 100] {
                let mut seen = Vec::new();
                in_order(
                    count,
                    workers,
                    |i| i * 10,
                    |v| {
                        seen.push(v);
                        ControlFlow::Continue(())
                    },
                );
                let expected: Vec<usize> = (0..count).map(|i| i * 10).collect();
                assert_eq!(seen, expected, "{workers} workers, {count} indices");
            }
        }
    }

    #[test]
    fn uneven_work_still_comes_in_order() {
        let mut seen = Vec::new();
        in_order(
            200,
            4,
            |i| {
                // Some indices take far longer than their neighbours.
                let spin = if i % 17 == 0 { 100_000 } else { 1 };
                for _ in 0..spin {
                    std::hint::black_box(i);
                }
                i
            },
            |v| {
                seen.push(v);
                ControlFlow::Continue(())
            },
        );
        assert_eq!(seen, (0..200).collect::<Vec<_>>());
    }

    #[test]
    fn a_break_stops_the_workers_soon() {
        let done = AtomicUsize::new(0);
        let mut taken = 0;
        in_order(
            10_000,
            2,
            |i| {
                done.fetch_add(1, Ordering::Relaxed);
                i
            },
            |_| {
                taken += 1;
                if taken == 3 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
        );
        assert_eq!(taken, 3);
        // Each worker can be at most its channel's bound and the batch in hand past the taker.
        assert!(done.load(Ordering::Relaxed) <= BATCH + 2 * (AHEAD + 1) * BATCH);
    }

    #[test]
    fn a_worker_that_panics_ends_the_run_with_its_panic_not_a_hang() {
        let run = std::panic::catch_unwind(|| {
            in_order(
                100,
                2,
                |i| {
                    assert_ne!(i, 41, "a parser bug");
                    i
                },
                |_| ControlFlow::Continue(()),
            )
        });
        assert!(run.is_err());
    }
}
