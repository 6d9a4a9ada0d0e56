//! `union-ledger report …`: the printed forms from the command line, as text on the
//! terminal or saved as PDF, XLSX, text or JSON.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono::Datelike;
use clap::{Args, Subcommand};

use super::batches::find_batch;
use super::entries::member_id;
use super::parse_period_option;
use crate::core::date::{Clock, Period, quarter_number};
use crate::core::forms::FormRequest;
use crate::print::{self, OutputFormat, PrintOptions};

/// Where and how a form is written.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// 格式：pdf、xlsx、text、json；默认按 --out 的扩展名，无 --out 时为 text
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// 保存到文件（PDF 与 XLSX 必须指定）
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// 季度汇总表：各类别本季数与本年累计数，各项经费收支（quarterly tally）
    Quarterly {
        /// 季度，如 2026Q3；默认为本季度
        #[arg(long)]
        period: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// 年度收入支出表：按收入来源、支出类别与经费（annual income and expense statement）
    Annual {
        /// 年份；默认为今年
        #[arg(long)]
        year: Option<i32>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// 个人台账：某会员在期间内领取的一切，及本年各项标准的使用（member ledger）
    Member {
        /// 会员工号
        #[arg(long)]
        member: String,
        /// 期间：2026、2026Q1 或 2026-03；默认为今年
        #[arg(long)]
        period: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// 发放签领表：按部门排列，部门小计，签字栏，合计大写（sign-off sheet of a batch）
    Signoff {
        /// 批次号，如 P2026-0003，或编号 3
        #[arg(long)]
        batch: String,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// 支出凭单：一笔支出的领款人、金额大小写、科目、审批与签字栏（payment voucher）
    Voucher {
        /// 凭证号，如 2026-000123
        #[arg(long)]
        voucher: String,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// 走访慰问登记表（visits register）
    Visits {
        /// 期间：2026、2026Q1 或 2026-03；默认为今年
        #[arg(long)]
        period: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// 年度审计报告：经费逐笔重算核对，超标准、方式、对象、重复、无审批、材料不全、无档案、缺号、结账后补记，及变更日志校验（year-end audit）
    Audit {
        /// 年份；默认为今年
        #[arg(long)]
        year: Option<i32>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// 互助保障报销登记表：期间内入院的理赔（claims register）
    Claims {
        /// 期间：2026、2026Q1 或 2026-03；默认为今年
        #[arg(long)]
        period: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
}

fn period_or_year(text: &Option<String>, clock: &dyn Clock) -> anyhow::Result<Period> {
    match text {
        Some(text) => parse_period_option("--period", text),
        None => Ok(Period::year(clock.today().year())),
    }
}

/// Decides the format: the option, else the file's extension, else text.
fn output_format(output: &OutputArgs) -> anyhow::Result<OutputFormat> {
    if let Some(text) = &output.format {
        return OutputFormat::parse(text)
            .with_context(|| format!("--format：“{text}”无法识别，应为 pdf、xlsx、text 或 json"));
    }
    let extension = output
        .out
        .as_ref()
        .and_then(|path| path.extension())
        .and_then(|ext| ext.to_str())
        .unwrap_or("txt");
    Ok(OutputFormat::parse(extension).unwrap_or(OutputFormat::Text))
}

pub fn run(
    command: ReportCommand,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let ledger = super::open_ledger(path, clock)?;
    let today = clock.today();
    let (request, output) = match command {
        ReportCommand::Quarterly { period, output } => {
            let period = match period {
                Some(text) => parse_period_option("--period", &text)?,
                None => Period::quarter_of(today),
            };
            let quarter = quarter_number(period.start);
            if period != Period::quarter(period.start.year(), quarter) {
                bail!(
                    "--period：季度汇总表需要一个季度，如 {}Q{quarter}",
                    period.start.year()
                );
            }
            (
                FormRequest::Quarterly {
                    year: period.start.year(),
                    quarter,
                },
                output,
            )
        }
        ReportCommand::Audit { year, output } => (
            FormRequest::Audit {
                year: year.unwrap_or(today.year()),
            },
            output,
        ),
        ReportCommand::Annual { year, output } => (
            FormRequest::Annual {
                year: year.unwrap_or(today.year()),
            },
            output,
        ),
        ReportCommand::Member {
            member,
            period,
            output,
        } => {
            let (member_id, _) = member_id(&ledger, "--member", &member)?;
            (
                FormRequest::Member {
                    member_id,
                    period: period_or_year(&period, clock)?,
                },
                output,
            )
        }
        ReportCommand::Signoff { batch, output } => (
            FormRequest::Signoff {
                batch_id: find_batch(&ledger, &batch)?.id,
            },
            output,
        ),
        ReportCommand::Voucher { voucher, output } => (
            FormRequest::Voucher {
                entry_id: ledger.entry_by_voucher(&voucher)?.id,
            },
            output,
        ),
        ReportCommand::Visits { period, output } => (
            FormRequest::Visits {
                period: period_or_year(&period, clock)?,
            },
            output,
        ),
        ReportCommand::Claims { period, output } => (
            FormRequest::Claims {
                period: period_or_year(&period, clock)?,
            },
            output,
        ),
    };
    let form = ledger.form(&request, today)?;
    write_form(&form, &output, path, out)
}

/// Writes a form as `output` asks: to the file named (saying so), or to `out`; the
/// templates are the ones beside `beside`.
pub fn write_form(
    form: &crate::core::forms::Form,
    output: &OutputArgs,
    beside: &Path,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let format = output_format(output)?;
    if output.out.is_none() && matches!(format, OutputFormat::Pdf | OutputFormat::Xlsx) {
        bail!(
            "--format {}：请用 --out 指定要保存的文件",
            format.extension()
        );
    }
    let options = PrintOptions::beside(beside);
    let bytes = print::render(form, format, &options)?;
    match &output.out {
        Some(target) => {
            crate::print::write_file_whole(target, &bytes)?;
            writeln!(
                out,
                "已生成{}（{}）：{}",
                form.title,
                form.period,
                target.display()
            )?;
        }
        None => out.write_all(&bytes)?,
    }
    Ok(())
}
