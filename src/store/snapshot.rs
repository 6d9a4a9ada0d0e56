//! A branch's sealed snapshot for the union above (汇总): a verified copy of the whole
//! ledger with a manifest — union, period, schema version, change-log length and head,
//! the time — written only for a closed period, so the figures sent cannot move after.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Ledger, Result, StoreError};
use crate::core::date::{Clock, Period, format_date};

/// What a snapshot says of itself, kept in its `branch_snapshot` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotManifest {
    pub union_name: String,
    /// The period sent: its first and last day.
    pub period_start: String,
    pub period_end: String,
    pub period_label: String,
    pub schema_version: i64,
    pub log_rows: i64,
    pub head: String,
    pub entries: i64,
    pub exported_at: String,
}

impl Ledger {
    /// Writes a snapshot of the ledger for `period` to `target` (a new file): the
    /// period must be closed (and not reopened) from its first day to its last; the
    /// copy is verified with the same chain head before it is kept, then sealed with
    /// its manifest.
    pub fn export_snapshot(
        &self,
        period: Period,
        target: &Path,
        clock: &dyn Clock,
    ) -> Result<SnapshotManifest> {
        if !self.is_period_closed(period)? {
            return Err(StoreError::invalid(
                "期间",
                format!(
                    "{}尚未结账：上报前请先结账（union-ledger period close，或 审计 → 结账），上报的数字结账后才不会再变",
                    period.label_with_dates()
                ),
            ));
        }
        let copy = super::copy::copy_ledger(self, target)?;
        let manifest = SnapshotManifest {
            union_name: self.union_name()?,
            period_start: format_date(period.start),
            period_end: format_date(period.end),
            period_label: period.label(),
            schema_version: super::schema::LATEST_VERSION,
            log_rows: copy.log_rows,
            head: copy.head.clone(),
            entries: copy.entries,
            exported_at: super::codec::datetime_text(clock.now()),
        };
        let sealed = (|| {
            let conn = rusqlite::Connection::open(target)?;
            conn.execute_batch(
                "CREATE TABLE branch_snapshot (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT",
            )?;
            let json = serde_json::to_string(&manifest).unwrap_or_default();
            conn.execute(
                "INSERT INTO branch_snapshot (key, value) VALUES ('manifest', ?1)",
                [json],
            )?;
            Ok::<_, rusqlite::Error>(())
        })();
        if let Err(error) = sealed {
            let _ = std::fs::remove_file(target);
            return Err(StoreError::CannotOpen {
                path: target.to_path_buf(),
                detail: format!("无法写入上报清单：{error}"),
            });
        }
        Ok(manifest)
    }
}

/// The manifest of a snapshot file, read without opening it as a ledger; `None` when
/// the file has none (not a snapshot).
pub fn read_manifest(path: &Path) -> Result<Option<SnapshotManifest>> {
    if !path.is_file() {
        return Err(StoreError::CannotOpen {
            path: path.to_path_buf(),
            detail: "文件不存在，请检查路径".to_string(),
        });
    }
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|error| StoreError::CannotOpen {
        path: path.to_path_buf(),
        detail: error.to_string(),
    })?;
    let json: Option<String> = conn
        .query_row(
            "SELECT value FROM branch_snapshot WHERE key = 'manifest'",
            [],
            |row| row.get(0),
        )
        .ok();
    Ok(json.and_then(|json| serde_json::from_str(&json).ok()))
}
