//! The union above's consolidation book (汇总台账): the branch snapshots registered,
//! each checked before it is taken, each registration a row of a hash chain of its
//! own. A branch whose history was rebuilt between two submissions is a finding with
//! both heads; a tampered, foreign or unclosed snapshot is refused and left untouched.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::snapshot::{SnapshotManifest, read_manifest};
use super::{Ledger, Result, StoreError};
use crate::core::changelog::sha256_hex;
use crate::core::date::Clock;
use crate::core::forms::FigureTarget;

/// Marks a consolidation book in the SQLite header (`PRAGMA application_id`): "ULCB".
const BOOK_ID: i32 = 0x554C_4342;

/// The chain's start.
const GENESIS: &str = "union-ledger consolidation book";

/// One snapshot registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Registration {
    pub id: i64,
    pub branch: String,
    pub period_label: String,
    pub period_start: String,
    pub period_end: String,
    pub head: String,
    pub log_rows: i64,
    pub entries: i64,
    /// The copy kept in the book's folder, and its SHA-256.
    pub stored: String,
    pub file_sha256: String,
    pub registered_at: String,
    /// A branch that rebuilt its history since its last submission: both heads.
    pub finding: String,
    pub hash: String,
}

/// A consolidation book: a SQLite file and, beside it, the snapshots it took.
pub struct ConsolidationBook {
    conn: Connection,
    path: PathBuf,
}

fn refused(path: &Path, detail: impl Into<String>) -> StoreError {
    StoreError::CannotOpen {
        path: path.to_path_buf(),
        detail: detail.into(),
    }
}

impl ConsolidationBook {
    /// Opens the book at `path`, making a new one when there is no file; a file that is
    /// not a consolidation book is refused and left as it is.
    pub fn open(path: &Path) -> Result<Self> {
        let exists = path.metadata().is_ok_and(|m| m.len() > 0);
        if let Some(folder) = path.parent()
            && !folder.as_os_str().is_empty()
        {
            std::fs::create_dir_all(folder).map_err(|e| refused(path, e.to_string()))?;
        }
        if exists {
            let probe =
                Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                    .map_err(|e| refused(path, e.to_string()))?;
            let id: i32 = probe
                .pragma_query_value(None, "application_id", |row| row.get(0))
                .map_err(|_| {
                    refused(
                        path,
                        "不是汇总台账文件（文件已损坏或是其他程序的文件），未做任何改动",
                    )
                })?;
            if id != BOOK_ID {
                return Err(refused(path, "不是汇总台账文件，未做任何改动"));
            }
        }
        let conn = Connection::open(path).map_err(|e| refused(path, e.to_string()))?;
        if !exists {
            conn.execute_batch(&format!(
                "PRAGMA application_id = {BOOK_ID};
                 CREATE TABLE registrations (
                    id INTEGER PRIMARY KEY, branch TEXT NOT NULL, period_label TEXT NOT NULL,
                    period_start TEXT NOT NULL, period_end TEXT NOT NULL, head TEXT NOT NULL,
                    log_rows INTEGER NOT NULL, entries INTEGER NOT NULL, stored TEXT NOT NULL,
                    file_sha256 TEXT NOT NULL, registered_at TEXT NOT NULL,
                    finding TEXT NOT NULL, hash TEXT NOT NULL
                 ) STRICT;
                 CREATE TRIGGER registrations_append_only_update BEFORE UPDATE ON registrations
                 BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
                 CREATE TRIGGER registrations_append_only_delete BEFORE DELETE ON registrations
                 BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;"
            ))
            .map_err(|e| refused(path, e.to_string()))?;
        }
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Opens a book that exists, to read it: a missing file is refused, not made.
    pub fn open_existing(path: &Path) -> Result<Self> {
        if !path.is_file() {
            return Err(refused(
                path,
                "汇总台账不存在：先用 union-ledger consolidate add（或“汇总”页的检查并登记）登记分会快照",
            ));
        }
        Self::open(path)
    }

    /// Every registration, oldest first.
    pub fn registrations(&self) -> Result<Vec<Registration>> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT id, branch, period_label, period_start, period_end, head, log_rows, entries,
                        stored, file_sha256, registered_at, finding, hash
                 FROM registrations ORDER BY id",
            )
            .map_err(|e| refused(&self.path, e.to_string()))?;
        let rows = statement
            .query_map([], |row| {
                Ok(Registration {
                    id: row.get(0)?,
                    branch: row.get(1)?,
                    period_label: row.get(2)?,
                    period_start: row.get(3)?,
                    period_end: row.get(4)?,
                    head: row.get(5)?,
                    log_rows: row.get(6)?,
                    entries: row.get(7)?,
                    stored: row.get(8)?,
                    file_sha256: row.get(9)?,
                    registered_at: row.get(10)?,
                    finding: row.get(11)?,
                    hash: row.get(12)?,
                })
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| refused(&self.path, e.to_string()))?;
        Ok(rows)
    }

    /// The first registration whose hash does not follow from the one before, if any.
    pub fn verify(&self) -> Result<Option<String>> {
        let mut previous = sha256_hex(GENESIS.as_bytes());
        for registration in self.registrations()? {
            if registration_hash(&previous, &registration) != registration.hash {
                return Ok(Some(format!(
                    "第 {} 条登记（{} {}）被改动过",
                    registration.id, registration.branch, registration.period_label
                )));
            }
            previous = registration.hash;
        }
        Ok(None)
    }

    /// Checks the snapshot at `snapshot` and registers it: it must open as a ledger,
    /// pass the full integrity check and the change log's verification, match its
    /// manifest, and have its period closed. A copy is kept in the book's folder.
    pub fn register(&mut self, snapshot: &Path, clock: &dyn Clock) -> Result<Registration> {
        let manifest: SnapshotManifest = read_manifest(snapshot)?.ok_or_else(|| {
            refused(
                snapshot,
                "不是上报快照（没有上报清单）：请让分会用 union-ledger export 导出",
            )
        })?;
        let ledger = Ledger::open_read_only(snapshot, clock)?;
        let report = ledger.verify()?;
        if let Some(problem) = report.problem() {
            return Err(refused(
                snapshot,
                format!("快照校验未通过，可能在导出后被改动，不予登记：{problem}"),
            ));
        }
        if report.head != manifest.head || report.log_rows != manifest.log_rows {
            return Err(refused(
                snapshot,
                format!(
                    "快照与其上报清单不符（清单链头 {}，实际 {}），不予登记",
                    manifest.head, report.head
                ),
            ));
        }
        let end = crate::core::date::parse_date(&manifest.period_end)
            .map_err(|e| refused(snapshot, format!("上报清单的期间有误：{e}")))?;
        let start = crate::core::date::parse_date(&manifest.period_start)
            .map_err(|e| refused(snapshot, format!("上报清单的期间有误：{e}")))?;
        if !ledger.is_period_closed(crate::core::date::Period::new(start, end))? {
            return Err(refused(
                snapshot,
                format!(
                    "{}在快照中尚未结账，不予登记：请分会先结账再导出",
                    manifest.period_label
                ),
            ));
        }
        let registered = self.registrations()?;
        let bytes = std::fs::read(snapshot).map_err(|e| refused(snapshot, e.to_string()))?;
        let file_sha256 = sha256_hex(&bytes);
        if let Some(same) = registered.iter().find(|r| r.file_sha256 == file_sha256) {
            return Err(refused(
                snapshot,
                format!(
                    "这份快照已于 {} 登记（第 {} 条），不重复登记",
                    same.registered_at, same.id
                ),
            ));
        }
        // The branch's last submission: its log row at the earlier head must be there
        // still, unchanged.
        let earlier = registered
            .into_iter()
            .rev()
            .find(|registration| registration.branch == manifest.union_name);
        let finding = match &earlier {
            Some(earlier) => {
                use super::sql::OptionalExtension as _;
                let at: Option<String> = ledger
                    .conn()
                    .query_row(
                        "SELECT hash FROM change_log WHERE id = ?1",
                        [earlier.log_rows],
                        |row| row.get(0),
                    )
                    .optional()?;
                match at {
                    Some(hash) if hash == earlier.head => String::new(),
                    other => format!(
                        "历史被重建：上次登记（{}）的链头为 {}，本次快照第 {} 条日志为 {}",
                        earlier.period_label,
                        earlier.head,
                        earlier.log_rows,
                        other.unwrap_or_else(|| "（不存在）".to_string())
                    ),
                }
            }
            None => String::new(),
        };
        drop(ledger);
        // A copy in the book's folder: the book reads its own copies, whatever becomes
        // of the file sent.
        let folder = self.path.with_extension("snapshots");
        std::fs::create_dir_all(&folder).map_err(|e| refused(&folder, e.to_string()))?;
        let stored = folder.join(format!(
            "{}-{}-{}.db",
            sanitize(&manifest.union_name),
            manifest.period_start,
            &file_sha256[..12]
        ));
        let part = stored.with_extension("db.part");
        std::fs::write(&part, &bytes)
            .and_then(|()| std::fs::rename(&part, &stored))
            .map_err(|e| refused(&stored, e.to_string()))?;
        let previous: String = self
            .conn
            .query_row(
                "SELECT hash FROM registrations ORDER BY id DESC LIMIT 1",
                [],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| refused(&self.path, e.to_string()))?
            .unwrap_or_else(|| sha256_hex(GENESIS.as_bytes()));
        let mut registration = Registration {
            id: 0,
            branch: manifest.union_name.clone(),
            period_label: manifest.period_label.clone(),
            period_start: manifest.period_start.clone(),
            period_end: manifest.period_end.clone(),
            head: manifest.head.clone(),
            log_rows: manifest.log_rows,
            entries: manifest.entries,
            stored: stored.display().to_string(),
            file_sha256,
            registered_at: super::codec::datetime_text(clock.now()),
            finding,
            hash: String::new(),
        };
        let tx = self
            .conn
            .transaction()
            .map_err(|e| refused(&self.path, e.to_string()))?;
        let id: i64 = tx
            .query_row(
                "SELECT ifnull(max(id), 0) + 1 FROM registrations",
                [],
                |row| row.get(0),
            )
            .map_err(|e| refused(&self.path, e.to_string()))?;
        registration.id = id;
        registration.hash = registration_hash(&previous, &registration);
        tx.execute(
            "INSERT INTO registrations (id, branch, period_label, period_start, period_end, head,
                log_rows, entries, stored, file_sha256, registered_at, finding, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            rusqlite::params![
                registration.id,
                registration.branch,
                registration.period_label,
                registration.period_start,
                registration.period_end,
                registration.head,
                registration.log_rows,
                registration.entries,
                registration.stored,
                registration.file_sha256,
                registration.registered_at,
                registration.finding,
                registration.hash,
            ],
        )
        .and_then(|_| tx.commit())
        .map_err(|e| refused(&self.path, e.to_string()))?;
        Ok(registration)
    }
}

impl ConsolidationBook {
    /// A form over every branch that sent a snapshot covering `period` (the latest
    /// one of each): the total, then each branch's own; the branches registered before
    /// that sent none for it are named. `request` is the form each branch makes of its
    /// own snapshot (the quarterly tally, the annual statement, the audit report).
    pub fn consolidated_form(
        &self,
        union_name: &str,
        request: &crate::core::forms::FormRequest,
        period: crate::core::date::Period,
        today: chrono::NaiveDate,
        clock: &dyn Clock,
    ) -> Result<crate::core::forms::Form> {
        let registrations = self.registrations()?;
        let end = crate::core::date::format_date(period.end);
        let mut branches: Vec<String> = Vec::new();
        for registration in &registrations {
            if !branches.contains(&registration.branch) {
                branches.push(registration.branch.clone());
            }
        }
        let mut forms = Vec::new();
        let mut missing = Vec::new();
        for branch in branches {
            let latest = registrations
                .iter()
                .rev()
                .find(|r| r.branch == branch && r.period_end >= end);
            match latest {
                Some(registration) => {
                    let ledger = Ledger::open_read_only(Path::new(&registration.stored), clock)?;
                    let (form, transfers) = ledger.consolidation_form(request, today)?;
                    forms.push(crate::core::forms::BranchForm {
                        name: branch,
                        form,
                        transfers,
                    });
                }
                None => missing.push(branch),
            }
        }
        crate::core::forms::consolidated(union_name, &forms, &missing).ok_or_else(|| {
            StoreError::invalid(
                "期间",
                format!("没有哪个分会登记过覆盖{}的快照", period.label_with_dates()),
            )
        })
    }
}

/// A registration's hash: the previous one and every field, one per line.
fn registration_hash(previous: &str, registration: &Registration) -> String {
    let text = [
        previous.to_string(),
        registration.id.to_string(),
        registration.branch.clone(),
        registration.period_start.clone(),
        registration.period_end.clone(),
        registration.head.clone(),
        registration.log_rows.to_string(),
        registration.entries.to_string(),
        registration.file_sha256.clone(),
        registration.registered_at.clone(),
        registration.finding.clone(),
    ]
    .join("\n");
    sha256_hex(text.as_bytes())
}

/// A branch's name as part of a file name.
fn sanitize(name: &str) -> String {
    name.chars()
        .map(|ch| {
            if ch.is_whitespace() || "/\\:*?\"<>|".contains(ch) {
                '_'
            } else {
                ch
            }
        })
        .collect()
}

/// The entries behind a figure of one branch, read from the snapshot the book holds.
#[derive(Debug, Clone)]
pub struct BranchEntries {
    pub branch: String,
    pub registration: Registration,
    pub period: crate::core::date::Period,
    pub target: FigureTarget,
    /// The filter in the snapshot's own ids, for opening it at these entries.
    pub filter: super::LedgerFilter,
    /// The entries (the first `limit` of them, when one was given).
    pub rows: Vec<super::LedgerRow>,
    /// How many there are, and the figure they all add up to: spending positive for
    /// spending, income for income.
    pub count: i64,
    pub total_fen: i64,
}

/// The entries the window lists for one figure (their count and total cover all).
pub const BRANCH_ENTRIES_SHOWN: i64 = 2_000;

impl ConsolidationBook {
    /// The latest registration of `branch` whose snapshot covers `period`.
    pub fn covering(
        &self,
        branch: &str,
        period: crate::core::date::Period,
    ) -> Result<Registration> {
        let end = crate::core::date::format_date(period.end);
        let registrations = self.registrations()?;
        if !registrations.iter().any(|r| r.branch == branch) {
            let mut known: Vec<&str> = Vec::new();
            for r in &registrations {
                if !known.contains(&r.branch.as_str()) {
                    known.push(&r.branch);
                }
            }
            return Err(StoreError::invalid(
                "分会",
                format!(
                    "没有登记过“{branch}”的快照；已登记的分会：{}",
                    if known.is_empty() {
                        "无".to_string()
                    } else {
                        known.join("、")
                    }
                ),
            ));
        }
        registrations
            .into_iter()
            .rev()
            .find(|r| r.branch == branch && r.period_end >= end)
            .ok_or_else(|| {
                StoreError::invalid(
                    "期间",
                    format!(
                        "分会“{branch}”没有登记覆盖{}的快照",
                        period.label_with_dates()
                    ),
                )
            })
    }

    /// The entries behind one figure of `branch`'s own form over `period`, read from
    /// the book's copy of its latest snapshot covering it, opened read-only.
    pub fn branch_entries(
        &self,
        branch: &str,
        period: crate::core::date::Period,
        target: FigureTarget,
        limit: Option<i64>,
        clock: &dyn Clock,
    ) -> Result<BranchEntries> {
        use crate::core::model::EntryKind;
        let registration = self.covering(branch, period)?;
        let ledger = Ledger::open_read_only(Path::new(&registration.stored), clock)?;
        let mut filter = super::LedgerFilter {
            period: Some(period),
            ..Default::default()
        };
        let missing = |what: &str, name: &str| {
            StoreError::not_found(format!("分会“{branch}”快照中的{what}“{name}”"))
        };
        let spending = match &target {
            FigureTarget::Category {
                name,
                group,
                parent,
            } => {
                let categories = ledger.categories()?;
                let group_id = match parent {
                    Some(parent) => Some(
                        categories
                            .iter()
                            .find(|c| c.parent_id.is_none() && c.name == *parent)
                            .ok_or_else(|| missing("支出分组", parent))?
                            .id,
                    ),
                    None => None,
                };
                let category = categories
                    .iter()
                    .find(|c| {
                        c.name == *name
                            && c.parent_id.is_none() == *group
                            && (group_id.is_none() || c.parent_id == group_id)
                    })
                    .ok_or_else(|| missing("支出类别", name))?;
                filter.category_id = Some(category.id);
                true
            }
            FigureTarget::Source(name) => {
                let source = ledger
                    .income_sources()?
                    .into_iter()
                    .find(|s| s.name == *name)
                    .ok_or_else(|| missing("收入来源", name))?;
                filter.source_id = Some(source.id);
                false
            }
            FigureTarget::Fund { name, spending } => {
                let fund = ledger
                    .funds()?
                    .into_iter()
                    .find(|f| f.name == *name)
                    .ok_or_else(|| missing("资金", name))?;
                filter.fund_id = Some(fund.id);
                *spending
            }
            FigureTarget::All { spending } => *spending,
        };
        filter.kind = Some(if spending {
            EntryKind::Disbursement
        } else {
            EntryKind::Income
        });
        let index = ledger.ledger_index(&filter)?;
        // Every entry is added up, a page at a time; the first `limit` are kept.
        const PAGE: i64 = 5_000;
        let mut rows = Vec::new();
        let mut sum = 0;
        let mut offset = 0;
        while offset < index.count {
            let page = ledger.ledger_page(&index, super::LedgerOrder::OldestFirst, offset, PAGE)?;
            if page.is_empty() {
                break;
            }
            offset += page.len() as i64;
            sum += page.iter().map(|row| row.delta_fen).sum::<i64>();
            let room = limit.map_or(usize::MAX, |limit| {
                usize::try_from(limit)
                    .unwrap_or(0)
                    .saturating_sub(rows.len())
            });
            rows.extend(page.into_iter().take(room));
        }
        Ok(BranchEntries {
            branch: branch.to_string(),
            registration,
            period,
            target,
            filter,
            rows,
            count: index.count,
            total_fen: if spending { -sum } else { sum },
        })
    }
}
