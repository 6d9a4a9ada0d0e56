//! Gathers what each printed form needs and hands it to `core::forms`, which makes
//! the form value. The only SQL here is for figures no other screen needs: each fund's
//! income and spending inside a period, and income per source.

use chrono::{Datelike, NaiveDate};

use super::codec::date_text;
use super::ledger_query::{LedgerFilter, LedgerOrder};
use super::policy::{history_in, load_in};
use super::{ClaimFilter, Ledger, Result, StoreError, VisitFilter};
use crate::core::date::Period;
use crate::core::forms::{
    self, ClaimLine, Form, FormHead, FormRequest, FundFlow, MemberLine, SignoffLine,
    SignoffSubject, SourceAmount, VisitLine, VoucherSubject,
};
use crate::core::model::EntryKind;
use crate::core::report::category_totals;
use crate::core::search::pinyin_sort_key;

impl Ledger {
    /// Makes one printed form from the ledger as it stands. `today` is the printing
    /// date and decides claim warnings.
    pub fn form(&self, request: &FormRequest, today: NaiveDate) -> Result<Form> {
        let head = FormHead {
            union_name: self.union_name()?,
            printed_on: today,
        };
        match *request {
            FormRequest::Quarterly { year, quarter } => self.quarterly_form(&head, year, quarter),
            FormRequest::Annual { year } => {
                let mut form = self.annual_form(&head, year)?;
                self.add_charts(&mut form, year, today)?;
                Ok(form)
            }
            FormRequest::Member { member_id, period } => self.member_form(&head, member_id, period),
            FormRequest::Signoff { batch_id } => self.signoff_form(&head, batch_id),
            FormRequest::Voucher { entry_id } => self.voucher_form(&head, entry_id),
            FormRequest::Visits { period } => self.visits_form(&head, period),
            FormRequest::Claims { period } => self.claims_form(&head, period, today),
            FormRequest::Audit { year } => {
                let mut form = crate::core::audit::audit_form(&head, &self.audit(year, today)?);
                self.add_charts(&mut form, year, today)?;
                Ok(form)
            }
        }
    }

    /// The year's spending per month by category group and each fund's balance
    /// through the year, as the window's 首页 draws them, after the form's tables.
    fn add_charts(&self, form: &mut Form, year: i32, today: NaiveDate) -> Result<()> {
        form.blocks
            .push(forms::Block::Chart(self.spending_chart(year)?));
        form.blocks
            .push(forms::Block::Chart(self.balance_chart(year, today)?));
        Ok(())
    }

    /// Each fund's income and spending dated inside a period, from the per-day sums
    /// kept by trigger (`entry_day_counts`): a year is a few hundred rows per fund
    /// however many entries it holds.
    pub fn fund_flows(&self, period: Period) -> Result<Vec<FundFlow>> {
        let mut statement = self.conn().prepare_cached(
            "SELECT fund_id,
                    ifnull(sum(CASE WHEN kind = 'income' THEN delta_fen END), 0),
                    ifnull(sum(CASE WHEN kind = 'disbursement' THEN -delta_fen END), 0)
             FROM entry_day_counts WHERE date >= ?1 AND date <= ?2
             GROUP BY fund_id ORDER BY fund_id",
        )?;
        let rows =
            statement.query_map((date_text(period.start), date_text(period.end)), |row| {
                Ok(FundFlow {
                    fund_id: row.get(0)?,
                    income_fen: row.get(1)?,
                    spending_fen: row.get(2)?,
                })
            })?;
        Ok(rows.collect::<super::sql::Result<Vec<_>>>()?)
    }

    /// Income per source in a period (reversals subtracted), every source listed.
    pub fn income_by_source(&self, period: Period) -> Result<Vec<SourceAmount>> {
        let mut statement = self.conn().prepare_cached(
            "SELECT s.name, s.account_code,
                    ifnull((SELECT sum(e.delta_fen) FROM entries e
                            WHERE e.source_id = s.id AND e.date >= ?1 AND e.date <= ?2), 0)
             FROM income_sources s ORDER BY s.sort_order, s.id",
        )?;
        let rows =
            statement.query_map((date_text(period.start), date_text(period.end)), |row| {
                Ok(SourceAmount {
                    name: row.get(0)?,
                    account_code: row.get(1)?,
                    amount_fen: row.get(2)?,
                })
            })?;
        Ok(rows.collect::<super::sql::Result<Vec<_>>>()?)
    }

    /// Fund movements over a period that lies inside one calendar year.
    fn movements_in(&self, period: Period) -> Result<Vec<forms::FundMovement>> {
        let year = period.start.year();
        let balances = self.fund_balances(year)?;
        let before = match period.start.pred_opt() {
            Some(day_before) if day_before.year() == year => {
                self.fund_flows(Period::new(Period::year(year).start, day_before))?
            }
            _ => Vec::new(),
        };
        Ok(forms::fund_movements(
            &balances,
            &before,
            &self.fund_flows(period)?,
        ))
    }

    fn quarterly_form(&self, head: &FormHead, year: i32, quarter: u32) -> Result<Form> {
        if !(1..=4).contains(&quarter) {
            return Err(StoreError::invalid(
                "季度",
                format!("“{quarter}”应为 1 到 4"),
            ));
        }
        let period = Period::quarter(year, quarter);
        let year_to_date = Period::new(Period::year(year).start, period.end);
        let rows = forms::tally_rows(
            &self.categories()?,
            &self.spending_by_category(period)?,
            &self.spending_by_category(year_to_date)?,
        );
        Ok(forms::quarterly_tally(
            head,
            period,
            &rows,
            &self.movements_in(period)?,
        ))
    }

    fn annual_form(&self, head: &FormHead, year: i32) -> Result<Form> {
        let period = Period::year(year);
        let spending = category_totals(
            &self.categories()?,
            &self.spending_by_category(period)?,
            false,
        );
        let income: Vec<SourceAmount> = self
            .income_by_source(period)?
            .into_iter()
            .filter(|source| source.amount_fen != 0)
            .collect();
        Ok(forms::income_statement(
            head,
            year,
            &income,
            &spending,
            &self.movements_in(period)?,
        ))
    }

    fn member_form(&self, head: &FormHead, member_id: i64, period: Period) -> Result<Form> {
        let member = self.member(member_id)?;
        let filter = LedgerFilter {
            period: Some(period),
            member_id: Some(member_id),
            ..LedgerFilter::default()
        };
        let index = self.ledger_index(&filter)?;
        let rows = self.ledger_page(&index, LedgerOrder::OldestFirst, 0, index.count)?;
        let lines: Vec<MemberLine> = rows
            .into_iter()
            .map(|row| {
                let mut note = row.entry.note.clone();
                if row.entry.reverses_entry_id.is_some() {
                    note = format!("冲销：{}", row.reversal_reason);
                }
                MemberLine {
                    date: row.entry.date,
                    voucher_no: row.voucher_no,
                    category: row.item_name,
                    fund: row.fund_name,
                    payment_form: row.entry.payment_form.label().to_string(),
                    amount_fen: match row.entry.kind {
                        EntryKind::Disbursement => -row.delta_fen,
                        EntryKind::Income => row.delta_fen,
                    },
                    note,
                }
            })
            .collect();
        let loaded = load_in(self.conn())?;
        // Caps count calendar years; the ledger shows the year the period ends in.
        let cap_year = Period::year(period.end.year());
        let all_categories: Vec<i64> = loaded.categories.iter().map(|c| c.id).collect();
        let payouts = history_in(
            self.conn(),
            member_id,
            &all_categories,
            cap_year.start,
            cap_year.end,
        )?;
        let caps = forms::cap_uses(&loaded.rules, &loaded.categories, &payouts);
        let plan_usage: Vec<(String, i64, i64)> = self
            .member_plan_usage(member_id)?
            .into_iter()
            .filter(|(_, count, _)| *count > 0)
            .collect();
        Ok(forms::member_ledger(
            head,
            &member,
            period,
            &lines,
            &caps,
            &plan_usage,
        ))
    }

    fn signoff_form(&self, head: &FormHead, batch_id: i64) -> Result<Form> {
        let batch = self.batch(batch_id)?;
        let fund = self
            .funds()?
            .into_iter()
            .find(|fund| fund.id == batch.fund_id)
            .map(|fund| fund.name)
            .unwrap_or_default();
        let mut lines: Vec<SignoffLine> = self
            .batch_recipients(batch_id)?
            .into_iter()
            .filter(|recipient| !recipient.is_reversed)
            .map(|recipient| SignoffLine {
                department: recipient.department,
                employee_no: recipient.employee_no,
                name: recipient.name,
                amount_fen: recipient.amount_fen,
            })
            .collect();
        // Departments in pinyin order, as a reader looks them up; 工号 within each.
        lines.sort_by_cached_key(|line| {
            (pinyin_sort_key(&line.department), line.employee_no.clone())
        });
        let vouchers = if batch.first_voucher.is_empty() {
            String::new()
        } else {
            format!("{} 至 {}", batch.first_voucher, batch.last_voucher)
        };
        let reversed = match batch.reversed_on {
            Some(day) => format!(
                "本批次已于 {} 整批冲销（{}），上表只列未冲销的人员。",
                day.format("%Y-%m-%d"),
                batch.reversal_reason
            ),
            None => String::new(),
        };
        let subject = SignoffSubject {
            batch_number: batch.number(),
            category: batch.category_name.clone(),
            date: batch.date,
            item: batch.item.clone(),
            payment_form: batch.payment_form.label().to_string(),
            fund,
            approval: batch.approval.describe(),
            vouchers,
            reversed,
        };
        Ok(forms::signoff_sheet(head, &subject, &lines))
    }

    fn voucher_form(&self, head: &FormHead, entry_id: i64) -> Result<Form> {
        let (entry, reversal_reason) = self.entry_with_reason(entry_id)?;
        if entry.kind != EntryKind::Disbursement {
            return Err(StoreError::invalid(
                "凭证",
                format!("{} 是收入，支出凭单只能打印支出凭证", entry.voucher_no()),
            ));
        }
        let category = match entry.category_id {
            Some(id) => Some(self.category(id)?),
            None => None,
        };
        let member = match entry.member_id {
            Some(id) => Some(self.member(id)?),
            None => None,
        };
        let fund = self
            .funds()?
            .into_iter()
            .find(|fund| fund.id == entry.fund_id)
            .map(|fund| fund.name)
            .unwrap_or_default();
        let approval = match entry.approval_id {
            Some(id) => self.approval(id)?.describe(),
            None => String::new(),
        };
        let reverses = match entry.reverses_entry_id {
            Some(id) => format!(
                "冲销凭证 {}，原因：{reversal_reason}",
                self.entry(id)?.voucher_no()
            ),
            None => String::new(),
        };
        let batch = match entry.batch_id {
            Some(id) => {
                let batch = self.batch(id)?;
                format!("{} {}", batch.number(), batch.category_name)
            }
            None => String::new(),
        };
        let breaches = self
            .entry_breaches(entry.id)?
            .into_iter()
            .map(|breach| format!("{}：{}", breach.rule_name, breach.message))
            .collect();
        let purpose = [
            category
                .as_ref()
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            entry.event.clone(),
            entry.note.clone(),
        ]
        .into_iter()
        .filter(|part| !part.trim().is_empty())
        .collect::<Vec<_>>()
        .join("，");
        let subject = VoucherSubject {
            voucher_no: entry.voucher_no(),
            date: entry.date,
            payee: member
                .as_ref()
                .map(|m| format!("{}（{}）", m.name, m.employee_no))
                .unwrap_or_default(),
            department: member
                .as_ref()
                .map(|m| m.department.clone())
                .unwrap_or_default(),
            category: category
                .as_ref()
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            account_code: category
                .as_ref()
                .map(|c| c.account_code.clone())
                .unwrap_or_default(),
            fund,
            payment_form: entry.payment_form.label().to_string(),
            amount_fen: if entry.reverses_entry_id.is_some() {
                -entry.amount_fen
            } else {
                entry.amount_fen
            },
            purpose,
            approval,
            handler: entry.handler.clone(),
            reverses,
            override_reason: entry.override_reason.clone(),
            breaches,
            batch,
        };
        Ok(forms::payment_voucher(head, &subject))
    }

    fn visits_form(&self, head: &FormHead, period: Period) -> Result<Form> {
        let mut visits = self.visits(&VisitFilter {
            period: Some(period),
            ..VisitFilter::default()
        })?;
        visits.sort_by_key(|visit| (visit.date, visit.id));
        let lines: Vec<VisitLine> = visits
            .iter()
            .map(|visit| VisitLine {
                date: visit.date,
                department: visit.department.clone(),
                name: visit.member_name.clone(),
                reason: if visit.relation.is_empty() {
                    visit.reason_name.clone()
                } else {
                    format!("{}（{}）", visit.reason_name, visit.relation)
                },
                place: visit.place.clone(),
                visitors: visit.visitors.clone(),
                money_fen: visit.money_fen,
                goods: visit.goods.clone(),
                goods_fen: visit.goods_fen,
                vouchers: visit.vouchers.join("、"),
                state: if visit.is_open {
                    "住院中".to_string()
                } else {
                    String::new()
                },
            })
            .collect();
        let by_reason: Vec<(String, i64, i64, i64)> = self
            .visit_totals(period)?
            .into_iter()
            .filter(|total| total.visits > 0)
            .map(|total| {
                (
                    total.reason_name,
                    total.visits,
                    total.money_fen,
                    total.goods_fen,
                )
            })
            .collect();
        Ok(forms::visits_register(head, period, &lines, &by_reason))
    }

    fn claims_form(&self, head: &FormHead, period: Period, today: NaiveDate) -> Result<Form> {
        let mut claims = self.claims(
            &ClaimFilter {
                period: Some(period),
                ..ClaimFilter::default()
            },
            today,
        )?;
        claims.sort_by_key(|claim| (claim.facts.admission, claim.id));
        let lines: Vec<ClaimLine> = claims
            .iter()
            .map(|claim| ClaimLine {
                department: claim.department.clone(),
                name: claim.name.clone(),
                plan: claim.plan_name.clone(),
                illness: claim.facts.illness.clone(),
                admission: claim.facts.admission,
                discharge: claim.facts.discharge,
                total_cost_fen: claim.facts.total_cost_fen,
                eligible_cost_fen: claim.facts.eligible_cost_fen,
                computed_fen: claim.computed.amount_fen,
                approved_fen: claim.approved_fen,
                state: claim.state.label().to_string(),
                paid_on: claim.paid_on,
                voucher: claim.paid_voucher.clone(),
            })
            .collect();
        let plans = self.plan_year_totals(period.start.year())?;
        Ok(forms::claims_register(head, period, &lines, &plans))
    }
}
