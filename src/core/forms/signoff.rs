//! 发放签领表

use super::*;

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
