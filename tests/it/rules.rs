//! The union's rules as the clerk meets them through the store: every rule kind refuses
//! with its numbers and can be overridden with a reason and an approval, the audit keeps
//! what was broken, visits write their money and goods with the visit, holiday batches
//! are all-or-nothing, and reminders follow the calendar.

use chrono::NaiveDate;
use union_ledger::core::batch::{BatchGroup, BatchSpec};
use union_ledger::core::date::{FixedClock, Period};
use union_ledger::core::model::{
    Approval, EntryExtras, EntryKind, Gender, HardshipFile, HardshipLevel, MemberDraft,
    MemberStatus, NewEntry, PaymentForm,
};
use union_ledger::core::policy::Severity;
use union_ledger::core::reminders::Reminder;
use union_ledger::core::visit::{NewVisit, VisitGoods, VisitMoney};
use union_ledger::store::{Ledger, StoreError, VisitFilter};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn clock() -> FixedClock {
    FixedClock::at_date(d(2026, 11, 22))
}

fn category(ledger: &Ledger, name: &str) -> i64 {
    ledger
        .categories()
        .unwrap()
        .iter()
        .find(|c| c.name == name && c.parent_id.is_some())
        .unwrap()
        .id
}

fn fund(ledger: &Ledger, name: &str) -> i64 {
    ledger
        .funds()
        .unwrap()
        .iter()
        .find(|f| f.name == name)
        .unwrap()
        .id
}

fn approval() -> Approval {
    Approval {
        decided_on: d(2026, 9, 1),
        minutes_no: "2026-07".into(),
        approver: "王主席".into(),
    }
}

fn member(ledger: &mut Ledger, no: &str, name: &str) -> i64 {
    let mut draft = MemberDraft::new(no, name);
    draft.department = "内科".into();
    draft.gender = Some(Gender::Male);
    ledger.add_member(&draft, &clock()).unwrap()
}

fn payout(ledger: &Ledger, category: &str, member_id: i64, date: NaiveDate, yuan: i64) -> NewEntry {
    let category_id = category_id_any(ledger, category);
    NewEntry {
        kind: EntryKind::Disbursement,
        date,
        fund_id: fund(ledger, "慰问金"),
        category_id: Some(category_id),
        source_id: None,
        member_id: Some(member_id),
        amount_fen: yuan * 100,
        payment_form: PaymentForm::Goods,
        handler: "李会计".into(),
        note: String::new(),
    }
}

fn category_id_any(ledger: &Ledger, name: &str) -> i64 {
    category(ledger, name)
}

fn breach_messages(error: StoreError) -> Vec<String> {
    match error {
        StoreError::PolicyBreach { findings } => findings.into_iter().map(|f| f.message).collect(),
        other => panic!("expected a rule breach, got {other}"),
    }
}

fn strict_ledger() -> Ledger {
    let mut ledger = Ledger::open_in_memory(&clock()).unwrap();
    let summary = ledger.apply_preset("example-strict").unwrap();
    assert!(summary.name.contains("示例"));
    assert!(summary.missing_categories.is_empty(), "{summary:?}");
    ledger
}

#[test]
fn a_yearly_cap_refuses_with_the_numbers_and_an_override_keeps_the_reason() {
    let mut ledger = strict_ledger();
    let zhang = member(&mut ledger, "001", "张三");
    ledger
        .add_entry(
            &payout(&ledger, "春节", zhang, d(2026, 2, 1), 500),
            &clock(),
        )
        .unwrap();
    ledger
        .add_entry(
            &payout(&ledger, "端午", zhang, d(2026, 6, 1), 400),
            &clock(),
        )
        .unwrap();
    ledger
        .add_entry(
            &payout(&ledger, "中秋", zhang, d(2026, 9, 20), 400),
            &clock(),
        )
        .unwrap();
    let national = payout(&ledger, "国庆", zhang, d(2026, 10, 1), 300);
    let findings = ledger.check_entry(&national, "").unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(
        findings[0].message,
        "张三本年节日慰问已发 1,300.00 元，上限 1,500.00 元，本次 300.00 元将超出 100.00 元"
    );
    let before = ledger.entry_count().unwrap();
    let error = ledger.add_entry(&national, &clock()).unwrap_err();
    assert!(
        error.to_string().contains("如确需发放，请填写超标准说明"),
        "{error}"
    );
    assert_eq!(ledger.entry_count().unwrap(), before);

    // A reason without an approval is not enough.
    let reason_only = EntryExtras {
        override_reason: "工会委员会特批".into(),
        ..EntryExtras::default()
    };
    let error = ledger
        .add_entry_with(&national, &reason_only, &clock())
        .unwrap_err();
    assert!(error.to_string().starts_with("审批："), "{error}");

    // A decision taken after the payout did not authorise it.
    let late = EntryExtras {
        override_reason: "工会委员会特批".into(),
        approval: Some(Approval {
            decided_on: d(2026, 10, 8),
            ..approval()
        }),
        ..EntryExtras::default()
    };
    assert_eq!(
        ledger
            .add_entry_with(&national, &late, &clock())
            .unwrap_err()
            .to_string(),
        "决议日期：2026-10-08 晚于发放日期 2026-10-01"
    );
    let extras = EntryExtras {
        override_reason: "工会委员会特批".into(),
        approval: Some(approval()),
        ..EntryExtras::default()
    };
    let saved = ledger.add_entry_with(&national, &extras, &clock()).unwrap();
    assert_eq!(saved.override_reason, "工会委员会特批");
    assert_eq!(
        ledger.approval(saved.approval_id.unwrap()).unwrap(),
        approval()
    );
    let recorded = ledger.entry_breaches(saved.id).unwrap();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].rule_name, "节日慰问年度上限");
    assert!(recorded[0].message.contains("将超出 100.00 元"));

    // Changing the rules never changes what was saved.
    for rule in ledger.rules().unwrap() {
        ledger.delete_rule(rule.id).unwrap();
    }
    assert_eq!(ledger.entry_breaches(saved.id).unwrap(), recorded);
    assert_eq!(
        ledger.entry(saved.id).unwrap().override_reason,
        "工会委员会特批"
    );
}

#[test]
fn every_rule_kind_refuses_through_the_store() {
    let mut ledger = strict_ledger();
    let zhang = member(&mut ledger, "001", "张三");
    let mut draft = ledger.member(zhang).unwrap().draft;
    draft.dues_paid = false;
    ledger.update_member(zhang, &draft, &clock()).unwrap();

    // Per-event cap (住院 1,000 元).
    let mut hospital = payout(&ledger, "生病住院", zhang, d(2026, 3, 1), 1200);
    hospital.payment_form = PaymentForm::Cash;
    assert_eq!(
        breach_messages(ledger.add_entry(&hospital, &clock()).unwrap_err()),
        vec!["本次 1,200.00 元超过每次上限 1,000.00 元，超出 200.00 元"]
    );
    // Form of payment: holiday goods never in cash.
    let mut cash = payout(&ledger, "中秋", zhang, d(2026, 9, 20), 200);
    cash.payment_form = PaymentForm::Cash;
    let messages = breach_messages(ledger.add_entry(&cash, &clock()).unwrap_err());
    assert!(messages.contains(&"发放方式为“现金”，该类别只允许实物、提货券".to_string()));
    // Dues unpaid (节日慰问须缴清会费).
    assert!(
        messages.contains(&"张三的会费未缴清".to_string()),
        "{messages:?}"
    );
    // Women only.
    let women = payout(&ledger, "三八妇女节", zhang, d(2026, 3, 8), 100);
    let messages = breach_messages(ledger.add_entry(&women, &clock()).unwrap_err());
    assert!(
        messages.contains(&"仅限女职工，张三登记为男".to_string()),
        "{messages:?}"
    );
    // Hardship aid without a hardship file.
    let mut aid = payout(&ledger, "送温暖", zhang, d(2026, 1, 20), 500);
    aid.fund_id = fund(&ledger, "帮扶资金");
    assert_eq!(
        breach_messages(ledger.add_entry(&aid, &clock()).unwrap_err()),
        vec!["张三没有困难职工档案"]
    );
    // Retirees' holiday goods come from the employer.
    let li = member(&mut ledger, "002", "李四");
    let mut retired = ledger.member(li).unwrap().draft;
    retired.status = MemberStatus::Retired;
    ledger.update_member(li, &retired, &clock()).unwrap();
    assert_eq!(
        breach_messages(
            ledger
                .add_entry(&payout(&ledger, "国庆", li, d(2026, 10, 1), 200), &clock())
                .unwrap_err()
        ),
        vec!["李四为退休人员，退休、离休人员不由工会经费发放"]
    );
    // Non-members get no member welfare.
    let wang = member(&mut ledger, "003", "王五");
    let mut outsider = ledger.member(wang).unwrap().draft;
    outsider.is_union_member = false;
    ledger.update_member(wang, &outsider, &clock()).unwrap();
    let mut wedding = payout(&ledger, "结婚", wang, d(2026, 5, 1), 500);
    wedding.payment_form = PaymentForm::Cash;
    assert_eq!(
        breach_messages(ledger.add_entry(&wedding, &clock()).unwrap_err()),
        vec!["王五不是工会会员，不享受会员福利"]
    );
}

#[test]
fn hospital_visits_twice_a_year_and_the_same_illness_once() {
    let mut ledger = strict_ledger();
    let zhang = member(&mut ledger, "001", "张三");
    let hospital = category(&ledger, "生病住院");
    let reason = ledger
        .visit_reasons()
        .unwrap()
        .into_iter()
        .find(|r| r.name == "生病住院")
        .unwrap();
    assert_eq!(reason.category_id, Some(hospital));
    let visit = |date, detail: &str| NewVisit {
        member_id: zhang,
        reason_id: reason.id,
        relation: String::new(),
        date,
        place: "市一院 心内科 12 床".into(),
        visitors: "王主席、刘科长".into(),
        detail: detail.into(),
        note: String::new(),
        money: Some(VisitMoney {
            amount_fen: 50_000,
            payment_form: PaymentForm::Cash,
        }),
        goods: Some(VisitGoods {
            description: "鲜花、水果".into(),
            value_fen: 10_000,
        }),
        fund_id: None,
        stays_open: true,
        handler: "李会计".into(),
    };
    let first = ledger
        .add_visit(
            &visit(d(2026, 3, 1), "肺炎"),
            &EntryExtras::default(),
            &clock(),
        )
        .unwrap();
    assert!(first.is_open);
    assert_eq!(first.money_fen, 50_000);
    assert_eq!(first.goods_fen, 10_000);
    assert_eq!(first.vouchers.len(), 2);
    assert_eq!(first.status_text(), "住院中");

    // The same illness again within the year: refused, nothing written.
    let entries = ledger.entry_count().unwrap();
    let error = ledger
        .add_visit(
            &visit(d(2026, 6, 1), "肺炎"),
            &EntryExtras::default(),
            &clock(),
        )
        .unwrap_err();
    let messages = breach_messages(error);
    assert!(
        messages[0].starts_with("张三本年已因“肺炎”领过（凭证 2026-000001"),
        "{messages:?}"
    );
    assert_eq!(ledger.entry_count().unwrap(), entries);
    assert_eq!(ledger.visits(&VisitFilter::default()).unwrap().len(), 1);

    // A visit without money is always fine and counts as a person visited.
    let mut plain = visit(d(2026, 6, 2), "骨折");
    plain.money = None;
    plain.goods = None;
    plain.stays_open = false;
    ledger
        .add_visit(&plain, &EntryExtras::default(), &clock())
        .unwrap();

    // A visit's money and goods are one payout: a second paid visit is allowed ...
    let second = ledger
        .add_visit(
            &visit(d(2026, 6, 15), "骨折"),
            &EntryExtras::default(),
            &clock(),
        )
        .unwrap();
    // ... and a third in the year is not.
    let error = ledger
        .add_visit(
            &visit(d(2026, 8, 1), "阑尾炎"),
            &EntryExtras::default(),
            &clock(),
        )
        .unwrap_err();
    let messages = breach_messages(error);
    assert_eq!(
        messages,
        vec![format!(
            "张三本年生病住院已领 2 次：2026-000001（2026-03-01）、{}（2026-06-15）；每年最多 2 次",
            second.vouchers[0]
        )]
    );

    let closed = ledger
        .close_visit(first.id, d(2026, 3, 10), &clock())
        .unwrap();
    assert_eq!(closed.status_text(), "已结束 2026-03-10");
    let again = ledger
        .close_visit(first.id, d(2026, 3, 11), &clock())
        .unwrap_err();
    assert_eq!(again.to_string(), "走访：张三的这次走访已经结束");

    let totals = ledger.visit_totals(Period::year(2026)).unwrap();
    let illness = totals.iter().find(|t| t.reason_name == "生病住院").unwrap();
    assert_eq!(
        (illness.visits, illness.money_fen, illness.goods_fen),
        (3, 100_000, 20_000)
    );
}

#[test]
fn a_relatives_death_needs_the_relation_and_the_duplicate_guard_warns() {
    let mut ledger = Ledger::open_in_memory(&clock()).unwrap();
    let zhang = member(&mut ledger, "001", "张三");
    let reason = ledger
        .visit_reasons()
        .unwrap()
        .into_iter()
        .find(|r| r.name == "直系亲属去世")
        .unwrap();
    let mut visit = NewVisit {
        member_id: zhang,
        reason_id: reason.id,
        relation: String::new(),
        date: d(2026, 4, 1),
        place: "家中".into(),
        visitors: "王主席".into(),
        detail: String::new(),
        note: String::new(),
        money: Some(VisitMoney {
            amount_fen: 100_000,
            payment_form: PaymentForm::Cash,
        }),
        goods: Some(VisitGoods {
            description: "花圈".into(),
            value_fen: 30_000,
        }),
        fund_id: None,
        stays_open: false,
        handler: String::new(),
    };
    let error = ledger
        .add_visit(&visit, &EntryExtras::default(), &clock())
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "亲属关系：“直系亲属去世”须注明是哪位亲属，如 配偶、父亲、母亲、子女"
    );
    visit.relation = "父亲".into();
    let saved = ledger
        .add_visit(&visit, &EntryExtras::default(), &clock())
        .unwrap();
    assert_eq!(saved.reason_text(), "直系亲属去世（父亲）");

    let mut again = payout(&ledger, "直系亲属去世", zhang, d(2026, 4, 20), 200);
    again.payment_form = PaymentForm::Cash;
    let findings = ledger.check_entry(&again, "").unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, Severity::Warning);
    assert!(
        findings[0].message.contains("相隔 19 天"),
        "{}",
        findings[0].message
    );
    // A warning does not block.
    ledger.add_entry(&again, &clock()).unwrap();
}

fn batch_spec(ledger: &Ledger, category: &str, date: NaiveDate, yuan: i64) -> BatchSpec {
    BatchSpec {
        category_id: category_id_any(ledger, category),
        fund_id: fund(ledger, "慰问金"),
        date,
        item: "月饼一盒".into(),
        amount_fen: yuan * 100,
        payment_form: PaymentForm::Goods,
        approval: approval(),
        group: BatchGroup::in_service(),
        handler: "李会计".into(),
        note: String::new(),
    }
}

fn members(ledger: &mut Ledger, count: usize) -> Vec<i64> {
    let drafts: Vec<MemberDraft> = (0..count)
        .map(|i| {
            let mut draft = MemberDraft::new(format!("E{i:05}"), format!("职工{i}"));
            draft.department = ["内科", "外科", "后勤"][i % 3].into();
            draft.gender = Some(if i % 2 == 0 {
                Gender::Female
            } else {
                Gender::Male
            });
            draft
        })
        .collect();
    ledger.upsert_members(&drafts, &clock()).unwrap();
    ledger.members().unwrap().iter().map(|m| m.id).collect()
}

#[test]
fn a_holiday_batch_excludes_the_over_cap_member_and_reverses_whole() {
    let mut ledger = strict_ledger();
    let ids = members(&mut ledger, 30);
    // One member already near the yearly cap; one not a union member; one retired.
    ledger
        .add_entry(
            &payout(&ledger, "春节", ids[0], d(2026, 2, 1), 1400),
            &clock(),
        )
        .unwrap();
    let mut outsider = ledger.member(ids[1]).unwrap().draft;
    outsider.is_union_member = false;
    ledger.update_member(ids[1], &outsider, &clock()).unwrap();
    let mut retired = ledger.member(ids[2]).unwrap().draft;
    retired.status = MemberStatus::Retired;
    ledger.update_member(ids[2], &retired, &clock()).unwrap();
    let fund_id = fund(&ledger, "慰问金");
    let balance_before = ledger.fund_balances(2026).unwrap();

    let spec = batch_spec(&ledger, "中秋", d(2026, 9, 20), 300);
    let preview = ledger.preview_batch(&spec, &clock()).unwrap();
    assert_eq!(preview.rows.len(), 29, "the retiree is not in the group");
    assert_eq!(preview.recipient_count(), 27);
    let over = preview.rows.iter().find(|r| r.member_id == ids[0]).unwrap();
    assert!(!over.included);
    assert_eq!(
        over.reasons_text(),
        "职工0本年节日慰问已发 1,400.00 元，上限 1,500.00 元，本次 300.00 元将超出 200.00 元"
    );
    let outsider_row = preview.rows.iter().find(|r| r.member_id == ids[1]).unwrap();
    assert!(outsider_row.reasons_text().contains("不是工会会员"));

    let batch = ledger.commit_batch(&spec, &clock()).unwrap();
    assert_eq!(batch.recipient_count, 27);
    assert_eq!(batch.total_fen, 27 * 30_000);
    assert_eq!(batch.first_voucher, "2026-000002");
    assert_eq!(batch.last_voucher, "2026-000028");
    assert_eq!(batch.group_text, "在职");
    assert_eq!(batch.approval, approval());
    let recipients = ledger.batch_recipients(batch.id).unwrap();
    assert_eq!(recipients.len(), 27);
    // Departments in pinyin order, as the sign-off sheet prints them: 后勤 (hou)
    // before 内科 (nei), whatever their character codes; vouchers follow that order.
    assert_eq!(recipients[0].department, "后勤");
    assert!(recipients.iter().any(|r| r.department == "内科"));
    assert!(
        recipients
            .windows(2)
            .all(|w| w[0].voucher_no < w[1].voucher_no),
        "vouchers run in the printed order"
    );
    let spent = |ledger: &Ledger| {
        ledger
            .fund_balances(2026)
            .unwrap()
            .iter()
            .find(|b| b.fund_id == fund_id)
            .unwrap()
            .closing_fen
    };
    let before = balance_before
        .iter()
        .find(|b| b.fund_id == fund_id)
        .unwrap()
        .closing_fen;
    assert_eq!(spent(&ledger), before - 27 * 30_000);

    // An earlier entry dated after the batch keeps a right running balance.
    let reversed = ledger
        .reverse_batch(
            batch.id,
            "月饼质量问题，全部退回",
            d(2026, 9, 25),
            "李会计",
            &clock(),
        )
        .unwrap();
    assert_eq!(reversed.reversed_on, Some(d(2026, 9, 25)));
    assert_eq!(reversed.recipient_count, 0);
    assert_eq!(reversed.total_fen, 0);
    assert_eq!(spent(&ledger), before);
    assert!(
        ledger
            .batch_recipients(batch.id)
            .unwrap()
            .iter()
            .all(|r| r.is_reversed)
    );
    let error = ledger
        .reverse_batch(batch.id, "再次", d(2026, 9, 26), "", &clock())
        .unwrap_err();
    assert!(
        error.to_string().contains("已于 2026-09-25 整批冲销"),
        "{error}"
    );

    // After the reversal the same members can receive again.
    let again = ledger.commit_batch(&spec, &clock()).unwrap();
    assert_eq!(again.recipient_count, 27);
}

#[test]
fn a_batch_needs_an_approval_and_someone_to_reach() {
    let mut ledger = strict_ledger();
    members(&mut ledger, 3);
    let mut spec = batch_spec(&ledger, "中秋", d(2026, 9, 20), 300);
    spec.approval.minutes_no = " ".into();
    let error = ledger.commit_batch(&spec, &clock()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "审批：批量发放必须填写工会委员会决议的纪要编号"
    );
    let mut spec = batch_spec(&ledger, "中秋", d(2026, 9, 20), 300);
    spec.group.statuses = vec![MemberStatus::Veteran];
    let error = ledger.commit_batch(&spec, &clock()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "发放对象：所选人员中没有可以发放的会员（共 0 人，全部被排除）"
    );
    let mut spec = batch_spec(&ledger, "中秋", d(2026, 9, 20), 300);
    spec.payment_form = PaymentForm::Cash;
    let error = ledger.commit_batch(&spec, &clock()).unwrap_err();
    assert!(error.to_string().contains("全部被排除"), "{error}");
    assert_eq!(ledger.entry_count().unwrap(), 0);
}

#[test]
fn a_failure_at_the_last_recipient_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let mut ledger = Ledger::open(&path, &clock()).unwrap();
    let ids = members(&mut ledger, 10_000);
    let last = *ids.iter().max().unwrap();
    drop(ledger);
    // Something goes wrong writing the 10,000th entry (a full disk, a killed
    // process): here a trigger that fails on that member.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(&format!(
        "CREATE TRIGGER fail_last BEFORE INSERT ON entries WHEN NEW.member_id = {last}
         BEGIN SELECT RAISE(ABORT, 'disk full'); END;"
    ))
    .unwrap();
    drop(conn);
    let mut ledger = Ledger::open(&path, &clock()).unwrap();
    let spec = batch_spec(&ledger, "中秋", d(2026, 9, 20), 300);
    let preview = ledger.preview_batch(&spec, &clock()).unwrap();
    assert_eq!(preview.recipient_count(), 10_000);
    let error = ledger.commit_batch(&spec, &clock()).unwrap_err();
    assert!(error.to_string().contains("disk full"), "{error}");
    assert_eq!(ledger.entry_count().unwrap(), 0);
    assert!(ledger.batches().unwrap().is_empty());
    assert!(ledger.approvals().unwrap().is_empty());
}

#[test]
fn reminders_follow_the_calendar() {
    let today = d(2027, 1, 10);
    let clock = FixedClock::at_date(today);
    let mut ledger = Ledger::open_in_memory(&clock).unwrap();
    assert_eq!(ledger.reminders(today).unwrap()[0], Reminder::NoRules);
    ledger.apply_preset("example-strict").unwrap();

    let mut retiring = MemberDraft::new("001", "赵退休");
    retiring.department = "药剂科".into();
    retiring.retirement_date = Some(d(2027, 2, 28));
    let retiring = ledger.add_member(&retiring, &clock).unwrap();
    let mut poor = MemberDraft::new("002", "李困难");
    poor.hardship = Some(HardshipFile {
        level: HardshipLevel::Special,
        reason: "重病".into(),
        reviewed_on: None,
    });
    let poor = ledger.add_member(&poor, &clock).unwrap();
    let sick = ledger
        .add_member(&MemberDraft::new("003", "孙住院"), &clock)
        .unwrap();
    let reasons = ledger.visit_reasons().unwrap();
    let reason = |name: &str| reasons.iter().find(|r| r.name == name).unwrap().id;
    let hospital = ledger
        .add_visit(
            &NewVisit {
                member_id: sick,
                reason_id: reason("生病住院"),
                relation: String::new(),
                date: d(2027, 1, 5),
                place: "市一院".into(),
                visitors: String::new(),
                detail: "肺炎".into(),
                note: String::new(),
                money: None,
                goods: None,
                fund_id: None,
                stays_open: true,
                handler: String::new(),
            },
            &EntryExtras::default(),
            &clock,
        )
        .unwrap();
    let texts: Vec<String> = ledger
        .reminders(today)
        .unwrap()
        .iter()
        .map(|r| r.text(today))
        .collect();
    assert_eq!(
        texts,
        vec![
            "孙住院住院中（市一院），2027-01-05 探望，已 5 天：出院后请结束走访",
            "赵退休（药剂科）将于 2027-02-28 退休，尚无退休慰问",
            "困难职工李困难尚未走访，春节是 2027-02-06",
            "春节（2027-02-06，还有 27 天）尚无节日慰问批次",
        ]
    );

    // Doing each thing clears its reminder.
    ledger
        .close_visit(hospital.id, d(2027, 1, 9), &clock)
        .unwrap();
    for (member_id, name) in [(retiring, "退休"), (poor, "困难")] {
        let mut visit = NewVisit {
            member_id,
            reason_id: reason(name),
            relation: String::new(),
            date: today,
            place: String::new(),
            visitors: "王主席".into(),
            detail: String::new(),
            note: String::new(),
            money: None,
            goods: None,
            fund_id: None,
            stays_open: false,
            handler: String::new(),
        };
        if name == "退休" {
            visit.goods = Some(VisitGoods {
                description: "纪念相册".into(),
                value_fen: 30_000,
            });
        }
        ledger
            .add_visit(&visit, &EntryExtras::default(), &clock)
            .unwrap();
    }
    let mut spec = batch_spec(&ledger, "春节", today, 300);
    spec.approval.decided_on = d(2027, 1, 5);
    ledger.commit_batch(&spec, &clock).unwrap();
    assert!(ledger.reminders(today).unwrap().is_empty());
}

#[test]
fn a_rule_set_edited_after_its_preset_says_so_once() {
    let mut ledger = strict_ledger();
    let name = ledger.rule_set_name().unwrap().unwrap();
    assert!(!name.ends_with("（已修改）"), "{name}");
    let mut rule = ledger.rules().unwrap().remove(0);
    rule.is_active = false;
    ledger.update_rule(&rule).unwrap();
    assert_eq!(
        ledger.rule_set_name().unwrap().unwrap(),
        format!("{name}（已修改）")
    );
    // Edited twice, marked once; a preset applied again is the preset as shipped.
    ledger.delete_rule(rule.id).unwrap();
    assert_eq!(
        ledger.rule_set_name().unwrap().unwrap(),
        format!("{name}（已修改）")
    );
    ledger.apply_preset("example-strict").unwrap();
    assert_eq!(ledger.rule_set_name().unwrap().unwrap(), name);
}
