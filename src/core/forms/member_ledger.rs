//! 个人台账

use super::*;

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
