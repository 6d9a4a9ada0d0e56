//! The command line: every subcommand runs headless against a ledger file and writes
//! its normal output to the writer it is given, and warnings that do not stop it (a
//! possible duplicate payout) to a second writer, so tests can capture both. Errors are
//! returned, never printed here; `main` prints them once.

pub mod approval;
pub mod audit;
pub mod batches;
pub mod bench;
pub mod bench_consolidation;
mod bench_process;
pub mod chart;
pub mod claims;
pub mod consolidate;
pub mod demo;
pub mod entries;
pub mod format;
pub mod members;
pub mod plans;
mod progress;
pub mod reminders;
pub mod report;
pub mod rules;
pub mod visits;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow, bail};
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use serde::Serialize;

use crate::core::date::{Clock, Period, parse_date};
use crate::core::money::parse_amount_fen;
use crate::store::Ledger;

/// The environment variable that names the ledger file, ahead of the data directory.
pub const DB_ENV_VAR: &str = "UNION_LEDGER_DB";

/// 工会慰问台账的命令行。
#[derive(Debug, Parser)]
#[command(
    name = "union-ledger",
    version,
    about = "工会慰问台账（union welfare ledger）。不带子命令时打开窗口。",
    long_about = None
)]
pub struct Cli {
    /// 台账文件，或服务器上的台账 postgres://用户@主机:端口/数据库（ledger file or server）；默认取环境变量 UNION_LEDGER_DB，否则用数据目录下的 ledger.db
    #[arg(long, global = true, value_name = "FILE|URL")]
    pub db: Option<PathBuf>,
    /// 只读打开（审计查阅）：不做任何修改
    #[arg(long, global = true)]
    pub read_only: bool,
    /// 经办人姓名，记入变更日志（默认取设置中的经办人）
    #[arg(long, global = true, value_name = "NAME")]
    pub clerk: Option<String>,
    /// 另一处正在写入时最多等待的秒数，超时则本次不写入（默认 30）
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_wait)]
    pub wait: Option<u64>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// 创建台账（create the ledger with the default chart）
    Init,
    /// 会员名册（members）
    #[command(subcommand)]
    Member(members::MemberCommand),
    /// 收支凭证（entries）
    #[command(subcommand)]
    Entry(entries::EntryCommand),
    /// 各项资金余额（fund balances）
    Balance(entries::BalanceArgs),
    /// 工会名称与经办人（union name and the clerk's name）
    Settings(chart::SettingsArgs),
    /// 资金与年初余额（funds and opening balances）
    #[command(subcommand)]
    Fund(chart::FundCommand),
    /// 收支类别（categories: standard amounts, account codes）
    #[command(subcommand)]
    Category(chart::CategoryCommand),
    /// 收入来源：新增、改名、科目、内部拨付标记（income sources）
    #[command(subcommand)]
    Source(chart::SourceCommand),
    /// 发放规则：标准、上限、次数、发放方式、发放对象（the union's rules）
    #[command(subcommand)]
    Rules(rules::RulesCommand),
    /// 五必访走访登记（visits）
    #[command(subcommand)]
    Visit(visits::VisitCommand),
    /// 节日慰问批量发放（holiday batches）
    #[command(subcommand)]
    Batch(batches::BatchCommand),
    /// 职工互助保障计划（mutual-insurance plans）
    #[command(subcommand)]
    Plan(plans::PlanCommand),
    /// 为会员办理参保，工会承担的保费整批入账；enrol list 列出参保人员（enrol a group）
    Enrol(Box<plans::EnrolArgs>),
    /// 互助保障理赔：登记、材料、提交、核定、支付、驳回（claims）
    #[command(subcommand)]
    Claim(claims::ClaimCommand),
    /// 打印报表：季度汇总表、收入支出表、个人台账、签领表、支出凭单、走访与报销登记表（printed forms）
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// 校验变更日志：重算哈希链和每张凭证，指出第一处被改动的地方（verify the change log）
    Verify {
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
        /// 完整检查：另将每个索引与其表逐条核对（SQLite integrity_check；大台账需十几秒）
        #[arg(long)]
        full: bool,
    },
    /// 变更日志：谁在何时改了什么（the change log）
    Log(audit::LogArgs),
    /// 备份台账（SQLite 备份接口，打开时也可进行）；--list 列出自动备份（back up）
    Backup(audit::BackupArgs),
    /// 从备份恢复：先检查备份的完整性和变更日志，原台账另存保留（restore）
    Restore {
        /// 备份文件
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
    },
    /// 复制整本台账：本机文件与服务器之间（或文件到文件），两边校验链头一致才保留（copy a ledger）
    Copy {
        /// 源台账：文件或 postgres://…
        #[arg(long, value_name = "FILE|URL")]
        from: PathBuf,
        /// 目标：新文件，或服务器上的空数据库 postgres://…
        #[arg(long, value_name = "FILE|URL")]
        to: PathBuf,
    },
    /// 上报汇总：把已结账期间的台账导出为一份带清单的快照，交上级工会（export a closed period's snapshot for the union above）
    Export {
        /// 期间：季度（2026Q4）或整年（2026），须已结账（period; must be closed）
        #[arg(long)]
        period: String,
        /// 快照文件（新文件），如 内科分会-2026Q4.db（the snapshot file to write）
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// 汇总：登记分会上报的快照（consolidate branch snapshots）
    #[command(subcommand)]
    Consolidate(consolidate::ConsolidateCommand),
    /// 结账与反结账（close and reopen a quarter or a year）
    #[command(subcommand)]
    Period(audit::PeriodCommand),
    /// 待办事项（reminders: open hospital visits, retirements, holidays）
    Reminders(reminders::RemindersArgs),
    /// 已记录的审批决议：录入时写同一纪要编号即沿用（the decisions recorded; reuse one by its minutes number）
    #[command(subcommand)]
    Approval(approval::ApprovalCommand),
    /// 在空台账中生成演示数据（fill an empty ledger with demo data）
    Demo(demo::DemoArgs),
    /// 性能测试（benchmark a large ledger）
    Bench(bench::BenchArgs),
}

/// How this run opens the ledger: `--read-only` and `--clerk`.
#[derive(Debug, Clone, Default)]
struct OpenOptions {
    read_only: bool,
    clerk: String,
    wait: Option<u64>,
}

/// `--wait`: whole seconds, at most a day.
fn parse_wait(text: &str) -> Result<u64, String> {
    text.trim()
        .parse::<u64>()
        .ok()
        .filter(|seconds| *seconds <= 86_400)
        .ok_or_else(|| format!("“{}”不是 0 到 86400 之间的整秒数", text.trim()))
}

/// How this run's writes wait for another program: `--wait`, and a line on stderr
/// when they do.
pub(crate) fn waiting() -> crate::store::Waiting {
    let wait = OPEN_OPTIONS.with(|options| options.borrow().wait);
    crate::store::Waiting {
        wait: wait.map_or(crate::store::DEFAULT_WAIT, std::time::Duration::from_secs),
        announce: Some(std::sync::Arc::new(|| {
            eprintln!("正在等待另一处写入完成…");
        })),
    }
}

thread_local! {
    // Per thread, so tests running commands side by side do not see each other's.
    static OPEN_OPTIONS: std::cell::RefCell<OpenOptions> = Default::default();
}

/// Opens the existing ledger the way this run asked: read-only for the audit
/// committee, and with the clerk the change log names.
pub(crate) fn open_ledger(path: &Path, clock: &dyn Clock) -> anyhow::Result<Ledger> {
    let options = OPEN_OPTIONS.with(|options| options.borrow().clone());
    let mut ledger = if options.read_only {
        Ledger::open_read_only(path, clock)?
    } else {
        Ledger::open_existing_with(path, clock, waiting())?
    };
    if !options.clerk.trim().is_empty() {
        ledger.set_clerk(&options.clerk);
    }
    // A session before this one did not close cleanly (a crash, a kill, a power cut):
    // the whole file is checked once before it is used again. Every other open reads
    // only the header and the root pages (see `store::integrity`).
    if ledger.unclean_close_note().is_some() {
        ledger.check_integrity_or_refuse()?;
    }
    Ok(ledger)
}

/// How a listing is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// 对齐的文本表格（aligned text table）
    #[default]
    Text,
    /// JSON（pretty-printed, stable field names）
    Json,
}

/// What `--version` prints: the program's version and the ledger schema it writes.
pub fn version_text() -> String {
    format!(
        "{}（台账结构版本 {}）",
        env!("CARGO_PKG_VERSION"),
        crate::store::schema::LATEST_VERSION
    )
}

/// The ledger file used when `--db` is not given: `$UNION_LEDGER_DB` if set, then a
/// portable copy's `data/ledger.db`, otherwise `ledger.db` in the platform data
/// directory (Linux: ~/.local/share/union-ledger).
pub fn default_db_path() -> anyhow::Result<PathBuf> {
    if let Some(path) = std::env::var_os(DB_ENV_VAR).filter(|value| !value.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    if let Some(folder) = crate::store::portable_data_dir() {
        return Ok(folder.join("ledger.db"));
    }
    let dirs = directories::ProjectDirs::from("", "", "union-ledger")
        .context("无法确定本机的数据目录，请用 --db 指定台账文件")?;
    Ok(dirs.data_dir().join("ledger.db"))
}

/// Runs one command against the ledger named by `--db` (or the default path). Output
/// goes to `out`; warnings that do not stop the command go to `err`.
pub fn run(
    cli: Cli,
    clock: &dyn Clock,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<()> {
    let Some(command) = cli.command else {
        bail!("请指定子命令（用 --help 查看）");
    };
    // The benchmark builds its own ledgers and never touches the clerk's; given a
    // server (`--db postgres://…`), it moves them there and compares.
    if let Command::Bench(args) = &command {
        let server = cli
            .db
            .as_deref()
            .and_then(crate::store::server_address)
            .map(str::to_string);
        if cli.db.is_some() && server.is_none() {
            bail!(
                "bench 自己生成测试台账（--db-dir 指定目录）；--db 只接受服务器地址 postgres://…"
            );
        }
        return bench::run(args, server.as_deref(), clock, out);
    }
    let path = match cli.db {
        Some(path) => path,
        None => default_db_path()?,
    };
    OPEN_OPTIONS.with(|options| {
        *options.borrow_mut() = OpenOptions {
            read_only: cli.read_only,
            clerk: cli.clerk.clone().unwrap_or_default(),
            wait: cli.wait,
        }
    });
    match command {
        Command::Init => init(&path, clock, out),
        Command::Member(command) => members::run(command, &path, clock, out),
        Command::Entry(command) => entries::run(command, &path, clock, out, err),
        Command::Balance(args) => entries::balance(&args, &path, clock, out),
        Command::Settings(args) => chart::settings(&args, &path, clock, out),
        Command::Fund(command) => chart::fund(command, &path, clock, out),
        Command::Category(command) => chart::category(command, &path, clock, out),
        Command::Source(command) => chart::source(command, &path, clock, out),
        Command::Rules(command) => rules::run(command, &path, clock, out),
        Command::Visit(command) => visits::run(command, &path, clock, out, err),
        Command::Batch(command) => batches::run(command, &path, clock, out, err),
        Command::Plan(command) => plans::run_plan(command, &path, clock, out),
        Command::Enrol(args) => plans::run_enrol(*args, &path, clock, out, err),
        Command::Claim(command) => claims::run(command, &path, clock, out, err),
        Command::Report(command) => report::run(command, &path, clock, out),
        Command::Verify { format, full } => audit::verify(format, full, &path, clock, out),
        Command::Log(args) => audit::log(&args, &path, clock, out),
        Command::Period(command) => audit::period(command, &path, clock, out),
        Command::Consolidate(command) => consolidate::run(command, clock, out),
        Command::Export { period, out: file } => audit::export(&period, &file, &path, clock, out),
        Command::Backup(args) => audit::backup(&args, &path, clock, out),
        Command::Restore { from } => audit::restore(&from, &path, clock, out),
        Command::Copy { from, to } => audit::copy(&from, &to, clock, out),
        Command::Reminders(args) => reminders::run(&args, &path, clock, out),
        Command::Approval(command) => approval::run(command, &path, clock, out),
        Command::Demo(args) => demo::run(&args, &path, clock, out),
        Command::Bench(_) => Ok(()),
    }
}

/// Creates the ledger when it does not exist yet and shows what it holds.
fn init(path: &Path, clock: &dyn Clock, out: &mut dyn Write) -> anyhow::Result<()> {
    let ledger = Ledger::open_with(path, clock, waiting())?;
    let location = crate::store::location_text(path);
    if ledger.created() {
        writeln!(out, "已创建台账：{location}")?;
    } else {
        writeln!(out, "台账已存在：{location}")?;
    }
    let funds = ledger.funds()?;
    let names: Vec<&str> = funds.iter().map(|fund| fund.name.as_str()).collect();
    let categories = ledger.categories()?;
    let groups = categories.iter().filter(|c| c.parent_id.is_none()).count();
    writeln!(out, "工会名称：{}", ledger.union_name()?)?;
    writeln!(out, "资金（{} 项）：{}", funds.len(), names.join("、"))?;
    writeln!(
        out,
        "支出类别：{} 组 {} 项",
        groups,
        categories.len() - groups
    )?;
    writeln!(out, "收入来源：{} 项", ledger.income_sources()?.len())?;
    writeln!(
        out,
        "会员：{} 人，凭证：{} 笔",
        ledger.members()?.len(),
        ledger.entry_count()?
    )?;
    Ok(())
}

/// Parses one of a closed set of choices given to `option`, or says what was expected:
/// `--gender：“x”无法识别，应为 男、女 之一`.
pub(crate) fn parse_choice<T>(
    option: &str,
    text: &str,
    parse: impl Fn(&str) -> Option<T>,
    expected: &str,
) -> anyhow::Result<T> {
    parse(text).ok_or_else(|| anyhow!("{option}：“{}”无法识别，应为 {expected} 之一", text.trim()))
}

/// Parses a date given to `option`, naming the option in the error.
pub(crate) fn parse_date_option(option: &str, text: &str) -> anyhow::Result<NaiveDate> {
    parse_date(text).map_err(|error| anyhow!("{option}：{error}"))
}

/// Parses an amount given to `option` into fen, naming the option in the error.
pub(crate) fn parse_amount_option(option: &str, text: &str) -> anyhow::Result<i64> {
    parse_amount_fen(text).map_err(|error| anyhow!("{option}：{error}"))
}

/// Parses a period given to `option`: a year (`2026`), a quarter (`2026Q1`) or a month
/// (`2026-03`, `2026/3`, `2026年3月`).
pub(crate) fn parse_period_option(option: &str, text: &str) -> anyhow::Result<Period> {
    let trimmed = text.trim();
    let valid_year = |year: &str| {
        year.parse::<i32>()
            .ok()
            .filter(|year| (1900..=2200).contains(year))
    };
    let period = if let Some(quarter) = entries::parse_quarter(trimmed) {
        Some(quarter)
    } else if let Some(year) = valid_year(trimmed.trim_end_matches('年')) {
        Some(Period::year(year))
    } else {
        trimmed
            .trim_end_matches('月')
            .split_once(['-', '/', '.', '年'])
            .and_then(|(year, month)| {
                let month = month
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|m| (1..=12).contains(m))?;
                Some(Period::month(valid_year(year.trim())?, month))
            })
    };
    period.ok_or_else(|| {
        anyhow!("{option}：“{trimmed}”无法识别，应为年份（2026）、季度（2026Q1）或月份（2026-03）")
    })
}

/// Splits a list typed as one value (`实物,提货券`, `退休、离休`) into its items.
pub(crate) fn split_list(text: &str) -> Vec<&str> {
    text.split([',', '，', '、', ';', '；'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .collect()
}

/// Writes a value as pretty JSON followed by a newline.
pub(crate) fn write_json(out: &mut dyn Write, value: &impl Serialize) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).context("无法写出 JSON")?;
    writeln!(out)?;
    Ok(())
}
