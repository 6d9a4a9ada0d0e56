//! What the window's 设置 screen does, headless: the union's name and the clerk's name,
//! funds with their opening balances, and categories with standard amounts and codes.

use std::io::Write;
use std::path::Path;

use anyhow::bail;
use chrono::Datelike;
use clap::{Args, Subcommand};
use serde::Serialize;

use super::entries::Chart;
use super::format::{Align, Table};
use super::{OutputFormat, parse_amount_option, parse_choice, write_json};
use crate::core::date::Clock;
use crate::core::model::PaymentForm;
use crate::core::money::{format_fen, parse_signed_amount_fen};
use crate::core::report;
use crate::store::CategoryEdit;

/// `settings`: the names printed on forms and entries.
#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// 工会名称（the union's name, printed on every form）
    #[arg(long)]
    pub union_name: Option<String>,
    /// 经办人（the clerk's name, recorded on every entry）
    #[arg(long)]
    pub handler: Option<String>,
}

/// `fund …`
#[derive(Debug, Subcommand)]
pub enum FundCommand {
    /// 列出资金及某年的年初余额（list funds with a year's opening balances）
    List {
        /// 年度，默认今年（year; default this year）
        #[arg(long)]
        year: Option<i32>,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// 新增资金（add a fund）
    Add { name: String },
    /// 改名、停用或启用资金（rename a fund, take it out of use or back）
    Set {
        /// 资金名称（fund）
        name: String,
        /// 新名称（new name）
        #[arg(long, value_name = "新名称")]
        rename: Option<String>,
        /// 停用：不再用于新凭证（take out of use）
        #[arg(long, conflicts_with = "enable")]
        disable: bool,
        /// 启用（put back in use）
        #[arg(long)]
        enable: bool,
    },
    /// 设置或清除年初余额（set or clear a fund's opening balance for a year）
    Opening {
        /// 资金名称（fund）
        #[arg(long)]
        fund: String,
        /// 年度（year）
        #[arg(long)]
        year: i32,
        /// 年初余额，如 12,000；透支时可为负数（opening balance; may be negative）
        #[arg(long, conflicts_with = "carry", allow_hyphen_values = true)]
        amount: Option<String>,
        /// 清除设置，按上年结余结转（clear: carry the previous year's closing forward）
        #[arg(long)]
        carry: bool,
    },
}

/// `category …`
#[derive(Debug, Subcommand)]
pub enum CategoryCommand {
    /// 列出收支类别（list the category tree）
    List {
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// 新增类别：分组（一级）或分组下的明细类别（add a group, or an item under a group）
    Add(CategoryAddArgs),
    /// 修改类别：改名、移到其他分组、标准金额、科目、资金、形式、停用（change a category）
    Set(CategorySetArgs),
}

/// The options of `category add`.
#[derive(Debug, Args)]
pub struct CategoryAddArgs {
    /// 类别名称（name）
    pub name: String,
    /// 所属分组，如 五必访；不给出则新增一个分组（the group; without it, a new group）
    #[arg(long, value_name = "分组")]
    pub group: Option<String>,
    #[command(flatten)]
    pub details: CategoryDetails,
}

/// What a category carries besides its name and place, for `category add` and `set`.
#[derive(Debug, Args)]
pub struct CategoryDetails {
    /// 标准金额，如 800（standard amount; prefills the entry form）
    #[arg(long, conflicts_with = "no_standard")]
    pub standard: Option<String>,
    /// 取消标准金额（remove the standard amount）
    #[arg(long)]
    pub no_standard: bool,
    /// 会计科目代码，如 50105（account code）
    #[arg(long)]
    pub code: Option<String>,
    /// 默认资金（default fund）
    #[arg(long)]
    pub fund: Option<String>,
    /// 默认发放形式：现金、转账、实物、提货券（default payment form）
    #[arg(long)]
    pub payment_form: Option<String>,
    /// 须填写会员（each entry names a member）
    #[arg(long, conflicts_with = "member_optional")]
    pub member_required: bool,
    /// 可不填会员（entries need not name a member）
    #[arg(long)]
    pub member_optional: bool,
    #[command(flatten)]
    pub tag: InternalTag,
}

/// `--internal` / `--not-internal`: money moved between the union and its branches
/// (拨付分会经费 paid, 上级拨入 received), eliminated when the union above consolidates.
#[derive(Debug, Args)]
pub struct InternalTag {
    /// 内部拨付：本级与分会或上级之间拨付的钱（如 拨付分会经费、上级拨入），上级汇总时抵销（internal transfer, eliminated when consolidated）
    #[arg(long, conflicts_with = "not_internal")]
    pub internal: bool,
    /// 取消内部拨付标记（no longer an internal transfer）
    #[arg(long)]
    pub not_internal: bool,
}

impl InternalTag {
    /// The tag asked for, if any.
    fn wanted(&self) -> Option<bool> {
        match (self.internal, self.not_internal) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        }
    }
}

impl CategoryDetails {
    /// Applies the options given to `edit`, leaving the rest as they are.
    fn apply(&self, edit: &mut CategoryEdit, chart: &Chart) -> anyhow::Result<()> {
        if let Some(text) = &self.standard {
            edit.standard_amount_fen = Some(parse_amount_option("--standard", text)?);
        }
        if self.no_standard {
            edit.standard_amount_fen = None;
        }
        if let Some(code) = &self.code {
            edit.account_code = code.clone();
        }
        if let Some(fund) = &self.fund {
            edit.default_fund_id = Some(chart.fund("--fund", fund)?.id);
        }
        if let Some(form) = &self.payment_form {
            edit.default_payment_form = Some(parse_choice(
                "--payment-form",
                form,
                PaymentForm::parse,
                &PaymentForm::expected(),
            )?);
        }
        if self.member_required {
            edit.requires_member = true;
        }
        if self.member_optional {
            edit.requires_member = false;
        }
        Ok(())
    }

    /// The 内部拨付 tag asked for, if any; refused on a group before anything is written.
    fn internal(&self, is_group: bool, name: &str) -> anyhow::Result<Option<bool>> {
        let wanted = self.tag.wanted();
        if let Some(tag) = wanted
            && is_group
        {
            let option = if tag { "--internal" } else { "--not-internal" };
            bail!("{option}：“{name}”是分组，请标记分组下的明细类别");
        }
        Ok(wanted)
    }
}

/// `source …`: where income comes from.
#[derive(Debug, Subcommand)]
pub enum SourceCommand {
    /// 列出收入来源（list income sources）
    List {
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// 新增收入来源，如 院工会拨款（add an income source）
    Add {
        /// 来源名称（name）
        name: String,
        #[command(flatten)]
        details: SourceDetails,
    },
    /// 修改收入来源：改名、默认资金、科目、内部拨付标记（change an income source）
    Set {
        /// 来源名称（source）
        name: String,
        /// 新名称（new name; entries keep their source）
        #[arg(long, value_name = "新名称")]
        rename: Option<String>,
        #[command(flatten)]
        details: SourceDetails,
    },
}

/// What an income source carries besides its name, for `source add` and `set`.
#[derive(Debug, Args)]
pub struct SourceDetails {
    /// 默认资金（default fund）
    #[arg(long)]
    pub fund: Option<String>,
    /// 会计科目代码，如 403（account code）
    #[arg(long)]
    pub code: Option<String>,
    #[command(flatten)]
    pub tag: InternalTag,
}

/// An income source as listed.
#[derive(Debug, Serialize)]
struct SourceRowJson {
    source_id: i64,
    name: String,
    default_fund: String,
    account_code: String,
    internal: bool,
}

pub fn source(
    command: SourceCommand,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut ledger = super::open_ledger(path, clock)?;
    let chart = Chart::load(&ledger)?;
    let (id, name, details) = match command {
        SourceCommand::List { format } => {
            let tags = ledger.internal_tags()?;
            let rows: Vec<SourceRowJson> = ledger
                .income_sources()?
                .into_iter()
                .map(|source| SourceRowJson {
                    source_id: source.id,
                    default_fund: source
                        .default_fund_id
                        .map(|id| chart.fund_name(id).to_string())
                        .unwrap_or_default(),
                    account_code: source.account_code,
                    internal: tags.sources.contains(&source.id),
                    name: source.name,
                })
                .collect();
            return match format {
                OutputFormat::Json => write_json(out, &rows),
                OutputFormat::Text => {
                    let mut table = Table::new(&[
                        ("收入来源", Align::Left),
                        ("默认资金", Align::Left),
                        ("科目", Align::Left),
                        ("内部拨付", Align::Left),
                    ]);
                    for row in rows {
                        table.push(vec![
                            row.name,
                            row.default_fund,
                            row.account_code,
                            if row.internal { "是" } else { "" }.into(),
                        ]);
                    }
                    write!(out, "{}", table.render())?;
                    Ok(())
                }
            };
        }
        SourceCommand::Add { name, details } => {
            let fund = details
                .fund
                .as_deref()
                .map(|fund| chart.fund("--fund", fund).map(|f| f.id))
                .transpose()?;
            let code = details.code.clone().unwrap_or_default();
            let id = ledger.add_income_source(&name, fund, &code)?;
            writeln!(out, "已添加收入来源“{}”", name.trim())?;
            (id, name.trim().to_string(), details)
        }
        SourceCommand::Set {
            name,
            rename,
            details,
        } => {
            let source = chart.source("收入来源", &name)?.clone();
            let fund = match details.fund.as_deref() {
                Some(fund) => Some(chart.fund("--fund", fund)?.id),
                None => source.default_fund_id,
            };
            let code = details
                .code
                .clone()
                .unwrap_or_else(|| source.account_code.clone());
            let new_name = rename.unwrap_or_else(|| source.name.clone());
            ledger.update_income_source(source.id, &new_name, fund, &code)?;
            writeln!(
                out,
                "已保存收入来源“{}”：科目 {}",
                new_name.trim(),
                code.trim()
            )?;
            (source.id, new_name.trim().to_string(), details)
        }
    };
    if let Some(tag) = details.tag.wanted() {
        ledger.set_source_internal(id, tag)?;
        writeln!(out, "{}", crate::store::tag_message(&name, tag))?;
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct CategorySetArgs {
    /// 类别名称，如 生病住院 或 五必访/生病住院（category）
    pub name: String,
    /// 新名称（new name; entries keep the category）
    #[arg(long, value_name = "新名称")]
    pub rename: Option<String>,
    /// 移到这个分组下（move an item to another group）
    #[arg(long, value_name = "分组")]
    pub group: Option<String>,
    #[command(flatten)]
    pub details: CategoryDetails,
    /// 停用（take out of use）
    #[arg(long, conflicts_with = "enable")]
    pub disable: bool,
    /// 启用（put back in use）
    #[arg(long)]
    pub enable: bool,
}

pub fn settings(
    args: &SettingsArgs,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut ledger = super::open_ledger(path, clock)?;
    if let Some(name) = &args.union_name {
        ledger.set_union_name(name)?;
    }
    if let Some(handler) = &args.handler {
        ledger.set_setting("handler", handler.trim())?;
    }
    writeln!(out, "工会名称：{}", ledger.union_name()?)?;
    writeln!(
        out,
        "经办人：{}",
        ledger.setting("handler")?.unwrap_or_default()
    )?;
    Ok(())
}

/// A fund with the opening balance of one year, as listed.
#[derive(Debug, Serialize)]
struct FundRowJson {
    fund_id: i64,
    name: String,
    is_active: bool,
    year: i32,
    /// The opening the clerk set for the year, if any.
    opening_set_fen: Option<i64>,
    /// The opening in force: the one set, or the previous year's closing.
    opening_fen: i64,
}

pub fn fund(
    command: FundCommand,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut ledger = super::open_ledger(path, clock)?;
    match command {
        FundCommand::List { year, format } => {
            let year = year.unwrap_or_else(|| clock.today().year());
            let funds = ledger.funds()?;
            let openings = ledger.fund_openings()?;
            let balances =
                report::fund_balances(&funds, &openings, &ledger.fund_year_totals()?, year);
            let rows: Vec<FundRowJson> = funds
                .iter()
                .zip(&balances)
                .map(|(fund, balance)| FundRowJson {
                    fund_id: fund.id,
                    name: fund.name.clone(),
                    is_active: fund.is_active,
                    year,
                    opening_set_fen: openings
                        .iter()
                        .find(|o| o.fund_id == fund.id && o.year == year)
                        .map(|o| o.opening_fen),
                    opening_fen: balance.opening_fen,
                })
                .collect();
            match format {
                OutputFormat::Json => write_json(out, &rows),
                OutputFormat::Text => {
                    let mut table = Table::new(&[
                        ("资金", Align::Left),
                        ("状态", Align::Left),
                        ("年初余额", Align::Right),
                        ("来源", Align::Left),
                    ]);
                    for row in &rows {
                        table.push(vec![
                            row.name.clone(),
                            if row.is_active { "启用" } else { "停用" }.into(),
                            format_fen(row.opening_fen),
                            if row.opening_set_fen.is_some() {
                                "已设置"
                            } else {
                                "上年结转"
                            }
                            .into(),
                        ]);
                    }
                    writeln!(out, "{year} 年各项资金（元）")?;
                    write!(out, "{}", table.render())?;
                    Ok(())
                }
            }
        }
        FundCommand::Add { name } => {
            ledger.add_fund(&name)?;
            writeln!(out, "已添加资金“{}”", name.trim())?;
            Ok(())
        }
        FundCommand::Set {
            name,
            rename,
            disable,
            enable,
        } => {
            let chart = Chart::load(&ledger)?;
            let fund = chart.fund("资金", &name)?.clone();
            let new_name = rename.unwrap_or_else(|| fund.name.clone());
            let active = (fund.is_active || enable) && !disable;
            ledger.update_fund(fund.id, &new_name, active)?;
            writeln!(
                out,
                "已保存资金“{}”：{}",
                new_name.trim(),
                if active { "启用" } else { "停用" }
            )?;
            Ok(())
        }
        FundCommand::Opening {
            fund,
            year,
            amount,
            carry,
        } => {
            let chart = Chart::load(&ledger)?;
            let fund = chart.fund("--fund", &fund)?.clone();
            let opening = match (amount, carry) {
                (Some(text), false) => Some(
                    parse_signed_amount_fen(&text)
                        .map_err(|error| anyhow::anyhow!("--amount：{error}"))?,
                ),
                (None, true) => None,
                _ => bail!("--amount：请给出年初余额，或用 --carry 改为按上年结余结转"),
            };
            ledger.set_fund_opening(fund.id, year, opening)?;
            match opening {
                Some(fen) => writeln!(
                    out,
                    "已设置“{}”{year} 年初余额 {} 元",
                    fund.name,
                    format_fen(fen)
                )?,
                None => writeln!(out, "已清除“{}”{year} 年初余额，按上年结余结转", fund.name)?,
            }
            Ok(())
        }
    }
}

/// A category as listed.
#[derive(Debug, Serialize)]
struct CategoryRowJson {
    category_id: i64,
    group: Option<String>,
    name: String,
    default_fund: String,
    standard_amount_fen: Option<i64>,
    account_code: String,
    default_payment_form: Option<&'static str>,
    is_active: bool,
    /// Tagged 内部拨付: eliminated when the union above consolidates.
    internal: bool,
}

pub fn category(
    command: CategoryCommand,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut ledger = super::open_ledger(path, clock)?;
    let chart = Chart::load(&ledger)?;
    match command {
        CategoryCommand::List { format } => {
            let categories = ledger.categories()?;
            let tags = ledger.internal_tags()?;
            let group_of = |parent: Option<i64>| {
                parent
                    .and_then(|id| categories.iter().find(|c| c.id == id))
                    .map(|c| c.name.clone())
            };
            let rows: Vec<CategoryRowJson> = categories
                .iter()
                .map(|c| CategoryRowJson {
                    category_id: c.id,
                    group: group_of(c.parent_id),
                    name: c.name.clone(),
                    default_fund: c
                        .default_fund_id
                        .map(|id| chart.fund_name(id).to_string())
                        .unwrap_or_default(),
                    standard_amount_fen: c.standard_amount_fen,
                    account_code: c.account_code.clone(),
                    default_payment_form: c.default_payment_form.map(PaymentForm::label),
                    is_active: c.is_active,
                    internal: tags.categories.contains(&c.id),
                })
                .collect();
            match format {
                OutputFormat::Json => write_json(out, &rows),
                OutputFormat::Text => {
                    let mut table = Table::new(&[
                        ("类别", Align::Left),
                        ("默认资金", Align::Left),
                        ("标准金额", Align::Right),
                        ("科目", Align::Left),
                        ("形式", Align::Left),
                        ("状态", Align::Left),
                        ("内部拨付", Align::Left),
                    ]);
                    for row in &rows {
                        table.push(vec![
                            if row.group.is_some() {
                                format!("  {}", row.name)
                            } else {
                                row.name.clone()
                            },
                            row.default_fund.clone(),
                            row.standard_amount_fen.map(format_fen).unwrap_or_default(),
                            row.account_code.clone(),
                            row.default_payment_form.unwrap_or("").to_string(),
                            if row.is_active { "启用" } else { "停用" }.into(),
                            if row.internal { "是" } else { "" }.into(),
                        ]);
                    }
                    write!(out, "{}", table.render())?;
                    Ok(())
                }
            }
        }
        CategoryCommand::Add(args) => {
            let internal = args.details.internal(args.group.is_none(), &args.name)?;
            let group = match &args.group {
                Some(group) => {
                    let group = chart.category("--group", group, false)?;
                    if group.parent_id.is_some() {
                        bail!(
                            "--group：“{}”是明细类别，不是分组（类别只有两级）",
                            group.name
                        );
                    }
                    Some(group.clone())
                }
                None => None,
            };
            let group_id = group.as_ref().map(|group| group.id);
            // An item starts from its group's fund, code and member rule, as in the
            // window; the options given change them.
            let mut edit = CategoryEdit {
                name: args.name.trim().to_string(),
                default_fund_id: group.as_ref().and_then(|g| g.default_fund_id),
                standard_amount_fen: None,
                account_code: group
                    .as_ref()
                    .map(|g| g.account_code.clone())
                    .unwrap_or_default(),
                default_payment_form: None,
                requires_member: group.as_ref().is_some_and(|g| g.requires_member),
                is_active: true,
            };
            args.details.apply(&mut edit, &chart)?;
            let id = ledger.add_category(group_id, &edit)?;
            match &args.group {
                Some(group) => writeln!(out, "已添加类别“{group}/{}”", edit.name)?,
                None => writeln!(out, "已添加分组“{}”", edit.name)?,
            }
            if internal == Some(true) {
                ledger.set_category_internal(id, true)?;
                writeln!(out, "{}", crate::store::tag_message(&edit.name, true))?;
            }
            Ok(())
        }
        CategoryCommand::Set(args) => {
            let category = chart.category("类别", &args.name, false)?.clone();
            let internal = args
                .details
                .internal(category.parent_id.is_none(), &category.name)?;
            let mut edit = CategoryEdit::from_category(&category);
            if let Some(name) = &args.rename {
                edit.name = name.trim().to_string();
            }
            args.details.apply(&mut edit, &chart)?;
            if args.disable {
                edit.is_active = false;
            }
            if args.enable {
                edit.is_active = true;
            }
            ledger.update_category(category.id, &edit)?;
            if let Some(group) = &args.group {
                let group = chart.category("--group", group, false)?;
                ledger.move_category(category.id, group.id)?;
                writeln!(out, "已移到分组“{}”", group.name)?;
            }
            let standard = edit
                .standard_amount_fen
                .map_or("无".to_string(), |fen| format!("{} 元", format_fen(fen)));
            writeln!(
                out,
                "已保存类别“{}”：标准金额 {standard}，科目 {}，{}",
                edit.name,
                edit.account_code,
                if edit.is_active { "启用" } else { "停用" }
            )?;
            if let Some(tag) = internal {
                ledger.set_category_internal(category.id, tag)?;
                writeln!(out, "{}", crate::store::tag_message(&edit.name, tag))?;
            }
            Ok(())
        }
    }
}
