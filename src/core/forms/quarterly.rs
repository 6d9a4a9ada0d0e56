//! 季度汇总表

use super::*;

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
