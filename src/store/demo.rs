//! Filling an empty ledger with the deterministic demo data from `core::demo`.

use chrono::Datelike;
use serde::Serialize;

use super::{Ledger, Result, StoreError};
use crate::core::date::Clock;
use crate::core::demo::{DemoChart, DemoSpec, demo_entries, demo_members, demo_opening_balances};

/// What a demo fill wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DemoSummary {
    pub members: usize,
    pub entries: usize,
    pub first_year: i32,
    pub last_year: i32,
}

impl Ledger {
    /// Writes `members` demo members and `years` years of entries ending today into a
    /// ledger that has no entries yet. The same seed always gives the same ledger.
    pub fn fill_demo(
        &mut self,
        members: usize,
        years: u32,
        seed: u64,
        clock: &dyn Clock,
    ) -> Result<DemoSummary> {
        let existing = self.entry_count()?;
        if existing > 0 {
            return Err(StoreError::invalid(
                "演示数据",
                format!("台账中已有 {existing} 笔凭证，演示数据只能写入空台账"),
            ));
        }
        if members == 0 || years == 0 {
            return Err(StoreError::invalid("演示数据", "会员数和年数都必须大于 0"));
        }
        let today = clock.today();
        let spec = DemoSpec {
            members,
            years,
            seed,
            last_year: today.year(),
        };
        self.upsert_members(&demo_members(&spec), clock)?;
        let stored_members = self.members()?;
        let funds = self.funds()?;
        let categories = self.categories()?;
        let sources = self.income_sources()?;
        let chart = DemoChart {
            funds: &funds,
            categories: &categories,
            sources: &sources,
        };
        for (fund_id, opening_fen) in demo_opening_balances(&spec, &stored_members, &chart) {
            self.set_fund_opening(fund_id, spec.first_year(), Some(opening_fen))?;
        }
        let entries = self
            .append_entries_in_order(demo_entries(&spec, &stored_members, &chart, today), clock)?;
        Ok(DemoSummary {
            members: stored_members.len(),
            entries,
            first_year: spec.first_year(),
            last_year: spec.last_year,
        })
    }
}
