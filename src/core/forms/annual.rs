//! 收入支出表

use super::*;

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
