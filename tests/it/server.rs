//! The same ledger on a PostgreSQL server: the same figures, the same chain head, and
//! what only a server has (roles, the advisory lock). These tests need a server: CI
//! starts a throwaway one (`.ci/pg-server`) and exports its address as
//! `UNION_LEDGER_TEST_PG`; on a machine without one they say so and pass, except under
//! `CI=true`, where a missing server fails them.

use chrono::NaiveDate;
use union_ledger::core::date::FixedClock;
use union_ledger::store::{Ledger, Waiting};

pub use crate::pg::{fresh_database, server};

pub fn postgres_client(url: &str) -> postgres::Client {
    crate::pg::client(url)
}

/// How many tables the database holds.
fn table_count(client: &mut postgres::Client) -> i64 {
    client
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
            &[],
        )
        .unwrap()
        .get(0)
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
    assert_eq!(
        (server_report.log_rows, server_report.entries),
        (file_report.log_rows, file_report.entries)
    );
    // The file's pages were checked; the server keeps its own.
    assert!(file_report.summary().starts_with("文件完整，变更日志完整"));
    assert!(server_report.summary().starts_with("变更日志完整"));
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
    let tables = table_count(&mut client);
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
    let tables = table_count(&mut client);
    assert_eq!(tables, 1);
}

/// A login role in one of the ledger's roles, made on the test server.
fn login_role(server: &str, name: &str, member_of: &str) {
    let mut admin = postgres_client(server);
    admin
        .batch_execute(&format!(
            "DO $$ BEGIN
                 IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{name}') THEN
                     CREATE ROLE {name} LOGIN;
                 END IF;
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
             END $$;
             GRANT {member_of} TO {name}"
        ))
        .unwrap();
}

/// `url` connecting as `user` instead.
fn as_user(url: &str, user: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let rest = rest.split_once('@').map_or(rest, |(_, host)| host);
    format!("{scheme}://{user}@{rest}")
}

#[test]
fn the_server_refuses_a_clerk_who_edits_entries_or_the_log_and_an_auditor_who_writes() {
    let Some(server) = server() else { return };
    let clock = FixedClock::at_date(d(2026, 6, 30));
    let url = fresh_database(&server);
    let mut ledger = Ledger::open_server(&url, &clock, Waiting::default()).unwrap();
    ledger.fill_demo(40, 1, 5, &clock).unwrap();
    drop(ledger);
    login_role(&server, "clerk_wang", union_ledger::store::CLERK_ROLE);
    login_role(&server, "auditor_li", union_ledger::store::AUDITOR_ROLE);

    // The clerk works through the program as usual.
    let clerk_url = as_user(&url, "clerk_wang");
    let mut as_clerk = Ledger::open_existing(std::path::Path::new(&clerk_url), &clock).unwrap();
    let members = as_clerk.members().unwrap();
    let before = as_clerk.chain_head().unwrap();
    as_clerk.set_union_name("测试工会").unwrap();
    assert_ne!(as_clerk.chain_head().unwrap(), before);
    assert!(as_clerk.verify().unwrap().is_intact());
    assert!(!members.is_empty());
    drop(as_clerk);

    // …but the server itself refuses changing or deleting what the audit relies on.
    let mut clerk = postgres_client(&clerk_url);
    for statement in [
        "UPDATE entries SET note = '改过' WHERE id = 1",
        "DELETE FROM entries WHERE id = 1",
        "DELETE FROM change_log WHERE id = 1",
        "UPDATE change_log SET clerk = '别人' WHERE id = 1",
        "UPDATE entry_hashes SET hash = 'x' WHERE entry_id = 1",
        "TRUNCATE change_log",
    ] {
        let error = clerk.batch_execute(statement).unwrap_err();
        let db = error.as_db_error().expect("a refusal by the server");
        assert_eq!(
            db.code(),
            &postgres::error::SqlState::INSUFFICIENT_PRIVILEGE,
            "{statement}: {}",
            db.message()
        );
    }

    // The auditor reads everything and writes nothing.
    let auditor_url = as_user(&url, "auditor_li");
    let audit = Ledger::open_read_only(std::path::Path::new(&auditor_url), &clock).unwrap();
    let report = audit.verify().unwrap();
    assert!(report.is_intact(), "{report:?}");
    let mut auditor = postgres_client(&auditor_url);
    for statement in [
        "INSERT INTO settings (key, value) VALUES ('x', 'y')",
        "UPDATE members SET name = '改名' WHERE id = 1",
        "DELETE FROM rules",
    ] {
        let error = auditor.batch_execute(statement).unwrap_err();
        assert_eq!(
            error.as_db_error().map(|db| db.code().clone()),
            Some(postgres::error::SqlState::INSUFFICIENT_PRIVILEGE),
            "{statement}"
        );
    }
}

#[test]
fn a_ledger_moves_to_a_server_and_back_with_the_same_head() {
    let Some(server) = server() else { return };
    let clock = FixedClock::at_date(d(2026, 11, 20));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ledger.db");
    let mut original = Ledger::open(&file, &clock).unwrap();
    original.fill_demo(150, 2, 11, &clock).unwrap();
    let head = original.chain_head().unwrap();

    let url = fresh_database(&server);
    let there = union_ledger::store::copy_ledger(&original, std::path::Path::new(&url)).unwrap();
    assert_eq!(there.head, head);
    let on_server = Ledger::open_existing(std::path::Path::new(&url), &clock).unwrap();
    assert_eq!(on_server.chain_head().unwrap(), head);
    assert!(on_server.verify().unwrap().is_intact());

    // A second copy into the same (now full) database is refused; nothing changes.
    let error = union_ledger::store::copy_ledger(&original, std::path::Path::new(&url))
        .unwrap_err()
        .to_string();
    assert!(error.contains("目标数据库不是空的"), "{error}");
    assert_eq!(on_server.chain_head().unwrap(), head);

    // And back into a new file.
    let back = dir.path().join("back.db");
    let summary = union_ledger::store::copy_ledger(&on_server, &back).unwrap();
    assert_eq!(summary.head, head);
    let returned = Ledger::open_existing(&back, &clock).unwrap();
    assert_eq!(returned.chain_head().unwrap(), head);
    assert!(returned.verify().unwrap().is_intact());
    assert_eq!(returned.members().unwrap(), original.members().unwrap());
    // Over an existing file it refuses, and leaves it as it was.
    let bytes = std::fs::read(&file).unwrap();
    drop(original);
    let error = union_ledger::store::copy_ledger(&on_server, &file)
        .unwrap_err()
        .to_string();
    assert!(error.contains("目标文件已存在"), "{error}");
    assert!(std::fs::read(&file).unwrap().len() >= bytes.len());
}

#[test]
fn a_copy_whose_source_fails_verify_writes_nothing() {
    let Some(server) = server() else { return };
    let clock = FixedClock::at_date(d(2026, 11, 20));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ledger.db");
    let mut original = Ledger::open(&file, &clock).unwrap();
    original.fill_demo(30, 1, 2, &clock).unwrap();
    drop(original);
    // Changed outside the program.
    let raw = rusqlite::Connection::open(&file).unwrap();
    raw.execute(
        "UPDATE members SET hardship_level = 'deep' WHERE id = 3",
        [],
    )
    .unwrap();
    drop(raw);
    let original = Ledger::open_existing(&file, &clock).unwrap();
    let url = fresh_database(&server);
    let error = union_ledger::store::copy_ledger(&original, std::path::Path::new(&url))
        .unwrap_err()
        .to_string();
    assert!(error.contains("校验未通过，不复制"), "{error}");
    let mut client = postgres_client(&url);
    let tables = table_count(&mut client);
    assert_eq!(tables, 0);
}
