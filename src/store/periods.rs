//! Period close (结账): once a quarter or a year is closed, nothing dated inside it can
//! be added, reversed or changed by any path; the triggers of schema v5 enforce it
//! below every write, and the checks here say so first in the clerk's words. Closing
//! a year carries each fund's closing balance to the next year's opening. Reopening
//! needs a reason; both are in the change log.

use super::sql::OptionalExtension;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::codec::{date_text, datetime_text, parse_date, parse_datetime};
use super::{Ledger, Result, StoreError};
use crate::core::date::{Period, quarter_number};

/// A period that was closed, and perhaps reopened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClosedPeriod {
    pub id: i64,
    pub period: Period,
    pub closed_at: NaiveDateTime,
    pub clerk: String,
    pub note: String,
    pub reopened_at: Option<NaiveDateTime>,
    pub reopen_reason: String,
}

impl ClosedPeriod {
    pub fn is_closed(&self) -> bool {
        self.reopened_at.is_none()
    }

    /// Whether this close (not reopened) covers `date`.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.is_closed() && self.period.start <= date && date <= self.period.end
    }

    /// Why nothing dated `date` can be written: the date and the period named.
    pub fn refusal(&self, date: NaiveDate) -> String {
        format!(
            "{} 所在的{}已结账（{} 结账）",
            date.format("%Y-%m-%d"),
            self.period.label(),
            self.closed_at.format("%Y-%m-%d")
        )
    }
}

/// The close among `periods` that covers `date`, if any: for forms that check a date
/// as it is typed against the closes already read.
pub fn closed_covering(periods: &[ClosedPeriod], date: NaiveDate) -> Option<&ClosedPeriod> {
    periods.iter().find(|closed| closed.covers(date))
}

const PERIOD_COLUMNS: &str = "id, start, end, closed_at, clerk, note, reopened_at, reopen_reason";

fn period_from_row(row: &super::sql::Row<'_>) -> super::sql::Result<ClosedPeriod> {
    Ok(ClosedPeriod {
        id: row.get(0)?,
        period: Period::new(
            parse_date(1, &row.get::<_, String>(1)?)?,
            parse_date(2, &row.get::<_, String>(2)?)?,
        ),
        closed_at: parse_datetime(3, &row.get::<_, String>(3)?)?,
        clerk: row.get(4)?,
        note: row.get(5)?,
        reopened_at: match row.get::<_, Option<String>>(6)? {
            Some(text) => Some(parse_datetime(6, &text)?),
            None => None,
        },
        reopen_reason: row.get(7)?,
    })
}

impl Ledger {
    /// Every close, newest first.
    pub fn closed_periods(&self) -> Result<Vec<ClosedPeriod>> {
        let mut statement = self.conn().prepare_cached(&format!(
            "SELECT {PERIOD_COLUMNS} FROM closed_periods ORDER BY start DESC, id DESC"
        ))?;
        let rows = statement.query_map([], period_from_row)?;
        Ok(rows.collect::<super::sql::Result<Vec<_>>>()?)
    }

    /// The closed (not reopened) period a date falls in, if any.
    pub fn closed_period_of(&self, date: NaiveDate) -> Result<Option<ClosedPeriod>> {
        Ok(self
            .conn()
            .query_row(
                &format!(
                    "SELECT {PERIOD_COLUMNS} FROM closed_periods
                     WHERE reopened_at IS NULL AND ?1 BETWEEN start AND end
                     ORDER BY start LIMIT 1"
                ),
                [date_text(date)],
                period_from_row,
            )
            .optional()?)
    }

    /// Whether `period` is closed (and not reopened) from its first day to its last.
    pub fn is_period_closed(&self, period: Period) -> Result<bool> {
        Ok(self
            .closed_period_of(period.end)?
            .is_some_and(|closed| closed.period.start <= period.start))
    }

    /// Refuses a date inside a closed period, naming the period.
    pub fn check_open_date(&self, date: NaiveDate) -> Result<()> {
        match self.closed_period_of(date)? {
            Some(closed) => Err(StoreError::PeriodClosed {
                detail: closed.refusal(date),
            }),
            None => Ok(()),
        }
    }

    /// Closes a quarter or a year that has ended. Closing a year sets each fund's
    /// opening balance for the next year to its closing balance.
    pub fn close_period(&mut self, period: Period, note: &str) -> Result<ClosedPeriod> {
        let year = period.start.year();
        let is_year = period == Period::year(year);
        if !is_year && period != Period::quarter(year, quarter_number(period.start)) {
            return Err(StoreError::invalid(
                "结账期间",
                format!("“{}”应为一个季度或一整年", period.label()),
            ));
        }
        let today = self.clock.today();
        if period.end >= today {
            return Err(StoreError::invalid(
                "结账期间",
                format!(
                    "{}到 {} 才结束，期末之后才能结账",
                    period.label(),
                    period.end.format("%Y-%m-%d")
                ),
            ));
        }
        if let Some(closed) = self
            .closed_periods()?
            .into_iter()
            .find(|c| c.is_closed() && c.period == period)
        {
            return Err(StoreError::invalid(
                "结账期间",
                format!(
                    "{}已于 {} 结账",
                    period.label(),
                    closed.closed_at.format("%Y-%m-%d")
                ),
            ));
        }
        let balances = if is_year {
            self.fund_balances(year)?
        } else {
            Vec::new()
        };
        let clerk = self.clerk_name();
        let now = self.clock.now();
        let action = format!("结账 {}", period.label());
        let id = self.write_as(Some(&action), |tx| {
            tx.execute(
                "INSERT INTO closed_periods (start, end, closed_at, clerk, note, last_entry_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, (SELECT ifnull(max(id), 0) FROM entries))",
                (
                    date_text(period.start),
                    date_text(period.end),
                    datetime_text(now),
                    &clerk,
                    note.trim(),
                ),
            )?;
            let id = tx.last_insert_rowid()?;
            for balance in &balances {
                tx.execute(
                    "INSERT INTO fund_openings (fund_id, year, opening_fen) VALUES (?1, ?2, ?3)
                     ON CONFLICT (fund_id, year) DO UPDATE SET opening_fen = excluded.opening_fen",
                    (balance.fund_id, year + 1, balance.closing_fen),
                )?;
            }
            Ok(id)
        })?;
        self.closed_period(id)
    }

    /// Reopens a closed period; the reason is required and logged.
    pub fn reopen_period(&mut self, id: i64, reason: &str) -> Result<ClosedPeriod> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::invalid("反结账原因", "必须写明原因"));
        }
        let closed = self.closed_period(id)?;
        if !closed.is_closed() {
            return Err(StoreError::invalid(
                "反结账",
                format!("{}已经反结账", closed.period.label()),
            ));
        }
        let now = self.clock.now();
        let action = format!("反结账 {}", closed.period.label());
        self.write_as(Some(&action), |tx| {
            tx.execute(
                "UPDATE closed_periods SET reopened_at = ?1, reopen_reason = ?2 WHERE id = ?3",
                (datetime_text(now), reason, id),
            )?;
            Ok(())
        })?;
        self.closed_period(id)
    }

    fn closed_period(&self, id: i64) -> Result<ClosedPeriod> {
        self.conn()
            .query_row(
                &format!("SELECT {PERIOD_COLUMNS} FROM closed_periods WHERE id = ?1"),
                [id],
                period_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::not_found(format!("结账记录（编号 {id}）")))
    }
}
