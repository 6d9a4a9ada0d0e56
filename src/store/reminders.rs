//! Gathers what the reminders on 首页 are computed from.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::codec::date_text;
use super::members::members_in;
use super::visits::VisitFilter;
use super::{Ledger, Result};
use crate::core::reminders::{Reminder, ReminderInputs, hardship_window, reminders};
use crate::core::visit::reason_code;

impl Ledger {
    /// The reminders for `today`.
    pub fn reminders(&self, today: NaiveDate) -> Result<Vec<Reminder>> {
        let members = members_in(self.conn())?;
        let open_visits = self.visits(&VisitFilter {
            open_only: true,
            ..VisitFilter::default()
        })?;
        let retirement_done = self.member_ids(
            "SELECT v.member_id FROM visits v JOIN visit_reasons r ON r.id = v.reason_id WHERE r.code = ?1
             UNION
             SELECT e.member_id FROM entries e JOIN visit_reasons r ON r.category_id = e.category_id
             WHERE r.code = ?1 AND e.member_id IS NOT NULL AND +e.reverses_entry_id IS NULL
               AND NOT EXISTS (SELECT 1 FROM entries x WHERE x.reverses_entry_id = e.id)",
            (reason_code::RETIREMENT,),
        )?;
        let hardship_visited = match hardship_window(today) {
            Some((from, _)) => self.member_ids(
                "SELECT member_id FROM visits WHERE date >= ?1
                 UNION
                 SELECT e.member_id FROM entries e JOIN categories c ON c.id = e.category_id
                 LEFT JOIN categories g ON g.id = c.parent_id
                 WHERE e.date >= ?1 AND e.member_id IS NOT NULL AND +e.reverses_entry_id IS NULL
                   AND NOT EXISTS (SELECT 1 FROM entries x WHERE x.reverses_entry_id = e.id)
                   AND (g.name = '困难帮扶'
                        OR c.id IN (SELECT category_id FROM visit_reasons WHERE code = ?2))",
                (date_text(from), reason_code::HARDSHIP),
            )?,
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

    fn member_ids(&self, sql: &str, params: impl rusqlite::Params) -> Result<HashSet<i64>> {
        let mut statement = self.conn().prepare_cached(sql)?;
        let rows = statement.query_map(params, |row| row.get::<_, i64>(0))?;
        Ok(rows.collect::<rusqlite::Result<HashSet<_>>>()?)
    }
}
