//! `member add`, `member list` and `member import`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::{Args, Subcommand};
use serde::Serialize;

use super::format::{Align, Table};
use super::{OutputFormat, parse_choice, parse_date_option, write_json};
use crate::core::date::{Clock, format_date};
use crate::core::model::{Gender, HardshipFile, HardshipLevel, Member, MemberDraft, MemberStatus};
use crate::core::search::SearchKey;
use crate::import::{RosterPreview, RowError, SheetChoice, read_roster_from};
use crate::store::UpsertSummary;

/// The member subcommands.
#[derive(Debug, Subcommand)]
pub enum MemberCommand {
    /// 添加会员（add a member）
    Add(Box<MemberAddArgs>),
    /// 修改会员：只改给出的项（change a member: only the fields given）
    Update(Box<MemberUpdateArgs>),
    /// 列出会员，按工号排序（list members, sorted by 工号）
    List(MemberListArgs),
    /// 从 Excel/CSV 花名册导入会员（import a roster file）
    Import(MemberImportArgs),
}

/// The options of `member add`.
#[derive(Debug, Args)]
pub struct MemberAddArgs {
    /// 工号（employee number, unique）
    #[arg(long)]
    pub employee_no: String,
    /// 姓名（name）
    #[arg(long)]
    pub name: String,
    /// 性别：男、女（gender）
    #[arg(long)]
    pub gender: Option<String>,
    /// 部门/科室（department）
    #[arg(long, default_value = "")]
    pub department: String,
    /// 状态：在职、退休、离休、调离、已故（status; default 在职）
    #[arg(long)]
    pub status: Option<String>,
    /// 出生日期（birth date, e.g. 1980-05-01）
    #[arg(long)]
    pub birth_date: Option<String>,
    /// 入会日期（date joined the union）
    #[arg(long)]
    pub join_date: Option<String>,
    /// 退休日期（retirement date）
    #[arg(long)]
    pub retirement_date: Option<String>,
    /// 电话（phone）
    #[arg(long, default_value = "")]
    pub phone: String,
    /// 银行卡号（bank card, digits only）
    #[arg(long, default_value = "")]
    pub bank_card: String,
    /// 不是工会会员（not a union member: no collective welfare）
    #[arg(long)]
    pub non_member: bool,
    /// 会费未缴清（dues not paid up）
    #[arg(long)]
    pub dues_unpaid: bool,
    /// 困难等级：一般困难、特别困难、深度困难（hardship file level）
    #[arg(long)]
    pub hardship_level: Option<String>,
    /// 困难原因（hardship reason）
    #[arg(long)]
    pub hardship_reason: Option<String>,
    /// 困难档案复核日期（hardship file reviewed on）
    #[arg(long)]
    pub hardship_reviewed: Option<String>,
}

/// The options of `member update`: every field optional, those not given unchanged.
#[derive(Debug, Args)]
pub struct MemberUpdateArgs {
    /// 要修改的会员的工号（the member's 工号）
    pub member: String,
    /// 新工号（a new 工号）
    #[arg(long, value_name = "工号")]
    pub employee_no: Option<String>,
    /// 姓名（name）
    #[arg(long)]
    pub name: Option<String>,
    /// 性别：男、女（gender）
    #[arg(long)]
    pub gender: Option<String>,
    /// 部门/科室（department）
    #[arg(long)]
    pub department: Option<String>,
    /// 状态：在职、退休、离休、调离、已故（status）
    #[arg(long)]
    pub status: Option<String>,
    /// 出生日期（birth date）
    #[arg(long)]
    pub birth_date: Option<String>,
    /// 入会日期（date joined the union）
    #[arg(long)]
    pub join_date: Option<String>,
    /// 退休日期（retirement date）
    #[arg(long)]
    pub retirement_date: Option<String>,
    /// 电话（phone）
    #[arg(long)]
    pub phone: Option<String>,
    /// 银行卡号（bank card）
    #[arg(long)]
    pub bank_card: Option<String>,
    /// 是工会会员（a union member）
    #[arg(long, conflicts_with = "non_member")]
    pub union_member: bool,
    /// 不是工会会员（not a union member）
    #[arg(long)]
    pub non_member: bool,
    /// 会费已缴清（dues paid up）
    #[arg(long, conflicts_with = "dues_unpaid")]
    pub dues_paid: bool,
    /// 会费未缴清（dues not paid up）
    #[arg(long)]
    pub dues_unpaid: bool,
    /// 困难等级：一般困难、特别困难、深度困难（hardship file level）
    #[arg(long, conflicts_with = "no_hardship")]
    pub hardship_level: Option<String>,
    /// 困难原因（hardship reason）
    #[arg(long)]
    pub hardship_reason: Option<String>,
    /// 困难档案复核日期（hardship file reviewed on）
    #[arg(long)]
    pub hardship_reviewed: Option<String>,
    /// 撤销困难档案（close the hardship file）
    #[arg(long)]
    pub no_hardship: bool,
}

/// The options of `member list`.
#[derive(Debug, Args)]
pub struct MemberListArgs {
    /// 按姓名、工号或拼音首字母查找，如 zsf（search: name, 工号, pinyin initials）
    #[arg(long)]
    pub search: Option<String>,
    /// 只列此状态（only this status）
    #[arg(long)]
    pub status: Option<String>,
    /// 只列此部门（only this department）
    #[arg(long)]
    pub department: Option<String>,
    /// 输出格式（output format）
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// The options of `member import`.
#[derive(Debug, Args)]
pub struct MemberImportArgs {
    /// 花名册文件：.xlsx、.xls、.csv、.txt（roster file）
    pub file: PathBuf,
    /// 只检查，不写入（check only, write nothing）
    #[arg(long)]
    pub dry_run: bool,
    /// 跳过有错误的行，只导入无误的行（import the good rows, skip the bad ones）
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// 只读取这个工作表（默认读取每个能识别表头的工作表）（read only this worksheet）
    #[arg(long, value_name = "工作表")]
    pub sheet: Option<String>,
    /// 输出格式（output format）
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// Runs a member subcommand.
pub fn run(
    command: MemberCommand,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    match command {
        MemberCommand::Add(args) => add(&args, path, clock, out),
        MemberCommand::Update(args) => update(&args, path, clock, out),
        MemberCommand::List(args) => list(&args, path, clock, out),
        MemberCommand::Import(args) => import(&args, path, clock, out),
    }
}

/// Turns the options of `member add` into a draft; every bad value names its option.
pub fn draft_from_args(args: &MemberAddArgs) -> anyhow::Result<MemberDraft> {
    let mut draft = MemberDraft::new(args.employee_no.trim(), args.name.trim());
    if let Some(gender) = &args.gender {
        draft.gender = Some(parse_choice(
            "--gender",
            gender,
            Gender::parse,
            &Gender::expected(),
        )?);
    }
    draft.department = args.department.trim().to_string();
    if let Some(status) = &args.status {
        draft.status = parse_choice(
            "--status",
            status,
            MemberStatus::parse,
            &MemberStatus::expected(),
        )?;
    }
    let optional_date = |option: &str, text: &Option<String>| {
        text.as_deref()
            .map(|text| parse_date_option(option, text))
            .transpose()
    };
    draft.birth_date = optional_date("--birth-date", &args.birth_date)?;
    draft.join_date = optional_date("--join-date", &args.join_date)?;
    draft.retirement_date = optional_date("--retirement-date", &args.retirement_date)?;
    draft.phone = args.phone.trim().to_string();
    draft.bank_card = args.bank_card.trim().to_string();
    draft.is_union_member = !args.non_member;
    draft.dues_paid = !args.dues_unpaid;
    let reviewed_on = optional_date("--hardship-reviewed", &args.hardship_reviewed)?;
    match &args.hardship_level {
        Some(level) => {
            let level = parse_choice(
                "--hardship-level",
                level,
                HardshipLevel::parse,
                &HardshipLevel::expected(),
            )?;
            draft.hardship = Some(HardshipFile {
                level,
                reason: args.hardship_reason.clone().unwrap_or_default(),
                reviewed_on,
            });
        }
        None if args.hardship_reason.is_some() || reviewed_on.is_some() => {
            bail!("--hardship-level：填写困难原因或复核日期时，必须同时给出困难等级");
        }
        None => {}
    }
    Ok(draft)
}

fn add(
    args: &MemberAddArgs,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let draft = draft_from_args(args)?;
    let mut ledger = super::open_ledger(path, clock)?;
    ledger.add_member(&draft, clock)?;
    writeln!(
        out,
        "已添加会员：{} {}（{}{}）",
        draft.employee_no,
        draft.name,
        draft.status.label(),
        if draft.department.is_empty() {
            String::new()
        } else {
            format!("，{}", draft.department)
        }
    )?;
    Ok(())
}

fn update(
    args: &MemberUpdateArgs,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut ledger = super::open_ledger(path, clock)?;
    let member = ledger
        .member_by_employee_no(args.member.trim())?
        .ok_or_else(|| anyhow::anyhow!("工号：名册中没有工号“{}”", args.member.trim()))?;
    let mut draft = member.draft.clone();
    let text = |value: &Option<String>, field: &mut String| {
        if let Some(value) = value {
            *field = value.trim().to_string();
        }
    };
    text(&args.employee_no, &mut draft.employee_no);
    text(&args.name, &mut draft.name);
    text(&args.department, &mut draft.department);
    text(&args.phone, &mut draft.phone);
    text(&args.bank_card, &mut draft.bank_card);
    if let Some(gender) = &args.gender {
        draft.gender = Some(parse_choice(
            "--gender",
            gender,
            Gender::parse,
            &Gender::expected(),
        )?);
    }
    if let Some(status) = &args.status {
        draft.status = parse_choice(
            "--status",
            status,
            MemberStatus::parse,
            &MemberStatus::expected(),
        )?;
    }
    for (option, value, field) in [
        ("--birth-date", &args.birth_date, &mut draft.birth_date),
        ("--join-date", &args.join_date, &mut draft.join_date),
        (
            "--retirement-date",
            &args.retirement_date,
            &mut draft.retirement_date,
        ),
    ] {
        if let Some(text) = value {
            *field = Some(parse_date_option(option, text)?);
        }
    }
    if args.union_member || args.non_member {
        draft.is_union_member = args.union_member;
    }
    if args.dues_paid || args.dues_unpaid {
        draft.dues_paid = args.dues_paid;
    }
    if args.no_hardship {
        draft.hardship = None;
    }
    let reviewed_on = args
        .hardship_reviewed
        .as_deref()
        .map(|text| parse_date_option("--hardship-reviewed", text))
        .transpose()?;
    if let Some(level) = &args.hardship_level {
        let level = parse_choice(
            "--hardship-level",
            level,
            HardshipLevel::parse,
            &HardshipLevel::expected(),
        )?;
        let file = draft.hardship.get_or_insert(HardshipFile {
            level,
            reason: String::new(),
            reviewed_on: None,
        });
        file.level = level;
    }
    match draft.hardship.as_mut() {
        Some(file) => {
            if let Some(reason) = &args.hardship_reason {
                file.reason = reason.trim().to_string();
            }
            if reviewed_on.is_some() {
                file.reviewed_on = reviewed_on;
            }
        }
        None if args.hardship_reason.is_some() || reviewed_on.is_some() => {
            bail!(
                "--hardship-level：该会员没有困难档案，填写困难原因或复核日期时须同时给出困难等级"
            );
        }
        None => {}
    }
    ledger.update_member(member.id, &draft, clock)?;
    writeln!(
        out,
        "已保存会员：{} {}（{}{}）",
        draft.employee_no,
        draft.name,
        draft.status.label(),
        if draft.department.is_empty() {
            String::new()
        } else {
            format!("，{}", draft.department)
        }
    )?;
    Ok(())
}

/// A member as `member list --format json` writes it. Field names are stable.
#[derive(Debug, Serialize)]
pub struct MemberJson<'a> {
    pub employee_no: &'a str,
    pub name: &'a str,
    /// `男` or `女`, or null.
    pub gender: Option<&'static str>,
    pub department: &'a str,
    pub status: &'static str,
    pub birth_date: Option<String>,
    pub join_date: Option<String>,
    pub retirement_date: Option<String>,
    pub phone: &'a str,
    pub bank_card: &'a str,
    pub is_union_member: bool,
    pub dues_paid: bool,
    pub hardship_level: Option<&'static str>,
    pub hardship_reason: Option<&'a str>,
    pub hardship_reviewed_on: Option<String>,
}

impl<'a> MemberJson<'a> {
    fn new(member: &'a Member) -> Self {
        let hardship = member.hardship.as_ref();
        Self {
            employee_no: &member.employee_no,
            name: &member.name,
            gender: member.gender.map(Gender::label),
            department: &member.department,
            status: member.status.label(),
            birth_date: member.birth_date.map(format_date),
            join_date: member.join_date.map(format_date),
            retirement_date: member.retirement_date.map(format_date),
            phone: &member.phone,
            bank_card: &member.bank_card,
            is_union_member: member.is_union_member,
            dues_paid: member.dues_paid,
            hardship_level: hardship.map(|h| h.level.label()),
            hardship_reason: hardship.map(|h| h.reason.as_str()),
            hardship_reviewed_on: hardship.and_then(|h| h.reviewed_on).map(format_date),
        }
    }
}

#[derive(Serialize)]
struct MemberListJson<'a> {
    count: usize,
    members: Vec<MemberJson<'a>>,
}

/// The members matching a search, a status and a department, sorted by 工号.
pub fn filter_members(
    members: Vec<Member>,
    search: Option<&str>,
    status: Option<MemberStatus>,
    department: Option<&str>,
) -> Vec<Member> {
    let department = department.map(str::trim).filter(|d| !d.is_empty());
    let mut found: Vec<Member> = members
        .into_iter()
        .filter(|member| status.is_none_or(|status| member.status == status))
        .filter(|member| department.is_none_or(|d| member.department == d))
        .filter(|member| {
            search.is_none_or(|query| {
                SearchKey::new(&member.name, &member.employee_no).matches(query)
            })
        })
        .collect();
    found.sort_by(|a, b| a.employee_no.cmp(&b.employee_no).then(a.id.cmp(&b.id)));
    found
}

fn list(
    args: &MemberListArgs,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let status = args
        .status
        .as_deref()
        .map(|text| {
            parse_choice(
                "--status",
                text,
                MemberStatus::parse,
                &MemberStatus::expected(),
            )
        })
        .transpose()?;
    let ledger = super::open_ledger(path, clock)?;
    let members = filter_members(
        ledger.members()?,
        args.search.as_deref(),
        status,
        args.department.as_deref(),
    );
    match args.format {
        OutputFormat::Json => write_json(
            out,
            &MemberListJson {
                count: members.len(),
                members: members.iter().map(MemberJson::new).collect(),
            },
        ),
        OutputFormat::Text => {
            if members.is_empty() {
                writeln!(out, "没有符合条件的会员。")?;
                return Ok(());
            }
            write!(out, "{}", member_table(&members).render())?;
            writeln!(out, "共 {} 人", members.len())?;
            Ok(())
        }
    }
}

/// The member register as a text table.
pub fn member_table(members: &[Member]) -> Table {
    let mut table = Table::new(&[
        ("工号", Align::Left),
        ("姓名", Align::Left),
        ("性别", Align::Left),
        ("部门", Align::Left),
        ("状态", Align::Left),
        ("会员", Align::Left),
        ("会费", Align::Left),
        ("困难档案", Align::Left),
        ("电话", Align::Left),
    ]);
    for member in members {
        table.push(vec![
            member.employee_no.clone(),
            member.name.clone(),
            member.gender.map(Gender::label).unwrap_or("").to_string(),
            member.department.clone(),
            member.status.label().to_string(),
            if member.is_union_member { "是" } else { "否" }.to_string(),
            if member.dues_paid { "已缴" } else { "未缴" }.to_string(),
            member
                .hardship
                .as_ref()
                .map(|h| h.level.label())
                .unwrap_or("")
                .to_string(),
            member.phone.clone(),
        ]);
    }
    table
}

/// A matched column in `member import --format json`.
#[derive(Debug, Serialize)]
pub struct MatchedColumnJson<'a> {
    /// The header text as in the file.
    pub header: &'a str,
    /// The member field it was read into.
    pub field: &'a str,
}

/// A row problem in `member import --format json`.
#[derive(Debug, Serialize)]
pub struct RowErrorJson<'a> {
    /// The worksheet, when rows of several were read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<&'a str>,
    pub row_number: usize,
    pub field: &'a str,
    pub value: &'a str,
    pub message: &'a str,
}

/// What `member import --format json` writes. Field names are stable.
#[derive(Debug, Serialize)]
pub struct ImportReportJson<'a> {
    pub file: String,
    pub dry_run: bool,
    pub header_row: usize,
    pub matched_columns: Vec<MatchedColumnJson<'a>>,
    pub ignored_columns: &'a [String],
    pub rows_ok: usize,
    /// The distinct rows with at least one problem, in file order.
    pub bad_rows: Vec<usize>,
    pub errors: Vec<RowErrorJson<'a>>,
    /// Rows imported that the clerk should check (a 工号 stored as a number).
    pub warnings: Vec<RowErrorJson<'a>>,
    /// The worksheets of a workbook and what became of each (empty for a text file).
    pub sheets: Vec<String>,
    /// Of the good rows, how many 工号 are already in the register.
    pub already_registered: usize,
    /// Whether anything was written.
    pub written: bool,
    pub summary: Option<UpsertSummary>,
}

/// The distinct rows that have a problem, in sheet and row order.
fn bad_rows(preview: &RosterPreview) -> Vec<(Option<&str>, usize)> {
    let mut rows: Vec<(Option<&str>, usize)> = preview
        .errors
        .iter()
        .map(|e| (e.sheet.as_deref(), e.row_number))
        .collect();
    rows.dedup();
    rows
}

/// A row problem (or warning) as the JSON output writes it.
fn row_error_json(error: &RowError) -> RowErrorJson<'_> {
    RowErrorJson {
        sheet: error.sheet.as_deref(),
        row_number: error.row_number,
        field: &error.field,
        value: &error.value,
        message: &error.message,
    }
}

fn import(
    args: &MemberImportArgs,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let choice = match &args.sheet {
        Some(name) => SheetChoice::Named(name.clone()),
        None => SheetChoice::Recognised,
    };
    let preview = read_roster_from(&args.file, &choice)?;
    let mut ledger = super::open_ledger(path, clock)?;
    let bad_rows = bad_rows(&preview);
    let mut already_registered = 0;
    for row in &preview.rows {
        if ledger
            .member_by_employee_no(&row.draft.employee_no)?
            .is_some()
        {
            already_registered += 1;
        }
    }
    let refuse = !args.dry_run && !bad_rows.is_empty() && !args.skip_bad_rows;
    let summary = if args.dry_run || refuse {
        None
    } else {
        // Columns the file lacks keep the registered values.
        let registered: Vec<_> = ledger.members()?.into_iter().map(|m| m.draft).collect();
        let drafts = preview.drafts_over(&registered);
        Some(super::progress::on_stderr(
            "正在导入名册",
            |progress| ledger.upsert_members_counted(&drafts, clock, progress),
        )?)
    };
    let file_name = args.file.display().to_string();
    match args.format {
        OutputFormat::Json => write_json(
            out,
            &ImportReportJson {
                file: file_name,
                dry_run: args.dry_run,
                header_row: preview.header_row,
                matched_columns: preview
                    .matched_columns
                    .iter()
                    .map(|(header, field)| MatchedColumnJson { header, field })
                    .collect(),
                ignored_columns: &preview.ignored_columns,
                rows_ok: preview.rows.len(),
                bad_rows: bad_rows.iter().map(|(_, row)| *row).collect(),
                errors: preview.errors.iter().map(row_error_json).collect(),
                warnings: preview.warnings.iter().map(row_error_json).collect(),
                sheets: preview
                    .sheets
                    .iter()
                    .map(|sheet| sheet.describe())
                    .collect(),
                already_registered,
                written: summary.is_some(),
                summary,
            },
        )?,
        OutputFormat::Text => {
            writeln!(out, "文件：{file_name}")?;
            if preview.sheets.len() > 1 {
                writeln!(out, "工作表：")?;
                for sheet in &preview.sheets {
                    writeln!(out, "  {}", sheet.describe())?;
                }
            } else {
                writeln!(out, "表头：第 {} 行", preview.header_row)?;
            }
            let matched: Vec<String> = preview
                .matched_columns
                .iter()
                .map(|(header, field)| {
                    if header == field {
                        header.clone()
                    } else {
                        format!("{header}→{field}")
                    }
                })
                .collect();
            writeln!(out, "识别的列：{}", matched.join("、"))?;
            if !preview.ignored_columns.is_empty() {
                writeln!(out, "忽略的列：{}", preview.ignored_columns.join("、"))?;
            }
            writeln!(
                out,
                "无误 {} 行（其中 {} 人工号已在名册中），有错误 {} 行",
                preview.rows.len(),
                already_registered,
                bad_rows.len()
            )?;
            for error in &preview.errors {
                writeln!(out, "  {error}")?;
            }
            if !preview.warnings.is_empty() {
                writeln!(out, "请核对（仍会导入）：")?;
                for warning in &preview.warnings {
                    writeln!(out, "  {warning}")?;
                }
            }
            if args.dry_run {
                writeln!(out, "预览（--dry-run）：未写入任何数据。")?;
            }
            if let Some(summary) = summary {
                writeln!(
                    out,
                    "已导入：新增 {} 人，更新 {} 人，未变 {} 人",
                    summary.added, summary.updated, summary.unchanged
                )?;
                if !bad_rows.is_empty() {
                    // "第 3、5 行", or "工作表“在职”第 3 行、工作表“退休”第 2 行".
                    let rows: Vec<String> = bad_rows
                        .iter()
                        .map(|(sheet, row)| match sheet {
                            Some(sheet) => format!("工作表“{sheet}”第 {row} 行"),
                            None => row.to_string(),
                        })
                        .collect();
                    if bad_rows.iter().any(|(sheet, _)| sheet.is_some()) {
                        writeln!(out, "已跳过有错误的行：{}", rows.join("、"))?;
                    } else {
                        writeln!(out, "已跳过有错误的行：第 {} 行", rows.join("、"))?;
                    }
                }
            }
        }
    }
    if refuse {
        bail!(
            "共 {} 行有错误，未导入任何数据；改正后重新导入，或用 --dry-run 查看（加 --skip-bad-rows 可只导入无误的行）",
            bad_rows.len()
        );
    }
    Ok(())
}
