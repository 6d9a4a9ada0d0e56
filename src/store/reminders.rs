//! Gathers what the reminders on 首页 are computed from.

use std::collections::HashSet;

use chrono::{Duration, NaiveDate};

use super::codec::date_text;
use super::members::members_in;
use super::visits::VisitFilter;
use super::{Ledger, Result};
use crate::core::holidays::Holiday;
use crate::core::reminders::{
    FestivalRoster, RETIREMENT_NOTICE_DAYS, Reminder, ReminderInputs, festival_roster,
    hardship_window, next_spring_festival, reminders,
};
use crate::core::visit::reason_code;

impl Ledger {
    /// The reminders for `today`.
    pub fn reminders(&self, today: NaiveDate) -> Result<Vec<Reminder>> {
        let members = members_in(self.conn())?;
        let open_visits = self.visits(&VisitFilter {
            open_only: true,
            ..VisitFilter::default()
        })?;
        // Only members retiring within the notice period are asked about, so only their
        // payouts are read, member by member (CROSS JOIN fixes that order; a large
        // ledger has many retirement payouts). The unary `+` keeps SQLite from walking
        // every unreversed entry by `reverses_entry_id`.
        let horizon = today + Duration::days(RETIREMENT_NOTICE_DAYS);
        let retirement_done = self.member_ids(
            "SELECT v.member_id FROM visits v JOIN visit_reasons r ON r.id = v.reason_id WHERE r.code = ?1
             UNION
             SELECT e.member_id FROM members m CROSS JOIN entries e ON e.member_id = m.id
             WHERE m.retirement_date >= ?2 AND m.retirement_date <= ?3
               AND e.category_id IN (SELECT category_id FROM visit_reasons WHERE code = ?1)
               AND +e.reverses_entry_id IS NULL
               AND NOT EXISTS (SELECT 1 FROM entries x WHERE x.reverses_entry_id = e.id)",
            (reason_code::RETIREMENT, date_text(today), date_text(horizon)),
        )?;
        let hardship_visited = match hardship_window(today) {
            Some((from, _)) => self.festival_visited(from)?,
            None => HashSet::new(),
        };
        let batches: Vec<_> = self
            .batches()?
            .into_iter()
            .filter(|batch| batch.reversed_on.is_none())
            .collect();
        let categories = self.categories()?;
        let rule_count = self.rules()?.len();
        Ok(reminders(&ReminderInputs {
            today,
            members: &members,
            open_visits: &open_visits,
            retirement_done: &retirement_done,
            hardship_visited: &hardship_visited,
            batches: &batches,
            categories: &categories,
            rule_count,
        }))
    }

    /// The Spring Festival list (春节慰问名单) for the next festival on or after
    /// `today`: retired and hardship households, each marked visited when a visit, a
    /// hardship payout or a Spring Festival payout by hand reached them since the
    /// list's start.
    /// `None` when the calendar does not know the next festival.
    pub fn spring_festival_roster(&self, today: NaiveDate) -> Result<Option<FestivalRoster>> {
        let Some(festival) = next_spring_festival(today) else {
            return Ok(None);
        };
        let members = members_in(self.conn())?;
        let mut roster = festival_roster(&members, festival, &HashSet::new());
        let visited = self.festival_visited(roster.from)?;
        for row in &mut roster.rows {
            row.visited = visited.contains(&row.member_id);
        }
        Ok(Some(roster))
    }

    /// Members visited since `from`, or paid since then from hardship relief (the 困难帮扶
    /// group, the 困难 visit's category) or for the Spring Festival by hand (a holiday
    /// batch for everyone is not a visit to the household).
    fn festival_visited(&self, from: NaiveDate) -> Result<HashSet<i64>> {
        // Driven by the few categories concerned (`entries_category_date`); the unary
        // `+` keeps SQLite from walking every unreversed or unbatched entry instead.
        self.member_ids(
            "SELECT member_id FROM visits WHERE date >= ?1
             UNION
             SELECT e.member_id FROM entries e
             WHERE e.category_id IN (
                     SELECT c.id FROM categories c LEFT JOIN categories g ON g.id = c.parent_id
                     WHERE g.name = '困难帮扶'
                        OR c.id IN (SELECT category_id FROM visit_reasons WHERE code = ?2))
               AND e.date >= ?1 AND e.member_id IS NOT NULL AND +e.reverses_entry_id IS NULL
               AND NOT EXISTS (SELECT 1 FROM entries x WHERE x.reverses_entry_id = e.id)
             UNION
             SELECT e.member_id FROM entries e
             WHERE e.category_id IN (
                     SELECT c.id FROM categories c JOIN categories g ON g.id = c.parent_id
                     WHERE c.name = ?3)
               AND e.date >= ?1 AND e.member_id IS NOT NULL AND +e.batch_id IS NULL
               AND +e.reverses_entry_id IS NULL
               AND NOT EXISTS (SELECT 1 FROM entries x WHERE x.reverses_entry_id = e.id)",
            (
                date_text(from),
                reason_code::HARDSHIP,
                Holiday::SpringFestival.name(),
            ),
        )
    }

    fn member_ids(&self, sql: &str, params: impl super::sql::Params) -> Result<HashSet<i64>> {
        let mut statement = self.conn().prepare_cached(sql)?;
        let rows = statement.query_map(params, |row| row.get::<_, i64>(0))?;
        Ok(rows.collect::<super::sql::Result<HashSet<_>>>()?)
    }
}
