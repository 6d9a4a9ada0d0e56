//! `bench --consolidation`: the union above's side at the scale of a county union.
//! Fifty branch snapshots of about 100,000 entries each (copies of one bench ledger,
//! each under its own name with its quarter closed, exported as a branch would), then,
//! each as a whole process, registering one more snapshot in a book that holds 45 to
//! 49 already and making the consolidated quarterly tally over all fifty; the time of
//! each and the process's peak memory, against their targets.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, bail};

use super::bench::{BenchReport, BenchRow};
use crate::core::date::{Clock, Period};
use crate::store::{ConsolidationBook, Ledger};

/// How many branches, and entries in each.
pub const BRANCHES: usize = 50;
pub const ENTRIES_PER_BRANCH: usize = 100_000;
pub const MEMBERS_PER_BRANCH: usize = 2_000;
/// Registering one snapshot, and the consolidated quarterly tally over all of them.
pub const REGISTER_TARGET_MS: f64 = 2_000.0;
pub const TALLY_TARGET_MS: f64 = 2_000.0;
/// The most memory either process may hold at its peak.
pub const PEAK_TARGET_MB: f64 = 300.0;
/// Registrations timed (each into a book one snapshot fuller), and tallies timed.
const RUNS: usize = 5;

/// The environment variable that makes the program print its peak memory when it
/// ends (for this bench; see `main`).
pub const PEAK_VAR: &str = "UNION_LEDGER_PRINT_PEAK";
/// The start of the line printed on stderr: `峰值内存 KB：…`.
pub const PEAK_LINE: &str = "峰值内存 KB：";

/// This process's peak resident memory in kilobytes (Linux: `VmHWM`).
pub fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Runs the program with `args`; its time is measured by the caller, its peak memory
/// (in MB) returned.
fn run_for_peak(args: &[String]) -> anyhow::Result<f64> {
    let exe = std::env::current_exe().context("找不到本程序的路径")?;
    let output = Command::new(exe)
        .args(args)
        .env(PEAK_VAR, "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .context("无法启动本程序")?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        bail!("{} 失败：{}", args.join(" "), stderr.trim());
    }
    stderr
        .lines()
        .find_map(|line| line.strip_prefix(PEAK_LINE))
        .and_then(|kb| kb.trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .context("子进程没有报告峰值内存（需要 Linux 的 /proc）")
}

/// A quarter as the command line takes it: `2026Q3`.
fn code(period: Period) -> String {
    use chrono::Datelike;
    format!(
        "{}Q{}",
        period.start.year(),
        crate::core::date::quarter_number(period.start)
    )
}

/// The snapshots, made once and reused: `DIR/consolidation/branch-NN-<period>.db`.
fn prepare_snapshots(
    dir: &Path,
    period: Period,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<Vec<PathBuf>> {
    let folder = dir.join("consolidation");
    std::fs::create_dir_all(&folder).with_context(|| format!("无法创建“{}”", folder.display()))?;
    let label = code(period);
    let snapshots: Vec<PathBuf> = (1..=BRANCHES)
        .map(|n| folder.join(format!("branch-{n:02}-{label}.db")))
        .collect();
    if snapshots
        .iter()
        .all(|path| crate::store::read_manifest(path).is_ok_and(|m| m.is_some()))
    {
        writeln!(
            out,
            "沿用已有的 {BRANCHES} 份分会快照：{}",
            folder.display()
        )?;
        return Ok(snapshots);
    }
    let base = super::bench::prepare_bench_ledger(
        dir,
        MEMBERS_PER_BRANCH,
        ENTRIES_PER_BRANCH,
        clock,
        out,
    )?;
    writeln!(out, "正在生成 {BRANCHES} 份分会快照（{label}）…")?;
    let start = Instant::now();
    let scratch = folder.join("branch.db");
    for (index, snapshot) in snapshots.iter().enumerate() {
        super::bench_process::copy_to_disk(&base, &scratch)?;
        {
            let mut ledger = Ledger::open_existing(&scratch, clock)?;
            ledger.set_union_name(&format!("第{:02}分会", index + 1))?;
            ledger.close_period(period, "")?;
            let _ = std::fs::remove_file(snapshot);
            ledger.export_snapshot(period, snapshot, clock)?;
        }
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", scratch.display()));
        }
        let _ = std::fs::remove_dir_all(crate::store::sessions_dir(&scratch));
        for backup in crate::store::automatic_backups(&scratch) {
            let _ = std::fs::remove_file(backup);
        }
    }
    writeln!(out, "生成用时 {:.1} 秒", start.elapsed().as_secs_f64())?;
    Ok(snapshots)
}

/// Times registering and the consolidated tally, as whole processes, with their peak
/// memory; appends the rows to `report`.
pub fn consolidation_rows(
    dir: &Path,
    clock: &dyn Clock,
    report: &mut BenchReport,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    // The last quarter that has ended.
    let this_quarter = Period::quarter_of(clock.today());
    let period = Period::quarter_of(this_quarter.start.pred_opt().context("日期超出范围")?);
    let snapshots = prepare_snapshots(dir, period, clock, out)?;
    let book_path = dir
        .join("consolidation")
        .join(format!("book-{}.db", std::process::id()));
    let book_folder = book_path.with_extension("snapshots");
    let _ = std::fs::remove_file(&book_path);
    let _ = std::fs::remove_dir_all(&book_folder);
    let first_timed = BRANCHES - RUNS;
    {
        let mut book = ConsolidationBook::open(&book_path)?;
        for snapshot in &snapshots[..first_timed] {
            book.register(snapshot, clock)?;
        }
    }
    let book_text = book_path.display().to_string();
    let mut register_peak: f64 = 0.0;
    let register = BenchRow::measure(
        format!(
            "汇总：登记一份快照（{} 万笔凭证，第 {}–{} 份）",
            ENTRIES_PER_BRANCH / 10_000,
            first_timed + 1,
            BRANCHES
        ),
        Some(REGISTER_TARGET_MS),
        RUNS,
        |run| {
            let peak = run_for_peak(&[
                "consolidate".into(),
                "add".into(),
                snapshots[first_timed + run].display().to_string(),
                "--book".into(),
                book_text.clone(),
            ])?;
            register_peak = register_peak.max(peak);
            Ok(())
        },
    )?;
    let json = dir.join("consolidation").join("tally.json");
    let mut tally_peak: f64 = 0.0;
    let tally = BenchRow::measure(
        format!("汇总：季度汇总表（{BRANCHES} 份快照，{}）", code(period)),
        Some(TALLY_TARGET_MS),
        RUNS,
        |_| {
            let peak = run_for_peak(&[
                "consolidate".into(),
                "report".into(),
                "quarterly".into(),
                "--period".into(),
                code(period),
                "--book".into(),
                book_text.clone(),
                "--format".into(),
                "json".into(),
                "--out".into(),
                json.display().to_string(),
            ])?;
            tally_peak = tally_peak.max(peak);
            Ok(())
        },
    )?;
    report.push(register);
    report.push(tally);
    for (name, peak) in [("登记一份快照", register_peak), ("季度汇总表", tally_peak)] {
        writeln!(
            out,
            "汇总：{name}的进程峰值内存 {peak:.0} MB（目标至多 {PEAK_TARGET_MB:.0} MB）{}",
            if peak <= PEAK_TARGET_MB { "✓" } else { "✗" }
        )?;
        report
            .peaks
            .push((format!("汇总：{name}"), peak, PEAK_TARGET_MB));
    }
    let _ = std::fs::remove_file(&book_path);
    let _ = std::fs::remove_dir_all(&book_folder);
    Ok(())
}
