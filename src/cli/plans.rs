//! `plan add|list|show` and `enrol`, `enrol list`: mutual-insurance plans (职工互助保障)
//! and enrolling a group in one, the union's premiums paid as one batch. A plan's
//! benefit rules are typed as short specs (`ratio:50%,起付1000,每次20000`), parsed here.

use std::io::Write;
use std::path::Path;

use anyhow::{anyhow, bail};
use clap::{Args, Subcommand};
use serde::Serialize;

use super::approval::ApprovalArgs;
use super::batches::GroupArgs;
use super::entries::{Chart, handler, past_date, write_balance};
use super::format::{Align, Table};
use super::{OutputFormat, parse_amount_option, parse_choice, parse_date_option, write_json};
use crate::core::date::{Clock, format_date};
use crate::core::insurance::{BenefitRule, Plan, PlanDraft, PlanEligibility, parse_benefit};
use crate::core::model::{Gender, MemberStatus};
use crate::core::money::format_fen;
use crate::store::{EnrolSpec, Ledger};

/// How `--benefit` is written, shown under `plan add --help`.
pub const BENEFIT_HELP: &str = "\
赔付规则 --benefit 的写法（可重复，每条一种方式；冒号、逗号可用全角；金额单位为元，不写千位逗号）：
  ratio:比例[,起付N][,每次N][,每期N]
      合规费用（扣除医保已报）超过起付线的部分按比例赔付，每次、每人每期封顶
      例：ratio:50%,起付1000,每次20000,每期30000
  perday:每天金额[,超N天][,封顶N]
      住院超过 N 天的，按住院天数每天给付，封顶
      例：perday:50,超3天,封顶4500
  lump:金额[,等待N天][,减额M天X]
      确诊一次性给付；入保 N 天内不赔，N–M 天内只给付 X 元
      例：lump:15000,等待30天,减额90天5000
  tiers:等级=金额,等级=金额…
      按诊断等级给付，理赔时用 --grade 指定等级；等级之间也可用分号，但须加引号
      例：tiers:一级=6000,二级=3000,三级=2000,四级=1000
  offset
      扣除同一疾病已获的其他工会补助（理赔时用 --other-aid 填写）
方式也可写中文：比例、按天、一次性、分级、扣减。";

/// `plan …`
#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// 添加互助保障计划（add a mutual-insurance plan）
    #[command(after_help = BENEFIT_HELP)]
    Add(Box<PlanAddArgs>),
    /// 列出计划及其条款（list plans with their terms）
    List {
        /// 输出格式（output format）
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// 查看一个计划的条款和参保人数（a plan's terms and enrolment）
    Show {
        /// 计划名称（plan name）
        name: String,
        /// 输出格式（output format）
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
}

/// The options of `plan add`.
#[derive(Debug, Args)]
pub struct PlanAddArgs {
    /// 计划名称，如 2026 职工住院医疗互助保障（plan name）
    #[arg(long)]
    pub name: String,
    /// 承办机构，如 市总工会职工互助保障会（the society running it）
    #[arg(long)]
    pub society: String,
    /// 保障期开始日期（cover starts）
    #[arg(long, value_name = "DATE")]
    pub start: String,
    /// 保障期结束日期（cover ends）
    #[arg(long, value_name = "DATE")]
    pub end: String,
    /// 每人保费中工会承担的部分（元）（union's premium per person）
    #[arg(long, value_name = "元")]
    pub premium_union: String,
    /// 每人保费中个人承担的部分（元），默认 0（worker's premium per person）
    #[arg(long, value_name = "元")]
    pub premium_worker: Option<String>,
    /// 参保期开始日期（enrolment opens）
    #[arg(long, value_name = "DATE")]
    pub enrol_from: String,
    /// 参保期截止日期（enrolment closes）
    #[arg(long, value_name = "DATE")]
    pub enrol_until: String,
    /// 保障期结束后可申请理赔的天数（days to claim after the cover ends）
    #[arg(long, value_name = "DAYS", default_value = "90")]
    pub claim_days: String,
    /// 保费支出和赔付经过的资金（fund）
    #[arg(long, default_value = "互助保障金")]
    pub fund: String,
    /// 参保条件：人员状态，可重复（eligible status; repeatable）
    #[arg(long = "status")]
    pub statuses: Vec<String>,
    /// 参保条件：性别（eligible gender）
    #[arg(long)]
    pub gender: Option<String>,
    /// 参保条件：最低年龄（minimum age）
    #[arg(long, value_name = "AGE")]
    pub min_age: Option<String>,
    /// 参保条件：最高年龄（maximum age）
    #[arg(long, value_name = "AGE")]
    pub max_age: Option<String>,
    /// 赔付规则，可重复，写法见下（benefit rule; repeatable; see below）
    #[arg(long = "benefit", value_name = "SPEC", required = true)]
    pub benefits: Vec<String>,
}

/// The options of `enrol`, or its `list` subcommand.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct EnrolArgs {
    #[command(subcommand)]
    pub command: Option<EnrolCommand>,
    /// 计划名称（plan name）
    #[arg(long, required = true)]
    pub plan: Option<String>,
    /// 参保日期（date of enrolment）
    #[arg(long, value_name = "DATE", required = true)]
    pub date: Option<String>,
    #[command(flatten)]
    pub approval: ApprovalArgs,
    #[command(flatten)]
    pub group: GroupArgs,
    /// 经办人，默认取设置 handler（handler）
    #[arg(long)]
    pub handler: Option<String>,
    /// 输出格式（output format）
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// `enrol list`
#[derive(Debug, Subcommand)]
pub enum EnrolCommand {
    /// 列出参保人员，或未参保人员及原因（list enrolled, or not enrolled with why）
    List {
        /// 计划名称（plan name）
        #[arg(long)]
        plan: String,
        /// 列出未参保的在职、退休人员及不符合条件的原因（members not enrolled）
        #[arg(long)]
        not_enrolled: bool,
        /// 输出格式（output format）
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
}

/// Runs a `plan` subcommand.
pub fn run_plan(
    command: PlanCommand,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    match command {
        PlanCommand::Add(args) => add(&args, path, clock, out),
        PlanCommand::List { format } => list(format, path, clock, out),
        PlanCommand::Show { name, format } => show(&name, format, path, clock, out),
    }
}

/// Runs `enrol` or `enrol list`.
pub fn run_enrol(
    args: EnrolArgs,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<()> {
    match &args.command {
        Some(EnrolCommand::List {
            plan,
            not_enrolled,
            format,
        }) => enrol_list(plan, *not_enrolled, *format, path, clock, out),
        None => enrol(&args, path, clock, out, err),
    }
}

/// Finds a plan by name, naming the option and the plans there are when none matches.
pub fn find_plan(ledger: &Ledger, option: &str, name: &str) -> anyhow::Result<Plan> {
    let name = name.trim();
    let plans = ledger.plans()?;
    let names: Vec<&str> = plans.iter().map(|plan| plan.name.as_str()).collect();
    if let Some(plan) = plans.iter().find(|plan| plan.name == name) {
        return Ok(plan.clone());
    }
    if names.is_empty() {
        bail!("{option}：找不到互助保障计划“{name}”，台账中还没有计划（用 plan add 添加）");
    }
    bail!(
        "{option}：找不到互助保障计划“{name}”，现有：{}",
        names.join("、")
    )
}

/// An age option: a whole number of years.
fn parse_age(option: &str, text: &Option<String>) -> anyhow::Result<Option<u32>> {
    text.as_deref()
        .map(|text| {
            text.trim()
                .trim_end_matches('岁')
                .parse::<u32>()
                .ok()
                .filter(|age| *age <= 120)
                .ok_or_else(|| anyhow!("{option}：“{}”应为年龄（整数，如 60）", text.trim()))
        })
        .transpose()
}

fn draft_from_args(args: &PlanAddArgs, chart: &Chart) -> anyhow::Result<PlanDraft> {
    let claim_days_after_end = args
        .claim_days
        .trim()
        .trim_end_matches('天')
        .parse::<i64>()
        .ok()
        .filter(|days| *days >= 0)
        .ok_or_else(|| {
            anyhow!(
                "--claim-days：“{}”应为天数（整数，如 90）",
                args.claim_days.trim()
            )
        })?;
    let mut statuses = Vec::new();
    for status in &args.statuses {
        let status = parse_choice(
            "--status",
            status,
            MemberStatus::parse,
            &MemberStatus::expected(),
        )?;
        if !statuses.contains(&status) {
            statuses.push(status);
        }
    }
    let eligibility = PlanEligibility {
        statuses,
        gender: args
            .gender
            .as_deref()
            .map(|text| parse_choice("--gender", text, Gender::parse, &Gender::expected()))
            .transpose()?,
        min_age: parse_age("--min-age", &args.min_age)?,
        max_age: parse_age("--max-age", &args.max_age)?,
    };
    if let (Some(min), Some(max)) = (eligibility.min_age, eligibility.max_age)
        && min > max
    {
        bail!("--max-age：最高年龄 {max} 小于最低年龄 {min}");
    }
    let mut benefits = Vec::new();
    for (index, text) in args.benefits.iter().enumerate() {
        let rule = parse_benefit(text).map_err(|message| {
            let which = if args.benefits.len() > 1 {
                format!("第 {} 条", index + 1)
            } else {
                String::new()
            };
            anyhow!(
                "--benefit {which}“{}”：{message}（写法见 plan add --help）",
                text.trim()
            )
        })?;
        benefits.push(rule);
    }
    Ok(PlanDraft {
        name: args.name.trim().to_string(),
        society: args.society.trim().to_string(),
        starts_on: parse_date_option("--start", &args.start)?,
        ends_on: parse_date_option("--end", &args.end)?,
        premium_union_fen: parse_amount_option("--premium-union", &args.premium_union)?,
        premium_worker_fen: args
            .premium_worker
            .as_deref()
            .map(|text| parse_amount_option("--premium-worker", text))
            .transpose()?
            .unwrap_or(0),
        enrol_from: parse_date_option("--enrol-from", &args.enrol_from)?,
        enrol_until: parse_date_option("--enrol-until", &args.enrol_until)?,
        claim_days_after_end,
        eligibility,
        benefits,
        fund_id: chart.fund("--fund", &args.fund)?.id,
    })
}

/// Writes a plan's terms, one per line.
fn write_terms(out: &mut dyn Write, plan: &PlanDraft, chart: &Chart) -> anyhow::Result<()> {
    writeln!(out, "{}（{}）", plan.name, plan.society)?;
    writeln!(
        out,
        "  保障期：{} 至 {}",
        format_date(plan.starts_on),
        format_date(plan.ends_on)
    )?;
    writeln!(
        out,
        "  保费：每人 {} 元，其中工会承担 {} 元，个人承担 {} 元",
        format_fen(plan.premium_fen()),
        format_fen(plan.premium_union_fen),
        format_fen(plan.premium_worker_fen)
    )?;
    writeln!(
        out,
        "  参保期：{} 至 {}",
        format_date(plan.enrol_from),
        format_date(plan.enrol_until)
    )?;
    writeln!(
        out,
        "  理赔期限：保障期结束后 {} 天内，即 {} 前",
        plan.claim_days_after_end,
        format_date(plan.claim_deadline())
    )?;
    writeln!(out, "  参保条件：{}", plan.eligibility.describe())?;
    writeln!(out, "  资金：{}", chart.fund_name(plan.fund_id))?;
    writeln!(out, "  赔付规则：")?;
    for (index, rule) in plan.benefits.iter().enumerate() {
        writeln!(out, "    {}. {}", index + 1, rule.describe())?;
    }
    Ok(())
}

/// A benefit rule as the JSON output writes it: its sentence and its figures.
#[derive(Debug, Serialize)]
struct BenefitJson<'a> {
    text: String,
    rule: &'a BenefitRule,
}

/// A plan as the JSON output writes it. Field names are stable.
#[derive(Debug, Serialize)]
struct PlanJson<'a> {
    id: i64,
    name: &'a str,
    society: &'a str,
    starts_on: String,
    ends_on: String,
    premium_fen: i64,
    premium_union_fen: i64,
    premium_worker_fen: i64,
    enrol_from: String,
    enrol_until: String,
    claim_days_after_end: i64,
    claim_deadline: String,
    eligibility: String,
    fund: &'a str,
    benefits: Vec<BenefitJson<'a>>,
    enrolled: usize,
}

impl<'a> PlanJson<'a> {
    fn of(plan: &'a Plan, chart: &'a Chart, enrolled: usize) -> Self {
        Self {
            id: plan.id,
            name: &plan.name,
            society: &plan.society,
            starts_on: format_date(plan.starts_on),
            ends_on: format_date(plan.ends_on),
            premium_fen: plan.premium_fen(),
            premium_union_fen: plan.premium_union_fen,
            premium_worker_fen: plan.premium_worker_fen,
            enrol_from: format_date(plan.enrol_from),
            enrol_until: format_date(plan.enrol_until),
            claim_days_after_end: plan.claim_days_after_end,
            claim_deadline: format_date(plan.claim_deadline()),
            eligibility: plan.eligibility.describe(),
            fund: chart.fund_name(plan.fund_id),
            benefits: plan
                .benefits
                .iter()
                .map(|rule| BenefitJson {
                    text: rule.describe(),
                    rule,
                })
                .collect(),
            enrolled,
        }
    }
}

fn add(
    args: &PlanAddArgs,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut ledger = super::open_ledger(path, clock)?;
    let chart = Chart::load(&ledger)?;
    let draft = draft_from_args(args, &chart)?;
    ledger.add_plan(&draft, clock)?;
    writeln!(out, "已添加互助保障计划：")?;
    write_terms(out, &draft, &chart)?;
    writeln!(
        out,
        "参保：union-ledger enrol --plan \"{}\" --date 日期 --approval-date 决议日期 --minutes 纪要编号",
        draft.name
    )?;
    Ok(())
}

fn list(
    format: OutputFormat,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let ledger = super::open_ledger(path, clock)?;
    let chart = Chart::load(&ledger)?;
    let plans = ledger.plans()?;
    let mut counts = Vec::new();
    for plan in &plans {
        counts.push(ledger.enrolments(plan.id)?.len());
    }
    if format == OutputFormat::Json {
        let rows: Vec<PlanJson> = plans
            .iter()
            .zip(&counts)
            .map(|(plan, count)| PlanJson::of(plan, &chart, *count))
            .collect();
        return write_json(out, &rows);
    }
    if plans.is_empty() {
        writeln!(out, "还没有互助保障计划（用 plan add 添加）。")?;
        return Ok(());
    }
    for (plan, count) in plans.iter().zip(&counts) {
        write_terms(out, plan, &chart)?;
        writeln!(out, "  参保：{count} 人")?;
        writeln!(out)?;
    }
    writeln!(out, "共 {} 个计划", plans.len())?;
    Ok(())
}

fn show(
    name: &str,
    format: OutputFormat,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let ledger = super::open_ledger(path, clock)?;
    let chart = Chart::load(&ledger)?;
    let plan = find_plan(&ledger, "计划", name)?;
    let enrolments = ledger.enrolments(plan.id)?;
    if format == OutputFormat::Json {
        return write_json(out, &PlanJson::of(&plan, &chart, enrolments.len()));
    }
    write_terms(out, &plan, &chart)?;
    writeln!(
        out,
        "参保 {} 人，工会承担保费合计 {} 元",
        enrolments.len(),
        format_fen(enrolments.len() as i64 * plan.premium_union_fen)
    )?;
    Ok(())
}

/// A refused member as the JSON output writes it.
#[derive(Debug, Serialize)]
struct RefusedJson<'a> {
    member: &'a str,
    reason: &'a str,
}

#[derive(Debug, Serialize)]
struct EnrolJson<'a> {
    plan: &'a str,
    enrolled_on: String,
    group: String,
    enrolled: usize,
    already_enrolled: usize,
    refused: Vec<RefusedJson<'a>>,
    batch: Option<String>,
    premium_fen: i64,
}

/// A required option of `enrol` (clap lets it go only when `list` is given).
fn required<'a>(option: &str, value: &'a Option<String>) -> anyhow::Result<&'a str> {
    value
        .as_deref()
        .ok_or_else(|| anyhow!("{option}：必须填写"))
}

fn enrol(
    args: &EnrolArgs,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<()> {
    let today = clock.today();
    let mut ledger = super::open_ledger(path, clock)?;
    let chart = Chart::load(&ledger)?;
    let plan = find_plan(&ledger, "--plan", required("--plan", &args.plan)?)?;
    let enrolled_on = past_date("--date", Some(required("--date", &args.date)?), today)?;
    let approval = args.approval.required(today, "参保缴费")?;
    // Without a choice, the group is everyone the plan's statuses cover.
    let default_statuses = if plan.eligibility.statuses.is_empty() {
        vec![MemberStatus::InService]
    } else {
        plan.eligibility.statuses.clone()
    };
    let (group, _) = args.group.group(&ledger, &default_statuses)?;
    if enrolled_on < plan.enrol_from || enrolled_on > plan.enrol_until {
        writeln!(
            err,
            "提醒：参保日期 {} 不在参保期 {} 至 {} 之内（年中补参保）",
            format_date(enrolled_on),
            format_date(plan.enrol_from),
            format_date(plan.enrol_until)
        )?;
    }
    let spec = EnrolSpec {
        plan_id: plan.id,
        group: group.clone(),
        enrolled_on,
        approval: approval.clone(),
        handler: handler(&ledger, &args.handler)?,
    };
    let summary = super::progress::on_stderr("正在办理参保", |progress| {
        ledger.enrol_counted(&spec, clock, progress)
    })?;

    let batch = summary
        .batch_id
        .map(|id| ledger.batch(id))
        .transpose()?
        .map(|batch| batch.number());
    if args.format == OutputFormat::Json {
        return write_json(
            out,
            &EnrolJson {
                plan: &plan.name,
                enrolled_on: format_date(enrolled_on),
                group: group.describe(),
                enrolled: summary.enrolled,
                already_enrolled: summary.already_enrolled,
                refused: summary
                    .refused
                    .iter()
                    .map(|(member, reason)| RefusedJson { member, reason })
                    .collect(),
                batch,
                premium_fen: summary.premium_fen,
            },
        );
    }
    writeln!(out, "参保：{}，{}", plan.name, format_date(enrolled_on))?;
    writeln!(out, "审批：{}", approval.describe())?;
    writeln!(out, "参保对象：{}", group.describe())?;
    writeln!(
        out,
        "新参保 {} 人，已参保 {} 人，不符合条件 {} 人",
        summary.enrolled,
        summary.already_enrolled,
        summary.refused.len()
    )?;
    for (member, reason) in &summary.refused {
        writeln!(out, "  {member}：{reason}")?;
    }
    match &batch {
        Some(number) => writeln!(
            out,
            "保费批次 {number}：工会承担每人 {} 元 × {} 人，合计 {} 元",
            format_fen(plan.premium_union_fen),
            summary.enrolled,
            format_fen(summary.premium_fen)
        )?,
        None if summary.enrolled == 0 => writeln!(out, "没有新参保的会员，未支付保费。")?,
        None => writeln!(out, "工会不承担保费，未生成批次。")?,
    }
    if summary.enrolled > 0 && plan.premium_worker_fen > 0 {
        writeln!(
            out,
            "个人承担每人 {} 元，由职工自行缴纳，不记入工会账目。",
            format_fen(plan.premium_worker_fen)
        )?;
    }
    if batch.is_some() {
        write_balance(out, &ledger, &chart, plan.fund_id, today)?;
    }
    Ok(())
}

#[derive(Debug, Serialize)]
struct NotEnrolledJson<'a> {
    employee_no: &'a str,
    name: &'a str,
    department: &'a str,
    status: &'static str,
    eligible: bool,
    reason: &'a str,
}

fn enrol_list(
    plan_name: &str,
    not_enrolled: bool,
    format: OutputFormat,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let ledger = super::open_ledger(path, clock)?;
    let plan = find_plan(&ledger, "--plan", plan_name)?;
    if not_enrolled {
        let rows = ledger.not_enrolled(plan.id, clock.today())?;
        if format == OutputFormat::Json {
            let rows: Vec<NotEnrolledJson> = rows
                .iter()
                .map(|(member, reason)| NotEnrolledJson {
                    employee_no: &member.employee_no,
                    name: &member.name,
                    department: &member.department,
                    status: member.status.label(),
                    eligible: reason.is_none(),
                    reason: reason.as_deref().unwrap_or(""),
                })
                .collect();
            return write_json(out, &rows);
        }
        if rows.is_empty() {
            writeln!(out, "在职、退休人员都已参加 {}。", plan.name)?;
            return Ok(());
        }
        let mut table = Table::new(&[
            ("工号", Align::Left),
            ("姓名", Align::Left),
            ("部门", Align::Left),
            ("状态", Align::Left),
            ("说明", Align::Left),
        ]);
        for (member, reason) in &rows {
            table.push(vec![
                member.employee_no.clone(),
                member.name.clone(),
                member.department.clone(),
                member.status.label().into(),
                reason.clone().unwrap_or_else(|| "符合条件，未参保".into()),
            ]);
        }
        write!(out, "{}", table.render())?;
        let eligible = rows.iter().filter(|(_, reason)| reason.is_none()).count();
        writeln!(
            out,
            "未参保 {} 人，其中符合条件 {} 人",
            rows.len(),
            eligible
        )?;
        if eligible > 0 {
            writeln!(
                out,
                "补参保：union-ledger enrol --plan \"{}\" --date 日期 --member 工号 … --approval-date 决议日期 --minutes 纪要编号",
                plan.name
            )?;
        }
        return Ok(());
    }
    let enrolments = ledger.enrolments(plan.id)?;
    if format == OutputFormat::Json {
        return write_json(out, &enrolments);
    }
    if enrolments.is_empty() {
        writeln!(out, "{} 还没有参保人员。", plan.name)?;
        return Ok(());
    }
    let mut table = Table::new(&[
        ("工号", Align::Left),
        ("姓名", Align::Left),
        ("部门", Align::Left),
        ("参保日期", Align::Left),
        ("保费凭证", Align::Left),
    ]);
    for enrolment in &enrolments {
        table.push(vec![
            enrolment.employee_no.clone(),
            enrolment.name.clone(),
            enrolment.department.clone(),
            format_date(enrolment.enrolled_on),
            enrolment.premium_voucher.clone(),
        ]);
    }
    write!(out, "{}", table.render())?;
    writeln!(out, "{} 共参保 {} 人", plan.name, enrolments.len())?;
    Ok(())
}
