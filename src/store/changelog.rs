//! The change log: every write appends one hash-chained row in its own transaction,
//! describing what changed (before and after of each row, read from SQLite's session
//! extension, so no write path can forget to log) and covering the entries it wrote
//! by their hashes. `verify` recomputes all of it.

use std::collections::BTreeMap;

use super::sql::CellRef;
use super::sql::{Connection, OptionalExtension};
use chrono::NaiveDateTime;
use serde_json::{Map, Value, json};

use super::codec::{datetime_text, parse_datetime};
use super::integrity::FileCheck;
use super::{Ledger, Result};
use crate::core::changelog::{
    ChainReport, GENESIS, LogRow, check_rows, entries_digest, entry_digest_of, hex_digest, hex64,
    row_hash,
};
use crate::core::progress::Progress;

/// Tables whose changes are not logged row by row: entries (covered by their hashes),
/// the totals kept by trigger from them, and the log itself.
pub(super) const UNLOGGED_TABLES: &[&str] = &[
    "entries",
    "entry_hashes",
    "fund_year_totals",
    "spending_day_totals",
    "entry_day_counts",
    "change_log",
    "integrity_checks",
    // A branch snapshot's manifest: about the file sent, not part of the books.
    "branch_snapshot",
];

/// The entry columns an entry's hash covers, in this order.
const HASHED_ENTRY_COLUMNS: &str =
    "id, kind, date, year, fund_id, category_id, source_id, member_id,
    amount_fen, delta_fen, payment_form, voucher_year, voucher_seq, handler, note, created_at,
    reverses_entry_id, reversal_reason, approval_id, batch_id, visit_id, event, override_reason";

pub(super) fn label(table: &str) -> &str {
    match table {
        "settings" => "设置",
        "funds" => "资金",
        "fund_openings" => "年初余额",
        "categories" => "类别",
        "income_sources" => "收入来源",
        "members" => "会员",
        "rules" => "发放规则",
        "approvals" => "审批决议",
        "visit_reasons" => "走访事由",
        "visits" => "走访",
        "batches" => "批量发放",
        "entry_breaches" => "超标记录",
        "plans" => "互助保障计划",
        "enrolments" => "参保",
        "claims" => "理赔",
        "claim_documents" => "理赔材料",
        "claim_files" => "理赔扫描件",
        "closed_periods" => "结账",
        other => other,
    }
}

/// Creates, for this connection only, the temporary triggers that copy every row a
/// write inserts, updates or deletes into `temp.change_buffer` as JSON. They are made
/// from the tables as they are when the ledger opens, so a later migration's new
/// columns are logged without anyone remembering to; entries and the totals derived
/// from them are left out (entries are covered by their hashes).
pub(super) fn install_capture(conn: &Connection) -> Result<()> {
    if conn.is_server() {
        // The server's capture triggers are part of its schema (see `server`); each
        // session brings the buffer they write into.
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS change_buffer (
                 id BIGSERIAL PRIMARY KEY, tbl TEXT NOT NULL, op TEXT NOT NULL,
                 before TEXT, after TEXT)",
        )?;
        return Ok(());
    }
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS change_buffer (
             id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, op TEXT NOT NULL,
             before TEXT, after TEXT)",
    )?;
    let tables: Vec<String> = {
        let mut statement = conn.prepare(
            "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             ORDER BY name",
        )?;
        statement
            .query_map([], |row| row.get::<_, String>(0))?
            .collect::<super::sql::Result<Vec<_>>>()?
    };
    let mut sql = String::new();
    for table in tables {
        if UNLOGGED_TABLES.contains(&table.as_str()) {
            continue;
        }
        let columns = column_names(conn, &table)?;
        let object = |row: &str| super::replay::row_json(&columns, row);
        for (op, event, before, after) in [
            ("insert", "INSERT", "NULL".to_string(), object("NEW")),
            ("update", "UPDATE", object("OLD"), object("NEW")),
            ("delete", "DELETE", object("OLD"), "NULL".to_string()),
        ] {
            sql.push_str(&format!(
                "CREATE TEMP TRIGGER IF NOT EXISTS log_{table}_{op} AFTER {event} ON main.\"{table}\"
                 BEGIN INSERT INTO temp.change_buffer (tbl, op, before, after)
                 VALUES ('{table}', '{op}', {before}, {after}); END;\n"
            ));
        }
    }
    conn.execute_batch(&sql)?;
    Ok(())
}

pub(super) fn column_names(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut statement =
        conn.prepare_cached("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
    let names = statement
        .query_map([table], |row| row.get::<_, String>(0))?
        .collect::<super::sql::Result<Vec<_>>>()?;
    Ok(names)
}

/// The rows the write changed, taken out of the buffer, as JSON (table, operation,
/// before and after; an update keeps only the id and the columns that changed), and a
/// short summary per table ("会员：新增 1，修改 2").
fn take_changes(conn: &Connection) -> Result<(Vec<Value>, String)> {
    let buffered: Vec<(String, String, Option<String>, Option<String>)> = {
        let mut statement = conn
            .prepare_cached("SELECT tbl, op, before, after FROM temp.change_buffer ORDER BY id")?;
        statement
            .query_map([], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })?
            .collect::<super::sql::Result<Vec<_>>>()?
    };
    conn.execute("DELETE FROM temp.change_buffer", [])?;
    let parse = |text: &Option<String>| -> Map<String, Value> {
        text.as_deref()
            .and_then(|t| serde_json::from_str::<Value>(t).ok())
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default()
    };
    let mut counts: BTreeMap<String, [i64; 3]> = BTreeMap::new();
    let mut rows = Vec::new();
    let mut keys: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (table, op, before, after) in &buffered {
        let mut before = parse(before);
        let mut after = parse(after);
        if op == "update" {
            let changed: Vec<String> = after
                .iter()
                .filter(|(key, value)| before.get(*key) != Some(*value))
                .map(|(key, _)| key.clone())
                .collect();
            if changed.is_empty() {
                continue;
            }
            // The row's key stays, so the change can be replayed (see `replay`).
            if !keys.contains_key(table) {
                keys.insert(table.clone(), super::replay::key_columns(conn, table)?);
            }
            let key = &keys[table];
            before.retain(|column, _| key.contains(column) || changed.contains(column));
            after.retain(|column, _| key.contains(column) || changed.contains(column));
        }
        let slot = match op.as_str() {
            "insert" => 0,
            "update" => 1,
            _ => 2,
        };
        counts.entry(table.clone()).or_default()[slot] += 1;
        let mut row = Map::new();
        row.insert("table".into(), json!(table));
        row.insert("op".into(), json!(op));
        if !before.is_empty() {
            row.insert("before".into(), Value::Object(before));
        }
        if !after.is_empty() {
            row.insert("after".into(), Value::Object(after));
        }
        rows.push(Value::Object(row));
    }
    let summary = counts
        .iter()
        .map(|(table, [added, changed, removed])| {
            let mut parts = Vec::new();
            if *added > 0 {
                parts.push(format!("新增 {added}"));
            }
            if *changed > 0 {
                parts.push(format!("修改 {changed}"));
            }
            if *removed > 0 {
                parts.push(format!("删除 {removed}"));
            }
            format!("{}：{}", label(table), parts.join("，"))
        })
        .collect::<Vec<_>>()
        .join("；");
    Ok((rows, summary))
}

/// Per fund and year, income and spending summed from the entries while `verify`
/// hashes them (no second pass over millions of rows).
pub(super) type EntrySums = std::collections::HashMap<(i64, i64), (i64, i64)>;

/// Reuses its buffers from one entry to the next: the text of each column, one after
/// another, and where each ends — the same bytes `entry_hash` hashes, without a String
/// per column.
#[derive(Default)]
struct EntryHasher {
    text: Vec<u8>,
    ends: Vec<usize>,
}

impl EntryHasher {
    /// The id and the hash of the entry in `row` (selected as [`HASHED_ENTRY_COLUMNS`]);
    /// with `sums`, its amount is also added to its fund's totals.
    fn hash(
        &mut self,
        row: &super::sql::Row<'_>,
        sums: Option<&mut EntrySums>,
    ) -> Result<(i64, [u8; 32])> {
        use std::io::Write as _;
        self.text.clear();
        self.ends.clear();
        for index in 0..row.column_count() {
            let text = &mut self.text;
            row.with_cell(index, |cell| {
                match cell {
                    CellRef::Null => text.push(0),
                    CellRef::Integer(n) => {
                        let _ = write!(text, "{n}");
                    }
                    CellRef::Real(x) => {
                        let _ = write!(text, "{x}");
                    }
                    CellRef::Text(value) => text.extend_from_slice(value.as_bytes()),
                    CellRef::Blob(bytes) => match std::str::from_utf8(bytes) {
                        Ok(_) => text.extend_from_slice(bytes),
                        Err(_) => text.extend_from_slice(String::from_utf8_lossy(bytes).as_bytes()),
                    },
                }
                Ok(())
            })?;
            self.ends.push(self.text.len());
        }
        let mut start = 0;
        let text = &self.text;
        let columns = self.ends.iter().map(|&end| {
            let column = &text[start..end];
            start = end;
            column
        });
        let digest = entry_digest_of(columns);
        let id: i64 = row.get(0)?;
        if let Some(sums) = sums {
            // Columns: id, kind, date, year, fund_id, …, delta_fen (see above).
            let income = row.with_cell(1, |kind| Ok(kind == CellRef::Text("income")))?;
            let year: i64 = row.get(3)?;
            let fund: i64 = row.get(4)?;
            let delta: i64 = row.get(9)?;
            let slot = sums.entry((fund, year)).or_default();
            if income {
                slot.0 += delta;
            } else {
                slot.1 -= delta;
            }
        }
        Ok((id, digest))
    }
}

const ENTRIES_IN_RANGE: &str = "WHERE id BETWEEN ?1 AND ?2 ORDER BY id";

/// The hashes of entries with ids in `first..=last`, recomputed from their columns.
fn recompute_entry_hashes(conn: &Connection, first: i64, last: i64) -> Result<Vec<(i64, String)>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {HASHED_ENTRY_COLUMNS} FROM entries {ENTRIES_IN_RANGE}"
    ))?;
    let mut rows = statement.query((first, last))?;
    let mut hasher = EntryHasher::default();
    let mut hashes = Vec::new();
    while let Some(row) = rows.next()? {
        let (id, digest) = hasher.hash(&row, None)?;
        hashes.push((id, hex_digest(&digest)));
    }
    Ok(hashes)
}

/// Checks the entries one log row covers (`first..=last`) in one pass over the stored
/// hashes and the entries side by side, adding each entry to `sums`: the stored hashes
/// must give the row's digest, and each entry must hash to its stored hash. The
/// problem, if any: tampered hashes first (they explain any entry that then differs),
/// then the first entry changed or deleted.
fn check_entry_range(
    conn: &Connection,
    log_id: i64,
    first: i64,
    last: i64,
    expected_digest: &str,
    sums: &mut EntrySums,
) -> Result<Option<String>> {
    use sha2::Digest as _;
    let mut stored_statement = conn.prepare_cached(
        "SELECT entry_id, hash FROM entry_hashes WHERE entry_id BETWEEN ?1 AND ?2 ORDER BY entry_id",
    )?;
    let mut entries_statement = conn.prepare_cached(&format!(
        "SELECT {HASHED_ENTRY_COLUMNS} FROM entries {ENTRIES_IN_RANGE}"
    ))?;
    let mut stored = stored_statement.query((first, last))?;
    let mut entries = entries_statement.query((first, last))?;
    let mut hasher = EntryHasher::default();
    let mut next_entry = |sums: &mut EntrySums| -> Result<Option<(i64, [u8; 64])>> {
        match entries.next()? {
            Some(row) => {
                let (id, digest) = hasher.hash(&row, Some(sums))?;
                Ok(Some((id, hex64(&digest))))
            }
            None => Ok(None),
        }
    };
    let mut digest = sha2::Sha256::new();
    let mut count = 0i64;
    let mut problem: Option<String> = None;
    let mut current = next_entry(sums)?;
    while let Some(row) = stored.next()? {
        let id: i64 = row.get(0)?;
        // Read in place: two million hashes need no allocation each.
        let mut stored_hash = [0u8; 64];
        let length = row.with_cell(1, |cell| {
            let bytes = match cell {
                CellRef::Text(text) => text.as_bytes(),
                CellRef::Blob(bytes) => bytes,
                _ => &[],
            };
            let length = bytes.len().min(stored_hash.len());
            stored_hash[..length].copy_from_slice(&bytes[..length]);
            Ok(if bytes.len() > stored_hash.len() {
                usize::MAX
            } else {
                length
            })
        })?;
        let hash: &[u8] = if length == usize::MAX {
            // Longer than any hash: cannot match, and the digest must still see it.
            let text: String = row.get(1)?;
            digest.update(text.as_bytes());
            digest.update(b"\n");
            count += 1;
            problem.get_or_insert_with(|| {
                format!("凭证编号 {id} 的哈希记录格式不对（日志第 {log_id} 条）")
            });
            continue;
        } else {
            &stored_hash[..length]
        };
        digest.update(hash);
        digest.update(b"\n");
        count += 1;
        if problem.is_some() {
            continue;
        }
        while current.as_ref().is_some_and(|(now, _)| *now < id) {
            current = next_entry(sums)?;
        }
        match &current {
            Some((now, recomputed)) if *now == id => {
                if recomputed.as_slice() != hash {
                    let voucher: String = conn
                        .query_row(
                            "SELECT printf('%d-%06d', voucher_year, voucher_seq) FROM entries WHERE id = ?1",
                            [id],
                            |r| r.get(0),
                        )
                        .unwrap_or_else(|_| id.to_string());
                    problem = Some(format!(
                        "凭证 {voucher}（编号 {id}）的内容在程序之外被改动（日志第 {log_id} 条）"
                    ));
                }
                current = next_entry(sums)?;
            }
            _ => {
                problem = Some(format!(
                    "凭证编号 {id} 已被删除（日志第 {log_id} 条记有它）"
                ));
            }
        }
    }
    // The rest of the range still counts in the totals.
    while problem.is_none() && current.is_some() {
        current = next_entry(sums)?;
    }
    if hex_digest(&digest.finalize().into()) != expected_digest || count != last - first + 1 {
        return Ok(Some(format!("第 {log_id} 条日志所记凭证的哈希被改动")));
    }
    Ok(problem)
}

/// Runs `check` in one read snapshot of `conn` (in WAL mode another connection may go
/// on writing meanwhile; what it writes is checked next time).
fn in_snapshot<T>(conn: &Connection, check: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
    if !conn.is_autocommit() {
        return check(conn);
    }
    let snapshot = conn.snapshot()?;
    let result = check(&snapshot);
    snapshot.rollback()?;
    result
}

/// The change log's last row: its id and hash (0 and the genesis hash when empty).
pub(super) fn last_hash(conn: &Connection) -> Result<(i64, String)> {
    Ok(conn
        .query_row(
            "SELECT id, hash FROM change_log ORDER BY id DESC LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?
        .unwrap_or((0, GENESIS.to_string())))
}

/// The entries a write covers: those created in it (ids above `entries_before`), or,
/// for the first row of a ledger's log, every entry it already had.
pub(super) fn append(
    conn: &Connection,
    clerk: &str,
    at: NaiveDateTime,
    entries_before: i64,
    action: Option<&str>,
    baseline: Option<String>,
) -> Result<()> {
    let (prev_id, prev_hash) = last_hash(conn)?;
    let first_uncovered = if prev_id == 0 { 1 } else { entries_before + 1 };
    let last_entry: i64 = conn.query_row("SELECT ifnull(max(id), 0) FROM entries", [], |row| {
        row.get(0)
    })?;
    let (rows, mut summary) = take_changes(conn)?;
    let covered = if last_entry >= first_uncovered {
        let hashes = recompute_entry_hashes(conn, first_uncovered, last_entry)?;
        // Many rows per statement: one round trip per 500 entries on a server.
        for chunk in hashes.chunks(500) {
            let rows = vec!["(?, ?)"; chunk.len()].join(", ");
            let values: Vec<super::sql::Value> = chunk
                .iter()
                .flat_map(|(id, hash)| {
                    [
                        super::sql::Value::Integer(*id),
                        super::sql::Value::Text(hash.clone()),
                    ]
                })
                .collect();
            conn.prepare_cached(&format!(
                "INSERT INTO entry_hashes (entry_id, hash) VALUES {rows}"
            ))?
            .execute(super::sql::params_from_iter(values))?;
        }
        let count = hashes.len();
        let digest = entries_digest(hashes.iter().map(|(_, hash)| hash.as_str()));
        let text = format!("凭证：新增 {count}");
        summary = if summary.is_empty() {
            text
        } else {
            format!("{text}；{summary}")
        };
        Some((first_uncovered, last_entry, digest))
    } else {
        None
    };
    if rows.is_empty() && covered.is_none() && baseline.is_none() {
        return Ok(());
    }
    if prev_id == 0 && covered.is_some() && entries_before > 0 {
        summary = format!("建立变更日志，接管已有记录；{summary}");
    }
    let action = match action {
        Some(action) if !summary.is_empty() => format!("{action}（{summary}）"),
        Some(action) => action.to_string(),
        None => summary,
    };
    let mut row = LogRow {
        id: prev_id + 1,
        at,
        clerk: clerk.to_string(),
        action,
        detail: baseline.unwrap_or_else(|| Value::Array(rows).to_string()),
        first_entry_id: covered.as_ref().map(|c| c.0),
        last_entry_id: covered.as_ref().map(|c| c.1),
        entries_digest: covered.map(|c| c.2).unwrap_or_default(),
        prev_hash: prev_hash.clone(),
        hash: String::new(),
    };
    row.hash = row_hash(&prev_hash, &row);
    conn.execute(
        "INSERT INTO change_log (id, at, clerk, action, detail, first_entry_id, last_entry_id,
                                 entries_digest, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        (
            row.id,
            datetime_text(row.at),
            &row.clerk,
            &row.action,
            &row.detail,
            row.first_entry_id,
            row.last_entry_id,
            &row.entries_digest,
            &row.prev_hash,
            &row.hash,
        ),
    )?;
    Ok(())
}

fn log_row(row: &super::sql::Row<'_>) -> super::sql::Result<LogRow> {
    Ok(LogRow {
        id: row.get(0)?,
        at: parse_datetime(1, &row.get::<_, String>(1)?)?,
        clerk: row.get(2)?,
        action: row.get(3)?,
        detail: row.get(4)?,
        first_entry_id: row.get(5)?,
        last_entry_id: row.get(6)?,
        entries_digest: row.get(7)?,
        prev_hash: row.get(8)?,
        hash: row.get(9)?,
    })
}

const LOG_COLUMNS: &str = "id, at, clerk, action, detail, first_entry_id, last_entry_id,
    entries_digest, prev_hash, hash";

/// Which log rows to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// Text in the action, the clerk or the detail.
    pub text: String,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub limit: i64,
}

impl Ledger {
    /// The change log's head: the hash of its last row.
    pub fn chain_head(&self) -> Result<String> {
        Ok(last_hash(self.conn())?.1)
    }

    /// Recomputes the whole chain and every entry's hash, replays every other table
    /// against the log and checks the kept totals; names the first problem. SQLite's
    /// full `integrity_check` comes with it (see [`Ledger::verify_with`]).
    pub fn verify(&self) -> Result<ChainReport> {
        self.verify_with(FileCheck::Full)
    }

    /// [`Ledger::verify`], counting the entries hashed into `progress`.
    pub fn verify_counted(&self, progress: &Progress) -> Result<ChainReport> {
        self.verify_with_counted(FileCheck::Full, progress)
    }

    /// [`Ledger::verify`] with the check of the file itself at `depth`. It runs on a
    /// second, read-only connection on another thread while this one checks the books
    /// (opening a ledger reads only the header and the root pages, so this is where a
    /// damaged page, record or index is found). The books are read in one consistent
    /// snapshot (in WAL mode another connection may go on writing meanwhile; what it
    /// writes is checked next time).
    pub fn verify_with(&self, depth: FileCheck) -> Result<ChainReport> {
        self.verify_with_counted(depth, &Progress::none())
    }

    /// [`Ledger::verify_with`], counting the entries hashed into `progress`.
    pub fn verify_with_counted(
        &self,
        depth: FileCheck,
        progress: &Progress,
    ) -> Result<ChainReport> {
        // The file and the replay of every table on one thread, the chain and the
        // entries on this one: each half is about the same work on a large ledger.
        let file_and_tables = |conn: &Connection| -> (Option<String>, Result<Vec<String>>) {
            match super::integrity::integrity_problem(conn, depth) {
                Some(damage) => (Some(damage), Ok(Vec::new())),
                None => (None, in_snapshot(conn, super::replay::outside_changes)),
            }
        };
        let ((damage, outside), books) = match self.path() {
            Some(path) => std::thread::scope(|scope| {
                let other = scope.spawn(|| {
                    match rusqlite::Connection::open_with_flags(
                        path,
                        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                            | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                    ) {
                        Ok(conn) => file_and_tables(&Connection::Lite(conn)),
                        Err(error) => (Some(error.to_string()), Ok(Vec::new())),
                    }
                });
                let books = in_snapshot(self.conn(), |conn| Self::verify_on(conn, progress));
                let other = other
                    .join()
                    .unwrap_or_else(|_| (Some("检查线程意外退出".into()), Ok(Vec::new())));
                (other, books)
            }),
            None => (
                file_and_tables(self.conn()),
                in_snapshot(self.conn(), |conn| Self::verify_on(conn, progress)),
            ),
        };
        match damage {
            // A damaged file may fail the books' check in any way: the damage is the
            // finding.
            Some(damage) => Ok(ChainReport {
                log_rows: 0,
                entries: 0,
                head: String::new(),
                broken: None,
                damaged: Some(damage),
                pages_checked: true,
            }),
            None => {
                let mut report = books?;
                // Every other table: the log replayed onto its newest baseline must
                // give what the tables hold.
                let problems = outside?;
                if report.broken.is_none() && !problems.is_empty() {
                    let mut text = problems
                        .iter()
                        .take(5)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("；");
                    if problems.len() > 5 {
                        text.push_str(&format!("；另有 {} 处", problems.len() - 5));
                    }
                    report.broken = Some(text);
                }
                Ok(report)
            }
        }
    }

    /// The chain, the entries and the kept totals: the books' part of
    /// [`Ledger::verify_with`].
    fn verify_on(conn: &Connection, progress: &Progress) -> Result<ChainReport> {
        let mut statement =
            conn.prepare(&format!("SELECT {LOG_COLUMNS} FROM change_log ORDER BY id"))?;
        let rows = statement
            .query_map([], log_row)?
            .collect::<super::sql::Result<Vec<_>>>()?;
        let entries: i64 = conn.query_row("SELECT count(*) FROM entries", [], |r| r.get(0))?;
        let max_entry: i64 =
            conn.query_row("SELECT ifnull(max(id), 0) FROM entries", [], |r| r.get(0))?;
        progress.set_total(max_entry.max(0) as u64);
        let head = rows
            .last()
            .map_or(GENESIS.to_string(), |row| row.hash.clone());
        let report = |broken: Option<String>| ChainReport {
            log_rows: rows.len() as i64,
            entries,
            head: head.clone(),
            broken,
            damaged: None,
            pages_checked: !conn.is_server(),
        };
        if let Err(problem) = check_rows(&rows) {
            return Ok(report(Some(problem)));
        }
        // The entries: each log row's range, in order, must continue where the last
        // one ended, and hash to what was recorded.
        let mut next_entry = 1i64;
        let mut sums = EntrySums::new();
        for row in &rows {
            let (Some(first), Some(last)) = (row.first_entry_id, row.last_entry_id) else {
                continue;
            };
            if first != next_entry {
                return Ok(report(Some(format!(
                    "凭证编号 {next_entry} 起没有日志记录（凭证在程序之外被插入或删除）"
                ))));
            }
            if let Some(problem) =
                check_entry_range(conn, row.id, first, last, &row.entries_digest, &mut sums)?
            {
                return Ok(report(Some(problem)));
            }
            progress.set_done(last.max(0) as u64);
            next_entry = last + 1;
        }
        if next_entry <= max_entry {
            return Ok(report(Some(format!(
                "凭证编号 {next_entry} 至 {max_entry} 没有日志记录（凭证在程序之外被插入）"
            ))));
        }
        // The totals kept from the entries by triggers, against the sums taken while
        // hashing them.
        let kept: Vec<(i64, i64, i64, i64)> = {
            let mut statement = conn.prepare(
                "SELECT fund_id, year, income_fen, spending_fen FROM fund_year_totals
                 WHERE income_fen <> 0 OR spending_fen <> 0",
            )?;
            statement
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<super::sql::Result<Vec<_>>>()?
        };
        let mut off = None;
        for (fund, year, income, spending) in &kept {
            if sums.remove(&(*fund, *year)).unwrap_or_default() != (*income, *spending) {
                off = Some((*fund, *year));
                break;
            }
        }
        if off.is_none() {
            off = sums
                .into_iter()
                .find(|(_, totals)| *totals != (0, 0))
                .map(|(key, _)| key);
        }
        if let Some((fund, year)) = off {
            let name: String = conn
                .query_row("SELECT name FROM funds WHERE id = ?1", [fund], |row| {
                    row.get(0)
                })
                .unwrap_or_else(|_| fund.to_string());
            return Ok(report(Some(format!(
                "资金“{name}”{year} 年的收支合计与凭证不符（在程序之外被改动）"
            ))));
        }
        Ok(report(None))
    }

    /// Log rows, newest first, filtered.
    pub fn change_log(&self, filter: &LogFilter) -> Result<Vec<LogRow>> {
        let mut conditions = vec!["1 = 1".to_string()];
        let mut params: Vec<super::sql::Value> = Vec::new();
        if !filter.text.trim().is_empty() {
            conditions.push("(action LIKE ? OR clerk LIKE ? OR detail LIKE ?)".into());
            let pattern = format!("%{}%", filter.text.trim());
            for _ in 0..3 {
                params.push(pattern.clone().into());
            }
        }
        if let Some(from) = filter.from {
            conditions.push("at >= ?".into());
            params.push(from.format("%Y-%m-%d").to_string().into());
        }
        if let Some(to) = filter.to {
            conditions.push("at < ?".into());
            params.push(
                (to + chrono::Duration::days(1))
                    .format("%Y-%m-%d")
                    .to_string()
                    .into(),
            );
        }
        let limit = if filter.limit > 0 { filter.limit } else { 200 };
        let mut statement = self.conn().prepare(&format!(
            "SELECT {LOG_COLUMNS} FROM change_log WHERE {} ORDER BY id DESC LIMIT {limit}",
            conditions.join(" AND ")
        ))?;
        let rows = statement
            .query_map(super::sql::params_from_iter(params), log_row)?
            .collect::<super::sql::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
