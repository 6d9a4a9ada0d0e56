//! 互助保障报销登记表

use super::*;

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
