//! 汇总表: one form over the forms of many branches — the total first, the figures of
//! every row summed over the branches whose row it is (rows matched by their text:
//! name and account code), then each branch's own tables. Rows only some branches have
//! are named, and so are the branches that sent nothing for the period. Money moved
//! between the union and its branches (拨付分会经费 on one side, 上级拨入 on the other:
//! the categories and sources each ledger tags 内部拨付) is eliminated from the total
//! on rows of its own, so it is counted once, and the two sides are reconciled.

use serde::Serialize;

use super::{Block, Cell, Column, ColumnKind, Form, FormRequest, Row, RowStyle, Table};
use crate::core::charts::Chart;
use crate::core::date::{Period, quarter_number};

/// The key a row is matched by across branches: its style and every text cell.
fn row_key(row: &super::Row) -> String {
    let texts: Vec<String> = row
        .cells
        .iter()
        .filter_map(|cell| match cell {
            Cell::Text(text) => Some(text.trim().to_string()),
            _ => None,
        })
        .collect();
    format!("{:?}|{}", row.style, texts.join("|"))
}

/// A table's rows summed over the branches' tables of the same place; the rows some
/// branches lack go to `partial` ("一、慰问支出 / 读书会").
fn merge_tables(tables: &[&Table], branch_count: usize, partial: &mut Vec<String>) -> Table {
    let mut merged = Table {
        caption: tables[0].caption.clone(),
        columns: tables[0].columns.clone(),
        rows: Vec::new(),
        page_breaks: Vec::new(),
    };
    let mut keys: Vec<(String, usize)> = Vec::new();
    for table in tables {
        // A row no branch before had goes after the row that precedes it here, so a
        // category keeps its place in its group, above the totals.
        let mut after: Option<usize> = None;
        for row in &table.rows {
            let key = row_key(row);
            match keys.iter().position(|(known, _)| *known == key) {
                Some(index) => {
                    after = Some(index);
                    keys[index].1 += 1;
                    let target = &mut merged.rows[index];
                    for (sum, cell) in target.cells.iter_mut().zip(&row.cells) {
                        match (sum, cell) {
                            (Cell::Money(total), Cell::Money(value))
                            | (Cell::Count(total), Cell::Count(value)) => *total += value,
                            _ => {}
                        }
                    }
                }
                None => {
                    let index = after.map_or(0, |index| index + 1);
                    keys.insert(index, (key, 1));
                    merged.rows.insert(index, row.clone());
                    after = Some(index);
                }
            }
        }
    }
    for ((_, seen), row) in keys.iter().zip(&merged.rows) {
        if *seen < branch_count {
            let name = row.cells.first().map(Cell::display).unwrap_or_default();
            partial.push(format!("{} / {}", merged.caption, name.trim()));
        }
    }
    merged
}

/// A chart's series summed by name over the branches (months align).
fn merge_charts(charts: &[&Chart]) -> Chart {
    let mut merged = charts[0].clone();
    merged.series.clear();
    for chart in charts {
        for series in &chart.series {
            match merged.series.iter_mut().find(|s| s.name == series.name) {
                Some(total) => {
                    for (sum, value) in total.values.iter_mut().zip(&series.values) {
                        *sum += value;
                    }
                }
                None => merged.series.push(series.clone()),
            }
        }
    }
    merged
}

/// One line of money a ledger booked as moved between the union and its branches:
/// spending in a category tagged 内部拨付 (`outgoing`), or income from a source so
/// tagged. `count` and `amount_fen` are the form's period; `ytd_*` the year to its end.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TransferLine {
    pub outgoing: bool,
    pub name: String,
    pub account_code: String,
    pub count: i64,
    pub amount_fen: i64,
    pub ytd_count: i64,
    pub ytd_amount_fen: i64,
}

/// What one ledger booked as moved between the union and its branches.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Transfers {
    pub lines: Vec<TransferLine>,
}

impl Transfers {
    /// A sum over the lines of one side: the count or the amount, over the form's
    /// period or the year to date.
    pub fn sum(&self, outgoing: bool, ytd: bool, count: bool) -> i64 {
        self.lines
            .iter()
            .filter(|line| line.outgoing == outgoing)
            .map(|line| match (ytd, count) {
                (false, false) => line.amount_fen,
                (false, true) => line.count,
                (true, false) => line.ytd_amount_fen,
                (true, true) => line.ytd_count,
            })
            .sum()
    }
}

/// A branch's part of a consolidated form: its name, its own form and what it booked
/// as moved between the union and its branches over the same period.
#[derive(Debug, Clone)]
pub struct BranchForm {
    pub name: String,
    pub form: Form,
    pub transfers: Transfers,
}

/// The label of the row that takes the transfers out of a total.
pub const ELIMINATION_LABEL: &str = "减：内部拨付（抵销）";
/// The start of the label of the total after the transfers are taken out.
pub const NET_LABEL: &str = "抵销后";

/// Which transfers a column of a total holds: `Some((outgoing, ytd))`. Fund tables say
/// it in the column (本期收入, 本年支出); the spending and income tables in the caption
/// (一、慰问支出, 一、收入) with the year to date in the column's group (本年累计数).
fn column_side(table: &Table, column: &Column) -> Option<(bool, bool)> {
    if !matches!(column.kind, ColumnKind::Money | ColumnKind::Count) {
        return None;
    }
    let ytd = column.group.contains("累计");
    if column.title.contains("收入") {
        return Some((false, ytd));
    }
    if column.title.contains("支出") {
        return Some((true, ytd));
    }
    if column.title.contains("余额") {
        return None;
    }
    if table.caption.contains("收入") {
        Some((false, ytd))
    } else if table.caption.contains("支出") {
        Some((true, ytd))
    } else {
        None
    }
}

/// Adds, under a total table's grand total, the row that takes out what the branches
/// moved between themselves and the total after it. Opening and closing balances stay:
/// money moved inside the group changes no one's balance but its holder's.
fn eliminate(table: &mut Table, transfers: &Transfers) {
    let sides: Vec<Option<(bool, bool)>> = table
        .columns
        .iter()
        .map(|column| column_side(table, column))
        .collect();
    if sides.iter().all(Option::is_none) {
        return;
    }
    let Some(total_at) = table
        .rows
        .iter()
        .rposition(|row| row.style == RowStyle::Total)
    else {
        return;
    };
    let total = table.rows[total_at].clone();
    let mut elimination = Vec::new();
    let mut net = Vec::new();
    for (index, (cell, side)) in total.cells.iter().zip(&sides).enumerate() {
        let taken = side.map(|(outgoing, ytd)| {
            transfers.sum(
                outgoing,
                ytd,
                matches!(table.columns[index].kind, ColumnKind::Count),
            )
        });
        match (cell, taken) {
            _ if index == 0 => {
                elimination.push(Cell::text(ELIMINATION_LABEL));
                net.push(Cell::text(format!("{NET_LABEL}{}", cell.display().trim())));
            }
            (Cell::Money(value), Some(taken)) => {
                elimination.push(Cell::Money(taken));
                net.push(Cell::Money(value - taken));
            }
            (Cell::Count(value), Some(taken)) => {
                elimination.push(Cell::Count(taken));
                net.push(Cell::Count(value - taken));
            }
            (Cell::Money(_) | Cell::Count(_), None) => {
                elimination.push(Cell::Blank);
                net.push(cell.clone());
            }
            _ => {
                elimination.push(Cell::Blank);
                net.push(Cell::Blank);
            }
        }
    }
    table
        .rows
        .insert(total_at + 1, Row::new(RowStyle::Subtotal, elimination));
    table
        .rows
        .insert(total_at + 2, Row::new(RowStyle::Total, net));
}

/// A list of vouchers (an audit finding's detail): one row per entry, nothing to sum
/// across branches and no figure that stands for a category.
fn is_voucher_list(table: &Table) -> bool {
    table
        .columns
        .first()
        .is_some_and(|column| column.title == "凭证号")
}

/// How many branches stand side by side in one comparison table (a page's width).
const BRANCHES_PER_COMPARISON: usize = 6;

/// 分会对比: a total table's main figure — the period's amount (本季数金额, 金额), or a
/// fund's closing balance (期末余额) — for each branch beside the total, six branches
/// to a table. The findings have their own table by branch.
fn comparison_tables(merged: &Table, branches: &[BranchForm]) -> Vec<Table> {
    if branches.len() < 2 || merged.caption.contains("审计发现") {
        return Vec::new();
    }
    let money = |column: &Column| column.kind == ColumnKind::Money;
    let Some(column) = merged
        .columns
        .iter()
        .position(|c| money(c) && c.title == "期末余额")
        .or_else(|| {
            merged
                .columns
                .iter()
                .position(|c| money(c) && !c.group.contains("累计"))
        })
    else {
        return Vec::new();
    };
    let heading = &merged.columns[column];
    let figure_name = format!("{}{}", heading.group, heading.title);
    let rows: Vec<&Row> = merged
        .rows
        .iter()
        .filter(|row| {
            let label = row.cells.first().map(Cell::display).unwrap_or_default();
            !label.starts_with(ELIMINATION_LABEL) && !label.starts_with(NET_LABEL)
        })
        .collect();
    // Each branch's figure for each row, matched as the total matched them.
    let figures: Vec<Vec<Option<i64>>> = branches
        .iter()
        .map(|branch| {
            let own = branch
                .form
                .tables()
                .find(|table| table.caption == merged.caption);
            rows.iter()
                .map(|row| {
                    let key = row_key(row);
                    own?.rows
                        .iter()
                        .find(|theirs| row_key(theirs) == key)
                        .and_then(|theirs| match theirs.cells.get(column) {
                            Some(Cell::Money(value)) => Some(*value),
                            _ => None,
                        })
                })
                .collect()
        })
        .collect();
    let parts = branches.len().div_ceil(BRANCHES_PER_COMPARISON);
    (0..parts)
        .map(|part| {
            let from = part * BRANCHES_PER_COMPARISON;
            let to = (from + BRANCHES_PER_COMPARISON).min(branches.len());
            let mut columns = vec![Column::text("项目", 10)];
            columns.extend(branches[from..to].iter().map(|b| Column::money(&b.name)));
            columns.push(Column::money("合计"));
            let table_rows = rows
                .iter()
                .enumerate()
                .map(|(index, row)| {
                    let mut cells = vec![row.cells.first().cloned().unwrap_or(Cell::Blank)];
                    cells.extend(
                        figures[from..to]
                            .iter()
                            .map(|own| own[index].map_or(Cell::Blank, Cell::Money)),
                    );
                    cells.push(row.cells.get(column).cloned().unwrap_or(Cell::Blank));
                    Row::new(row.style, cells)
                })
                .collect();
            Table {
                caption: if parts > 1 {
                    format!(
                        "分会对比：{}（{figure_name}，第 {}/{parts} 部分）",
                        merged.caption,
                        part + 1
                    )
                } else {
                    format!("分会对比：{}（{figure_name}）", merged.caption)
                },
                columns,
                rows: table_rows,
                page_breaks: Vec::new(),
            }
        })
        .collect()
}

/// 内部拨付抵销明细: what each branch booked as paid to or received from the others,
/// both sides' totals and their difference.
fn transfer_table(branches: &[BranchForm]) -> (Table, (i64, i64)) {
    let mut rows = Vec::new();
    for branch in branches {
        for line in &branch.transfers.lines {
            if line.amount_fen == 0 && line.count == 0 {
                continue;
            }
            rows.push(Row::new(
                RowStyle::Item,
                vec![
                    Cell::text(&branch.name),
                    Cell::text(if line.outgoing { "拨出" } else { "拨入" }),
                    Cell::text(&line.name),
                    Cell::text(&line.account_code),
                    if line.outgoing {
                        Cell::Count(line.count)
                    } else {
                        Cell::Blank
                    },
                    Cell::Money(line.amount_fen),
                ],
            ));
        }
    }
    let side = |outgoing: bool| -> i64 {
        branches
            .iter()
            .map(|branch| branch.transfers.sum(outgoing, false, false))
            .sum()
    };
    let (paid, received) = (side(true), side(false));
    for (label, style, value) in [
        ("拨出合计", RowStyle::Subtotal, paid),
        ("拨入合计", RowStyle::Subtotal, received),
        ("差额（拨出－拨入）", RowStyle::Total, paid - received),
    ] {
        rows.push(Row::new(
            style,
            vec![
                Cell::text(label),
                Cell::Blank,
                Cell::Blank,
                Cell::Blank,
                Cell::Blank,
                Cell::Money(value),
            ],
        ));
    }
    let sides = (paid, received);
    let table = Table {
        caption: "内部拨付抵销明细".into(),
        columns: vec![
            Column::text("分会", 8),
            Column::text("方向", 3),
            Column::text("支出类别或收入来源", 8),
            Column::text("科目代码", 4),
            Column::count("人次"),
            Column::money("金额"),
        ],
        rows,
        page_breaks: Vec::new(),
    };
    (table, sides)
}

/// 审计发现（按分会）: each branch's findings (the kinds it has), under its name with
/// its change log's state, and its subtotal.
fn findings_by_branch(branches: &[BranchForm]) -> Option<Table> {
    let mut rows = Vec::new();
    let mut columns = None;
    for branch in branches {
        let summary = branch
            .form
            .tables()
            .find(|table| table.caption.contains("审计发现汇总"))?;
        columns.get_or_insert_with(|| summary.columns.clone());
        let log = branch
            .form
            .facts
            .iter()
            .find(|(label, _)| label == "变更日志")
            .map(|(_, value)| format!("（变更日志：{value}）"))
            .unwrap_or_default();
        let mut heading = vec![Cell::text(format!("{}{log}", branch.name))];
        heading.resize(summary.columns.len(), Cell::Blank);
        rows.push(Row::new(RowStyle::Section, heading));
        for row in &summary.rows {
            let found = row
                .cells
                .iter()
                .any(|cell| matches!(cell, Cell::Count(n) if *n > 0));
            match row.style {
                RowStyle::Total => {
                    let mut subtotal = row.clone();
                    subtotal.style = RowStyle::Subtotal;
                    subtotal.cells[0] = Cell::text(format!("{}小计", branch.name));
                    rows.push(subtotal);
                }
                _ if found => {
                    let mut line = row.clone();
                    line.cells[0] = Cell::text(format!("　　{}", row.cells[0].display().trim()));
                    rows.push(line);
                }
                _ => {}
            }
        }
    }
    Some(Table {
        caption: "审计发现（按分会）".into(),
        columns: columns?,
        rows,
        page_breaks: Vec::new(),
    })
}

/// The consolidated form: `branches` are each branch's name, its own form of the same
/// kind and period and what it booked as moved inside the group; `missing` the
/// branches that sent nothing for it.
pub fn consolidated(union_name: &str, branches: &[BranchForm], missing: &[String]) -> Option<Form> {
    let first = &branches.first()?.form;
    let mut form = first.clone();
    form.union_name = union_name.to_string();
    form.title = format!("{}（汇总）", first.title);
    form.facts = vec![
        (
            "汇总分会".to_string(),
            format!(
                "{} 个：{}",
                branches.len(),
                branches
                    .iter()
                    .map(|branch| branch.name.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            ),
        ),
        (
            "未报分会".to_string(),
            if missing.is_empty() {
                "无".to_string()
            } else {
                missing.join("、")
            },
        ),
    ];
    form.facts.extend(first.facts.iter().cloned());
    let mut transfers = Transfers::default();
    for branch in branches {
        transfers
            .lines
            .extend(branch.transfers.lines.iter().cloned());
    }
    // A ledger with tags has a line for each, moved or not.
    let tagged = !transfers.lines.is_empty();
    let mut comparisons = Vec::new();
    let mut partial = Vec::new();
    let mut blocks = Vec::new();
    // Blocks are matched by caption, not place: an audit report lists only the kinds
    // of findings it has. A list of vouchers (a finding's detail) is not summed: it
    // stands under its branch below.
    for block in &first.blocks {
        match block {
            Block::Table(table) if is_voucher_list(table) => {}
            Block::Table(table) => {
                let tables: Vec<Table> = branches
                    .iter()
                    .filter_map(|branch| {
                        branch
                            .form
                            .tables()
                            .find(|other| other.caption == table.caption)
                            .cloned()
                    })
                    .collect();
                let refs: Vec<&Table> = tables.iter().collect();
                let mut merged = merge_tables(&refs, branches.len(), &mut partial);
                if tagged {
                    eliminate(&mut merged, &transfers);
                }
                comparisons.extend(comparison_tables(&merged, branches));
                blocks.push(Block::Table(merged));
            }
            Block::Chart(chart) => {
                let charts: Vec<Chart> = branches
                    .iter()
                    .filter_map(|branch| {
                        branch
                            .form
                            .charts()
                            .find(|other| other.caption == chart.caption)
                            .cloned()
                    })
                    .collect();
                let refs: Vec<&Chart> = charts.iter().collect();
                blocks.push(Block::Chart(merge_charts(&refs)));
            }
            Block::Fields { .. } => {}
        }
    }
    let mut notes = Vec::new();
    if tagged {
        let (table, (paid, received)) = transfer_table(branches);
        blocks.push(Block::Table(table));
        notes.push(format!(
            "内部拨付（各台账标记为内部拨付的支出类别与收入来源）已在合计下的“减：内部拨付（抵销）”行抵销，只计一次；各分会表中仍按原数列示{}。",
            if first.charts().next().is_some() {
                "；各月支出图已除去内部拨付"
            } else {
                ""
            }
        ));
        use crate::core::money::format_fen;
        let differ = |paid: i64, received: i64, what: &str| {
            format!(
                "{what}拨出 {} 元，拨入 {} 元，相差 {} 元",
                format_fen(paid),
                format_fen(received),
                format_fen((paid - received).abs())
            )
        };
        let mut differences = Vec::new();
        if paid != received {
            differences.push(differ(paid, received, ""));
        }
        let (paid_ytd, received_ytd) = (
            transfers.sum(true, true, false),
            transfers.sum(false, true, false),
        );
        let has_ytd = first.tables().any(|table| {
            table
                .columns
                .iter()
                .any(|column| column.group.contains("累计"))
        });
        if has_ytd && paid_ytd != received_ytd {
            differences.push(differ(paid_ytd, received_ytd, "本年累计"));
        }
        if !differences.is_empty() {
            notes.push(format!(
                "内部拨付两边不符：{}。可能有在途款项，或有一方未登记快照、未标记内部拨付，请核对。",
                differences.join("；")
            ));
        }
    } else {
        notes.push(
            "各分会均未标记内部拨付：本级与分会之间若有拨款（拨付分会经费、上级拨入），请在各自台账中标记（设置 → 收支类别、收入来源），否则合计会重复计算。"
                .to_string(),
        );
    }
    blocks.extend(comparisons.into_iter().map(Block::Table));
    if let Some(table) = findings_by_branch(branches) {
        blocks.push(Block::Table(table));
    }
    // Then each branch's own tables, under its name.
    for branch in branches {
        for table in branch.form.tables() {
            let mut own = table.clone();
            own.caption = format!("【{}】{}", branch.name, table.caption);
            blocks.push(Block::Table(own));
        }
    }
    form.blocks = blocks;
    form.notes = Vec::new();
    if !partial.is_empty() {
        form.notes.push(format!(
            "仅部分分会有的行（已计入合计，请核对科目是否一致）：{}",
            partial.join("；")
        ));
    }
    form.notes
        .push("本表为各分会已结账快照的合计。".to_string());
    form.notes.extend(notes);
    Some(form)
}

/// What a figure of a branch's own form counts, to find the entries behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum FigureTarget {
    /// A spending category: a group (all its items), or an item by its name and its
    /// group's (item names are unique only within their group).
    Category {
        name: String,
        group: bool,
        parent: Option<String>,
    },
    /// An income source, by name.
    Source(String),
    /// A fund's income or spending (`spending`), by name.
    Fund { name: String, spending: bool },
    /// All spending, or all income: a total.
    All { spending: bool },
}

impl FigureTarget {
    /// The target as said to the clerk: 五必访 / 生病住院, 会费, 慰问金的支出, 全部支出.
    pub fn describe(&self) -> String {
        match self {
            FigureTarget::Category {
                name, group: true, ..
            } => format!("{name}（分组）"),
            FigureTarget::Category {
                name,
                parent: Some(parent),
                ..
            } => format!("{parent} / {name}"),
            FigureTarget::Category { name, .. } | FigureTarget::Source(name) => name.clone(),
            FigureTarget::Fund { name, spending } => {
                format!("{name}的{}", if *spending { "支出" } else { "收入" })
            }
            FigureTarget::All { spending } => if *spending {
                "全部支出"
            } else {
                "全部收入"
            }
            .to_string(),
        }
    }
}

/// The branch, the period and what a figure clicked in a consolidated form counts:
/// only the figures of a branch's own tables (【内科分会】…) lead to entries; a figure
/// of a year-to-date column (本年累计数) counts from the year's first day.
pub fn figure_behind(
    form: &Form,
    block: usize,
    row: usize,
    column: usize,
    period: Period,
) -> Result<(String, Period, FigureTarget), String> {
    let Some(Block::Table(table)) = form.blocks.get(block) else {
        return Err("这里没有数字".to_string());
    };
    let (Some(line), Some(heading)) = (table.rows.get(row), table.columns.get(column)) else {
        return Err("这里没有数字".to_string());
    };
    let Some((branch, caption)) = table
        .caption
        .strip_prefix('【')
        .and_then(|rest| rest.split_once('】'))
    else {
        return Err(
            "合计表汇总了各分会：请点下方各分会表（【分会名】）中的数字查看其凭证".to_string(),
        );
    };
    if !matches!(
        line.cells.get(column),
        Some(Cell::Money(_) | Cell::Count(_))
    ) {
        return Err("请点一个金额或人次".to_string());
    }
    if is_voucher_list(table) {
        return Err(
            "这是逐笔凭证的清单，凭证号就在左侧：可“只读打开该快照”后在台账中查看".to_string(),
        );
    }
    let period = if heading.group.contains("累计") {
        Period::new(
            Period::year(chrono::Datelike::year(&period.start)).start,
            period.end,
        )
    } else {
        period
    };
    let label = line
        .cells
        .first()
        .map(|cell| {
            cell.display()
                .trim_matches(|c: char| c.is_whitespace())
                .to_string()
        })
        .unwrap_or_default();
    let total = line.style == RowStyle::Total;
    let target = if heading.title.contains("余额") {
        return Err("期初、期末余额不是一期凭证之和：请点本期收入或本期支出".to_string());
    } else if heading.title.contains("收入") || heading.title.contains("支出") {
        let spending = heading.title.contains("支出");
        if total {
            FigureTarget::All { spending }
        } else {
            FigureTarget::Fund {
                name: label,
                spending,
            }
        }
    } else if caption.contains("收入") {
        if total {
            FigureTarget::All { spending: false }
        } else {
            FigureTarget::Source(label)
        }
    } else if caption.contains("支出") {
        if total {
            FigureTarget::All { spending: true }
        } else {
            let group = line.style == RowStyle::Group;
            // An item's group is the nearest group row above it.
            let parent = if group {
                None
            } else {
                table.rows[..row]
                    .iter()
                    .rev()
                    .find(|above| above.style == RowStyle::Group)
                    .and_then(|above| above.cells.first())
                    .map(|cell| cell.display().trim().to_string())
            };
            FigureTarget::Category {
                name: label,
                group,
                parent,
            }
        }
    } else {
        return Err("这一栏没有对应的凭证明细".to_string());
    };
    Ok((branch.to_string(), period, target))
}

/// The form each branch makes for a consolidated `kind` (`quarterly`, `annual`,
/// `audit`) over `period`: a quarter for the tally, a year for the others.
pub fn consolidated_request(kind: &str, period: Period) -> Result<FormRequest, String> {
    let year = chrono::Datelike::year(&period.start);
    match kind {
        "quarterly" => {
            let quarter = quarter_number(period.start);
            if period != Period::quarter(year, quarter) {
                return Err(format!("期间：季度汇总表需要一个季度，如 {year}Q{quarter}"));
            }
            Ok(FormRequest::Quarterly { year, quarter })
        }
        "annual" | "audit" if period != Period::year(year) => Err(format!(
            "期间：{}需要一个年度，如 {year}",
            if kind == "annual" {
                "收入支出表"
            } else {
                "审计报告"
            }
        )),
        "annual" => Ok(FormRequest::Annual { year }),
        "audit" => Ok(FormRequest::Audit { year }),
        other => Err(format!("报表“{other}”：应为 quarterly、annual 或 audit")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_consolidated_form_takes_the_period_it_is_made_for() {
        assert_eq!(
            consolidated_request("quarterly", Period::quarter(2026, 3)),
            Ok(FormRequest::Quarterly {
                year: 2026,
                quarter: 3
            })
        );
        assert_eq!(
            consolidated_request("quarterly", Period::year(2026)).unwrap_err(),
            "期间：季度汇总表需要一个季度，如 2026Q1"
        );
        assert_eq!(
            consolidated_request("annual", Period::quarter(2026, 3)).unwrap_err(),
            "期间：收入支出表需要一个年度，如 2026"
        );
        assert_eq!(
            consolidated_request("audit", Period::year(2025)),
            Ok(FormRequest::Audit { year: 2025 })
        );
        assert!(consolidated_request("monthly", Period::year(2025)).is_err());
    }
}
