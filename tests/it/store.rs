//! The store as a clerk relies on it: vouchers without gaps, running balances that stay
//! right when an entry is backdated, reversals, rosters re-imported, and files that are
//! not ledgers left exactly as they were.

use chrono::NaiveDate;
use union_ledger::core::date::{FixedClock, Period};
use union_ledger::core::model::{EntryKind, MemberDraft, MemberStatus, NewEntry, PaymentForm};
use union_ledger::store::{Ledger, LedgerFilter, LedgerOrder, StoreError};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn clock() -> FixedClock {
    FixedClock::at_date(d(2026, 6, 30))
}

struct Chart {
    welfare: i64,
    hospital: i64,
    dues: i64,
}

fn chart(ledger: &Ledger) -> Chart {
    let funds = ledger.funds().unwrap();
    let categories = ledger.categories().unwrap();
    let sources = ledger.income_sources().unwrap();
    Chart {
        welfare: funds.iter().find(|f| f.name == "慰问金").unwrap().id,
        hospital: categories.iter().find(|c| c.name == "生病住院").unwrap().id,
        dues: sources.iter().find(|s| s.name == "会费").unwrap().id,
    }
}

fn spend(chart: &Chart, member_id: i64, date: NaiveDate, yuan: i64) -> NewEntry {
    NewEntry {
        kind: EntryKind::Disbursement,
        date,
        fund_id: chart.welfare,
        category_id: Some(chart.hospital),
        source_id: None,
        member_id: Some(member_id),
        amount_fen: yuan * 100,
        payment_form: PaymentForm::Cash,
        handler: "李会计".into(),
        note: String::new(),
    }
}

fn income(chart: &Chart, date: NaiveDate, yuan: i64) -> NewEntry {
    NewEntry {
        kind: EntryKind::Income,
        date,
        fund_id: chart.welfare,
        category_id: None,
        source_id: Some(chart.dues),
        member_id: None,
        amount_fen: yuan * 100,
        payment_form: PaymentForm::Transfer,
        handler: "李会计".into(),
        note: "会费".into(),
    }
}

fn ledger_with_member() -> (Ledger, Chart, i64) {
    let clock = clock();
    let mut ledger = Ledger::open_in_memory(&clock).unwrap();
    let member = ledger
        .add_member(&MemberDraft::new("A1024", "张三丰"), &clock)
        .unwrap();
    let chart = chart(&ledger);
    (ledger, chart, member)
}

fn balances_in_date_order(ledger: &Ledger) -> Vec<(String, i64)> {
    let index = ledger.ledger_index(&LedgerFilter::default()).unwrap();
    ledger
        .ledger_page(&index, LedgerOrder::OldestFirst, 0, 100)
        .unwrap()
        .into_iter()
        .map(|row| (row.voucher_no, row.balance_after_fen / 100))
        .collect()
}

#[test]
fn new_ledger_has_the_default_chart() {
    let ledger = Ledger::open_in_memory(&clock()).unwrap();
    let funds: Vec<String> = ledger
        .funds()
        .unwrap()
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(funds, ["慰问金", "互助保障金", "帮扶资金"]);
    let names: Vec<String> = ledger
        .categories()
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    for name in [
        "五必访",
        "生病住院",
        "直系亲属去世",
        "节日慰问",
        "三八妇女节",
        "重阳节",
        "防暑降温",
        "保费",
        "赔付",
        "送温暖",
        "临时救助",
        "助学",
        "其他",
    ] {
        assert!(names.iter().any(|n| n == name), "{name} missing");
    }
    let sources: Vec<String> = ledger
        .income_sources()
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(
        sources,
        [
            "会费",
            "拨缴经费",
            "上级补助",
            "行政补助",
            "捐款",
            "其他",
            "互助保障赔款"
        ]
    );
}

#[test]
fn vouchers_are_sequential_per_year_and_balances_run_in_date_order() {
    let (mut ledger, chart, member) = ledger_with_member();
    let clock = clock();
    ledger
        .set_fund_opening(chart.welfare, 2026, Some(100_000))
        .unwrap();
    let first = ledger
        .add_entry(&income(&chart, d(2026, 3, 1), 5_000), &clock)
        .unwrap();
    let second = ledger
        .add_entry(&spend(&chart, member, d(2026, 5, 1), 800), &clock)
        .unwrap();
    // Backdated: goes between the two in the running balance, but takes the next voucher.
    let third = ledger
        .add_entry(&spend(&chart, member, d(2026, 4, 1), 500), &clock)
        .unwrap();
    assert_eq!(
        [first.voucher_no(), second.voucher_no(), third.voucher_no()],
        ["2026-000001", "2026-000002", "2026-000003"]
    );
    let last_year = ledger
        .add_entry(&income(&chart, d(2025, 12, 31), 10), &clock)
        .unwrap();
    assert_eq!(last_year.voucher_no(), "2025-000001");
    assert_eq!(
        balances_in_date_order(&ledger),
        [
            ("2025-000001".to_string(), 10),
            ("2026-000001".to_string(), 6_000),
            ("2026-000003".to_string(), 5_500),
            ("2026-000002".to_string(), 4_700),
        ]
    );
    let balance = &ledger.fund_balances(2026).unwrap()[0];
    assert_eq!(
        (
            balance.opening_fen,
            balance.income_fen,
            balance.spending_fen,
            balance.closing_fen
        ),
        (100_000, 500_000, 130_000, 470_000)
    );
}

#[test]
fn a_reversal_restores_the_balance_and_cannot_be_repeated() {
    let (mut ledger, chart, member) = ledger_with_member();
    let clock = clock();
    ledger
        .add_entry(&income(&chart, d(2026, 1, 5), 1_000), &clock)
        .unwrap();
    let payout = ledger
        .add_entry(&spend(&chart, member, d(2026, 2, 1), 500), &clock)
        .unwrap();
    let error = ledger
        .reverse_entry(payout.id, "  ", d(2026, 2, 2), "李会计", &clock)
        .unwrap_err();
    assert_eq!(error.to_string(), "冲销原因：必须填写");
    let reversal = ledger
        .reverse_entry(payout.id, "重复登记", d(2026, 2, 2), "李会计", &clock)
        .unwrap();
    assert_eq!(reversal.reverses_entry_id, Some(payout.id));
    assert_eq!(
        ledger.entry(payout.id).unwrap().reversed_by_entry_id,
        Some(reversal.id)
    );
    assert_eq!(balances_in_date_order(&ledger).last().unwrap().1, 1_000);
    let again = ledger
        .reverse_entry(payout.id, "再冲", d(2026, 2, 3), "李会计", &clock)
        .unwrap_err();
    assert!(
        again.to_string().contains("已被 2026-000003 冲销"),
        "{again}"
    );
    let of_reversal = ledger
        .reverse_entry(reversal.id, "x", d(2026, 2, 3), "李会计", &clock)
        .unwrap_err();
    assert!(
        of_reversal.to_string().contains("本身是冲销凭证"),
        "{of_reversal}"
    );
    // The quarter's tally nets the reversal out: no payouts, no money.
    let spending = ledger
        .spending_by_category(Period::quarter(2026, 1))
        .unwrap();
    assert_eq!((spending[0].count, spending[0].amount_fen), (0, 0));
}

#[test]
fn entries_cannot_be_edited_or_deleted_even_with_sql() {
    let (mut ledger, chart, member) = ledger_with_member();
    ledger
        .add_entry(&spend(&chart, member, d(2026, 2, 1), 500), &clock())
        .unwrap();
    drop(ledger);
    // The triggers are in the file, so they also stop another program.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let clock = clock();
    let mut ledger = Ledger::open(&path, &clock).unwrap();
    let chart = self::chart(&ledger);
    let member = ledger
        .add_member(&MemberDraft::new("1", "王五"), &clock)
        .unwrap();
    ledger
        .add_entry(&spend(&chart, member, d(2026, 2, 1), 500), &clock)
        .unwrap();
    drop(ledger);
    let raw = rusqlite::Connection::open(&path).unwrap();
    assert!(raw.execute("DELETE FROM entries", []).is_err());
    assert!(
        raw.execute("UPDATE entries SET amount_fen = 1", [])
            .is_err()
    );
}

#[test]
fn bad_entries_name_the_field() {
    let (mut ledger, chart, member) = ledger_with_member();
    let clock = clock();
    let mut entry = spend(&chart, member, d(2026, 7, 1), 500);
    assert_eq!(
        ledger.add_entry(&entry, &clock).unwrap_err().to_string(),
        "日期：2026-07-01 晚于今天（2026-06-30），台账只记已发生的收支"
    );
    entry.date = d(2026, 6, 1);
    entry.member_id = None;
    assert_eq!(
        ledger.add_entry(&entry, &clock).unwrap_err().to_string(),
        "会员：该类别发放到个人，必须选择会员"
    );
    entry.member_id = Some(member);
    let group = ledger
        .categories()
        .unwrap()
        .into_iter()
        .find(|c| c.name == "五必访")
        .unwrap();
    entry.category_id = Some(group.id);
    assert_eq!(
        ledger.add_entry(&entry, &clock).unwrap_err().to_string(),
        "类别：“五必访”是类别组，请选择其下的明细类别"
    );
    assert_eq!(ledger.entry_count().unwrap(), 0);
}

#[test]
fn ledger_pages_filter_and_page_deep() {
    let (mut ledger, chart, member) = ledger_with_member();
    let clock = clock();
    let entries: Vec<NewEntry> = (0..2_000)
        .map(|i| {
            let date = d(2026, 1, 1) + chrono::Duration::days(i / 12);
            if i % 4 == 0 {
                income(&chart, date, 100)
            } else {
                spend(&chart, member, date, 10)
            }
        })
        .collect();
    assert_eq!(
        ledger.append_entries_in_order(entries, &clock).unwrap(),
        2_000
    );
    let all = ledger.ledger_index(&LedgerFilter::default()).unwrap();
    assert_eq!(all.count, 2_000);
    let page = ledger
        .ledger_page(&all, LedgerOrder::OldestFirst, 1_990, 50)
        .unwrap();
    assert_eq!(page.len(), 10);
    assert_eq!(
        page.last().unwrap().balance_after_fen,
        (500 * 100 - 1_500 * 10) * 100
    );
    assert_eq!(page.last().unwrap().voucher_no, "2026-002000");
    let newest = ledger
        .ledger_page(&all, LedgerOrder::NewestFirst, 0, 3)
        .unwrap();
    assert_eq!(newest[0].voucher_no, "2026-002000");
    assert_eq!(newest[2].voucher_no, "2026-001998");
    let incomes = ledger
        .ledger_index(&LedgerFilter {
            kind: Some(EntryKind::Income),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(incomes.count, 500);
    let text = ledger
        .ledger_index(&LedgerFilter {
            text: "张三".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(text.count, 1_500);
    let voucher = ledger
        .ledger_index(&LedgerFilter {
            text: "2026-000777".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(voucher.count, 1);
    let february = ledger
        .ledger_index(&LedgerFilter {
            period: Some(Period::month(2026, 2)),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(february.count, 28 * 12);
    let recent = ledger.recent_entries(5).unwrap();
    assert_eq!(recent.len(), 5);
    assert_eq!(recent[0].voucher_no, "2026-002000");
}

#[test]
fn reimporting_a_roster_updates_by_employee_no() {
    let (mut ledger, _, _) = ledger_with_member();
    let clock = clock();
    let mut retired = MemberDraft::new("A1024", "张三丰");
    retired.status = MemberStatus::Retired;
    let summary = ledger
        .upsert_members(
            &[
                retired,
                MemberDraft::new("A2048", "李四"),
                MemberDraft::new("A1024", "张三丰"),
            ],
            &clock,
        )
        .unwrap();
    assert_eq!((summary.added, summary.updated), (1, 2));
    let members = ledger.members().unwrap();
    assert_eq!(members.len(), 2);
    let error = ledger
        .add_member(&MemberDraft::new("A2048", "李小四"), &clock)
        .unwrap_err();
    assert_eq!(error.to_string(), "工号：“A2048”已被会员 李四 使用");
}

fn file_bytes(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn foreign_corrupt_and_newer_files_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();

    let text = dir.path().join("notes.db");
    std::fs::write(&text, "这不是数据库".repeat(50)).unwrap();
    let before = file_bytes(&text);
    assert!(matches!(
        Ledger::open(&text, &clock),
        Err(StoreError::NotALedger { .. })
    ));
    assert_eq!(file_bytes(&text), before);

    let foreign = dir.path().join("other.sqlite");
    {
        let conn = rusqlite::Connection::open(&foreign).unwrap();
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    let before = file_bytes(&foreign);
    let error = Ledger::open(&foreign, &clock).unwrap_err();
    assert!(error.to_string().contains("不是工会台账文件"), "{error}");
    assert_eq!(file_bytes(&foreign), before);
    assert!(!dir.path().join("other.sqlite-wal").exists());

    let ledger_path = dir.path().join("ledger.db");
    drop(Ledger::open(&ledger_path, &clock).unwrap());
    {
        let conn = rusqlite::Connection::open(&ledger_path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let before = file_bytes(&ledger_path);
    let error = Ledger::open(&ledger_path, &clock).unwrap_err();
    assert!(
        matches!(error, StoreError::TooNew { found: 99, .. }),
        "{error}"
    );
    assert_eq!(file_bytes(&ledger_path), before);

    let truncated = dir.path().join("truncated.db");
    let good = dir.path().join("good.db");
    {
        let mut ledger = Ledger::open(&good, &clock).unwrap();
        for i in 0..300 {
            ledger
                .add_member(&MemberDraft::new(format!("{i:05}"), "测试会员"), &clock)
                .unwrap();
        }
        drop(ledger);
        let conn = rusqlite::Connection::open(&good).unwrap();
        conn.pragma_update(None, "wal_checkpoint", "TRUNCATE")
            .unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let bytes = file_bytes(&good);
    std::fs::write(&truncated, &bytes[..bytes.len() / 3]).unwrap();
    let before = file_bytes(&truncated);
    let error = Ledger::open(&truncated, &clock).unwrap_err();
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
    // Told by the header's page count against the file's length, in milliseconds.
    assert!(error.to_string().contains("文件不完整：应有"), "{error}");
    assert_eq!(file_bytes(&truncated), before);
}

#[test]
fn counting_by_day_and_by_scan_agree_after_backdated_entries_and_reversals() {
    let (mut ledger, chart, member) = ledger_with_member();
    let clock = clock();
    for day in [5, 1, 9, 1, 3] {
        ledger
            .add_entry(&spend(&chart, member, d(2026, 3, day), 10), &clock)
            .unwrap();
        ledger
            .add_entry(&income(&chart, d(2026, 2, day), 100), &clock)
            .unwrap();
    }
    let first = ledger.entry_by_voucher("2026-000001").unwrap();
    ledger
        .reverse_entry(first.id, "录错", d(2026, 4, 1), "李会计", &clock)
        .unwrap();
    // Every entry has handler 李会计, so the text filter matches all of them but takes the
    // scanning path; the fund filter alone takes the per-day counts.
    let by_day = ledger
        .ledger_index(&LedgerFilter {
            fund_id: Some(chart.welfare),
            ..Default::default()
        })
        .unwrap();
    let by_scan = ledger
        .ledger_index(&LedgerFilter {
            fund_id: Some(chart.welfare),
            text: "李会计".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!((by_day.count, by_scan.count), (11, 11));
    for offset in 0..11 {
        for order in [LedgerOrder::OldestFirst, LedgerOrder::NewestFirst] {
            let a = ledger.ledger_page(&by_day, order, offset, 3).unwrap();
            let b = ledger.ledger_page(&by_scan, order, offset, 3).unwrap();
            assert_eq!(a, b, "offset {offset} {order:?}");
        }
    }
    let spending = ledger
        .spending_by_category(Period::quarter(2026, 1))
        .unwrap();
    assert_eq!((spending[0].count, spending[0].amount_fen), (5, 5_000));
    let april = ledger.spending_by_category(Period::month(2026, 4)).unwrap();
    assert_eq!((april[0].count, april[0].amount_fen), (-1, -1_000));
}

#[test]
fn demo_data_never_mixes_with_a_real_register() {
    let (mut ledger, _, _) = ledger_with_member();
    let error = ledger.fill_demo(20, 1, 1, &clock()).unwrap_err();
    assert!(
        error.to_string().contains("演示数据只能写入全新的空台账"),
        "{error}"
    );
    assert_eq!(ledger.members().unwrap().len(), 1);
    assert_eq!(ledger.entry_count().unwrap(), 0);
    let mut empty = Ledger::open_in_memory(&clock()).unwrap();
    let summary = empty.fill_demo(20, 1, 1, &clock()).unwrap();
    assert_eq!(summary.members, 20);
    assert_eq!(empty.entry_count().unwrap(), summary.entries as i64);
}

#[test]
fn spring_festival_list_marks_who_was_visited_or_paid_since_its_start() {
    use union_ledger::core::model::{EntryExtras, HardshipFile, HardshipLevel};
    use union_ledger::core::visit::{NewVisit, reason_code};
    let today = d(2027, 1, 10);
    let clock = FixedClock::at_date(today);
    let mut ledger = Ledger::open_in_memory(&clock).unwrap();
    let add = |ledger: &mut Ledger, no: &str, name: &str, status, hardship: bool| {
        let mut draft = MemberDraft::new(no, name);
        draft.status = status;
        draft.hardship = hardship.then(|| HardshipFile {
            level: HardshipLevel::Ordinary,
            reason: "病".into(),
            reviewed_on: None,
        });
        ledger.add_member(&draft, &clock).unwrap()
    };
    let visited = add(&mut ledger, "1", "甲访", MemberStatus::Retired, false);
    let warmth = add(&mut ledger, "2", "乙帮", MemberStatus::InService, true);
    let early = add(&mut ledger, "3", "丙早", MemberStatus::Veteran, false);
    let reversed = add(&mut ledger, "4", "丁冲", MemberStatus::InService, true);
    let festive = add(&mut ledger, "7", "庚春", MemberStatus::Retired, false);
    add(&mut ledger, "5", "戊在职", MemberStatus::InService, false);
    add(&mut ledger, "6", "己调离", MemberStatus::Left, true);
    let categories = ledger.categories().unwrap();
    let category = |name: &str| categories.iter().find(|c| c.name == name).unwrap().id;
    let fund = ledger.funds().unwrap()[0].id;
    let payout = |member_id, category_id, date| NewEntry {
        kind: EntryKind::Disbursement,
        date,
        fund_id: fund,
        category_id: Some(category_id),
        source_id: None,
        member_id: Some(member_id),
        amount_fen: 50_000,
        payment_form: PaymentForm::Goods,
        handler: String::new(),
        note: String::new(),
    };
    let reason = ledger
        .visit_reasons()
        .unwrap()
        .into_iter()
        .find(|r| r.is(reason_code::MARRIAGE))
        .unwrap();
    let visit = NewVisit {
        member_id: visited,
        reason_id: reason.id,
        relation: String::new(),
        date: d(2026, 12, 20),
        place: String::new(),
        visitors: String::new(),
        detail: String::new(),
        note: String::new(),
        money: None,
        goods: None,
        fund_id: None,
        stays_open: false,
        handler: String::new(),
    };
    ledger
        .add_visit(&visit, &EntryExtras::default(), &clock)
        .unwrap();
    ledger
        .add_entry(&payout(warmth, category("送温暖"), d(2026, 12, 15)), &clock)
        .unwrap();
    ledger
        .add_entry(&payout(early, category("春节"), d(2026, 11, 30)), &clock)
        .unwrap();
    ledger
        .add_entry(&payout(festive, category("春节"), d(2026, 12, 30)), &clock)
        .unwrap();
    let wrong = ledger
        .add_entry(
            &payout(reversed, category("送温暖"), d(2026, 12, 16)),
            &clock,
        )
        .unwrap();
    ledger
        .reverse_entry(wrong.id, "发错人", today, "", &clock)
        .unwrap();

    let roster = ledger.spring_festival_roster(today).unwrap().unwrap();
    assert_eq!(roster.festival, d(2027, 2, 6));
    assert_eq!(roster.from, d(2026, 12, 8));
    let mut rows: Vec<(&str, bool)> = roster
        .rows
        .iter()
        .map(|row| (row.name.as_str(), row.visited))
        .collect();
    rows.sort();
    let mut expected = vec![
        ("丁冲", false),
        ("丙早", false),
        ("乙帮", true),
        ("庚春", true),
        ("甲访", true),
    ];
    expected.sort();
    assert_eq!(rows, expected);
}

#[test]
fn a_visit_saved_over_a_rule_shows_the_written_reason() {
    use union_ledger::core::model::{Approval, EntryExtras};
    use union_ledger::core::visit::{NewVisit, VisitMoney, reason_code};
    let (mut ledger, _, member_id) = ledger_with_member();
    ledger.apply_preset("example-strict").unwrap();
    let reason = ledger
        .visit_reasons()
        .unwrap()
        .into_iter()
        .find(|r| r.is(reason_code::ILLNESS))
        .unwrap();
    let visit = |yuan: i64, detail: &str| NewVisit {
        member_id,
        reason_id: reason.id,
        relation: String::new(),
        date: d(2026, 6, 1),
        place: String::new(),
        visitors: String::new(),
        detail: detail.into(),
        note: String::new(),
        money: Some(VisitMoney {
            amount_fen: yuan * 100,
            payment_form: PaymentForm::Cash,
        }),
        goods: None,
        fund_id: None,
        stays_open: false,
        handler: String::new(),
    };
    let plain = ledger
        .add_visit(&visit(500, "感冒"), &EntryExtras::default(), &clock())
        .unwrap();
    assert_eq!(plain.override_reason, "");
    let extras = EntryExtras {
        event: String::new(),
        approval: Some(Approval {
            decided_on: d(2026, 5, 28),
            minutes_no: "2026-05".into(),
            approver: "王主席".into(),
        }),
        override_reason: "手术".into(),
    };
    let over = ledger
        .add_visit(&visit(1500, "骨折"), &extras, &clock())
        .unwrap();
    assert_eq!(over.override_reason, "手术");
    assert_eq!(ledger.visit(plain.id).unwrap().override_reason, "");
}

#[test]
fn the_money_and_goods_of_one_visit_do_not_count_against_each_other() {
    use union_ledger::core::model::EntryExtras;
    use union_ledger::core::visit::{NewVisit, VisitGoods, VisitMoney, reason_code};
    let clock = clock();
    let (mut ledger, _, member) = ledger_with_member();
    ledger.apply_preset("example-strict").unwrap();
    let illness = ledger
        .visit_reasons()
        .unwrap()
        .into_iter()
        .find(|reason| reason.is(reason_code::ILLNESS))
        .unwrap();
    let visit = NewVisit {
        member_id: member,
        reason_id: illness.id,
        relation: String::new(),
        date: d(2026, 6, 20),
        place: "市一院".into(),
        visitors: "工会主席".into(),
        detail: "肺炎".into(),
        note: String::new(),
        money: Some(VisitMoney {
            amount_fen: 50_000,
            payment_form: PaymentForm::Cash,
        }),
        goods: Some(VisitGoods {
            description: "鲜花果篮".into(),
            value_fen: 20_000,
        }),
        fund_id: None,
        stays_open: true,
        handler: String::new(),
    };
    // Money and flowers for one illness at one visit: not "the same illness twice".
    let saved = ledger
        .add_visit(&visit, &EntryExtras::default(), &clock)
        .unwrap();
    assert_eq!(
        (saved.money_fen, saved.goods_fen, saved.vouchers.len()),
        (50_000, 20_000, 2)
    );
    // A later visit paying for the same illness again is.
    let again = NewVisit {
        date: d(2026, 6, 25),
        goods: None,
        stays_open: false,
        ..visit
    };
    match ledger.add_visit(&again, &EntryExtras::default(), &clock) {
        Err(StoreError::PolicyBreach { findings }) => {
            assert!(
                findings.iter().any(|f| f.rule_name == "同一疾病每年一次"),
                "{findings:?}"
            );
        }
        other => panic!("expected a breach, got {other:?}"),
    }
}
