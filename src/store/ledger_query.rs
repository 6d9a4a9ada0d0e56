//! The ledger view: filtered entries with each fund's running balance, paged from SQL.
//!
//! A filter is first turned into a [`LedgerIndex`]: the number of matching entries and
//! the sort key of every 512th one. A page at any offset is then a short seek from the
//! nearest anchor, so scrolling to row 1,900,000 of two million costs the same as
//! scrolling to row 10, and only the rows on screen are ever read.

use super::sql::Value;
use serde::Serialize;

use super::codec::{date_text, parse_date};
use super::entries::{ENTRY_COLUMNS, entry_from_row};
use super::{Ledger, Result};
use crate::core::date::Period;
use crate::core::model::{Entry, EntryKind};
use crate::core::report;

/// How many rows lie between two anchors of a [`LedgerIndex`].
const ANCHOR_STRIDE: i64 = 512;

/// What the clerk filters the ledger by. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LedgerFilter {
    pub period: Option<Period>,
    pub fund_id: Option<i64>,
    /// A category item, or a group (meaning all its items).
    pub category_id: Option<i64>,
    pub source_id: Option<i64>,
    pub member_id: Option<i64>,
    pub kind: Option<EntryKind>,
    /// Matches a voucher number exactly, or appears in the note, the handler, or the
    /// member's name or 工号.
    pub text: String,
}

/// Which end of the ledger comes first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum LedgerOrder {
    #[default]
    OldestFirst,
    NewestFirst,
}

/// A filter's matching entries, counted, with anchors for paging: each anchor is a
/// position in date order and the (date, id) key at or just before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerIndex {
    pub filter: LedgerFilter,
    pub count: i64,
    /// (date, id) of the entries at positions 0, STRIDE, 2·STRIDE … in date order.
    anchors: Vec<(i64, String, i64)>,
}

/// One line of the ledger: the entry, the names it refers to, and its fund's balance
/// right after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerRow {
    pub entry: Entry,
    pub voucher_no: String,
    pub reversal_reason: String,
    pub fund_name: String,
    /// The category as `组 / 明细`, or the income source's name.
    pub item_name: String,
    pub account_code: String,
    pub member_name: String,
    pub employee_no: String,
    pub department: String,
    /// The entry's effect on the fund (negative for spending).
    pub delta_fen: i64,
    pub balance_after_fen: i64,
}

/// Escapes `%`, `_` and the escape character itself for a LIKE pattern.
fn like_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    pattern
}

impl Ledger {
    /// Turns a filter into SQL conditions and their parameters.
    fn filter_sql(&self, filter: &LedgerFilter) -> Result<(String, Vec<Value>)> {
        let mut conditions: Vec<String> = Vec::new();
        let mut params: Vec<Value> = Vec::new();
        if let Some(period) = filter.period {
            conditions.push("e.date >= ? AND e.date <= ?".into());
            params.push(Value::Text(date_text(period.start)));
            params.push(Value::Text(date_text(period.end)));
        }
        if let Some(fund_id) = filter.fund_id {
            conditions.push("e.fund_id = ?".into());
            params.push(Value::Integer(fund_id));
        }
        if let Some(category_id) = filter.category_id {
            let mut ids = vec![category_id];
            let mut statement = self
                .conn()
                .prepare_cached("SELECT id FROM categories WHERE parent_id = ?1")?;
            for child in statement.query_map([category_id], |row| row.get::<_, i64>(0))? {
                ids.push(child?);
            }
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            conditions.push(format!("e.category_id IN ({})", list.join(",")));
        }
        if let Some(source_id) = filter.source_id {
            conditions.push("e.source_id = ?".into());
            params.push(Value::Integer(source_id));
        }
        if let Some(member_id) = filter.member_id {
            conditions.push("e.member_id = ?".into());
            params.push(Value::Integer(member_id));
        }
        if let Some(kind) = filter.kind {
            conditions.push("e.kind = ?".into());
            params.push(Value::Text(kind.code().into()));
        }
        let text = filter.text.trim();
        if !text.is_empty() {
            let voucher = text
                .split_once('-')
                .and_then(|(year, seq)| Some((year.parse::<i64>().ok()?, seq.parse::<i64>().ok()?)))
                .filter(|(year, _)| (1900..=2200).contains(year));
            match voucher {
                Some((year, seq)) => {
                    conditions.push("e.voucher_year = ? AND e.voucher_seq = ?".into());
                    params.push(Value::Integer(year));
                    params.push(Value::Integer(seq));
                }
                None => {
                    conditions.push(
                        "(e.note LIKE ?1x ESCAPE '\\' OR e.handler LIKE ?1x ESCAPE '\\' OR e.member_id IN
                          (SELECT id FROM members WHERE name LIKE ?1x ESCAPE '\\' OR employee_no LIKE ?1x ESCAPE '\\'))"
                            .replace("?1x", "?"),
                    );
                    let pattern = like_pattern(text);
                    for _ in 0..4 {
                        params.push(Value::Text(pattern.clone()));
                    }
                }
            }
        }
        let clause = if conditions.is_empty() {
            "1 = 1".to_string()
        } else {
            conditions.join(" AND ")
        };
        Ok((clause, params))
    }

    /// Counts the entries a filter matches and records anchors for paging. Run once per
    /// filter change, never per frame.
    pub fn ledger_index(&self, filter: &LedgerFilter) -> Result<LedgerIndex> {
        let by_day = filter.category_id.is_none()
            && filter.source_id.is_none()
            && filter.member_id.is_none()
            && filter.text.trim().is_empty();
        if by_day {
            return self.ledger_index_by_day(filter);
        }
        let (clause, params) = self.filter_sql(filter)?;
        let mut statement = self.conn().prepare(&format!(
            "SELECT e.date, e.id FROM entries e WHERE {clause} ORDER BY e.date, e.id"
        ))?;
        let mut rows = statement.query(super::sql::params_from_iter(params))?;
        let mut anchors = Vec::new();
        let mut count = 0i64;
        while let Some(row) = rows.next()? {
            if count % ANCHOR_STRIDE == 0 {
                anchors.push((count, row.get(0)?, row.get(1)?));
            }
            count += 1;
        }
        Ok(LedgerIndex {
            filter: filter.clone(),
            count,
            anchors,
        })
    }

    /// For filters on period, fund and kind only: positions come from the per-day
    /// counts kept by trigger, so two million entries need a few thousand rows read.
    fn ledger_index_by_day(&self, filter: &LedgerFilter) -> Result<LedgerIndex> {
        let mut conditions = vec!["1 = 1".to_string()];
        let mut params: Vec<Value> = Vec::new();
        if let Some(period) = filter.period {
            conditions.push("date >= ? AND date <= ?".into());
            params.push(Value::Text(date_text(period.start)));
            params.push(Value::Text(date_text(period.end)));
        }
        if let Some(fund_id) = filter.fund_id {
            conditions.push("fund_id = ?".into());
            params.push(Value::Integer(fund_id));
        }
        if let Some(kind) = filter.kind {
            conditions.push("kind = ?".into());
            params.push(Value::Text(kind.code().into()));
        }
        let mut statement = self.conn().prepare_cached(&format!(
            "SELECT date, sum(entry_count) FROM entry_day_counts WHERE {}
             GROUP BY date ORDER BY date",
            conditions.join(" AND ")
        ))?;
        let mut rows = statement.query(super::sql::params_from_iter(params))?;
        let mut anchors = Vec::new();
        let mut count = 0i64;
        while let Some(row) = rows.next()? {
            let day_count: i64 = row.get(1)?;
            if day_count > 0 {
                // Id 0 sorts before every entry of the day.
                anchors.push((count, row.get(0)?, 0));
                count += day_count;
            }
        }
        Ok(LedgerIndex {
            filter: filter.clone(),
            count,
            anchors,
        })
    }

    /// The rows at positions `offset .. offset + limit` of an indexed filter, in the
    /// chosen order, each with its fund's running balance.
    pub fn ledger_page(
        &self,
        index: &LedgerIndex,
        order: LedgerOrder,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<LedgerRow>> {
        let offset = offset.max(0);
        let limit = limit.max(0).min(index.count - offset);
        if limit <= 0 {
            return Ok(Vec::new());
        }
        let start = match order {
            LedgerOrder::OldestFirst => offset,
            LedgerOrder::NewestFirst => index.count - offset - limit,
        };
        let after = index
            .anchors
            .partition_point(|(position, _, _)| *position <= start);
        let Some((anchor_position, anchor_date, anchor_id)) = after
            .checked_sub(1)
            .and_then(|i| index.anchors.get(i))
            .cloned()
        else {
            return Ok(Vec::new());
        };
        let skip = start - anchor_position;
        let (clause, mut params) = self.filter_sql(&index.filter)?;
        params.push(Value::Text(anchor_date));
        params.push(Value::Integer(anchor_id));
        params.push(Value::Integer(skip));
        // The rows skipped from the anchor are read from the entries alone; only the
        // page's own rows are joined with their names. The page size is written into the
        // statement (a few sizes are used) so a server plans for a page, not for a
        // tenth of the table.
        let sql = format!(
            "SELECT {ENTRY_COLUMNS}, f.name, c.name, pc.name, s.name, ifnull(c.account_code, s.account_code),
                    m.name, m.employee_no, m.department, e.delta_fen, e.fund_cumulative_fen, e.year,
                    (SELECT ifnull(max(id), 0) FROM change_log)
             FROM (SELECT * FROM entries e WHERE {clause} AND (e.date, e.id) >= (?, ?)
                   ORDER BY e.date, e.id LIMIT {limit} OFFSET ?) e
             JOIN funds f ON f.id = e.fund_id
             LEFT JOIN categories c ON c.id = e.category_id
             LEFT JOIN categories pc ON pc.id = c.parent_id
             LEFT JOIN income_sources s ON s.id = e.source_id
             LEFT JOIN members m ON m.id = e.member_id
             ORDER BY e.date, e.id"
        );
        let mut statement = self.conn().prepare_cached(&sql)?;
        let mut version = 0i64;
        let mut raw: Vec<(LedgerRow, i64, i32)> = statement
            .query_map(super::sql::params_from_iter(params), |row| {
                let (entry, reversal_reason) = entry_from_row(row)?;
                let category: Option<String> = row.get(23)?;
                let group: Option<String> = row.get(24)?;
                let source: Option<String> = row.get(25)?;
                let item_name = match (group, category, source) {
                    (Some(group), Some(category), _) => format!("{group} / {category}"),
                    (None, Some(category), _) => category,
                    (_, None, Some(source)) => source,
                    _ => String::new(),
                };
                let cumulative: i64 = row.get(31)?;
                let year: i32 = row.get(32)?;
                version = row.get(33)?;
                Ok((
                    LedgerRow {
                        voucher_no: entry.voucher_no(),
                        entry,
                        reversal_reason,
                        fund_name: row.get(22)?,
                        item_name,
                        account_code: row.get::<_, Option<String>>(26)?.unwrap_or_default(),
                        member_name: row.get::<_, Option<String>>(27)?.unwrap_or_default(),
                        employee_no: row.get::<_, Option<String>>(28)?.unwrap_or_default(),
                        department: row.get::<_, Option<String>>(29)?.unwrap_or_default(),
                        delta_fen: row.get(30)?,
                        balance_after_fen: 0,
                    },
                    cumulative,
                    year,
                ))
            })?
            .collect::<super::sql::Result<_>>()?;
        let max_year = raw.iter().map(|(_, _, year)| *year).max().unwrap_or(0);
        let (fund_ids, fund_openings, fund_totals) = self.balance_inputs_at(version)?;
        let openings = report::opening_balances(&fund_ids, &fund_openings, &fund_totals, max_year);
        for (row, cumulative, year) in &mut raw {
            row.balance_after_fen = openings
                .get(&(row.entry.fund_id, *year))
                .copied()
                .unwrap_or(0)
                + *cumulative;
        }
        let mut rows: Vec<LedgerRow> = raw.into_iter().map(|(row, _, _)| row).collect();
        if order == LedgerOrder::NewestFirst {
            rows.reverse();
        }
        Ok(rows)
    }

    /// The newest entries, newest first.
    pub fn recent_entries(&self, limit: i64) -> Result<Vec<LedgerRow>> {
        // Only the last anchor matters here, so index just the newest entries.
        let newest: Option<String> =
            self.conn()
                .query_row("SELECT max(date) FROM entries", [], |r| r.get(0))?;
        let Some(newest) = newest else {
            return Ok(Vec::new());
        };
        let newest = parse_date(0, &newest)?;
        let mut start = newest - chrono::Duration::days(31);
        loop {
            let filter = LedgerFilter {
                period: Some(Period::new(start, newest)),
                ..LedgerFilter::default()
            };
            let index = self.ledger_index(&filter)?;
            if index.count >= limit || start.year_ce().1 < 1990 {
                return self.ledger_page(&index, LedgerOrder::NewestFirst, 0, limit);
            }
            start -= chrono::Duration::days(365);
        }
    }
}

use chrono::Datelike;
