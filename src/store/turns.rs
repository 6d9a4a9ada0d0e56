//! Writes take turns per transaction. Any number of windows and commands may have the
//! same ledger open; each write is one `BEGIN IMMEDIATE` transaction, which SQLite
//! grants to one connection at a time (in WAL mode readers are never blocked). A write
//! that finds another in progress waits in SQLite's busy handler, set here: it sleeps
//! a little longer each time up to a deadline, says once that it is waiting, and gives
//! up with [`StoreError::WaitedOut`](super::StoreError) when the deadline passes. The
//! transaction then never began, so nothing is written.
//!
//! Because the transaction is taken before anything is read, everything that must
//! follow the previous write (the next voucher number, a fund's running total, the
//! change log's previous hash, a member's yearly cap already used) is read inside it,
//! after the previous writer committed.

use std::cell::RefCell;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a write waits for its turn unless told otherwise (`--wait`).
pub const DEFAULT_WAIT: Duration = Duration::from_secs(30);

/// How long a read waits when a checkpoint briefly holds the file.
const READ_WAIT: Duration = Duration::from_secs(5);

/// Set in tests only: writes start as plain (deferred) transactions and do not wait,
/// so the concurrency test can show that without turn-taking writes are lost.
pub const SKIP_TURNS_VAR: &str = "UNION_LEDGER_TEST_SKIP_TURNS";

/// Said once when a write (or an opening) has to wait for another.
pub type Announce = Arc<dyn Fn() + Send + Sync>;

/// How this connection's writes wait.
#[derive(Clone)]
pub struct Waiting {
    pub wait: Duration,
    pub announce: Option<Announce>,
}

impl Default for Waiting {
    fn default() -> Self {
        Self {
            wait: DEFAULT_WAIT,
            announce: None,
        }
    }
}

impl std::fmt::Debug for Waiting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Waiting").field("wait", &self.wait).finish()
    }
}

impl Waiting {
    pub fn announce(&self) {
        if let Some(announce) = &self.announce {
            announce();
        }
    }
}

/// The write waiting on this thread, if any.
struct Turn {
    deadline: Instant,
    announce: Option<Announce>,
    announced: bool,
}

thread_local! {
    static TURN: RefCell<Option<Turn>> = const { RefCell::new(None) };
}

/// Marks that the statement about to run on this thread is a write asking for its
/// turn; undone when the guard drops.
pub(super) struct AskingForTurn;

impl AskingForTurn {
    pub(super) fn new(waiting: &Waiting) -> Self {
        TURN.with(|turn| {
            *turn.borrow_mut() = Some(Turn {
                deadline: Instant::now() + waiting.wait,
                announce: waiting.announce.clone(),
                announced: false,
            });
        });
        Self
    }
}

impl Drop for AskingForTurn {
    fn drop(&mut self) {
        TURN.with(|turn| turn.borrow_mut().take());
    }
}

/// SQLite's busy handler for every ledger connection: `true` to try again.
pub(super) fn busy(attempt: i32) -> bool {
    // Measured with 8 programs writing at once on this 2-core machine: shorter pauses
    // (0.5 ms) cost more than they save, the waiters' polling taking the CPU from the
    // writer; a kernel queue (a blocking OS lock, woken on release) cost more still, every
    // waiter being woken at each release. These pauses gave the best total time.
    let pause = Duration::from_millis(match attempt {
        0..=1 => 2,
        2..=9 => 5,
        _ => 10,
    });
    let go_on = TURN.with(|turn| {
        let mut turn = turn.borrow_mut();
        match turn.as_mut() {
            Some(turn) => {
                if Instant::now() >= turn.deadline {
                    return false;
                }
                if !turn.announced {
                    turn.announced = true;
                    if let Some(announce) = &turn.announce {
                        announce();
                    }
                }
                true
            }
            // A read (or a write made while opening): a few seconds at most.
            None => Duration::from_millis(10) * u32::try_from(attempt).unwrap_or(0) < READ_WAIT,
        }
    });
    if go_on {
        std::thread::sleep(pause);
    }
    go_on
}

/// Whether the test-only switch that skips turn-taking is set.
pub(super) fn skipped() -> bool {
    std::env::var_os(SKIP_TURNS_VAR).is_some_and(|value| value == "1")
}

/// For a server ledger, whose lock waits in the server rather than in a busy handler:
/// how long this write may still wait, and the announcement made once when it must.
pub(super) fn server_wait() -> Option<Duration> {
    TURN.with(|turn| {
        let mut turn = turn.borrow_mut();
        let turn = turn.as_mut()?;
        if !turn.announced {
            turn.announced = true;
            if let Some(announce) = &turn.announce {
                announce();
            }
        }
        Some(turn.deadline.saturating_duration_since(Instant::now()))
    })
}
