//! Entries: income and disbursements, append-only, with voucher numbers and running
//! totals assigned inside the writing transaction.

use super::sql::{OptionalExtension, Row, Transaction};
use chrono::{Datelike, NaiveDate};

use super::codec::{date_text, datetime_text, parse_code, parse_date, parse_datetime};
use super::policy;
use super::{Ledger, Result, StoreError};
use crate::core::date::{Clock, Period, format_date};
use crate::core::model::{Entry, EntryExtras, EntryKind, NewEntry, PaymentForm};
use crate::core::money::{MAX_AMOUNT_FEN, format_fen};
use crate::core::policy::Finding;
use crate::core::report::CategoryAmount;

pub(super) const ENTRY_COLUMNS: &str = "e.id, e.kind, e.date, e.fund_id, e.category_id, e.source_id, e.member_id,
    e.amount_fen, e.payment_form, e.voucher_year, e.voucher_seq, e.handler, e.note, e.created_at,
    e.reverses_entry_id, (SELECT r.id FROM entries r WHERE r.reverses_entry_id = e.id), e.reversal_reason,
    e.approval_id, e.batch_id, e.visit_id, e.event, e.override_reason";

/// Reads an entry from the first 22 columns of a row selected with [`ENTRY_COLUMNS`].
pub(super) fn entry_from_row(row: &Row<'_>) -> super::sql::Result<(Entry, String)> {
    Ok((
        Entry {
            id: row.get(0)?,
            kind: parse_code(1, &row.get::<_, String>(1)?, EntryKind::parse)?,
            date: parse_date(2, &row.get::<_, String>(2)?)?,
            fund_id: row.get(3)?,
            category_id: row.get(4)?,
            source_id: row.get(5)?,
            member_id: row.get(6)?,
            amount_fen: row.get(7)?,
            payment_form: parse_code(8, &row.get::<_, String>(8)?, PaymentForm::parse)?,
            voucher_year: row.get(9)?,
            voucher_seq: row.get(10)?,
            handler: row.get(11)?,
            note: row.get(12)?,
            created_at: parse_datetime(13, &row.get::<_, String>(13)?)?,
            reverses_entry_id: row.get(14)?,
            reversed_by_entry_id: row.get(15)?,
            approval_id: row.get(17)?,
            batch_id: row.get(18)?,
            visit_id: row.get(19)?,
            event: row.get(20)?,
            override_reason: row.get(21)?,
        },
        row.get(16)?,
    ))
}

/// One entry by id through any connection (also inside a transaction).
fn entry_in(conn: &super::sql::Connection, id: i64) -> Result<Entry> {
    conn.query_row(
        &format!("SELECT {ENTRY_COLUMNS} FROM entries e WHERE e.id = ?1"),
        [id],
        entry_from_row,
    )
    .optional()?
    .map(|(entry, _)| entry)
    .ok_or_else(|| StoreError::not_found(format!("凭证（编号 {id}）")))
}

pub(super) use super::append::EntryLinks;

/// Inserts one validated entry through the one entry-writing path (see `append`).
pub(super) fn insert_entry(
    tx: &Transaction<'_>,
    entry: &NewEntry,
    links: EntryLinks<'_>,
    created_at: &str,
) -> Result<i64> {
    let ids = super::append::append(tx, &[super::append::NewRow { entry, links }], created_at)?;
    Ok(ids[0])
}

/// Checks an entry against the chart and the register; the error names the field.
pub(super) fn validate_entry(
    tx: &super::sql::Connection,
    entry: &NewEntry,
    today: NaiveDate,
) -> Result<()> {
    if entry.amount_fen <= 0 {
        return Err(StoreError::invalid("金额", "必须大于 0"));
    }
    if entry.amount_fen > MAX_AMOUNT_FEN {
        return Err(StoreError::invalid(
            "金额",
            format!("{} 元超过单笔上限 1 亿元", format_fen(entry.amount_fen)),
        ));
    }
    if entry.date > today {
        return Err(StoreError::invalid(
            "日期",
            format!(
                "{} 晚于今天（{}），台账只记已发生的收支",
                format_date(entry.date),
                format_date(today)
            ),
        ));
    }
    if entry.date.year() < 1990 {
        return Err(StoreError::invalid(
            "日期",
            format!("{} 太早，请检查年份", format_date(entry.date)),
        ));
    }
    let fund: Option<(String, bool)> = tx
        .query_row(
            "SELECT name, is_active FROM funds WHERE id = ?1",
            [entry.fund_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match fund {
        None => {
            return Err(StoreError::invalid(
                "资金",
                format!("编号 {} 的资金不存在", entry.fund_id),
            ));
        }
        Some((name, false)) => return Err(StoreError::invalid("资金", format!("“{name}”已停用"))),
        Some(_) => {}
    }
    let mut member_required = false;
    match entry.kind {
        EntryKind::Disbursement => {
            let Some(category_id) = entry.category_id else {
                return Err(StoreError::invalid("类别", "支出必须选择类别"));
            };
            if entry.source_id.is_some() {
                return Err(StoreError::invalid("收入来源", "支出不填收入来源"));
            }
            let category: Option<(String, bool, bool, i64)> = tx
                .query_row(
                    "SELECT name, is_active, requires_member, (SELECT count(*) FROM categories c WHERE c.parent_id = categories.id)
                     FROM categories WHERE id = ?1",
                    [category_id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            let Some((name, is_active, requires_member, children)) = category else {
                return Err(StoreError::invalid(
                    "类别",
                    format!("编号 {category_id} 的类别不存在"),
                ));
            };
            if !is_active {
                return Err(StoreError::invalid("类别", format!("“{name}”已停用")));
            }
            if children > 0 {
                return Err(StoreError::invalid(
                    "类别",
                    format!("“{name}”是类别组，请选择其下的明细类别"),
                ));
            }
            member_required = requires_member;
        }
        EntryKind::Income => {
            let Some(source_id) = entry.source_id else {
                return Err(StoreError::invalid("收入来源", "收入必须选择来源"));
            };
            if entry.category_id.is_some() {
                return Err(StoreError::invalid("类别", "收入不填支出类别"));
            }
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM income_sources WHERE id = ?1)",
                [source_id],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(StoreError::invalid(
                    "收入来源",
                    format!("编号 {source_id} 的来源不存在"),
                ));
            }
        }
    }
    match entry.member_id {
        Some(member_id) => {
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM members WHERE id = ?1)",
                [member_id],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(StoreError::invalid(
                    "会员",
                    format!("编号 {member_id} 的会员不存在"),
                ));
            }
        }
        None if member_required => {
            return Err(StoreError::invalid(
                "会员",
                "该类别发放到个人，必须选择会员",
            ));
        }
        None => {}
    }
    Ok(())
}

impl Ledger {
    /// Records an entry and returns it as saved, with its voucher number.
    /// Records an entry and returns it as saved, with its voucher number. The
    /// union's rules are checked: a breach refuses the entry (see
    /// [`Ledger::add_entry_with`] to save over it with a reason).
    pub fn add_entry(&mut self, entry: &NewEntry, clock: &dyn Clock) -> Result<Entry> {
        self.add_entry_with(entry, &EntryExtras::default(), clock)
    }

    /// Records an entry with its event, approval and, when it breaks a rule, the
    /// written reason to save it anyway. Without a reason a breach refuses the entry
    /// with every finding; with one, the entry keeps the reason and the rules broken.
    pub fn add_entry_with(
        &mut self,
        entry: &NewEntry,
        extras: &EntryExtras,
        clock: &dyn Clock,
    ) -> Result<Entry> {
        let created_at = datetime_text(clock.now());
        self.check_open_date(entry.date)?;
        let id = self.write(|tx| {
            validate_entry(tx, entry, clock.today())?;
            insert_checked(tx, entry, extras, None, None, &created_at)
        })?;
        self.entry(id)
    }

    /// What the union's rules say about an entry before it is saved: breaches and
    /// warnings, with the numbers. Income and entries without a category have none.
    pub fn check_entry(&self, entry: &NewEntry, event: &str) -> Result<Vec<Finding>> {
        policy::check_in(self.conn(), entry, event)
    }

    /// Cancels an entry with a reversal entry dated `date` that points at it. The
    /// original stays in the books; a reversal cannot itself be reversed, and an entry
    /// can be reversed only once.
    pub fn reverse_entry(
        &mut self,
        entry_id: i64,
        reason: &str,
        date: NaiveDate,
        handler: &str,
        clock: &dyn Clock,
    ) -> Result<Entry> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::invalid("冲销原因", "必须填写"));
        }
        let created_at = datetime_text(clock.now());
        let today = clock.today();
        if let Ok(original) = self.entry(entry_id)
            && let Some(closed) = self.closed_period_of(original.date)?
        {
            return Err(StoreError::PeriodClosed {
                detail: format!(
                    "{} 的日期 {} 在{}内，该期间已结账",
                    original.voucher_no(),
                    original.date.format("%Y-%m-%d"),
                    closed.period.label()
                ),
            });
        }
        self.check_open_date(date)?;
        // The checks run inside the writing transaction, so two windows reversing the
        // same entry at once get the clear message, not a constraint error.
        let id = self.write(|tx| {
            let original = entry_in(tx, entry_id)?;
            if original.reverses_entry_id.is_some() {
                return Err(StoreError::invalid(
                    "凭证",
                    format!("{} 本身是冲销凭证，不能再冲销", original.voucher_no()),
                ));
            }
            if let Some(reversal) = original.reversed_by_entry_id {
                let reversal = entry_in(tx, reversal)?;
                return Err(StoreError::invalid(
                    "凭证",
                    format!(
                        "{} 已被 {} 冲销",
                        original.voucher_no(),
                        reversal.voucher_no()
                    ),
                ));
            }
            if date < original.date {
                return Err(StoreError::invalid(
                    "冲销日期",
                    format!(
                        "{} 早于原凭证日期 {}",
                        format_date(date),
                        format_date(original.date)
                    ),
                ));
            }
            if date > today {
                return Err(StoreError::invalid(
                    "冲销日期",
                    format!("{} 晚于今天", format_date(date)),
                ));
            }
            let reversal = NewEntry {
                kind: original.kind,
                date,
                fund_id: original.fund_id,
                category_id: original.category_id,
                source_id: original.source_id,
                member_id: original.member_id,
                amount_fen: original.amount_fen,
                payment_form: original.payment_form,
                handler: handler.to_string(),
                note: format!("冲销 {}：{reason}", original.voucher_no()),
            };
            insert_entry(
                tx,
                &reversal,
                EntryLinks {
                    reverses: Some((entry_id, reason)),
                    batch_id: original.batch_id,
                    visit_id: original.visit_id,
                    ..EntryLinks::default()
                },
                &created_at,
            )
        })?;
        self.entry(id)
    }

    /// One entry by id.
    pub fn entry(&self, id: i64) -> Result<Entry> {
        self.entry_with_reason(id).map(|(entry, _)| entry)
    }

    /// One entry by id, with the reason recorded when it is a reversal.
    pub fn entry_with_reason(&self, id: i64) -> Result<(Entry, String)> {
        self.conn()
            .query_row(
                &format!("SELECT {ENTRY_COLUMNS} FROM entries e WHERE e.id = ?1"),
                [id],
                entry_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::not_found(format!("凭证（编号 {id}）")))
    }

    /// Finds an entry by its printed voucher number (`2026-000123` or `2026-123`).
    pub fn entry_by_voucher(&self, voucher: &str) -> Result<Entry> {
        let parsed = voucher
            .trim()
            .split_once('-')
            .and_then(|(year, seq)| Some((year.parse::<i32>().ok()?, seq.parse::<i64>().ok()?)));
        let Some((year, seq)) = parsed else {
            return Err(StoreError::invalid(
                "凭证号",
                format!("“{voucher}”格式应为 年份-序号，如 2026-000123"),
            ));
        };
        let id: Option<i64> = self
            .conn()
            .query_row(
                "SELECT id FROM entries WHERE voucher_year = ?1 AND voucher_seq = ?2",
                (year, seq),
                |r| r.get(0),
            )
            .optional()?;
        match id {
            Some(id) => self.entry(id),
            None => Err(StoreError::not_found(format!("凭证 {voucher}"))),
        }
    }

    /// How many entries the ledger holds.
    ///
    /// Read from the per-day counts kept by trigger (`entry_day_counts`): a few
    /// thousand rows at most, where `count(*)` walks two million index entries of the
    /// stress ledger on every opening of the window. `verify` counts the entries
    /// themselves.
    pub fn entry_count(&self) -> Result<i64> {
        Ok(self.conn().query_row(
            "SELECT ifnull(sum(entry_count), 0) FROM entry_day_counts",
            [],
            |r| r.get(0),
        )?)
    }

    /// Spending per category item in a period: payouts (人次, reversals subtracted)
    /// and net amount.
    pub fn spending_by_category(&self, period: Period) -> Result<Vec<CategoryAmount>> {
        let mut statement = self.conn().prepare_cached(
            "SELECT category_id, sum(payouts), sum(amount_fen)
             FROM spending_day_totals WHERE date >= ?1 AND date <= ?2
             GROUP BY category_id ORDER BY category_id",
        )?;
        let rows =
            statement.query_map((date_text(period.start), date_text(period.end)), |row| {
                Ok(CategoryAmount {
                    category_id: row.get(0)?,
                    count: row.get(1)?,
                    amount_fen: row.get(2)?,
                })
            })?;
        Ok(rows.collect::<super::sql::Result<Vec<_>>>()?)
    }

    /// Appends many entries in one transaction, for demo data and benchmarks. The
    /// entries must come in date order and be dated no earlier than any entry already
    /// in the ledger, so running totals can be carried in memory. Nothing is written
    /// unless every entry is.
    pub fn append_entries_in_order(
        &mut self,
        entries: impl IntoIterator<Item = NewEntry>,
        clock: &dyn Clock,
    ) -> Result<usize> {
        let created_at = datetime_text(clock.now());
        let today = clock.today();
        self.write(|tx| append_in(tx, entries, &created_at, today))
    }
}

/// Appends entries in date order inside an open transaction (see
/// [`Ledger::append_entries_in_order`]).
pub(super) fn append_in(
    tx: &Transaction<'_>,
    entries: impl IntoIterator<Item = NewEntry>,
    created_at: &str,
    today: NaiveDate,
) -> Result<usize> {
    let last: Option<String> = tx.query_row("SELECT max(date) FROM entries", [], |r| r.get(0))?;
    let mut last_date = last.map(|text| parse_date(0, &text)).transpose()?;
    let mut chunk: Vec<NewEntry> = Vec::new();
    let mut count = 0usize;
    // Written a chunk at a time, so two million demo entries are never all in memory.
    let write = |chunk: &mut Vec<NewEntry>| -> Result<()> {
        let rows: Vec<super::append::NewRow<'_>> = chunk
            .iter()
            .map(|entry| super::append::NewRow {
                entry,
                links: EntryLinks::default(),
            })
            .collect();
        super::append::append(tx, &rows, created_at)?;
        chunk.clear();
        Ok(())
    };
    for entry in entries {
        if last_date.is_some_and(|last| entry.date < last) {
            return Err(StoreError::invalid(
                "日期",
                format!(
                    "批量写入须按日期顺序，{} 早于已有凭证",
                    format_date(entry.date)
                ),
            ));
        }
        if entry.amount_fen <= 0 || entry.date > today {
            return Err(StoreError::invalid(
                "金额或日期",
                format!("第 {} 笔无效", count + 1),
            ));
        }
        last_date = Some(entry.date);
        chunk.push(entry);
        count += 1;
        if chunk.len() >= 50_000 {
            write(&mut chunk)?;
        }
    }
    write(&mut chunk)?;
    Ok(count)
}

/// Checks an entry against the union's rules inside the writing transaction and
/// inserts it: a breach without a written reason refuses it; a breach with one also
/// needs an approval, and the rules broken are kept beside the entry. Payouts written
/// earlier in the same transaction are counted, as they are already in it.
pub(super) fn insert_checked(
    tx: &Transaction<'_>,
    entry: &NewEntry,
    extras: &EntryExtras,
    batch_id: Option<i64>,
    visit_id: Option<i64>,
    created_at: &str,
) -> Result<i64> {
    let findings = policy::check_in(tx, entry, &extras.event)?;
    insert_judged(tx, entry, extras, &findings, batch_id, visit_id, created_at)
}

/// Inserts an entry already checked: `findings` are what the rules said about it (or
/// about the visit it belongs to). A breach needs the written reason and an approval.
pub(super) fn insert_judged(
    tx: &Transaction<'_>,
    entry: &NewEntry,
    extras: &EntryExtras,
    findings: &[Finding],
    batch_id: Option<i64>,
    visit_id: Option<i64>,
    created_at: &str,
) -> Result<i64> {
    let breaches: Vec<&Finding> = findings.iter().filter(|f| f.is_breach()).collect();
    let reason = extras.override_reason.trim();
    if !breaches.is_empty() && reason.is_empty() {
        return Err(StoreError::PolicyBreach {
            findings: breaches.into_iter().cloned().collect(),
        });
    }
    let approval_id = match &extras.approval {
        // A decision taken after the payout is not what authorised it.
        Some(approval) if approval.decided_on > entry.date => {
            return Err(StoreError::invalid(
                "决议日期",
                format!(
                    "{} 晚于发放日期 {}",
                    format_date(approval.decided_on),
                    format_date(entry.date)
                ),
            ));
        }
        Some(approval) => Some(policy::approval_id_in(tx, approval)?),
        None if !breaches.is_empty() => {
            return Err(StoreError::invalid(
                "审批",
                "超标准发放必须填写审批依据（工会委员会决议日期和纪要编号）",
            ));
        }
        None => None,
    };
    let id = insert_entry(
        tx,
        entry,
        EntryLinks {
            approval_id,
            batch_id,
            visit_id,
            event: &extras.event,
            // A reason given where nothing was broken is not an override.
            override_reason: if breaches.is_empty() { "" } else { reason },
            ..EntryLinks::default()
        },
        created_at,
    )?;
    for (seq, breach) in breaches.iter().enumerate() {
        tx.execute(
            "INSERT INTO entry_breaches (entry_id, seq, rule_id, rule_name, message) VALUES (?1, ?2, ?3, ?4, ?5)",
            (id, seq as i64, breach.rule_id, &breach.rule_name, &breach.message),
        )?;
    }
    Ok(id)
}
