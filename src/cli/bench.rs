//! `bench`: builds (or reuses) a large ledger and times the operations the window
//! relies on, against the targets (open ≤ 500 ms, each query ≤ 50 ms).
//!
//! The measurements are a [`BenchReport`] of [`BenchRow`]s so other parts of the
//! program (the window's frame time) can append their own rows before rendering.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use chrono::{Datelike, Duration, NaiveDate};
use clap::Args;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::format::{Align, Table};
use crate::core::batch::{BatchGroup, BatchSpec};
use crate::core::date::{Clock, Period};
use crate::core::forms::FormRequest;
use crate::core::model::{Approval, EntryKind, MemberDraft, NewEntry, PaymentForm};
use crate::core::report::category_totals;
use crate::core::search::SearchKey;
use crate::print::PrintOptions;
use crate::store::{Ledger, LedgerFilter, LedgerOrder};

/// How often each operation is timed.
pub const BENCH_RUNS: usize = 5;
/// The longest acceptable time to open a ledger.
pub const OPEN_TARGET_MS: f64 = 500.0;
/// The longest acceptable time for one query behind a screen.
pub const FRAME_TARGET_MS: f64 = 8.0;
pub const QUERY_TARGET_MS: f64 = 50.0;
/// The deep page the ledger screen must reach as fast as the first one.
pub const DEEP_PAGE_OFFSET: i64 = 1_900_000;
/// The longest acceptable time to commit a holiday batch to 10,000 members.
pub const BATCH_TARGET_MS: f64 = 500.0;
/// The longest acceptable time to make a 10,000-person sign-off sheet and lay it out
/// as PDF.
pub const SIGNOFF_PDF_TARGET_MS: f64 = 2000.0;
/// How many members the upsert benchmark writes.
pub const UPSERT_MEMBERS: usize = 10_000;

/// The options of `bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// 会员人数（members）
    #[arg(long, default_value_t = 10_000)]
    pub members: usize,
    /// 凭证笔数（entries）
    #[arg(long, default_value_t = 2_000_000)]
    pub entries: usize,
    /// 测试台账所在目录，默认系统临时目录（directory for the bench ledger）
    #[arg(long)]
    pub db_dir: Option<PathBuf>,
    /// For the bench itself: this process is one of the writers, writing
    /// `--writer-entries` entries into this ledger, each in its own transaction.
    #[arg(long, hide = true, value_name = "FILE")]
    pub writer_into: Option<PathBuf>,
    #[arg(long, hide = true, default_value_t = 200)]
    pub writer_entries: usize,
    /// 只测汇总：50 份各约 10 万笔凭证的分会快照，登记与季度汇总表（only the consolidation bench）
    #[arg(long)]
    pub consolidation: bool,
}

/// One timed operation: every sample in milliseconds and the target it must meet.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchRow {
    pub name: String,
    pub samples_ms: Vec<f64>,
    /// `None` when there is no target, only a figure to watch.
    pub target_ms: Option<f64>,
    /// Judged by the median instead of the worst run (a server's figure against a
    /// multiple of the file's median).
    pub by_median: bool,
}

impl BenchRow {
    /// Times `operation` `runs` times (at least once).
    pub fn measure(
        name: impl Into<String>,
        target_ms: Option<f64>,
        runs: usize,
        mut operation: impl FnMut(usize) -> anyhow::Result<()>,
    ) -> anyhow::Result<Self> {
        let name = name.into();
        let mut samples_ms = Vec::with_capacity(runs.max(1));
        for run in 0..runs.max(1) {
            let start = Instant::now();
            operation(run).with_context(|| format!("性能测试“{name}”失败"))?;
            samples_ms.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        Ok(Self {
            name,
            samples_ms,
            target_ms,
            by_median: false,
        })
    }

    pub fn median_ms(&self) -> f64 {
        let mut sorted = self.samples_ms.clone();
        sorted.sort_by(f64::total_cmp);
        // Indexing cannot fail: the arms below only see one or more samples.
        match sorted.len() {
            0 => 0.0,
            n if n % 2 == 1 => sorted[n / 2],
            n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
        }
    }

    pub fn max_ms(&self) -> f64 {
        self.samples_ms.iter().copied().fold(0.0, f64::max)
    }

    /// Whether the slowest run met the target (`None` without a target).
    pub fn meets_target(&self) -> Option<bool> {
        self.target_ms.map(|target| {
            if self.by_median {
                self.median_ms() <= target
            } else {
                self.max_ms() <= target
            }
        })
    }
}

/// The results of a benchmark run on one ledger.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BenchReport {
    pub ledger_path: PathBuf,
    pub members: usize,
    pub entries: i64,
    pub rows: Vec<BenchRow>,
    /// How many times faster `report quarterly` ran than `hledger bal` on the same
    /// quarter, when hledger was found.
    pub hledger_ratio: Option<f64>,
    /// 8 writer processes at once against one process writing as much, and `verify`
    /// against `sha256sum` of the same file (time over time; lower is better).
    pub slowdowns: Vec<(String, f64, f64)>,
    /// A process's peak memory in MB against its target.
    pub peaks: Vec<(String, f64, f64)>,
}

impl BenchReport {
    /// Appends a row measured elsewhere (e.g. the ledger screen's frame time).
    pub fn push(&mut self, row: BenchRow) {
        self.rows.push(row);
    }

    /// Whether every row with a target met it.
    pub fn all_met(&self) -> bool {
        self.rows
            .iter()
            .all(|row| row.meets_target() != Some(false))
            && self
                .hledger_ratio
                .is_none_or(|ratio| ratio >= super::bench_process::HLEDGER_RATIO_TARGET)
            && self
                .slowdowns
                .iter()
                .all(|(_, ratio, target)| ratio <= target)
            && self.peaks.iter().all(|(_, peak, target)| peak <= target)
    }

    /// The report as a text table with a heading.
    pub fn render(&self) -> String {
        let mut table = Table::new(&[
            ("项目", Align::Left),
            ("中位数 ms", Align::Right),
            ("最大 ms", Align::Right),
            ("目标 ms", Align::Right),
            ("结果", Align::Left),
        ]);
        for row in &self.rows {
            table.push(vec![
                row.name.clone(),
                format!("{:.1}", row.median_ms()),
                format!("{:.1}", row.max_ms()),
                row.target_ms
                    .map_or_else(|| "—".to_string(), |t| format!("≤ {t:.0}")),
                match row.meets_target() {
                    Some(true) => "✓".to_string(),
                    Some(false) => "✗".to_string(),
                    None => String::new(),
                },
            ]);
        }
        format!(
            "台账：{}（会员 {} 人，凭证 {} 笔；每项测 {} 次）\n{}",
            self.ledger_path.display(),
            self.members,
            self.entries,
            self.rows.first().map_or(BENCH_RUNS, |r| r.samples_ms.len()),
            table.render()
        )
    }
}

/// Runs `bench`: prepares the bench ledger, measures, and prints the report.
pub fn run(
    args: &BenchArgs,
    server: Option<&str>,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if let Some(ledger) = &args.writer_into {
        return super::bench_process::write_entries(ledger, args.writer_entries, clock);
    }
    if cfg!(debug_assertions) {
        writeln!(
            out,
            "提示：这是调试构建，计时会慢很多；请用 cargo run --release -- bench 测量。"
        )?;
    }
    let dir = args.db_dir.clone().unwrap_or_else(std::env::temp_dir);
    if args.consolidation {
        let mut report = BenchReport {
            ledger_path: dir.join("consolidation"),
            members: super::bench_consolidation::BRANCHES
                * super::bench_consolidation::MEMBERS_PER_BRANCH,
            entries: (super::bench_consolidation::BRANCHES
                * super::bench_consolidation::ENTRIES_PER_BRANCH) as i64,
            ..BenchReport::default()
        };
        super::bench_consolidation::consolidation_rows(&dir, clock, &mut report, out)?;
        write!(out, "{}", report.render())?;
        writeln!(
            out,
            "{}",
            if report.all_met() {
                "全部达标。"
            } else {
                "有项目未达标（✗）。"
            }
        )?;
        return Ok(());
    }
    if let Some(url) = server {
        return server_bench(url, args, &dir, clock, out);
    }
    let path = prepare_bench_ledger(&dir, args.members, args.entries, clock, out)?;
    let mut report = bench_report(&path, clock)?;
    report.push(ledger_frame_row(&path, clock)?);
    // Holiday batches are timed on a ledger of a real union's size (a year of
    // entries, about ten per member) against the target, and on the stress ledger as
    // a figure to watch.
    let realistic = prepare_bench_ledger(&dir, args.members, args.members * 10, clock, out)?;
    for row in batch_rows(&realistic, &dir, clock, Some(BATCH_TARGET_MS))? {
        report.push(row);
    }
    for row in batch_rows(&path, &dir, clock, None)? {
        report.push(row);
    }
    // Whole processes, as a script or the clerk at a terminal meets them, and the
    // window's open-to-first-frame: against the targets on a real union's ledger,
    // and on the stress ledger (where only the first frame has a target).
    let real_size = format!("{} 笔凭证", args.members * 10);
    let stress_size = format!("{} 笔凭证", args.entries);
    for row in super::bench_process::command_rows(
        &realistic,
        &real_size,
        &dir,
        clock,
        Some(super::bench_process::COMMAND_TARGET_MS),
        3,
    )? {
        report.push(row);
    }
    for row in super::bench_process::first_frame_rows(&realistic, &real_size, clock)? {
        report.push(row);
    }
    super::bench_process::hledger_rows(&realistic, &real_size, &dir, clock, &mut report, out)?;
    for row in super::bench_process::command_rows(&path, &stress_size, &dir, clock, None, 2)? {
        report.push(row);
    }
    for row in super::bench_process::first_frame_rows(&path, &stress_size, clock)? {
        report.push(row);
    }
    super::bench_process::writers_rows(&realistic, &real_size, &dir, &mut report, out)?;
    super::bench_process::verify_beside_sha256_rows(&path, &stress_size, &mut report, out)?;
    write!(out, "{}", report.render())?;
    if report.all_met() {
        writeln!(out, "全部达标。")?;
    } else {
        writeln!(out, "有项目未达标（✗）。")?;
    }
    Ok(())
}

/// The rows whose server figure has a target: the quarter's tally, a page deep in the
/// ledger, the holiday batch and its sign-off sheet.
const SERVER_TARGETED: &[&str] = &["分类汇总", "翻到第", "节日慰问提交", "发放签领表 PDF（"];
/// How many times slower than the file a server ledger may be, row by row.
const SERVER_RATIO_TARGET: f64 = 3.0;
/// The server's holiday batch commit, whatever the file's figure.
const SERVER_BATCH_TARGET_MS: f64 = 1_000.0;

/// `bench --db postgres://…/DB`: the same two ledgers as the file bench (the stress
/// ledger and one of a real union's size), moved onto the server (`DB`, and `DB_real`
/// made afresh for the batch, which it changes), timed side by side with the files.
/// Each server row's target is three times the file's median (the batch commit also
/// ≤ 1 s).
fn server_bench(
    url: &str,
    args: &BenchArgs,
    dir: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let stress = prepare_bench_ledger(dir, args.members, args.entries, clock, out)?;
    let realistic = prepare_bench_ledger(dir, args.members, args.members * 10, clock, out)?;
    let stress_url = url.to_string();
    let real_url = sibling_database(url, "_real")?;
    put_on_server(&stress, &stress_url, false, clock, out)?;
    put_on_server(&realistic, &real_url, true, clock, out)?;

    let mut file_rows = bench_report(&stress, clock)?.rows;
    // With its target the file's batch rows include the sign-off sheet's PDF.
    file_rows.extend(batch_rows(&realistic, dir, clock, Some(BATCH_TARGET_MS))?);
    let mut server = bench_report(Path::new(&stress_url), clock)?;
    let mut real_ledger = Ledger::open_existing(Path::new(&real_url), clock)?;
    server
        .rows
        .extend(batch_rows_on(&mut real_ledger, clock, None, true)?);
    drop(real_ledger);

    let mut report = BenchReport {
        ledger_path: PathBuf::from(crate::store::location_text(Path::new(url))),
        ..server
    };
    let mut compared = Vec::new();
    for mut row in std::mem::take(&mut report.rows) {
        let file = file_rows
            .iter()
            .find(|file| same_operation(&file.name, &row.name));
        // The operations a clerk waits on at the window: within three times the file's
        // figure (the batch commit also within a second); the rest are figures to watch.
        row.target_ms = None;
        if let Some(file) = file {
            if SERVER_TARGETED
                .iter()
                .any(|name| row.name.starts_with(name))
            {
                let mut target = file.median_ms() * SERVER_RATIO_TARGET;
                if row.name.starts_with("节日慰问提交") {
                    target = target.min(SERVER_BATCH_TARGET_MS);
                }
                row.target_ms = Some(target);
                row.by_median = true;
            }
            compared.push((row.name.clone(), file.median_ms(), row.median_ms()));
        }
        report.rows.push(row);
    }
    write!(out, "{}", report.render())?;
    writeln!(out, "\n与本机文件对比（中位数 ms）：")?;
    for (name, file, server) in &compared {
        writeln!(
            out,
            "  {name}：文件 {file:.1}，服务器 {server:.1}（{:.1} 倍）",
            server / file.max(0.001)
        )?;
    }
    if report.all_met() {
        writeln!(out, "全部达标。")?;
    } else {
        writeln!(out, "有项目未达标（✗）。")?;
    }
    Ok(())
}

/// Rows name their ledger's size, which differs by a member or two between a file
/// and its copy after the bench's own re-import: compared by the words before it.
fn same_operation(file: &str, server: &str) -> bool {
    let key = |name: &str| name.split(['（', '(']).next().unwrap_or(name).to_string();
    key(file) == key(server)
}

/// `postgres://…/DB?…` with the database `DB{suffix}`.
fn sibling_database(url: &str, suffix: &str) -> anyhow::Result<String> {
    let (head, query) = match url.split_once('?') {
        Some((head, query)) => (head, Some(query)),
        None => (url, None),
    };
    let (base, name) = head
        .rsplit_once('/')
        .filter(|(base, _)| base.contains("://") && !base.ends_with('/'))
        .context("服务器地址里要写数据库名：postgres://用户@主机/数据库")?;
    let name = if name.is_empty() {
        "union_ledger_bench"
    } else {
        name
    };
    Ok(match query {
        Some(query) => format!("{base}/{name}{suffix}?{query}"),
        None => format!("{base}/{name}{suffix}"),
    })
}

/// Makes the server database at `url` hold the ledger of `file`: copied when empty,
/// reused when it already holds as many members and entries. With `afresh`, the database is
/// dropped and made again first (the batch rows change it).
fn put_on_server(
    file: &Path,
    url: &str,
    afresh: bool,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let source = Ledger::open_existing(file, clock)?;
    if afresh {
        recreate_database(url)?;
    } else if let Ok(there) = Ledger::open_existing(Path::new(url), clock) {
        // Reused as the file is: the bench's own member re-import changes both.
        let ready = there.entry_count()? >= source.entry_count()?
            && there.members()?.len() >= source.members()?.len();
        if ready {
            writeln!(
                out,
                "沿用服务器上的测试台账：{}",
                crate::store::location_text(Path::new(url))
            )?;
            return Ok(());
        }
        bail!(
            "{} 已有别的台账；请给 bench 一个空数据库",
            crate::store::location_text(Path::new(url))
        );
    }
    writeln!(
        out,
        "正在把测试台账复制到服务器：{} → {} …",
        file.display(),
        crate::store::location_text(Path::new(url))
    )?;
    let start = Instant::now();
    crate::store::copy_ledger(&source, Path::new(url))?;
    writeln!(out, "复制用时 {:.1} 秒", start.elapsed().as_secs_f64())?;
    Ok(())
}

/// Drops and makes again the database `url` names (the bench's own `…_real`).
fn recreate_database(url: &str) -> anyhow::Result<()> {
    let name = url
        .split('?')
        .next()
        .and_then(|head| head.rsplit_once('/'))
        .map(|(_, name)| name.to_string())
        .context("服务器地址里没有数据库名")?;
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        bail!("数据库名“{name}”只能用字母、数字和下划线");
    }
    let admin_url = sibling_database(url, "")?.replace(&format!("/{name}"), "/postgres");
    let mut admin = crate::store::sql::pg::connect_client(&admin_url)
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .and_then(|()| admin.batch_execute(&format!("CREATE DATABASE {name}")))
        .with_context(|| format!("无法重建数据库 {name}（需要 CREATEDB 权限）"))?;
    Ok(())
}

/// What the bench times in the window, given by the binary: the command line does not
/// depend on the window (`main.rs` has both and hands the window's timings over).
pub trait WindowBench: Sync {
    /// Frame times of the ledger screen: `frames` at the newest rows, then `frames`
    /// scrolled to `deep_row`.
    fn ledger_frame_times(
        &self,
        path: &Path,
        clock: std::sync::Arc<dyn Clock>,
        frames: usize,
        deep_row: i64,
    ) -> Vec<std::time::Duration>;
    /// (opening the ledger, the first frame) for `runs` openings.
    fn open_to_first_frame(
        &self,
        path: &Path,
        clock: std::sync::Arc<dyn Clock>,
        runs: usize,
    ) -> Vec<(std::time::Duration, std::time::Duration)>;
}

static WINDOW_BENCH: std::sync::OnceLock<&'static dyn WindowBench> = std::sync::OnceLock::new();

/// Hands the window's timings to the bench (the binary does this once at start).
pub fn register_window_bench(bench: &'static dyn WindowBench) {
    let _ = WINDOW_BENCH.set(bench);
}

/// The window's timings, when the binary handed them over.
pub(super) fn window_bench() -> Option<&'static dyn WindowBench> {
    WINDOW_BENCH.get().copied()
}

/// The ledger screen's frame time, drawn headless at 1280×800: newest rows first, then
/// scrolled to row 1,900,000 (fetching its page included).
fn ledger_frame_row(path: &Path, clock: &dyn Clock) -> anyhow::Result<BenchRow> {
    let window = window_bench().context("本程序未接入窗口，无法测量界面帧")?;
    let clock: std::sync::Arc<dyn Clock> =
        std::sync::Arc::new(crate::core::date::FixedClock(clock.now()));
    let times = window.ledger_frame_times(path, clock, 30, DEEP_PAGE_OFFSET);
    Ok(BenchRow {
        name: "台账界面一帧（含翻到第 1900000 条）".to_string(),
        samples_ms: times.iter().map(|t| t.as_secs_f64() * 1000.0).collect(),
        target_ms: Some(FRAME_TARGET_MS),
        by_median: false,
    })
}

/// A holiday batch for every member, previewed with the example rule set and committed, on a copy of the bench ledger (so the bench ledger stays as it
/// was). Each run commits on another day, so every run writes a full batch.
fn batch_rows(
    path: &Path,
    dir: &Path,
    clock: &dyn Clock,
    target_ms: Option<f64>,
) -> anyhow::Result<Vec<BenchRow>> {
    let copy = dir.join(format!("bench-batch-{}.db", std::process::id()));
    super::bench_process::copy_to_disk(path, &copy)?;
    let result = Ledger::open(&copy, clock)
        .map_err(anyhow::Error::from)
        .and_then(|mut ledger| batch_rows_on(&mut ledger, clock, target_ms, target_ms.is_some()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", copy.display()));
    }
    result
}

/// The batch rows on a ledger that may be changed (a copy, or a server database made
/// for the bench), with the sign-off sheet's PDF and XLSX when `with_forms`.
fn batch_rows_on(
    ledger: &mut Ledger,
    clock: &dyn Clock,
    target_ms: Option<f64>,
    with_forms: bool,
) -> anyhow::Result<Vec<BenchRow>> {
    {
        ledger.apply_preset("example-strict")?;
        let category_id = ledger
            .categories()?
            .into_iter()
            .find(|category| category.name == "防暑降温")
            .map(|category| category.id)
            .context("图表中没有“防暑降温”类别")?;
        let fund_id = ledger
            .funds()?
            .into_iter()
            .find(|fund| fund.name == "慰问金")
            .map(|fund| fund.id)
            .context("没有“慰问金”")?;
        let today = clock.today();
        let spec = |run: usize| BatchSpec {
            category_id,
            fund_id,
            date: today - Duration::days(run as i64 * 40),
            item: "防暑降温用品".to_string(),
            // Small enough that the yearly cap leaves nearly everyone in.
            amount_fen: 100,
            payment_form: PaymentForm::Goods,
            approval: Approval {
                decided_on: today - Duration::days(400),
                minutes_no: "BENCH".to_string(),
                approver: String::new(),
            },
            group: BatchGroup::default(),
            handler: String::new(),
            note: String::new(),
        };
        let preview = BenchRow::measure(
            format!("节日慰问预览（{}，示例规则）", ledger_size(ledger)?),
            target_ms,
            BENCH_RUNS,
            |run| {
                ledger
                    .preview_batch(&spec(run), clock)
                    .map(drop)
                    .map_err(Into::into)
            },
        )?;
        // The bench ledger pays every member far more holiday money than any cap
        // allows, so with the example rules nobody would receive: the commit is timed
        // with the empty rule set, which still runs the duplicate guard's history query.
        ledger.apply_preset("empty")?;
        let recipients = ledger.preview_batch(&spec(0), clock)?.recipient_count();
        let commit = BenchRow::measure(
            format!("节日慰问提交（{recipients} 人，一个事务）"),
            target_ms,
            BENCH_RUNS,
            |run| {
                ledger
                    .commit_batch(&spec(run), clock)
                    .map(drop)
                    .map_err(Into::into)
            },
        )?;
        let mut rows = vec![preview, commit];
        // The sign-off sheet of the batch just committed, on paper: the form value
        // read from the ledger, then typst's layout and the PDF export.
        if with_forms {
            let batch = ledger.batches()?.into_iter().next().context("没有批次")?;
            let request = FormRequest::Signoff { batch_id: batch.id };
            let people = ledger.batch_recipients(batch.id)?.len();
            let mut pages = 0usize;
            // The first PDF of a process also starts typst's worker threads and fills
            // its lazy tables; it is timed on its own row, then the steady state.
            let cold = BenchRow::measure(
                format!("发放签领表 PDF，进程内首次（{people} 人）"),
                None,
                1,
                |_| {
                    let form = ledger.form(&request, clock.today())?;
                    crate::print::render_pdf(&form, &PrintOptions::default())?;
                    Ok(())
                },
            )?;
            let pdf = BenchRow::measure(
                format!("发放签领表 PDF（{people} 人）"),
                Some(SIGNOFF_PDF_TARGET_MS),
                BENCH_RUNS,
                |_| {
                    let form = ledger.form(&request, clock.today())?;
                    let (_, page_count) =
                        crate::print::render_pdf_paged(&form, &PrintOptions::default())?;
                    pages = page_count;
                    Ok(())
                },
            )?;
            let xlsx = BenchRow::measure(
                format!("发放签领表 Excel（{people} 人）"),
                None,
                BENCH_RUNS,
                |_| {
                    let form = ledger.form(&request, clock.today())?;
                    crate::print::render_xlsx(&form)?;
                    Ok(())
                },
            )?;
            let mut pdf = pdf;
            pdf.name = format!("{}，{pages} 页", pdf.name.trim_end_matches('）')) + "）";
            rows.push(cold);
            rows.push(pdf);
            rows.push(xlsx);
        }
        Ok(rows)
    }
}

/// "10000 人 / 10 万笔" for a bench row's name.
fn ledger_size(ledger: &Ledger) -> anyhow::Result<String> {
    Ok(format!(
        "{} 人 / {} 万笔",
        ledger.members()?.len(),
        ledger.entry_count()? / 10_000
    ))
}

/// The ledger bench ledger's file: `DIR/bench-<members>-<entries>.db`.
pub fn bench_ledger_path(dir: &Path, members: usize, entries: usize) -> PathBuf {
    dir.join(format!("bench-{members}-{entries}.db"))
}

/// Makes sure `DIR/bench-<members>-<entries>.db` holds that many members and entries,
/// building it from scratch when it does not. Returns its path.
pub fn prepare_bench_ledger(
    dir: &Path,
    members: usize,
    entries: usize,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<PathBuf> {
    if !(1..=1_000_000).contains(&members) {
        bail!("--members：应在 1 到 1,000,000 之间");
    }
    if entries > 100_000_000 {
        bail!("--entries：最多 100,000,000 笔");
    }
    let path = bench_ledger_path(dir, members, entries);
    if path.exists() {
        let ready = Ledger::open(&path, clock)
            .and_then(|ledger| Ok((ledger.members()?.len(), ledger.entry_count()?)))
            .is_ok_and(|(m, e)| m >= members && e >= entries as i64);
        if ready {
            writeln!(out, "沿用已有的测试台账：{}", path.display())?;
            return Ok(path);
        }
        // An incomplete bench ledger (an interrupted build) is ours to replace.
        for suffix in ["", "-wal", "-shm"] {
            let file = PathBuf::from(format!("{}{suffix}", path.display()));
            if file.exists() {
                std::fs::remove_file(&file)
                    .with_context(|| format!("无法删除未完成的测试台账“{}”", file.display()))?;
            }
        }
    }
    writeln!(
        out,
        "正在生成测试台账：{}（会员 {members} 人，凭证 {entries} 笔）…",
        path.display()
    )?;
    let start = Instant::now();
    build_bench_ledger(&path, members, entries, clock)?;
    writeln!(out, "生成用时 {:.1} 秒", start.elapsed().as_secs_f64())?;
    Ok(path)
}

/// The bench's members: the demo roster (realistic names, departments and statuses),
/// the same for the same count and seed.
pub fn bench_members(count: usize, seed: u64) -> Vec<MemberDraft> {
    crate::core::demo::demo_members(&crate::core::demo::DemoSpec {
        members: count,
        years: 1,
        seed,
        last_year: 2026,
    })
}

/// Writes the bench members and entries (spread evenly over the last three years,
/// ending today) into a new ledger at `path`.
fn build_bench_ledger(
    path: &Path,
    members: usize,
    entries: usize,
    clock: &dyn Clock,
) -> anyhow::Result<()> {
    let mut ledger = Ledger::open(path, clock)?;
    ledger.upsert_members(&bench_members(members, 1), clock)?;
    let member_ids: Vec<i64> = ledger.members()?.iter().map(|m| m.id).collect();
    let categories = ledger.categories()?;
    let items: Vec<_> = categories
        .iter()
        .filter(|c| c.parent_id.is_some() && c.default_fund_id.is_some())
        .collect();
    let sources = ledger.income_sources()?;
    if items.is_empty() || sources.is_empty() {
        bail!("测试台账缺少支出类别或收入来源");
    }
    let today = clock.today();
    let first_day = NaiveDate::from_ymd_opt(today.year() - 2, 1, 1).unwrap_or(today);
    let days = (today - first_day).num_days().max(0) as usize + 1;
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    // Entries go in one chunk of days at a time so memory stays small.
    const CHUNK_DAYS: usize = 30;
    let mut day = 0usize;
    while day < days {
        let mut chunk = Vec::new();
        for current in day..(day + CHUNK_DAYS).min(days) {
            let date = first_day + Duration::days(current as i64);
            let on_this_day = entries * (current + 1) / days - entries * current / days;
            for _ in 0..on_this_day {
                chunk.push(bench_entry(&mut rng, date, &items, &sources, &member_ids));
            }
        }
        ledger.append_entries_in_order(chunk, clock)?;
        day += CHUNK_DAYS;
    }
    Ok(())
}

fn bench_entry(
    rng: &mut ChaCha8Rng,
    date: NaiveDate,
    items: &[&crate::core::model::Category],
    sources: &[crate::core::model::IncomeSource],
    member_ids: &[i64],
) -> NewEntry {
    // The caller has checked that `items` and `sources` are not empty, so the random
    // indexes below are in range.
    let member_id = member_ids.choose(rng).copied();
    if rng.random_bool(0.1) {
        let source = &sources[rng.random_range(0..sources.len())];
        NewEntry {
            kind: EntryKind::Income,
            date,
            fund_id: source.default_fund_id.unwrap_or(1),
            category_id: None,
            source_id: Some(source.id),
            member_id: None,
            amount_fen: rng.random_range(1_000..50_000) * 100,
            payment_form: PaymentForm::Transfer,
            handler: "测试".into(),
            note: String::new(),
        }
    } else {
        let item = items[rng.random_range(0..items.len())];
        NewEntry {
            kind: EntryKind::Disbursement,
            date,
            fund_id: item.default_fund_id.unwrap_or(1),
            category_id: Some(item.id),
            source_id: None,
            member_id,
            amount_fen: item
                .standard_amount_fen
                .unwrap_or_else(|| rng.random_range(100..5_000) * 100),
            payment_form: item.default_payment_form.unwrap_or(PaymentForm::Transfer),
            handler: "测试".into(),
            note: String::new(),
        }
    }
}

/// Times the operations behind the screens on the ledger at `path`.
pub fn bench_report(path: &Path, clock: &dyn Clock) -> anyhow::Result<BenchReport> {
    let mut ledger = Ledger::open(path, clock)?;
    let members = ledger.members()?;
    let mut report = BenchReport {
        ledger_path: path.to_path_buf(),
        members: members.len(),
        entries: ledger.entry_count()?,
        rows: Vec::new(),
        hledger_ratio: None,
        slowdowns: Vec::new(),
        peaks: Vec::new(),
    };
    let today = clock.today();
    report.push(BenchRow::measure(
        "打开台账",
        Some(OPEN_TARGET_MS),
        BENCH_RUNS,
        |_| Ledger::open(path, clock).map(drop).map_err(Into::into),
    )?);
    report.push(BenchRow::measure(
        format!("资金余额（{}年）", today.year()),
        Some(QUERY_TARGET_MS),
        BENCH_RUNS,
        |_| {
            ledger
                .fund_balances(today.year())
                .map(drop)
                .map_err(Into::into)
        },
    )?);
    // The last complete quarter, so the figure covers a full quarter of entries.
    let quarter = Period::quarter_of(Period::quarter_of(today).start - Duration::days(1));
    report.push(BenchRow::measure(
        format!("分类汇总（{}）", quarter.label()),
        Some(QUERY_TARGET_MS),
        BENCH_RUNS,
        |_| {
            let amounts = ledger.spending_by_category(quarter)?;
            category_totals(&ledger.categories()?, &amounts, false);
            Ok(())
        },
    )?);
    let welfare = ledger
        .funds()?
        .into_iter()
        .find(|fund| fund.name == "慰问金")
        .map(|fund| fund.id);
    let filter = LedgerFilter {
        fund_id: welfare,
        ..LedgerFilter::default()
    };
    let mut filtered = None;
    report.push(BenchRow::measure(
        "账页索引（资金=慰问金）",
        Some(QUERY_TARGET_MS),
        BENCH_RUNS,
        |_| {
            filtered = Some(ledger.ledger_index(&filter)?);
            Ok(())
        },
    )?);
    let mut unfiltered = None;
    report.push(BenchRow::measure(
        "账页索引（全部）",
        Some(QUERY_TARGET_MS),
        BENCH_RUNS,
        |_| {
            unfiltered = Some(ledger.ledger_index(&LedgerFilter::default())?);
            Ok(())
        },
    )?);
    let index = match (filtered, unfiltered) {
        (Some(filtered), _) if filtered.count >= DEEP_PAGE_OFFSET + 50 => filtered,
        (_, Some(unfiltered)) => unfiltered,
        _ => bail!("账页索引未生成"),
    };
    let offset = DEEP_PAGE_OFFSET.min((index.count - 50).max(0));
    report.push(BenchRow::measure(
        format!("翻到第 {offset} 条（50 条一页）"),
        Some(QUERY_TARGET_MS),
        BENCH_RUNS,
        |_| {
            ledger
                .ledger_page(&index, LedgerOrder::OldestFirst, offset, 50)
                .map(drop)
                .map_err(Into::into)
        },
    )?);
    report.push(BenchRow::measure(
        format!("会员查找“zsf”（{} 人）", members.len()),
        Some(QUERY_TARGET_MS),
        BENCH_RUNS,
        |_| {
            let keys: Vec<SearchKey> = members
                .iter()
                .map(|m| SearchKey::new(&m.name, &m.employee_no))
                .collect();
            let found = keys.iter().filter(|key| key.matches("zsf")).count();
            std::hint::black_box(found);
            Ok(())
        },
    )?);
    let drafts: Vec<MemberDraft> = bench_members(UPSERT_MEMBERS, 1);
    report.push(BenchRow::measure(
        format!("导入 {UPSERT_MEMBERS} 名会员（更新）"),
        None,
        BENCH_RUNS,
        |run| {
            // A different phone number each run, so every run really updates.
            let changed: Vec<MemberDraft> = drafts
                .iter()
                .enumerate()
                .map(|(index, draft)| {
                    let mut draft = draft.clone();
                    draft.phone = format!("139{:04}{:04}", run, index % 10_000);
                    draft
                })
                .collect();
            ledger
                .upsert_members(&changed, clock)
                .map(drop)
                .map_err(Into::into)
        },
    )?);
    Ok(report)
}
