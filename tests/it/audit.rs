//! Books that cannot be quietly changed: the change log's chain catches a row edited,
//! removed or inserted with another tool; a closed quarter refuses changes from every
//! path; closing a year carries the balances forward; a read-only ledger stays
//! byte-for-byte the same.

use crate::common;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use union_ledger::core::batch::{BatchGroup, BatchSpec};
use union_ledger::core::date::{Clock, FixedClock, Period};
use union_ledger::core::insurance::NewClaim;
use union_ledger::core::model::{Approval, EntryKind, MemberDraft, NewEntry, PaymentForm};
use union_ledger::core::visit::{NewVisit, VisitMoney};
use union_ledger::store::{Ledger, LogFilter, StoreError};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn clock() -> FixedClock {
    FixedClock::at_date(d(2026, 11, 22))
}

/// A demo ledger in a temporary file: two years of a 60-member union.
fn demo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let mut ledger = Ledger::open(&path, &clock()).unwrap();
    ledger.set_setting("handler", "李会计").unwrap();
    ledger.fill_demo(60, 2, 5, &clock()).unwrap();
    (dir, path)
}

/// Changes the file the way someone with the sqlite3 tool would.
fn tamper(path: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    // The sqlite3 tool does not enforce foreign keys unless asked to.
    conn.pragma_update(None, "foreign_keys", false).unwrap();
    conn.execute_batch(sql).unwrap();
}

fn broken(path: &Path) -> String {
    let ledger = Ledger::open_existing(path, &clock()).unwrap();
    let report = ledger.verify().unwrap();
    let summary = report.summary();
    report
        .broken
        .unwrap_or_else(|| panic!("not caught: {summary}"))
}

#[test]
fn every_write_is_logged_and_the_chain_verifies() {
    let (_dir, path) = demo();
    let mut ledger = Ledger::open_existing(&path, &clock()).unwrap();
    let report = ledger.verify().unwrap();
    assert!(report.is_intact(), "{}", report.summary());
    assert_eq!(report.entries, ledger.entry_count().unwrap());
    // A member edited: the log names the clerk and keeps only what changed.
    let member = ledger.members().unwrap()[0].clone();
    let mut draft = member.draft.clone();
    draft.phone = "13900000000".into();
    ledger.set_clerk("王干事");
    ledger.update_member(member.id, &draft, &clock()).unwrap();
    let last = &ledger.change_log(&LogFilter::default()).unwrap()[0];
    assert_eq!(last.clerk, "王干事");
    assert_eq!(last.action, "会员：修改 1");
    let detail: serde_json::Value = serde_json::from_str(&last.detail).unwrap();
    assert_eq!(detail[0]["after"]["phone"], "13900000000");
    assert_eq!(detail[0]["before"]["phone"], member.phone.as_str());
    assert!(detail[0]["after"].get("name").is_none(), "{detail}");
    assert!(ledger.verify().unwrap().is_intact());
}

#[test]
fn an_entry_edited_with_another_tool_is_named_by_verify() {
    let (_dir, path) = demo();
    tamper(
        &path,
        "DROP TRIGGER entries_no_update;
         UPDATE entries SET amount_fen = amount_fen + 100 WHERE id = 40;",
    );
    let problem = broken(&path);
    assert!(
        problem.contains("（编号 40）的内容在程序之外被改动"),
        "{problem}"
    );
}

#[test]
fn a_log_row_changed_removed_or_inserted_breaks_the_chain() {
    let (_dir, path) = demo();
    let copy = |name: &str| {
        let target = path.with_file_name(name);
        std::fs::copy(&path, &target).unwrap();
        target
    };
    let changed = copy("changed.db");
    tamper(
        &changed,
        "DROP TRIGGER change_log_no_update; UPDATE change_log SET clerk = '别人' WHERE id = 3;",
    );
    assert_eq!(broken(&changed), "第 3 条日志的内容被改动");

    let removed = copy("removed.db");
    tamper(
        &removed,
        "DROP TRIGGER change_log_no_delete; DELETE FROM change_log WHERE id = 4;",
    );
    assert_eq!(broken(&removed), "第 3 条日志之后缺少第 4 条（日志被删除）");

    let inserted = copy("inserted.db");
    tamper(
        &inserted,
        "INSERT INTO entries SELECT 100000, kind, date, year, fund_id, category_id, source_id,
             member_id, amount_fen, delta_fen, payment_form, voucher_year, 999999, handler, note,
             created_at, NULL, reversal_reason, fund_cumulative_fen, approval_id, batch_id,
             visit_id, event, override_reason FROM entries WHERE id = 7;",
    );
    assert!(broken(&inserted).contains("没有日志记录（凭证在程序之外被插入）"));
}

#[test]
fn entries_deep_inside_one_large_log_row_are_checked_one_by_one() {
    let (_dir, path) = demo();
    // The log row that wrote the most entries at once (a holiday batch).
    let (row, first, last): (i64, i64, i64) = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT id, first_entry_id, last_entry_id FROM change_log
             WHERE first_entry_id IS NOT NULL
             ORDER BY last_entry_id - first_entry_id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert!(
        last - first >= 50,
        "the demo's largest write is {first}..={last}"
    );
    let middle = (first + last) / 2;
    let copy = |name: &str| {
        let target = path.with_file_name(name);
        std::fs::copy(&path, &target).unwrap();
        target
    };

    let changed = copy("changed.db");
    tamper(
        &changed,
        &format!(
            "DROP TRIGGER entries_no_update; UPDATE entries SET note = '改' WHERE id = {last};"
        ),
    );
    let problem = broken(&changed);
    assert!(
        problem.contains(&format!(
            "（编号 {last}）的内容在程序之外被改动（日志第 {row} 条）"
        )),
        "{problem}"
    );

    let deleted = copy("deleted.db");
    tamper(
        &deleted,
        &format!("DROP TRIGGER entries_no_delete; DELETE FROM entries WHERE id = {middle};"),
    );
    assert_eq!(
        broken(&deleted),
        format!("凭证编号 {middle} 已被删除（日志第 {row} 条记有它）")
    );

    let both = copy("both.db");
    tamper(
        &both,
        &format!(
            "DROP TRIGGER entries_no_delete; DELETE FROM entries WHERE id = {middle};
             DELETE FROM entry_hashes WHERE entry_id = {middle};"
        ),
    );
    assert_eq!(
        broken(&both),
        format!("第 {row} 条日志所记凭证的哈希被改动")
    );
}

/// Makes an index disagree with its table, the kind of damage only the full
/// `integrity_check` finds (the quick check on open reads page structure only).
fn damage_an_index(path: &Path) {
    tamper(
        path,
        "PRAGMA writable_schema = ON;
         UPDATE sqlite_master SET sql = 'CREATE INDEX members_department ON members (name)'
         WHERE name = 'members_department';",
    );
}

#[test]
fn a_damaged_index_is_found_by_verify_and_a_damaged_backup_is_not_restored() {
    let (dir, path) = demo();
    let good = dir.path().join("good-copy.db");
    Ledger::open_existing(&path, &clock())
        .unwrap()
        .backup_to(&good)
        .unwrap();
    damage_an_index(&path);
    let ledger = Ledger::open_existing(&path, &clock()).unwrap();
    let report = ledger.verify().unwrap();
    assert!(!report.is_intact());
    let damage = report.damaged.clone().expect("the damage is named");
    assert!(
        damage.contains("missing from index members_department"),
        "{damage}"
    );
    assert!(
        report
            .summary()
            .starts_with("数据库文件已损坏（完整性检查："),
        "{}",
        report.summary()
    );
    drop(ledger);
    // The damaged file is refused as a backup to restore, and the good copy is taken.
    let target = dir.path().join("restored.db");
    std::fs::copy(&good, &target).unwrap();
    let error = union_ledger::store::restore(&path, &target, &clock()).unwrap_err();
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
    assert!(
        Ledger::open_existing(&target, &clock())
            .unwrap()
            .verify()
            .unwrap()
            .is_intact()
    );
}

#[test]
fn a_page_overwritten_is_not_read_at_opening_but_verify_and_backup_find_it() {
    let (dir, path) = demo();
    let good = {
        let ledger = Ledger::open_existing(&path, &clock()).unwrap();
        ledger
            .automatic_backup("手动", clock().now())
            .unwrap()
            .unwrap()
    };
    common::overwrite_index_page(&path, "enrolments_entry");
    // Opening reads the header and the root pages of the main tables only.
    let ledger = Ledger::open_existing(&path, &clock()).unwrap();
    let report = ledger.verify().unwrap();
    let damage = report.damaged.clone().expect("the damage is named");
    // SQLite's own words: a page it cannot read, or one that disagrees.
    assert!(
        damage.contains("malformed") || damage.contains("age"),
        "{damage}"
    );
    assert!(!report.is_intact());
    drop(ledger);
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_union-ledger"))
            .arg("--db")
            .arg(&path)
            .args(args)
            .output()
            .unwrap()
    };
    // `verify` says the file is damaged and which backup to restore.
    let output = run(&["verify"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("数据库文件已损坏（完整性检查："),
        "{stderr}"
    );
    let good_name = good.file_name().unwrap().to_string_lossy().into_owned();
    assert!(stderr.contains(&good_name), "{stderr}");
    // `backup` refuses to copy a damaged file, so the good backup stays the newest.
    let output = run(&["backup"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("完整性检查未通过"), "{stderr}");
    assert!(stderr.contains(&good_name), "{stderr}");
    assert_eq!(
        union_ledger::store::automatic_backups(&path),
        vec![good.clone()]
    );
    // The good backup restores.
    union_ledger::store::restore(&good, &path, &clock()).unwrap();
    assert!(
        Ledger::open_existing(&path, &clock())
            .unwrap()
            .verify()
            .unwrap()
            .is_intact()
    );
    drop(dir);
}

#[test]
fn after_a_session_that_did_not_close_the_next_command_checks_the_whole_file() {
    let run = |path: &Path, args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_union-ledger"))
            .arg("--db")
            .arg(path)
            .args(args)
            .output()
            .unwrap()
    };
    // A session mark nobody holds a lock on: a process that had the ledger open
    // ended without closing it (tests/writers.rs kills a real one).
    let leave_lock = |path: &Path| {
        let sessions = union_ledger::store::sessions_dir(path);
        std::fs::create_dir_all(&sessions).unwrap();
        std::fs::write(
            sessions.join("4194000-0.open"),
            "4194000\n2026-11-22 09:00\n",
        )
        .unwrap();
    };
    let (_dir, path) = demo();
    leave_lock(&path);
    let output = run(&path, &["balance"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let ledger = Ledger::open_existing(&path, &clock()).unwrap();
    assert!(
        ledger.last_full_check().unwrap().is_some(),
        "the full check ran and was recorded"
    );
    drop(ledger);

    let (_dir, damaged) = demo();
    common::overwrite_index_page(&damaged, "enrolments_entry");
    // After a clean close the command does not read the whole file...
    assert_eq!(run(&damaged, &["balance"]).status.code(), Some(0));
    // ...after a crash it does, and refuses the damaged file.
    leave_lock(&damaged);
    let output = run(&damaged, &["balance"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("完整性检查未通过"), "{stderr}");
    assert!(stderr.contains("backups 文件夹中没有自动备份"), "{stderr}");
}

#[test]
fn the_last_full_check_is_kept_and_an_unchanged_ledger_is_backed_up_once() {
    let (_dir, path) = demo();
    let mut ledger = Ledger::open_existing(&path, &clock()).unwrap();
    assert_eq!(ledger.last_full_check().unwrap(), None);
    let report = ledger.verify().unwrap();
    ledger.record_full_check(&report.head).unwrap();
    let check = ledger.last_full_check().unwrap().unwrap();
    assert_eq!(check.at, clock().now());
    assert_eq!(check.head, report.head);
    // Recording the check is not a change to the books: no log row.
    assert_eq!(ledger.chain_head().unwrap(), report.head);

    let first = ledger
        .automatic_backup_if_changed("打开", clock().now())
        .unwrap();
    assert!(first.is_some());
    let later = FixedClock(clock().now() + chrono::Duration::hours(1));
    assert_eq!(
        ledger
            .automatic_backup_if_changed("打开", later.now())
            .unwrap(),
        None,
        "nothing changed since the newest backup"
    );
    assert_eq!(ledger.daily_backup_if_due(&later).unwrap(), None);
    ledger.set_union_name("示例市人民医院工会").unwrap();
    let second = ledger
        .automatic_backup_if_changed("打开", later.now())
        .unwrap();
    assert!(second.is_some(), "a change is backed up");
    assert_eq!(union_ledger::store::automatic_backups(&path).len(), 2);
}

fn entry(ledger: &Ledger, date: NaiveDate) -> NewEntry {
    let category = ledger
        .categories()
        .unwrap()
        .into_iter()
        .find(|c| c.name == "生病住院")
        .unwrap();
    NewEntry {
        kind: EntryKind::Disbursement,
        date,
        fund_id: category.default_fund_id.unwrap(),
        category_id: Some(category.id),
        source_id: None,
        member_id: Some(ledger.members().unwrap()[5].id),
        amount_fen: 30_000,
        payment_form: PaymentForm::Cash,
        handler: "李会计".into(),
        note: String::new(),
    }
}

fn approval() -> Approval {
    Approval {
        decided_on: d(2026, 1, 5),
        minutes_no: "2026-01".into(),
        approver: "王主席".into(),
    }
}

fn assert_closed<T: std::fmt::Debug>(result: Result<T, StoreError>, what: &str) {
    match result {
        Err(error @ StoreError::PeriodClosed { .. }) => {
            assert!(error.to_string().contains("已结账"), "{what}: {error}")
        }
        other => panic!("{what}: expected a closed-period refusal, got {other:?}"),
    }
}

#[test]
fn a_closed_quarter_refuses_changes_from_every_path() {
    let (_dir, path) = demo();
    let mut ledger = Ledger::open_existing(&path, &clock()).unwrap();
    ledger.apply_preset("empty").unwrap();
    // A quarter that has not ended cannot be closed.
    assert!(ledger.close_period(Period::quarter(2026, 4), "").is_err());
    let q1 = Period::quarter(2026, 1);
    ledger.close_period(q1, "一季度账已核对").unwrap();
    let entries = ledger.entry_count().unwrap();

    assert_closed(
        ledger.add_entry(&entry(&ledger, d(2026, 2, 10)), &clock()),
        "entry",
    );
    let in_q1 = (1..=entries)
        .map(|id| ledger.entry(id).unwrap())
        .find(|e| q1.contains(e.date) && e.kind == EntryKind::Disbursement)
        .unwrap();
    assert_closed(
        ledger.reverse_entry(in_q1.id, "错账", d(2026, 11, 20), "李会计", &clock()),
        "reversal of a closed-period entry",
    );
    let holiday = ledger
        .categories()
        .unwrap()
        .into_iter()
        .find(|c| c.name == "春节")
        .unwrap();
    let batch = BatchSpec {
        category_id: holiday.id,
        fund_id: holiday.default_fund_id.unwrap(),
        date: d(2026, 2, 1),
        item: "年货".into(),
        amount_fen: 10_000,
        payment_form: PaymentForm::Goods,
        approval: approval(),
        group: BatchGroup::in_service(),
        handler: "李会计".into(),
        note: String::new(),
    };
    assert_closed(ledger.commit_batch(&batch, &clock()), "batch");
    let reason = ledger.visit_reasons().unwrap()[0].id;
    let visit = NewVisit {
        member_id: ledger.members().unwrap()[2].id,
        reason_id: reason,
        relation: String::new(),
        date: d(2026, 3, 5),
        place: "家中".into(),
        visitors: "王主席".into(),
        detail: String::new(),
        note: String::new(),
        money: Some(VisitMoney {
            amount_fen: 20_000,
            payment_form: PaymentForm::Cash,
        }),
        goods: None,
        fund_id: None,
        stays_open: false,
        handler: "李会计".into(),
    };
    assert_closed(
        ledger.add_visit(&visit, &Default::default(), &clock()),
        "visit",
    );
    // A claim approved now cannot be paid with a date inside the closed quarter.
    let plan = ledger.plans().unwrap()[0].clone();
    let enrolled = ledger.enrolments(plan.id).unwrap()[0].clone();
    let claim = ledger
        .add_claim(
            &NewClaim {
                plan_id: plan.id,
                member_id: enrolled.member_id,
                illness: "肺炎".into(),
                hospital: "市一院".into(),
                admission: d(2026, 10, 8),
                discharge: Some(d(2026, 10, 15)),
                total_cost_fen: 900_000,
                eligible_cost_fen: 800_000,
                social_insurance_fen: 0,
                other_aid_fen: 0,
                grade: String::new(),
            },
            &clock(),
        )
        .unwrap();
    ledger
        .submit_claim(claim.id, d(2026, 11, 20), &clock())
        .unwrap();
    ledger
        .approve_claim(claim.id, 100_000, d(2026, 11, 20), &clock())
        .unwrap();
    assert_closed(
        ledger.pay_claim(claim.id, d(2026, 3, 20), "李会计", &clock()),
        "claim payment",
    );
    assert_eq!(
        ledger.entry_count().unwrap(),
        entries,
        "nothing was written"
    );
    // The open quarter still takes entries; reopening needs a reason and is logged.
    ledger
        .add_entry(&entry(&ledger, d(2026, 11, 20)), &clock())
        .unwrap();
    let closed = ledger
        .closed_periods()
        .unwrap()
        .into_iter()
        .find(|c| c.is_closed() && c.period == q1)
        .unwrap();
    assert!(ledger.reopen_period(closed.id, " ").is_err());
    ledger
        .reopen_period(closed.id, "补记漏登的住院慰问")
        .unwrap();
    ledger
        .add_entry(&entry(&ledger, d(2026, 2, 10)), &clock())
        .unwrap();
    let log = ledger.change_log(&LogFilter::default()).unwrap();
    assert!(
        log.iter()
            .any(|row| row.action.starts_with("反结账 2026年第1季度"))
    );
    assert!(
        log.iter()
            .any(|row| row.action.starts_with("结账 2026年第1季度"))
    );
    assert!(ledger.verify().unwrap().is_intact());
}

#[test]
fn the_triggers_refuse_a_closed_period_even_below_the_program() {
    let (_dir, path) = demo();
    let mut ledger = Ledger::open_existing(&path, &clock()).unwrap();
    ledger.close_period(Period::quarter(2026, 1), "").unwrap();
    drop(ledger);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let error = conn
        .execute(
            "INSERT INTO entries SELECT 100000, kind, '2026-02-02', year, fund_id, category_id,
                 source_id, member_id, amount_fen, delta_fen, payment_form, voucher_year, 999999,
                 handler, note, created_at, NULL, reversal_reason, fund_cumulative_fen,
                 approval_id, batch_id, visit_id, event, override_reason FROM entries WHERE id = 7",
            [],
        )
        .unwrap_err();
    assert!(error.to_string().contains("closed period"), "{error}");
}

#[test]
fn closing_a_year_carries_each_funds_closing_balance_forward() {
    let (_dir, path) = demo();
    let mut ledger = Ledger::open_existing(&path, &clock()).unwrap();
    let closing_2025 = ledger.fund_balances(2025).unwrap();
    ledger.close_period(Period::year(2025), "年度结账").unwrap();
    let openings = ledger.fund_openings().unwrap();
    for balance in &closing_2025 {
        let set = openings
            .iter()
            .find(|o| o.fund_id == balance.fund_id && o.year == 2026)
            .unwrap();
        assert_eq!(
            set.opening_fen, balance.closing_fen,
            "{}",
            balance.fund_name
        );
    }
    let balances_2026 = ledger.fund_balances(2026).unwrap();
    for (balance, before) in balances_2026.iter().zip(&closing_2025) {
        assert_eq!(balance.opening_fen, before.closing_fen);
    }
}

#[test]
fn a_read_only_ledger_refuses_every_write_and_stays_byte_for_byte_the_same() {
    let (_dir, path) = demo();
    // Close cleanly so the file alone holds everything.
    drop(Ledger::open_existing(&path, &clock()).unwrap());
    let before = std::fs::read(&path).unwrap();
    let mut ledger = Ledger::open_read_only(&path, &clock()).unwrap();
    assert!(ledger.is_read_only());
    assert!(matches!(
        ledger.add_member(&MemberDraft::new("Z1", "审计员"), &clock()),
        Err(StoreError::ReadOnly { .. })
    ));
    assert!(matches!(
        ledger.set_union_name("改名"),
        Err(StoreError::ReadOnly { .. })
    ));
    assert!(ledger.verify().unwrap().is_intact());
    assert!(!ledger.members().unwrap().is_empty());
    drop(ledger);
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn two_programs_write_one_ledger_in_turn_and_an_old_lock_file_is_ignored() {
    let (dir, path) = demo();
    // An older version's lock file naming a process that always runs (1) does not
    // make anyone read-only: it is removed.
    let lock = path.with_file_name("ledger.db.lock");
    std::fs::write(&lock, "1\n2026-11-22 08:00\n").unwrap();
    let mut first = Ledger::open(&path, &clock()).unwrap();
    assert!(!lock.exists());
    assert!(!first.is_read_only());
    assert_eq!(first.unclean_close_note(), None);
    let mut second = Ledger::open(&path, &clock()).unwrap();
    assert!(!second.is_read_only());
    assert_eq!(first.other_sessions(), 1);
    assert_eq!(second.other_sessions(), 1);
    // Both write; each sees the other's write at once, and the first notices it
    // through data_version.
    let seen = first.data_version().unwrap();
    second.set_union_name("示例医院工会").unwrap();
    assert_ne!(first.data_version().unwrap(), seen);
    assert_eq!(first.union_name().unwrap(), "示例医院工会");
    first
        .add_member(&MemberDraft::new("W1", "第一处"), &clock())
        .unwrap();
    second
        .add_member(&MemberDraft::new("W2", "第二处"), &clock())
        .unwrap();
    let names = |ledger: &Ledger| {
        ledger
            .members()
            .unwrap()
            .into_iter()
            .filter(|m| m.employee_no.starts_with('W'))
            .count()
    };
    assert_eq!(names(&first), 2);
    assert_eq!(names(&second), 2);
    // Nobody restores a ledger another program has open.
    let backup = first
        .automatic_backup("手动", clock().now())
        .unwrap()
        .unwrap();
    drop(first);
    let error = union_ledger::store::restore(&backup, &path, &clock()).unwrap_err();
    assert!(matches!(error, StoreError::Busy { .. }), "{error}");
    assert!(second.verify().unwrap().is_intact());
    drop(second);
    assert_eq!(
        std::fs::read_dir(union_ledger::store::sessions_dir(&path))
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "open"))
            .count(),
        0,
        "closing removes each program's mark"
    );
    drop(dir);
}

#[test]
fn backups_rotate_and_a_restore_checks_the_backup_and_keeps_the_replaced_file() {
    let (dir, path) = demo();
    let mut ledger = Ledger::open_existing(&path, &clock()).unwrap();
    ledger.set_backups_kept(3).unwrap();
    for minute in 0..5 {
        let at = d(2026, 11, 22).and_hms_opt(10, minute, 0).unwrap();
        ledger.automatic_backup("手动", at).unwrap();
    }
    let backups = union_ledger::store::automatic_backups(&path);
    assert_eq!(backups.len(), 3, "{backups:?}");
    assert!(
        backups[0]
            .to_string_lossy()
            .ends_with("ledger-20261122-100400-手动.db")
    );
    // The ledger moves on after the backup.
    let members_then = ledger.members().unwrap().len();
    ledger
        .add_member(&MemberDraft::new("N1", "新会员"), &clock())
        .unwrap();
    drop(ledger);
    // A tampered backup is refused and nothing is replaced.
    let tampered = dir.path().join("tampered.db");
    std::fs::copy(&backups[0], &tampered).unwrap();
    tamper(
        &tampered,
        "DROP TRIGGER entries_no_update; UPDATE entries SET note = 'x' WHERE id = 3;",
    );
    let before = std::fs::read(&path).unwrap();
    let error = union_ledger::store::restore(&tampered, &path, &clock()).unwrap_err();
    assert!(error.to_string().contains("变更日志校验失败"), "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // A good backup is put in place; the replaced ledger is kept beside it.
    let kept = union_ledger::store::restore(&backups[0], &path, &clock())
        .unwrap()
        .unwrap();
    let restored = Ledger::open_existing(&path, &clock()).unwrap();
    assert_eq!(restored.members().unwrap().len(), members_then);
    assert!(restored.verify().unwrap().is_intact());
    let replaced = Ledger::open_read_only(&kept, &clock()).unwrap();
    assert_eq!(replaced.members().unwrap().len(), members_then + 1);
}

#[test]
fn an_upgrade_is_preceded_by_a_backup_of_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ledger_v1.db"),
        &path,
    )
    .unwrap();
    let ledger = Ledger::open(&path, &clock()).unwrap();
    assert!(ledger.verify().unwrap().is_intact());
    drop(ledger);
    let backups = union_ledger::store::automatic_backups(&path);
    assert_eq!(backups.len(), 1);
    assert!(backups[0].to_string_lossy().ends_with("升级前v1.db"));
    let conn = rusqlite::Connection::open(&backups[0]).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap();
    assert_eq!(version, 1);
}

fn category_id(ledger: &Ledger, name: &str) -> i64 {
    ledger
        .categories()
        .unwrap()
        .into_iter()
        .find(|c| c.name == name && c.parent_id.is_some())
        .unwrap()
        .id
}

fn payout(ledger: &Ledger, category: &str, member_id: i64, date: NaiveDate, fen: i64) -> NewEntry {
    let id = category_id(ledger, category);
    let category = ledger.category(id).unwrap();
    NewEntry {
        kind: EntryKind::Disbursement,
        date,
        fund_id: category.default_fund_id.unwrap(),
        category_id: Some(id),
        source_id: None,
        member_id: Some(member_id),
        amount_fen: fen,
        payment_form: PaymentForm::Cash,
        handler: "李会计".into(),
        note: String::new(),
    }
}

fn overridden(reason: &str) -> union_ledger::core::model::EntryExtras {
    union_ledger::core::model::EntryExtras {
        event: String::new(),
        approval: Some(approval()),
        override_reason: reason.into(),
    }
}

#[test]
fn the_audit_lists_seeded_findings_of_every_kind_and_reconciles_every_fund() {
    use union_ledger::core::audit::FindingKind;
    use union_ledger::core::policy::{Rule, RuleCheck};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let mut ledger = Ledger::open(&path, &clock()).unwrap();
    let mut add = |no: &str, name: &str, member: bool| {
        let mut draft = MemberDraft::new(no, name);
        draft.department = "内科".into();
        draft.is_union_member = member;
        ledger.add_member(&draft, &clock()).unwrap()
    };
    let (zhang, li, wang) = (
        add("A1", "张三", true),
        add("A2", "李四", true),
        add("A3", "王五", false),
    );
    let rule = |name: &str, category: &str, check: RuleCheck| Rule {
        id: 0,
        name: name.into(),
        category_ids: vec![category_id(&ledger, category)],
        check,
        is_active: true,
    };
    for rule in [
        rule(
            "住院每次500",
            "生病住院",
            RuleCheck::PerEventCap { cap_fen: 50_000 },
        ),
        rule(
            "春节只发实物",
            "春节",
            RuleCheck::PaymentForms {
                allowed: vec![PaymentForm::Goods],
            },
        ),
        rule("生日只发会员", "生日", RuleCheck::UnionMembersOnly),
    ] {
        ledger.add_rule(&rule).unwrap();
    }
    // Over a standard, cash for a goods-only holiday, a non-member: saved with reasons.
    let entry = payout(&ledger, "生病住院", zhang, d(2026, 3, 2), 80_000);
    ledger
        .add_entry_with(&entry, &overridden("大病，工会委员会同意"), &clock())
        .unwrap();
    let entry = payout(&ledger, "春节", li, d(2026, 2, 1), 30_000);
    ledger
        .add_entry_with(&entry, &overridden("实物未到，临时发现金"), &clock())
        .unwrap();
    let entry = payout(&ledger, "生日", wang, d(2026, 4, 1), 30_000);
    ledger
        .add_entry_with(&entry, &overridden("新入职，会员手续在办"), &clock())
        .unwrap();
    // A second hospital visit payout to the same member within the window.
    let entry = payout(&ledger, "生病住院", zhang, d(2026, 3, 20), 30_000);
    ledger.add_entry(&entry, &clock()).unwrap();
    // The fifth voucher is deleted with another tool below.
    let entry = payout(&ledger, "生育", li, d(2026, 3, 25), 20_000);
    ledger.add_entry(&entry, &clock()).unwrap();
    // Hardship aid without an approval and to a member without a hardship file.
    let entry = payout(&ledger, "送温暖", li, d(2026, 5, 5), 250_000);
    ledger.add_entry(&entry, &clock()).unwrap();
    // A quarter closed, reopened, and an entry written into it afterwards.
    let closed = ledger.close_period(Period::quarter(2026, 1), "").unwrap();
    ledger.reopen_period(closed.id, "补记漏登").unwrap();
    let entry = payout(&ledger, "结婚", li, d(2026, 1, 20), 50_000);
    ledger.add_entry(&entry, &clock()).unwrap();
    // A mutual-aid claim paid with its documents missing.
    let plan = union_ledger::core::insurance::PlanDraft {
        name: "2026 职工住院医疗互助保障".into(),
        society: "市总工会职工互助保障会".into(),
        fund_id: ledger
            .funds()
            .unwrap()
            .into_iter()
            .find(|f| f.name == "互助保障金")
            .unwrap()
            .id,
        starts_on: d(2026, 1, 1),
        ends_on: d(2026, 12, 31),
        premium_union_fen: 4_000,
        premium_worker_fen: 0,
        enrol_from: d(2025, 12, 1),
        enrol_until: d(2026, 1, 31),
        claim_days_after_end: 90,
        eligibility: union_ledger::core::insurance::PlanEligibility::default(),
        benefits: vec![union_ledger::core::insurance::BenefitRule::Ratio {
            ratio_bp: 5_000,
            deductible_fen: 100_000,
            cap_per_claim_fen: None,
            cap_per_period_fen: None,
        }],
    };
    let plan_id = ledger.add_plan(&plan, &clock()).unwrap();
    ledger
        .enrol(
            &union_ledger::store::EnrolSpec {
                plan_id,
                group: union_ledger::core::batch::BatchGroup::in_service(),
                enrolled_on: d(2026, 1, 2),
                approval: approval(),
                handler: "李会计".into(),
            },
            &clock(),
        )
        .unwrap();
    let claim = ledger
        .add_claim(
            &NewClaim {
                plan_id,
                member_id: zhang,
                illness: "肺炎".into(),
                hospital: "市一院".into(),
                admission: d(2026, 6, 1),
                discharge: Some(d(2026, 6, 8)),
                total_cost_fen: 500_000,
                eligible_cost_fen: 400_000,
                social_insurance_fen: 0,
                other_aid_fen: 0,
                grade: String::new(),
            },
            &clock(),
        )
        .unwrap();
    ledger
        .submit_claim(claim.id, d(2026, 7, 1), &clock())
        .unwrap();
    ledger
        .approve_claim(claim.id, 100_000, d(2026, 7, 2), &clock())
        .unwrap();
    ledger
        .pay_claim(claim.id, d(2026, 7, 3), "李会计", &clock())
        .unwrap();
    drop(ledger);
    // A voucher removed with another tool leaves a gap (and breaks the chain).
    tamper(
        &path,
        "DROP TRIGGER entries_no_delete; DELETE FROM entry_hashes WHERE entry_id = 5;
         DELETE FROM entries WHERE id = 5;",
    );

    let ledger = Ledger::open_existing(&path, &clock()).unwrap();
    let report = ledger.audit(2026, d(2026, 11, 22)).unwrap();
    for kind in FindingKind::ALL {
        assert!(
            report.finding(kind).is_some_and(|f| !f.lines.is_empty()),
            "no {kind:?} finding: {report:#?}"
        );
    }
    let over = report.finding(FindingKind::OverStandard).unwrap();
    assert!(over.lines[0].remark.contains("说明：大病，工会委员会同意"));
    assert_eq!(
        report.finding(FindingKind::VoucherGap).unwrap().lines[0].voucher_no,
        "2026-000005"
    );
    assert!(!report.chain_intact);
    // Recomputed from the entries, the welfare fund no longer matches the totals the
    // ledger kept: the deleted voucher's 200 元 is the difference.
    for fund in &report.funds {
        if fund.fund_name == "慰问金" {
            assert_eq!(fund.kept_spending_fen - fund.spending_fen, 20_000);
        } else {
            assert!(fund.agrees(), "{fund:?}");
        }
        assert_eq!(
            fund.closing_fen,
            fund.opening_fen + fund.income_fen - fund.spending_fen
        );
    }
    // The report prints like every other form.
    let form = ledger
        .form(
            &union_ledger::core::forms::FormRequest::Audit { year: 2026 },
            d(2026, 11, 22),
        )
        .unwrap();
    let text = union_ledger::print::render_text(&form);
    assert!(text.contains("年度审计报告"));
    assert!(text.contains("凭证号不连续（1 笔）"), "{text}");
    assert!(text.contains("经费审查委员会主任："));
}

/// Every table the program writes besides the entries, changed by hand (triggers
/// dropped, checks off, as someone with the sqlite3 tool could): `verify` names each.
#[test]
fn a_row_of_any_table_changed_outside_the_program_is_named() {
    let (dir, path) = demo();
    let mut ledger = Ledger::open_existing(&path, &clock()).unwrap();
    // Rows in the tables the demo leaves empty.
    let claim = ledger.claims(&Default::default(), d(2026, 11, 22)).unwrap()[0].id;
    ledger
        .attach_claim_file(
            claim,
            union_ledger::core::insurance::DocumentKind::Invoices,
            "发票.pdf",
            b"%PDF-1.4 invoice",
            &clock(),
        )
        .unwrap();
    assert!(ledger.verify().unwrap().is_intact());
    drop(ledger);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             AND name NOT IN ('entries', 'entry_hashes', 'fund_year_totals', 'spending_day_totals',
                              'entry_day_counts', 'change_log', 'integrity_checks')
             ORDER BY name",
        )
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    drop(conn);
    assert!(tables.len() >= 18, "{tables:?}");
    let mut named = Vec::new();
    for table in &tables {
        let copy = dir.path().join(format!("{table}.db"));
        std::fs::copy(&path, &copy).unwrap();
        let conn = rusqlite::Connection::open(&copy).unwrap();
        // The last column that is not part of the key and holds text or a number.
        let (column, kind): (String, String) = conn
            .query_row(
                "SELECT name, type FROM pragma_table_info(?1)
                 WHERE pk = 0 AND type IN ('INTEGER', 'TEXT') ORDER BY cid DESC LIMIT 1",
                [table],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .unwrap();
        let keys: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk")
            .unwrap()
            .query_map([table], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let count: i64 = conn
            .query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(count > 0, "the demo has no row in {table}");
        let triggers: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for trigger in triggers {
            conn.execute_batch(&format!("DROP TRIGGER \"{trigger}\""))
                .unwrap();
        }
        conn.pragma_update(None, "ignore_check_constraints", true)
            .unwrap();
        let new_value = if kind == "INTEGER" {
            format!("ifnull(\"{column}\", 0) + 1")
        } else {
            format!("ifnull(\"{column}\", '') || '改'")
        };
        let key_list = keys
            .iter()
            .map(|k| format!("\"{k}\""))
            .collect::<Vec<_>>()
            .join(", ");
        conn.execute_batch(&format!(
            "UPDATE \"{table}\" SET \"{column}\" = {new_value}
             WHERE ({key_list}) = (SELECT {key_list} FROM \"{table}\" ORDER BY {key_list} LIMIT 1)"
        ))
        .unwrap();
        drop(conn);
        let problem = broken(&copy);
        assert!(
            problem.contains("在程序之外被改动"),
            "{table}.{column}: {problem}"
        );
        named.push(problem);
    }
    // Named the way the clerk knows the row and the field.
    let member = dir.path().join("hardship.db");
    std::fs::copy(&path, &member).unwrap();
    let number: String = rusqlite::Connection::open(&member)
        .unwrap()
        .query_row(
            "SELECT employee_no FROM members ORDER BY id LIMIT 1 OFFSET 2",
            [],
            |row| row.get(0),
        )
        .unwrap();
    tamper(
        &member,
        &format!("UPDATE members SET hardship_level = '特困' WHERE employee_no = '{number}'"),
    );
    assert_eq!(
        broken(&member),
        format!("会员 {number} 的“困难等级”在程序之外被改动")
    );
    // A row added and a row deleted are named too.
    let added = dir.path().join("added.db");
    std::fs::copy(&path, &added).unwrap();
    tamper(
        &added,
        "INSERT INTO approvals (decided_on, minutes_no, approver) VALUES ('2026-01-05', '补-1', '某人')",
    );
    assert!(
        broken(&added).contains("审批决议（编号 "),
        "{}",
        broken(&added)
    );
    assert!(broken(&added).ends_with("在程序之外被加入"));
    let removed = dir.path().join("removed.db");
    std::fs::copy(&path, &removed).unwrap();
    tamper(
        &removed,
        "DELETE FROM claim_documents WHERE rowid = (SELECT min(rowid) FROM claim_documents)",
    );
    assert!(
        broken(&removed).starts_with("理赔材料（编号 "),
        "{}",
        broken(&removed)
    );
    assert!(broken(&removed).ends_with("在程序之外被删除"));
    eprintln!("{}", named.join("\n"));
}
