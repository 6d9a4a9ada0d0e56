//! `entry add`, `entry reverse`, `entry list` and `balance`.

use std::io::Write;
use std::path::Path;

use anyhow::{anyhow, bail};
use chrono::{Datelike, NaiveDate};
use clap::{Args, Subcommand};
use serde::Serialize;

use super::approval::{OverrideArgs, refusal, write_extras};
use super::format::{Align, Table};
use super::{OutputFormat, parse_amount_option, parse_choice, parse_date_option, write_json};
use crate::core::date::{Clock, Period, format_date};
use crate::core::model::{Category, EntryKind, Fund, IncomeSource, NewEntry, PaymentForm};
use crate::core::money::format_fen;
use crate::core::report::{FundBalance, FundTotals};
use crate::store::{Ledger, LedgerFilter, LedgerOrder, LedgerRow};

/// The entry subcommands.
#[derive(Debug, Subcommand)]
pub enum EntryCommand {
    /// 记一笔收入或支出（record income or a disbursement）
    Add(EntryAddArgs),
    /// 冲销一张凭证（reverse a voucher）
    Reverse(EntryReverseArgs),
    /// 列出凭证及资金余额（list entries with the running balance）
    List(EntryListArgs),
}

/// The options of `entry add`.
#[derive(Debug, Args)]
pub struct EntryAddArgs {
    /// 收入或支出：income、disbursement、收入、支出（kind）
    #[arg(long)]
    pub kind: String,
    /// 只按发放规则检查这一笔，不写入（check against the rules only, write nothing）
    #[arg(long)]
    pub check: bool,
    /// 日期，默认今天（date; default today）
    #[arg(long)]
    pub date: Option<String>,
    /// 资金名称，默认为类别或来源的默认资金（fund）
    #[arg(long)]
    pub fund: Option<String>,
    /// 支出类别（明细），如 生病住院（spending category, for disbursements）
    #[arg(long)]
    pub category: Option<String>,
    /// 收入来源，如 会费（income source, for income）
    #[arg(long)]
    pub source: Option<String>,
    /// 会员工号（member's 工号）
    #[arg(long)]
    pub member: Option<String>,
    /// 金额，如 1,234.50 或 ¥500（amount in 元）
    #[arg(long)]
    pub amount: String,
    /// 发放形式：现金、转账、实物、提货券（payment form; default: the category's）
    #[arg(long)]
    pub payment_form: Option<String>,
    /// 经办人，默认取设置 handler（handler）
    #[arg(long)]
    pub handler: Option<String>,
    /// 备注（note）
    #[arg(long, default_value = "")]
    pub note: String,
    /// 事由，如所患疾病（event: the illness, the relative; compared by the once-per-event rule）
    #[arg(long, value_name = "TEXT")]
    pub event: Option<String>,
    #[command(flatten)]
    pub override_args: OverrideArgs,
}

/// The options of `entry reverse`.
#[derive(Debug, Args)]
pub struct EntryReverseArgs {
    /// 凭证号，如 2026-000123（voucher number）
    pub voucher: String,
    /// 冲销原因（reason）
    #[arg(long)]
    pub reason: String,
    /// 冲销日期，默认今天（date of the reversal; default today）
    #[arg(long)]
    pub date: Option<String>,
    /// 经办人，默认取设置 handler（handler）
    #[arg(long)]
    pub handler: Option<String>,
}

/// The options of `entry list`.
#[derive(Debug, Args)]
pub struct EntryListArgs {
    /// 起始日期（from date, inclusive）
    #[arg(long, conflicts_with_all = ["year", "quarter"])]
    pub from: Option<String>,
    /// 截止日期（to date, inclusive）
    #[arg(long, conflicts_with_all = ["year", "quarter"])]
    pub to: Option<String>,
    /// 年度，如 2026（year）
    #[arg(long, conflicts_with = "quarter")]
    pub year: Option<i32>,
    /// 季度，如 2026Q2（quarter）
    #[arg(long)]
    pub quarter: Option<String>,
    /// 资金名称（fund）
    #[arg(long)]
    pub fund: Option<String>,
    /// 类别组或明细（category group or item）
    #[arg(long)]
    pub category: Option<String>,
    /// 会员工号（member's 工号）
    #[arg(long)]
    pub member: Option<String>,
    /// 收入或支出（kind）
    #[arg(long)]
    pub kind: Option<String>,
    /// 凭证号，或备注、经办人、会员姓名/工号中的文字（text）
    #[arg(long)]
    pub text: Option<String>,
    /// 最多列出几条（rows to show）
    #[arg(long, default_value_t = 50)]
    pub limit: i64,
    /// 跳过前几条（rows to skip）
    #[arg(long, default_value_t = 0)]
    pub offset: i64,
    /// 最新的在前（newest first）
    #[arg(long)]
    pub newest_first: bool,
    /// 输出格式（output format）
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// The options of `balance`.
#[derive(Debug, Args)]
pub struct BalanceArgs {
    /// 年度，默认今年（year; default this year）
    #[arg(long)]
    pub year: Option<i32>,
    /// 输出格式（output format）
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// Runs an entry subcommand.
pub fn run(
    command: EntryCommand,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<()> {
    match command {
        EntryCommand::Add(args) => add(&args, path, clock, out, err),
        EntryCommand::Reverse(args) => reverse(&args, path, clock, out),
        EntryCommand::List(args) => list(&args, path, clock, out),
    }
}

/// The ledger's funds, categories and income sources, for turning names typed on the
/// command line into ids.
pub struct Chart {
    pub funds: Vec<Fund>,
    pub categories: Vec<Category>,
    pub sources: Vec<IncomeSource>,
}

impl Chart {
    pub fn load(ledger: &Ledger) -> anyhow::Result<Self> {
        Ok(Self {
            funds: ledger.funds()?,
            categories: ledger.categories()?,
            sources: ledger.income_sources()?,
        })
    }

    /// A fund by name.
    pub fn fund(&self, option: &str, name: &str) -> anyhow::Result<&Fund> {
        let name = name.trim();
        self.funds.iter().find(|f| f.name == name).ok_or_else(|| {
            let names: Vec<&str> = self.funds.iter().map(|f| f.name.as_str()).collect();
            anyhow!("{option}：找不到资金“{name}”，可选：{}", names.join("、"))
        })
    }

    pub fn fund_name(&self, id: i64) -> &str {
        self.funds
            .iter()
            .find(|f| f.id == id)
            .map_or("", |f| f.name.as_str())
    }

    /// Whether a category is a group with items under it (entries must use an item).
    fn has_items(&self, category: &Category) -> bool {
        self.categories
            .iter()
            .any(|child| child.parent_id == Some(category.id))
    }

    pub fn group_name(&self, category: &Category) -> Option<&str> {
        let parent = category.parent_id?;
        self.categories
            .iter()
            .find(|c| c.id == parent)
            .map(|c| c.name.as_str())
    }

    /// A category as `组 / 明细` (or its name alone for a group).
    pub fn item_label(&self, category: &Category) -> String {
        match self.group_name(category) {
            Some(group) => format!("{group} / {}", category.name),
            None => category.name.clone(),
        }
    }

    /// A category by name (`生病住院`) or by group and name (`五必访/生病住院`).
    /// With `items_only`, groups are not accepted.
    pub fn category(
        &self,
        option: &str,
        name: &str,
        items_only: bool,
    ) -> anyhow::Result<&Category> {
        let name = name.trim();
        let is_item = |c: &&Category| !self.has_items(c);
        let candidates: Vec<&Category> = self
            .categories
            .iter()
            .filter(|c| !items_only || is_item(c))
            .filter(|c| match name.split_once(['/', '／']) {
                Some((group, item)) => {
                    c.name == item.trim() && self.group_name(c) == Some(group.trim())
                }
                None => c.name == name,
            })
            .collect();
        match candidates.as_slice() {
            [category] => Ok(category),
            [] => {
                let names: Vec<&str> = self
                    .categories
                    .iter()
                    .filter(|c| c.is_active && (!items_only || is_item(c)))
                    .map(|c| c.name.as_str())
                    .collect();
                Err(anyhow!(
                    "{option}：找不到{}“{name}”，可选：{}",
                    if items_only { "支出类别" } else { "类别" },
                    names.join("、")
                ))
            }
            several => {
                let names: Vec<String> = several
                    .iter()
                    .map(|c| format!("{}/{}", self.group_name(c).unwrap_or(""), c.name))
                    .collect();
                Err(anyhow!(
                    "{option}：“{name}”有多个同名类别，请写成 组/明细：{}",
                    names.join("、")
                ))
            }
        }
    }

    /// An income source by name.
    pub fn source(&self, option: &str, name: &str) -> anyhow::Result<&IncomeSource> {
        let name = name.trim();
        self.sources.iter().find(|s| s.name == name).ok_or_else(|| {
            anyhow!(
                "{option}：找不到收入来源“{name}”，可选：{}",
                self.source_names()
            )
        })
    }

    fn source_names(&self) -> String {
        let names: Vec<&str> = self.sources.iter().map(|s| s.name.as_str()).collect();
        names.join("、")
    }

    pub fn item_names(&self) -> String {
        let names: Vec<&str> = self
            .categories
            .iter()
            .filter(|c| c.is_active && c.parent_id.is_some())
            .map(|c| c.name.as_str())
            .collect();
        names.join("、")
    }
}

/// Finds a member's id by 工号, naming the option when there is none.
pub fn member_id(
    ledger: &Ledger,
    option: &str,
    employee_no: &str,
) -> anyhow::Result<(i64, String)> {
    match ledger.member_by_employee_no(employee_no)? {
        Some(member) => Ok((member.id, format!("{} {}", member.employee_no, member.name))),
        None => bail!("{option}：找不到工号为“{}”的会员", employee_no.trim()),
    }
}

/// The clerk's name as 经办人: the option, else the stored setting, else empty.
pub fn handler(ledger: &Ledger, option: &Option<String>) -> anyhow::Result<String> {
    match option {
        Some(handler) => Ok(handler.trim().to_string()),
        None => Ok(ledger.setting("handler")?.unwrap_or_default()),
    }
}

/// The date given to `option` (today when not given), refused when after today with
/// the option's name.
pub fn past_date(option: &str, text: Option<&str>, today: NaiveDate) -> anyhow::Result<NaiveDate> {
    let date = match text {
        Some(text) => parse_date_option(option, text)?,
        None => today,
    };
    if date > today {
        bail!(
            "{option}：{} 晚于今天（{}），台账只记已发生的收支",
            format_date(date),
            format_date(today)
        );
    }
    Ok(date)
}

/// Writes a fund's current closing balance, as every command that moves money ends.
pub fn write_balance(
    out: &mut dyn Write,
    ledger: &Ledger,
    chart: &Chart,
    fund_id: i64,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let balance = ledger
        .fund_balances(today.year())?
        .iter()
        .find(|b| b.fund_id == fund_id)
        .map_or(0, |b| b.closing_fen);
    writeln!(
        out,
        "资金“{}”当前余额：{} 元",
        chart.fund_name(fund_id),
        format_fen(balance)
    )?;
    Ok(())
}

fn add(
    args: &EntryAddArgs,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<()> {
    let kind = parse_choice(
        "--kind",
        &args.kind,
        EntryKind::parse,
        &EntryKind::expected(),
    )?;
    let amount_fen = parse_amount_option("--amount", &args.amount)?;
    if amount_fen == 0 {
        bail!("--amount：金额必须大于 0");
    }
    let today = clock.today();
    let date = past_date("--date", args.date.as_deref(), today)?;
    let payment_form = args
        .payment_form
        .as_deref()
        .map(|text| {
            parse_choice(
                "--payment-form",
                text,
                PaymentForm::parse,
                &PaymentForm::expected(),
            )
        })
        .transpose()?;
    let mut ledger = super::open_ledger(path, clock)?;
    let chart = Chart::load(&ledger)?;
    let (category, source) = match kind {
        EntryKind::Disbursement => {
            if args.source.is_some() {
                bail!("--source：支出不填收入来源，请用 --category 指定支出类别");
            }
            let Some(name) = &args.category else {
                bail!("--category：支出必须指定类别，可选：{}", chart.item_names());
            };
            (Some(chart.category("--category", name, true)?), None)
        }
        EntryKind::Income => {
            if args.category.is_some() {
                bail!("--category：收入不填支出类别，请用 --source 指定收入来源");
            }
            let Some(name) = &args.source else {
                bail!("--source：收入必须指定来源，可选：{}", chart.source_names());
            };
            (None, Some(chart.source("--source", name)?))
        }
    };
    let default_fund_id = category
        .and_then(|c| c.default_fund_id)
        .or_else(|| source.and_then(|s| s.default_fund_id));
    let fund_id = match (&args.fund, default_fund_id) {
        (Some(name), _) => chart.fund("--fund", name)?.id,
        (None, Some(id)) => id,
        (None, None) => {
            let names: Vec<&str> = chart.funds.iter().map(|f| f.name.as_str()).collect();
            bail!(
                "--fund：该类别没有默认资金，请指定资金，可选：{}",
                names.join("、")
            );
        }
    };
    let member = args
        .member
        .as_deref()
        .map(|employee_no| member_id(&ledger, "--member", employee_no))
        .transpose()?;
    if let Some(category) = category
        && category.requires_member
        && member.is_none()
    {
        bail!(
            "--member：“{}”发放到个人，必须用 --member 指定会员工号",
            category.name
        );
    }
    let entry = NewEntry {
        kind,
        date,
        fund_id,
        category_id: category.map(|c| c.id),
        source_id: source.map(|s| s.id),
        member_id: member.as_ref().map(|(id, _)| *id),
        amount_fen,
        payment_form: payment_form
            .or_else(|| category.and_then(|c| c.default_payment_form))
            .unwrap_or(PaymentForm::Transfer),
        handler: handler(&ledger, &args.handler)?,
        note: args.note.clone(),
    };
    let event = args.event.as_deref().unwrap_or("");
    let findings = ledger.check_entry(&entry, event)?;
    if args.check {
        return super::approval::write_check(out, &findings);
    }
    let extras = args.override_args.extras(event, &findings, today, err)?;
    let saved = ledger
        .add_entry_with(&entry, &extras, clock)
        .map_err(refusal)?;
    let item = match (category, source) {
        (Some(category), _) => chart.item_label(category),
        (None, Some(source)) => source.name.clone(),
        (None, None) => String::new(),
    };
    let mut details = vec![chart.fund_name(fund_id).to_string(), item];
    if let Some((_, member)) = &member {
        details.push(member.clone());
    }
    details.push(saved.payment_form.label().to_string());
    writeln!(
        out,
        "已保存凭证 {}：{} {} {} 元（{}）",
        saved.voucher_no(),
        format_date(saved.date),
        saved.kind.label(),
        format_fen(saved.amount_fen),
        details.join("，")
    )?;
    write_balance(out, &ledger, &chart, fund_id, today)?;
    write_extras(out, &extras, &findings)?;
    Ok(())
}

fn reverse(
    args: &EntryReverseArgs,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let today = clock.today();
    let date = past_date("--date", args.date.as_deref(), today)?;
    if args.reason.trim().is_empty() {
        bail!("--reason：必须填写冲销原因");
    }
    let mut ledger = super::open_ledger(path, clock)?;
    let original = ledger.entry_by_voucher(&args.voucher)?;
    let handler = handler(&ledger, &args.handler)?;
    let reversal = ledger.reverse_entry(original.id, &args.reason, date, &handler, clock)?;
    let chart = Chart::load(&ledger)?;
    writeln!(
        out,
        "已冲销凭证 {}（{} {} 元），冲销凭证号 {}，日期 {}",
        original.voucher_no(),
        original.kind.label(),
        format_fen(original.amount_fen),
        reversal.voucher_no(),
        format_date(reversal.date)
    )?;
    write_balance(out, &ledger, &chart, original.fund_id, today)
}

/// Parses a quarter written `2026Q2`, `2026-Q2` or `2026q2`.
pub fn parse_quarter(text: &str) -> Option<Period> {
    let upper = text.trim().to_uppercase();
    let (year, quarter) = upper.split_once('Q')?;
    let year: i32 = year.trim_end_matches(['-', ' ']).parse().ok()?;
    let quarter: u32 = quarter.trim().parse().ok()?;
    ((1900..=2200).contains(&year) && (1..=4).contains(&quarter))
        .then(|| Period::quarter(year, quarter))
}

/// The period chosen by `--from/--to`, `--year` or `--quarter`, if any.
fn list_period(args: &EntryListArgs) -> anyhow::Result<Option<Period>> {
    if let Some(year) = args.year {
        if !(1900..=2200).contains(&year) {
            bail!("--year：{year} 不是有效年份");
        }
        return Ok(Some(Period::year(year)));
    }
    if let Some(text) = &args.quarter {
        return parse_quarter(text)
            .map(Some)
            .ok_or_else(|| anyhow!("--quarter：“{}”无法识别，应为如 2026Q2 的季度", text.trim()));
    }
    let from = args
        .from
        .as_deref()
        .map(|text| parse_date_option("--from", text))
        .transpose()?;
    let to = args
        .to
        .as_deref()
        .map(|text| parse_date_option("--to", text))
        .transpose()?;
    if from.is_none() && to.is_none() {
        return Ok(None);
    }
    // An open end reaches as far as any ledger can.
    let start = from.unwrap_or(NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default());
    let end = to.unwrap_or(NaiveDate::from_ymd_opt(2200, 12, 31).unwrap_or_default());
    if start > end {
        bail!(
            "--from：起始日期 {} 晚于截止日期 {}",
            format_date(start),
            format_date(end)
        );
    }
    Ok(Some(Period::new(start, end)))
}

/// One ledger line as `entry list --format json` writes it. Field names are stable.
#[derive(Debug, Serialize)]
pub struct LedgerRowJson {
    pub voucher_no: String,
    pub date: String,
    /// `收入` or `支出`.
    pub kind: &'static str,
    pub fund: String,
    /// The category as `组 / 明细`, or the income source.
    pub item: String,
    pub employee_no: String,
    pub member_name: String,
    pub amount_fen: i64,
    /// The effect on the fund: negative for spending and for reversed income.
    pub delta_fen: i64,
    pub balance_after_fen: i64,
    pub payment_form: &'static str,
    pub handler: String,
    pub note: String,
    pub is_reversal: bool,
    pub is_reversed: bool,
    /// What the payout was for (the illness, the relative), when given.
    pub event: String,
    /// The written reason when the entry was saved over the union's rules (超标准).
    pub override_reason: String,
}

impl From<&LedgerRow> for LedgerRowJson {
    fn from(row: &LedgerRow) -> Self {
        Self {
            voucher_no: row.voucher_no.clone(),
            date: format_date(row.entry.date),
            kind: row.entry.kind.label(),
            fund: row.fund_name.clone(),
            item: row.item_name.clone(),
            employee_no: row.employee_no.clone(),
            member_name: row.member_name.clone(),
            amount_fen: row.entry.amount_fen,
            delta_fen: row.delta_fen,
            balance_after_fen: row.balance_after_fen,
            payment_form: row.entry.payment_form.label(),
            handler: row.entry.handler.clone(),
            note: row.entry.note.clone(),
            is_reversal: row.entry.reverses_entry_id.is_some(),
            is_reversed: row.entry.reversed_by_entry_id.is_some(),
            event: row.entry.event.clone(),
            override_reason: row.entry.override_reason.clone(),
        }
    }
}

#[derive(Serialize)]
struct LedgerPageJson {
    count: i64,
    offset: i64,
    limit: i64,
    rows: Vec<LedgerRowJson>,
}

fn list(
    args: &EntryListArgs,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if args.limit < 0 {
        bail!("--limit：不能为负数");
    }
    if args.offset < 0 {
        bail!("--offset：不能为负数");
    }
    let period = list_period(args)?;
    let kind = args
        .kind
        .as_deref()
        .map(|text| parse_choice("--kind", text, EntryKind::parse, &EntryKind::expected()))
        .transpose()?;
    let ledger = super::open_ledger(path, clock)?;
    let chart = Chart::load(&ledger)?;
    let filter = LedgerFilter {
        period,
        fund_id: args
            .fund
            .as_deref()
            .map(|name| chart.fund("--fund", name).map(|f| f.id))
            .transpose()?,
        category_id: args
            .category
            .as_deref()
            .map(|name| chart.category("--category", name, false).map(|c| c.id))
            .transpose()?,
        source_id: None,
        member_id: args
            .member
            .as_deref()
            .map(|no| member_id(&ledger, "--member", no).map(|(id, _)| id))
            .transpose()?,
        kind,
        text: args.text.clone().unwrap_or_default(),
    };
    let index = ledger.ledger_index(&filter)?;
    let order = if args.newest_first {
        LedgerOrder::NewestFirst
    } else {
        LedgerOrder::OldestFirst
    };
    let rows = ledger.ledger_page(&index, order, args.offset, args.limit)?;
    match args.format {
        OutputFormat::Json => write_json(
            out,
            &LedgerPageJson {
                count: index.count,
                offset: args.offset,
                limit: args.limit,
                rows: rows.iter().map(LedgerRowJson::from).collect(),
            },
        ),
        OutputFormat::Text => {
            if rows.is_empty() {
                if index.count == 0 {
                    writeln!(out, "没有符合条件的凭证。")?;
                } else {
                    writeln!(
                        out,
                        "共 {} 条，第 {} 条之后没有更多凭证。",
                        index.count, args.offset
                    )?;
                }
                return Ok(());
            }
            write!(out, "{}", ledger_table(&rows).render())?;
            writeln!(
                out,
                "共 {} 条，显示第 {}–{} 条（金额单位：元）",
                index.count,
                args.offset + 1,
                args.offset + rows.len() as i64
            )?;
            Ok(())
        }
    }
}

/// Ledger rows as a text table with the fund's running balance.
pub fn ledger_table(rows: &[LedgerRow]) -> Table {
    let mut table = Table::new(&[
        ("凭证号", Align::Left),
        ("日期", Align::Left),
        ("资金", Align::Left),
        ("类别/来源", Align::Left),
        ("会员", Align::Left),
        ("收入", Align::Right),
        ("支出", Align::Right),
        ("余额", Align::Right),
        ("形式", Align::Left),
        ("备注", Align::Left),
    ]);
    for row in rows {
        // A reversal shows as a negative amount in its original's column (红字冲销).
        let (income, spending) = match row.entry.kind {
            EntryKind::Income => (format_fen(row.delta_fen), String::new()),
            EntryKind::Disbursement => (String::new(), format_fen(-row.delta_fen)),
        };
        let member = if row.employee_no.is_empty() {
            String::new()
        } else {
            format!("{} {}", row.employee_no, row.member_name)
        };
        let mut note = row.entry.note.clone();
        if !row.entry.override_reason.is_empty() {
            note.push_str(&format!("（超标准：{}）", row.entry.override_reason));
        }
        if row.entry.reversed_by_entry_id.is_some() {
            note.push_str("（已冲销）");
        }
        table.push(vec![
            row.voucher_no.clone(),
            format_date(row.entry.date),
            row.fund_name.clone(),
            row.item_name.clone(),
            member,
            income,
            spending,
            format_fen(row.balance_after_fen),
            row.entry.payment_form.label().to_string(),
            note,
        ]);
    }
    table
}

#[derive(Serialize)]
struct BalanceJson<'a> {
    year: i32,
    funds: &'a [FundBalance],
    total: FundTotals,
}

/// `balance`: each fund's opening, income, spending and closing balance for a year.
pub fn balance(
    args: &BalanceArgs,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let year = args.year.unwrap_or_else(|| clock.today().year());
    if !(1900..=2200).contains(&year) {
        bail!("--year：{year} 不是有效年份");
    }
    let ledger = super::open_ledger(path, clock)?;
    let balances = ledger.fund_balances(year)?;
    let total = FundTotals::of(&balances);
    match args.format {
        OutputFormat::Json => write_json(
            out,
            &BalanceJson {
                year,
                funds: &balances,
                total,
            },
        ),
        OutputFormat::Text => {
            writeln!(
                out,
                "{} {}年 各项资金余额（元）",
                ledger.union_name()?,
                year
            )?;
            write!(out, "{}", balance_table(&balances, &total).render())?;
            Ok(())
        }
    }
}

/// Fund balances as a text table with a total line.
pub fn balance_table(balances: &[FundBalance], total: &FundTotals) -> Table {
    let mut table = Table::new(&[
        ("资金", Align::Left),
        ("期初余额", Align::Right),
        ("本年收入", Align::Right),
        ("本年支出", Align::Right),
        ("期末余额", Align::Right),
    ]);
    for b in balances {
        table.push(vec![
            b.fund_name.clone(),
            format_fen(b.opening_fen),
            format_fen(b.income_fen),
            format_fen(b.spending_fen),
            format_fen(b.closing_fen),
        ]);
    }
    table.push(vec![
        "合计".to_string(),
        format_fen(total.opening_fen),
        format_fen(total.income_fen),
        format_fen(total.spending_fen),
        format_fen(total.closing_fen),
    ]);
    table
}
