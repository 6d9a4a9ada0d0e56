//! Gathers the year-end audit: funds reconciled from the entries themselves (not from
//! the totals kept by trigger), and every finding with the entries behind it.

use chrono::NaiveDate;

use super::codec::parse_date;
use super::{ClaimFilter, Ledger, Result};
use crate::core::audit::{AuditReport, Finding, FindingKind, FindingLine, FundCheck, voucher_gaps};
use crate::core::date::Period;
use crate::core::insurance::ClaimState;
use crate::core::report::{FundYearTotal, fund_balances};

/// A single disbursement from this amount up is expected to carry a recorded approval.
pub const LARGE_PAYOUT_FEN: i64 = 200_000;

/// The columns every finding line reads, from `entries e` with members `m` and
/// categories `c` joined.
const LINE_COLUMNS: &str = "printf('%d-%06d', e.voucher_year, e.voucher_seq), e.date,
    ifnull(m.name || '（' || m.employee_no || '）', ''), ifnull(c.name, ''), e.amount_fen";

fn line(row: &super::sql::Row<'_>, remark: String) -> super::sql::Result<FindingLine> {
    Ok(FindingLine {
        voucher_no: row.get(0)?,
        date: Some(parse_date(1, &row.get::<_, String>(1)?)?),
        member: row.get(2)?,
        category: row.get(3)?,
        amount_fen: row.get(4)?,
        remark,
    })
}

impl Ledger {
    /// The audit of a year: funds recomputed, findings of every kind, the chain.
    pub fn audit(&self, year: i32, today: NaiveDate) -> Result<AuditReport> {
        let conn = self.conn();
        // Income and spending per fund and year summed from the entries themselves.
        let recomputed: Vec<FundYearTotal> = {
            let mut statement = conn.prepare(
                "SELECT fund_id, year,
                        ifnull(sum(CASE WHEN kind = 'income' THEN delta_fen END), 0),
                        ifnull(sum(CASE WHEN kind = 'disbursement' THEN -delta_fen END), 0)
                 FROM entries GROUP BY fund_id, year",
            )?;
            statement
                .query_map([], |row| {
                    Ok(FundYearTotal {
                        fund_id: row.get(0)?,
                        year: row.get(1)?,
                        income_fen: row.get(2)?,
                        spending_fen: row.get(3)?,
                    })
                })?
                .collect::<super::sql::Result<Vec<_>>>()?
        };
        let kept = self.fund_year_totals()?;
        let funds = fund_balances(&self.funds()?, &self.fund_openings()?, &recomputed, year)
            .into_iter()
            .map(|balance| {
                let kept_total = kept
                    .iter()
                    .find(|t| t.fund_id == balance.fund_id && t.year == year);
                FundCheck {
                    fund_name: balance.fund_name,
                    opening_fen: balance.opening_fen,
                    income_fen: balance.income_fen,
                    spending_fen: balance.spending_fen,
                    closing_fen: balance.closing_fen,
                    kept_income_fen: kept_total.map_or(0, |t| t.income_fen),
                    kept_spending_fen: kept_total.map_or(0, |t| t.spending_fen),
                }
            })
            .collect();

        let mut findings: Vec<Finding> = Vec::new();
        let mut add = |kind: FindingKind, lines: Vec<FindingLine>| {
            if !lines.is_empty() {
                findings.push(Finding { kind, lines });
            }
        };

        // Breaches recorded when the entry was saved, by the kind of rule broken.
        let mut over = Vec::new();
        let mut form = Vec::new();
        let mut eligibility = Vec::new();
        {
            let mut statement = conn.prepare(&format!(
                "SELECT {LINE_COLUMNS}, b.rule_name, b.message, e.override_reason,
                        ifnull(json_extract(r.rule_check, '$.kind'), ''),
                        EXISTS (SELECT 1 FROM entries x WHERE x.reverses_entry_id = e.id)
                 FROM entry_breaches b JOIN entries e ON e.id = b.entry_id
                 LEFT JOIN members m ON m.id = e.member_id
                 LEFT JOIN categories c ON c.id = e.category_id
                 LEFT JOIN rules r ON r.id = b.rule_id
                 WHERE e.year = ?1 ORDER BY e.voucher_seq, b.seq"
            ))?;
            let mut rows = statement.query([year])?;
            while let Some(row) = rows.next()? {
                let rule: String = row.get(5)?;
                let message: String = row.get(6)?;
                let reason: String = row.get(7)?;
                let kind: String = row.get(8)?;
                let reversed: bool = row.get(9)?;
                let mut remark = format!("{rule}：{message}");
                if !reason.trim().is_empty() {
                    remark.push_str(&format!("。说明：{}", reason.trim()));
                }
                if reversed {
                    remark.push_str("（已冲销）");
                }
                let finding = line(&row, remark)?;
                match kind.as_str() {
                    "payment_forms" => form.push(finding),
                    "union_members_only" | "dues_paid" | "women_only" | "excluded_statuses"
                    | "hardship_file" => eligibility.push(finding),
                    _ => over.push(finding),
                }
            }
        }
        add(FindingKind::OverStandard, over);
        add(FindingKind::PaymentForm, form);
        add(FindingKind::Eligibility, eligibility);

        // The same member and category twice within the duplicate window.
        let window = self.duplicate_window_days()?;
        let duplicates = {
            let mut statement = conn.prepare(&format!(
                "SELECT {LINE_COLUMNS}, printf('%d-%06d', p.voucher_year, p.voucher_seq), p.date,
                        CAST(julianday(e.date) - julianday(p.date) AS INTEGER)
                 FROM entries e JOIN entries p
                   ON p.member_id = e.member_id AND p.category_id = e.category_id AND p.id < e.id
                  AND julianday(e.date) - julianday(p.date) BETWEEN 0 AND ?2
                 LEFT JOIN members m ON m.id = e.member_id
                 LEFT JOIN categories c ON c.id = e.category_id
                 WHERE e.year = ?1 AND e.kind = 'disbursement' AND p.kind = 'disbursement'
                   AND +e.reverses_entry_id IS NULL AND +p.reverses_entry_id IS NULL
                   AND NOT EXISTS (SELECT 1 FROM entries x WHERE x.reverses_entry_id IN (e.id, p.id))
                   AND (e.visit_id IS NULL OR e.visit_id IS NOT p.visit_id)
                   -- Two batches of different items (two plans' premiums) are not a repeat.
                   AND NOT (e.batch_id IS NOT NULL AND p.batch_id IS NOT NULL
                            AND (SELECT item FROM batches WHERE id = e.batch_id)
                                IS NOT (SELECT item FROM batches WHERE id = p.batch_id))
                 GROUP BY e.id ORDER BY e.voucher_seq"
            ))?;
            statement
                .query_map((year, window), |row| {
                    let earlier: String = row.get(5)?;
                    let earlier_date: String = row.get(6)?;
                    let days: i64 = row.get(7)?;
                    line(
                        row,
                        format!("与 {earlier}（{earlier_date}）同一会员同一项目，相隔 {days} 天"),
                    )
                })?
                .collect::<super::sql::Result<Vec<_>>>()?
        };
        add(FindingKind::PossibleDuplicate, duplicates);

        // Large disbursements and hardship aid without a recorded approval (a batch's
        // approval covers its entries).
        let no_approval = {
            let mut statement = conn.prepare(&format!(
                "SELECT {LINE_COLUMNS}, ifnull(g.name, '')
                 FROM entries e
                 LEFT JOIN members m ON m.id = e.member_id
                 LEFT JOIN categories c ON c.id = e.category_id
                 LEFT JOIN categories g ON g.id = c.parent_id
                 WHERE e.year = ?1 AND e.kind = 'disbursement' AND +e.reverses_entry_id IS NULL
                   AND e.approval_id IS NULL AND e.batch_id IS NULL
                   AND (e.amount_fen >= ?2 OR g.name = '困难帮扶' OR c.name = '困难帮扶')
                 ORDER BY e.voucher_seq"
            ))?;
            statement
                .query_map((year, LARGE_PAYOUT_FEN), |row| {
                    let amount: i64 = row.get(4)?;
                    let remark = if amount >= LARGE_PAYOUT_FEN {
                        format!(
                            "单笔 {} 元以上，未记录审批",
                            crate::core::money::format_fen(LARGE_PAYOUT_FEN)
                        )
                    } else {
                        "困难帮扶未记录审批".to_string()
                    };
                    line(row, remark)
                })?
                .collect::<super::sql::Result<Vec<_>>>()?
        };
        add(FindingKind::NoApproval, no_approval);

        // Claims paid this year with documents still missing.
        let missing: Vec<FindingLine> = self
            .claims(&ClaimFilter::default(), today)?
            .into_iter()
            .filter(|claim| {
                claim.state == ClaimState::Paid
                    && claim
                        .paid_on
                        .is_some_and(|d| Period::year(year).contains(d))
                    && !claim.missing_documents().is_empty()
            })
            .map(|claim| FindingLine {
                voucher_no: claim.paid_voucher.clone(),
                date: claim.paid_on,
                member: format!("{}（{}）", claim.name, claim.employee_no),
                category: claim.plan_name.clone(),
                amount_fen: claim.approved_fen.unwrap_or(0),
                remark: format!(
                    "缺：{}",
                    claim
                        .missing_documents()
                        .iter()
                        .map(|d| d.label())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            })
            .collect();
        add(FindingKind::MissingDocuments, missing);

        // Hardship aid to members without a hardship file.
        let no_file = {
            let mut statement = conn.prepare(&format!(
                "SELECT {LINE_COLUMNS}
                 FROM entries e
                 JOIN members m ON m.id = e.member_id
                 JOIN categories c ON c.id = e.category_id
                 LEFT JOIN categories g ON g.id = c.parent_id
                 WHERE e.year = ?1 AND e.kind = 'disbursement' AND +e.reverses_entry_id IS NULL
                   AND (g.name = '困难帮扶' OR c.name = '困难帮扶')
                   AND m.hardship_level IS NULL
                 ORDER BY e.voucher_seq"
            ))?;
            statement
                .query_map([year], |row| {
                    line(row, "该会员没有困难职工档案".to_string())
                })?
                .collect::<super::sql::Result<Vec<_>>>()?
        };
        add(FindingKind::NoHardshipFile, no_file);

        // Gaps in the year's voucher numbers.
        let sequence: Vec<i64> = {
            let mut statement =
                conn.prepare("SELECT voucher_seq FROM entries WHERE voucher_year = ?1")?;
            statement
                .query_map([year], |row| row.get(0))?
                .collect::<super::sql::Result<Vec<_>>>()?
        };
        add(
            FindingKind::VoucherGap,
            voucher_gaps(year, sequence)
                .into_iter()
                .map(|gap| FindingLine {
                    voucher_no: gap,
                    date: None,
                    member: String::new(),
                    category: String::new(),
                    amount_fen: 0,
                    remark: "凭证号缺失：凭证只能冲销不能删除，缺号说明文件在程序之外被改动"
                        .to_string(),
                })
                .collect(),
        );

        // Entries dated in a closed period but written after it was closed.
        let after_close = {
            let mut statement = conn.prepare(&format!(
                "SELECT {LINE_COLUMNS}, p.start, p.end, p.closed_at, e.created_at, p.reopen_reason
                 FROM entries e JOIN closed_periods p
                   ON e.date BETWEEN p.start AND p.end AND e.id > p.last_entry_id
                 LEFT JOIN members m ON m.id = e.member_id
                 LEFT JOIN categories c ON c.id = e.category_id
                 WHERE e.year = ?1 GROUP BY e.id ORDER BY e.voucher_seq"
            ))?;
            statement
                .query_map([year], |row| {
                    let start: String = row.get(5)?;
                    let end: String = row.get(6)?;
                    let closed_at: String = row.get(7)?;
                    let created_at: String = row.get(8)?;
                    let reason: String = row.get(9)?;
                    line(
                        row,
                        format!(
                            "{start} 至 {end} 已于 {closed_at} 结账，此凭证 {created_at} 补记；反结账原因：{}",
                            if reason.is_empty() { "（未反结账）" } else { reason.as_str() }
                        ),
                    )
                })?
                .collect::<super::sql::Result<Vec<_>>>()?
        };
        add(FindingKind::ChangedAfterClose, after_close);

        findings.sort_by_key(|f| f.kind);
        let chain = self.verify()?;
        Ok(AuditReport {
            year,
            funds,
            findings,
            chain: chain.summary(),
            chain_intact: chain.is_intact(),
        })
    }
}
