//! Holiday batches: every recipient's entry and the batch itself in one transaction,
//! reversed as a whole the same way.

use super::sql::{Connection, OptionalExtension, Row, Transaction};
use chrono::NaiveDate;
use serde::Serialize;

use super::append::{EntryLinks, NewRow, append_counted};
use super::codec::{
    date_text, datetime_text, parse_code, parse_date, parse_datetime, parse_optional_date,
};
use super::entries::validate_entry;
use super::members::members_in;
use super::policy::{approval_id_in, approval_in, histories_in, history_span, load_in};
use super::{Ledger, Result, StoreError};
use crate::core::batch::{Batch, BatchPreview, BatchSpec, preview_batch};
use crate::core::date::{Clock, format_date};
use crate::core::model::{EntryKind, NewEntry, PaymentForm, voucher_no};
use crate::core::money::{MAX_AMOUNT_FEN, format_fen};
use crate::core::progress::Progress;

/// One recipient of a batch, for the batch's list and its sign-off sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchRecipient {
    pub entry_id: i64,
    pub voucher_no: String,
    pub member_id: i64,
    pub employee_no: String,
    pub name: String,
    pub department: String,
    pub amount_fen: i64,
    /// Whether this recipient's entry has been reversed (alone or with the batch).
    pub is_reversed: bool,
}

const BATCH_SELECT: &str = "SELECT b.id, b.category_id, c.name, b.fund_id, b.date, b.item, b.amount_fen,
        b.payment_form, b.approval_id, b.group_text, b.handler, b.note, b.created_at, b.reversed_on,
        b.reversal_reason,
        (SELECT count(*) FROM entries e WHERE e.batch_id = b.id AND +e.reverses_entry_id IS NULL)
          - (SELECT count(*) FROM entries e WHERE e.batch_id = b.id AND e.reverses_entry_id IS NOT NULL),
        ifnull((SELECT sum(-e.delta_fen) FROM entries e WHERE e.batch_id = b.id), 0),
        ifnull((SELECT min(e.voucher_year * 10000000 + e.voucher_seq) FROM entries e
                WHERE e.batch_id = b.id AND +e.reverses_entry_id IS NULL), 0),
        ifnull((SELECT max(e.voucher_year * 10000000 + e.voucher_seq) FROM entries e
                WHERE e.batch_id = b.id AND +e.reverses_entry_id IS NULL), 0)
    FROM batches b JOIN categories c ON c.id = b.category_id";

fn packed_voucher(packed: i64) -> String {
    if packed == 0 {
        String::new()
    } else {
        voucher_no((packed / 10_000_000) as i32, packed % 10_000_000)
    }
}

fn batch_from_row(row: &Row<'_>) -> super::sql::Result<(Batch, i64)> {
    Ok((
        Batch {
            id: row.get(0)?,
            category_id: row.get(1)?,
            category_name: row.get(2)?,
            fund_id: row.get(3)?,
            date: parse_date(4, &row.get::<_, String>(4)?)?,
            item: row.get(5)?,
            amount_fen: row.get(6)?,
            payment_form: parse_code(7, &row.get::<_, String>(7)?, PaymentForm::parse)?,
            approval: crate::core::model::Approval {
                decided_on: NaiveDate::MIN,
                minutes_no: String::new(),
                approver: String::new(),
            },
            group_text: row.get(9)?,
            handler: row.get(10)?,
            note: row.get(11)?,
            created_at: parse_datetime(12, &row.get::<_, String>(12)?)?,
            reversed_on: parse_optional_date(13, row.get(13)?)?,
            reversal_reason: row.get(14)?,
            recipient_count: row.get(15)?,
            total_fen: row.get(16)?,
            first_voucher: packed_voucher(row.get(17)?),
            last_voucher: packed_voucher(row.get(18)?),
        },
        row.get(8)?,
    ))
}

fn batch_in(conn: &Connection, id: i64) -> Result<Batch> {
    let (mut batch, approval_id) = conn
        .query_row(
            &format!("{BATCH_SELECT} WHERE b.id = ?1"),
            [id],
            batch_from_row,
        )
        .optional()?
        .ok_or_else(|| StoreError::not_found(format!("批次（编号 {id}）")))?;
    batch.approval = approval_in(conn, approval_id)?;
    Ok(batch)
}

/// Checks what a batch needs besides its recipients; the message names the field.
fn validate_spec(conn: &Connection, spec: &BatchSpec, today: NaiveDate) -> Result<()> {
    if spec.amount_fen <= 0 {
        return Err(StoreError::invalid("每人金额", "必须大于 0"));
    }
    if spec.amount_fen > MAX_AMOUNT_FEN {
        return Err(StoreError::invalid(
            "每人金额",
            format!("{} 元超过单笔上限", format_fen(spec.amount_fen)),
        ));
    }
    if spec.approval.minutes_no.trim().is_empty() {
        return Err(StoreError::invalid(
            "审批",
            "批量发放必须填写工会委员会决议的纪要编号",
        ));
    }
    if spec.approval.decided_on > spec.date {
        // A decision after the handout is not what authorised it.
        return Err(StoreError::invalid(
            "决议日期",
            format!(
                "{} 晚于发放日期 {}",
                format_date(spec.approval.decided_on),
                format_date(spec.date)
            ),
        ));
    }
    // The chart, fund and date checks of a single entry (no member yet).
    let probe = NewEntry {
        kind: EntryKind::Disbursement,
        date: spec.date,
        fund_id: spec.fund_id,
        category_id: Some(spec.category_id),
        source_id: None,
        member_id: None,
        amount_fen: spec.amount_fen,
        payment_form: spec.payment_form,
        handler: spec.handler.clone(),
        note: String::new(),
    };
    match validate_entry(conn, &probe, today) {
        Err(StoreError::Invalid { field, .. }) if field == "会员" => Ok(()),
        other => other,
    }
}

fn preview_in(conn: &Connection, spec: &BatchSpec) -> Result<BatchPreview> {
    let loaded = load_in(conn)?;
    let policy = loaded.policy();
    let (from, to) = history_span(spec.date, loaded.duplicate_window_days);
    let history = histories_in(conn, &policy.history_categories(spec.category_id), from, to)?;
    let members = members_in(conn)?;
    Ok(preview_batch(spec, &members, &policy, &history))
}

/// Inserts a batch's entries, which share a fund and a date, through the one
/// entry-writing path (see `append`): consecutive voucher numbers, later entries of
/// the fund and year moved on once by the total.
pub(super) fn insert_same_day(
    tx: &Transaction<'_>,
    entries: &[(NewEntry, Option<i64>)],
    approval_id: Option<i64>,
    batch_id: i64,
    reversal_reason: &str,
    created_at: &str,
    progress: &Progress,
) -> Result<()> {
    let Some((first, _)) = entries.first() else {
        return Ok(());
    };
    debug_assert!(
        entries
            .iter()
            .all(|(entry, _)| entry.fund_id == first.fund_id && entry.date == first.date)
    );
    let rows: Vec<NewRow<'_>> = entries
        .iter()
        .map(|(entry, reverses)| NewRow {
            entry,
            links: EntryLinks {
                reverses: reverses.map(|id| (id, reversal_reason)),
                approval_id,
                batch_id: Some(batch_id),
                ..EntryLinks::default()
            },
        })
        .collect();
    // Counted as each statement writes its rows: a batch to ten thousand shows how far
    // it has got.
    append_counted(tx, &rows, created_at, progress)?;
    Ok(())
}

impl Ledger {
    /// Who a batch would reach and who it would not, with the reasons. Nothing is
    /// written.
    pub fn preview_batch(&self, spec: &BatchSpec, clock: &dyn Clock) -> Result<BatchPreview> {
        validate_spec(self.conn(), spec, clock.today())?;
        // Refused at preview, not only at commit: the period is named before the
        // clerk reads through the list.
        self.check_open_date(spec.date)?;
        preview_in(self.conn(), spec)
    }

    /// Writes the batch and one entry per recipient in one transaction, after
    /// checking every recipient again inside it. Members the rules exclude get
    /// nothing; a batch that would reach nobody is refused.
    pub fn commit_batch(&mut self, spec: &BatchSpec, clock: &dyn Clock) -> Result<Batch> {
        self.commit_batch_counted(spec, clock, &Progress::none())
    }

    /// [`Ledger::commit_batch`], counting the recipients' entries into `progress` as
    /// they are written.
    pub fn commit_batch_counted(
        &mut self,
        spec: &BatchSpec,
        clock: &dyn Clock,
        progress: &Progress,
    ) -> Result<Batch> {
        let now = datetime_text(clock.now());
        let today = clock.today();
        // Named here; the triggers below refuse it in any case.
        self.check_open_date(spec.date)?;
        let id = self.write(|tx| {
            validate_spec(tx, spec, today)?;
            let preview = preview_in(tx, spec)?;
            if preview.recipient_count() == 0 {
                return Err(StoreError::invalid(
                    "发放对象",
                    format!(
                        "所选人员中没有可以发放的会员（共 {} 人，全部被排除）",
                        preview.rows.len()
                    ),
                ));
            }
            let approval_id = approval_id_in(tx, &spec.approval)?;
            let group_spec = serde_json::to_string(&spec.group)
                .map_err(|error| StoreError::invalid("发放对象", error.to_string()))?;
            tx.execute(
                "INSERT INTO batches (category_id, fund_id, date, item, amount_fen, payment_form, approval_id,
                     group_text, group_spec, recipient_count, total_fen, handler, note, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                super::sql::params![
                    spec.category_id,
                    spec.fund_id,
                    date_text(spec.date),
                    spec.item.trim(),
                    spec.amount_fen,
                    spec.payment_form.code(),
                    approval_id,
                    spec.group.describe(),
                    group_spec,
                    preview.recipient_count() as i64,
                    preview.total_fen(),
                    spec.handler.trim(),
                    spec.note.trim(),
                    now,
                ],
            )?;
            let batch_id = tx.last_insert_rowid()?;
            let number = format!("P{}-{batch_id:04}", spec.date.format("%Y"));
            let note = if spec.item.trim().is_empty() {
                format!("批次 {number}")
            } else {
                format!("{}（批次 {number}）", spec.item.trim())
            };
            let entries: Vec<(NewEntry, Option<i64>)> = preview
                .recipients()
                .map(|row| {
                    (
                        NewEntry {
                            kind: EntryKind::Disbursement,
                            date: spec.date,
                            fund_id: spec.fund_id,
                            category_id: Some(spec.category_id),
                            source_id: None,
                            member_id: Some(row.member_id),
                            amount_fen: spec.amount_fen,
                            payment_form: spec.payment_form,
                            handler: spec.handler.clone(),
                            note: note.clone(),
                        },
                        None,
                    )
                })
                .collect();
            progress.set_total(entries.len() as u64);
            insert_same_day(tx, &entries, Some(approval_id), batch_id, "", &now, progress)?;
            Ok(batch_id)
        })?;
        self.batch(id)
    }

    /// Reverses every entry of a batch not already reversed, dated `date`, and marks
    /// the batch reversed, in one transaction.
    pub fn reverse_batch(
        &mut self,
        id: i64,
        reason: &str,
        date: NaiveDate,
        handler: &str,
        clock: &dyn Clock,
    ) -> Result<Batch> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::invalid("冲销原因", "必须填写"));
        }
        let now = datetime_text(clock.now());
        let today = clock.today();
        self.write(|tx| {
            let batch = batch_in(tx, id)?;
            if let Some(reversed_on) = batch.reversed_on {
                return Err(StoreError::invalid(
                    "批次",
                    format!("{} 已于 {} 整批冲销", batch.number(), format_date(reversed_on)),
                ));
            }
            if date < batch.date {
                return Err(StoreError::invalid(
                    "冲销日期",
                    format!("{} 早于发放日期 {}", format_date(date), format_date(batch.date)),
                ));
            }
            if date > today {
                return Err(StoreError::invalid("冲销日期", format!("{} 晚于今天", format_date(date))));
            }
            let mut statement = tx.prepare_cached(
                "SELECT e.id, e.category_id, e.member_id, e.amount_fen, e.payment_form, e.voucher_year, e.voucher_seq
                 FROM entries e
                 WHERE e.batch_id = ?1 AND +e.reverses_entry_id IS NULL
                   AND NOT EXISTS (SELECT 1 FROM entries r WHERE r.reverses_entry_id = e.id)
                 ORDER BY e.id",
            )?;
            let rows = statement.query_map([id], |row| {
                let voucher = voucher_no(row.get(5)?, row.get(6)?);
                Ok((
                    NewEntry {
                        kind: EntryKind::Disbursement,
                        date,
                        fund_id: batch.fund_id,
                        category_id: row.get(1)?,
                        source_id: None,
                        member_id: row.get(2)?,
                        amount_fen: row.get(3)?,
                        payment_form: parse_code(4, &row.get::<_, String>(4)?, PaymentForm::parse)?,
                        handler: handler.to_string(),
                        note: format!("冲销 {voucher}（批次 {}）：{reason}", batch.number()),
                    },
                    Some(row.get::<_, i64>(0)?),
                ))
            })?;
            let reversals = rows.collect::<super::sql::Result<Vec<_>>>()?;
            drop(statement);
            insert_same_day(tx, &reversals, None, id, reason, &now, &Progress::none())?;
            tx.execute(
                "UPDATE batches SET reversed_on = ?1, reversal_reason = ?2 WHERE id = ?3",
                (date_text(date), reason, id),
            )?;
            Ok(())
        })?;
        self.batch(id)
    }

    pub fn batch(&self, id: i64) -> Result<Batch> {
        batch_in(self.conn(), id)
    }

    /// Every batch, newest first.
    pub fn batches(&self) -> Result<Vec<Batch>> {
        let mut statement = self
            .conn()
            .prepare_cached(&format!("{BATCH_SELECT} ORDER BY b.date DESC, b.id DESC"))?;
        let rows = statement.query_map([], batch_from_row)?;
        let rows = rows.collect::<super::sql::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(mut batch, approval_id)| {
                batch.approval = approval_in(self.conn(), approval_id)?;
                Ok(batch)
            })
            .collect()
    }

    /// A batch's recipients by department (in pinyin order, as the sign-off sheet
    /// prints them) and 工号, for its list and sign-off sheet.
    pub fn batch_recipients(&self, id: i64) -> Result<Vec<BatchRecipient>> {
        let mut statement = self.conn().prepare_cached(
            "SELECT e.id, e.voucher_year, e.voucher_seq, m.id, m.employee_no, m.name, m.department, e.amount_fen,
                    EXISTS (SELECT 1 FROM entries r WHERE r.reverses_entry_id = e.id)
             FROM entries e JOIN members m ON m.id = e.member_id
             WHERE e.batch_id = ?1 AND +e.reverses_entry_id IS NULL
             ORDER BY m.department, m.employee_no, e.id",
        )?;
        let rows = statement.query_map([id], |row| {
            Ok(BatchRecipient {
                entry_id: row.get(0)?,
                voucher_no: voucher_no(row.get(1)?, row.get(2)?),
                member_id: row.get(3)?,
                employee_no: row.get(4)?,
                name: row.get(5)?,
                department: row.get(6)?,
                amount_fen: row.get(7)?,
                is_reversed: row.get(8)?,
            })
        })?;
        let mut recipients = rows.collect::<super::sql::Result<Vec<_>>>()?;
        // Stable: within a department the SQL order (工号, entry) stays.
        recipients.sort_by_cached_key(|r| crate::core::search::pinyin_sort_key(&r.department));
        Ok(recipients)
    }
}
