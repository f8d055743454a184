//! This process's open file descriptors, for the leak checks.

use std::time::{Duration, Instant};

/// The number of descriptors open in this process (`/proc/self/fd`); 0 when that cannot be
/// read (the callers assert a baseline above 0 first).
pub fn open_descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

/// Waits at most `limit`, polling every 20 ms, for the descriptor count to come down to
/// `baseline` (threads and sockets close a little after their owners are dropped); returns
/// the last count, which the caller compares with the baseline.
pub fn settle_descriptors(baseline: usize, limit: Duration) -> usize {
    let deadline = Instant::now() + limit;
    loop {
        let now = open_descriptors();
        if now <= baseline || Instant::now() >= deadline {
            return now;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
