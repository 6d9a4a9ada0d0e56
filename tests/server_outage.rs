//! The server stops in the middle of a holiday batch to ten thousand members: the
//! command says so in the clerk's words, and once the server is back nothing of the
//! batch is there — no entry, no batch, no log row — and `verify` passes.
//!
//! This test stops its server, so it starts a cluster of its own with `.ci/pg-server`
//! (root, Debian's `postgresql` installed); without those it says so and passes, except
//! under `CI=true`.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Cluster {
    dir: String,
    url: String,
}

impl Cluster {
    fn start() -> Option<Cluster> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/pg-server");
        let output = Command::new(&script).arg("start").output().ok()?;
        if !output.status.success() {
            assert!(
                std::env::var("CI").map_or(true, |ci| ci != "true"),
                "CI must run the server outage test: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            eprintln!(
                "skipped: cannot start a PostgreSQL cluster here ({})",
                String::from_utf8_lossy(&output.stderr).trim()
            );
            return None;
        }
        let text = String::from_utf8_lossy(&output.stdout);
        let value = |name: &str| {
            text.lines()
                .find_map(|line| line.strip_prefix(&format!("export {name}=")))
                .map(|value| value.trim_matches('\'').to_string())
                .unwrap()
        };
        Some(Cluster {
            dir: value("UNION_LEDGER_PG_DIR"),
            url: value("UNION_LEDGER_TEST_PG"),
        })
    }

    fn pg_ctl(&self, args: &[&str]) {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .unwrap()
            .filter_map(Result::ok)
            .map(|entry| entry.path().join("bin/pg_ctl"))
            .max()
            .unwrap();
        let status = Command::new("runuser")
            .args(["-u", "union_ledger_pg", "--"])
            .arg(bin)
            .args(["-D", &format!("{}/data", self.dir)])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "pg_ctl {args:?}");
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/pg-server");
        let _ = Command::new(script).args(["stop", &self.dir]).status();
    }
}

fn binary(db: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_union-ledger"));
    command.arg("--db").arg(db);
    command
}

fn must(db: &str, args: &[&str]) -> String {
    let output = binary(db).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn count(url: &str, sql: &str) -> i64 {
    let mut client = union_ledger::store::sql::pg::connect_client(url).unwrap();
    client.query_one(sql, &[]).unwrap().get(0)
}

#[test]
fn the_server_stopped_mid_batch_leaves_nothing_half_written() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let db = cluster.url.clone();
    let dir = tempfile::tempdir().unwrap();
    must(&db, &["init"]);
    must(&db, &["rules", "preset", "empty"]);
    let roster: PathBuf = dir.path().join("roster.csv");
    let mut text = String::from("工号,姓名,性别,部门,是否会员,会费\n");
    for n in 0..10_000 {
        text.push_str(&format!("P{n:05},职工{n},女,内科,是,已缴\n"));
    }
    std::fs::write(&roster, text).unwrap();
    must(&db, &["member", "import", roster.to_str().unwrap()]);
    let entries_before = count(&db, "SELECT count(*) FROM entries");
    let log_before = count(&db, "SELECT count(*) FROM change_log");

    // A holiday batch to all ten thousand.
    let batch = [
        "batch",
        "commit",
        "--category",
        "春节",
        "--date",
        "2026-01-20",
        "--amount",
        "300",
        "--item",
        "年货",
        "--approval-date",
        "2026-01-10",
        "--minutes",
        "2026-1",
    ];
    let child = binary(&db)
        .args(batch)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Until the batch is being written (its transaction holds the ledger's lock), then
    // the server goes down at once, as a power cut or a crash would take it.
    let started = Instant::now();
    loop {
        let writing = count(
            &db,
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted",
        );
        if writing > 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the batch never started"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    cluster.pg_ctl(&["-m", "immediate", "-w", "stop"]);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    // What the clerk read, for the record (`--nocapture`).
    eprintln!("the batch when the server stopped: {stderr}");
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("服务器") && (stderr.contains("断开") || stderr.contains("停止")),
        "{stderr}"
    );
    assert!(!stderr.contains("terminating connection"), "{stderr}");

    cluster.pg_ctl(&[
        "-w",
        "-l",
        &format!("{}/server.log", cluster.dir),
        "-o",
        &format!("-k {} -c listen_addresses=''", cluster.dir),
        "start",
    ]);
    assert_eq!(count(&db, "SELECT count(*) FROM entries"), entries_before);
    assert_eq!(count(&db, "SELECT count(*) FROM batches"), 0);
    assert_eq!(count(&db, "SELECT count(*) FROM change_log"), log_before);
    assert!(must(&db, &["verify"]).contains("完整"));
    // And the same batch goes through now.
    let done = must(&db, &batch);
    assert!(done.contains("10000"), "{done}");
}
