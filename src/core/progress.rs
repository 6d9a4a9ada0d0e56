//! How far long work has got: the store counts what it has done into a [`Progress`]
//! while the window draws a bar from it on another thread, and the command line
//! prints it on a terminal.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Counts shared between the work and whoever shows it. Every method takes `&self`,
/// so one value is read by the window while a worker thread counts into it.
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicU64,
    total: AtomicU64,
    waiting: AtomicBool,
}

impl Progress {
    /// Work that nobody watches.
    pub fn none() -> Self {
        Self::default()
    }

    /// How many items the work has in all (members, recipients, rows).
    pub fn set_total(&self, total: u64) {
        self.total.store(total, Ordering::Relaxed);
    }

    /// `done` items done in all (work that knows where it stands rather than counting).
    pub fn set_done(&self, done: u64) {
        self.done.store(done, Ordering::Relaxed);
    }

    /// `count` more items done.
    pub fn advance(&self, count: u64) {
        self.done.fetch_add(count, Ordering::Relaxed);
    }

    /// The work is waiting for another program's write to finish (or not any more).
    pub fn set_waiting(&self, waiting: bool) {
        self.waiting.store(waiting, Ordering::Relaxed);
    }

    /// Items done and in all; the total is 0 until the work knows it.
    pub fn counts(&self) -> (u64, u64) {
        let total = self.total.load(Ordering::Relaxed);
        (self.done.load(Ordering::Relaxed).min(total), total)
    }

    pub fn is_waiting(&self) -> bool {
        self.waiting.load(Ordering::Relaxed)
    }

    /// "3,200 / 9,688" when the total is known, for the status bar and the terminal.
    pub fn counts_text(&self) -> Option<String> {
        let (done, total) = self.counts();
        (total > 0).then(|| format!("{done} / {total}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_never_pass_the_total_and_say_nothing_before_it_is_known() {
        let progress = Progress::none();
        progress.advance(5);
        assert_eq!(progress.counts_text(), None);
        progress.set_total(3);
        assert_eq!(progress.counts(), (3, 3));
        assert_eq!(progress.counts_text().as_deref(), Some("3 / 3"));
    }
}
