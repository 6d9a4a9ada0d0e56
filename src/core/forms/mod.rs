//! The printed forms as values. Each form is first computed from the ledger's figures
//! into a [`Form`]: a title block, tables of typed cells (text, 人次, money in fen) and
//! a signature block. The PDF, the spreadsheet, the text and the on-screen preview all
//! draw the same value, so a figure can never differ between the screen and the paper.
//!
//! This file holds what every form is made of (cells, columns, tables, the head and
//! the signatures); each form's builder has a file of its own (`quarterly.rs`,
//! `annual.rs`, `member_ledger.rs`, `signoff.rs`, `voucher.rs`, `visits_register.rs`,
//! `claims_register.rs`; `funds.rs` for the fund movements two of them share).

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
    Fields {
        fields: Vec<Field>,
    },
    /// A chart: drawn on paper and in the window, written as its table in text and
    /// spreadsheets ([`chart_table`]).
    Chart(crate::core::charts::Chart),
}

/// A chart's figures as a table: a row per month, a column per series and the total;
/// what text and spreadsheets print where paper draws the chart.
pub fn chart_table(chart: &crate::core::charts::Chart) -> Table {
    use crate::core::charts::{ChartKind, ChartUnit};
    let value_column = |title: &str| match chart.unit {
        ChartUnit::Money => Column::money(title),
        ChartUnit::Count => Column::count(title),
    };
    let cell = |value: i64| match chart.unit {
        ChartUnit::Money => Cell::Money(value),
        ChartUnit::Count => Cell::Count(value),
    };
    let stacked = chart.kind == ChartKind::StackedBars;
    let mut columns = vec![Column::text("月份", 4)];
    columns.extend(chart.series.iter().map(|series| value_column(&series.name)));
    if stacked {
        columns.push(value_column("合计"));
    }
    let totals = chart.label_totals();
    let mut rows: Vec<Row> = chart
        .labels
        .iter()
        .enumerate()
        .map(|(index, label)| {
            let mut cells = vec![Cell::text(label.clone())];
            cells.extend(chart.series.iter().map(|series| cell(series.values[index])));
            if stacked {
                cells.push(cell(totals[index]));
            }
            Row::new(RowStyle::Item, cells)
        })
        .collect();
    if stacked {
        let mut cells = vec![Cell::text("全年")];
        cells.extend(
            chart
                .series
                .iter()
                .map(|series| cell(series.values.iter().sum())),
        );
        cells.push(cell(totals.iter().sum()));
        rows.push(Row::new(RowStyle::Total, cells));
    }
    Table {
        caption: format!("{}（{}）", chart.caption, chart.unit_text()),
        columns,
        rows,
        page_breaks: Vec::new(),
    }
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
            Block::Fields { .. } | Block::Chart(_) => None,
        })
    }

    /// The charts the form prints.
    pub fn charts(&self) -> impl Iterator<Item = &crate::core::charts::Chart> {
        self.blocks.iter().filter_map(|block| match block {
            Block::Chart(chart) => Some(chart),
            _ => None,
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

mod annual;
mod claims_register;
mod consolidated;
mod funds;
mod member_ledger;
mod quarterly;
mod signoff;
mod visits_register;
mod voucher;

pub use consolidated::{
    BranchForm, ELIMINATION_LABEL, FigureTarget, NET_LABEL, TransferLine, Transfers, consolidated,
    consolidated_request, figure_behind,
};

pub use annual::*;
pub use claims_register::*;
pub use funds::*;
pub use member_ledger::*;
pub use quarterly::*;
pub use signoff::*;
pub use visits_register::*;
pub use voucher::*;

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
