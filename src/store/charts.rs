//! The charts' figures, summed per month from the tables the printed forms read:
//! spending from the per-day category sums, fund movements from the per-day fund
//! sums (both kept by trigger), visits and paid claims from their registers. The
//! window's charts and the PDF's are these same values (see `core::charts`).

use chrono::Datelike;

use super::codec::date_text;
use super::{Ledger, Result};
use crate::core::charts::{self, Chart, MonthValue};
use crate::core::date::Period;
use crate::core::report;

impl Ledger {
    /// Sums `sql` (month, key, value over a year given as ?1 and ?2) into month values.
    fn month_values(&self, sql: &str, year: i32) -> Result<Vec<MonthValue>> {
        let period = Period::year(year);
        let mut statement = self.conn().prepare_cached(sql)?;
        let rows =
            statement.query_map((date_text(period.start), date_text(period.end)), |row| {
                Ok(MonthValue {
                    month: row.get::<_, i64>(0)? as u32,
                    key: row.get(1)?,
                    value: row.get(2)?,
                })
            })?;
        Ok(rows.collect::<super::sql::Result<Vec<_>>>()?)
    }

    /// The year's spending per month, stacked by category group.
    pub fn spending_chart(&self, year: i32) -> Result<Chart> {
        self.spending_chart_without(year, &[])
    }

    /// The same, leaving out the categories in `left_out` (those tagged 内部拨付, when
    /// the union above consolidates).
    pub fn spending_chart_without(&self, year: i32, left_out: &[i64]) -> Result<Chart> {
        let mut spending = self.month_values(
            "SELECT CAST(substr(date, 6, 2) AS INTEGER), category_id, sum(amount_fen)
             FROM spending_day_totals WHERE date >= ?1 AND date <= ?2
             GROUP BY CAST(substr(date, 6, 2) AS INTEGER), category_id",
            year,
        )?;
        spending.retain(|value| !left_out.contains(&value.key));
        Ok(charts::monthly_spending(
            year,
            &self.categories()?,
            &spending,
        ))
    }

    /// Each fund's balance at the end of every month of `year` up to `today`'s month
    /// (the whole year for a past year).
    pub fn balance_chart(&self, year: i32, today: chrono::NaiveDate) -> Result<Chart> {
        let flows = self.month_values(
            "SELECT CAST(substr(date, 6, 2) AS INTEGER), fund_id, sum(delta_fen)
             FROM entry_day_counts WHERE date >= ?1 AND date <= ?2
             GROUP BY CAST(substr(date, 6, 2) AS INTEGER), fund_id",
            year,
        )?;
        let funds = self.funds()?;
        let openings: Vec<(i64, i64)> = report::fund_balances(
            &funds,
            &self.fund_openings()?,
            &self.fund_year_totals()?,
            year,
        )
        .iter()
        .map(|balance| (balance.fund_id, balance.opening_fen))
        .collect();
        let through = if today.year() == year {
            today.month()
        } else {
            12
        };
        Ok(charts::fund_balances(
            year, &funds, &openings, &flows, through,
        ))
    }

    /// Visits per month by reason.
    pub fn visits_chart(&self, year: i32) -> Result<Chart> {
        let visits = self.month_values(
            "SELECT CAST(substr(date, 6, 2) AS INTEGER), reason_id, count(*)
             FROM visits WHERE date >= ?1 AND date <= ?2
             GROUP BY CAST(substr(date, 6, 2) AS INTEGER), reason_id",
            year,
        )?;
        let reasons: Vec<(i64, String)> = self
            .visit_reasons()?
            .into_iter()
            .map(|reason| (reason.id, reason.name))
            .collect();
        Ok(charts::monthly_visits(year, &reasons, &visits))
    }

    /// Mutual-insurance payouts per month by plan: the approved amounts of the claims
    /// paid, as 互助保障's yearly totals count them.
    pub fn payouts_chart(&self, year: i32) -> Result<Chart> {
        let payouts = self.month_values(
            "SELECT CAST(substr(paid_on, 6, 2) AS INTEGER), plan_id, sum(approved_fen)
             FROM claims WHERE state = 'paid' AND paid_on >= ?1 AND paid_on <= ?2
             GROUP BY CAST(substr(paid_on, 6, 2) AS INTEGER), plan_id",
            year,
        )?;
        let plans: Vec<(i64, String)> = self
            .plans()?
            .into_iter()
            .map(|plan| (plan.id, plan.name.clone()))
            .collect();
        Ok(charts::monthly_payouts(year, &plans, &payouts))
    }
}
