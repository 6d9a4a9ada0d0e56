//! `verify`, `log` and `period`: the change log's chain checked, read, and periods
//! closed and reopened.

use std::io::Write;
use std::path::Path;

use anyhow::bail;
use clap::{Args, Subcommand};

use super::{OutputFormat, parse_period_option, write_json};
use crate::core::date::{Clock, parse_date};
use crate::store::{Ledger, LogFilter};

/// `verify`: recomputes the chain and every entry's hash.
/// `verify`: the books (chain, every entry's hash, every table replayed, the kept
/// totals) and the file, page by page (`quick_check`); with `--full` also every index
/// against its table (`integrity_check`), whose time is then kept as the last full
/// check.
pub fn verify(
    format: OutputFormat,
    full: bool,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut ledger = super::open_ledger(path, clock)?;
    let previous = ledger.last_full_check()?;
    let depth = if full {
        crate::store::FileCheck::Full
    } else {
        crate::store::FileCheck::Quick
    };
    let report = super::progress::on_stderr("正在校验凭证", |progress| {
        ledger.verify_with_counted(depth, progress)
    })?;
    if full && report.damaged.is_none() {
        ledger.record_full_check(&report.head)?;
    }
    match format {
        OutputFormat::Json => write_json(out, &report)?,
        OutputFormat::Text => {
            if report.is_intact() {
                writeln!(out, "{}", report.summary())?;
                writeln!(out, "链头（请审计时记下）：{}", report.head)?;
            }
            let previous = previous.map_or_else(|| "无记录".to_string(), |check| check.at_text());
            let now = clock.now().format("%Y-%m-%d %H:%M");
            if ledger.server().is_some() {
                writeln!(
                    out,
                    "数据页：服务器台账的数据页由 PostgreSQL 自行保护和校验；本次 {now} 核对了账目与变更日志"
                )?;
            } else if full {
                writeln!(out, "完整性检查：本次 {now}，上次通过 {previous}")?;
            } else {
                writeln!(
                    out,
                    "文件检查（逐页逐条记录）：本次 {now}；含索引核对的完整检查上次通过 {previous}（verify --full）"
                )?;
            }
        }
    }
    if let Some(problem) = report.problem() {
        if report.damaged.is_some() {
            bail!("{problem}；{}", crate::store::newest_backup_note(path));
        }
        bail!("{problem}");
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// 只列出动作、经办人或内容中含有此文字的日志
    #[arg(long)]
    pub text: Option<String>,
    /// 起始日期
    #[arg(long)]
    pub from: Option<String>,
    /// 截止日期
    #[arg(long)]
    pub to: Option<String>,
    /// 最多列出几条（默认 50，最新的在前）
    #[arg(long, default_value_t = 50)]
    pub limit: i64,
    /// 显示每条日志改动前后的内容
    #[arg(long)]
    pub detail: bool,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

/// `log`: the change log, newest first.
pub fn log(
    args: &LogArgs,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let ledger = super::open_ledger(path, clock)?;
    let date = |option: &str, text: &Option<String>| -> anyhow::Result<Option<chrono::NaiveDate>> {
        match text {
            Some(text) => parse_date(text)
                .map(Some)
                .map_err(|error| anyhow::anyhow!("{option}：{error}")),
            None => Ok(None),
        }
    };
    let filter = LogFilter {
        text: args.text.clone().unwrap_or_default(),
        from: date("--from", &args.from)?,
        to: date("--to", &args.to)?,
        limit: args.limit,
    };
    let rows = ledger.change_log(&filter)?;
    if args.format == OutputFormat::Json {
        return write_json(out, &rows);
    }
    if rows.is_empty() {
        writeln!(out, "没有符合条件的日志。")?;
        return Ok(());
    }
    for row in &rows {
        let clerk = if row.clerk.is_empty() {
            "（未设经办人）"
        } else {
            row.clerk.as_str()
        };
        writeln!(
            out,
            "#{:<5} {}  {}  {}",
            row.id,
            row.at.format("%Y-%m-%d %H:%M"),
            clerk,
            row.action
        )?;
        if args.detail && row.detail != "[]" {
            writeln!(out, "       {}", row.detail)?;
        }
    }
    Ok(())
}

#[derive(Debug, Subcommand)]
pub enum PeriodCommand {
    /// 结账：季度（2026Q1）或整年（2026）；整年结账把各项资金期末余额结转为下年年初余额
    Close {
        #[arg(long)]
        period: String,
        /// 备注
        #[arg(long, default_value = "")]
        note: String,
    },
    /// 反结账：必须写明原因
    Reopen {
        #[arg(long)]
        period: String,
        #[arg(long)]
        reason: String,
    },
    /// 列出结账记录
    List,
}

pub fn period(
    command: PeriodCommand,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut ledger = super::open_ledger(path, clock)?;
    match command {
        PeriodCommand::Close { period, note } => {
            let period = parse_period_option("--period", &period)?;
            let closed = ledger.close_period(period, &note)?;
            writeln!(out, "已结账：{}", closed.period.label_with_dates())?;
            if closed.period.start.format("%m-%d").to_string() == "01-01"
                && closed.period.end.format("%m-%d").to_string() == "12-31"
            {
                writeln!(
                    out,
                    "各项资金的期末余额已结转为 {} 年年初余额。",
                    closed
                        .period
                        .end
                        .format("%Y")
                        .to_string()
                        .parse::<i32>()
                        .unwrap_or(0)
                        + 1
                )?;
            }
        }
        PeriodCommand::Reopen { period, reason } => {
            let period = parse_period_option("--period", &period)?;
            let Some(closed) = ledger
                .closed_periods()?
                .into_iter()
                .find(|c| c.is_closed() && c.period == period)
            else {
                bail!("--period：{}没有结账", period.label());
            };
            let reopened = ledger.reopen_period(closed.id, &reason)?;
            writeln!(
                out,
                "已反结账：{}，原因：{}",
                reopened.period.label(),
                reopened.reopen_reason
            )?;
        }
        PeriodCommand::List => {
            let periods = ledger.closed_periods()?;
            if periods.is_empty() {
                writeln!(out, "还没有结账。")?;
            }
            for closed in periods {
                let state = match closed.reopened_at {
                    None => "已结账".to_string(),
                    Some(at) => {
                        format!("{} 反结账：{}", at.format("%Y-%m-%d"), closed.reopen_reason)
                    }
                };
                writeln!(
                    out,
                    "{}  {} 结账（{}）  {}",
                    closed.period.label(),
                    closed.closed_at.format("%Y-%m-%d"),
                    if closed.clerk.is_empty() {
                        "—"
                    } else {
                        closed.clerk.as_str()
                    },
                    state
                )?;
            }
        }
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// 备份到此文件；不指定则放入台账旁的 backups 文件夹
    #[arg(long, value_name = "FILE")]
    pub to: Option<std::path::PathBuf>,
    /// 自动备份保留的份数（设置后记住）
    #[arg(long)]
    pub keep: Option<usize>,
    /// 列出自动备份
    #[arg(long)]
    pub list: bool,
}

/// `backup`: a manual backup, the automatic backups listed, or the number kept set.
pub fn backup(
    args: &BackupArgs,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if crate::store::server_address(path).is_some() && args.to.is_none() {
        anyhow::bail!(
            "服务器上的台账由服务器管理员备份（pg_dump）；要得到一份本机台账文件，请用 union-ledger backup --to 文件名.db"
        );
    }
    if args.list {
        let backups = crate::store::automatic_backups(path);
        if backups.is_empty() {
            writeln!(
                out,
                "还没有自动备份（{}）。",
                crate::store::backups_dir(path).display()
            )?;
        }
        for backup in backups {
            let size = std::fs::metadata(&backup).map(|m| m.len()).unwrap_or(0);
            writeln!(
                out,
                "{}  {:.1} MB",
                backup.display(),
                size as f64 / 1_048_576.0
            )?;
        }
        return Ok(());
    }
    let mut ledger = super::open_ledger(path, clock)?;
    // A copy of a damaged file must not push a good backup out of the rotation.
    ledger.check_integrity_or_refuse()?;
    if let Some(keep) = args.keep {
        ledger.set_backups_kept(keep)?;
        writeln!(out, "自动备份保留最近 {keep} 份。")?;
    }
    match &args.to {
        Some(target) => {
            ledger.backup_to(target)?;
            writeln!(out, "已备份到：{}", target.display())?;
        }
        None if args.keep.is_none() => {
            let made = super::progress::on_stderr("正在备份（页）", |progress| {
                ledger.automatic_backup_counted("手动", clock.now(), progress)
            })?;
            if let Some(target) = made {
                writeln!(out, "已备份到：{}", target.display())?;
            }
        }
        None => {}
    }
    Ok(())
}

/// `copy`: the whole ledger into a new file or an empty server database, both sides
/// verified with the same chain head.
pub fn copy(from: &Path, to: &Path, clock: &dyn Clock, out: &mut dyn Write) -> anyhow::Result<()> {
    let source = if crate::store::server_address(from).is_some() {
        Ledger::open_read_only(from, clock)?
    } else {
        Ledger::open_existing_with(from, clock, super::waiting())?
    };
    let summary = crate::store::copy_ledger(&source, to)?;
    writeln!(
        out,
        "已复制：{} → {}",
        crate::store::location_text(from),
        crate::store::location_text(to)
    )?;
    writeln!(
        out,
        "会员 {} 人，凭证 {} 张，变更日志 {} 条；两边校验通过，链头一致：{}",
        summary.members, summary.entries, summary.log_rows, summary.head
    )?;
    Ok(())
}

/// `restore`: checks the backup, keeps the current file, and puts the backup in place.
pub fn restore(
    from: &Path,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if crate::store::server_address(path).is_some() {
        anyhow::bail!(
            "服务器上的台账不能用 restore 覆盖；请在服务器上新建一个空数据库，再用 union-ledger copy --from 备份文件 --to 新数据库地址"
        );
    }
    let summary = crate::store::check_backup(from, clock)?;
    writeln!(out, "备份检查通过：{summary}")?;
    let kept = crate::store::restore(from, path, clock)?;
    writeln!(
        out,
        "已用“{}”恢复台账“{}”。",
        from.display(),
        path.display()
    )?;
    if let Some(kept) = kept {
        writeln!(out, "原台账保留为：{}", kept.display())?;
    }
    Ok(())
}

/// `export --period --out`: a closed period's sealed snapshot for the union above.
pub fn export(
    period: &str,
    file: &Path,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let period = super::parse_period_option("--period", period)?;
    let ledger = super::open_ledger(path, clock)?;
    let manifest = ledger.export_snapshot(period, file, clock)?;
    writeln!(out, "已导出上报快照：{}", file.display())?;
    writeln!(out, "工会：{}", manifest.union_name)?;
    writeln!(
        out,
        "期间：{}（{} 至 {}，已结账）",
        manifest.period_label, manifest.period_start, manifest.period_end
    )?;
    writeln!(
        out,
        "变更日志 {} 条，凭证 {} 笔；链头（请与上级工会核对）：{}",
        manifest.log_rows, manifest.entries, manifest.head
    )?;
    Ok(())
}
