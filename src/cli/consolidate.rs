//! `consolidate add|list`: the union above registers its branches' snapshots in its
//! consolidation book (汇总台账), each checked before it is taken.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;

use serde::Serialize;

use super::format::{Align, Table};
use super::{OutputFormat, write_json};
use crate::core::date::Clock;
use crate::core::forms::FigureTarget;
use crate::core::money::format_fen;
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
    /// 查看分会某个数字背后的凭证：从汇总台账保存的快照只读读取（the entries behind a branch's figure）
    Entries(EntriesArgs),
    /// 列出已登记的快照及其问题（list the registered snapshots）
    List {
        #[arg(long, value_name = "FILE")]
        book: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
}

/// `consolidate entries`: which branch, which period and which figure. Without
/// --category, --group, --source or --fund it lists all the spending (with --income,
/// all the income).
#[derive(Debug, clap::Args)]
pub struct EntriesArgs {
    /// 分会名称，与快照中的工会名称一致（the branch）
    #[arg(long)]
    pub branch: String,
    /// 期间：季度（2026Q3）或年度（2026）
    #[arg(long)]
    pub period: String,
    /// 支出明细类别，如 生病住院 或 五必访/生病住院（a spending item）
    #[arg(long, conflicts_with_all = ["group", "source", "fund"])]
    pub category: Option<String>,
    /// 支出分组，如 五必访（a spending group: all its items）
    #[arg(long, conflicts_with_all = ["source", "fund"])]
    pub group: Option<String>,
    /// 收入来源，如 会费（an income source）
    #[arg(long, conflicts_with = "fund")]
    pub source: Option<String>,
    /// 资金，如 慰问金：该资金的支出（加 --income 为收入）（a fund's spending, or income）
    #[arg(long)]
    pub fund: Option<String>,
    /// 看收入而不是支出（income instead of spending）
    #[arg(long)]
    pub income: bool,
    #[arg(long, value_name = "FILE")]
    pub book: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

impl EntriesArgs {
    fn target(&self) -> FigureTarget {
        if let Some(name) = &self.category {
            // 组/明细 names the group too (item names are unique only within a group).
            let (parent, name) = match name.split_once('/') {
                Some((parent, name)) => (Some(parent.trim().to_string()), name),
                None => (None, name.as_str()),
            };
            FigureTarget::Category {
                name: name.trim().to_string(),
                group: false,
                parent,
            }
        } else if let Some(name) = &self.group {
            FigureTarget::Category {
                name: name.trim().to_string(),
                group: true,
                parent: None,
            }
        } else if let Some(name) = &self.source {
            FigureTarget::Source(name.trim().to_string())
        } else if let Some(name) = &self.fund {
            FigureTarget::Fund {
                name: name.trim().to_string(),
                spending: !self.income,
            }
        } else {
            FigureTarget::All {
                spending: !self.income,
            }
        }
    }
}

/// The entries behind a figure, as written in JSON.
#[derive(Debug, Serialize)]
struct EntriesJson<'a> {
    branch: &'a str,
    period: String,
    target: String,
    snapshot_head: &'a str,
    count: i64,
    /// The figure: spending for spending, income for income.
    total_fen: i64,
    entries: Vec<EntryJson<'a>>,
}

/// One entry behind a figure.
#[derive(Debug, Serialize)]
struct EntryJson<'a> {
    voucher_no: &'a str,
    date: String,
    item: &'a str,
    fund: &'a str,
    member: &'a str,
    employee_no: &'a str,
    /// As written on the voucher.
    amount_fen: i64,
    is_reversal: bool,
    /// What it adds to the figure (a reversal takes its amount off).
    counts_fen: i64,
    note: &'a str,
}

/// The entries behind the figure asked for, with their total.
fn entries(args: &EntriesArgs, clock: &dyn Clock, out: &mut dyn Write) -> anyhow::Result<()> {
    let period = super::parse_period_option("--period", &args.period)?;
    let book_file = book_path(args.book.clone())?;
    let book = ConsolidationBook::open_existing(&book_file)?;
    let found = book.branch_entries(args.branch.trim(), period, args.target(), None, clock)?;
    match args.format {
        OutputFormat::Json => {
            let spending = found.filter.kind == Some(crate::core::model::EntryKind::Disbursement);
            let entries = found
                .rows
                .iter()
                .map(|row| EntryJson {
                    voucher_no: &row.voucher_no,
                    date: crate::core::date::format_date(row.entry.date),
                    item: &row.item_name,
                    fund: &row.fund_name,
                    member: &row.member_name,
                    employee_no: &row.employee_no,
                    amount_fen: row.entry.amount_fen,
                    is_reversal: row.entry.reverses_entry_id.is_some(),
                    counts_fen: if spending {
                        -row.delta_fen
                    } else {
                        row.delta_fen
                    },
                    note: &row.entry.note,
                })
                .collect();
            write_json(
                out,
                &EntriesJson {
                    branch: &found.branch,
                    period: found.period.label(),
                    target: found.target.describe(),
                    snapshot_head: &found.registration.head,
                    count: found.count,
                    total_fen: found.total_fen,
                    entries,
                },
            )
        }
        OutputFormat::Text => {
            let mut table = Table::new(&[
                ("凭证号", Align::Left),
                ("日期", Align::Left),
                ("项目", Align::Left),
                ("会员", Align::Left),
                ("金额", Align::Right),
                ("备注", Align::Left),
            ]);
            for row in &found.rows {
                let amount = format_fen(row.entry.amount_fen);
                table.push(vec![
                    row.voucher_no.clone(),
                    crate::core::date::format_date(row.entry.date),
                    row.item_name.clone(),
                    row.member_name.clone(),
                    if row.entry.reverses_entry_id.is_some() {
                        format!("-{amount}")
                    } else {
                        amount
                    },
                    row.entry.note.clone(),
                ]);
            }
            writeln!(
                out,
                "{} {} {}（只读，来自 {} 登记的快照，链头 {}）",
                found.branch,
                found.period.label(),
                found.target.describe(),
                found.registration.registered_at,
                &found.registration.head[..16.min(found.registration.head.len())]
            )?;
            write!(out, "{}", table.render())?;
            writeln!(
                out,
                "共 {} 笔，合计 {} 元",
                found.count,
                format_fen(found.total_fen)
            )?;
            Ok(())
        }
    }
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
            let book = ConsolidationBook::open_existing(&book_file)?;
            let made =
                book.consolidated_form(&union_name, &request, period, clock.today(), clock)?;
            super::report::write_form(&made, &output, &book_file, out)
        }
        ConsolidateCommand::Entries(args) => entries(&args, clock, out),
        ConsolidateCommand::List { book, format } => {
            let book_file = book_path(book)?;
            let book = ConsolidationBook::open_existing(&book_file)?;
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
