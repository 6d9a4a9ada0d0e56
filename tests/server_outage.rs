//! The server stops in the middle of a holiday batch to ten thousand members: the
//! command says so in the clerk's words, and once the server is back nothing of the
//! batch is there — no entry, no batch, no log row — and `verify` passes.
//!
//! This test stops its server, so it starts a cluster of its own with `.ci/pg-server`
//! (root, Debian's `postgresql` installed); without those it says so and passes, except
//! under `CI=true`.

#![cfg(unix)]

#[path = "support/cluster.rs"]
mod cluster;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cluster::Cluster;

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

/// A new ledger on the server with ten thousand members in service; returns the counts
/// of entries and change-log rows it then has.
fn ten_thousand_members(db: &str) -> (i64, i64) {
    let dir = tempfile::tempdir().unwrap();
    must(db, &["init"]);
    must(db, &["rules", "preset", "empty"]);
    let roster: PathBuf = dir.path().join("roster.csv");
    let mut text = String::from("工号,姓名,性别,部门,是否会员,会费\n");
    for n in 0..10_000 {
        text.push_str(&format!("P{n:05},职工{n},女,内科,是,已缴\n"));
    }
    std::fs::write(&roster, text).unwrap();
    must(db, &["member", "import", roster.to_str().unwrap()]);
    (
        count(db, "SELECT count(*) FROM entries"),
        count(db, "SELECT count(*) FROM change_log"),
    )
}

/// Waits until a write holds the ledger's advisory lock (its transaction has begun),
/// calling `meanwhile` between looks.
fn until_writing(db: &str, mut meanwhile: impl FnMut()) {
    let started = Instant::now();
    while count(
        db,
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted",
    ) == 0
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the batch never started"
        );
        meanwhile();
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn the_server_stopped_mid_batch_leaves_nothing_half_written() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let db = cluster.url.clone();
    let (entries_before, log_before) = ten_thousand_members(&db);

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
    until_writing(&db, || {});
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

    cluster.restart();
    assert_eq!(count(&db, "SELECT count(*) FROM entries"), entries_before);
    assert_eq!(count(&db, "SELECT count(*) FROM batches"), 0);
    assert_eq!(count(&db, "SELECT count(*) FROM change_log"), log_before);
    assert!(must(&db, &["verify"]).contains("完整"));
    // And the same batch goes through now.
    let done = must(&db, &batch);
    assert!(done.contains("10000"), "{done}");
}

/// Steps the window until `done` holds, for at most a minute; returns how many frames
/// it drew meanwhile (each step is one whole frame: the window was not frozen).
fn step_until(
    harness: &mut egui_kittest::Harness<'_, union_ledger::ui::app::LedgerApp>,
    what: &str,
    mut done: impl FnMut(&mut egui_kittest::Harness<'_, union_ledger::ui::app::LedgerApp>) -> bool,
) -> usize {
    let started = Instant::now();
    let mut frames = 0;
    while !done(harness) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{what}: not within a minute"
        );
        harness.step();
        frames += 1;
        std::thread::sleep(Duration::from_millis(5));
    }
    frames
}

fn notice(harness: &egui_kittest::Harness<'_, union_ledger::ui::app::LedgerApp>) -> String {
    use union_ledger::ui::command::Notice;
    match &harness.state().notice {
        Some(Notice::Info(text) | Notice::Error(text)) => text.clone(),
        None => String::new(),
    }
}

#[test]
fn the_window_keeps_drawing_while_the_server_stops_mid_batch_and_connects_again() {
    use egui_kittest::kittest::Queryable;
    use std::sync::Arc;
    use union_ledger::core::batch::{BatchGroup, BatchSpec};
    use union_ledger::core::date::FixedClock;
    use union_ledger::core::model::{Approval, PaymentForm};
    use union_ledger::ui::app::LedgerApp;
    use union_ledger::ui::command::Command;
    use union_ledger::ui::dialogs::ScriptedDialogs;
    use union_ledger::ui::screens::batches::BatchCommand;

    let Some(cluster) = Cluster::start() else {
        return;
    };
    let db = cluster.url.clone();
    let (entries_before, log_before) = ten_thousand_members(&db);

    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 20).unwrap();
    let url = PathBuf::from(&db);
    let mut harness = egui_kittest::Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            union_ledger::ui::fonts::install_fonts(&cc.egui_ctx);
            LedgerApp::new(
                url,
                Arc::new(FixedClock::at_date(today)),
                Box::new(ScriptedDialogs::default()),
            )
        });
    step_until(&mut harness, "the opening check", |h| {
        h.state()
            .session
            .as_ref()
            .is_some_and(|s| s.chain_check.is_none() && s.job.is_none())
    });

    // The batch the 节日慰问 screen sends when the clerk confirms it: 300 元 to every
    // member in service.
    let spec = {
        let data = &harness.state().session.as_ref().unwrap().data;
        let category = data.categories.iter().find(|c| c.name == "春节").unwrap();
        BatchSpec {
            category_id: category.id,
            fund_id: category.default_fund_id.unwrap(),
            date: today,
            item: "年货".into(),
            amount_fen: 30_000,
            payment_form: PaymentForm::Goods,
            approval: Approval {
                decided_on: today.pred_opt().unwrap(),
                minutes_no: "2026-1".into(),
                approver: "张主席".into(),
            },
            group: BatchGroup::in_service(),
            handler: "王干事".into(),
            note: String::new(),
        }
    };
    harness
        .state_mut()
        .push_command(Command::Batch(BatchCommand::Commit(spec)));
    harness.step();
    // The frame that sent the batch came back while the batch was still being
    // written, and the status bar says what runs.
    assert!(
        harness.state().is_busy(),
        "the batch ran on the window's thread"
    );
    harness.step();
    harness.get_by_label_contains("正在提交批次");

    // Once the batch's transaction holds the ledger's lock the server goes down.
    let mut frames = 0;
    until_writing(&db, || {
        harness.step();
        frames += 1;
    });
    cluster.pg_ctl(&["-m", "immediate", "-w", "stop"]);
    frames += step_until(&mut harness, "the batch's end", |h| !h.state().is_busy());
    assert!(frames > 0, "the window drew no frame while the batch ran");
    let said = notice(&harness);
    eprintln!("the window when the server stopped: {said}");
    assert!(said.contains("服务器"), "{said}");
    assert!(said.contains("断开") || said.contains("停止"), "{said}");
    assert!(!said.contains("terminating connection"), "{said}");
    // The batch form is kept for another try; the window stays on its screen.
    assert!(harness.state().batches.error.is_some());

    // The window keeps drawing with the server gone, and says so.
    for _ in 0..20 {
        harness.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(notice(&harness).contains("服务器"), "{}", notice(&harness));

    cluster.restart();
    step_until(&mut harness, "connecting again", |h| {
        notice(h).contains("已重新连接到服务器")
    });
    assert_eq!(count(&db, "SELECT count(*) FROM entries"), entries_before);
    assert_eq!(count(&db, "SELECT count(*) FROM batches"), 0);
    assert_eq!(count(&db, "SELECT count(*) FROM change_log"), log_before);
    assert!(must(&db, &["verify"]).contains("完整"));
}
