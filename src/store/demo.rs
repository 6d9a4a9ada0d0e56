//! Filling an empty ledger with the deterministic demo data from `core::demo`.

use chrono::Datelike;
use serde::Serialize;

use super::{Ledger, Result, StoreError, codec, entries, members};
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
        if members == 0 || years == 0 {
            return Err(StoreError::invalid("演示数据", "会员数和年数都必须大于 0"));
        }
        // Demo people and payouts must never mix with a real register or real books.
        let existing_entries = self.entry_count()?;
        let existing_members = self.members()?.len();
        if existing_entries > 0 || existing_members > 0 || !self.fund_openings()?.is_empty() {
            return Err(StoreError::invalid(
                "演示数据",
                format!(
                    "台账中已有 {existing_members} 名会员、{existing_entries} 笔凭证或已设年初余额；演示数据只能写入全新的空台账（请用 --db 指定一个新文件）"
                ),
            ));
        }
        let today = clock.today();
        let now = codec::datetime_text(clock.now());
        let spec = DemoSpec {
            members,
            years,
            seed,
            last_year: today.year(),
        };
        let funds = self.funds()?;
        let categories = self.categories()?;
        let sources = self.income_sources()?;
        // One transaction: either the whole demo is there, or nothing is.
        let summary = self.write(|tx| {
            members::upsert_in(tx, &demo_members(&spec), &now)?;
            let stored_members = members::members_in(tx)?;
            let chart = DemoChart {
                funds: &funds,
                categories: &categories,
                sources: &sources,
            };
            for (fund_id, opening_fen) in demo_opening_balances(&spec, &stored_members, &chart) {
                tx.execute(
                    "INSERT INTO fund_openings (fund_id, year, opening_fen) VALUES (?1, ?2, ?3)",
                    (fund_id, spec.first_year(), opening_fen),
                )?;
            }
            let entries = entries::append_in(
                tx,
                demo_entries(&spec, &stored_members, &chart, today),
                &now,
                today,
            )?;
            Ok(DemoSummary {
                members: stored_members.len(),
                entries,
                first_year: spec.first_year(),
                last_year: spec.last_year,
            })
        })?;
        // The demo shows the rules at work from the first entry the clerk types: the
        // first example rule set (the demo's own history is not judged).
        if self.rules()?.is_empty() {
            self.apply_preset("example-strict")?;
        }
        Ok(summary)
    }
}
