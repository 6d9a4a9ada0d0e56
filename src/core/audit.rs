//! The year-end audit (年度审计) as a value: each fund reconciled by recomputation,
//! and the findings the audit committee checks, each with the entries behind it. The
//! report is then a printed form like the others (screen, PDF, XLSX, JSON).

use chrono::NaiveDate;
use serde::Serialize;

use crate::core::date::format_date;
use crate::core::forms::{
    Block, Cell, Column, ColumnKind, Form, FormHead, FormKind, Row, RowStyle, Table,
};
use crate::core::money::format_fen;

/// The kinds of finding, in the order the report lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// Over a standard, a cap or a count, saved with a written reason.
    OverStandard,
    /// A form of payment the rules do not allow (cash where goods were required).
    PaymentForm,
    /// Paid to someone the rules exclude (non-member, dues unpaid, …).
    Eligibility,
    /// The same member and category within the duplicate window.
    PossibleDuplicate,
    /// A large disbursement, or hardship aid, without a recorded approval.
    NoApproval,
    /// A paid mutual-aid claim with documents still missing.
    MissingDocuments,
    /// Hardship aid to a member without a hardship file.
    NoHardshipFile,
    /// Voucher numbers missing from the year's sequence.
    VoucherGap,
    /// Entries dated in a closed period but written after it was closed.
    ChangedAfterClose,
}

impl FindingKind {
    pub const ALL: [FindingKind; 9] = [
        FindingKind::OverStandard,
        FindingKind::PaymentForm,
        FindingKind::Eligibility,
        FindingKind::PossibleDuplicate,
        FindingKind::NoApproval,
        FindingKind::MissingDocuments,
        FindingKind::NoHardshipFile,
        FindingKind::VoucherGap,
        FindingKind::ChangedAfterClose,
    ];

    pub fn label(self) -> &'static str {
        match self {
            FindingKind::OverStandard => "超标准、超上限或超次数发放",
            FindingKind::PaymentForm => "发放方式不符合规定（如应发实物而发现金）",
            FindingKind::Eligibility => "发放对象不符合规定",
            FindingKind::PossibleDuplicate => "可能重复发放",
            FindingKind::NoApproval => "无审批记录的大额支出或帮扶",
            FindingKind::MissingDocuments => "报销材料不全即已赔付",
            FindingKind::NoHardshipFile => "未建困难档案而发放困难帮扶",
            FindingKind::VoucherGap => "凭证号不连续",
            FindingKind::ChangedAfterClose => "结账后补记的凭证",
        }
    }
}

/// One entry behind a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingLine {
    pub voucher_no: String,
    pub date: Option<NaiveDate>,
    pub member: String,
    pub category: String,
    pub amount_fen: i64,
    /// What is wrong, and the recorded reason where there is one.
    pub remark: String,
}

/// A finding: its kind and the entries behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub lines: Vec<FindingLine>,
}

/// One fund reconciled: the balance recomputed from the entries themselves, beside the
/// totals the ledger keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundCheck {
    pub fund_name: String,
    pub opening_fen: i64,
    pub income_fen: i64,
    pub spending_fen: i64,
    pub closing_fen: i64,
    pub kept_income_fen: i64,
    pub kept_spending_fen: i64,
}

impl FundCheck {
    pub fn agrees(&self) -> bool {
        self.income_fen == self.kept_income_fen && self.spending_fen == self.kept_spending_fen
    }
}

/// The audit of a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    pub year: i32,
    pub funds: Vec<FundCheck>,
    pub findings: Vec<Finding>,
    /// The change log's verification, in one sentence.
    pub chain: String,
    pub chain_intact: bool,
}

impl AuditReport {
    pub fn finding(&self, kind: FindingKind) -> Option<&Finding> {
        self.findings.iter().find(|f| f.kind == kind)
    }
}

/// Missing numbers in a year's voucher sequence, as ranges (`2026-000015`, or
/// `2026-000015 至 2026-000017`).
pub fn voucher_gaps(year: i32, mut sequence: Vec<i64>) -> Vec<String> {
    sequence.sort_unstable();
    let mut gaps = Vec::new();
    let mut expected = 1i64;
    for seq in sequence {
        if seq > expected {
            let first = crate::core::model::voucher_no(year, expected);
            gaps.push(if seq - 1 == expected {
                first
            } else {
                format!(
                    "{first} 至 {}",
                    crate::core::model::voucher_no(year, seq - 1)
                )
            });
        }
        expected = expected.max(seq + 1);
    }
    gaps
}

/// The audit report as a printed form, with the committee's signature block.
pub fn audit_form(head: &FormHead, report: &AuditReport) -> Form {
    let mut form = Form {
        kind: FormKind::Audit,
        union_name: head.union_name.clone(),
        title: FormKind::Audit.label().to_string(),
        period: format!("{}年度", report.year),
        landscape: true,
        printed_on: head.printed_on,
        facts: vec![
            (
                "审计期间".into(),
                format!("{0}-01-01 至 {0}-12-31", report.year),
            ),
            ("变更日志".into(), report.chain.clone()),
        ],
        blocks: Vec::new(),
        notes: Vec::new(),
        signatures: vec![
            "经费审查委员会主任".into(),
            "委员".into(),
            "委员".into(),
            "制表".into(),
        ],
    };
    let mut fund_rows: Vec<Row> = report
        .funds
        .iter()
        .map(|fund| Row {
            style: RowStyle::Item,
            cells: vec![
                Cell::Text(fund.fund_name.clone()),
                Cell::Money(fund.opening_fen),
                Cell::Money(fund.income_fen),
                Cell::Money(fund.spending_fen),
                Cell::Money(fund.closing_fen),
                Cell::Text(if fund.agrees() {
                    "相符".into()
                } else {
                    format!(
                        "不符：账内合计 收 {} 支 {}",
                        format_fen(fund.kept_income_fen),
                        format_fen(fund.kept_spending_fen)
                    )
                }),
            ],
        })
        .collect();
    let sum = |f: fn(&FundCheck) -> i64| report.funds.iter().map(f).sum::<i64>();
    fund_rows.push(Row {
        style: RowStyle::Total,
        cells: vec![
            Cell::Text("合计".into()),
            Cell::Money(sum(|f| f.opening_fen)),
            Cell::Money(sum(|f| f.income_fen)),
            Cell::Money(sum(|f| f.spending_fen)),
            Cell::Money(sum(|f| f.closing_fen)),
            Cell::Blank,
        ],
    });
    form.blocks.push(Block::Table(table(
        "一、经费收支核对（按凭证逐笔重算：期初＋收入－支出＝期末）",
        vec![
            column("经费", ColumnKind::Text, 8),
            column("期初余额", ColumnKind::Money, 8),
            column("本年收入", ColumnKind::Money, 8),
            column("本年支出", ColumnKind::Money, 8),
            column("期末余额", ColumnKind::Money, 8),
            column("与账内合计核对", ColumnKind::Text, 16),
        ],
        fund_rows,
    )));
    let mut summary: Vec<Row> = FindingKind::ALL
        .iter()
        .map(|kind| {
            let lines = report
                .finding(*kind)
                .map_or(&[][..], |f| f.lines.as_slice());
            Row {
                style: RowStyle::Item,
                cells: vec![
                    Cell::Text(kind.label().into()),
                    Cell::Count(lines.len() as i64),
                    Cell::Money(lines.iter().map(|l| l.amount_fen).sum()),
                ],
            }
        })
        .collect();
    summary.push(Row {
        style: RowStyle::Total,
        cells: vec![
            Cell::Text("合计".into()),
            Cell::Count(report.findings.iter().map(|f| f.lines.len() as i64).sum()),
            Cell::Money(
                report
                    .findings
                    .iter()
                    .flat_map(|f| &f.lines)
                    .map(|l| l.amount_fen)
                    .sum(),
            ),
        ],
    });
    form.blocks.push(Block::Table(table(
        "二、审计发现汇总",
        vec![
            column("事项", ColumnKind::Text, 20),
            column("笔数", ColumnKind::Count, 4),
            column("金额", ColumnKind::Money, 8),
        ],
        summary,
    )));
    let numerals = ["三", "四", "五", "六", "七", "八", "九", "十", "十一"];
    for (index, finding) in report.findings.iter().enumerate() {
        let rows = finding
            .lines
            .iter()
            .map(|line| Row {
                style: RowStyle::Item,
                cells: vec![
                    Cell::Text(line.voucher_no.clone()),
                    line.date
                        .map_or(Cell::Blank, |d| Cell::Text(format_date(d))),
                    Cell::Text(line.member.clone()),
                    Cell::Text(line.category.clone()),
                    if line.amount_fen == 0 {
                        Cell::Blank
                    } else {
                        Cell::Money(line.amount_fen)
                    },
                    Cell::Text(line.remark.clone()),
                ],
            })
            .collect();
        form.blocks.push(Block::Table(table(
            &format!(
                "{}、{}（{} 笔）",
                numerals.get(index).copied().unwrap_or("附"),
                finding.kind.label(),
                finding.lines.len()
            ),
            vec![
                column("凭证号", ColumnKind::Text, 7),
                column("日期", ColumnKind::Text, 6),
                column("会员", ColumnKind::Text, 6),
                column("项目", ColumnKind::Text, 8),
                column("金额", ColumnKind::Money, 6),
                column("情况", ColumnKind::Text, 24),
            ],
            rows,
        )));
    }
    if report.findings.iter().all(|f| f.lines.is_empty()) {
        form.notes.push("未发现需要说明的事项。".into());
    }
    form.notes
        .push(format!("经费审查委员会审查意见：{}", "＿".repeat(30)));
    form
}

fn column(title: &str, kind: ColumnKind, width: u16) -> Column {
    Column {
        title: title.to_string(),
        group: String::new(),
        kind,
        width,
    }
}

fn table(caption: &str, columns: Vec<Column>, rows: Vec<Row>) -> Table {
    Table {
        caption: caption.to_string(),
        columns,
        rows,
        page_breaks: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_in_a_voucher_sequence_are_listed_as_ranges() {
        assert_eq!(
            voucher_gaps(2026, vec![1, 2, 4, 8, 9]),
            ["2026-000003", "2026-000005 至 2026-000007"]
        );
        assert!(voucher_gaps(2026, vec![3, 1, 2]).is_empty());
    }
}
