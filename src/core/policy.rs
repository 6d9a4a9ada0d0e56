//! The union's rules (policy): caps, frequencies, forms of payment and eligibility,
//! checked against a proposed payout and the member's earlier payouts. The rules are
//! data the union edits; nothing here knows a province's figures. A breach must be
//! overridden with a written reason; a warning (a possible duplicate) is only shown.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::core::date::format_date;
use crate::core::model::{Category, Gender, MemberDraft, MemberStatus, PaymentForm};
use crate::core::money::format_fen;

/// What a rule checks. Amounts are per payout or per member per calendar year of the
/// payout's date, over the rule's categories together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RuleCheck {
    /// At most this much for one payout.
    PerEventCap { cap_fen: i64 },
    /// At most this much to one member in a year, across the rule's categories.
    YearlyCap { cap_fen: i64 },
    /// At most this many payouts to one member in a year.
    YearlyCount { max_count: i64 },
    /// The same event (e.g. the same illness) paid at most once a year.
    OncePerEvent,
    /// Only these forms of payment.
    PaymentForms { allowed: Vec<PaymentForm> },
    /// Only union members.
    UnionMembersOnly,
    /// Only members whose dues are paid up.
    DuesPaid,
    /// Only women.
    WomenOnly,
    /// Not for members with these statuses (e.g. retirees paid by the employer).
    ExcludedStatuses { statuses: Vec<MemberStatus> },
    /// Only members with a hardship file.
    HardshipFile,
}

/// The kinds of rule, for choosing one in a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleKind {
    PerEventCap,
    YearlyCap,
    YearlyCount,
    OncePerEvent,
    PaymentForms,
    UnionMembersOnly,
    DuesPaid,
    WomenOnly,
    ExcludedStatuses,
    HardshipFile,
}

impl RuleKind {
    pub const ALL: &'static [RuleKind] = &[
        RuleKind::PerEventCap,
        RuleKind::YearlyCap,
        RuleKind::YearlyCount,
        RuleKind::OncePerEvent,
        RuleKind::PaymentForms,
        RuleKind::UnionMembersOnly,
        RuleKind::DuesPaid,
        RuleKind::WomenOnly,
        RuleKind::ExcludedStatuses,
        RuleKind::HardshipFile,
    ];

    /// The stable code used on the command line.
    pub fn code(self) -> &'static str {
        match self {
            RuleKind::PerEventCap => "per-event-cap",
            RuleKind::YearlyCap => "yearly-cap",
            RuleKind::YearlyCount => "yearly-count",
            RuleKind::OncePerEvent => "once-per-event",
            RuleKind::PaymentForms => "payment-forms",
            RuleKind::UnionMembersOnly => "members-only",
            RuleKind::DuesPaid => "dues-paid",
            RuleKind::WomenOnly => "women-only",
            RuleKind::ExcludedStatuses => "excluded-statuses",
            RuleKind::HardshipFile => "hardship-file",
        }
    }

    /// The Chinese label the clerk sees.
    pub fn label(self) -> &'static str {
        match self {
            RuleKind::PerEventCap => "每次上限",
            RuleKind::YearlyCap => "每人每年上限",
            RuleKind::YearlyCount => "每人每年次数",
            RuleKind::OncePerEvent => "同一事由每年一次",
            RuleKind::PaymentForms => "允许的发放方式",
            RuleKind::UnionMembersOnly => "仅限工会会员",
            RuleKind::DuesPaid => "须缴清会费",
            RuleKind::WomenOnly => "仅限女职工",
            RuleKind::ExcludedStatuses => "排除人员身份",
            RuleKind::HardshipFile => "须有困难职工档案",
        }
    }

    /// Parses a code or a label.
    pub fn parse(text: &str) -> Option<RuleKind> {
        let text = text.trim();
        RuleKind::ALL
            .iter()
            .copied()
            .find(|kind| kind.code() == text.to_lowercase() || kind.label() == text)
    }

    /// The accepted codes, for error messages.
    pub fn expected() -> String {
        RuleKind::ALL
            .iter()
            .map(|kind| format!("{}（{}）", kind.code(), kind.label()))
            .collect::<Vec<_>>()
            .join("、")
    }
}

impl RuleCheck {
    pub fn kind(&self) -> RuleKind {
        match self {
            RuleCheck::PerEventCap { .. } => RuleKind::PerEventCap,
            RuleCheck::YearlyCap { .. } => RuleKind::YearlyCap,
            RuleCheck::YearlyCount { .. } => RuleKind::YearlyCount,
            RuleCheck::OncePerEvent => RuleKind::OncePerEvent,
            RuleCheck::PaymentForms { .. } => RuleKind::PaymentForms,
            RuleCheck::UnionMembersOnly => RuleKind::UnionMembersOnly,
            RuleCheck::DuesPaid => RuleKind::DuesPaid,
            RuleCheck::WomenOnly => RuleKind::WomenOnly,
            RuleCheck::ExcludedStatuses { .. } => RuleKind::ExcludedStatuses,
            RuleCheck::HardshipFile => RuleKind::HardshipFile,
        }
    }

    /// What the rule says, in a short Chinese sentence ("每人每年不超过 1,500.00 元").
    pub fn describe(&self) -> String {
        match self {
            RuleCheck::PerEventCap { cap_fen } => format!("每次不超过 {} 元", format_fen(*cap_fen)),
            RuleCheck::YearlyCap { cap_fen } => {
                format!("每人每年合计不超过 {} 元", format_fen(*cap_fen))
            }
            RuleCheck::YearlyCount { max_count } => format!("每人每年不超过 {max_count} 次"),
            RuleCheck::OncePerEvent => "同一事由（如同一疾病）每年只发一次".to_string(),
            RuleCheck::PaymentForms { allowed } => format!("只允许{}", forms_text(allowed)),
            RuleCheck::UnionMembersOnly => "只发给工会会员".to_string(),
            RuleCheck::DuesPaid => "只发给会费已缴清的会员".to_string(),
            RuleCheck::WomenOnly => "只发给女职工".to_string(),
            RuleCheck::ExcludedStatuses { statuses } => format!(
                "{}人员不由工会经费发放",
                statuses
                    .iter()
                    .map(|status| status.label())
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            RuleCheck::HardshipFile => "只发给建有困难职工档案的会员".to_string(),
        }
    }

    /// Whether the rule compares a member's earlier payouts (and so needs the history).
    pub fn uses_history(&self) -> bool {
        matches!(
            self,
            RuleCheck::YearlyCap { .. } | RuleCheck::YearlyCount { .. } | RuleCheck::OncePerEvent
        )
    }

    /// Checks the figures a clerk typed; the message names what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            RuleCheck::PerEventCap { cap_fen } | RuleCheck::YearlyCap { cap_fen }
                if *cap_fen <= 0 =>
            {
                Err("上限金额必须大于 0".to_string())
            }
            RuleCheck::YearlyCount { max_count } if *max_count <= 0 => {
                Err("次数必须至少为 1".to_string())
            }
            RuleCheck::PaymentForms { allowed } if allowed.is_empty() => {
                Err("至少选择一种发放方式".to_string())
            }
            RuleCheck::ExcludedStatuses { statuses } if statuses.is_empty() => {
                Err("至少选择一种人员身份".to_string())
            }
            _ => Ok(()),
        }
    }
}

fn forms_text(forms: &[PaymentForm]) -> String {
    forms
        .iter()
        .map(|form| form.label())
        .collect::<Vec<_>>()
        .join("、")
}

/// One rule of the union's rule set, applying to a set of categories. A category group
/// in `category_ids` covers all its items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub id: i64,
    pub name: String,
    pub category_ids: Vec<i64>,
    pub check: RuleCheck,
    pub is_active: bool,
}

impl Rule {
    /// The categories the rule covers, as names ("节日慰问、生日").
    pub fn scope_text(&self, categories: &[Category]) -> String {
        self.category_ids
            .iter()
            .map(|id| {
                categories
                    .iter()
                    .find(|category| category.id == *id)
                    .map(|category| category.name.clone())
                    .unwrap_or_else(|| format!("#{id}"))
            })
            .collect::<Vec<_>>()
            .join("、")
    }
}

/// Whether `category_id` is one of `scope` or an item of a group in it.
pub fn covers(scope: &[i64], categories: &[Category], category_id: i64) -> bool {
    scope.contains(&category_id)
        || categories
            .iter()
            .find(|category| category.id == category_id)
            .and_then(|category| category.parent_id)
            .is_some_and(|parent| scope.contains(&parent))
}

/// A payout the clerk is about to record.
#[derive(Debug, Clone, Copy)]
pub struct Payout<'a> {
    pub category_id: i64,
    pub member: Option<&'a MemberDraft>,
    pub date: NaiveDate,
    pub amount_fen: i64,
    pub payment_form: PaymentForm,
    /// What the payout is for, when it names an event (the illness, the relative who
    /// died); compared by the once-per-event rule.
    pub event: &'a str,
}

/// A payout already in the books for the same member (not reversed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastPayout {
    pub entry_id: i64,
    pub voucher_no: String,
    pub date: NaiveDate,
    pub category_id: i64,
    pub amount_fen: i64,
    pub event: String,
}

/// How serious a finding is: a breach needs a written reason to save anyway; a
/// warning is shown and the clerk decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Breach,
    Warning,
}

/// What the check found, with the numbers, in the clerk's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The rule broken (`None` for the duplicate guard, which is not an edited rule).
    pub rule_id: Option<i64>,
    pub rule_name: String,
    pub severity: Severity,
    pub message: String,
    /// The earlier entry the finding is about, if any.
    pub earlier_entry_id: Option<i64>,
}

impl Finding {
    pub fn is_breach(&self) -> bool {
        self.severity == Severity::Breach
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "【{}】{}", self.rule_name, self.message)
    }
}

/// The rule set and what it is checked against.
#[derive(Debug, Clone, Copy)]
pub struct Policy<'a> {
    pub rules: &'a [Rule],
    pub categories: &'a [Category],
    /// Payouts to the same member in the same category this many days apart or closer
    /// are flagged as possible duplicates; 0 turns the guard off.
    pub duplicate_window_days: i64,
}

/// The name of the duplicate guard in findings.
pub const DUPLICATE_GUARD: &str = "重复发放提醒";

/// The default duplicate window, in days.
pub const DEFAULT_DUPLICATE_WINDOW_DAYS: i64 = 30;

impl Policy<'_> {
    /// Checks a payout against every active rule covering its category and against the
    /// member's earlier payouts. `history` holds the member's payouts (any category,
    /// reversed ones left out); only those that matter are looked at. Findings come
    /// breaches first, in rule order.
    pub fn check(&self, payout: &Payout<'_>, history: &[PastPayout]) -> Vec<Finding> {
        let mut findings = Vec::new();
        for rule in self.rules.iter().filter(|rule| {
            rule.is_active && covers(&rule.category_ids, self.categories, payout.category_id)
        }) {
            if let Some((message, earlier)) = self.breach(rule, payout, history) {
                findings.push(Finding {
                    rule_id: Some(rule.id),
                    rule_name: rule.name.clone(),
                    severity: Severity::Breach,
                    message,
                    earlier_entry_id: earlier,
                });
            }
        }
        if let Some(finding) = self.duplicate(payout, history) {
            findings.push(finding);
        }
        findings
    }

    /// The categories whose earlier payouts matter for a payout in `category_id`: the
    /// category itself (duplicates) and every category sharing a history rule with it.
    pub fn history_categories(&self, category_id: i64) -> Vec<i64> {
        let mut wanted: HashSet<i64> = HashSet::from([category_id]);
        for rule in self.rules.iter().filter(|rule| {
            rule.is_active
                && rule.check.uses_history()
                && covers(&rule.category_ids, self.categories, category_id)
        }) {
            for category in self.categories {
                if covers(&rule.category_ids, self.categories, category.id) {
                    wanted.insert(category.id);
                }
            }
        }
        let mut wanted: Vec<i64> = wanted.into_iter().collect();
        wanted.sort_unstable();
        wanted
    }

    fn breach(
        &self,
        rule: &Rule,
        payout: &Payout<'_>,
        history: &[PastPayout],
    ) -> Option<(String, Option<i64>)> {
        let same_year = |past: &&PastPayout| {
            past.date.year() == payout.date.year()
                && covers(&rule.category_ids, self.categories, past.category_id)
        };
        let name = payout
            .member
            .map(|member| member.name.as_str())
            .unwrap_or("");
        match &rule.check {
            RuleCheck::PerEventCap { cap_fen } => (payout.amount_fen > *cap_fen).then(|| {
                (
                    format!(
                        "本次 {} 元超过每次上限 {} 元，超出 {} 元",
                        format_fen(payout.amount_fen),
                        format_fen(*cap_fen),
                        format_fen(payout.amount_fen - cap_fen)
                    ),
                    None,
                )
            }),
            RuleCheck::YearlyCap { cap_fen } => {
                payout.member?;
                let paid: i64 = history.iter().filter(same_year).map(|p| p.amount_fen).sum();
                let after = paid.saturating_add(payout.amount_fen);
                (after > *cap_fen).then(|| {
                    (
                        format!(
                            "{name}本年{}已发 {} 元，上限 {} 元，本次 {} 元将超出 {} 元",
                            rule.scope_text(self.categories),
                            format_fen(paid),
                            format_fen(*cap_fen),
                            format_fen(payout.amount_fen),
                            format_fen(after - cap_fen)
                        ),
                        None,
                    )
                })
            }
            RuleCheck::YearlyCount { max_count } => {
                payout.member?;
                let mut earlier: Vec<&PastPayout> = history.iter().filter(same_year).collect();
                earlier.sort_by_key(|past| (past.date, past.entry_id));
                (earlier.len() as i64 >= *max_count).then(|| {
                    let listed = earlier
                        .iter()
                        .map(|past| format!("{}（{}）", past.voucher_no, format_date(past.date)))
                        .collect::<Vec<_>>()
                        .join("、");
                    (
                        format!(
                            "{name}本年{}已领 {} 次：{listed}；每年最多 {max_count} 次",
                            rule.scope_text(self.categories),
                            earlier.len()
                        ),
                        earlier.last().map(|past| past.entry_id),
                    )
                })
            }
            RuleCheck::OncePerEvent => {
                payout.member?;
                let event = payout.event.trim();
                if event.is_empty() {
                    return None;
                }
                history
                    .iter()
                    .filter(same_year)
                    .find(|past| past.event.trim() == event)
                    .map(|past| {
                        (
                            format!(
                                "{name}本年已因“{event}”领过（凭证 {}，{}，{} 元），同一事由每年只发一次",
                                past.voucher_no,
                                format_date(past.date),
                                format_fen(past.amount_fen)
                            ),
                            Some(past.entry_id),
                        )
                    })
            }
            RuleCheck::PaymentForms { allowed } => {
                (!allowed.contains(&payout.payment_form)).then(|| {
                    (
                        format!(
                            "发放方式为“{}”，该类别只允许{}",
                            payout.payment_form.label(),
                            forms_text(allowed)
                        ),
                        None,
                    )
                })
            }
            RuleCheck::UnionMembersOnly => {
                let member = payout.member?;
                (!member.is_union_member)
                    .then(|| (format!("{}不是工会会员，不享受会员福利", member.name), None))
            }
            RuleCheck::DuesPaid => {
                let member = payout.member?;
                (!member.dues_paid).then(|| (format!("{}的会费未缴清", member.name), None))
            }
            RuleCheck::WomenOnly => {
                let member = payout.member?;
                match member.gender {
                    Some(Gender::Female) => None,
                    Some(Gender::Male) => {
                        Some((format!("仅限女职工，{}登记为男", member.name), None))
                    }
                    None => Some((format!("仅限女职工，{}的性别未登记", member.name), None)),
                }
            }
            RuleCheck::ExcludedStatuses { statuses } => {
                let member = payout.member?;
                statuses.contains(&member.status).then(|| {
                    (
                        format!(
                            "{}为{}人员，{}",
                            member.name,
                            member.status.label(),
                            rule.check.describe()
                        ),
                        None,
                    )
                })
            }
            RuleCheck::HardshipFile => {
                let member = payout.member?;
                member
                    .hardship
                    .is_none()
                    .then(|| (format!("{}没有困难职工档案", member.name), None))
            }
        }
    }

    fn duplicate(&self, payout: &Payout<'_>, history: &[PastPayout]) -> Option<Finding> {
        if self.duplicate_window_days <= 0 {
            return None;
        }
        let member = payout.member?;
        history
            .iter()
            .filter(|past| {
                past.category_id == payout.category_id
                    && (past.date - payout.date).num_days().abs() <= self.duplicate_window_days
            })
            .min_by_key(|past| ((past.date - payout.date).num_days().abs(), past.entry_id))
            .map(|past| {
                let category = self
                    .categories
                    .iter()
                    .find(|category| category.id == payout.category_id)
                    .map(|category| category.name.as_str())
                    .unwrap_or("");
                Finding {
                    rule_id: None,
                    rule_name: DUPLICATE_GUARD.to_string(),
                    severity: Severity::Warning,
                    message: format!(
                        "{}在 {} 已领过“{category}”（凭证 {}，{} 元），相隔 {} 天，请确认不是重复发放",
                        member.name,
                        format_date(past.date),
                        past.voucher_no,
                        format_fen(past.amount_fen),
                        (past.date - payout.date).num_days().abs()
                    ),
                    earlier_entry_id: Some(past.entry_id),
                }
            })
    }
}

/// A rule in a shipped preset, naming categories (groups or items) by name so it can be
/// applied to any ledger's chart.
#[derive(Debug, Clone)]
pub struct PresetRule {
    pub name: &'static str,
    pub categories: &'static [&'static str],
    pub check: RuleCheck,
}

/// A shipped rule set: an example to check against the province's current rules.
#[derive(Debug, Clone)]
pub struct Preset {
    pub code: &'static str,
    pub name: &'static str,
    pub rules: Vec<PresetRule>,
}

fn rule(name: &'static str, categories: &'static [&'static str], check: RuleCheck) -> PresetRule {
    PresetRule {
        name,
        categories,
        check,
    }
}

fn yuan(yuan: i64) -> i64 {
    yuan * 100
}

/// The shipped presets: two examples built from the figures seen in provincial rules,
/// and an empty set. Every name says it is an example.
pub fn presets() -> Vec<Preset> {
    use MemberStatus::{Retired, Veteran};
    use PaymentForm::{Goods, GoodsVoucher};
    let common = |holiday_cap: i64, hospital_cap: i64| {
        vec![
            rule(
                "节日慰问年度上限",
                &["节日慰问"],
                RuleCheck::YearlyCap {
                    cap_fen: yuan(holiday_cap),
                },
            ),
            rule(
                "节日慰问只发实物",
                &["节日慰问"],
                RuleCheck::PaymentForms {
                    allowed: vec![Goods, GoodsVoucher],
                },
            ),
            rule(
                "生日慰问标准",
                &["生日"],
                RuleCheck::PerEventCap { cap_fen: yuan(300) },
            ),
            rule(
                "生日慰问只发实物",
                &["生日"],
                RuleCheck::PaymentForms {
                    allowed: vec![Goods, GoodsVoucher],
                },
            ),
            rule(
                "住院慰问标准",
                &["生病住院"],
                RuleCheck::PerEventCap {
                    cap_fen: yuan(hospital_cap),
                },
            ),
            rule(
                "住院慰问每年两次",
                &["生病住院"],
                RuleCheck::YearlyCount { max_count: 2 },
            ),
            rule("同一疾病每年一次", &["生病住院"], RuleCheck::OncePerEvent),
            rule(
                "本人去世慰问标准",
                &["本人去世"],
                RuleCheck::PerEventCap {
                    cap_fen: yuan(3000),
                },
            ),
            rule(
                "直系亲属去世慰问标准",
                &["直系亲属去世"],
                RuleCheck::PerEventCap {
                    cap_fen: yuan(1000),
                },
            ),
            rule(
                "退休慰问发纪念品",
                &["退休"],
                RuleCheck::PaymentForms {
                    allowed: vec![Goods],
                },
            ),
            rule("三八节仅限女职工", &["三八妇女节"], RuleCheck::WomenOnly),
            rule(
                "困难帮扶须有档案",
                &["困难帮扶", "困难"],
                RuleCheck::HardshipFile,
            ),
            rule(
                "会员福利仅限会员",
                &["五必访", "节日慰问"],
                RuleCheck::UnionMembersOnly,
            ),
        ]
    };
    let mut strict = common(1500, 1000);
    strict.extend([
        rule(
            "结婚慰问标准",
            &["结婚"],
            RuleCheck::PerEventCap { cap_fen: yuan(500) },
        ),
        rule(
            "生育慰问标准",
            &["生育"],
            RuleCheck::PerEventCap { cap_fen: yuan(500) },
        ),
        rule(
            "退休慰问标准",
            &["退休"],
            RuleCheck::PerEventCap { cap_fen: yuan(500) },
        ),
        rule("节日慰问须缴清会费", &["节日慰问"], RuleCheck::DuesPaid),
        rule(
            "退休人员节日福利由单位发放",
            &[
                "元旦",
                "春节",
                "清明",
                "劳动节",
                "端午",
                "中秋",
                "国庆",
                "防暑降温",
            ],
            RuleCheck::ExcludedStatuses {
                statuses: vec![Retired, Veteran],
            },
        ),
    ]);
    let mut generous = common(2000, 2000);
    generous.extend([
        rule(
            "结婚慰问标准",
            &["结婚"],
            RuleCheck::PerEventCap {
                cap_fen: yuan(2000),
            },
        ),
        rule(
            "生育慰问标准",
            &["生育"],
            RuleCheck::PerEventCap {
                cap_fen: yuan(1000),
            },
        ),
        rule(
            "退休慰问标准",
            &["退休"],
            RuleCheck::PerEventCap {
                cap_fen: yuan(1000),
            },
        ),
    ]);
    vec![
        Preset {
            code: "example-strict",
            name: "示例一：节日 1,500 元/年，住院 1,000 元（请按本省现行规定核对）",
            rules: strict,
        },
        Preset {
            code: "example-generous",
            name: "示例二：节日 2,000 元/年，住院 2,000 元（请按本省现行规定核对）",
            rules: generous,
        },
        Preset {
            code: "empty",
            name: "空规则集（不做任何检查）",
            rules: Vec::new(),
        },
    ]
}

/// Resolves a preset against a chart: each rule's category names become ids (a name
/// matches a group or an item; items are preferred when a group has the same name, as
/// 困难 under 五必访 and the group 困难帮扶 differ). Names the chart lacks are
/// returned so the clerk is told; a rule left with no category is dropped.
pub fn resolve_preset(preset: &Preset, categories: &[Category]) -> (Vec<Rule>, Vec<String>) {
    let mut missing = Vec::new();
    let mut rules = Vec::new();
    for preset_rule in &preset.rules {
        let mut ids = Vec::new();
        for name in preset_rule.categories {
            let mut matches: Vec<&Category> = categories
                .iter()
                .filter(|category| category.name == *name)
                .collect();
            matches.sort_by_key(|category| (category.parent_id.is_none(), category.id));
            match matches.first() {
                Some(category) => ids.push(category.id),
                None => missing.push((*name).to_string()),
            }
        }
        if !ids.is_empty() {
            rules.push(Rule {
                id: 0,
                name: preset_rule.name.to_string(),
                category_ids: ids,
                check: preset_rule.check.clone(),
                is_active: true,
            });
        }
    }
    missing.sort();
    missing.dedup();
    (rules, missing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::HardshipFile;

    fn category(id: i64, parent_id: Option<i64>, name: &str) -> Category {
        Category {
            id,
            parent_id,
            name: name.to_string(),
            default_fund_id: Some(1),
            standard_amount_fen: None,
            account_code: String::new(),
            default_payment_form: None,
            requires_member: true,
            is_active: true,
            sort_order: 0,
        }
    }

    fn chart() -> Vec<Category> {
        vec![
            category(1, None, "节日慰问"),
            category(2, Some(1), "春节"),
            category(3, Some(1), "中秋"),
            category(4, None, "五必访"),
            category(5, Some(4), "生病住院"),
            category(6, Some(1), "三八妇女节"),
        ]
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn past(id: i64, day: &str, category_id: i64, yuan: i64, event: &str) -> PastPayout {
        PastPayout {
            entry_id: id,
            voucher_no: format!("2026-{id:06}"),
            date: date(day),
            category_id,
            amount_fen: yuan * 100,
            event: event.to_string(),
        }
    }

    fn one_rule(check: RuleCheck, scope: Vec<i64>) -> Vec<Rule> {
        vec![Rule {
            id: 7,
            name: "测试规则".to_string(),
            category_ids: scope,
            check,
            is_active: true,
        }]
    }

    fn payout<'a>(member: &'a MemberDraft, category_id: i64, yuan: i64) -> Payout<'a> {
        Payout {
            category_id,
            member: Some(member),
            date: date("2026-09-20"),
            amount_fen: yuan * 100,
            payment_form: PaymentForm::Goods,
            event: "",
        }
    }

    #[test]
    fn yearly_cap_names_paid_cap_and_excess() {
        let chart = chart();
        let rules = one_rule(RuleCheck::YearlyCap { cap_fen: 150_000 }, vec![1]);
        let policy = Policy {
            rules: &rules,
            categories: &chart,
            duplicate_window_days: 0,
        };
        let member = MemberDraft::new("001", "张三");
        let history = vec![
            past(1, "2026-02-01", 2, 800, ""),
            past(2, "2026-05-01", 3, 500, ""),
            // Last year's payout does not count.
            past(3, "2025-09-01", 3, 900, ""),
            // Nor does another group's.
            past(4, "2026-03-01", 5, 900, ""),
        ];
        let findings = policy.check(&payout(&member, 3, 300), &history);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "张三本年节日慰问已发 1,300.00 元，上限 1,500.00 元，本次 300.00 元将超出 100.00 元"
        );
        assert!(findings[0].is_breach());
        assert!(policy.check(&payout(&member, 3, 200), &history).is_empty());
    }

    #[test]
    fn per_event_cap_and_forms() {
        let chart = chart();
        let mut rules = one_rule(RuleCheck::PerEventCap { cap_fen: 100_000 }, vec![5]);
        rules.push(Rule {
            id: 8,
            name: "节日只发实物".to_string(),
            category_ids: vec![1],
            check: RuleCheck::PaymentForms {
                allowed: vec![PaymentForm::Goods, PaymentForm::GoodsVoucher],
            },
            is_active: true,
        });
        let policy = Policy {
            rules: &rules,
            categories: &chart,
            duplicate_window_days: 0,
        };
        let member = MemberDraft::new("001", "张三");
        let findings = policy.check(&payout(&member, 5, 1200), &[]);
        assert_eq!(
            findings[0].message,
            "本次 1,200.00 元超过每次上限 1,000.00 元，超出 200.00 元"
        );
        let mut cash = payout(&member, 2, 100);
        cash.payment_form = PaymentForm::Cash;
        assert_eq!(
            policy.check(&cash, &[])[0].message,
            "发放方式为“现金”，该类别只允许实物、提货券"
        );
        assert!(policy.check(&payout(&member, 2, 100), &[]).is_empty());
    }

    #[test]
    fn counts_and_same_illness() {
        let chart = chart();
        let mut rules = one_rule(RuleCheck::YearlyCount { max_count: 2 }, vec![5]);
        rules.push(Rule {
            id: 9,
            name: "同一疾病".to_string(),
            category_ids: vec![5],
            check: RuleCheck::OncePerEvent,
            is_active: true,
        });
        let policy = Policy {
            rules: &rules,
            categories: &chart,
            duplicate_window_days: 0,
        };
        let member = MemberDraft::new("001", "张三");
        let mut hospital = payout(&member, 5, 500);
        hospital.event = "肺炎";
        let one = vec![past(11, "2026-03-05", 5, 500, "肺炎")];
        let findings = policy.check(&hospital, &one);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "张三本年已因“肺炎”领过（凭证 2026-000011，2026-03-05，500.00 元），同一事由每年只发一次"
        );
        assert_eq!(findings[0].earlier_entry_id, Some(11));
        let two = vec![
            past(11, "2026-03-05", 5, 500, "骨折"),
            past(12, "2026-06-01", 5, 500, "阑尾炎"),
        ];
        let findings = policy.check(&hospital, &two);
        assert_eq!(
            findings[0].message,
            "张三本年生病住院已领 2 次：2026-000011（2026-03-05）、2026-000012（2026-06-01）；每年最多 2 次"
        );
    }

    #[test]
    fn eligibility_rules_name_the_member() {
        let chart = chart();
        let mut member = MemberDraft::new("001", "李四");
        member.gender = Some(Gender::Male);
        member.is_union_member = false;
        member.dues_paid = false;
        member.status = MemberStatus::Retired;
        let cases = [
            (RuleCheck::WomenOnly, "仅限女职工，李四登记为男"),
            (
                RuleCheck::UnionMembersOnly,
                "李四不是工会会员，不享受会员福利",
            ),
            (RuleCheck::DuesPaid, "李四的会费未缴清"),
            (
                RuleCheck::ExcludedStatuses {
                    statuses: vec![MemberStatus::Retired],
                },
                "李四为退休人员，退休人员不由工会经费发放",
            ),
            (RuleCheck::HardshipFile, "李四没有困难职工档案"),
        ];
        for (check, message) in cases {
            let rules = one_rule(check, vec![1, 4]);
            let policy = Policy {
                rules: &rules,
                categories: &chart,
                duplicate_window_days: 0,
            };
            let findings = policy.check(&payout(&member, 6, 100), &[]);
            assert_eq!(findings.len(), 1, "{message}");
            assert_eq!(findings[0].message, message);
        }
        let mut woman = MemberDraft::new("002", "王芳");
        woman.gender = Some(Gender::Female);
        woman.hardship = Some(HardshipFile {
            level: crate::core::model::HardshipLevel::Deep,
            reason: "重病".to_string(),
            reviewed_on: None,
        });
        for check in [
            RuleCheck::WomenOnly,
            RuleCheck::HardshipFile,
            RuleCheck::DuesPaid,
        ] {
            let rules = one_rule(check, vec![1]);
            let policy = Policy {
                rules: &rules,
                categories: &chart,
                duplicate_window_days: 0,
            };
            assert!(policy.check(&payout(&woman, 6, 100), &[]).is_empty());
        }
    }

    #[test]
    fn inactive_rules_and_other_categories_are_ignored() {
        let chart = chart();
        let mut rules = one_rule(RuleCheck::PerEventCap { cap_fen: 100 }, vec![5]);
        let member = MemberDraft::new("001", "张三");
        let policy = Policy {
            rules: &rules,
            categories: &chart,
            duplicate_window_days: 0,
        };
        assert!(policy.check(&payout(&member, 2, 500), &[]).is_empty());
        rules[0].is_active = false;
        let policy = Policy {
            rules: &rules,
            categories: &chart,
            duplicate_window_days: 0,
        };
        assert!(policy.check(&payout(&member, 5, 500), &[]).is_empty());
    }

    #[test]
    fn duplicate_guard_warns_within_the_window() {
        let chart = chart();
        let policy = Policy {
            rules: &[],
            categories: &chart,
            duplicate_window_days: 30,
        };
        let member = MemberDraft::new("001", "张三");
        let history = vec![
            past(20, "2026-09-01", 3, 300, ""),
            past(21, "2026-06-01", 3, 300, ""),
        ];
        let findings = policy.check(&payout(&member, 3, 300), &history);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].severity, Severity::Warning);
        assert_eq!(
            findings[0].message,
            "张三在 2026-09-01 已领过“中秋”（凭证 2026-000020，300.00 元），相隔 19 天，请确认不是重复发放"
        );
        let policy = Policy {
            duplicate_window_days: 10,
            ..policy
        };
        assert!(policy.check(&payout(&member, 3, 300), &history).is_empty());
    }

    #[test]
    fn presets_resolve_against_the_seed_chart_names() {
        let mut chart = chart();
        chart.push(category(10, Some(4), "困难"));
        chart.push(category(11, None, "困难帮扶"));
        let presets = presets();
        assert!(
            presets
                .iter()
                .all(|preset| preset.name.contains("示例") || preset.code == "empty")
        );
        let (rules, missing) = resolve_preset(&presets[0], &chart);
        let cap = rules
            .iter()
            .find(|rule| rule.name == "节日慰问年度上限")
            .unwrap();
        assert_eq!(cap.category_ids, vec![1]);
        assert!(missing.contains(&"生日".to_string()));
        let hardship = rules
            .iter()
            .find(|rule| rule.name == "困难帮扶须有档案")
            .unwrap();
        assert_eq!(hardship.category_ids, vec![11, 10]);
        for rule in &rules {
            rule.check.validate().unwrap();
        }
    }
}
