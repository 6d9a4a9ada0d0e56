//! A ledger saved by the first released schema opens in this build: its data is all
//! there, and its schema ends up identical to a freshly created ledger's.

use std::path::Path;

use chrono::NaiveDate;
use union_ledger::core::date::FixedClock;
use union_ledger::store::{Ledger, LedgerFilter, LedgerOrder};

fn clock() -> FixedClock {
    FixedClock::at_date(NaiveDate::from_ymd_opt(2026, 6, 30).unwrap())
}

/// The schema as SQLite reports it, normalised for comparison.
fn schema(path: &Path) -> Vec<(String, String, String)> {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let mut statement = conn
        .prepare("SELECT type, name, ifnull(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
        .unwrap();
    statement
        .query_map([], |row| {
            let sql: String = row.get(2)?;
            Ok((
                row.get(0)?,
                row.get(1)?,
                sql.split_whitespace().collect::<Vec<_>>().join(" "),
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn a_first_version_ledger_upgrades_with_its_data() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ledger_v1.db");
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.db");
    std::fs::copy(&fixture, &old).unwrap();

    let ledger = Ledger::open(&old, &clock()).unwrap();
    assert_eq!(
        ledger.schema_version().unwrap(),
        union_ledger::store::schema::LATEST_VERSION
    );
    assert_eq!(ledger.members().unwrap().len(), 30);
    let index = ledger.ledger_index(&LedgerFilter::default()).unwrap();
    let newest = ledger
        .ledger_page(&index, LedgerOrder::NewestFirst, 0, 1)
        .unwrap();
    let balances = ledger.fund_balances(2026).unwrap();
    assert!(index.count > 100, "{}", index.count);
    assert_eq!(
        newest[0].balance_after_fen,
        balances
            .iter()
            .find(|b| b.fund_id == newest[0].entry.fund_id)
            .unwrap()
            .closing_fen
    );
    // Version 6 sums each day's entries per fund: the fund flows read from those sums
    // agree with the entries themselves.
    let year = union_ledger::core::date::Period::year(2026);
    let flows = ledger.fund_flows(year).unwrap();
    assert!(!flows.is_empty());
    let conn =
        rusqlite::Connection::open_with_flags(&old, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    for flow in &flows {
        let (income, spending): (i64, i64) = conn
            .query_row(
                "SELECT ifnull(sum(CASE WHEN kind = 'income' THEN delta_fen END), 0),
                        ifnull(sum(CASE WHEN kind = 'disbursement' THEN -delta_fen END), 0)
                 FROM entries WHERE fund_id = ?1 AND date BETWEEN '2026-01-01' AND '2026-12-31'",
                [flow.fund_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .unwrap();
        assert_eq!((flow.income_fen, flow.spending_fen), (income, spending));
        assert!(income > 0 || spending > 0);
    }
    // Version 3 links each built-in visit reason to its 五必访 item and starts the
    // upgraded ledger with no rules, so nothing already saved is judged.
    let categories = ledger.categories().unwrap();
    for reason in ledger.visit_reasons().unwrap() {
        let category = categories
            .iter()
            .find(|c| Some(c.id) == reason.category_id)
            .unwrap_or_else(|| panic!("{} has no category", reason.name));
        assert_eq!(category.name, reason.name);
    }
    assert!(ledger.rules().unwrap().is_empty());
    // Version 4 adds the income source mutual-aid payouts pass through.
    assert!(
        ledger
            .income_sources()
            .unwrap()
            .iter()
            .any(|s| s.name == "互助保障赔款")
    );
    // Version 7 records every table as it stands in the change log, so `verify` covers
    // every row from here on: the upgraded ledger verifies, and a member changed
    // outside the program afterwards is named.
    let report = ledger.verify().unwrap();
    assert!(report.is_intact(), "{}", report.summary());
    let newest_log = &ledger.change_log(&Default::default()).unwrap()[0];
    assert!(
        newest_log
            .action
            .starts_with("记下各表现状（升级到第 7 版）"),
        "{}",
        newest_log.action
    );
    // Closed, so the file alone holds everything (the copy below takes only the file).
    drop(conn);
    drop(ledger);
    let tampered = dir.path().join("tampered.db");
    std::fs::copy(&old, &tampered).unwrap();
    let number: String = {
        let conn = rusqlite::Connection::open(&tampered).unwrap();
        conn.execute_batch("UPDATE members SET department = '外科' WHERE id = 5")
            .unwrap();
        conn.query_row("SELECT employee_no FROM members WHERE id = 5", [], |r| {
            r.get(0)
        })
        .unwrap()
    };
    let report = Ledger::open_existing(&tampered, &clock())
        .unwrap()
        .verify()
        .unwrap();
    assert_eq!(
        report.broken.as_deref(),
        Some(format!("会员 {number} 的“部门”在程序之外被改动").as_str())
    );

    let fresh = dir.path().join("fresh.db");
    drop(Ledger::open(&fresh, &clock()).unwrap());
    assert_eq!(schema(&old), schema(&fresh));
}

/// Writes tests/fixtures/ledger_v1.db. Run once, by hand, when a new schema version is
/// released, and commit the file under a new name; never regenerate the v1 fixture.
#[test]
#[ignore = "generates the fixture; run by hand"]
fn generate_v1_fixture() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ledger_v1.db");
    assert!(
        !path.exists(),
        "the v1 fixture exists already and must never be regenerated"
    );
    let mut ledger = Ledger::open(&path, &clock()).unwrap();
    ledger.fill_demo(30, 1, 11, &clock()).unwrap();
    drop(ledger);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
}
