//! Many programs on one ledger: 8 processes of the real binary write at once, each
//! doing 50 mixed writes (entries, a holiday batch, a visit, a claim payment, member
//! edits, an attempt inside a closed period), while one more process is killed
//! mid-write again and again. Every write of the 8 succeeds, and the books stay
//! right: `verify` passes, voucher numbers are contiguous per year, each fund's kept
//! totals equal the sums of its entries, and the change log never forks.
//!
//! With the test-only switch that skips turn-taking, the same scenario fails — so the
//! test can fail. `CRASH_RUNS=1000` makes the ninth program be killed at least that
//! many times (it is also `tests/crash.rs`'s number of kills).

#![cfg(unix)]

#[path = "support/pg.rs"]
mod pg;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use pg::{fresh_database, server};

const WORKERS: usize = 8;
const WRITES: usize = 50;

fn binary(db: &Path, skip_turns: bool) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_union-ledger"));
    command.arg("--db").arg(db);
    if skip_turns {
        command.env(union_ledger::store::SKIP_TURNS_VAR, "1");
    }
    command
}

fn run(db: &Path, args: &[&str]) -> Output {
    binary(db, false).args(args).output().unwrap()
}

fn must(db: &Path, args: &[&str]) -> String {
    let output = run(db, args);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A test query on the ledger: the file read directly, or the server (the same SQL,
/// rewritten as the program rewrites its own).
fn query_i64(db: &Path, sql: &str) -> i64 {
    match union_ledger::store::server_address(db) {
        Some(url) => {
            let mut client = union_ledger::store::sql::pg::connect_client(url).unwrap();
            let row = client
                .query_one(
                    &format!(
                        "SELECT ({})::bigint",
                        union_ledger::store::sql::dialect::to_postgres(sql)
                    ),
                    &[],
                )
                .unwrap();
            row.get(0)
        }
        None => {
            let conn = rusqlite::Connection::open_with_flags(
                db,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .unwrap();
            conn.query_row(sql, [], |row| row.get(0)).unwrap()
        }
    }
}

fn query_pairs(db: &Path, sql: &str) -> Vec<(String, String)> {
    match union_ledger::store::server_address(db) {
        Some(url) => {
            let mut client = union_ledger::store::sql::pg::connect_client(url).unwrap();
            client
                .query(&union_ledger::store::sql::dialect::to_postgres(sql), &[])
                .unwrap()
                .iter()
                .map(|row| (row.get(0), row.get(1)))
                .collect()
        }
        None => {
            let conn = rusqlite::Connection::open_with_flags(
                db,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .unwrap();
            conn.prepare(sql)
                .unwrap()
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        }
    }
}

/// A demo ledger with no spending rules, 2026Q1 closed, and one approved claim per
/// worker waiting to be paid. Returns the ledger and each worker's (member, claim).
fn prepare(dir: &Path, server: Option<&str>) -> (PathBuf, Vec<(String, String)>) {
    let db = match server {
        Some(server) => PathBuf::from(fresh_database(server)),
        None => dir.join("ledger.db"),
    };
    must(
        &db,
        &["demo", "--members", "200", "--years", "1", "--seed", "3"],
    );
    must(&db, &["rules", "preset", "empty"]);
    must(&db, &["period", "close", "--period", "2026Q1"]);
    let enrolled = query_pairs(
        &db,
        "SELECT p.name, m.employee_no FROM enrolments e JOIN plans p ON p.id = e.plan_id
         JOIN members m ON m.id = e.member_id WHERE p.name LIKE '%住院%'
         ORDER BY m.employee_no LIMIT 8",
    );
    assert_eq!(enrolled.len(), WORKERS);
    let mut workers = Vec::new();
    for (plan, member) in enrolled {
        let added = must(
            &db,
            &[
                "claim",
                "add",
                "--plan",
                &plan,
                "--member",
                &member,
                "--illness",
                "肺炎",
                "--admission",
                "2026-11-01",
                "--discharge",
                "2026-11-10",
                "--total",
                "10000",
                "--eligible",
                "8000",
            ],
        );
        let id = added
            .strip_prefix("已登记理赔 ")
            .and_then(|rest| rest.split('：').next())
            .unwrap()
            .to_string();
        must(&db, &["claim", "submit", &id]);
        must(&db, &["claim", "approve", &id, "--amount", "500"]);
        workers.push((member, id));
    }
    (db, workers)
}

/// The 50 writes of worker `w`; the one inside the closed quarter is expected to be
/// refused.
fn script(dir: &Path, w: usize, member: &str, claim: &str) -> Vec<(Vec<String>, bool)> {
    let strings = |args: &[&str]| args.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut writes = Vec::new();
    for k in 0..WRITES {
        let note = format!("W{w}-{k}");
        let day = format!("2026-11-{:02}", 1 + (k % 28));
        let args = match k {
            10 => strings(&[
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
                "--department",
                "内科",
                "--approval-date",
                "2026-11-01",
                "--minutes",
                &note,
            ]),
            20 => strings(&[
                "visit",
                "add",
                "--member",
                member,
                "--reason",
                "生病住院",
                "--date",
                &day,
                "--money",
                "100",
                "--note",
                &note,
            ]),
            30 => strings(&["claim", "pay", claim, "--date", &day]),
            15 | 35 => {
                let roster = dir.join(format!("roster-{w}-{k}.csv"));
                std::fs::write(
                    &roster,
                    format!("工号,姓名,性别,部门,是否会员,会费\n{member},改名{w}{k},女,外科{k},是,已缴\n"),
                )
                .unwrap();
                vec![
                    "member".to_string(),
                    "import".to_string(),
                    roster.display().to_string(),
                ]
            }
            40 => strings(&[
                "entry",
                "add",
                "--kind",
                "支出",
                "--category",
                "生病住院",
                "--member",
                member,
                "--amount",
                "1",
                "--date",
                "2026-02-10",
                "--note",
                &note,
            ]),
            k if k % 2 == 0 => strings(&[
                "entry", "add", "--kind", "收入", "--source", "会费", "--amount", "10.01",
                "--date", &day, "--note", &note,
            ]),
            _ => strings(&[
                "entry",
                "add",
                "--kind",
                "支出",
                "--category",
                "生病住院",
                "--member",
                member,
                "--amount",
                "1.5",
                "--date",
                &day,
                "--note",
                &note,
            ]),
        };
        writes.push((args, k != 40));
    }
    writes
}

/// Runs the scenario; `Err` names the first thing that went wrong.
fn scenario(skip_turns: bool, server: Option<&str>) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let (db, workers) = prepare(dir.path(), server);
    let entries_before = query_i64(&db, "SELECT count(*) FROM entries");
    let scripts: Vec<_> = workers
        .iter()
        .enumerate()
        .map(|(w, (member, claim))| script(dir.path(), w, member, claim))
        .collect();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let failures = std::thread::scope(|scope| {
        // The ninth program: a roster import of 500 members, killed mid-write over and
        // over until the others are done, and at least `CRASH_RUNS` times (the README
        // records a run of 1,000).
        let least_kills: usize = if skip_turns {
            0
        } else {
            std::env::var("CRASH_RUNS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        let killer = {
            let db = db.clone();
            let stop = stop.clone();
            let dir = dir.path().to_path_buf();
            scope.spawn(move || {
                let mut text = String::from("工号,姓名,性别,部门,是否会员,会费\n");
                for n in 0..500 {
                    text.push_str(&format!("K{n},被杀{n},男,后勤,是,已缴\n"));
                }
                let roster = dir.join("killed.csv");
                std::fs::write(&roster, text).unwrap();
                let mut kills = 0;
                let mut pause = 5;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) || kills < least_kills {
                    let mut child = binary(&db, skip_turns)
                        .args(["member", "import"])
                        .arg(&roster)
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .spawn()
                        .unwrap();
                    std::thread::sleep(Duration::from_millis(pause));
                    pause = 5 + (pause * 7) % 40;
                    if child.try_wait().unwrap().is_none() {
                        kills += 1;
                    }
                    let _ = child.kill();
                    let _ = child.wait();
                }
                kills
            })
        };
        let handles: Vec<_> = scripts
            .into_iter()
            .enumerate()
            .map(|(w, writes)| {
                let db = db.clone();
                scope.spawn(move || {
                    let mut failures = Vec::new();
                    for (args, should_succeed) in writes {
                        let output = binary(&db, skip_turns).args(&args).output().unwrap();
                        let stderr = String::from_utf8_lossy(&output.stderr);
                        if should_succeed && !output.status.success() {
                            failures.push(format!("worker {w} {args:?}: {stderr}"));
                        }
                        if !should_succeed && !stderr.contains("已结账") {
                            failures.push(format!(
                                "worker {w}: a write inside the closed quarter was not refused: {stderr}"
                            ));
                        }
                    }
                    failures
                })
            })
            .collect();
        let failures: Vec<String> = handles
            .into_iter()
            .flat_map(|handle| handle.join().unwrap())
            .collect();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let kills = killer.join().unwrap();
        assert!(kills > 0, "the ninth program was never killed mid-write");
        failures
    });
    if let Some(first) = failures.first() {
        return Err(format!(
            "{} writes failed; the first: {first}",
            failures.len()
        ));
    }
    let verify = run(&db, &["verify"]);
    if !verify.status.success() {
        return Err(format!(
            "verify: {}{}",
            String::from_utf8_lossy(&verify.stdout),
            String::from_utf8_lossy(&verify.stderr)
        ));
    }
    // Each worker's 44 single entries are all there (and its batch, visit and claim
    // payment, checked below and by the totals).
    let singles = query_i64(
        &db,
        "SELECT count(*) FROM entries WHERE note LIKE 'W%-%' AND batch_id IS NULL AND visit_id IS NULL",
    );
    let expected_singles = (WORKERS * (WRITES - 6)) as i64;
    if singles != expected_singles {
        return Err(format!(
            "{singles} single entries written, expected {expected_singles}"
        ));
    }
    let visits = query_i64(&db, "SELECT count(*) FROM visits WHERE note LIKE 'W%-%'");
    let batches = query_i64(
        &db,
        "SELECT count(*) FROM batches b JOIN approvals a ON a.id = b.approval_id
         WHERE a.minutes_no LIKE 'W%-%'",
    );
    if visits != WORKERS as i64 || batches != WORKERS as i64 {
        return Err(format!("{visits} visits and {batches} batches written"));
    }
    let paid = query_i64(
        &db,
        "SELECT count(*) FROM claims WHERE paid_entry_id IS NOT NULL",
    );
    if paid < WORKERS as i64 {
        return Err(format!("{paid} claims paid"));
    }
    let gaps = query_i64(
        &db,
        "SELECT count(*) FROM (SELECT voucher_year FROM entries GROUP BY voucher_year
         HAVING min(voucher_seq) <> 1 OR max(voucher_seq) <> count(*)
             OR count(DISTINCT voucher_seq) <> count(*)) AS years",
    );
    if gaps != 0 {
        return Err("voucher numbers are not contiguous".to_string());
    }
    let totals_off = query_i64(
        &db,
        "SELECT count(*) FROM (
             SELECT fund_id, year,
                    sum(CASE WHEN kind = 'income' THEN delta_fen ELSE 0 END) AS income,
                    sum(CASE WHEN kind = 'disbursement' THEN -delta_fen ELSE 0 END) AS spending
             FROM entries GROUP BY fund_id, year) s
         LEFT JOIN fund_year_totals t USING (fund_id, year)
         WHERE t.income_fen IS NOT s.income OR t.spending_fen IS NOT s.spending",
    );
    if totals_off != 0 {
        return Err(format!(
            "{totals_off} funds' kept totals differ from their entries"
        ));
    }
    let forks = query_i64(
        &db,
        "SELECT count(*) FROM (SELECT prev_hash FROM change_log GROUP BY prev_hash HAVING count(*) > 1) AS forks",
    );
    if forks != 0 {
        return Err("two log rows share a previous hash".to_string());
    }
    let written = query_i64(&db, "SELECT count(*) FROM entries") - entries_before;
    if written < expected_singles {
        return Err(format!("only {written} entries written"));
    }
    Ok(())
}

#[test]
fn eight_programs_write_at_once_while_a_ninth_is_killed_and_the_books_stay_right() {
    if let Err(problem) = scenario(false, None) {
        panic!("{problem}");
    }
}

#[test]
fn without_turn_taking_the_same_scenario_fails() {
    let result = scenario(true, None);
    // What went wrong, for the record (`--nocapture`).
    eprintln!("without turn-taking: {result:?}");
    assert!(result.is_err(), "the scenario passed without turn-taking");
}

#[test]
fn eight_clerks_write_to_one_server_ledger_while_a_ninth_is_killed() {
    let Some(server) = server() else { return };
    if let Err(problem) = scenario(false, Some(&server)) {
        panic!("{problem}");
    }
}

#[test]
fn without_the_advisory_lock_the_server_scenario_fails() {
    let Some(server) = server() else { return };
    let result = scenario(true, Some(&server));
    eprintln!("without the advisory lock: {result:?}");
    assert!(
        result.is_err(),
        "the scenario passed without the advisory lock"
    );
}

#[test]
fn a_killed_program_leaves_nothing_that_stops_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    must(&db, &["init"]);
    // A program holding the ledger open (a long import), killed.
    let mut text = String::from("工号,姓名,性别,部门,是否会员,会费\n");
    for n in 0..3000 {
        text.push_str(&format!("K{n},被杀{n},男,后勤,是,已缴\n"));
    }
    let roster = dir.path().join("big.csv");
    std::fs::write(&roster, text).unwrap();
    let mut child = binary(&db, false)
        .args(["member", "import"])
        .arg(&roster)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Until it has the ledger open (its mark is there), then kill it.
    let sessions = union_ledger::store::sessions_dir(&db);
    for _ in 0..400 {
        let open = std::fs::read_dir(&sessions).is_ok_and(|entries| {
            entries
                .filter_map(Result::ok)
                .any(|e| e.path().extension().is_some_and(|x| x == "open"))
        });
        if open {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    // The next program writes at once: no lock to delete, no read-only fallback.
    let output = run(
        &db,
        &[
            "entry", "add", "--kind", "收入", "--source", "会费", "--amount", "10",
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("只读"), "{stderr}");
    assert!(!stderr.contains("锁"), "{stderr}");
    assert!(!db.with_file_name("ledger.db.lock").exists());
    assert!(must(&db, &["verify"]).contains("完整"));
}

#[test]
fn a_write_that_waits_says_so_and_one_that_times_out_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    must(&db, &["init"]);
    // Another program holds the write turn.
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let output = run(
        &db,
        &[
            "--wait", "1", "entry", "add", "--kind", "收入", "--source", "会费", "--amount", "10",
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("正在等待另一处写入完成…"), "{stderr}");
    assert!(
        stderr
            .contains("另一处（窗口或命令）正在写入台账，等了 1 秒仍未轮到；本次没有写入任何内容"),
        "{stderr}"
    );
    holder.execute_batch("ROLLBACK").unwrap();
    assert_eq!(query_i64(&db, "SELECT count(*) FROM entries"), 0);
    // Released within the wait: the write goes through after waiting.
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let waiting = binary(&db, false)
        .args([
            "--wait", "20", "entry", "add", "--kind", "收入", "--source", "会费", "--amount", "10",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    holder.execute_batch("COMMIT").unwrap();
    let output = waiting.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("正在等待另一处写入完成…"), "{stderr}");
    assert_eq!(query_i64(&db, "SELECT count(*) FROM entries"), 1);
    // A bad --wait is named.
    let output = run(&db, &["--wait", "soon", "balance"]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("不是 0 到 86400 之间的整秒数"));
}
