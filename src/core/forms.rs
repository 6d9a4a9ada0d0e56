//! The printed forms as values. Each form is first computed from the ledger's figures
//! into a [`Form`]: a title block, tables of typed cells (text, 人次, money in fen) and
//! a signature block. The PDF, the spreadsheet, the text and the on-screen preview all
//! draw the same value, so a figure can never differ between the screen and the paper.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use unicode_width::UnicodeWidthStr;

use crate::core::date::{Period, format_date};
use crate::core::money::{chinese_capitals, format_fen};
use crate::core::policy::{PastPayout, Rule, RuleCheck, covers};
use crate::core::report::{CategoryAmount, CategoryTotalRow, FundBalance, category_totals};

labelled_enum!(
    /// The forms the union prints.
    FormKind {
        Quarterly => "quarterly", "季度汇总表", ["季报", "季度"];
        Annual => "annual", "收入支出表", ["年报", "年度"];
        Member => "member", "个人台账", ["个人"];
        Signoff => "signoff", "发放签领表", ["签领表", "签领"];
        Voucher => "voucher", "支出凭单", ["凭单"];
        Visits => "visits", "走访慰问登记表", ["走访"];
        Claims => "claims", "互助保障报销登记表", ["报销", "理赔"];
        Audit => "audit", "年度审计报告", ["审计"];
    }
);

/// Which form to make, and for what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum FormRequest {
    Quarterly { year: i32, quarter: u32 },
    Annual { year: i32 },
    Member { member_id: i64, period: Period },
    Signoff { batch_id: i64 },
    Voucher { entry_id: i64 },
    Visits { period: Period },
    Claims { period: Period },
    Audit { year: i32 },
}

impl FormRequest {
    pub fn kind(&self) -> FormKind {
        match self {
            FormRequest::Quarterly { .. } => FormKind::Quarterly,
            FormRequest::Annual { .. } => FormKind::Annual,
            FormRequest::Member { .. } => FormKind::Member,
            FormRequest::Signoff { .. } => FormKind::Signoff,
            FormRequest::Voucher { .. } => FormKind::Voucher,
            FormRequest::Visits { .. } => FormKind::Visits,
            FormRequest::Claims { .. } => FormKind::Claims,
            FormRequest::Audit { .. } => FormKind::Audit,
        }
    }
}

/// What a column holds, which decides its alignment and how it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    Text,
    /// A whole number (人次, 人数), right-aligned.
    Count,
    /// Money in fen, written as yuan with two decimals, right-aligned.
    Money,
    /// Left empty on paper for a hand signature.
    Signature,
}

/// A column of a table. `group` spans a second header row over consecutive columns
/// with the same group (本季数 over 人次 and 金额). `width` is in character cells of
/// a Chinese character, used for paper and spreadsheet column widths.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    pub title: String,
    pub group: String,
    pub kind: ColumnKind,
    pub width: u16,
}

impl Column {
    fn new(title: &str, kind: ColumnKind, width: u16) -> Self {
        Self {
            title: title.to_string(),
            group: String::new(),
            kind,
            width,
        }
    }

    fn text(title: &str, width: u16) -> Self {
        Self::new(title, ColumnKind::Text, width)
    }

    fn count(title: &str) -> Self {
        Self::new(title, ColumnKind::Count, 4)
    }

    fn money(title: &str) -> Self {
        Self::new(title, ColumnKind::Money, 7)
    }

    fn grouped(mut self, group: &str) -> Self {
        self.group = group.to_string();
        self
    }
}

/// How a row is set: an ordinary line, a category group heading with its subtotal, a
/// subtotal (a department), or the grand total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowStyle {
    Item,
    Group,
    Subtotal,
    Total,
    /// A heading across the whole table (a department on a sign-off sheet): only its
    /// first cell holds text.
    Section,
}

/// One cell. Money stays an integer number of fen until it is drawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cell {
    Text(String),
    Count(i64),
    Money(i64),
    Blank,
}

impl Cell {
    fn text(text: impl Into<String>) -> Self {
        Cell::Text(text.into())
    }

    /// The cell as printed: money as `1,234.50`, counts as digits.
    pub fn display(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Count(count) => count.to_string(),
            Cell::Money(fen) => format_fen(*fen),
            Cell::Blank => String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub style: RowStyle,
    pub cells: Vec<Cell>,
}

impl Row {
    fn new(style: RowStyle, cells: Vec<Cell>) -> Self {
        Self { style, cells }
    }
}

/// A table with a caption ("一、支出", empty for none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    pub caption: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Rows that begin a new page on paper (ascending, never 0).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub page_breaks: Vec<usize>,
}

impl Table {
    /// The sum of a money or count column over the rows of one style, for checks.
    pub fn column_sum(&self, column: usize, style: RowStyle) -> i64 {
        self.rows
            .iter()
            .filter(|row| row.style == style)
            .filter_map(|row| match row.cells.get(column) {
                Some(Cell::Money(value) | Cell::Count(value)) => Some(*value),
                _ => None,
            })
            .sum()
    }
}

/// A labelled value on a form laid out as boxes rather than a table (the voucher).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    pub label: String,
    pub value: Cell,
    /// Takes the whole width of the form instead of half of it.
    pub wide: bool,
}

impl Field {
    fn new(label: &str, value: Cell, wide: bool) -> Self {
        Self {
            label: label.to_string(),
            value,
            wide,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "block", rename_all = "snake_case")]
pub enum Block {
    Table(Table),
    Fields { fields: Vec<Field> },
}

/// What every form carries at its head: the union's name and the day it is printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormHead {
    pub union_name: String,
    pub printed_on: NaiveDate,
}

/// A printed form, ready to be drawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Form {
    pub kind: FormKind,
    pub union_name: String,
    pub title: String,
    /// The period or the subject ("2026年第3季度", "批次 P2026-0003").
    pub period: String,
    pub landscape: bool,
    pub printed_on: NaiveDate,
    /// Lines under the title: what the form is about.
    pub facts: Vec<(String, String)>,
    pub blocks: Vec<Block>,
    /// Lines after the tables (the total in capitals, notes).
    pub notes: Vec<String>,
    /// The signature block, e.g. 制表, 复核, 财务负责人, 工会主席.
    pub signatures: Vec<String>,
}

impl Form {
    fn new(kind: FormKind, head: &FormHead, period: String) -> Self {
        Self {
            kind,
            union_name: head.union_name.clone(),
            title: kind.label().to_string(),
            period,
            landscape: false,
            printed_on: head.printed_on,
            facts: Vec::new(),
            blocks: Vec::new(),
            notes: Vec::new(),
            signatures: standard_signatures(),
        }
    }

    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|block| match block {
            Block::Table(table) => Some(table),
            Block::Fields { .. } => None,
        })
    }

    /// A file name for saving: `季度汇总表-2026年第3季度`.
    pub fn file_stem(&self) -> String {
        let subject: String = self
            .period
            .chars()
            .map(|ch| {
                if ch.is_whitespace() || "/\\:*?\"<>|".contains(ch) {
                    '_'
                } else {
                    ch
                }
            })
            .collect();
        format!("{}-{subject}", self.title)
    }
}

/// Sizes each column to its widest cell or title (in Chinese-character widths), so
/// paper and spreadsheet give room where the text is. Long text columns are capped
/// and wrap; a signature column keeps the room set for signing.
fn fitted(mut table: Table) -> Block {
    for (index, column) in table.columns.iter_mut().enumerate() {
        if column.kind == ColumnKind::Signature {
            continue;
        }
        let widest = table
            .rows
            .iter()
            .filter(|row| row.style != RowStyle::Section)
            .filter_map(|row| row.cells.get(index))
            .map(|cell| cell.display().width())
            .chain([column.title.width(), column.group.width() / 2])
            .max()
            .unwrap_or(0);
        let cap = if column.kind == ColumnKind::Text {
            16
        } else {
            9
        };
        column.width = (widest.div_ceil(2) as u16 + 1).clamp(2, cap);
    }
    Block::Table(table)
}

fn standard_signatures() -> Vec<String> {
    ["制表", "复核", "财务负责人", "工会主席"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

fn date_cell(date: NaiveDate) -> Cell {
    Cell::Text(format_date(date))
}

fn optional_date_cell(date: Option<NaiveDate>) -> Cell {
    date.map_or(Cell::Blank, date_cell)
}

// ---------------------------------------------------------------------------------
// Fund movements

/// One fund's balance over a period: opening, income, spending, closing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundMovement {
    pub fund_id: i64,
    pub fund_name: String,
    pub opening_fen: i64,
    pub income_fen: i64,
    pub spending_fen: i64,
    pub closing_fen: i64,
}

/// Income and spending of one fund inside some span of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FundFlow {
    pub fund_id: i64,
    pub income_fen: i64,
    pub spending_fen: i64,
}

/// Each fund's movement over a period inside one year: the year's opening balance
/// plus what moved between 1 January and the day before the period opens, then the
/// period's own income and spending. Closing is recomputed, never stored.
pub fn fund_movements(
    year_balances: &[FundBalance],
    before_period: &[FundFlow],
    in_period: &[FundFlow],
) -> Vec<FundMovement> {
    let find = |flows: &[FundFlow], fund_id: i64| {
        flows
            .iter()
            .find(|flow| flow.fund_id == fund_id)
            .copied()
            .unwrap_or_default()
    };
    year_balances
        .iter()
        .map(|balance| {
            let before = find(before_period, balance.fund_id);
            let within = find(in_period, balance.fund_id);
            let opening_fen = balance.opening_fen + before.income_fen - before.spending_fen;
            FundMovement {
                fund_id: balance.fund_id,
                fund_name: balance.fund_name.clone(),
                opening_fen,
                income_fen: within.income_fen,
                spending_fen: within.spending_fen,
                closing_fen: opening_fen + within.income_fen - within.spending_fen,
            }
        })
        .collect()
}

fn fund_table(caption: &str, movements: &[FundMovement]) -> Table {
    let mut rows: Vec<Row> = movements
        .iter()
        .map(|m| {
            Row::new(
                RowStyle::Item,
                vec![
                    Cell::text(&m.fund_name),
                    Cell::Money(m.opening_fen),
                    Cell::Money(m.income_fen),
                    Cell::Money(m.spending_fen),
                    Cell::Money(m.closing_fen),
                ],
            )
        })
        .collect();
    let sum = |f: fn(&FundMovement) -> i64| movements.iter().map(f).sum::<i64>();
    rows.push(Row::new(
        RowStyle::Total,
        vec![
            Cell::text("合计"),
            Cell::Money(sum(|m| m.opening_fen)),
            Cell::Money(sum(|m| m.income_fen)),
            Cell::Money(sum(|m| m.spending_fen)),
            Cell::Money(sum(|m| m.closing_fen)),
        ],
    ));
    Table {
        caption: caption.to_string(),
        page_breaks: Vec::new(),
        columns: vec![
            Column::text("经费", 10),
            Column::money("期初余额"),
            Column::money("本期收入"),
            Column::money("本期支出"),
            Column::money("期末余额"),
        ],
        rows,
    }
}

// ---------------------------------------------------------------------------------
// 季度汇总表

/// A line of the quarterly tally: a category group or item with the quarter's and the
/// year-to-date 人次 and amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TallyRow {
    pub name: String,
    pub account_code: String,
    pub is_group: bool,
    pub quarter_count: i64,
    pub quarter_fen: i64,
    pub year_count: i64,
    pub year_fen: i64,
}

/// The quarterly tally's rows: every category with spending in the year so far, the
/// quarter's figures beside the year's.
pub fn tally_rows(
    categories: &[crate::core::model::Category],
    quarter: &[CategoryAmount],
    year_to_date: &[CategoryAmount],
) -> Vec<TallyRow> {
    let quarter_rows: BTreeMap<i64, CategoryTotalRow> = category_totals(categories, quarter, true)
        .into_iter()
        .map(|row| (row.category_id, row))
        .collect();
    category_totals(categories, year_to_date, false)
        .into_iter()
        .map(|year| {
            let in_quarter = quarter_rows.get(&year.category_id);
            TallyRow {
                name: year.name,
                account_code: year.account_code,
                is_group: year.is_group,
                quarter_count: in_quarter.map_or(0, |r| r.count),
                quarter_fen: in_quarter.map_or(0, |r| r.amount_fen),
                year_count: year.count,
                year_fen: year.amount_fen,
            }
        })
        .collect()
}

/// 季度汇总表: the category tree with 本季数 and 本年累计数, then the funds.
pub fn quarterly_tally(
    head: &FormHead,
    period: Period,
    rows: &[TallyRow],
    funds: &[FundMovement],
) -> Form {
    let mut form = Form::new(FormKind::Quarterly, head, period.label());
    form.facts.push((
        "统计期间".into(),
        format!(
            "{} 至 {}",
            format_date(period.start),
            format_date(period.end)
        ),
    ));
    let mut table_rows: Vec<Row> = rows
        .iter()
        .map(|row| {
            let name = if row.is_group {
                row.name.clone()
            } else {
                format!("　　{}", row.name)
            };
            Row::new(
                if row.is_group {
                    RowStyle::Group
                } else {
                    RowStyle::Item
                },
                vec![
                    Cell::Text(name),
                    Cell::text(&row.account_code),
                    Cell::Count(row.quarter_count),
                    Cell::Money(row.quarter_fen),
                    Cell::Count(row.year_count),
                    Cell::Money(row.year_fen),
                ],
            )
        })
        .collect();
    let groups = rows.iter().filter(|row| row.is_group);
    let (qc, qf, yc, yf) = groups.fold((0, 0, 0, 0), |(a, b, c, d), r| {
        (
            a + r.quarter_count,
            b + r.quarter_fen,
            c + r.year_count,
            d + r.year_fen,
        )
    });
    table_rows.push(Row::new(
        RowStyle::Total,
        vec![
            Cell::text("支出合计"),
            Cell::Blank,
            Cell::Count(qc),
            Cell::Money(qf),
            Cell::Count(yc),
            Cell::Money(yf),
        ],
    ));
    form.blocks.push(fitted(Table {
        caption: "一、慰问支出".into(),
        page_breaks: Vec::new(),
        columns: vec![
            Column::text("项目", 12),
            Column::text("科目代码", 5),
            Column::count("人次").grouped("本季数"),
            Column::money("金额").grouped("本季数"),
            Column::count("人次").grouped("本年累计数"),
            Column::money("金额").grouped("本年累计数"),
        ],
        rows: table_rows,
    }));
    form.blocks
        .push(fitted(fund_table("二、经费收支（本季）", funds)));
    form
}

// ---------------------------------------------------------------------------------
// 收入支出表

/// Income of one source in a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceAmount {
    pub name: String,
    pub account_code: String,
    pub amount_fen: i64,
}

/// 收入支出表 for a year: income by source, spending by category, and each fund.
pub fn income_statement(
    head: &FormHead,
    year: i32,
    income: &[SourceAmount],
    spending: &[CategoryTotalRow],
    funds: &[FundMovement],
) -> Form {
    let mut form = Form::new(FormKind::Annual, head, format!("{year}年度"));
    form.facts
        .push(("会计期间".into(), format!("{year}-01-01 至 {year}-12-31")));
    let mut income_rows: Vec<Row> = income
        .iter()
        .map(|source| {
            Row::new(
                RowStyle::Item,
                vec![
                    Cell::text(&source.name),
                    Cell::text(&source.account_code),
                    Cell::Money(source.amount_fen),
                ],
            )
        })
        .collect();
    let income_total: i64 = income.iter().map(|s| s.amount_fen).sum();
    income_rows.push(Row::new(
        RowStyle::Total,
        vec![
            Cell::text("收入合计"),
            Cell::Blank,
            Cell::Money(income_total),
        ],
    ));
    form.blocks.push(fitted(Table {
        caption: "一、收入".into(),
        page_breaks: Vec::new(),
        columns: vec![
            Column::text("收入来源", 14),
            Column::text("科目代码", 6),
            Column::money("金额"),
        ],
        rows: income_rows,
    }));
    let mut spending_rows: Vec<Row> = spending
        .iter()
        .map(|row| {
            Row::new(
                if row.is_group {
                    RowStyle::Group
                } else {
                    RowStyle::Item
                },
                vec![
                    Cell::Text(if row.is_group {
                        row.name.clone()
                    } else {
                        format!("　　{}", row.name)
                    }),
                    Cell::text(&row.account_code),
                    Cell::Count(row.count),
                    Cell::Money(row.amount_fen),
                ],
            )
        })
        .collect();
    let (count, amount) = crate::core::report::category_grand_total(spending);
    spending_rows.push(Row::new(
        RowStyle::Total,
        vec![
            Cell::text("支出合计"),
            Cell::Blank,
            Cell::Count(count),
            Cell::Money(amount),
        ],
    ));
    form.blocks.push(fitted(Table {
        caption: "二、支出".into(),
        page_breaks: Vec::new(),
        columns: vec![
            Column::text("支出项目", 14),
            Column::text("科目代码", 6),
            Column::count("人次"),
            Column::money("金额"),
        ],
        rows: spending_rows,
    }));
    form.blocks
        .push(fitted(fund_table("三、各项经费收支及结余", funds)));
    form.notes.push(format!(
        "本年收入 {} 元，支出 {} 元，收支相抵 {} 元。",
        format_fen(income_total),
        format_fen(amount),
        format_fen(income_total - amount)
    ));
    form.signatures.push("经费审查委员会主任".into());
    form
}

// ---------------------------------------------------------------------------------
// 个人台账

/// Who a member ledger is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberLine {
    pub date: NaiveDate,
    pub voucher_no: String,
    pub category: String,
    pub fund: String,
    pub payment_form: String,
    /// What the member received: positive for a payout, negative for its reversal.
    pub amount_fen: i64,
    pub note: String,
}

/// A member's use of one yearly rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CapUse {
    pub rule_name: String,
    pub scope: String,
    pub limit: String,
    pub used: Cell,
    pub remaining: Cell,
}

/// The member's use of each active yearly cap and yearly count in a year, from their
/// payouts that year (reversed payouts already left out, a visit counted once).
pub fn cap_uses(
    rules: &[Rule],
    categories: &[crate::core::model::Category],
    payouts: &[PastPayout],
) -> Vec<CapUse> {
    rules
        .iter()
        .filter(|rule| rule.is_active)
        .filter_map(|rule| {
            let covered = payouts
                .iter()
                .filter(|p| covers(&rule.category_ids, categories, p.category_id));
            let (used, remaining, limit) = match rule.check {
                RuleCheck::YearlyCap { cap_fen } => {
                    let used: i64 = covered.map(|p| p.amount_fen).sum();
                    (
                        Cell::Money(used),
                        Cell::Money(cap_fen - used),
                        format!("{} 元", format_fen(cap_fen)),
                    )
                }
                RuleCheck::YearlyCount { max_count } => {
                    let used = covered.count() as i64;
                    (
                        Cell::Count(used),
                        Cell::Count(max_count - used),
                        format!("{max_count} 次"),
                    )
                }
                _ => return None,
            };
            Some(CapUse {
                rule_name: rule.name.clone(),
                scope: rule.scope_text(categories),
                limit,
                used,
                remaining,
            })
        })
        .collect()
}

/// 个人台账: every payout to one member in a period, then the year's use of each cap
/// and of the mutual-aid plans.
pub fn member_ledger(
    head: &FormHead,
    member: &crate::core::model::Member,
    period: Period,
    lines: &[MemberLine],
    caps: &[CapUse],
    plan_usage: &[(String, i64, i64)],
) -> Form {
    let mut form = Form::new(
        FormKind::Member,
        head,
        format!("{} {}", member.name, period.label()),
    );
    form.landscape = true;
    form.facts.push(("姓名".into(), member.name.clone()));
    form.facts.push(("工号".into(), member.employee_no.clone()));
    form.facts.push(("部门".into(), member.department.clone()));
    form.facts
        .push(("身份".into(), member.status.label().to_string()));
    form.facts.push((
        "期间".into(),
        format!(
            "{} 至 {}",
            format_date(period.start),
            format_date(period.end)
        ),
    ));
    let mut rows: Vec<Row> = lines
        .iter()
        .enumerate()
        .map(|(index, line)| {
            Row::new(
                RowStyle::Item,
                vec![
                    Cell::Count(index as i64 + 1),
                    date_cell(line.date),
                    Cell::text(&line.voucher_no),
                    Cell::text(&line.category),
                    Cell::text(&line.fund),
                    Cell::text(&line.payment_form),
                    Cell::Money(line.amount_fen),
                    Cell::text(&line.note),
                ],
            )
        })
        .collect();
    let total: i64 = lines.iter().map(|l| l.amount_fen).sum();
    rows.push(Row::new(
        RowStyle::Total,
        vec![
            Cell::text("合计"),
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Money(total),
            Cell::Blank,
        ],
    ));
    form.blocks.push(fitted(Table {
        caption: "一、领取明细".into(),
        page_breaks: Vec::new(),
        columns: vec![
            Column::text("序号", 3),
            Column::text("日期", 6),
            Column::text("凭证号", 7),
            Column::text("项目", 9),
            Column::text("经费", 6),
            Column::text("方式", 4),
            Column::money("金额"),
            Column::text("摘要", 14),
        ],
        rows,
    }));
    if !caps.is_empty() {
        form.blocks.push(fitted(Table {
            caption: format!("二、{}年标准使用情况", period.end.format("%Y")),
            page_breaks: Vec::new(),
            columns: vec![
                Column::text("规则", 10),
                Column::text("适用项目", 12),
                Column::text("标准", 7),
                Column::new("已用", ColumnKind::Money, 7),
                Column::new("尚余", ColumnKind::Money, 7),
            ],
            rows: caps
                .iter()
                .map(|cap| {
                    Row::new(
                        RowStyle::Item,
                        vec![
                            Cell::text(&cap.rule_name),
                            Cell::text(&cap.scope),
                            Cell::text(&cap.limit),
                            cap.used.clone(),
                            cap.remaining.clone(),
                        ],
                    )
                })
                .collect(),
        }));
    }
    if !plan_usage.is_empty() {
        form.blocks.push(fitted(Table {
            caption: "三、互助保障".into(),
            page_breaks: Vec::new(),
            columns: vec![
                Column::text("保障计划", 14),
                Column::count("赔付次数"),
                Column::money("赔付金额"),
            ],
            rows: plan_usage
                .iter()
                .map(|(name, count, fen)| {
                    Row::new(
                        RowStyle::Item,
                        vec![Cell::text(name), Cell::Count(*count), Cell::Money(*fen)],
                    )
                })
                .collect(),
        }));
    }
    form.signatures = vec!["制表".into(), "复核".into()];
    form
}

// ---------------------------------------------------------------------------------
// 发放签领表

/// One person on a sign-off sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignoffLine {
    pub department: String,
    pub employee_no: String,
    pub name: String,
    pub amount_fen: i64,
}

/// How many rows a long sign-off sheet runs before the next department starts a page.
pub const SIGNOFF_PART_ROWS: usize = 300;

/// What a sign-off sheet is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignoffSubject {
    pub batch_number: String,
    pub category: String,
    pub date: NaiveDate,
    pub item: String,
    pub payment_form: String,
    pub fund: String,
    pub approval: String,
    pub vouchers: String,
    pub reversed: String,
}

/// 发放签领表: recipients by department (in the order given), a subtotal after each
/// department, an empty column to sign in, and the total in figures and capitals.
pub fn signoff_sheet(head: &FormHead, subject: &SignoffSubject, lines: &[SignoffLine]) -> Form {
    let mut form = Form::new(
        FormKind::Signoff,
        head,
        format!("{} {}", subject.category, subject.batch_number),
    );
    form.facts
        .push(("批次".into(), subject.batch_number.clone()));
    form.facts
        .push(("发放日期".into(), format_date(subject.date)));
    form.facts.push(("项目".into(), subject.category.clone()));
    if !subject.item.is_empty() {
        form.facts.push(("发放物品".into(), subject.item.clone()));
    }
    form.facts
        .push(("发放方式".into(), subject.payment_form.clone()));
    form.facts.push(("经费".into(), subject.fund.clone()));
    form.facts.push(("审批".into(), subject.approval.clone()));
    if !subject.vouchers.is_empty() {
        form.facts.push(("凭证号".into(), subject.vouchers.clone()));
    }
    let mut rows = Vec::with_capacity(lines.len() + lines.len() / 8 + 2);
    let mut index = 0i64;
    let mut department_start = 0usize;
    let mut page_breaks = Vec::new();
    let mut part_start = 0usize;
    while department_start < lines.len() {
        // A long sheet starts a department on a fresh page every few hundred rows, so
        // it can be split between departments for signing (and typst lays the parts
        // out in parallel).
        if rows.len() - part_start >= SIGNOFF_PART_ROWS {
            page_breaks.push(rows.len());
            part_start = rows.len();
        }
        let department = &lines[department_start].department;
        let end = lines[department_start..]
            .iter()
            .position(|line| &line.department != department)
            .map_or(lines.len(), |offset| department_start + offset);
        rows.push(Row::new(
            RowStyle::Section,
            std::iter::once(Cell::Text(format!(
                "{department}（{} 人）",
                end - department_start
            )))
            .chain(std::iter::repeat_n(Cell::Blank, 5))
            .collect(),
        ));
        let mut subtotal = 0i64;
        for line in &lines[department_start..end] {
            index += 1;
            subtotal += line.amount_fen;
            rows.push(Row::new(
                RowStyle::Item,
                vec![
                    Cell::Count(index),
                    Cell::text(&line.employee_no),
                    Cell::text(&line.name),
                    Cell::Money(line.amount_fen),
                    Cell::Blank,
                    Cell::Blank,
                ],
            ));
        }
        rows.push(Row::new(
            RowStyle::Subtotal,
            vec![
                Cell::Blank,
                Cell::Text(format!("{department} 小计")),
                Cell::Text(format!("{} 人", end - department_start)),
                Cell::Money(subtotal),
                Cell::Blank,
                Cell::Blank,
            ],
        ));
        department_start = end;
    }
    let total: i64 = lines.iter().map(|l| l.amount_fen).sum();
    rows.push(Row::new(
        RowStyle::Total,
        vec![
            Cell::Blank,
            Cell::text("合计"),
            Cell::Text(format!("{} 人", lines.len())),
            Cell::Money(total),
            Cell::Blank,
            Cell::Blank,
        ],
    ));
    form.blocks.push(fitted(Table {
        caption: String::new(),
        page_breaks,
        columns: vec![
            Column::count("序号"),
            Column::text("工号", 5),
            Column::text("姓名", 5),
            Column::money(
                if subject.payment_form == "现金" || subject.payment_form == "转账" {
                    "金额（元）"
                } else {
                    "价值（元）"
                },
            ),
            Column::new("领取人签字", ColumnKind::Signature, 9),
            Column::text("备注", 5),
        ],
        rows,
    }));
    form.notes.push(format!(
        "合计人民币（大写）：{}　　（小写）¥{}",
        chinese_capitals(total),
        format_fen(total)
    ));
    if !subject.reversed.is_empty() {
        form.notes.push(subject.reversed.clone());
    }
    form.signatures = vec![
        "经办人".into(),
        "发放人".into(),
        "复核".into(),
        "工会主席".into(),
    ];
    form
}

// ---------------------------------------------------------------------------------
// 支出凭单

/// Everything a payment voucher shows about one disbursement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VoucherSubject {
    pub voucher_no: String,
    pub date: NaiveDate,
    pub payee: String,
    pub department: String,
    pub category: String,
    pub account_code: String,
    pub fund: String,
    pub payment_form: String,
    /// Signed as the ledger sees the payout: a reversal is negative (红字).
    pub amount_fen: i64,
    pub purpose: String,
    pub approval: String,
    pub handler: String,
    pub reverses: String,
    pub override_reason: String,
    pub breaches: Vec<String>,
    pub batch: String,
}

/// 支出凭单 for one payout: payee, amount in figures and capitals, category and
/// account code, fund, approval, and the lines 经手人, 证明人, 审批人 sign on.
pub fn payment_voucher(head: &FormHead, subject: &VoucherSubject) -> Form {
    let mut form = Form::new(FormKind::Voucher, head, subject.voucher_no.clone());
    if !subject.reverses.is_empty() {
        form.title = format!("{}（红字冲销）", form.title);
    }
    let mut fields = vec![
        Field::new("凭证号", Cell::text(&subject.voucher_no), false),
        Field::new("日期", date_cell(subject.date), false),
        Field::new("领款人", Cell::text(&subject.payee), false),
        Field::new("部门", Cell::text(&subject.department), false),
        Field::new("支出项目", Cell::text(&subject.category), false),
        Field::new("会计科目", Cell::text(&subject.account_code), false),
        Field::new("经费", Cell::text(&subject.fund), false),
        Field::new("支付方式", Cell::text(&subject.payment_form), false),
        Field::new("事由", Cell::text(&subject.purpose), true),
        Field::new(
            "金额（大写）",
            Cell::Text(format!("人民币{}", chinese_capitals(subject.amount_fen))),
            true,
        ),
        Field::new("金额（小写）", Cell::Money(subject.amount_fen), true),
        Field::new("审批", Cell::text(&subject.approval), true),
    ];
    if !subject.batch.is_empty() {
        fields.push(Field::new("批次", Cell::text(&subject.batch), true));
    }
    if !subject.reverses.is_empty() {
        fields.push(Field::new("冲销", Cell::text(&subject.reverses), true));
    }
    if !subject.override_reason.is_empty() || !subject.breaches.is_empty() {
        let mut text = subject.breaches.join("；");
        if !subject.override_reason.is_empty() {
            if !text.is_empty() {
                text.push('。');
            }
            text.push_str(&format!("超标准说明：{}", subject.override_reason));
        }
        fields.push(Field::new("超标准", Cell::Text(text), true));
    }
    fields.push(Field::new("经手人", Cell::text(&subject.handler), false));
    form.blocks.push(Block::Fields { fields });
    form.signatures = vec!["经手人".into(), "证明人".into(), "审批人".into()];
    form
}

// ---------------------------------------------------------------------------------
// 走访慰问登记表

/// One visit on the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VisitLine {
    pub date: NaiveDate,
    pub department: String,
    pub name: String,
    pub reason: String,
    pub place: String,
    pub visitors: String,
    pub money_fen: i64,
    pub goods: String,
    pub goods_fen: i64,
    pub vouchers: String,
    pub state: String,
}

/// 走访慰问登记表 for a period: every visit, then 人次 and amounts per reason.
pub fn visits_register(
    head: &FormHead,
    period: Period,
    lines: &[VisitLine],
    by_reason: &[(String, i64, i64, i64)],
) -> Form {
    let mut form = Form::new(FormKind::Visits, head, period.label());
    form.landscape = true;
    let mut rows: Vec<Row> = lines
        .iter()
        .enumerate()
        .map(|(index, line)| {
            Row::new(
                RowStyle::Item,
                vec![
                    Cell::Count(index as i64 + 1),
                    date_cell(line.date),
                    Cell::text(&line.department),
                    Cell::text(&line.name),
                    Cell::text(&line.reason),
                    Cell::text(&line.place),
                    Cell::text(&line.visitors),
                    Cell::Money(line.money_fen),
                    Cell::text(&line.goods),
                    Cell::Money(line.goods_fen),
                    Cell::text(&line.vouchers),
                    Cell::text(&line.state),
                ],
            )
        })
        .collect();
    let money: i64 = lines.iter().map(|l| l.money_fen).sum();
    let goods: i64 = lines.iter().map(|l| l.goods_fen).sum();
    rows.push(Row::new(
        RowStyle::Total,
        vec![
            Cell::text("合计"),
            Cell::Blank,
            Cell::Blank,
            Cell::Text(format!("{} 人次", lines.len())),
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Money(money),
            Cell::Blank,
            Cell::Money(goods),
            Cell::Blank,
            Cell::Blank,
        ],
    ));
    form.blocks.push(fitted(Table {
        caption: "一、走访明细".into(),
        page_breaks: Vec::new(),
        columns: vec![
            Column::count("序号"),
            Column::text("日期", 6),
            Column::text("部门", 6),
            Column::text("姓名", 4),
            Column::text("事由", 7),
            Column::text("地点", 7),
            Column::text("走访人", 7),
            Column::money("慰问金"),
            Column::text("慰问品", 7),
            Column::money("物品价值"),
            Column::text("凭证号", 7),
            Column::text("状态", 4),
        ],
        rows,
    }));
    let mut summary: Vec<Row> = by_reason
        .iter()
        .map(|(reason, visits, money, goods)| {
            Row::new(
                RowStyle::Item,
                vec![
                    Cell::text(reason),
                    Cell::Count(*visits),
                    Cell::Money(*money),
                    Cell::Money(*goods),
                    Cell::Money(money + goods),
                ],
            )
        })
        .collect();
    let sum = |f: fn(&(String, i64, i64, i64)) -> i64| by_reason.iter().map(f).sum::<i64>();
    summary.push(Row::new(
        RowStyle::Total,
        vec![
            Cell::text("合计"),
            Cell::Count(sum(|r| r.1)),
            Cell::Money(sum(|r| r.2)),
            Cell::Money(sum(|r| r.3)),
            Cell::Money(sum(|r| r.2 + r.3)),
        ],
    ));
    form.blocks.push(fitted(Table {
        caption: "二、按事由汇总".into(),
        page_breaks: Vec::new(),
        columns: vec![
            Column::text("事由", 10),
            Column::count("人次"),
            Column::money("慰问金"),
            Column::money("物品价值"),
            Column::money("合计"),
        ],
        rows: summary,
    }));
    form
}

// ---------------------------------------------------------------------------------
// 互助保障报销登记表

/// One claim on the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimLine {
    pub department: String,
    pub name: String,
    pub plan: String,
    pub illness: String,
    pub admission: NaiveDate,
    pub discharge: Option<NaiveDate>,
    pub total_cost_fen: i64,
    pub eligible_cost_fen: i64,
    pub computed_fen: i64,
    /// The amount approved (paid or to be paid); none before a decision or if rejected.
    pub approved_fen: Option<i64>,
    pub state: String,
    pub paid_on: Option<NaiveDate>,
    pub voucher: String,
}

/// 互助保障报销登记表 for a period: every claim admitted in it with costs, computed and
/// approved amounts and payment, then the year's figures per plan.
pub fn claims_register(
    head: &FormHead,
    period: Period,
    lines: &[ClaimLine],
    plans: &[crate::core::insurance::PlanYearTotal],
) -> Form {
    let mut form = Form::new(FormKind::Claims, head, period.label());
    form.landscape = true;
    let mut rows: Vec<Row> = lines
        .iter()
        .enumerate()
        .map(|(index, line)| {
            Row::new(
                RowStyle::Item,
                vec![
                    Cell::Count(index as i64 + 1),
                    Cell::text(&line.department),
                    Cell::text(&line.name),
                    Cell::text(&line.plan),
                    Cell::text(&line.illness),
                    date_cell(line.admission),
                    optional_date_cell(line.discharge),
                    Cell::Money(line.total_cost_fen),
                    Cell::Money(line.eligible_cost_fen),
                    Cell::Money(line.computed_fen),
                    line.approved_fen.map_or(Cell::Blank, Cell::Money),
                    Cell::text(&line.state),
                    optional_date_cell(line.paid_on),
                    Cell::text(&line.voucher),
                ],
            )
        })
        .collect();
    let sum = |f: fn(&ClaimLine) -> i64| lines.iter().map(f).sum::<i64>();
    let paid: i64 = lines
        .iter()
        .filter(|l| l.paid_on.is_some())
        .filter_map(|l| l.approved_fen)
        .sum();
    rows.push(Row::new(
        RowStyle::Total,
        vec![
            Cell::text("合计"),
            Cell::Blank,
            Cell::Text(format!("{} 件", lines.len())),
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Money(sum(|l| l.total_cost_fen)),
            Cell::Money(sum(|l| l.eligible_cost_fen)),
            Cell::Money(sum(|l| l.computed_fen)),
            Cell::Money(sum(|l| l.approved_fen.unwrap_or(0))),
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
        ],
    ));
    form.blocks.push(fitted(Table {
        caption: "一、报销明细".into(),
        page_breaks: Vec::new(),
        columns: vec![
            Column::count("序号"),
            Column::text("部门", 6),
            Column::text("姓名", 4),
            Column::text("保障计划", 8),
            Column::text("病种/事由", 6),
            Column::text("入院", 6),
            Column::text("出院", 6),
            Column::money("总费用"),
            Column::money("合规费用"),
            Column::money("测算赔付"),
            Column::money("核定金额"),
            Column::text("状态", 4),
            Column::text("支付日期", 6),
            Column::text("凭证号", 7),
        ],
        rows,
    }));
    form.notes.push(format!(
        "本期已支付 {} 元（大写：{}）。",
        format_fen(paid),
        chinese_capitals(paid)
    ));
    if !plans.is_empty() {
        let mut plan_rows: Vec<Row> = plans
            .iter()
            .map(|plan| {
                Row::new(
                    RowStyle::Item,
                    vec![
                        Cell::text(&plan.name),
                        Cell::Count(plan.enrolled),
                        Cell::Money(plan.premium_fen),
                        Cell::Count(plan.claims_paid),
                        Cell::Money(plan.paid_fen),
                    ],
                )
            })
            .collect();
        let sum =
            |f: fn(&crate::core::insurance::PlanYearTotal) -> i64| plans.iter().map(f).sum::<i64>();
        plan_rows.push(Row::new(
            RowStyle::Total,
            vec![
                Cell::text("合计"),
                Cell::Count(sum(|p| p.enrolled)),
                Cell::Money(sum(|p| p.premium_fen)),
                Cell::Count(sum(|p| p.claims_paid)),
                Cell::Money(sum(|p| p.paid_fen)),
            ],
        ));
        form.blocks.push(fitted(Table {
            caption: format!("二、{}年各保障计划", period.start.format("%Y")),
            page_breaks: Vec::new(),
            columns: vec![
                Column::text("保障计划", 14),
                Column::count("参保人数"),
                Column::money("保费"),
                Column::count("赔付人次"),
                Column::money("赔付金额"),
            ],
            rows: plan_rows,
        }));
    }
    form
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::Category;

    fn head() -> FormHead {
        FormHead {
            union_name: "示例医院工会".into(),
            printed_on: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        }
    }

    fn line(department: &str, name: &str, fen: i64) -> SignoffLine {
        SignoffLine {
            department: department.into(),
            employee_no: format!("E{name}"),
            name: name.into(),
            amount_fen: fen,
        }
    }

    fn subject() -> SignoffSubject {
        SignoffSubject {
            batch_number: "P2026-0001".into(),
            category: "春节".into(),
            date: NaiveDate::from_ymd_opt(2026, 2, 10).unwrap(),
            item: String::new(),
            payment_form: "现金".into(),
            fund: "慰问金".into(),
            approval: "2026-02-01 纪要 2026-03".into(),
            vouchers: String::new(),
            reversed: String::new(),
        }
    }

    #[test]
    fn a_signoff_sheet_subtotals_each_department_and_writes_the_total_in_capitals() {
        let lines = [
            line("内科", "张三", 50_000),
            line("内科", "李四", 50_000),
            line("外科", "王五", 74_000),
        ];
        let form = signoff_sheet(&head(), &subject(), &lines);
        let table = form.tables().next().unwrap();
        let subtotals: Vec<String> = table
            .rows
            .iter()
            .filter(|r| r.style == RowStyle::Subtotal)
            .map(|r| format!("{} {}", r.cells[1].display(), r.cells[3].display()))
            .collect();
        assert_eq!(subtotals, ["内科 小计 1,000.00", "外科 小计 740.00"]);
        assert_eq!(table.column_sum(3, RowStyle::Item), 174_000);
        assert_eq!(table.column_sum(3, RowStyle::Total), 174_000);
        assert_eq!(table.column_sum(3, RowStyle::Subtotal), 174_000);
        assert!(
            form.notes[0].contains("壹仟柒佰肆拾元整"),
            "{}",
            form.notes[0]
        );
        assert_eq!(table.columns[4].kind, ColumnKind::Signature);
        let sections: Vec<String> = table
            .rows
            .iter()
            .filter(|r| r.style == RowStyle::Section)
            .map(|r| r.cells[0].display())
            .collect();
        assert_eq!(sections, ["内科（2 人）", "外科（1 人）"]);
    }

    #[test]
    fn a_long_sheet_starts_a_department_on_a_new_page_every_few_hundred_rows() {
        let mut lines = Vec::new();
        for department in ["儿科", "内科", "外科"] {
            for n in 0..200 {
                lines.push(line(department, &format!("{department}{n}"), 10_000));
            }
        }
        let form = signoff_sheet(&head(), &subject(), &lines);
        let table = form.tables().next().unwrap();
        // 儿科 and 内科 make 404 rows; 外科 starts the next page, not 内科 (only 202
        // rows after 儿科's start).
        assert_eq!(table.page_breaks.len(), 1);
        let first = &table.rows[table.page_breaks[0]];
        assert_eq!(first.style, RowStyle::Section);
        assert_eq!(first.cells[0].display(), "外科（200 人）");
    }

    #[test]
    fn an_empty_batch_still_prints_a_zero_total() {
        let form = signoff_sheet(&head(), &subject(), &[]);
        let table = form.tables().next().unwrap();
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.rows[0].style, RowStyle::Total);
        assert!(form.notes[0].contains("零元整"), "{}", form.notes[0]);
    }

    fn category(id: i64, parent_id: Option<i64>, name: &str) -> Category {
        Category {
            id,
            parent_id,
            name: name.into(),
            default_fund_id: Some(1),
            standard_amount_fen: None,
            account_code: "50105".into(),
            default_payment_form: None,
            requires_member: true,
            is_active: true,
            sort_order: id,
        }
    }

    #[test]
    fn the_tally_shows_the_quarter_beside_the_year_to_date() {
        let categories = [
            category(1, None, "五必访"),
            category(2, Some(1), "生病住院"),
            category(3, Some(1), "结婚"),
        ];
        let amount = |category_id, count, amount_fen| CategoryAmount {
            category_id,
            count,
            amount_fen,
        };
        let rows = tally_rows(
            &categories,
            &[amount(2, 1, 50_000)],
            &[amount(2, 3, 150_000), amount(3, 1, 60_000)],
        );
        let figures: Vec<(String, i64, i64, i64, i64)> = rows
            .iter()
            .map(|r| {
                (
                    r.name.clone(),
                    r.quarter_count,
                    r.quarter_fen,
                    r.year_count,
                    r.year_fen,
                )
            })
            .collect();
        assert_eq!(
            figures,
            [
                ("五必访".to_string(), 1, 50_000, 4, 210_000),
                ("生病住院".to_string(), 1, 50_000, 3, 150_000),
                ("结婚".to_string(), 0, 0, 1, 60_000),
            ]
        );
        let form = quarterly_tally(&head(), Period::quarter(2026, 3), &rows, &[]);
        let table = form.tables().next().unwrap();
        let total = table.rows.last().unwrap();
        assert_eq!(total.cells[3], Cell::Money(50_000));
        assert_eq!(total.cells[5], Cell::Money(210_000));
    }

    #[test]
    fn fund_movements_open_with_what_moved_earlier_in_the_year() {
        let year = [FundBalance {
            fund_id: 1,
            fund_name: "慰问金".into(),
            year: 2026,
            opening_fen: 100_000,
            income_fen: 0,
            spending_fen: 0,
            closing_fen: 0,
        }];
        let flow = |income_fen, spending_fen| FundFlow {
            fund_id: 1,
            income_fen,
            spending_fen,
        };
        let movements = fund_movements(&year, &[flow(50_000, 20_000)], &[flow(1_000, 31_000)]);
        assert_eq!(movements[0].opening_fen, 130_000);
        assert_eq!(movements[0].closing_fen, 100_000);
    }

    #[test]
    fn a_reversal_voucher_is_red_and_negative_in_capitals() {
        let mut subject = VoucherSubject {
            voucher_no: "2026-000012".into(),
            date: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            payee: "张三".into(),
            department: "内科".into(),
            category: "生病住院".into(),
            account_code: "50105".into(),
            fund: "慰问金".into(),
            payment_form: "现金".into(),
            amount_fen: 168_032,
            purpose: "住院慰问".into(),
            approval: String::new(),
            handler: "李会计".into(),
            reverses: String::new(),
            override_reason: String::new(),
            breaches: Vec::new(),
            batch: String::new(),
        };
        let form = payment_voucher(&head(), &subject);
        assert_eq!(form.title, "支出凭单");
        let Block::Fields { fields } = &form.blocks[0] else {
            panic!("a voucher is laid out as fields");
        };
        let capitals = fields.iter().find(|f| f.label == "金额（大写）").unwrap();
        assert_eq!(capitals.value.display(), "人民币壹仟陆佰捌拾元零叁角贰分");
        subject.amount_fen = -168_032;
        subject.reverses = "冲销 2026-000011".into();
        let form = payment_voucher(&head(), &subject);
        assert_eq!(form.title, "支出凭单（红字冲销）");
    }
}
