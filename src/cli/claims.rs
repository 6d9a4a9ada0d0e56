//! `claim add|doc|attach|submit|approve|pay|reject|list|show`: mutual-insurance claims
//! from registration to payment or rejection. Every claim shows its computation step
//! by step, the documents checklist and what is wrong with it (warnings).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail};
use chrono::Datelike;
use clap::{Args, Subcommand};
use serde::Serialize;

use super::entries::{Chart, handler, member_id, past_date, write_balance};
use super::format::{Align, Table};
use super::plans::find_plan;
use super::{
    OutputFormat, parse_amount_option, parse_choice, parse_date_option, split_list, write_json,
};
use crate::core::date::{Clock, Period, format_date};
use crate::core::insurance::{Claim, ClaimState, DocumentKind, NewClaim, PlanYearTotal};
use crate::core::money::format_fen;
use crate::store::{ClaimFilter, Ledger};

/// `claim …`
#[derive(Debug, Subcommand)]
pub enum ClaimCommand {
    /// 登记理赔并按计划规则计算赔付（register a claim; the payout is computed）
    Add(Box<ClaimAddArgs>),
    /// 勾选已备齐或仍缺的材料（tick documents in hand, or untick them）
    Doc {
        /// 理赔编号（claim id）
        id: i64,
        /// 已备齐的材料，逗号分隔，如 申请表,发票（documents in hand）
        #[arg(long)]
        have: Option<String>,
        /// 仍缺的材料，逗号分隔（documents missing）
        #[arg(long)]
        missing: Option<String>,
    },
    /// 把扫描件存入台账并勾选该材料（attach a scanned document）
    Attach {
        /// 理赔编号（claim id）
        id: i64,
        /// 材料种类，如 发票（document kind）
        #[arg(long)]
        kind: String,
        /// 扫描件文件（file to attach）
        file: PathBuf,
    },
    /// 提交给互助保障会（submit to the society）
    Submit {
        /// 理赔编号（claim id）
        id: i64,
        /// 提交日期，默认今天（date; default today）
        #[arg(long)]
        date: Option<String>,
    },
    /// 记录核定金额（record the approved amount）
    Approve {
        /// 理赔编号（claim id）
        id: i64,
        /// 核定赔付金额（元）（approved amount）
        #[arg(long)]
        amount: String,
        /// 核定日期，默认今天（date; default today）
        #[arg(long)]
        date: Option<String>,
    },
    /// 支付给会员：记一笔赔款收入和一笔赔付支出（pay the member）
    Pay {
        /// 理赔编号（claim id）
        id: i64,
        /// 支付日期，默认今天（date; default today）
        #[arg(long)]
        date: Option<String>,
        /// 经办人，默认取设置 handler（handler）
        #[arg(long)]
        handler: Option<String>,
    },
    /// 驳回（reject with the society's reason）
    Reject {
        /// 理赔编号（claim id）
        id: i64,
        /// 驳回原因（reason）
        #[arg(long)]
        reason: String,
        /// 驳回日期，默认今天（date; default today）
        #[arg(long)]
        date: Option<String>,
    },
    /// 列出理赔，末尾为本年各计划赔付人次和金额（list claims with the year's totals）
    List(ClaimListArgs),
    /// 查看一笔理赔的全部情况（a claim in full）
    Show {
        /// 理赔编号（claim id）
        id: i64,
    },
}

/// The options of `claim add`.
#[derive(Debug, Args)]
pub struct ClaimAddArgs {
    /// 计划名称（plan name）
    #[arg(long)]
    pub plan: String,
    /// 会员工号（member's 工号）
    #[arg(long)]
    pub member: String,
    /// 疾病或诊断（illness）
    #[arg(long)]
    pub illness: String,
    /// 医院（hospital）
    #[arg(long, default_value = "")]
    pub hospital: String,
    /// 入院日期，或确诊日期（admission or diagnosis date）
    #[arg(long, value_name = "DATE")]
    pub admission: String,
    /// 出院日期（discharge date）
    #[arg(long, value_name = "DATE")]
    pub discharge: Option<String>,
    /// 医疗总费用（元）（total cost）
    #[arg(long, value_name = "元")]
    pub total: String,
    /// 合规费用（元）（eligible cost）
    #[arg(long, value_name = "元")]
    pub eligible: String,
    /// 医保已报销（元）（paid by social insurance）
    #[arg(long, value_name = "元")]
    pub social: Option<String>,
    /// 同一疾病已获其他工会补助（元）（other union aid for the same illness）
    #[arg(long, value_name = "元")]
    pub other_aid: Option<String>,
    /// 诊断等级，按等级给付的计划用，如 一级（diagnosis grade）
    #[arg(long, default_value = "")]
    pub grade: String,
}

/// The options of `claim list`.
#[derive(Debug, Args)]
pub struct ClaimListArgs {
    /// 计划名称（plan name）
    #[arg(long)]
    pub plan: Option<String>,
    /// 状态：登记、已提交、已核定、已支付、驳回（state）
    #[arg(long)]
    pub state: Option<String>,
    /// 年份：列出该年入院的理赔，合计该年支付的人次和金额；默认今年（year）
    #[arg(long)]
    pub year: Option<String>,
    /// 输出格式（output format）
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// Runs a `claim` subcommand.
pub fn run(
    command: ClaimCommand,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<()> {
    let today = clock.today();
    let mut ledger = super::open_ledger(path, clock)?;
    match command {
        ClaimCommand::Add(args) => add(&args, &mut ledger, clock, out, err),
        ClaimCommand::Doc { id, have, missing } => {
            if have.is_none() && missing.is_none() {
                bail!("--have：请用 --have 或 --missing 列出材料，如 --have 申请表,发票");
            }
            let mut changes = Vec::new();
            for (option, text, present) in [("--have", &have, true), ("--missing", &missing, false)]
            {
                for name in split_list(text.as_deref().unwrap_or("")) {
                    changes.push((document_kind(option, name)?, present));
                }
            }
            ledger.claim(id, today)?;
            for (kind, present) in changes {
                ledger.set_claim_document(id, kind, present)?;
            }
            let claim = ledger.claim(id, today)?;
            writeln!(
                out,
                "理赔 {}（{} {}）的材料：",
                id, claim.employee_no, claim.name
            )?;
            write_documents(out, &ledger, &claim)
        }
        ClaimCommand::Attach { id, kind, file } => {
            let kind = document_kind("--kind", &kind)?;
            let bytes = std::fs::read(&file).map_err(|error| match error.kind() {
                std::io::ErrorKind::NotFound => {
                    anyhow!("FILE：找不到文件“{}”", file.display())
                }
                std::io::ErrorKind::IsADirectory => {
                    anyhow!("FILE：“{}”是文件夹，请指定扫描件文件", file.display())
                }
                _ => anyhow!("FILE：无法读取“{}”：{error}", file.display()),
            })?;
            let name = file
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_else(|| file.display().to_string());
            if bytes.is_empty() {
                bail!("FILE：“{}”是空文件，请检查扫描件", file.display());
            }
            ledger.attach_claim_file(id, kind, &name, &bytes, clock)?;
            let claim = ledger.claim(id, today)?;
            writeln!(
                out,
                "已附上{}：{}（{} 字节），理赔 {}（{} {}）",
                kind.label(),
                name,
                bytes.len(),
                id,
                claim.employee_no,
                claim.name
            )?;
            write_documents(out, &ledger, &claim)
        }
        ClaimCommand::Submit { id, date } => {
            let date = past_date("--date", date.as_deref(), today)?;
            let claim = ledger.submit_claim(id, date, clock)?;
            write_warnings(err, &claim)?;
            writeln!(
                out,
                "理赔 {} 已于 {} 提交，按规则计算赔付 {} 元",
                id,
                format_date(date),
                format_fen(claim.computed.amount_fen)
            )?;
            write_steps(out, &claim)
        }
        ClaimCommand::Approve { id, amount, date } => {
            let date = past_date("--date", date.as_deref(), today)?;
            let amount_fen = parse_amount_option("--amount", &amount)?;
            let claim = ledger.approve_claim(id, amount_fen, date, clock)?;
            write_warnings(err, &claim)?;
            writeln!(
                out,
                "理赔 {} 已于 {} 核定赔付 {} 元{}",
                id,
                format_date(date),
                format_fen(amount_fen),
                difference(&claim)
            )?;
            Ok(())
        }
        ClaimCommand::Pay { id, date, handler } => {
            let date = past_date("--date", date.as_deref(), today)?;
            let handler = self::handler(&ledger, &handler)?;
            let claim = ledger.pay_claim(id, date, &handler, clock)?;
            writeln!(
                out,
                "理赔 {} 已于 {} 支付给 {} {} {} 元，凭证 {}（互助保障赔款收入、赔付支出各一笔）",
                id,
                format_date(date),
                claim.employee_no,
                claim.name,
                format_fen(claim.approved_fen.unwrap_or(claim.computed.amount_fen)),
                claim.paid_voucher
            )?;
            let plan = ledger.plan(claim.plan_id)?;
            let chart = Chart::load(&ledger)?;
            write_balance(out, &ledger, &chart, plan.fund_id, today)
        }
        ClaimCommand::Reject { id, reason, date } => {
            let date = past_date("--date", date.as_deref(), today)?;
            let claim = ledger.reject_claim(id, &reason, date, clock)?;
            writeln!(
                out,
                "理赔 {}（{} {}）已于 {} 驳回，原因：{}",
                id,
                claim.employee_no,
                claim.name,
                format_date(date),
                claim.reject_reason
            )?;
            Ok(())
        }
        ClaimCommand::List(args) => list(&args, &ledger, clock, out),
        ClaimCommand::Show { id } => show(id, &ledger, today, out),
    }
}

fn document_kind(option: &str, text: &str) -> anyhow::Result<DocumentKind> {
    parse_choice(option, text, DocumentKind::parse, &DocumentKind::expected())
}

fn add(
    args: &ClaimAddArgs,
    ledger: &mut Ledger,
    clock: &dyn Clock,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<()> {
    let plan = find_plan(ledger, "--plan", &args.plan)?;
    let (member_id, _) = member_id(ledger, "--member", &args.member)?;
    let optional_amount = |option: &str, text: &Option<String>| -> anyhow::Result<i64> {
        Ok(text
            .as_deref()
            .map(|text| parse_amount_option(option, text))
            .transpose()?
            .unwrap_or(0))
    };
    let facts = NewClaim {
        plan_id: plan.id,
        member_id,
        illness: args.illness.trim().to_string(),
        hospital: args.hospital.trim().to_string(),
        admission: parse_date_option("--admission", &args.admission)?,
        discharge: args
            .discharge
            .as_deref()
            .map(|text| parse_date_option("--discharge", text))
            .transpose()?,
        total_cost_fen: parse_amount_option("--total", &args.total)?,
        eligible_cost_fen: parse_amount_option("--eligible", &args.eligible)?,
        social_insurance_fen: optional_amount("--social", &args.social)?,
        other_aid_fen: optional_amount("--other-aid", &args.other_aid)?,
        grade: args.grade.trim().to_string(),
    };
    let claim = ledger.add_claim(&facts, clock)?;
    write_warnings(err, &claim)?;
    writeln!(
        out,
        "已登记理赔 {}：{} {}（{}），{}",
        claim.id, claim.employee_no, claim.name, claim.department, claim.plan_name
    )?;
    write_facts(out, &claim)?;
    writeln!(out, "按规则计算：")?;
    write_steps(out, &claim)?;
    writeln!(
        out,
        "材料：union-ledger claim doc {} --have 申请表,发票；扫描件：union-ledger claim attach {} --kind 发票 文件",
        claim.id, claim.id
    )?;
    Ok(())
}

/// Writes a claim's warnings, each as its own line.
fn write_warnings(err: &mut dyn Write, claim: &Claim) -> anyhow::Result<()> {
    for warning in &claim.warnings {
        writeln!(err, "提醒：{warning}")?;
    }
    Ok(())
}

/// The computation's steps, one per line.
fn write_steps(out: &mut dyn Write, claim: &Claim) -> anyhow::Result<()> {
    for step in &claim.computed.steps {
        writeln!(out, "  {step}")?;
    }
    Ok(())
}

/// The approved amount against the computed one, when they differ.
fn difference(claim: &Claim) -> String {
    match claim.approved_fen {
        Some(approved) if approved != claim.computed.amount_fen => format!(
            "（按规则计算 {} 元，相差 {} 元）",
            format_fen(claim.computed.amount_fen),
            format_fen((approved - claim.computed.amount_fen).abs())
        ),
        _ => String::new(),
    }
}

/// The illness, the stay and the costs.
fn write_facts(out: &mut dyn Write, claim: &Claim) -> anyhow::Result<()> {
    let facts = &claim.facts;
    let hospital = if facts.hospital.is_empty() {
        String::new()
    } else {
        format!("，{}", facts.hospital)
    };
    writeln!(out, "疾病：{}{hospital}", facts.illness)?;
    match facts.discharge {
        Some(discharge) => writeln!(
            out,
            "住院：{} 至 {}，{} 天",
            format_date(facts.admission),
            format_date(discharge),
            claim.hospital_days()
        )?,
        None => writeln!(
            out,
            "入院或确诊：{}（未填出院日期）",
            format_date(facts.admission)
        )?,
    }
    if !facts.grade.is_empty() {
        writeln!(out, "诊断等级：{}", facts.grade)?;
    }
    writeln!(
        out,
        "费用：总费用 {} 元，合规费用 {} 元，医保已报 {} 元，其他工会补助 {} 元",
        format_fen(facts.total_cost_fen),
        format_fen(facts.eligible_cost_fen),
        format_fen(facts.social_insurance_fen),
        format_fen(facts.other_aid_fen)
    )?;
    Ok(())
}

/// The checklist: every document kind, in hand or missing, with its attached files.
fn write_documents(out: &mut dyn Write, ledger: &Ledger, claim: &Claim) -> anyhow::Result<()> {
    let files = ledger.claim_files(claim.id)?;
    for (kind, present) in &claim.documents {
        let attached: Vec<String> = files
            .iter()
            .filter(|(_, file_kind, _, _)| file_kind == kind)
            .map(|(_, _, name, size)| format!("{name}（{size} 字节）"))
            .collect();
        let files = if attached.is_empty() {
            String::new()
        } else {
            format!("，附件 {}", attached.join("、"))
        };
        writeln!(
            out,
            "  {} {}{files}",
            if *present { "[已备]" } else { "[缺少]" },
            kind.label()
        )?;
    }
    let missing = claim.missing_documents().len();
    if missing == 0 {
        writeln!(out, "材料已齐。")?;
    } else {
        writeln!(out, "还缺 {missing} 项材料。")?;
    }
    Ok(())
}

fn show(
    id: i64,
    ledger: &Ledger,
    today: chrono::NaiveDate,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let claim = ledger.claim(id, today)?;
    writeln!(
        out,
        "理赔 {}：{} {}（{}），{}",
        claim.id, claim.employee_no, claim.name, claim.department, claim.plan_name
    )?;
    writeln!(out, "状态：{}", claim.state.label())?;
    write_facts(out, &claim)?;
    writeln!(out, "按规则计算：")?;
    write_steps(out, &claim)?;
    if let Some(approved) = claim.approved_fen {
        writeln!(
            out,
            "核定赔付：{} 元{}",
            format_fen(approved),
            difference(&claim)
        )?;
    }
    writeln!(out, "材料：")?;
    write_documents(out, ledger, &claim)?;
    for warning in &claim.warnings {
        writeln!(out, "提醒：{warning}")?;
    }
    writeln!(out, "办理经过：")?;
    writeln!(out, "  {} 登记", format_date(claim.registered_on))?;
    if let Some(day) = claim.submitted_on {
        writeln!(out, "  {} 提交", format_date(day))?;
    }
    if let Some(day) = claim.decided_on {
        match claim.state {
            ClaimState::Rejected => {
                writeln!(out, "  {} 驳回：{}", format_date(day), claim.reject_reason)?
            }
            _ => writeln!(
                out,
                "  {} 核定 {} 元",
                format_date(day),
                format_fen(claim.approved_fen.unwrap_or(0))
            )?,
        }
    }
    if let Some(day) = claim.paid_on {
        writeln!(
            out,
            "  {} 支付，凭证 {}",
            format_date(day),
            claim.paid_voucher
        )?;
    }
    Ok(())
}

/// A claim as the JSON output writes it. Field names are stable.
#[derive(Debug, Serialize)]
struct ClaimJson<'a> {
    id: i64,
    plan: &'a str,
    employee_no: &'a str,
    name: &'a str,
    department: &'a str,
    illness: &'a str,
    hospital: &'a str,
    admission: String,
    discharge: Option<String>,
    hospital_days: i64,
    grade: &'a str,
    total_cost_fen: i64,
    eligible_cost_fen: i64,
    social_insurance_fen: i64,
    other_aid_fen: i64,
    computed_fen: i64,
    computation: &'a [String],
    approved_fen: Option<i64>,
    state: &'static str,
    reject_reason: &'a str,
    registered_on: String,
    submitted_on: Option<String>,
    decided_on: Option<String>,
    paid_on: Option<String>,
    paid_voucher: &'a str,
    missing_documents: Vec<&'static str>,
    file_count: i64,
    warnings: &'a [String],
}

impl<'a> ClaimJson<'a> {
    fn of(claim: &'a Claim) -> Self {
        let facts = &claim.facts;
        Self {
            id: claim.id,
            plan: &claim.plan_name,
            employee_no: &claim.employee_no,
            name: &claim.name,
            department: &claim.department,
            illness: &facts.illness,
            hospital: &facts.hospital,
            admission: format_date(facts.admission),
            discharge: facts.discharge.map(format_date),
            hospital_days: claim.hospital_days(),
            grade: &facts.grade,
            total_cost_fen: facts.total_cost_fen,
            eligible_cost_fen: facts.eligible_cost_fen,
            social_insurance_fen: facts.social_insurance_fen,
            other_aid_fen: facts.other_aid_fen,
            computed_fen: claim.computed.amount_fen,
            computation: &claim.computed.steps,
            approved_fen: claim.approved_fen,
            state: claim.state.label(),
            reject_reason: &claim.reject_reason,
            registered_on: format_date(claim.registered_on),
            submitted_on: claim.submitted_on.map(format_date),
            decided_on: claim.decided_on.map(format_date),
            paid_on: claim.paid_on.map(format_date),
            paid_voucher: &claim.paid_voucher,
            missing_documents: claim
                .missing_documents()
                .iter()
                .map(|kind| kind.label())
                .collect(),
            file_count: claim.file_count,
            warnings: &claim.warnings,
        }
    }
}

#[derive(Debug, Serialize)]
struct ListJson<'a> {
    claims: Vec<ClaimJson<'a>>,
    year: i32,
    totals: &'a [PlanYearTotal],
}

fn parse_year(text: &str) -> anyhow::Result<i32> {
    let trimmed = text.trim();
    trimmed
        .trim_end_matches('年')
        .parse::<i32>()
        .ok()
        .filter(|year| (1900..=2200).contains(year))
        .ok_or_else(|| anyhow!("--year：“{trimmed}”应为年份，如 2026"))
}

fn list(
    args: &ClaimListArgs,
    ledger: &Ledger,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let today = clock.today();
    let plan = args
        .plan
        .as_deref()
        .map(|name| find_plan(ledger, "--plan", name))
        .transpose()?;
    let state = args
        .state
        .as_deref()
        .map(|text| parse_choice("--state", text, ClaimState::parse, &ClaimState::expected()))
        .transpose()?;
    let year = args.year.as_deref().map(parse_year).transpose()?;
    let claims = ledger.claims(
        &ClaimFilter {
            plan_id: plan.as_ref().map(|plan| plan.id),
            member_id: None,
            state,
            period: year.map(Period::year),
        },
        today,
    )?;
    let year = year.unwrap_or(today.year());
    let totals: Vec<PlanYearTotal> = ledger
        .plan_year_totals(year)?
        .into_iter()
        .filter(|total| plan.as_ref().is_none_or(|plan| plan.id == total.plan_id))
        .collect();
    if args.format == OutputFormat::Json {
        return write_json(
            out,
            &ListJson {
                claims: claims.iter().map(ClaimJson::of).collect(),
                year,
                totals: &totals,
            },
        );
    }
    if claims.is_empty() {
        writeln!(out, "没有符合条件的理赔。")?;
    } else {
        let mut table = Table::new(&[
            ("编号", Align::Right),
            ("入院", Align::Left),
            ("工号", Align::Left),
            ("姓名", Align::Left),
            ("计划", Align::Left),
            ("疾病", Align::Left),
            ("天数", Align::Right),
            ("计算赔付", Align::Right),
            ("核定", Align::Right),
            ("状态", Align::Left),
            ("提醒", Align::Left),
        ]);
        for claim in &claims {
            table.push(vec![
                claim.id.to_string(),
                format_date(claim.facts.admission),
                claim.employee_no.clone(),
                claim.name.clone(),
                claim.plan_name.clone(),
                claim.facts.illness.clone(),
                claim
                    .facts
                    .discharge
                    .map(|_| claim.hospital_days().to_string())
                    .unwrap_or_default(),
                format_fen(claim.computed.amount_fen),
                claim.approved_fen.map(format_fen).unwrap_or_default(),
                claim.state.label().into(),
                claim.warnings.join("；"),
            ]);
        }
        write!(out, "{}", table.render())?;
        writeln!(out, "共 {} 笔（金额单位：元）", claims.len())?;
    }
    writeln!(out)?;
    writeln!(out, "{year} 年互助保障：")?;
    if totals.is_empty() {
        writeln!(out, "该年没有保障期内的计划。")?;
        return Ok(());
    }
    let mut table = Table::new(&[
        ("计划", Align::Left),
        ("参保人数", Align::Right),
        ("工会保费", Align::Right),
        ("赔付人次", Align::Right),
        ("赔付金额", Align::Right),
    ]);
    for total in &totals {
        table.push(vec![
            total.name.clone(),
            total.enrolled.to_string(),
            format_fen(total.premium_fen),
            total.claims_paid.to_string(),
            format_fen(total.paid_fen),
        ]);
    }
    write!(out, "{}", table.render())?;
    writeln!(
        out,
        "合计：为职工办理互助保障报销 {} 人次，共计 {} 元",
        totals.iter().map(|total| total.claims_paid).sum::<i64>(),
        format_fen(totals.iter().map(|total| total.paid_fen).sum())
    )?;
    Ok(())
}
