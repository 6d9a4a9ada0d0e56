//! Moving a whole ledger between a SQLite file and a server (or file to file, server to
//! server): every row of every table the program writes, then the chain verified on
//! the copy, whose head must equal the original's. Nothing is left at the target unless
//! the whole copy succeeded: a file is written beside the target and renamed at the
//! end; a server database is filled in one transaction, committed only after the
//! check.
//!
//! The totals kept from the entries are not copied: the target's own triggers make
//! them from the entries as they arrive, and `verify` compares them with the entries.

use std::path::{Path, PathBuf};

use super::sql::{self, Connection, Value};
use super::{Ledger, Result, StoreError, schema, server};

/// The tables copied, in an order that satisfies every reference (closed periods after
/// the entries they would refuse).
const TABLES: &[(&str, &str)] = &[
    ("settings", "key"),
    ("funds", "id"),
    ("fund_openings", "fund_id, year"),
    ("categories", "parent_id IS NOT NULL, id"),
    ("income_sources", "id"),
    ("members", "id"),
    ("rules", "id"),
    ("approvals", "id"),
    ("visit_reasons", "id"),
    ("visits", "id"),
    ("batches", "id"),
    ("plans", "id"),
    ("entries", "id"),
    ("entry_breaches", "entry_id, seq"),
    ("enrolments", "plan_id, member_id"),
    ("claims", "id"),
    ("claim_documents", "claim_id, kind"),
    ("claim_files", "id"),
    ("change_log", "id"),
    ("entry_hashes", "entry_id"),
    ("closed_periods", "id"),
    ("integrity_checks", "id"),
];

/// Rows per INSERT statement (at most 24 columns: within both engines' limits on
/// parameters).
const CHUNK: usize = 1_000;

/// What a finished copy holds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CopySummary {
    /// The chain head, the same on both sides.
    pub head: String,
    pub log_rows: i64,
    pub entries: i64,
    pub members: i64,
}

/// Copies the ledger `source` into `target` (a new file, or an empty database on a
/// server). The source's chain must verify first; the copy's must verify with the
/// same head before it is kept.
pub fn copy_ledger(source: &Ledger, target: &Path) -> Result<CopySummary> {
    let report = source.verify()?;
    if let Some(problem) = report.problem() {
        return Err(StoreError::invalid(
            "源台账",
            format!("校验未通过，不复制：{problem}"),
        ));
    }
    let head = report.head.clone();
    let members: i64 = source
        .conn()
        .query_row("SELECT count(*) FROM members", [], |row| row.get(0))?;
    let summary = CopySummary {
        head,
        log_rows: report.log_rows,
        entries: report.entries,
        members,
    };
    match super::server_address(target) {
        Some(url) => to_server(source, url, &summary)?,
        None => to_file(source, target, &summary)?,
    }
    Ok(summary)
}

/// Into a new SQLite file: written beside the target, checked, then renamed.
fn to_file(source: &Ledger, target: &Path, expected: &CopySummary) -> Result<()> {
    let refuse = |detail: String| StoreError::CannotOpen {
        path: target.to_path_buf(),
        detail,
    };
    if target.metadata().is_ok_and(|metadata| metadata.len() > 0) {
        return Err(refuse(
            "目标文件已存在；复制只写入新文件，不覆盖已有的台账".into(),
        ));
    }
    if let Some(parent) = target.parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|error| refuse(error.to_string()))?;
    }
    let mut part_name = target.file_name().unwrap_or_default().to_os_string();
    part_name.push(".copying");
    let part = target.with_file_name(part_name);
    let cleanup = |part: &Path| {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(PathBuf::from(format!("{}{suffix}", part.display())));
        }
        let _ = std::fs::remove_dir_all(super::sessions_dir(part));
    };
    cleanup(&part);
    let result = (|| {
        {
            let mut conn = rusqlite::Connection::open(&part)?;
            conn.pragma_update(None, "application_id", schema::APPLICATION_ID)?;
            schema::migrations().to_latest(&mut conn)?;
            conn.pragma_update(None, "foreign_keys", true)?;
            let conn = Connection::Lite(conn);
            conn.execute_batch("BEGIN IMMEDIATE")?;
            let copied = copy_rows(source.conn(), &conn);
            match copied {
                Ok(()) => conn.execute_batch("COMMIT")?,
                Err(error) => {
                    let _ = conn.execute_batch("ROLLBACK");
                    return Err(error);
                }
            }
        }
        let copy = Ledger::open_existing(&part, source.clock.as_ref())?;
        check_copy(&copy, expected)?;
        drop(copy);
        let _ = std::fs::remove_dir_all(super::sessions_dir(&part));
        std::fs::rename(&part, target).map_err(|error| refuse(error.to_string()))?;
        Ok(())
    })();
    if result.is_err() {
        cleanup(&part);
    }
    result
}

/// Into an empty database on a server, in one transaction.
fn to_server(source: &Ledger, url: &str, expected: &CopySummary) -> Result<()> {
    let (conn, described) = server::connect(url)?;
    if let Some(pg) = conn.pg() {
        pg.begin(true)?;
    }
    let result = (|| {
        if !server::is_empty(&conn)? {
            return Err(StoreError::CannotOpen {
                path: described.clone().into(),
                detail: "目标数据库不是空的；复制只写入空数据库，不覆盖已有的台账或其他数据".into(),
            });
        }
        server::migrate(&conn, 0)?;
        super::changelog::install_capture(&conn)?;
        // The kept totals are made once from all the entries, not per statement.
        conn.execute_batch("ALTER TABLE entries DISABLE TRIGGER entries_totals")?;
        copy_rows(source.conn(), &conn)?;
        conn.execute_batch(&server::totals_from_entries())?;
        conn.execute_batch("ALTER TABLE entries ENABLE TRIGGER entries_totals")?;
        conn.execute("DELETE FROM temp.change_buffer", [])?;
        Ok(())
    })();
    let conn = match result {
        Ok(()) => conn,
        Err(error) => {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(error);
        }
    };
    // Checked inside the same transaction: committed only when the copy verifies.
    let copy = Ledger::around(conn, Some(described), source.clock.as_ref());
    match check_copy(&copy, expected) {
        Ok(()) => Ok(copy.conn().execute_batch("COMMIT")?),
        Err(error) => {
            let _ = copy.conn().execute_batch("ROLLBACK");
            Err(error)
        }
    }
}

/// The copy verifies, with the original's head and counts.
fn check_copy(copy: &Ledger, expected: &CopySummary) -> Result<()> {
    let report = copy.verify()?;
    if let Some(problem) = report.problem() {
        return Err(StoreError::invalid(
            "复制结果",
            format!("复制后的台账校验未通过，已放弃：{problem}"),
        ));
    }
    if report.head != expected.head
        || report.log_rows != expected.log_rows
        || report.entries != expected.entries
    {
        return Err(StoreError::invalid(
            "复制结果",
            format!(
                "复制后的链头 {} 与原台账 {} 不同，已放弃",
                report.head, expected.head
            ),
        ));
    }
    Ok(())
}

/// Every row of every copied table, from one connection to the other.
fn copy_rows(from: &Connection, to: &Connection) -> Result<()> {
    // The target's schema brings the default visit reasons; the source's replace them.
    to.execute("DELETE FROM visit_reasons", [])?;
    for (table, order) in TABLES {
        let columns = table_columns(from, table)?;
        let list = columns
            .iter()
            .map(|column| format!("\"{column}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let mut select = from.prepare(&format!("SELECT {list} FROM {table} ORDER BY {order}"))?;
        let mut rows = select.query([])?;
        let mut pending: Vec<Value> = Vec::with_capacity(CHUNK * columns.len());
        let mut count = 0;
        while let Some(row) = rows.next()? {
            for index in 0..columns.len() {
                pending.push(row.get::<_, Value>(index)?);
            }
            count += 1;
            if count == CHUNK {
                insert(to, table, &list, columns.len(), count, &pending)?;
                pending.clear();
                count = 0;
            }
        }
        if count > 0 {
            insert(to, table, &list, columns.len(), count, &pending)?;
        }
    }
    Ok(())
}

fn insert(
    to: &Connection,
    table: &str,
    list: &str,
    width: usize,
    rows: usize,
    values: &[Value],
) -> Result<()> {
    let one = format!("({})", vec!["?"; width].join(", "));
    let sql = format!(
        "INSERT INTO {table} ({list}) VALUES {}",
        vec![one.as_str(); rows].join(", ")
    );
    to.prepare_cached(&sql)?
        .execute(sql::params_from_iter(values.iter()))?;
    Ok(())
}

/// A table's columns, in order, on either backend.
fn table_columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    if conn.is_server() {
        Ok(server::columns(conn, table)?
            .into_iter()
            .map(|(name, _)| name)
            .collect())
    } else {
        super::changelog::column_names(conn, table)
    }
}
