//! The same ledger on a PostgreSQL server: the same figures, the same chain head, and
//! what only a server has (roles, the advisory lock). These tests need a server: CI
//! starts a throwaway one (`.ci/pg-server`) and exports its address as
//! `UNION_LEDGER_TEST_PG`; on a machine without one they say so and pass, except under
//! `CI=true`, where a missing server fails them.

use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::NaiveDate;
use union_ledger::core::date::FixedClock;
use union_ledger::store::{Ledger, Waiting};

/// The test server's address, or `None` (said on stderr) when there is none.
pub fn server() -> Option<String> {
    match std::env::var("UNION_LEDGER_TEST_PG") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").map_or(true, |ci| ci != "true"),
                "CI must run the server tests: UNION_LEDGER_TEST_PG is not set (see .ci/pg-server)"
            );
            eprintln!(
                "skipped: no PostgreSQL server for this test (start one with .ci/pg-server and export UNION_LEDGER_TEST_PG)"
            );
            None
        }
    }
}

static DATABASES: AtomicUsize = AtomicUsize::new(0);

/// A new, empty database on the test server; its URL.
pub fn fresh_database(server: &str) -> String {
    let name = format!(
        "ul_test_{}_{}",
        std::process::id(),
        DATABASES.fetch_add(1, Ordering::SeqCst)
    );
    let mut admin = postgres_client(server);
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    with_database(server, &name)
}

/// `server` with its database replaced by `name`.
pub fn with_database(server: &str, name: &str) -> String {
    let (head, query) = server.split_once('?').unwrap_or((server, ""));
    let base = head.rsplit_once('/').map_or(head, |(base, _)| base);
    if query.is_empty() {
        format!("{base}/{name}")
    } else {
        format!("{base}/{name}?{query}")
    }
}

pub fn postgres_client(url: &str) -> postgres::Client {
    // Through the program's own address parsing, so every libpq form works here too.
    union_ledger::store::sql::pg::connect_client(url).unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn a_demo_year_gives_the_same_books_and_chain_head_on_both() {
    let Some(server) = server() else { return };
    let clock = FixedClock::at_date(d(2026, 11, 20));
    let url = fresh_database(&server);
    let mut on_server = Ledger::open_server(&url, &clock, Waiting::default()).unwrap();
    let mut in_file = Ledger::open_in_memory(&clock).unwrap();
    for ledger in [&mut on_server, &mut in_file] {
        ledger.fill_demo(300, 2, 7, &clock).unwrap();
    }
    let server_report = on_server.verify().unwrap();
    let file_report = in_file.verify().unwrap();
    assert!(server_report.is_intact(), "{server_report:?}");
    assert_eq!(
        on_server.chain_head().unwrap(),
        in_file.chain_head().unwrap()
    );
    assert_eq!(server_report.summary(), file_report.summary());
}

#[test]
fn an_empty_database_is_not_a_ledger_until_init() {
    let Some(server) = server() else { return };
    let clock = FixedClock::at_date(d(2026, 6, 30));
    let url = fresh_database(&server);
    let location = std::path::Path::new(&url);
    let error = Ledger::open_existing(location, &clock)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("这个数据库里还没有台账。新建请先运行 union-ledger init"),
        "{error}"
    );
    // Nothing was made there by asking.
    let mut client = postgres_client(&url);
    let tables: i64 = client
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tables, 0);
    // A database holding something else is refused and left as it was.
    client
        .batch_execute("CREATE TABLE payroll (id BIGINT PRIMARY KEY, amount BIGINT)")
        .unwrap();
    let error = Ledger::open_with(location, &clock, Waiting::default())
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("不是工会台账") && error.contains("payroll"),
        "{error}"
    );
    let tables: i64 = client
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tables, 1);
}
