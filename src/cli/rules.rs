//! `rules …`: the union's rule set (caps, counts, forms of payment, who may receive),
//! the shipped examples, and the duplicate guard's window.

use std::io::Write;
use std::path::Path;

use anyhow::{anyhow, bail};
use clap::{Args, Subcommand};
use serde::Serialize;

use super::entries::Chart;
use super::format::{Align, Table};
use super::{OutputFormat, parse_amount_option, parse_choice, split_list, write_json};
use crate::core::date::Clock;
use crate::core::model::{MemberStatus, PaymentForm};
use crate::core::policy::{DUPLICATE_GUARD, Rule, RuleCheck, RuleKind};
use crate::store::Ledger;

/// `rules …`
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// 列出发放规则（list the rules）
    List {
        /// 输出格式（output format）
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// 用示例替换全部规则：example-strict、example-generous、empty（replace the rules with a preset）
    Preset {
        /// 示例代码（preset code）
        code: String,
    },
    /// 新增一条规则（add a rule）
    Add(RuleAddArgs),
    /// 修改一条规则：按 rules add 的写法重新给出全部内容（change a rule: give it whole, as for rules add）
    Set {
        /// 规则编号，见 rules list（rule id）
        id: i64,
        #[command(flatten)]
        rule: RuleAddArgs,
    },
    /// 删除规则；已保存的凭证不受影响（delete a rule）
    Remove {
        /// 规则编号，见 rules list（rule id）
        id: i64,
    },
    /// 启用规则（turn a rule on）
    Enable {
        /// 规则编号（rule id）
        id: i64,
    },
    /// 停用规则（turn a rule off）
    Disable {
        /// 规则编号（rule id）
        id: i64,
    },
    /// 重复发放提醒的天数，0 为不提醒（the duplicate guard's window in days; 0 turns it off）
    Window {
        /// 天数（days）
        #[arg(allow_negative_numbers = true)]
        days: i64,
    },
}

/// The options of `rules add`.
#[derive(Debug, Args)]
pub struct RuleAddArgs {
    /// 规则名称，如 住院慰问标准（name）
    #[arg(long)]
    pub name: String,
    /// 规则类型：per-event-cap、yearly-cap、yearly-count、once-per-event、payment-forms、members-only、dues-paid、women-only、excluded-statuses、hardship-file（kind）
    #[arg(long)]
    pub kind: String,
    /// 适用类别（类别组或明细），可重复，如 --category 节日慰问 --category 生日（category; repeatable）
    #[arg(long = "category", required = true)]
    pub categories: Vec<String>,
    /// 上限金额（元），用于 per-event-cap、yearly-cap（cap in 元）
    #[arg(long)]
    pub amount: Option<String>,
    /// 每人每年最多次数，用于 yearly-count（maximum count）
    #[arg(long)]
    pub count: Option<i64>,
    /// 允许的发放方式，如 实物,提货券，用于 payment-forms（allowed forms）
    #[arg(long)]
    pub forms: Option<String>,
    /// 排除的人员身份，如 退休,离休，用于 excluded-statuses（excluded statuses）
    #[arg(long)]
    pub statuses: Option<String>,
}

/// Runs a `rules` subcommand.
pub fn run(
    command: RulesCommand,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut ledger = super::open_ledger(path, clock)?;
    match command {
        RulesCommand::List { format } => list(&ledger, format, out),
        RulesCommand::Preset { code } => {
            let summary = ledger.apply_preset(&code)?;
            writeln!(
                out,
                "已用“{}”替换全部规则：共 {} 条",
                summary.name, summary.rule_count
            )?;
            if summary.rule_count == 0 {
                writeln!(out, "录入时不做任何规则检查（重复发放提醒除外）。")?;
                return Ok(());
            }
            if !summary.missing_categories.is_empty() {
                writeln!(
                    out,
                    "本台账没有这些类别，示例中涉及它们的部分未设置：{}",
                    summary.missing_categories.join("、")
                )?;
            }
            writeln!(
                out,
                "示例中的金额和条件只是参考，请对照本省工会经费使用管理的现行规定逐条核对，用 rules list 查看、rules add/remove 修改。"
            )?;
            Ok(())
        }
        RulesCommand::Add(args) => {
            let chart = Chart::load(&ledger)?;
            let rule = rule_from_args(&args, &chart)?;
            let id = ledger.add_rule(&rule)?;
            writeln!(out, "已添加规则 {id}{}", rule_text(&rule, &chart))?;
            Ok(())
        }
        RulesCommand::Set { id, rule: args } => {
            let before = find_rule(&ledger, id)?;
            let chart = Chart::load(&ledger)?;
            let rule = Rule {
                id,
                is_active: before.is_active,
                ..rule_from_args(&args, &chart)?
            };
            ledger.update_rule(&rule)?;
            writeln!(out, "已修改规则 {id}{}", rule_text(&rule, &chart))?;
            Ok(())
        }
        RulesCommand::Remove { id } => {
            let rule = find_rule(&ledger, id)?;
            ledger.delete_rule(id)?;
            writeln!(out, "已删除规则 {id}“{}”；已保存的凭证不受影响", rule.name)?;
            Ok(())
        }
        RulesCommand::Enable { id } => set_active(&mut ledger, id, true, out),
        RulesCommand::Disable { id } => set_active(&mut ledger, id, false, out),
        RulesCommand::Window { days } => {
            ledger.set_duplicate_window_days(days)?;
            writeln!(out, "{}", window_text(days))?;
            Ok(())
        }
    }
}

fn find_rule(ledger: &Ledger, id: i64) -> anyhow::Result<Rule> {
    ledger
        .rules()?
        .into_iter()
        .find(|rule| rule.id == id)
        .ok_or_else(|| anyhow!("规则编号：找不到编号为 {id} 的规则（用 rules list 查看编号）"))
}

fn set_active(
    ledger: &mut Ledger,
    id: i64,
    is_active: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut rule = find_rule(ledger, id)?;
    rule.is_active = is_active;
    ledger.update_rule(&rule)?;
    writeln!(
        out,
        "已{}规则 {id}“{}”：{}",
        if is_active { "启用" } else { "停用" },
        rule.name,
        rule.check.describe()
    )?;
    Ok(())
}

/// "“住院慰问标准”（每次上限）：每次不超过 600.00 元，适用于 五必访 / 生病住院".
fn rule_text(rule: &Rule, chart: &Chart) -> String {
    format!(
        "“{}”（{}）：{}，适用于 {}",
        rule.name.trim(),
        rule.check.kind().label(),
        rule.check.describe(),
        category_labels(rule, chart).join("、")
    )
}

/// The duplicate guard in a sentence.
fn window_text(days: i64) -> String {
    if days <= 0 {
        format!("{DUPLICATE_GUARD}：已关闭")
    } else {
        format!("{DUPLICATE_GUARD}：同一会员同一类别 {days} 天内再次发放时提醒")
    }
}

/// Builds the rule `rules add` describes. Each kind takes only its own figures, so a
/// figure given to the wrong kind is refused rather than silently dropped.
fn rule_from_args(args: &RuleAddArgs, chart: &Chart) -> anyhow::Result<Rule> {
    let kind = parse_choice("--kind", &args.kind, RuleKind::parse, &RuleKind::expected())?;
    let wanted: &[&str] = match kind {
        RuleKind::PerEventCap | RuleKind::YearlyCap => &["--amount"],
        RuleKind::YearlyCount => &["--count"],
        RuleKind::PaymentForms => &["--forms"],
        RuleKind::ExcludedStatuses => &["--statuses"],
        _ => &[],
    };
    let given = [
        ("--amount", args.amount.is_some()),
        ("--count", args.count.is_some()),
        ("--forms", args.forms.is_some()),
        ("--statuses", args.statuses.is_some()),
    ];
    for (option, is_given) in given {
        if is_given && !wanted.contains(&option) {
            bail!("{option}：“{}”规则不用此项", kind.label());
        }
        if !is_given && wanted.contains(&option) {
            bail!("{option}：“{}”规则必须填写此项", kind.label());
        }
    }
    let amount = || -> anyhow::Result<i64> {
        parse_amount_option("--amount", args.amount.as_deref().unwrap_or(""))
    };
    let (option, check) = match kind {
        RuleKind::PerEventCap => ("--amount", RuleCheck::PerEventCap { cap_fen: amount()? }),
        RuleKind::YearlyCap => ("--amount", RuleCheck::YearlyCap { cap_fen: amount()? }),
        RuleKind::YearlyCount => (
            "--count",
            RuleCheck::YearlyCount {
                max_count: args.count.unwrap_or(0),
            },
        ),
        RuleKind::OncePerEvent => ("--kind", RuleCheck::OncePerEvent),
        RuleKind::PaymentForms => (
            "--forms",
            RuleCheck::PaymentForms {
                allowed: parse_each(
                    "--forms",
                    args.forms.as_deref(),
                    PaymentForm::parse,
                    &PaymentForm::expected(),
                )?,
            },
        ),
        RuleKind::UnionMembersOnly => ("--kind", RuleCheck::UnionMembersOnly),
        RuleKind::DuesPaid => ("--kind", RuleCheck::DuesPaid),
        RuleKind::WomenOnly => ("--kind", RuleCheck::WomenOnly),
        RuleKind::ExcludedStatuses => (
            "--statuses",
            RuleCheck::ExcludedStatuses {
                statuses: parse_each(
                    "--statuses",
                    args.statuses.as_deref(),
                    MemberStatus::parse,
                    &MemberStatus::expected(),
                )?,
            },
        ),
        RuleKind::HardshipFile => ("--kind", RuleCheck::HardshipFile),
    };
    check
        .validate()
        .map_err(|message| anyhow!("{option}：{message}"))?;
    let mut category_ids = Vec::new();
    for name in &args.categories {
        let id = chart.category("--category", name, false)?.id;
        if !category_ids.contains(&id) {
            category_ids.push(id);
        }
    }
    Ok(Rule {
        id: 0,
        name: args.name.trim().to_string(),
        category_ids,
        check,
        is_active: true,
    })
}

/// Parses every item of a list typed as one value, without repeats.
fn parse_each<T: PartialEq>(
    option: &str,
    text: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    expected: &str,
) -> anyhow::Result<Vec<T>> {
    let mut found = Vec::new();
    for item in split_list(text.unwrap_or("")) {
        let value = parse_choice(option, item, &parse, expected)?;
        if !found.contains(&value) {
            found.push(value);
        }
    }
    Ok(found)
}

/// The categories a rule covers, each as `组 / 明细` or a group's name.
fn category_labels(rule: &Rule, chart: &Chart) -> Vec<String> {
    rule.category_ids
        .iter()
        .map(|id| {
            chart
                .categories
                .iter()
                .find(|category| category.id == *id)
                .map_or_else(|| format!("#{id}"), |category| chart.item_label(category))
        })
        .collect()
}

/// A rule as `rules list --format json` writes it. Field names are stable.
#[derive(Debug, Serialize)]
struct RuleJson {
    id: i64,
    name: String,
    /// The kind's code, as `rules add --kind` takes it.
    kind: &'static str,
    kind_label: &'static str,
    categories: Vec<String>,
    description: String,
    is_active: bool,
}

#[derive(Debug, Serialize)]
struct RulesJson {
    rule_set_name: Option<String>,
    duplicate_window_days: i64,
    rules: Vec<RuleJson>,
}

fn list(ledger: &Ledger, format: OutputFormat, out: &mut dyn Write) -> anyhow::Result<()> {
    let chart = Chart::load(ledger)?;
    let stored = ledger.rules()?;
    let rules: Vec<RuleJson> = stored
        .iter()
        .map(|rule| RuleJson {
            id: rule.id,
            name: rule.name.clone(),
            kind: rule.check.kind().code(),
            kind_label: rule.check.kind().label(),
            categories: category_labels(rule, &chart),
            description: rule.check.describe(),
            is_active: rule.is_active,
        })
        .collect();
    let listing = RulesJson {
        rule_set_name: ledger.rule_set_name()?,
        duplicate_window_days: ledger.duplicate_window_days()?,
        rules,
    };
    match format {
        OutputFormat::Json => write_json(out, &listing),
        OutputFormat::Text => {
            writeln!(
                out,
                "规则来源：{}",
                listing
                    .rule_set_name
                    .as_deref()
                    .unwrap_or("自定义（未使用示例）")
            )?;
            writeln!(out, "{}", window_text(listing.duplicate_window_days))?;
            if listing.rules.is_empty() {
                writeln!(
                    out,
                    "尚未设置发放规则，录入时不做任何检查。可用 rules preset example-strict 从示例开始，再按本省规定核对。"
                )?;
                return Ok(());
            }
            // The categories come last: a rule over many holidays makes a long cell.
            let mut table = Table::new(&[
                ("编号", Align::Right),
                ("名称", Align::Left),
                ("类型", Align::Left),
                ("内容", Align::Left),
                ("状态", Align::Left),
                ("适用类别", Align::Left),
            ]);
            for (rule, stored) in listing.rules.iter().zip(&stored) {
                table.push(vec![
                    rule.id.to_string(),
                    rule.name.clone(),
                    rule.kind_label.to_string(),
                    rule.description.clone(),
                    if rule.is_active { "启用" } else { "停用" }.into(),
                    stored.scope_text(&chart.categories),
                ]);
            }
            write!(out, "{}", table.render())?;
            writeln!(out, "共 {} 条", listing.rules.len())?;
            Ok(())
        }
    }
}
