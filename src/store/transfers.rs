//! 内部拨付: the spending categories (拨付分会经费) and income sources (上级拨入) a
//! ledger tags as money moved between the union and its branches, and what it booked
//! under them over a form's period, for the union above to eliminate when it
//! consolidates. The tags are settings, so they are in the change log and travel in a
//! branch's snapshot.

use chrono::Datelike;

use super::{Ledger, Result, StoreError};
use crate::core::date::Period;
use crate::core::forms::{FormRequest, TransferLine, Transfers};

const CATEGORIES_KEY: &str = "internal_categories";
const SOURCES_KEY: &str = "internal_sources";

/// The categories and income sources tagged 内部拨付, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InternalTags {
    pub categories: Vec<i64>,
    pub sources: Vec<i64>,
}

fn parse_ids(text: Option<String>) -> Vec<i64> {
    text.unwrap_or_default()
        .split(',')
        .filter_map(|id| id.trim().parse().ok())
        .collect()
}

fn ids_text(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

impl Ledger {
    /// What this ledger tags as moved between the union and its branches.
    pub fn internal_tags(&self) -> Result<InternalTags> {
        Ok(InternalTags {
            categories: parse_ids(self.setting(CATEGORIES_KEY)?),
            sources: parse_ids(self.setting(SOURCES_KEY)?),
        })
    }

    /// Tags a spending item (not a group: its items are tagged one by one) as money
    /// paid to a branch or the union above, or takes the tag off.
    pub fn set_category_internal(&mut self, id: i64, internal: bool) -> Result<()> {
        let category = self.category(id)?;
        if category.parent_id.is_none() {
            return Err(StoreError::invalid(
                "内部拨付",
                format!("“{}”是分组，请标记分组下的明细类别", category.name),
            ));
        }
        let mut ids = self.internal_tags()?.categories;
        if toggle(&mut ids, id, internal) {
            self.set_setting(CATEGORIES_KEY, &ids_text(&ids))?;
        }
        Ok(())
    }

    /// Tags an income source as money received from the union above or a branch, or
    /// takes the tag off.
    pub fn set_source_internal(&mut self, id: i64, internal: bool) -> Result<()> {
        if !self.income_sources()?.iter().any(|source| source.id == id) {
            return Err(StoreError::not_found(format!("收入来源（编号 {id}）")));
        }
        let mut ids = self.internal_tags()?.sources;
        if toggle(&mut ids, id, internal) {
            self.set_setting(SOURCES_KEY, &ids_text(&ids))?;
        }
        Ok(())
    }

    /// The form of `request` as the union above consolidates it: this ledger's own,
    /// its spending chart without the categories tagged 内部拨付 (the tables keep them:
    /// the consolidated form takes them out under its totals), and what was booked
    /// under the tags.
    pub fn consolidation_form(
        &self,
        request: &FormRequest,
        today: chrono::NaiveDate,
    ) -> Result<(crate::core::forms::Form, Transfers)> {
        let mut form = self.form(request, today)?;
        let tags = self.internal_tags()?;
        if let FormRequest::Annual { year } | FormRequest::Audit { year } = *request
            && !tags.categories.is_empty()
        {
            let gross = self.spending_chart(year)?;
            let net = self.spending_chart_without(year, &tags.categories)?;
            for block in &mut form.blocks {
                if let crate::core::forms::Block::Chart(chart) = block
                    && *chart == gross
                {
                    *chart = net.clone();
                }
            }
        }
        Ok((form, self.transfers_for(request)?))
    }

    /// What the ledger booked under its 内部拨付 tags over the period of `request`
    /// (the quarter, with the year to its end, or the year), one line per tagged
    /// category or source; nothing for forms that are not consolidated.
    pub fn transfers_for(&self, request: &FormRequest) -> Result<Transfers> {
        let period = match *request {
            FormRequest::Quarterly { year, quarter } => Period::quarter(year, quarter),
            FormRequest::Annual { year } | FormRequest::Audit { year } => Period::year(year),
            _ => return Ok(Transfers::default()),
        };
        let year_to_date = Period::new(Period::year(period.start.year()).start, period.end);
        let tags = self.internal_tags()?;
        let mut lines = Vec::new();
        if !tags.categories.is_empty() {
            let within = self.spending_by_category(period)?;
            let ytd = self.spending_by_category(year_to_date)?;
            let figures = |rows: &[crate::core::report::CategoryAmount], id: i64| {
                rows.iter()
                    .find(|row| row.category_id == id)
                    .map_or((0, 0), |row| (row.count, row.amount_fen))
            };
            for category in self.categories()? {
                if !tags.categories.contains(&category.id) {
                    continue;
                }
                let (count, amount_fen) = figures(&within, category.id);
                let (ytd_count, ytd_amount_fen) = figures(&ytd, category.id);
                lines.push(TransferLine {
                    outgoing: true,
                    name: category.name,
                    account_code: category.account_code,
                    count,
                    amount_fen,
                    ytd_count,
                    ytd_amount_fen,
                });
            }
        }
        if !tags.sources.is_empty() {
            let within = self.income_by_source(period)?;
            let ytd = self.income_by_source(year_to_date)?;
            for source in self.income_sources()? {
                if !tags.sources.contains(&source.id) {
                    continue;
                }
                let amount = |rows: &[crate::core::forms::SourceAmount]| {
                    rows.iter()
                        .find(|row| row.name == source.name)
                        .map_or(0, |row| row.amount_fen)
                };
                lines.push(TransferLine {
                    outgoing: false,
                    name: source.name.clone(),
                    account_code: source.account_code.clone(),
                    count: 0,
                    amount_fen: amount(&within),
                    ytd_count: 0,
                    ytd_amount_fen: amount(&ytd),
                });
            }
        }
        Ok(Transfers { lines })
    }
}

/// What the clerk is told when `name` is tagged 内部拨付 or untagged (the window's
/// status bar and the command line alike).
pub fn tag_message(name: &str, internal: bool) -> String {
    if internal {
        format!("“{name}”标记为内部拨付：上级汇总时抵销")
    } else {
        format!("“{name}”不再是内部拨付")
    }
}

/// Puts `id` in or out of `ids`; whether anything changed.
fn toggle(ids: &mut Vec<i64>, id: i64, internal: bool) -> bool {
    let present = ids.contains(&id);
    match (present, internal) {
        (false, true) => ids.push(id),
        (true, false) => ids.retain(|known| *known != id),
        _ => return false,
    }
    ids.sort_unstable();
    true
}
