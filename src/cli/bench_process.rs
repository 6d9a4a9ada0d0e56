//! Whole-process figures for `bench`: the real binary started, run and ended, as a
//! script or a clerk at the terminal meets it, and the window's open-to-first-frame.
//! When `hledger` is on PATH, the same entries exported as a journal and `hledger bal`
//! timed for the same quarter beside `report quarterly`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

use super::bench::{BenchReport, BenchRow};
use crate::core::date::{Clock, Period};
use crate::core::model::EntryKind;
use crate::store::{Ledger, LedgerFilter, LedgerOrder};

/// The longest acceptable whole-process time for a command on a real union's ledger.
pub const COMMAND_TARGET_MS: f64 = 30.0;
/// The longest acceptable time from opening a ledger to the window's first frame.
pub const FIRST_FRAME_TARGET_MS: f64 = 100.0;
/// How many times `report quarterly` must beat `hledger bal` on the same quarter.
pub const HLEDGER_RATIO_TARGET: f64 = 100.0;
/// How much longer 8 writer processes at once may take than one writing as much.
pub const WRITERS_SLOWDOWN_TARGET: f64 = 1.5;
/// How much longer `verify` may take than `sha256sum` reading the same file.
pub const VERIFY_SLOWDOWN_TARGET: f64 = 2.0;
/// Writer processes and entries each writes.
const WRITERS: usize = 8;
const ENTRIES_PER_WRITER: usize = 200;
/// How often each process is run (`verify` on the stress ledger fewer times: seconds).
const PROCESS_RUNS: usize = 7;

/// Times the binary's `balance`, `report quarterly --format json`, `entry add` and
/// `verify` on the ledger at `path`, each as a whole process. `entry add` runs on a
/// copy, so the bench ledger stays as it was. `target_ms` applies to all but
/// `verify`, which reads every page and every entry.
pub fn command_rows(
    path: &Path,
    size: &str,
    dir: &Path,
    clock: &dyn Clock,
    target_ms: Option<f64>,
    verify_runs: usize,
) -> anyhow::Result<Vec<BenchRow>> {
    let quarter = Period::quarter_of(clock.today());
    let quarter_text = quarter_label(quarter);
    let mut rows = Vec::new();
    let read_only: [(&str, Vec<String>); 2] = [
        ("balance", vec!["balance".into()]),
        (
            "report quarterly --format json",
            quarterly_args(&quarter_text),
        ),
    ];
    for (name, args) in read_only {
        rows.push(BenchRow::measure(
            format!("整个进程：{name}（{size}）"),
            target_ms,
            PROCESS_RUNS,
            |_| run_binary(path, &args),
        )?);
    }
    let copy = dir.join(format!("bench-process-{}.db", std::process::id()));
    copy_to_disk(path, &copy)?;
    let date = crate::core::date::format_date(clock.today());
    let entry_add = BenchRow::measure(
        format!("整个进程：entry add（{size}）"),
        target_ms,
        PROCESS_RUNS,
        |run| {
            run_binary(
                &copy,
                &[
                    "entry".into(),
                    "add".into(),
                    "--kind".into(),
                    "收入".into(),
                    "--source".into(),
                    "会费".into(),
                    "--amount".into(),
                    format!("{}", 100 + run),
                    "--date".into(),
                    date.clone(),
                ],
            )
        },
    );
    remove_ledger_files(&copy);
    rows.push(entry_add?);
    rows.push(BenchRow::measure(
        format!("整个进程：verify，完整性检查与变更日志（{size}）"),
        None,
        verify_runs,
        |_| run_binary(path, &["verify".into()]),
    )?);
    Ok(rows)
}

/// The window's time from opening the ledger to its first frame drawn (首页), against
/// the target, and its two parts as figures to watch.
pub fn first_frame_rows(
    path: &Path,
    size: &str,
    clock: &dyn Clock,
) -> anyhow::Result<Vec<BenchRow>> {
    let window = super::bench::window_bench().context("本程序未接入窗口，无法测量打开到第一帧")?;
    let clock: std::sync::Arc<dyn Clock> =
        std::sync::Arc::new(crate::core::date::FixedClock(clock.now()));
    let times = window.open_to_first_frame(path, clock, 5);
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    Ok(vec![
        BenchRow {
            name: format!("窗口打开台账到第一帧（{size}）"),
            samples_ms: times.iter().map(|(a, b)| ms(*a + *b)).collect(),
            target_ms: Some(FIRST_FRAME_TARGET_MS),
            by_median: false,
        },
        BenchRow {
            name: "　其中：打开台账并读取首页数据".to_string(),
            samples_ms: times.iter().map(|(a, _)| ms(*a)).collect(),
            target_ms: None,
            by_median: false,
        },
        BenchRow {
            name: "　其中：第一帧（布局、字形、细分）".to_string(),
            samples_ms: times.iter().map(|(_, b)| ms(*b)).collect(),
            target_ms: None,
            by_median: false,
        },
    ])
}

/// `report quarterly` beside `hledger bal` for the same quarter over the same
/// entries, when `hledger` is on PATH: both rows and the ratio of their medians.
pub fn hledger_rows(
    path: &Path,
    size: &str,
    dir: &Path,
    clock: &dyn Clock,
    report: &mut BenchReport,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let found = Command::new("hledger")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !found.is_ok_and(|status| status.success()) {
        writeln!(out, "未找到 hledger，跳过与 hledger 的对比。")?;
        return Ok(());
    }
    let quarter = Period::quarter_of(clock.today());
    let journal = dir.join(format!("bench-{}.journal", std::process::id()));
    let exported = export_journal(path, &journal)?;
    writeln!(
        out,
        "已导出 {exported} 笔凭证到 hledger 日记账：{}",
        journal.display()
    )?;
    let quarter_text = quarter_label(quarter);
    let ours = BenchRow::measure(
        format!("整个进程：report quarterly --format json（{size}，与 hledger 对比）"),
        None,
        PROCESS_RUNS,
        |_| run_binary(path, &quarterly_args(&quarter_text)),
    )?;
    let theirs = BenchRow::measure(
        format!("整个进程：hledger bal -p {quarter_text}（同一批凭证）"),
        None,
        3,
        |_| {
            let status = Command::new("hledger")
                .arg("-f")
                .arg(&journal)
                .args(["bal", "-p", &quarter_text])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .context("无法运行 hledger")?;
            if !status.success() {
                bail!("hledger 退出码 {status}");
            }
            Ok(())
        },
    );
    let _ = std::fs::remove_file(&journal);
    let theirs = theirs?;
    let ratio = theirs.median_ms() / ours.median_ms().max(0.001);
    writeln!(
        out,
        "report quarterly 比 hledger bal 快 {ratio:.0} 倍（中位数 {:.1} ms 对 {:.0} ms；目标至少 {HLEDGER_RATIO_TARGET:.0} 倍）{}",
        ours.median_ms(),
        theirs.median_ms(),
        if ratio >= HLEDGER_RATIO_TARGET {
            "✓"
        } else {
            "✗"
        }
    )?;
    report.push(ours);
    report.push(theirs);
    report.hledger_ratio = Some(ratio);
    Ok(())
}

/// Writes every entry of the ledger at `path` as an hledger journal: the fund's
/// account against the category or income source, in 元. Returns how many entries.
fn export_journal(path: &Path, journal: &Path) -> anyhow::Result<i64> {
    let clock = crate::core::date::SystemClock;
    let ledger = Ledger::open_read_only(path, &clock)?;
    let index = ledger.ledger_index(&LedgerFilter::default())?;
    let file = std::fs::File::create(journal)
        .with_context(|| format!("无法写入“{}”", journal.display()))?;
    let mut writer = std::io::BufWriter::new(file);
    const PAGE: i64 = 10_000;
    let mut offset = 0;
    while offset < index.count {
        for row in ledger.ledger_page(&index, LedgerOrder::OldestFirst, offset, PAGE)? {
            let counter = match row.entry.kind {
                EntryKind::Income => "收入",
                _ => "支出",
            };
            let item = if row.item_name.is_empty() {
                "未分类".to_string()
            } else {
                row.item_name.replace(" / ", ":")
            };
            writeln!(
                writer,
                "{} {}\n    资金:{}  {}\n    {counter}:{item}\n",
                row.entry.date.format("%Y-%m-%d"),
                row.voucher_no,
                row.fund_name,
                crate::core::money::format_fen_plain(row.delta_fen),
            )?;
        }
        offset += PAGE;
    }
    writer.flush()?;
    Ok(index.count)
}

/// `report quarterly --period 2026Q4 --format json`.
fn quarterly_args(quarter: &str) -> Vec<String> {
    [
        "report",
        "quarterly",
        "--period",
        quarter,
        "--format",
        "json",
    ]
    .map(String::from)
    .to_vec()
}

/// `2026Q4`.
fn quarter_label(quarter: Period) -> String {
    use chrono::Datelike;
    format!(
        "{}Q{}",
        quarter.start.year(),
        crate::core::date::quarter_number(quarter.start)
    )
}

/// Runs this program on `ledger` with `args`; fails with what it printed when it
/// does not succeed.
fn run_binary(ledger: &Path, args: &[String]) -> anyhow::Result<()> {
    let exe = std::env::current_exe().context("找不到本程序的路径")?;
    let output = Command::new(exe)
        .arg("--db")
        .arg(ledger)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .context("无法启动本程序")?;
    if !output.status.success() {
        bail!(
            "{} 失败：{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

/// Copies a bench ledger and waits until the copy is on disk: otherwise the first
/// write's sync (SQLite's checkpoint when the process ends) also waits for the
/// hundreds of megabytes the copy left in the page cache, which no real ledger has.
pub fn copy_to_disk(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::copy(from, to).with_context(|| format!("无法复制测试台账到“{}”", to.display()))?;
    std::fs::File::open(to)
        .and_then(|file| file.sync_all())
        .with_context(|| format!("无法写入“{}”", to.display()))
}

/// Removes a scratch ledger with its WAL, shared-memory, session marks and backups.
fn remove_ledger_files(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(PathBuf::from(format!("{}{suffix}", path.display())));
    }
    let _ = std::fs::remove_dir_all(crate::store::sessions_dir(path));
    for backup in crate::store::automatic_backups(path) {
        let _ = std::fs::remove_file(backup);
    }
}

/// The hidden writer mode of `bench`: `count` income entries into `ledger`, each its
/// own write transaction taking its turn, as a clerk's program would.
pub fn write_entries(ledger: &Path, count: usize, clock: &dyn Clock) -> anyhow::Result<()> {
    let mut ledger = Ledger::open_existing(ledger, clock)?;
    let source = ledger
        .income_sources()?
        .into_iter()
        .find(|source| source.name == "会费")
        .context("台账中没有“会费”收入来源")?;
    let fund_id = source.default_fund_id.context("“会费”没有默认资金")?;
    for n in 0..count {
        let entry = crate::core::model::NewEntry {
            kind: EntryKind::Income,
            date: clock.today(),
            fund_id,
            category_id: None,
            source_id: Some(source.id),
            member_id: None,
            amount_fen: 1_000 + n as i64,
            payment_form: crate::core::model::PaymentForm::Transfer,
            handler: "性能测试".to_string(),
            note: format!("写入进程 {}", std::process::id()),
        };
        ledger.add_entry(&entry, clock)?;
    }
    Ok(())
}

/// 8 processes writing 200 entries each at once, beside one process writing the same
/// 1,600: taking turns per transaction must not cost more than half again.
pub fn writers_rows(
    path: &Path,
    size: &str,
    dir: &Path,
    report: &mut BenchReport,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let exe = std::env::current_exe().context("找不到本程序的路径")?;
    let writer = |ledger: &Path, entries: usize| {
        Command::new(&exe)
            .args(["bench", "--writer-into"])
            .arg(ledger)
            .args(["--writer-entries", &entries.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .context("无法启动本程序")
    };
    let finish = |child: std::process::Child| -> anyhow::Result<()> {
        let output = child.wait_with_output()?;
        if !output.status.success() {
            bail!(
                "写入进程失败：{}",
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        Ok(())
    };
    let total = WRITERS * ENTRIES_PER_WRITER;
    let copy = dir.join(format!("bench-writers-{}.db", std::process::id()));
    let entries_before =
        Ledger::open_read_only(path, &crate::core::date::SystemClock)?.entry_count()?;
    // Each run on a fresh copy of the ledger; only the writing is timed.
    let timed = |processes: usize| -> anyhow::Result<Vec<f64>> {
        let mut samples = Vec::new();
        for _ in 0..3 {
            copy_to_disk(path, &copy)?;
            let started = std::time::Instant::now();
            let children = (0..processes)
                .map(|_| writer(&copy, total / processes))
                .collect::<anyhow::Result<Vec<_>>>()?;
            for child in children {
                finish(child)?;
            }
            samples.push(started.elapsed().as_secs_f64() * 1000.0);
            let written =
                Ledger::open_read_only(&copy, &crate::core::date::SystemClock)?.entry_count()?;
            remove_ledger_files(&copy);
            if written != entries_before + total as i64 {
                bail!(
                    "写入后凭证为 {written} 笔，应为 {}",
                    entries_before + total as i64
                );
            }
        }
        Ok(samples)
    };
    let alone = BenchRow {
        name: format!("1 个进程依次写 {total} 笔凭证（{size}）"),
        samples_ms: timed(1)?,
        target_ms: None,
        by_median: false,
    };
    let together = BenchRow {
        name: format!("{WRITERS} 个进程同时各写 {ENTRIES_PER_WRITER} 笔（同一台账）"),
        samples_ms: timed(WRITERS)?,
        target_ms: None,
        by_median: false,
    };
    let slowdown = together.median_ms() / alone.median_ms().max(0.001);
    writeln!(
        out,
        "{WRITERS} 个进程同时写入用时是 1 个进程的 {slowdown:.2} 倍（目标至多 {WRITERS_SLOWDOWN_TARGET} 倍）{}",
        if slowdown <= WRITERS_SLOWDOWN_TARGET {
            "✓"
        } else {
            "✗"
        }
    )?;
    report.push(alone);
    report.push(together);
    report
        .slowdowns
        .push(("同时写入".to_string(), slowdown, WRITERS_SLOWDOWN_TARGET));
    Ok(())
}

/// `verify` (SQLite's full integrity check, the chain, every entry's hash, every
/// table replayed) beside `sha256sum` reading the same file's bytes.
pub fn verify_beside_sha256_rows(
    path: &Path,
    size: &str,
    report: &mut BenchReport,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let found = Command::new("sha256sum")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !found.is_ok_and(|status| status.success()) {
        writeln!(out, "未找到 sha256sum，跳过 verify 与它的对比。")?;
        return Ok(());
    }
    let verify = BenchRow::measure(
        format!("整个进程：verify（{size}，与 sha256sum 对比）"),
        None,
        3,
        |_| run_binary(path, &["verify".into()]),
    )?;
    let sha = BenchRow::measure(
        "整个进程：sha256sum 同一文件".to_string(),
        None,
        3,
        |_| {
            let status = Command::new("sha256sum")
                .arg(path)
                .stdout(Stdio::null())
                .status()
                .context("无法运行 sha256sum")?;
            if !status.success() {
                bail!("sha256sum 退出码 {status}");
            }
            Ok(())
        },
    )?;
    let slowdown = verify.median_ms() / sha.median_ms().max(0.001);
    writeln!(
        out,
        "verify 用时是 sha256sum 的 {slowdown:.2} 倍（目标至多 {VERIFY_SLOWDOWN_TARGET} 倍）{}",
        if slowdown <= VERIFY_SLOWDOWN_TARGET {
            "✓"
        } else {
            "✗"
        }
    )?;
    report.push(verify);
    report.push(sha);
    report
        .slowdowns
        .push(("verify".to_string(), slowdown, VERIFY_SLOWDOWN_TARGET));
    Ok(())
}
