//! Visits (五必访) and their reasons. Money and goods given at a visit are entries
//! written in the same transaction as the visit, checked against the rules like any
//! other entry.

use super::sql::{Connection, OptionalExtension, Row, Transaction};
use chrono::NaiveDate;

use super::codec::{date_text, datetime_text, parse_date, parse_datetime, parse_optional_date};
use super::entries::{insert_judged, validate_entry};
use super::members::member_in;
use super::policy::check_in;
use super::{Ledger, Result, StoreError};
use crate::core::date::{Clock, Period, format_date};
use crate::core::model::{EntryExtras, EntryKind, MemberStatus, NewEntry, PaymentForm};
use crate::core::policy::Finding;
use crate::core::visit::{NewVisit, Visit, VisitReason, VisitTotal};

const REASON_COLUMNS: &str =
    "id, code, name, category_id, needs_relation, can_stay_open, is_active, sort_order";

fn reason_from_row(row: &Row<'_>) -> super::sql::Result<VisitReason> {
    Ok(VisitReason {
        id: row.get(0)?,
        code: row.get(1)?,
        name: row.get(2)?,
        category_id: row.get(3)?,
        needs_relation: row.get(4)?,
        can_stay_open: row.get(5)?,
        is_active: row.get(6)?,
        sort_order: row.get(7)?,
    })
}

fn reason_in(conn: &Connection, id: i64) -> Result<VisitReason> {
    conn.query_row(
        &format!("SELECT {REASON_COLUMNS} FROM visit_reasons WHERE id = ?1"),
        [id],
        reason_from_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found(format!("走访事由（编号 {id}）")))
}

const VISIT_SELECT: &str = "SELECT v.id, v.member_id, m.name, m.department, v.reason_id, r.name, v.relation,
        v.date, v.place, v.visitors, v.detail, v.note, v.is_open, v.closed_on, v.goods, v.created_at,
        ifnull((SELECT sum(-e.delta_fen) FROM entries e WHERE e.visit_id = v.id AND e.payment_form <> 'goods'), 0),
        ifnull((SELECT sum(-e.delta_fen) FROM entries e WHERE e.visit_id = v.id AND e.payment_form = 'goods'), 0),
        ifnull((SELECT group_concat(printf('%d-%06d', e.voucher_year, e.voucher_seq), ' ')
                FROM entries e WHERE e.visit_id = v.id AND +e.reverses_entry_id IS NULL), ''),
        ifnull((SELECT e.override_reason FROM entries e
                WHERE e.visit_id = v.id AND +e.reverses_entry_id IS NULL AND e.override_reason <> ''
                ORDER BY e.id LIMIT 1), '')
    FROM visits v
    JOIN members m ON m.id = v.member_id
    JOIN visit_reasons r ON r.id = v.reason_id";

fn visit_from_row(row: &Row<'_>) -> super::sql::Result<Visit> {
    let vouchers: String = row.get(18)?;
    Ok(Visit {
        id: row.get(0)?,
        member_id: row.get(1)?,
        member_name: row.get(2)?,
        department: row.get(3)?,
        reason_id: row.get(4)?,
        reason_name: row.get(5)?,
        relation: row.get(6)?,
        date: parse_date(7, &row.get::<_, String>(7)?)?,
        place: row.get(8)?,
        visitors: row.get(9)?,
        detail: row.get(10)?,
        note: row.get(11)?,
        is_open: row.get(12)?,
        closed_on: parse_optional_date(13, row.get(13)?)?,
        goods: row.get(14)?,
        created_at: parse_datetime(15, &row.get::<_, String>(15)?)?,
        money_fen: row.get(16)?,
        goods_fen: row.get(17)?,
        vouchers: vouchers.split_whitespace().map(str::to_string).collect(),
        override_reason: row.get(19)?,
    })
}

/// Which visits to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisitFilter {
    pub period: Option<Period>,
    pub reason_id: Option<i64>,
    pub member_id: Option<i64>,
    pub open_only: bool,
}

/// The entries a visit writes: the money, then the goods.
fn visit_entries(
    conn: &Connection,
    visit: &NewVisit,
    reason: &VisitReason,
) -> Result<Vec<(NewEntry, String)>> {
    if visit.money.is_none() && visit.goods.is_none() {
        return Ok(Vec::new());
    }
    let Some(category_id) = reason.category_id else {
        return Err(StoreError::invalid(
            "事由",
            format!(
                "“{}”没有关联支出类别，不能登记慰问金或物品；请在 设置 › 走访事由 中关联类别",
                reason.name
            ),
        ));
    };
    let fund_id = match visit.fund_id {
        Some(id) => id,
        None => conn
            .query_row(
                "SELECT default_fund_id FROM categories WHERE id = ?1",
                [category_id],
                |row| row.get::<_, Option<i64>>(0),
            )
            .optional()?
            .flatten()
            .ok_or_else(|| StoreError::invalid("资金", "该事由的类别没有默认资金，请选择资金"))?,
    };
    let relation = if visit.relation.trim().is_empty() {
        String::new()
    } else {
        format!("（{}）", visit.relation.trim())
    };
    // The event compared by the once-per-event rule: the illness, or the relative.
    let event = if visit.detail.trim().is_empty() {
        visit.relation.trim().to_string()
    } else {
        visit.detail.trim().to_string()
    };
    let base = NewEntry {
        kind: EntryKind::Disbursement,
        date: visit.date,
        fund_id,
        category_id: Some(category_id),
        source_id: None,
        member_id: Some(visit.member_id),
        amount_fen: 0,
        payment_form: PaymentForm::Cash,
        handler: visit.handler.clone(),
        note: String::new(),
    };
    let mut entries = Vec::new();
    if let Some(money) = &visit.money {
        entries.push((
            NewEntry {
                amount_fen: money.amount_fen,
                payment_form: money.payment_form,
                note: format!("走访：{}{relation} {}", reason.name, visit.detail.trim())
                    .trim()
                    .to_string(),
                ..base.clone()
            },
            event.clone(),
        ));
    }
    if let Some(goods) = &visit.goods {
        if goods.description.trim().is_empty() {
            return Err(StoreError::invalid(
                "慰问品",
                "请填写物品名称，如 鲜花、水果、花圈",
            ));
        }
        entries.push((
            NewEntry {
                amount_fen: goods.value_fen,
                payment_form: PaymentForm::Goods,
                note: format!(
                    "走访：{}{relation} {}",
                    reason.name,
                    goods.description.trim()
                ),
                ..base
            },
            event,
        ));
    }
    Ok(entries)
}

/// Judges a visit's entries as one payout: their amounts together, in the money's
/// form of payment (or as goods when only goods were given).
fn check_entries_in(conn: &Connection, entries: &[(NewEntry, String)]) -> Result<Vec<Finding>> {
    let Some((first, event)) = entries.first() else {
        return Ok(Vec::new());
    };
    let combined = NewEntry {
        amount_fen: entries.iter().map(|(entry, _)| entry.amount_fen).sum(),
        ..first.clone()
    };
    check_in(conn, &combined, event)
}

fn validate_visit(conn: &Connection, visit: &NewVisit, today: NaiveDate) -> Result<VisitReason> {
    let member = member_in(conn, visit.member_id)?;
    let reason = reason_in(conn, visit.reason_id)?;
    if !reason.is_active {
        return Err(StoreError::invalid(
            "事由",
            format!("“{}”已停用", reason.name),
        ));
    }
    if visit.date > today {
        return Err(StoreError::invalid(
            "日期",
            format!(
                "{} 晚于今天（{}）",
                format_date(visit.date),
                format_date(today)
            ),
        ));
    }
    if reason.needs_relation && visit.relation.trim().is_empty() {
        return Err(StoreError::invalid(
            "亲属关系",
            format!(
                "“{}”须注明是哪位亲属，如 配偶、父亲、母亲、子女",
                reason.name
            ),
        ));
    }
    if visit.stays_open && !reason.can_stay_open {
        return Err(StoreError::invalid(
            "住院中",
            format!("“{}”的走访不能保持未结束", reason.name),
        ));
    }
    if matches!(member.status, MemberStatus::Deceased)
        && !reason.is("death_self")
        && !reason.is("death_relative")
    {
        return Err(StoreError::invalid(
            "会员",
            format!("{}已故，只能登记去世慰问", member.name),
        ));
    }
    Ok(reason)
}

fn close_in(
    tx: &Transaction<'_>,
    id: i64,
    date: NaiveDate,
    today: NaiveDate,
    now: &str,
) -> Result<()> {
    let (is_open, visit_date, name): (bool, String, String) = tx
        .query_row(
            "SELECT v.is_open, v.date, m.name FROM visits v JOIN members m ON m.id = v.member_id WHERE v.id = ?1",
            [id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?
        .ok_or_else(|| StoreError::not_found(format!("走访（编号 {id}）")))?;
    if !is_open {
        return Err(StoreError::invalid(
            "走访",
            format!("{name}的这次走访已经结束"),
        ));
    }
    let visit_date = parse_date(0, &visit_date)?;
    if date < visit_date {
        return Err(StoreError::invalid(
            "出院日期",
            format!(
                "{} 早于走访日期 {}",
                format_date(date),
                format_date(visit_date)
            ),
        ));
    }
    if date > today {
        return Err(StoreError::invalid(
            "出院日期",
            format!("{} 晚于今天", format_date(date)),
        ));
    }
    tx.execute(
        "UPDATE visits SET is_open = 0, closed_on = ?1, updated_at = ?2 WHERE id = ?3",
        (date_text(date), now, id),
    )?;
    Ok(())
}

impl Ledger {
    /// The reasons a visit can have, in display order.
    pub fn visit_reasons(&self) -> Result<Vec<VisitReason>> {
        let mut statement = self.conn().prepare_cached(&format!(
            "SELECT {REASON_COLUMNS} FROM visit_reasons ORDER BY sort_order, id"
        ))?;
        let rows = statement.query_map([], reason_from_row)?;
        Ok(rows.collect::<super::sql::Result<Vec<_>>>()?)
    }

    /// Adds a reason to the list (e.g. 生日 in a union that visits on birthdays).
    pub fn add_visit_reason(&mut self, reason: &VisitReason) -> Result<i64> {
        let name = reason.name.trim();
        if name.is_empty() {
            return Err(StoreError::invalid("事由名称", "不能为空"));
        }
        self.write(|tx| {
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM visit_reasons WHERE name = ?1)",
                [name],
                |row| row.get(0),
            )?;
            if exists {
                return Err(StoreError::invalid("事由名称", format!("“{name}”已存在")));
            }
            let order: i64 = tx.query_row(
                "SELECT ifnull(max(sort_order), 0) + 1 FROM visit_reasons",
                [],
                |row| row.get(0),
            )?;
            tx.execute(
                "INSERT INTO visit_reasons (name, category_id, needs_relation, can_stay_open, is_active, sort_order)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                (name, reason.category_id, reason.needs_relation, reason.can_stay_open, reason.is_active, order),
            )?;
            Ok(tx.last_insert_rowid()?)
        })
    }

    /// Changes a reason's name, category and switches. Visits keep their reason.
    pub fn update_visit_reason(&mut self, reason: &VisitReason) -> Result<()> {
        let name = reason.name.trim();
        if name.is_empty() {
            return Err(StoreError::invalid("事由名称", "不能为空"));
        }
        self.write(|tx| {
            let taken: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM visit_reasons WHERE name = ?1 AND id <> ?2)",
                (name, reason.id),
                |row| row.get(0),
            )?;
            if taken {
                return Err(StoreError::invalid("事由名称", format!("“{name}”已存在")));
            }
            let changed = tx.execute(
                "UPDATE visit_reasons SET name = ?1, category_id = ?2, needs_relation = ?3, can_stay_open = ?4,
                     is_active = ?5 WHERE id = ?6",
                (name, reason.category_id, reason.needs_relation, reason.can_stay_open, reason.is_active, reason.id),
            )?;
            if changed == 0 {
                return Err(StoreError::not_found(format!("走访事由（编号 {}）", reason.id)));
            }
            Ok(())
        })
    }

    /// What the rules say about a visit's money and goods before it is saved.
    pub fn check_visit(&self, visit: &NewVisit) -> Result<Vec<Finding>> {
        let reason = reason_in(self.conn(), visit.reason_id)?;
        check_entries_in(self.conn(), &visit_entries(self.conn(), visit, &reason)?)
    }

    /// Records a visit and what was given, in one transaction. A rule broken by the
    /// money or the goods refuses the whole visit unless `extras` carries a reason
    /// (and an approval).
    pub fn add_visit(
        &mut self,
        visit: &NewVisit,
        extras: &EntryExtras,
        clock: &dyn Clock,
    ) -> Result<Visit> {
        let now = datetime_text(clock.now());
        let today = clock.today();
        // The period named; the triggers below refuse it in any case.
        self.check_open_date(visit.date)?;
        let id = self.write(|tx| {
            let reason = validate_visit(tx, visit, today)?;
            let goods = visit
                .goods
                .as_ref()
                .map(|goods| goods.description.trim().to_string())
                .unwrap_or_default();
            tx.execute(
                "INSERT INTO visits (member_id, reason_id, relation, date, place, visitors, detail, note, goods,
                     is_open, handler, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
                super::sql::params![
                    visit.member_id,
                    visit.reason_id,
                    visit.relation.trim(),
                    date_text(visit.date),
                    visit.place.trim(),
                    visit.visitors.trim(),
                    visit.detail.trim(),
                    visit.note.trim(),
                    goods,
                    visit.stays_open,
                    visit.handler.trim(),
                    now,
                ],
            )?;
            let visit_id = tx.last_insert_rowid()?;
            let entries = visit_entries(tx, visit, &reason)?;
            for (entry, _) in &entries {
                validate_entry(tx, entry, today)?;
            }
            // The visit is one event: its money and goods are judged together, and
            // every entry of it carries what was broken.
            let findings = check_entries_in(tx, &entries)?;
            for (entry, event) in &entries {
                let extras = EntryExtras {
                    event: event.clone(),
                    ..extras.clone()
                };
                insert_judged(tx, entry, &extras, &findings, None, Some(visit_id), &now)?;
            }
            Ok(visit_id)
        })?;
        self.visit(id)
    }

    /// Ends an open visit (the member was discharged on `date`).
    pub fn close_visit(&mut self, id: i64, date: NaiveDate, clock: &dyn Clock) -> Result<Visit> {
        let now = datetime_text(clock.now());
        let today = clock.today();
        self.check_open_date(date)?;
        self.write(|tx| close_in(tx, id, date, today, &now))?;
        self.visit(id)
    }

    pub fn visit(&self, id: i64) -> Result<Visit> {
        self.conn()
            .query_row(
                &format!("{VISIT_SELECT} WHERE v.id = ?1"),
                [id],
                visit_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::not_found(format!("走访（编号 {id}）")))
    }

    /// Visits matching the filter, newest first.
    pub fn visits(&self, filter: &VisitFilter) -> Result<Vec<Visit>> {
        let mut clauses = vec!["1 = 1".to_string()];
        let mut params: Vec<super::sql::Value> = Vec::new();
        if let Some(period) = filter.period {
            clauses.push("v.date >= ? AND v.date <= ?".to_string());
            params.push(date_text(period.start).into());
            params.push(date_text(period.end).into());
        }
        if let Some(reason_id) = filter.reason_id {
            clauses.push("v.reason_id = ?".to_string());
            params.push(reason_id.into());
        }
        if let Some(member_id) = filter.member_id {
            clauses.push("v.member_id = ?".to_string());
            params.push(member_id.into());
        }
        if filter.open_only {
            clauses.push("v.is_open = 1".to_string());
        }
        let sql = format!(
            "{VISIT_SELECT} WHERE {} ORDER BY v.date DESC, v.id DESC",
            clauses.join(" AND ")
        );
        let mut statement = self.conn().prepare_cached(&sql)?;
        let rows = statement.query_map(super::sql::params_from_iter(params), visit_from_row)?;
        Ok(rows.collect::<super::sql::Result<Vec<_>>>()?)
    }

    /// Per reason, the visits in a period (人次) and what they gave, reasons in display
    /// order; reasons without visits are listed with zeros.
    pub fn visit_totals(&self, period: Period) -> Result<Vec<VisitTotal>> {
        let mut statement = self.conn().prepare_cached(
            "SELECT r.id, r.name,
                (SELECT count(*) FROM visits v WHERE v.reason_id = r.id AND v.date >= ?1 AND v.date <= ?2),
                ifnull((SELECT sum(-e.delta_fen) FROM entries e JOIN visits v ON v.id = e.visit_id
                        WHERE v.reason_id = r.id AND v.date >= ?1 AND v.date <= ?2 AND e.payment_form <> 'goods'), 0),
                ifnull((SELECT sum(-e.delta_fen) FROM entries e JOIN visits v ON v.id = e.visit_id
                        WHERE v.reason_id = r.id AND v.date >= ?1 AND v.date <= ?2 AND e.payment_form = 'goods'), 0)
             FROM visit_reasons r ORDER BY r.sort_order, r.id",
        )?;
        let rows =
            statement.query_map((date_text(period.start), date_text(period.end)), |row| {
                Ok(VisitTotal {
                    reason_id: row.get(0)?,
                    reason_name: row.get(1)?,
                    visits: row.get(2)?,
                    money_fen: row.get(3)?,
                    goods_fen: row.get(4)?,
                })
            })?;
        Ok(rows.collect::<super::sql::Result<Vec<_>>>()?)
    }
}
