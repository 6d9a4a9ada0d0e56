//! `batch preview|commit|list|show|reverse`: holiday batches (节日慰问). One decision,
//! one group, the same item or amount for each; the preview shows who receives and
//! why the others do not, and the commit writes every entry in one transaction.

use std::io::Write;
use std::path::Path;

use anyhow::bail;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use serde::Serialize;

use super::approval::ApprovalArgs;
use super::entries::{Chart, handler, member_id, past_date, write_balance};
use super::format::{Align, Table};
use super::{OutputFormat, parse_amount_option, parse_choice, write_json};
use crate::core::batch::{Batch, BatchGroup, BatchPreview, BatchSpec, PreviewRow};
use crate::core::date::{Clock, format_date};
use crate::core::model::{Approval, Gender, MemberStatus, PaymentForm};
use crate::core::money::format_fen;
use crate::store::{BatchRecipient, Ledger, StoreError};

/// `batch …`
#[derive(Debug, Subcommand)]
pub enum BatchCommand {
    /// 预览：列出每个人是否发放及原因，不写入（preview: who receives and why not）
    Preview(Box<BatchArgs>),
    /// 发放：写入整批凭证（commit the batch in one transaction）
    Commit(Box<BatchArgs>),
    /// 列出批次，最新的在前（list batches, newest first）
    List {
        /// 输出格式（output format）
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// 查看一个批次的发放名单（a batch's recipients）
    Show {
        /// 批次号，如 P2026-0003，或编号 3（batch number or id）
        batch: String,
        /// 输出格式（output format）
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// 整批冲销（reverse a whole batch）
    Reverse {
        /// 批次号，如 P2026-0003，或编号 3（batch number or id）
        batch: String,
        /// 冲销原因（reason）
        #[arg(long)]
        reason: String,
        /// 冲销日期，默认今天（date of the reversal; default today）
        #[arg(long)]
        date: Option<String>,
        /// 经办人，默认取设置 handler（handler）
        #[arg(long)]
        handler: Option<String>,
    },
}

/// The options of `batch preview` and `batch commit`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// 节日慰问类别，如 中秋（holiday category）
    #[arg(long)]
    pub category: String,
    /// 发放日期（date of the handout）
    #[arg(long)]
    pub date: String,
    /// 资金，默认为类别的默认资金（fund）
    #[arg(long)]
    pub fund: Option<String>,
    /// 每人金额，或每人物品的价值（元）（amount or value per person）
    #[arg(long)]
    pub amount: String,
    /// 每人物品，如 月饼一盒（item per person）
    #[arg(long, default_value = "")]
    pub item: String,
    /// 发放形式：实物、提货券、转账…，默认为类别的默认形式（payment form）
    #[arg(long)]
    pub form: Option<String>,
    #[command(flatten)]
    pub approval: ApprovalArgs,
    #[command(flatten)]
    pub group: GroupArgs,
    /// 经办人，默认取设置 handler（handler）
    #[arg(long)]
    pub handler: Option<String>,
    /// 备注（note）
    #[arg(long, default_value = "")]
    pub note: String,
    /// 输出格式（output format）
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// The options choosing a group of members, shared by holiday batches and enrolment
/// in a mutual-insurance plan.
#[derive(Debug, Args)]
pub struct GroupArgs {
    /// 人员状态，可重复；不指定人员时，批量发放默认 在职，参保默认按计划的参保条件（status; repeatable）
    #[arg(long = "status")]
    pub statuses: Vec<String>,
    /// 性别：男、女（gender）
    #[arg(long)]
    pub gender: Option<String>,
    /// 部门，可重复（department; repeatable）
    #[arg(long = "department")]
    pub departments: Vec<String>,
    /// 只选建有困难职工档案的会员（hardship file holders only）
    #[arg(long)]
    pub hardship_only: bool,
    /// 指定发放人员的工号，可重复；指定后不再按状态、性别、部门筛选（hand-picked 工号）
    #[arg(long = "member")]
    pub members: Vec<String>,
    /// 排除人员的工号，可重复（工号 to leave out; repeatable）
    #[arg(long = "exclude")]
    pub excluded: Vec<String>,
}

impl GroupArgs {
    /// The group the options choose; every bad value names its option. Without a
    /// status or hand-picked members, `default_statuses` apply. Also returns the
    /// members excluded by hand, by id with their 工号 and name.
    pub fn group(
        &self,
        ledger: &Ledger,
        default_statuses: &[MemberStatus],
    ) -> anyhow::Result<(BatchGroup, Vec<(i64, String)>)> {
        let filtered = !self.statuses.is_empty()
            || self.gender.is_some()
            || !self.departments.is_empty()
            || self.hardship_only;
        if !self.members.is_empty() && filtered {
            bail!(
                "--member：指定了人员就不再按 --status、--gender、--department、--hardship-only 筛选，请只用一种方式"
            );
        }
        let mut group = BatchGroup::default();
        for status in &self.statuses {
            let status = parse_choice(
                "--status",
                status,
                MemberStatus::parse,
                &MemberStatus::expected(),
            )?;
            if !group.statuses.contains(&status) {
                group.statuses.push(status);
            }
        }
        if group.statuses.is_empty() && self.members.is_empty() {
            group.statuses.extend_from_slice(default_statuses);
        }
        group.gender = self
            .gender
            .as_deref()
            .map(|text| parse_choice("--gender", text, Gender::parse, &Gender::expected()))
            .transpose()?;
        group.departments = self
            .departments
            .iter()
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())
            .collect();
        group.hardship_only = self.hardship_only;
        for employee_no in &self.members {
            let (id, _) = member_id(ledger, "--member", employee_no)?;
            if !group.picked.contains(&id) {
                group.picked.push(id);
            }
        }
        let mut excluded_labels = Vec::new();
        for employee_no in &self.excluded {
            let (id, label) = member_id(ledger, "--exclude", employee_no)?;
            if !group.excluded.contains(&id) {
                group.excluded.push(id);
                excluded_labels.push((id, label));
            }
        }
        Ok((group, excluded_labels))
    }
}

/// Runs a `batch` subcommand.
pub fn run(
    command: BatchCommand,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<()> {
    match command {
        BatchCommand::Preview(args) => preview_or_commit(&args, false, path, clock, out, err),
        BatchCommand::Commit(args) => preview_or_commit(&args, true, path, clock, out, err),
        BatchCommand::List { format } => list(format, path, clock, out),
        BatchCommand::Show { batch, format } => show(&batch, format, path, clock, out),
        BatchCommand::Reverse {
            batch,
            reason,
            date,
            handler,
        } => reverse(&batch, &reason, date.as_deref(), &handler, path, clock, out),
    }
}

/// Reads `P2026-0003` (the printed batch number) or `3` (its id) and finds the batch.
pub(crate) fn find_batch(ledger: &Ledger, text: &str) -> anyhow::Result<Batch> {
    let text = text.trim();
    let upper = text.to_uppercase();
    let id = match upper.strip_prefix('P') {
        Some(number) => number.split_once('-').and_then(|(_, id)| id.parse().ok()),
        None => text.parse().ok(),
    };
    let Some(id) = id else {
        bail!("批次：“{text}”格式应为批次号如 P2026-0003，或编号如 3");
    };
    let is_number = upper.starts_with('P');
    let batch = match ledger.batch(id) {
        Err(StoreError::NotFound { .. }) if is_number => bail!("找不到批次 {upper}"),
        found => found?,
    };
    if is_number && batch.number() != upper {
        bail!("找不到批次 {upper}");
    }
    Ok(batch)
}

/// The batch's figures as shown above a preview, a commit and a recipient list.
struct Summary<'a> {
    category: String,
    date: NaiveDate,
    fund: &'a str,
    item: &'a str,
    amount_fen: i64,
    payment_form: PaymentForm,
    approval: &'a Approval,
    group: String,
}

impl Summary<'_> {
    fn write(&self, out: &mut dyn Write, title: &str) -> anyhow::Result<()> {
        writeln!(
            out,
            "{title}：{}，{}，资金 {}",
            self.category,
            format_date(self.date),
            self.fund
        )?;
        let item = if self.item.is_empty() {
            String::new()
        } else {
            format!("{}，", self.item)
        };
        writeln!(
            out,
            "发放内容：{item}每人 {} 元（{}）",
            format_fen(self.amount_fen),
            self.payment_form.label()
        )?;
        writeln!(out, "审批：{}", self.approval.describe())?;
        writeln!(out, "发放对象：{}", self.group)?;
        Ok(())
    }

    fn of_batch<'a>(batch: &'a Batch, chart: &'a Chart) -> Summary<'a> {
        Summary {
            category: chart
                .categories
                .iter()
                .find(|c| c.id == batch.category_id)
                .map_or_else(|| batch.category_name.clone(), |c| chart.item_label(c)),
            date: batch.date,
            fund: chart.fund_name(batch.fund_id),
            item: &batch.item,
            amount_fen: batch.amount_fen,
            payment_form: batch.payment_form,
            approval: &batch.approval,
            group: batch.group_text.clone(),
        }
    }
}

/// Turns the options into a batch; every bad value names its option. Also returns the
/// members excluded by hand, by id with their 工号 and name.
fn spec_from_args(
    args: &BatchArgs,
    ledger: &Ledger,
    chart: &Chart,
    clock: &dyn Clock,
) -> anyhow::Result<(BatchSpec, Vec<(i64, String)>)> {
    let today = clock.today();
    let date = past_date("--date", Some(&args.date), today)?;
    let amount_fen = parse_amount_option("--amount", &args.amount)?;
    if amount_fen == 0 {
        bail!("--amount：每人金额必须大于 0");
    }
    let approval = args.approval.required(today, "批量发放")?;
    let category = chart.category("--category", &args.category, true)?;
    let fund_id = match (&args.fund, category.default_fund_id) {
        (Some(name), _) => chart.fund("--fund", name)?.id,
        (None, Some(id)) => id,
        (None, None) => bail!("--fund：“{}”没有默认资金，请指定资金", category.name),
    };
    let item = args.item.trim().to_string();
    let payment_form = match &args.form {
        Some(text) => parse_choice("--form", text, PaymentForm::parse, &PaymentForm::expected())?,
        None => category.default_payment_form.unwrap_or(if item.is_empty() {
            PaymentForm::Transfer
        } else {
            PaymentForm::Goods
        }),
    };
    // Without a choice, a holiday batch is for the members in service: never the
    // deceased or those who left.
    let (group, excluded_labels) = args.group.group(ledger, &[MemberStatus::InService])?;
    let spec = BatchSpec {
        category_id: category.id,
        fund_id,
        date,
        item,
        amount_fen,
        payment_form,
        approval,
        group,
        handler: handler(ledger, &args.handler)?,
        note: args.note.trim().to_string(),
    };
    Ok((spec, excluded_labels))
}

/// A member in a preview, as the JSON output writes it.
#[derive(Debug, Serialize)]
struct PreviewRowJson {
    employee_no: String,
    name: String,
    department: String,
    included: bool,
    excluded_by_hand: bool,
    /// Why the member is excluded, or the warnings shown on an included member.
    reasons: Vec<String>,
}

impl From<&PreviewRow> for PreviewRowJson {
    fn from(row: &PreviewRow) -> Self {
        Self {
            employee_no: row.employee_no.clone(),
            name: row.name.clone(),
            department: row.department.clone(),
            included: row.included,
            excluded_by_hand: row.excluded_by_hand,
            reasons: if row.excluded_by_hand {
                vec![row.reasons_text()]
            } else {
                row.findings.iter().map(ToString::to_string).collect()
            },
        }
    }
}

#[derive(Debug, Serialize)]
struct PreviewJson<'a> {
    category: String,
    date: String,
    fund: &'a str,
    item: &'a str,
    amount_fen: i64,
    payment_form: &'static str,
    approval: &'a Approval,
    group: String,
    recipient_count: usize,
    excluded_count: usize,
    total_fen: i64,
    rows: Vec<PreviewRowJson>,
}

/// A batch as the JSON output writes it. Field names are stable.
#[derive(Debug, Serialize)]
struct BatchJson<'a> {
    number: String,
    id: i64,
    date: String,
    category: String,
    fund: &'a str,
    item: &'a str,
    amount_fen: i64,
    payment_form: &'static str,
    approval: &'a Approval,
    group: &'a str,
    recipient_count: i64,
    total_fen: i64,
    first_voucher: &'a str,
    last_voucher: &'a str,
    reversed_on: Option<String>,
    reversal_reason: &'a str,
    handler: &'a str,
    note: &'a str,
}

impl<'a> BatchJson<'a> {
    fn of(batch: &'a Batch, chart: &'a Chart) -> Self {
        Self {
            number: batch.number(),
            id: batch.id,
            date: format_date(batch.date),
            category: Summary::of_batch(batch, chart).category,
            fund: chart.fund_name(batch.fund_id),
            item: &batch.item,
            amount_fen: batch.amount_fen,
            payment_form: batch.payment_form.label(),
            approval: &batch.approval,
            group: &batch.group_text,
            recipient_count: batch.recipient_count,
            total_fen: batch.total_fen,
            first_voucher: &batch.first_voucher,
            last_voucher: &batch.last_voucher,
            reversed_on: batch.reversed_on.map(format_date),
            reversal_reason: &batch.reversal_reason,
            handler: &batch.handler,
            note: &batch.note,
        }
    }
}

#[derive(Debug, Serialize)]
struct CommitJson<'a> {
    batch: BatchJson<'a>,
    excluded: Vec<PreviewRowJson>,
}

fn preview_or_commit(
    args: &BatchArgs,
    commit: bool,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut ledger = super::open_ledger(path, clock)?;
    let chart = Chart::load(&ledger)?;
    let (spec, excluded_by_hand) = spec_from_args(args, &ledger, &chart, clock)?;
    let preview = ledger.preview_batch(&spec, clock)?;
    // An exclusion outside the group changes nothing; say so, it may be a typo.
    for (id, label) in excluded_by_hand {
        if !preview.rows.iter().any(|row| row.member_id == id) {
            writeln!(err, "提醒：--exclude {label} 不在发放对象中")?;
        }
    }
    // Recipients already paid this category within the duplicate window: said on
    // stderr for a preview and a commit alike (a script reading stdout is unchanged).
    if let Some(warning) = preview.duplicate_warning(ledger.duplicate_window_days()?) {
        writeln!(err, "提醒：{warning}（--exclude 工号 排除）")?;
    }
    if !commit {
        return write_preview(out, args.format, &spec, &preview, &chart);
    }
    let batch = super::progress::on_stderr("正在提交批次", |progress| {
        ledger.commit_batch_counted(&spec, clock, progress)
    })?;
    let excluded: Vec<&PreviewRow> = preview.rows.iter().filter(|row| !row.included).collect();
    if args.format == OutputFormat::Json {
        return write_json(
            out,
            &CommitJson {
                batch: BatchJson::of(&batch, &chart),
                excluded: excluded
                    .iter()
                    .map(|row| PreviewRowJson::from(*row))
                    .collect(),
            },
        );
    }
    Summary::of_batch(&batch, &chart).write(out, &format!("已发放批次 {}", batch.number()))?;
    writeln!(
        out,
        "发放 {} 人，合计 {} 元，凭证 {} 至 {}",
        batch.recipient_count,
        format_fen(batch.total_fen),
        batch.first_voucher,
        batch.last_voucher
    )?;
    if !excluded.is_empty() {
        writeln!(out, "未发放 {} 人：", excluded.len())?;
        for row in excluded {
            writeln!(
                out,
                "  {} {}（{}）：{}",
                row.employee_no,
                row.name,
                row.department,
                row.reasons_text()
            )?;
        }
    }
    write_balance(out, &ledger, &chart, batch.fund_id, clock.today())?;
    writeln!(
        out,
        "发放名单（签领表）：union-ledger batch show {}",
        batch.number()
    )?;
    Ok(())
}

fn write_preview(
    out: &mut dyn Write,
    format: OutputFormat,
    spec: &BatchSpec,
    preview: &BatchPreview,
    chart: &Chart,
) -> anyhow::Result<()> {
    let category = chart
        .categories
        .iter()
        .find(|c| c.id == spec.category_id)
        .map(|c| chart.item_label(c))
        .unwrap_or_default();
    let summary = Summary {
        category,
        date: spec.date,
        fund: chart.fund_name(spec.fund_id),
        item: &spec.item,
        amount_fen: spec.amount_fen,
        payment_form: spec.payment_form,
        approval: &spec.approval,
        group: spec.group.describe(),
    };
    if format == OutputFormat::Json {
        return write_json(
            out,
            &PreviewJson {
                category: summary.category.clone(),
                date: format_date(spec.date),
                fund: summary.fund,
                item: &spec.item,
                amount_fen: spec.amount_fen,
                payment_form: spec.payment_form.label(),
                approval: &spec.approval,
                group: summary.group.clone(),
                recipient_count: preview.recipient_count(),
                excluded_count: preview.excluded_count(),
                total_fen: preview.total_fen(),
                rows: preview.rows.iter().map(PreviewRowJson::from).collect(),
            },
        );
    }
    summary.write(out, "批量发放预览")?;
    if preview.rows.is_empty() {
        writeln!(out, "所选条件没有选中任何会员。")?;
        return Ok(());
    }
    let mut table = Table::new(&[
        ("工号", Align::Left),
        ("姓名", Align::Left),
        ("部门", Align::Left),
        ("结果", Align::Left),
        ("原因或提醒", Align::Left),
    ]);
    for row in &preview.rows {
        table.push(vec![
            row.employee_no.clone(),
            row.name.clone(),
            row.department.clone(),
            if row.included { "发放" } else { "排除" }.into(),
            row.reasons_text(),
        ]);
    }
    write!(out, "{}", table.render())?;
    writeln!(
        out,
        "发放 {} 人，排除 {} 人，合计 {} 元",
        preview.recipient_count(),
        preview.excluded_count(),
        format_fen(preview.total_fen())
    )?;
    writeln!(
        out,
        "以上为预览，未写入台账；核对无误后把 preview 换成 commit、其余选项不变即可发放。"
    )?;
    Ok(())
}

#[derive(Debug, Serialize)]
struct ShowJson<'a> {
    batch: BatchJson<'a>,
    recipients: &'a [BatchRecipient],
}

fn list(
    format: OutputFormat,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let ledger = super::open_ledger(path, clock)?;
    let chart = Chart::load(&ledger)?;
    let batches = ledger.batches()?;
    if format == OutputFormat::Json {
        let rows: Vec<BatchJson> = batches.iter().map(|b| BatchJson::of(b, &chart)).collect();
        return write_json(out, &rows);
    }
    if batches.is_empty() {
        writeln!(out, "还没有批量发放。")?;
        return Ok(());
    }
    let mut table = Table::new(&[
        ("批次号", Align::Left),
        ("日期", Align::Left),
        ("类别", Align::Left),
        ("发放内容", Align::Left),
        ("每人", Align::Right),
        ("人数", Align::Right),
        ("合计", Align::Right),
        ("凭证", Align::Left),
        ("审批", Align::Left),
        ("状态", Align::Left),
    ]);
    for batch in &batches {
        let vouchers = if batch.first_voucher.is_empty() {
            String::new()
        } else {
            format!("{}–{}", batch.first_voucher, batch.last_voucher)
        };
        table.push(vec![
            batch.number(),
            format_date(batch.date),
            batch.category_name.clone(),
            batch.item.clone(),
            format_fen(batch.amount_fen),
            batch.recipient_count.to_string(),
            format_fen(batch.total_fen),
            vouchers,
            batch.approval.describe(),
            batch
                .reversed_on
                .map(|day| format!("已冲销 {}", format_date(day)))
                .unwrap_or_default(),
        ]);
    }
    write!(out, "{}", table.render())?;
    writeln!(out, "共 {} 批（金额单位：元）", batches.len())?;
    Ok(())
}

fn show(
    text: &str,
    format: OutputFormat,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let ledger = super::open_ledger(path, clock)?;
    let chart = Chart::load(&ledger)?;
    let batch = find_batch(&ledger, text)?;
    let recipients = ledger.batch_recipients(batch.id)?;
    if format == OutputFormat::Json {
        return write_json(
            out,
            &ShowJson {
                batch: BatchJson::of(&batch, &chart),
                recipients: &recipients,
            },
        );
    }
    Summary::of_batch(&batch, &chart).write(out, &format!("批次 {}", batch.number()))?;
    if let Some(day) = batch.reversed_on {
        writeln!(
            out,
            "已于 {} 整批冲销，原因：{}",
            format_date(day),
            batch.reversal_reason
        )?;
    }
    let mut table = Table::new(&[
        ("凭证号", Align::Left),
        ("工号", Align::Left),
        ("姓名", Align::Left),
        ("部门", Align::Left),
        ("金额", Align::Right),
        ("状态", Align::Left),
    ]);
    for recipient in &recipients {
        table.push(vec![
            recipient.voucher_no.clone(),
            recipient.employee_no.clone(),
            recipient.name.clone(),
            recipient.department.clone(),
            format_fen(recipient.amount_fen),
            if recipient.is_reversed {
                "已冲销"
            } else {
                ""
            }
            .into(),
        ]);
    }
    write!(out, "{}", table.render())?;
    writeln!(
        out,
        "共 {} 人，有效 {} 人，合计 {} 元",
        recipients.len(),
        batch.recipient_count,
        format_fen(batch.total_fen)
    )?;
    Ok(())
}

fn reverse(
    text: &str,
    reason: &str,
    date: Option<&str>,
    handler_option: &Option<String>,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let today = clock.today();
    let date = past_date("--date", date, today)?;
    if reason.trim().is_empty() {
        bail!("--reason：必须填写冲销原因");
    }
    let mut ledger = super::open_ledger(path, clock)?;
    let chart = Chart::load(&ledger)?;
    let batch = find_batch(&ledger, text)?;
    let open: Vec<BatchRecipient> = ledger
        .batch_recipients(batch.id)?
        .into_iter()
        .filter(|recipient| !recipient.is_reversed)
        .collect();
    let handler = handler(&ledger, handler_option)?;
    let reversed = ledger.reverse_batch(batch.id, reason, date, &handler, clock)?;
    writeln!(
        out,
        "已整批冲销批次 {}（{}，{}）：冲销 {} 笔，合计 {} 元，冲销日期 {}，原因：{}",
        reversed.number(),
        reversed.category_name,
        format_date(reversed.date),
        open.len(),
        format_fen(open.iter().map(|r| r.amount_fen).sum()),
        format_date(date),
        reason.trim()
    )?;
    write_balance(out, &ledger, &chart, reversed.fund_id, today)
}
