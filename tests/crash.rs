//! Crash safety: the real binary is killed with SIGKILL at random moments while it
//! commits holiday batches or imports rosters, over and over, on one ledger file.
//! After every kill the file must open, pass SQLite's full integrity check and the
//! change log's chain (both in `verify`), every batch must be wholly present or wholly absent, and
//! every roster wholly imported or not at all.
//!
//! `CRASH_RUNS` sets the number of kills (default 60 in the suite; the README records
//! a run of several hundred).

#![cfg(unix)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use union_ledger::core::date::FixedClock;
use union_ledger::store::Ledger;

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_union-ledger"))
}

fn run(db: &Path, args: &[&str]) {
    let status = binary()
        .arg("--db")
        .arg(db)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "{args:?}");
}

/// A roster of `count` new members numbered `R{run}-n`.
fn roster(dir: &Path, run: usize, count: usize) -> std::path::PathBuf {
    let path = dir.join(format!("roster-{run}.csv"));
    let mut text = String::from("工号,姓名,性别,部门,是否会员,会费\n");
    for n in 0..count {
        text.push_str(&format!("R{run}-{n},测试{n},女,内科,是,已缴\n"));
    }
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn killed_at_random_the_ledger_stays_whole() {
    let runs: usize = std::env::var("CRASH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    run(
        &db,
        &["demo", "--members", "300", "--years", "1", "--seed", "11"],
    );
    run(&db, &["rules", "preset", "empty"]);
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let mut killed = 0;
    for run_index in 0..runs {
        let day = format!("2026-01-{:02}", 2 + run_index % 25);
        let roster_path = roster(dir.path(), run_index, 400);
        let mut command = binary();
        command.arg("--db").arg(&db);
        if run_index % 2 == 0 {
            command.args([
                "batch",
                "commit",
                "--category",
                "春节",
                "--date",
                &day,
                "--amount",
                "1",
                "--item",
                "测试",
                "--status",
                "在职",
                "--status",
                "退休",
                "--approval-date",
                "2026-01-01",
                "--minutes",
                &format!("K{run_index}"),
            ]);
        } else {
            command.args(["member", "import"]).arg(&roster_path);
        }
        let mut child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.random_range(0..120)));
        if child.try_wait().unwrap().is_none() {
            killed += 1;
        }
        let _ = child.kill();
        let _ = child.wait();

        let clock = FixedClock(chrono::Local::now().naive_local());
        let ledger = Ledger::open(&db, &clock)
            .unwrap_or_else(|error| panic!("run {run_index}: the ledger does not open: {error}"));
        let report = ledger.verify().unwrap();
        assert!(report.is_intact(), "run {run_index}: {}", report.summary());
        for batch in ledger.batches().unwrap() {
            let written = ledger.batch_recipients(batch.id).unwrap().len() as i64;
            let expected: i64 = rusqlite_count(&db, batch.id);
            assert_eq!(
                written,
                expected,
                "run {run_index}: batch {}",
                batch.number()
            );
            assert!(
                written > 0,
                "run {run_index}: batch {} is empty",
                batch.number()
            );
        }
        let imported = ledger
            .members()
            .unwrap()
            .iter()
            .filter(|m| m.employee_no.starts_with(&format!("R{run_index}-")))
            .count();
        assert!(
            imported == 0 || imported == 400,
            "run {run_index}: {imported} of 400 members imported"
        );
    }
    // The kills must really have landed mid-write some of the time.
    assert!(
        killed > runs / 4,
        "only {killed} of {runs} runs were killed"
    );
}

/// The recipients a batch was committed with, as stored with the batch itself.
fn rusqlite_count(db: &Path, batch_id: i64) -> i64 {
    let conn = rusqlite_open(db);
    conn.query_row(
        "SELECT recipient_count FROM batches WHERE id = ?1",
        [batch_id],
        |row| row.get(0),
    )
    .unwrap()
}

fn rusqlite_open(db: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}
