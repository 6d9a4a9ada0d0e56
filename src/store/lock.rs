//! One writer at a time: a lock file beside the ledger (`ledger.db.lock`) names the
//! process that has it open for writing. A second window or command opens the ledger
//! read-only and says who holds it; a lock left by a process that no longer runs (a
//! crash, a power cut) is recognised and taken over. SQLite's own locking keeps the
//! file safe either way; the lock file is there so the clerk gets a clear message.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The lock this process holds; removed when the ledger closes.
#[derive(Debug)]
pub struct LockFile {
    path: PathBuf,
}

impl Drop for LockFile {
    fn drop(&mut self) {
        // Only our own lock is removed; a lock taken over by someone else stays.
        if holder(&self.path).is_some_and(|h| h.pid == std::process::id()) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Who holds a lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub pid: u32,
    pub since: String,
}

fn lock_path(ledger: &Path) -> PathBuf {
    let mut name = ledger.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    ledger.with_file_name(name)
}

fn holder(lock: &Path) -> Option<Holder> {
    let text = std::fs::read_to_string(lock).ok()?;
    let mut lines = text.lines();
    let pid = lines.next()?.trim().parse().ok()?;
    let since = lines.next().unwrap_or("").trim().to_string();
    Some(Holder { pid, since })
}

/// Whether a process still runs. Where this cannot be told, it is assumed to run.
fn is_running(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc_dir = Path::new("/proc");
    if proc_dir.is_dir() {
        return proc_dir.join(pid.to_string()).exists();
    }
    true
}

/// What happened when taking the lock.
#[derive(Debug)]
pub enum Taken {
    /// The lock is ours (it may have been left by a crashed process).
    Ours {
        lock: LockFile,
        stale: Option<Holder>,
    },
    /// Another running process holds it.
    Held(Holder),
}

/// Takes the lock for `ledger`, or says who has it.
pub fn take(ledger: &Path, now: &str) -> std::io::Result<Taken> {
    let path = lock_path(ledger);
    let mut stale = None;
    for _ in 0..2 {
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                // Not synced to disk: the lock only names the holder while it runs.
                // After a power cut a lock that never reached the disk is simply
                // absent, and one that did is recognised as stale. (A sync here cost
                // every command several milliseconds.)
                writeln!(file, "{}\n{now}", std::process::id())?;
                return Ok(Taken::Ours {
                    lock: LockFile { path },
                    stale,
                });
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                match holder(&path) {
                    // Our own process (the window reopening its ledger) shares it.
                    Some(h) if h.pid == std::process::id() => {
                        return Ok(Taken::Ours {
                            lock: LockFile { path },
                            stale: None,
                        });
                    }
                    Some(h) if is_running(h.pid) => return Ok(Taken::Held(h)),
                    found => {
                        stale = found;
                        std::fs::remove_file(&path)?;
                    }
                }
            }
            Err(error) => return Err(error),
        }
    }
    Err(std::io::Error::other("无法取得台账锁"))
}
