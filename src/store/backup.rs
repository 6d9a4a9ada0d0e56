//! Backups with SQLite's backup API: consistent copies taken while the ledger is open.
//! Automatic ones go to a `backups` folder beside the ledger (when the window opens
//! it, before any schema upgrade, and once a day while it stays open), keeping the
//! newest few; the clerk can also back up to a chosen file. Restoring checks the
//! backup (`integrity_check` and the change log's chain) before anything is replaced,
//! and keeps the replaced file beside it.

use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use rusqlite::{Connection, OpenFlags};

use super::{Ledger, Result, StoreError};
use crate::core::date::Clock;
use crate::core::progress::Progress;

/// How many automatic backups are kept unless the clerk sets another number.
pub const DEFAULT_BACKUPS_KEPT: usize = 10;
const BACKUPS_KEPT_KEY: &str = "backups_kept";

/// The folder automatic backups of `ledger` go to.
pub fn backups_dir(ledger: &Path) -> PathBuf {
    ledger
        .parent()
        .map_or_else(|| PathBuf::from("backups"), |dir| dir.join("backups"))
}

fn stem(ledger: &Path) -> String {
    ledger.file_stem().map_or_else(
        || "ledger".to_string(),
        |s| s.to_string_lossy().into_owned(),
    )
}

/// The automatic backups of `ledger`, newest first.
pub fn automatic_backups(ledger: &Path) -> Vec<PathBuf> {
    let prefix = format!("{}-", stem(ledger));
    let mut found: Vec<PathBuf> = std::fs::read_dir(backups_dir(ledger))
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|path| {
                    path.extension().is_some_and(|e| e == "db")
                        && path
                            .file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with(&prefix))
                })
                .collect()
        })
        .unwrap_or_default();
    // Names carry the time as YYYYMMDD-HHMMSS, so name order is time order.
    found.sort();
    found.reverse();
    found
}

/// Copies the open database into `target` (written beside it first, then renamed),
/// counting its pages into `progress`.
fn copy_database(conn: &super::sql::Connection, target: &Path, progress: &Progress) -> Result<()> {
    let Some(conn) = conn.lite() else {
        return Err(StoreError::invalid(
            "备份",
            "服务器上的台账用 union-ledger copy 复制为本机文件",
        ));
    };
    let cannot = |detail: String| StoreError::CannotOpen {
        path: target.to_path_buf(),
        detail,
    };
    if let Some(parent) = target.parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|e| cannot(e.to_string()))?;
    }
    let mut partial_name = target.file_name().unwrap_or_default().to_os_string();
    partial_name.push(".part");
    let partial = target.with_file_name(partial_name);
    let _ = std::fs::remove_file(&partial);
    let result = (|| {
        let mut destination = Connection::open(&partial)?;
        {
            let backup = rusqlite::backup::Backup::new(conn, &mut destination)?;
            // A thousand pages (a few MB) a step, counted as they go.
            loop {
                let step = backup.step(1024)?;
                let at = backup.progress();
                progress.set_total(at.pagecount.max(0) as u64);
                progress.set_done((at.pagecount - at.remaining).max(0) as u64);
                match step {
                    rusqlite::backup::StepResult::Done => break,
                    rusqlite::backup::StepResult::More => {}
                    _ => std::thread::sleep(std::time::Duration::from_millis(20)),
                }
            }
        }
        // A backup is one self-contained file, whatever the ledger's journal mode.
        destination.pragma_update(None, "journal_mode", "DELETE")?;
        drop(destination);
        Ok::<_, rusqlite::Error>(())
    })();
    if let Err(error) = result {
        let _ = std::fs::remove_file(&partial);
        return Err(cannot(format!("备份失败：{error}")));
    }
    std::fs::rename(&partial, target).map_err(|e| cannot(format!("备份失败：{e}")))
}

impl Ledger {
    /// Backs the ledger up into a file the clerk chose.
    pub fn backup_to(&self, target: &Path) -> Result<()> {
        if self.path().is_some_and(|path| path == target) {
            return Err(StoreError::invalid("备份文件", "不能覆盖台账本身"));
        }
        if self.conn().is_server() {
            // A server ledger is backed up as a ledger file of its own, checked.
            super::copy::copy_ledger(self, target)?;
            return Ok(());
        }
        copy_database(self.conn(), target, &Progress::none())
    }

    /// How many automatic backups to keep.
    pub fn backups_kept(&self) -> Result<usize> {
        Ok(self
            .setting(BACKUPS_KEPT_KEY)?
            .and_then(|v| v.parse().ok())
            .filter(|n: &usize| *n > 0)
            .unwrap_or(DEFAULT_BACKUPS_KEPT))
    }

    pub fn set_backups_kept(&mut self, kept: usize) -> Result<()> {
        if kept == 0 {
            return Err(StoreError::invalid("保留备份份数", "至少保留 1 份"));
        }
        self.set_setting(BACKUPS_KEPT_KEY, &kept.to_string())
    }

    /// Takes an automatic backup into the `backups` folder, named by time and reason
    /// (`ledger-20261122-093000-打开.db`), and removes the oldest beyond the number
    /// kept. A ledger in memory has none.
    pub fn automatic_backup(&self, reason: &str, now: NaiveDateTime) -> Result<Option<PathBuf>> {
        self.automatic_backup_counted(reason, now, &Progress::none())
    }

    /// [`Ledger::automatic_backup`], counting the pages copied into `progress`.
    pub fn automatic_backup_counted(
        &self,
        reason: &str,
        now: NaiveDateTime,
        progress: &Progress,
    ) -> Result<Option<PathBuf>> {
        let Some(path) = self.path().map(Path::to_path_buf) else {
            return Ok(None);
        };
        // Another program on this ledger is taking one right now.
        let Ok(_turn) = super::presence::backup_turn(&path) else {
            return Ok(None);
        };
        let target = backups_dir(&path).join(format!(
            "{}-{}-{reason}.db",
            stem(&path),
            now.format("%Y%m%d-%H%M%S")
        ));
        copy_database(self.conn(), &target, progress)?;
        let kept = self.backups_kept().unwrap_or(DEFAULT_BACKUPS_KEPT);
        for old in automatic_backups(&path).into_iter().skip(kept) {
            let _ = std::fs::remove_file(old);
        }
        Ok(Some(target))
    }

    /// The newest automatic backup when it holds this ledger exactly as it is now: the
    /// same schema version and the same change-log head. Every change to the books
    /// appends a log row, so an equal head means nothing changed since that backup.
    pub fn unchanged_since_backup(&self) -> Option<PathBuf> {
        let path = self.path()?;
        let newest = automatic_backups(path).into_iter().next()?;
        let here = (self.schema_version().ok()?, self.chain_head().ok()?);
        (backup_state(&newest)? == here).then_some(newest)
    }

    /// Takes an automatic backup unless the newest one already holds the ledger as it
    /// is (see [`Ledger::unchanged_since_backup`]): opening an unchanged ledger ten
    /// times leaves one backup, and does not push older ones out of the rotation.
    pub fn automatic_backup_if_changed(
        &self,
        reason: &str,
        now: NaiveDateTime,
    ) -> Result<Option<PathBuf>> {
        if self.unchanged_since_backup().is_some() {
            return Ok(None);
        }
        self.automatic_backup(reason, now)
    }

    /// Takes the daily backup when the newest automatic one is from an earlier day and
    /// the ledger changed since.
    pub fn daily_backup_if_due(&self, clock: &dyn Clock) -> Result<Option<PathBuf>> {
        let Some(path) = self.path() else {
            return Ok(None);
        };
        let today = clock.today().format("%Y%m%d").to_string();
        let prefix = format!("{}-{today}", stem(path));
        let done_today = automatic_backups(path).first().is_some_and(|newest| {
            newest
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&prefix))
        });
        if done_today {
            return Ok(None);
        }
        self.automatic_backup_if_changed("每日", clock.now())
    }
}

/// The schema version and change-log head a backup file holds; `None` when it cannot
/// be read as a ledger with a change log (then it does not count as the same).
fn backup_state(file: &Path) -> Option<(i64, String)> {
    let conn = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ok()?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .ok()?;
    let head = super::changelog::last_hash(&super::sql::Connection::Lite(conn))
        .ok()?
        .1;
    Some((version, head))
}

/// Checks a file as a backup to restore: a ledger of this program's version, passing
/// `integrity_check`, with an intact change log.
pub fn check_backup(backup: &Path, clock: &dyn Clock) -> Result<String> {
    // Opening runs the quick structural check; verify runs the full integrity check
    // and the chain.
    let report = Ledger::open_read_only(backup, clock)?.verify()?;
    if let Some(damage) = report.damaged {
        return Err(StoreError::Corrupt {
            path: backup.to_path_buf(),
            detail: damage,
        });
    }
    if let Some(problem) = report.broken {
        return Err(StoreError::invalid(
            "备份文件",
            format!("“{}”的变更日志校验失败：{problem}", backup.display()),
        ));
    }
    Ok(report.summary())
}

/// Replaces the ledger at `ledger` with `backup` after checking the backup; the
/// replaced file is kept as `<ledger>.replaced-<time>` and its path returned.
///
/// Restoring must never lose the ledger, so every step is checked, in an order where
/// a failure at any point leaves the ledger as it was: the backup is first copied
/// beside the ledger (`<ledger>.restoring`); the ledger's write-ahead log is folded
/// into it (refused when it cannot be, since the log would be lost); the ledger is
/// renamed to the kept name; the copy is renamed into place. When that last rename
/// fails, the ledger is renamed back, and the error says whether it was.
pub fn restore(backup: &Path, ledger: &Path, clock: &dyn Clock) -> Result<Option<PathBuf>> {
    restore_with(backup, ledger, clock, &|from, to| std::fs::rename(from, to))
}

/// [`restore`] with the renames made by `rename` (a test makes one fail).
fn restore_with(
    backup: &Path,
    ledger: &Path,
    clock: &dyn Clock,
    rename: &dyn Fn(&Path, &Path) -> std::io::Result<()>,
) -> Result<Option<PathBuf>> {
    check_backup(backup, clock)?;
    if backup == ledger {
        return Err(StoreError::invalid("备份文件", "就是台账本身"));
    }
    let cannot = |detail: String| StoreError::CannotOpen {
        path: ledger.to_path_buf(),
        detail,
    };
    // Nobody may have the ledger open while it is replaced, and nobody opens it
    // meanwhile: the gate is held to the end.
    let _gate = match super::presence::take_gate(ledger, std::time::Duration::from_secs(5), &|| {})
    {
        Ok(gate) => Some(gate),
        Err(super::presence::GateError::TimedOut) => {
            return Err(StoreError::Busy {
                path: ledger.to_path_buf(),
            });
        }
        Err(super::presence::GateError::Unavailable) => None,
    };
    if super::presence::others(ledger, None) > 0 {
        return Err(StoreError::Busy {
            path: ledger.to_path_buf(),
        });
    }
    let now = clock.now();
    let beside = |suffix: &str| {
        let mut name = ledger.file_name().unwrap_or_default().to_os_string();
        name.push(suffix);
        ledger.with_file_name(name)
    };
    // 1. The backup copied beside the ledger; the ledger is not touched yet.
    let incoming = beside(".restoring");
    let copied = Connection::open_with_flags(
        backup,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(StoreError::from)
    .and_then(|source| {
        copy_database(
            &super::sql::Connection::Lite(source),
            &incoming,
            &Progress::none(),
        )
    });
    if let Err(error) = copied {
        let _ = std::fs::remove_file(&incoming);
        return Err(error);
    }
    let give_up = |error: StoreError| {
        let _ = std::fs::remove_file(&incoming);
        error
    };
    // 2. The ledger kept under another name, whole: its log folded in first.
    let kept = if ledger.exists() {
        fold_write_ahead_log(ledger).map_err(give_up)?;
        let kept = beside(&format!(".replaced-{}", now.format("%Y%m%d-%H%M%S")));
        rename(ledger, &kept)
            .map_err(|error| give_up(cannot(format!("无法保留原台账（原台账未改动）：{error}"))))?;
        // The log is empty after the fold; the shared-memory index is rebuilt.
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(beside(suffix));
        }
        Some(kept)
    } else {
        None
    };
    // 3. The restored copy put in place; on failure the ledger goes back.
    if let Err(error) = rename(&incoming, ledger) {
        let _ = std::fs::remove_file(&incoming);
        let detail = match &kept {
            None => format!("无法把恢复的台账放到位：{error}"),
            Some(kept) => match rename(kept, ledger) {
                Ok(()) => format!("无法把恢复的台账放到位：{error}；原台账未改动"),
                Err(back) => format!(
                    "无法把恢复的台账放到位：{error}；原台账完整保存在“{}”，但未能改回原名（{back}），请手动把它改名为“{}”",
                    kept.display(),
                    ledger.display()
                ),
            },
        };
        return Err(cannot(detail));
    }
    Ok(kept)
}

/// Folds a ledger's write-ahead log into the file, so the file alone is the whole
/// ledger; an error when the log cannot be folded in completely.
fn fold_write_ahead_log(ledger: &Path) -> Result<()> {
    let cannot = |detail: String| StoreError::CannotOpen {
        path: ledger.to_path_buf(),
        detail,
    };
    let conn = Connection::open(ledger)
        .map_err(|error| cannot(format!("无法打开原台账以合并日志（原台账未改动）：{error}")))?;
    let (busy, _, _): (i64, i64, i64) = conn
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .map_err(|error| cannot(format!("无法合并原台账的日志（原台账未改动）：{error}")))?;
    if busy != 0 {
        return Err(StoreError::Busy {
            path: ledger.to_path_buf(),
        });
    }
    conn.close()
        .map_err(|(_, error)| cannot(format!("无法关闭原台账（原台账未改动）：{error}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::date::FixedClock;

    #[test]
    fn a_failed_final_rename_leaves_the_ledger_byte_for_byte_and_says_so() {
        let clock = FixedClock::at_date(chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("ledger.db");
        let backup = dir.path().join("backup.db");
        {
            let mut open = Ledger::open(&ledger, &clock).unwrap();
            open.backup_to(&backup).unwrap();
            open.set_union_name("示例市人民医院工会").unwrap();
        }
        let before = std::fs::read(&ledger).unwrap();
        let fail_last = |from: &Path, to: &Path| {
            if from.to_string_lossy().ends_with(".restoring") {
                Err(std::io::Error::other("磁盘已满（模拟）"))
            } else {
                std::fs::rename(from, to)
            }
        };
        let error = restore_with(&backup, &ledger, &clock, &fail_last).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("磁盘已满（模拟）"), "{message}");
        assert!(message.contains("原台账未改动"), "{message}");
        assert_eq!(std::fs::read(&ledger).unwrap(), before);
        // Nothing left beside it: no half-restored copy, no kept file.
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names
                .iter()
                .all(|name| !name.contains(".restoring") && !name.contains(".replaced")),
            "{names:?}"
        );
        // And a restore that goes through still works.
        let kept = restore(&backup, &ledger, &clock).unwrap().unwrap();
        assert_eq!(std::fs::read(&kept).unwrap(), before);
        let restored = Ledger::open_existing(&ledger, &clock).unwrap();
        assert_eq!(restored.union_name().unwrap(), "本单位工会");
    }
}
