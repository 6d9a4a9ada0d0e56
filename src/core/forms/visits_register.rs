//! 走访慰问登记表

use super::*;

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
