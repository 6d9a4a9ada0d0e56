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
