//! `consolidate add|list`: the union above registers its branches' snapshots in its
//! consolidation book (汇总台账), each checked before it is taken.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;

use super::{OutputFormat, write_json};
use crate::core::date::Clock;
use crate::store::ConsolidationBook;

/// `consolidate …`
#[derive(Debug, Subcommand)]
pub enum ConsolidateCommand {
    /// 登记分会上报的快照：先检查文件、变更日志、清单和结账，分会历史被重建时记为问题（register a branch snapshot）
    Add {
        /// 分会用 union-ledger export 导出的快照文件（the snapshot file）
        file: PathBuf,
        /// 汇总台账文件，默认为数据目录下的 consolidation.db（the consolidation book）
        #[arg(long, value_name = "FILE")]
        book: Option<PathBuf>,
    },
    /// 汇总报表：各分会已登记快照的季度汇总表、收入支出表、审计报告，先合计后分列（consolidated forms）
    Report {
        /// quarterly、annual 或 audit
        form: String,
        /// 期间：季度汇总表为季度（2026Q3），收入支出表与审计报告为年度（2026）
        #[arg(long)]
        period: String,
        #[arg(long, value_name = "FILE")]
        book: Option<PathBuf>,
        /// 汇总单位名称，印在表头（the union above's name）
        #[arg(long, default_value = "汇总")]
        union_name: String,
        #[command(flatten)]
        output: super::report::OutputArgs,
    },
    /// 列出已登记的快照及其问题（list the registered snapshots）
    List {
        #[arg(long, value_name = "FILE")]
        book: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
}

/// The book named, or `consolidation.db` beside the default ledger.
fn book_path(book: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    match book {
        Some(path) => Ok(path),
        None => Ok(super::default_db_path()?.parent().map_or_else(
            || PathBuf::from("consolidation.db"),
            |dir| dir.join("consolidation.db"),
        )),
    }
}

pub fn run(
    command: ConsolidateCommand,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    match command {
        ConsolidateCommand::Add { file, book } => {
            let book_file = book_path(book)?;
            let mut book = ConsolidationBook::open(&book_file)?;
            let registration = book.register(&file, clock)?;
            writeln!(
                out,
                "已登记：{} {}（{} 至 {}），凭证 {} 笔，链头 {}",
                registration.branch,
                registration.period_label,
                registration.period_start,
                registration.period_end,
                registration.entries,
                registration.head
            )?;
            if !registration.finding.is_empty() {
                writeln!(out, "问题：{}", registration.finding)?;
            }
            writeln!(out, "汇总台账：{}", book_file.display())?;
            Ok(())
        }
        ConsolidateCommand::Report {
            form,
            period,
            book,
            union_name,
            output,
        } => {
            let book_file = book_path(book)?;
            let period = super::parse_period_option("--period", &period)?;
            let request = crate::core::forms::consolidated_request(&form, period)
                .map_err(anyhow::Error::msg)?;
            let book = ConsolidationBook::open(&book_file)?;
            let made =
                book.consolidated_form(&union_name, &request, period, clock.today(), clock)?;
            super::report::write_form(&made, &output, &book_file, out)
        }
        ConsolidateCommand::List { book, format } => {
            let book_file = book_path(book)?;
            let book = ConsolidationBook::open(&book_file)?;
            let registrations = book.registrations()?;
            if let Some(problem) = book.verify()? {
                anyhow::bail!("汇总台账的登记记录被改动过：{problem}");
            }
            match format {
                OutputFormat::Json => write_json(out, &registrations),
                OutputFormat::Text => {
                    for r in &registrations {
                        writeln!(
                            out,
                            "{} {} {}：凭证 {} 笔，链头 {}{}",
                            r.id,
                            r.branch,
                            r.period_label,
                            r.entries,
                            &r.head[..16.min(r.head.len())],
                            if r.finding.is_empty() {
                                String::new()
                            } else {
                                format!("；问题：{}", r.finding)
                            }
                        )?;
                    }
                    writeln!(
                        out,
                        "共登记 {} 份快照（{}）",
                        registrations.len(),
                        book_file.display()
                    )?;
                    Ok(())
                }
            }
        }
    }
}
