//! Who has the ledger open, told by operating-system file locks, which the system
//! releases when a process ends however it ends (a crash, a kill, a power cut).
//!
//! Beside `ledger.db` sits a folder `ledger.db.sessions/`:
//!
//! - `gate`: locked exclusively for a moment while a process opens the ledger (its
//!   registration, the schema upgrade and the seeding of a new file happen under it,
//!   so two programs never upgrade at once), and for the whole of a restore (nobody
//!   opens a file that is being replaced).
//! - `<pid>-<n>.open`: one per open ledger, exclusively locked by its owner for as long
//!   as it is open and removed when it closes. One that can be locked by someone else
//!   was left by a process that ended without closing: that is how the next opening
//!   knows the last session did not close cleanly. One that cannot be locked is a
//!   program using the ledger now: that is how 首页 counts them.
//!
//! None of this decides who may write: every write is one `BEGIN IMMEDIATE`
//! transaction, and SQLite makes those take turns (see `Ledger::write_as`). Where no
//! folder can be made (read-only media), the ledger opens without it.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The folder beside the ledger.
pub fn sessions_dir(ledger: &Path) -> PathBuf {
    let mut name = ledger.file_name().unwrap_or_default().to_os_string();
    name.push(".sessions");
    ledger.with_file_name(name)
}

/// The PID lock file older versions kept beside the ledger.
fn legacy_lock(ledger: &Path) -> PathBuf {
    let mut name = ledger.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    ledger.with_file_name(name)
}

/// The gate, held exclusively; released when dropped (or when the process ends).
#[derive(Debug)]
pub struct Gate {
    file: File,
}

impl Drop for Gate {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

/// Why the gate could not be taken.
#[derive(Debug)]
pub enum GateError {
    /// Another program kept it for longer than we would wait.
    TimedOut,
    /// The folder or the file cannot be made or locked (read-only media).
    Unavailable,
}

/// Takes the gate, waiting up to `wait`; `announce` is called once if it has to wait.
pub fn take_gate(ledger: &Path, wait: Duration, announce: &dyn Fn()) -> Result<Gate, GateError> {
    let dir = sessions_dir(ledger);
    std::fs::create_dir_all(&dir).map_err(|_| GateError::Unavailable)?;
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(dir.join("gate"))
        .map_err(|_| GateError::Unavailable)?;
    match lock_waiting(&file, wait, announce)? {
        Some(file) => Ok(Gate { file }),
        None => Err(GateError::Unavailable),
    }
}

/// Locks `file` exclusively, waiting up to `wait` (`announce` is called once if it
/// has to wait), and returns the handle that holds the lock; `None` when the lock
/// cannot be used at all. Waiters sleep in the kernel and the next is woken the moment
/// the lock is released: no polling, so a queue of programs leaves no idle time.
fn lock_waiting(
    file: &File,
    wait: Duration,
    announce: &dyn Fn(),
) -> Result<Option<File>, GateError> {
    let Ok(file) = file.try_clone() else {
        return Ok(None);
    };
    match file.try_lock() {
        Ok(()) => return Ok(Some(file)),
        Err(TryLockError::WouldBlock) => {}
        Err(TryLockError::Error(_)) => return Ok(None),
    }
    announce();
    if wait.is_zero() {
        return Err(GateError::TimedOut);
    }
    // A blocking lock has no timeout: it is taken on a helper thread, and given up
    // under the same mutex if the wait runs out first, so the lock is never left held
    // by nobody.
    #[derive(PartialEq)]
    enum State {
        Waiting,
        Granted,
        Abandoned,
        Failed,
    }
    let shared = std::sync::Arc::new((
        std::sync::Mutex::new(State::Waiting),
        std::sync::Condvar::new(),
    ));
    let Ok(waiter_file) = file.try_clone() else {
        return Ok(None);
    };
    let waiter_shared = shared.clone();
    std::thread::spawn(move || {
        let locked = waiter_file.lock();
        let (state, signal) = &*waiter_shared;
        let Ok(mut state) = state.lock() else {
            let _ = waiter_file.unlock();
            return;
        };
        match (*state == State::Abandoned, locked) {
            (true, Ok(())) => {
                let _ = waiter_file.unlock();
            }
            (true, Err(_)) => {}
            (false, Ok(())) => *state = State::Granted,
            (false, Err(_)) => *state = State::Failed,
        }
        signal.notify_all();
    });
    let (state, signal) = &*shared;
    let Ok(mut state) = state.lock() else {
        return Ok(None);
    };
    let deadline = Instant::now() + wait;
    loop {
        match *state {
            State::Granted => return Ok(Some(file)),
            State::Failed => return Ok(None),
            State::Waiting | State::Abandoned => {}
        }
        let now = Instant::now();
        if now >= deadline {
            *state = State::Abandoned;
            return Err(GateError::TimedOut);
        }
        state = match signal.wait_timeout(state, deadline - now) {
            Ok((state, _)) => state,
            Err(_) => return Ok(None),
        };
    }
}

/// This process's mark that it has the ledger open; removed when dropped.
#[derive(Debug)]
pub struct SessionFile {
    file: File,
    path: PathBuf,
}

impl Drop for SessionFile {
    fn drop(&mut self) {
        // Removed while still locked, so nobody can mistake it for a crashed session.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// A session that ended without closing: who it was and since when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ended {
    pub pid: u32,
    pub since: String,
}

/// What registering found.
#[derive(Debug)]
pub struct Registered {
    pub session: SessionFile,
    /// Sessions left by processes that ended without closing the ledger.
    pub ended: Vec<Ended>,
}

static NEXT: AtomicU64 = AtomicU64::new(0);

/// Marks the ledger as open by this process (the caller holds the gate), and clears
/// the marks of sessions that ended without closing, naming them.
pub fn register(ledger: &Path, _gate: &Gate, now: &str) -> std::io::Result<Registered> {
    // A lock file from an older version says nothing the OS locks do not: removed.
    let _ = std::fs::remove_file(legacy_lock(ledger));
    let dir = sessions_dir(ledger);
    let mut ended = Vec::new();
    for (path, mut file) in session_files(&dir)? {
        match file.try_lock() {
            Ok(()) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                let mut lines = text.lines();
                if let Some(pid) = lines.next().and_then(|pid| pid.trim().parse().ok()) {
                    let since = lines.next().unwrap_or("").trim().to_string();
                    ended.push(Ended { pid, since });
                }
                drop(file);
                let _ = std::fs::remove_file(&path);
            }
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(error)) => return Err(error),
        }
    }
    let name = format!(
        "{}-{}.open",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let path = dir.join(name);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)?;
    file.try_lock().map_err(|error| match error {
        TryLockError::WouldBlock => std::io::Error::other("会话文件已被占用"),
        TryLockError::Error(error) => error,
    })?;
    // Not synced: the mark matters only while this process runs.
    writeln!(file, "{}\n{now}", std::process::id())?;
    Ok(Registered {
        session: SessionFile { file, path },
        ended,
    })
}

/// How many sessions other than `own` (windows, commands, in any process) have the
/// ledger open.
pub fn others(ledger: &Path, own: Option<&SessionFile>) -> usize {
    let Ok(files) = session_files(&sessions_dir(ledger)) else {
        return 0;
    };
    files
        .into_iter()
        .filter(|(path, _)| own.is_none_or(|own| *path != own.path))
        .filter(|(_, file)| match file.try_lock() {
            Ok(()) => {
                let _ = file.unlock();
                false
            }
            Err(_) => true,
        })
        .count()
}

/// Held while this process takes an automatic backup: a second program finding it
/// held leaves the backup to the first. `None` when it is held (or no folder can be
/// made: then the backup goes ahead, as on a single PC).
pub fn backup_turn(ledger: &Path) -> Result<Option<File>, ()> {
    let dir = sessions_dir(ledger);
    let Ok(file) = std::fs::create_dir_all(&dir).and_then(|()| {
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(dir.join("backup"))
    }) else {
        return Ok(None);
    };
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(TryLockError::WouldBlock) => Err(()),
        Err(TryLockError::Error(_)) => Ok(None),
    }
}

/// Every `*.open` file in the folder, opened for locking.
fn session_files(dir: &Path) -> std::io::Result<Vec<(PathBuf, File)>> {
    let mut files = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(files),
        Err(error) => return Err(error),
    };
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "open") {
            // Removed meanwhile by its owner closing: nothing to look at.
            if let Ok(file) = OpenOptions::new().read(true).write(true).open(&path) {
                files.push((path, file));
            }
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_left_by_an_ended_process_is_named_and_cleared() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("ledger.db");
        // An older version's lock file is removed without a word.
        std::fs::write(legacy_lock(&ledger), "4242\n2026-11-01 08:00").unwrap();
        let gate = take_gate(&ledger, Duration::ZERO, &|| {}).unwrap();
        let first = register(&ledger, &gate, "2026-12-01 09:00").unwrap();
        assert!(first.ended.is_empty());
        assert!(!legacy_lock(&ledger).exists());
        // A second session sees the first as another program.
        let second = register(&ledger, &gate, "2026-12-01 09:05").unwrap();
        assert_eq!(others(&ledger, Some(&second.session)), 1);
        assert_eq!(others(&ledger, Some(&first.session)), 1);
        // A mark nobody holds: a process that ended without closing.
        std::fs::write(
            sessions_dir(&ledger).join("999999-0.open"),
            "999999\n2026-11-30 17:00\n",
        )
        .unwrap();
        assert_eq!(others(&ledger, Some(&second.session)), 1);
        let third = register(&ledger, &gate, "2026-12-01 09:10").unwrap();
        assert_eq!(
            third.ended,
            vec![Ended {
                pid: 999_999,
                since: "2026-11-30 17:00".to_string()
            }]
        );
        assert!(!sessions_dir(&ledger).join("999999-0.open").exists());
        // Closing removes the mark.
        drop(first);
        assert_eq!(others(&ledger, Some(&third.session)), 1);
    }

    #[test]
    fn the_gate_is_taken_by_one_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("ledger.db");
        let held = take_gate(&ledger, Duration::ZERO, &|| {}).unwrap();
        let announced = std::cell::Cell::new(false);
        let waited = take_gate(&ledger, Duration::from_millis(30), &|| announced.set(true));
        assert!(matches!(waited, Err(GateError::TimedOut)));
        assert!(announced.get());
        drop(held);
        // The waiter that gave up may still take and drop the lock a moment after the
        // release (it never keeps it): the next one waits that moment out.
        assert!(take_gate(&ledger, Duration::from_secs(5), &|| {}).is_ok());
    }
}
