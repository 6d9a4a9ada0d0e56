//! SQLite's full integrity check, kept off the path of every open.
//!
//! Opening a ledger reads its header, `application_id`, `user_version` and the root
//! pages of the main tables: milliseconds at any size, and enough to refuse a file
//! that is not a ledger, is too new, or cannot be read. The full `integrity_check`
//! reads every page and compares every index with its table (0.3 s for a real union's
//! 46 MB, seconds for several years in one file), so it runs where its time is
//! expected: `verify`, `backup`, `restore`, the window's worker thread after opening,
//! and the first command after a session that did not close cleanly. The time it last
//! passed is kept in the ledger and shown.

use std::path::Path;

use super::sql::{Connection, OptionalExtension};
use chrono::NaiveDateTime;

use super::{Ledger, Result, StoreError, backup, codec};

/// When the full check last passed, and the change log's head then.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FullCheck {
    pub at: NaiveDateTime,
    pub head: String,
}

impl FullCheck {
    /// `2026-12-20 09:00`.
    pub fn at_text(&self) -> String {
        self.at.format("%Y-%m-%d %H:%M").to_string()
    }
}

/// How deeply `verify` checks the file itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileCheck {
    /// SQLite's `integrity_check`: every page and record, and every index compared
    /// with its table.
    Full,
    /// SQLite's `quick_check`: every page and record, without comparing the indexes
    /// with their tables (O(N) instead of O(N log N): 2 s instead of 12 s for two
    /// million entries).
    Quick,
}

/// What SQLite's `integrity_check` (or `quick_check`) finds wrong with the file (its
/// first few lines), or `None` when it reports ok.
pub(super) fn integrity_problem(conn: &Connection, depth: FileCheck) -> Option<String> {
    // A server keeps its own pages whole (checksums, WAL, its own tools); what the
    // program can check there is the books (see `verify`).
    let conn = conn.lite()?;
    let pragma = match depth {
        FileCheck::Full => "PRAGMA integrity_check(5)",
        FileCheck::Quick => "PRAGMA quick_check(5)",
    };
    let lines: rusqlite::Result<Vec<String>> = conn.prepare(pragma).and_then(|mut statement| {
        statement
            .query_map([], |row| row.get::<_, String>(0))?
            .collect()
    });
    match lines {
        Ok(lines) if lines.len() == 1 && lines[0] == "ok" => None,
        Ok(lines) => Some(lines.join("；")),
        Err(error) => Some(error.to_string()),
    }
}

/// Where the clerk finds a copy to restore a damaged ledger from: the newest automatic
/// backup, named, or that there is none.
pub fn newest_backup_note(ledger: &Path) -> String {
    match backup::automatic_backups(ledger).into_iter().next() {
        Some(newest) => format!(
            "最近的自动备份：{}，可用 union-ledger restore --from 该文件恢复",
            newest.display()
        ),
        None => "backups 文件夹中没有自动备份，请找回最近手动备份的副本".to_string(),
    }
}

impl Ledger {
    /// Runs SQLite's full integrity check on this ledger: the damage found, or `None`.
    pub fn check_integrity(&self) -> Option<String> {
        integrity_problem(self.conn(), FileCheck::Full)
    }

    /// Runs the full check, refusing a damaged file with the newest backup named, and
    /// records the time when it passes (on a ledger open for writing).
    pub fn check_integrity_or_refuse(&mut self) -> Result<()> {
        if let Some(damage) = self.check_integrity() {
            let path = self.path().map(Path::to_path_buf).unwrap_or_default();
            let note = newest_backup_note(&path);
            return Err(StoreError::Corrupt {
                path,
                detail: format!("完整性检查未通过：{damage}；{note}"),
            });
        }
        let head = self.chain_head()?;
        self.record_full_check(&head)
    }

    /// When the full check last passed, if ever.
    pub fn last_full_check(&self) -> Result<Option<FullCheck>> {
        let row = self
            .conn()
            .query_row(
                "SELECT at, head FROM integrity_checks WHERE id = 1",
                [],
                |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)),
            )
            .optional()?;
        row.map(|(at, head)| {
            Ok::<_, StoreError>(FullCheck {
                at: codec::parse_datetime(0, &at)?,
                head,
            })
        })
        .transpose()
    }

    /// Records that the full check passed now, with the change log's head it saw. A
    /// ledger open read-only records nothing (the audit committee writes nothing).
    pub fn record_full_check(&mut self, head: &str) -> Result<()> {
        if self.is_read_only() {
            return Ok(());
        }
        let at = codec::datetime_text(self.clock.now());
        self.write(|tx| {
            tx.execute(
                "INSERT INTO integrity_checks (id, at, head) VALUES (1, ?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET at = excluded.at, head = excluded.head",
                (&at, head),
            )?;
            Ok(())
        })
    }
}
