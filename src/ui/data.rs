//! The view values the screens draw from, read from the ledger once after each change,
//! never per frame.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use crate::core::batch::Batch;
use crate::core::date::Period;
use crate::core::model::{Approval, Category, Fund, IncomeSource, Member};
use crate::core::policy::Rule;
use crate::core::reminders::{FestivalRoster, Reminder};
use crate::core::report::{self, CategoryTotalRow, FundBalance, FundOpening, FundYearTotal};
use crate::core::search::SearchKey;
use crate::core::visit::VisitReason;
use crate::store::{Ledger, LedgerRow, Result};

/// Everything the screens show that does not page: the chart, the register, this
/// year's balances, this quarter's spending and the latest entries.
#[derive(Debug, Clone, Default)]
pub struct LedgerData {
    pub union_name: String,
    pub handler: String,
    pub today: Option<NaiveDate>,
    pub funds: Vec<Fund>,
    pub categories: Vec<Category>,
    pub sources: Vec<IncomeSource>,
    /// The categories and sources tagged 内部拨付 (eliminated when consolidated).
    pub internal: crate::store::InternalTags,
    pub members: Vec<Member>,
    pub member_keys: Vec<SearchKey>,
    pub member_index: HashMap<i64, usize>,
    pub departments: Vec<String>,
    pub year: i32,
    pub balances: Vec<FundBalance>,
    /// The opening balances the clerk set and each fund's yearly totals: small tables
    /// from which any year's balances follow (see `report::fund_balances`).
    pub openings: Vec<FundOpening>,
    pub year_totals: Vec<FundYearTotal>,
    pub quarter: Option<Period>,
    pub quarter_totals: Vec<CategoryTotalRow>,
    pub recent: Vec<LedgerRow>,
    pub entry_count: i64,
    /// The union's rules, the decisions already recorded, the visit reasons (in
    /// display order) and the holiday batches (newest first).
    pub rules: Vec<Rule>,
    pub rule_set_name: Option<String>,
    pub duplicate_window_days: i64,
    pub approvals: Vec<(i64, Approval)>,
    pub visit_reasons: Vec<VisitReason>,
    pub batches: Vec<Batch>,
    /// What the clerk should do soon (待办), as of `today`.
    pub reminders: Vec<Reminder>,
    /// The next Spring Festival's list of retired and hardship households.
    pub festival: Option<FestivalRoster>,
    /// The change log's state as checked when the ledger opened, and why the ledger is
    /// read-only or was not closed properly last time.
    pub chain: Option<crate::core::changelog::ChainReport>,
    /// The opening check still running on its worker thread, and how far it has got.
    pub chain_checking: bool,
    pub chain_progress: Option<std::sync::Arc<crate::core::progress::Progress>>,
    /// The opening check could not run (the file could not be read).
    pub chain_failed: Option<String>,
    pub read_only: Option<String>,
    /// A session before this one ended without closing the ledger.
    pub unclean_close: Option<String>,
    /// Other windows and commands that have the ledger open (counted about once a second).
    pub other_sessions: usize,
    /// The backup taken when the ledger opened.
    pub opening_backup: Option<String>,
    /// When SQLite's full integrity check last passed on this ledger.
    pub last_full_check: Option<crate::store::FullCheck>,
    /// A ledger on a server: where (`user@host:port/db`).
    pub server: Option<String>,
    /// Every close, newest first.
    pub closed_periods: Vec<crate::store::ClosedPeriod>,
    /// This year's charts, the same values the annual statement prints: spending per
    /// month by category group, each fund's balance, visits by reason, payouts by plan.
    pub spending_chart: Option<crate::core::charts::Chart>,
    pub balance_chart: Option<crate::core::charts::Chart>,
    pub visits_chart: Option<crate::core::charts::Chart>,
    pub payouts_chart: Option<crate::core::charts::Chart>,
    /// A new, empty ledger whose guided start (开始使用) was neither finished nor skipped.
    pub guided_start_due: bool,
}

impl LedgerData {
    /// Reads everything from the ledger.
    pub fn load(ledger: &Ledger, today: NaiveDate) -> Result<Self> {
        let mut data = Self::default();
        data.reload_members(ledger)?;
        data.reload_chart(ledger)?;
        data.reload_figures(ledger, today)?;
        data.reload_policy(ledger)?;
        data.last_full_check = ledger.last_full_check()?;
        data.server = ledger.server().map(str::to_string);
        Ok(data)
    }

    /// Takes the books' figures from `fresh`, read again on a worker, keeping what
    /// belongs to this session: the opening check and backup, why the ledger is
    /// read-only, the count of other programs, and where it is.
    pub fn adopt(&mut self, fresh: LedgerData) {
        let kept = std::mem::replace(self, fresh);
        self.chain = kept.chain;
        self.chain_checking = kept.chain_checking;
        self.chain_progress = kept.chain_progress;
        self.chain_failed = kept.chain_failed;
        self.read_only = kept.read_only;
        self.unclean_close = kept.unclean_close;
        self.other_sessions = kept.other_sessions;
        self.opening_backup = kept.opening_backup;
        self.server = kept.server;
        if self.last_full_check.is_none() {
            self.last_full_check = kept.last_full_check;
        }
    }

    /// The rule set, approvals, visit reasons and batches: small lists any write may
    /// change (a batch adds an approval, a preset replaces the rules).
    pub fn reload_policy(&mut self, ledger: &Ledger) -> Result<()> {
        self.rules = ledger.rules()?;
        self.rule_set_name = ledger.rule_set_name()?;
        self.duplicate_window_days = ledger.duplicate_window_days()?;
        self.approvals = ledger.approvals()?;
        self.visit_reasons = ledger.visit_reasons()?;
        self.batches = ledger.batches()?;
        self.closed_periods = ledger.closed_periods()?;
        Ok(())
    }

    pub fn reload_members(&mut self, ledger: &Ledger) -> Result<()> {
        self.members = ledger.members()?;
        self.member_keys = self
            .members
            .iter()
            .map(|m| SearchKey::new(&m.name, &m.employee_no))
            .collect();
        self.member_index = self
            .members
            .iter()
            .enumerate()
            .map(|(index, m)| (m.id, index))
            .collect();
        self.departments = ledger.departments()?;
        Ok(())
    }

    pub fn reload_chart(&mut self, ledger: &Ledger) -> Result<()> {
        self.union_name = ledger.union_name()?;
        self.handler = ledger.setting("handler")?.unwrap_or_default();
        self.guided_start_due = ledger.setting("guided_start")?.is_none();
        self.funds = ledger.funds()?;
        self.categories = ledger.categories()?;
        self.sources = ledger.income_sources()?;
        self.internal = ledger.internal_tags()?;
        self.visit_reasons = ledger.visit_reasons()?;
        Ok(())
    }

    /// Balances, the quarter's spending and recent entries: what an entry changes.
    pub fn reload_figures(&mut self, ledger: &Ledger, today: NaiveDate) -> Result<()> {
        self.today = Some(today);
        self.year = today.year();
        self.openings = ledger.fund_openings()?;
        self.year_totals = ledger.fund_year_totals()?;
        self.balances =
            report::fund_balances(&self.funds, &self.openings, &self.year_totals, self.year);
        let quarter = Period::quarter_of(today);
        self.quarter = Some(quarter);
        self.quarter_totals = report::category_totals(
            &self.categories,
            &ledger.spending_by_category(quarter)?,
            false,
        );
        self.recent = ledger.recent_entries(12)?;
        self.entry_count = ledger.entry_count()?;
        self.reminders = ledger.reminders(today)?;
        self.festival = ledger.spring_festival_roster(today)?;
        self.spending_chart = Some(ledger.spending_chart(self.year)?);
        self.balance_chart = Some(ledger.balance_chart(self.year, today)?);
        self.visits_chart = Some(ledger.visits_chart(self.year)?);
        self.payouts_chart = Some(ledger.payouts_chart(self.year)?);
        Ok(())
    }

    pub fn member(&self, id: i64) -> Option<&Member> {
        self.member_index
            .get(&id)
            .and_then(|&index| self.members.get(index))
    }

    /// Members matching a search, in register order, at most `limit` of them.
    pub fn search_members(&self, query: &str, limit: usize) -> Vec<usize> {
        self.member_keys
            .iter()
            .enumerate()
            .filter(|(_, key)| key.matches(query))
            .map(|(index, _)| index)
            .take(limit)
            .collect()
    }

    pub fn fund_name(&self, id: i64) -> &str {
        self.funds
            .iter()
            .find(|f| f.id == id)
            .map_or("", |f| f.name.as_str())
    }

    pub fn category(&self, id: i64) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// "五必访 / 生病住院" for an item, the name alone for a group.
    pub fn category_path(&self, id: i64) -> String {
        match self.category(id) {
            Some(category) => match category.parent_id.and_then(|p| self.category(p)) {
                Some(parent) => format!("{} / {}", parent.name, category.name),
                None => category.name.clone(),
            },
            None => String::new(),
        }
    }

    /// Category items that entries can use, grouped, in the chart's order.
    pub fn active_items(&self) -> Vec<&Category> {
        self.categories
            .iter()
            .filter(|c| c.parent_id.is_some() && c.is_active)
            .filter(|c| {
                c.parent_id
                    .and_then(|p| self.category(p))
                    .is_some_and(|p| p.is_active)
            })
            .collect()
    }

    pub fn visit_reason(&self, id: i64) -> Option<&VisitReason> {
        self.visit_reasons.iter().find(|r| r.id == id)
    }

    /// The current balance of a fund (this year's closing so far).
    pub fn fund_balance(&self, fund_id: i64) -> Option<i64> {
        self.balances
            .iter()
            .find(|b| b.fund_id == fund_id)
            .map(|b| b.closing_fen)
    }
}

/// Keeps the time of a full check that passed (in the ledger, unless it is open
/// read-only) and returns what 首页 shows. Recording is bookkeeping about the check,
/// not part of the books: when the ledger is busy the time is shown for this session
/// and recorded next time.
pub fn record_full_check(ledger: &mut Ledger, head: &str) -> crate::store::FullCheck {
    let _ = ledger.record_full_check(head);
    ledger
        .last_full_check()
        .ok()
        .flatten()
        .filter(|check| check.head == head)
        .unwrap_or_else(|| crate::store::FullCheck {
            at: ledger.clock_now(),
            head: head.to_string(),
        })
}
