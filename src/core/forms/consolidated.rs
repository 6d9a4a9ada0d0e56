//! 汇总表: one form over the forms of many branches — the total first, the figures of
//! every row summed over the branches whose row it is (rows matched by their text:
//! name and account code), then each branch's own tables. Rows only some branches have
//! are named, and so are the branches that sent nothing for the period.

use super::{Block, Cell, Form, FormRequest, Table};
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

/// The consolidated form: `branches` are each branch's name and its own form of the
/// same kind and period; `missing` the branches that sent nothing for it.
pub fn consolidated(
    union_name: &str,
    branches: &[(String, Form)],
    missing: &[String],
) -> Option<Form> {
    let (_, first) = branches.first()?;
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
                    .map(|(name, _)| name.as_str())
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
    let mut partial = Vec::new();
    let mut blocks = Vec::new();
    for (index, block) in first.blocks.iter().enumerate() {
        let same = |form: &Form| form.blocks.get(index).cloned();
        match block {
            Block::Table(_) => {
                let tables: Vec<Table> = branches
                    .iter()
                    .filter_map(|(_, form)| match same(form) {
                        Some(Block::Table(table)) => Some(table),
                        _ => None,
                    })
                    .collect();
                let refs: Vec<&Table> = tables.iter().collect();
                blocks.push(Block::Table(merge_tables(
                    &refs,
                    branches.len(),
                    &mut partial,
                )));
            }
            Block::Chart(_) => {
                let charts: Vec<Chart> = branches
                    .iter()
                    .filter_map(|(_, form)| match same(form) {
                        Some(Block::Chart(chart)) => Some(chart),
                        _ => None,
                    })
                    .collect();
                let refs: Vec<&Chart> = charts.iter().collect();
                blocks.push(Block::Chart(merge_charts(&refs)));
            }
            Block::Fields { .. } => {}
        }
    }
    // Then each branch's own tables, under its name.
    for (name, branch) in branches {
        for table in branch.tables() {
            let mut own = table.clone();
            own.caption = format!("【{name}】{}", table.caption);
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
    form.notes.push(
        "本表为各分会已结账快照的合计；本级与分会之间的拨付（拨付分会经费、上级拨入）尚未抵销。"
            .to_string(),
    );
    Some(form)
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
