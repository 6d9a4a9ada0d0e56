//! 互助保障 › 计划: the plans in force and a form to add one, with its eligibility and
//! its benefit rules added one at a time.

use crate::core::date::{format_date, parse_date};
use crate::core::insurance::{BenefitRule, Plan, PlanDraft, PlanEligibility, Tier, yuan};
use crate::core::model::{Gender, MemberStatus};
use crate::core::money::parse_amount_fen;
use crate::ui::command::Command;
use crate::ui::data::LedgerData;
use crate::ui::screens::insurance::InsuranceCommand;
use crate::ui::widgets::{gender_combo, id_combo, status_checkboxes};

/// The fund a new plan pays from unless the clerk picks another.
const INSURANCE_FUND: &str = "互助保障金";

/// The kinds of benefit rule, as the form offers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BenefitKind {
    #[default]
    Ratio,
    PerDay,
    LumpSum,
    Tiers,
    Offset,
}

impl BenefitKind {
    pub const ALL: [BenefitKind; 5] = [
        BenefitKind::Ratio,
        BenefitKind::PerDay,
        BenefitKind::LumpSum,
        BenefitKind::Tiers,
        BenefitKind::Offset,
    ];

    pub fn label(self) -> &'static str {
        match self {
            BenefitKind::Ratio => "按比例",
            BenefitKind::PerDay => "住院津贴（按天）",
            BenefitKind::LumpSum => "一次性给付",
            BenefitKind::Tiers => "按诊断等级",
            BenefitKind::Offset => "扣除其他补助",
        }
    }
}

/// One benefit rule as typed: only the fields of the chosen kind are used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BenefitForm {
    pub kind: BenefitKind,
    pub ratio: String,
    pub deductible: String,
    pub cap_per_claim: String,
    pub cap_per_period: String,
    pub per_day: String,
    pub over_days: String,
    pub cap: String,
    pub amount: String,
    pub no_pay_days: String,
    pub reduced_days: String,
    pub reduced_amount: String,
    /// Grade and amount in 元, one row per grade.
    pub tiers: Vec<(String, String)>,
}

/// A percentage typed like "50", "12.5" or "12.5%", in basis points.
pub fn parse_percent_bp(text: &str) -> Result<i64, String> {
    let text = text.trim().trim_end_matches(['%', '％']).trim();
    if text.is_empty() {
        return Err("请填写百分比，如 50 或 12.5".to_string());
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |part: &str| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || !(fraction.is_empty() || digits(fraction)) || fraction.len() > 2 {
        return Err(format!(
            "“{text}”不是百分比，请写成 50 或 12.5（最多两位小数）"
        ));
    }
    let whole: i64 = whole
        .parse()
        .map_err(|_| format!("“{text}”太大，比例最多 100"))?;
    let fraction: i64 = format!("{fraction:0<2}").parse().unwrap_or(0);
    whole
        .checked_mul(100)
        .and_then(|bp| bp.checked_add(fraction))
        .ok_or_else(|| format!("“{text}”太大，比例最多 100"))
}

/// An amount in 元 that must be filled in.
fn amount(text: &str, field: &str) -> Result<i64, String> {
    if text.trim().is_empty() {
        return Err(format!("{field}：必须填写（元）"));
    }
    parse_amount_fen(text).map_err(|e| format!("{field}：{e}"))
}

/// An amount in 元 that may be left blank (no cap).
fn optional_amount(text: &str, field: &str) -> Result<Option<i64>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    amount(text, field).map(Some)
}

/// A whole number of days (blank is 0).
fn days(text: &str, field: &str) -> Result<i64, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(0);
    }
    text.parse::<i64>()
        .ok()
        .filter(|days| *days >= 0)
        .ok_or_else(|| format!("{field}：“{text}”不是天数，请填写整数"))
}

fn age(text: &str, field: &str) -> Result<Option<u32>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<u32>()
        .ok()
        .filter(|age| *age <= 120)
        .map(Some)
        .ok_or_else(|| format!("{field}：“{text}”不是年龄，请填写 0 到 120 的整数"))
}

impl BenefitForm {
    /// The rule typed, or which field is wrong.
    pub fn build(&self) -> Result<BenefitRule, String> {
        let rule = match self.kind {
            BenefitKind::Ratio => BenefitRule::Ratio {
                ratio_bp: parse_percent_bp(&self.ratio).map_err(|e| format!("赔付比例：{e}"))?,
                deductible_fen: optional_amount(&self.deductible, "起付线")?.unwrap_or(0),
                cap_per_claim_fen: optional_amount(&self.cap_per_claim, "每次封顶")?,
                cap_per_period_fen: optional_amount(&self.cap_per_period, "每期封顶")?,
            },
            BenefitKind::PerDay => BenefitRule::PerDay {
                per_day_fen: amount(&self.per_day, "每天金额")?,
                over_days: days(&self.over_days, "住院超过天数")?,
                cap_fen: optional_amount(&self.cap, "封顶")?,
            },
            BenefitKind::LumpSum => BenefitRule::LumpSum {
                amount_fen: amount(&self.amount, "给付金额")?,
                no_pay_days: days(&self.no_pay_days, "等待期")?,
                reduced_days: days(&self.reduced_days, "减额期")?,
                reduced_fen: optional_amount(&self.reduced_amount, "减额给付金额")?.unwrap_or(0),
            },
            BenefitKind::Tiers => {
                let mut tiers = Vec::new();
                for (grade, fen) in &self.tiers {
                    if grade.trim().is_empty() && fen.trim().is_empty() {
                        continue;
                    }
                    if grade.trim().is_empty() {
                        return Err("诊断等级：等级名称不能为空".to_string());
                    }
                    tiers.push(Tier {
                        grade: grade.trim().to_string(),
                        amount_fen: amount(fen, &format!("“{}”的金额", grade.trim()))?,
                    });
                }
                BenefitRule::Tiers { tiers }
            }
            BenefitKind::Offset => BenefitRule::Offset,
        };
        rule.validate().map_err(|e| format!("赔付规则：{e}"))?;
        Ok(rule)
    }

    fn ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            for kind in BenefitKind::ALL {
                ui.selectable_value(&mut self.kind, kind, kind.label());
            }
        });
        let field = |ui: &mut egui::Ui, label: &str, value: &mut String, hint: &str| {
            ui.label(label);
            ui.add(
                egui::TextEdit::singleline(value)
                    .hint_text(hint)
                    .desired_width(140.0),
            );
            ui.end_row();
        };
        egui::Grid::new("insurance_benefit_grid")
            .num_columns(2)
            .spacing([10.0, 6.0])
            .show(ui, |ui| match self.kind {
                BenefitKind::Ratio => {
                    field(ui, "赔付比例（%）", &mut self.ratio, "比例，如 50 或 12.5");
                    field(ui, "起付线（元）", &mut self.deductible, "起付线，如 1000");
                    field(
                        ui,
                        "每次封顶（元）",
                        &mut self.cap_per_claim,
                        "每次封顶，可不填",
                    );
                    field(
                        ui,
                        "每期封顶（元）",
                        &mut self.cap_per_period,
                        "每期封顶，可不填",
                    );
                }
                BenefitKind::PerDay => {
                    field(ui, "每天（元）", &mut self.per_day, "每天金额，如 50");
                    field(ui, "住院超过（天）", &mut self.over_days, "超过天数，如 3");
                    field(ui, "封顶（元）", &mut self.cap, "津贴封顶，可不填");
                }
                BenefitKind::LumpSum => {
                    field(ui, "给付金额（元）", &mut self.amount, "给付金额，如 15000");
                    field(ui, "等待期（天）", &mut self.no_pay_days, "等待期，如 30");
                    field(
                        ui,
                        "减额期至（天）",
                        &mut self.reduced_days,
                        "减额期，如 90",
                    );
                    field(
                        ui,
                        "减额给付（元）",
                        &mut self.reduced_amount,
                        "减额给付金额",
                    );
                }
                BenefitKind::Tiers => {
                    if self.tiers.is_empty() {
                        self.tiers.push(Default::default());
                    }
                    let mut removed = None;
                    for (position, (grade, fen)) in self.tiers.iter_mut().enumerate() {
                        ui.add(
                            egui::TextEdit::singleline(grade)
                                .hint_text(format!("第 {} 个等级名称", position + 1))
                                .desired_width(120.0),
                        );
                        ui.horizontal(|ui| {
                            ui.add(
                                egui::TextEdit::singleline(fen)
                                    .hint_text(format!("第 {} 个等级金额（元）", position + 1))
                                    .desired_width(140.0),
                            );
                            if ui.small_button("删除").clicked() {
                                removed = Some(position);
                            }
                        });
                        ui.end_row();
                    }
                    if let Some(position) = removed {
                        self.tiers.remove(position);
                    }
                    ui.label("");
                    if ui.small_button("再加一个等级").clicked() {
                        self.tiers.push(Default::default());
                    }
                    ui.end_row();
                }
                BenefitKind::Offset => {
                    ui.weak("同一疾病已获的其他工会补助从赔付中扣除。");
                    ui.end_row();
                }
            });
    }
}

/// The add-a-plan form, every field as typed.
#[derive(Debug, Clone, Default)]
pub struct PlanForm {
    pub name: String,
    pub society: String,
    pub starts_on: String,
    pub ends_on: String,
    pub premium_union: String,
    pub premium_worker: String,
    pub enrol_from: String,
    pub enrol_until: String,
    pub claim_days: String,
    pub fund_id: Option<i64>,
    pub statuses: Vec<MemberStatus>,
    pub gender: Option<Gender>,
    pub min_age: String,
    pub max_age: String,
    pub benefits: Vec<BenefitRule>,
    pub benefit: BenefitForm,
    pub benefit_error: Option<String>,
    pub error: Option<String>,
    /// The form is shown (the list alone otherwise).
    pub open: bool,
}

impl PlanForm {
    /// The plan the form describes, or which field is wrong.
    pub fn draft(&self) -> Result<PlanDraft, String> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err("计划名称：必须填写".to_string());
        }
        let date = |text: &str, field: &str| {
            if text.trim().is_empty() {
                return Err(format!("{field}：必须填写"));
            }
            parse_date(text).map_err(|e| format!("{field}：{e}"))
        };
        let starts_on = date(&self.starts_on, "保障开始日期")?;
        let ends_on = date(&self.ends_on, "保障结束日期")?;
        let premium_union_fen = optional_amount(&self.premium_union, "工会承担保费")?.unwrap_or(0);
        let premium_worker_fen =
            optional_amount(&self.premium_worker, "个人承担保费")?.unwrap_or(0);
        if premium_union_fen + premium_worker_fen == 0 {
            return Err("保费：工会承担和个人承担至少填一项".to_string());
        }
        let enrol_from = date(&self.enrol_from, "参保开始日期")?;
        let enrol_until = date(&self.enrol_until, "参保截止日期")?;
        let claim_days_after_end = days(&self.claim_days, "理赔期限")?;
        let fund_id = self.fund_id.ok_or("资金：请选择")?;
        let min_age = age(&self.min_age, "最低年龄")?;
        let max_age = age(&self.max_age, "最高年龄")?;
        if let (Some(min), Some(max)) = (min_age, max_age)
            && min > max
        {
            return Err(format!("年龄：最低 {min} 岁高于最高 {max} 岁"));
        }
        if self.benefits.is_empty() {
            return Err("赔付规则：至少添加一条（选好种类、填好金额后点“添加这条规则”）".into());
        }
        let draft = PlanDraft {
            name: name.to_string(),
            society: self.society.trim().to_string(),
            starts_on,
            ends_on,
            premium_union_fen,
            premium_worker_fen,
            enrol_from,
            enrol_until,
            claim_days_after_end,
            eligibility: PlanEligibility {
                statuses: self.statuses.clone(),
                gender: self.gender,
                min_age,
                max_age,
            },
            benefits: self.benefits.clone(),
            fund_id,
        };
        draft
            .validate()
            .map_err(|(field, message)| format!("{field}：{message}"))?;
        Ok(draft)
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &LedgerData,
        plans: &[Plan],
        commands: &mut Vec<Command>,
    ) {
        if self.open {
            egui::Panel::right("insurance_plan_form")
                .resizable(false)
                .exact_size(520.0)
                .show(ui, |ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("insurance_plan_form_scroll")
                        .show(ui, |ui| self.form_ui(ui, data, commands));
                });
        }
        egui::ScrollArea::vertical()
            .id_salt("insurance_plans_scroll")
            .show(ui, |ui| {
                if !self.open && ui.button("新增计划").clicked() {
                    self.open();
                }
                if plans.is_empty() {
                    ui.add_space(12.0);
                    ui.weak("还没有互助保障计划。点“新增计划”，按保障会的方案填写。");
                }
                for plan in plans.iter().rev() {
                    ui.add_space(8.0);
                    plan_ui(ui, data, plan);
                }
            });
    }

    /// Opens a blank form with the usual defaults (in service, the insurance fund).
    fn open(&mut self) {
        *self = Self {
            open: true,
            statuses: vec![MemberStatus::InService],
            claim_days: "90".to_string(),
            ..Self::default()
        };
    }

    fn form_ui(&mut self, ui: &mut egui::Ui, data: &LedgerData, commands: &mut Vec<Command>) {
        if self.fund_id.is_none() {
            self.fund_id = data
                .funds
                .iter()
                .find(|fund| fund.name == INSURANCE_FUND && fund.is_active)
                .map(|fund| fund.id);
        }
        ui.heading("新增互助保障计划");
        let text = |ui: &mut egui::Ui, label: &str, value: &mut String, hint: &str, width| {
            ui.label(label);
            ui.add(
                egui::TextEdit::singleline(value)
                    .hint_text(hint)
                    .desired_width(width),
            );
            ui.end_row();
        };
        egui::Grid::new("insurance_plan_grid")
            .num_columns(2)
            .spacing([10.0, 6.0])
            .show(ui, |ui| {
                text(
                    ui,
                    "计划名称",
                    &mut self.name,
                    "如 2026 职工住院医疗互助保障",
                    300.0,
                );
                text(
                    ui,
                    "保障会",
                    &mut self.society,
                    "如 市总工会职工互助保障会",
                    300.0,
                );
                text(
                    ui,
                    "保障开始",
                    &mut self.starts_on,
                    "保障开始日期，如 2026-01-01",
                    200.0,
                );
                text(
                    ui,
                    "保障结束",
                    &mut self.ends_on,
                    "保障结束日期，如 2026-12-31",
                    200.0,
                );
                text(
                    ui,
                    "工会承担（元/人）",
                    &mut self.premium_union,
                    "工会承担保费，如 40",
                    200.0,
                );
                text(
                    ui,
                    "个人承担（元/人）",
                    &mut self.premium_worker,
                    "个人承担保费，如 0",
                    200.0,
                );
                text(
                    ui,
                    "参保开始",
                    &mut self.enrol_from,
                    "参保开始日期，如 2025-12-01",
                    200.0,
                );
                text(
                    ui,
                    "参保截止",
                    &mut self.enrol_until,
                    "参保截止日期，如 2026-01-31",
                    200.0,
                );
                text(
                    ui,
                    "理赔期限（天）",
                    &mut self.claim_days,
                    "保障结束后几天内可理赔，如 90",
                    200.0,
                );
                ui.label("资金");
                let funds: Vec<(i64, String)> = data
                    .funds
                    .iter()
                    .filter(|fund| fund.is_active)
                    .map(|fund| (fund.id, fund.name.clone()))
                    .collect();
                id_combo(
                    ui,
                    "insurance_plan_fund",
                    "资金",
                    &mut self.fund_id,
                    "请选择",
                    &funds,
                    200.0,
                );
                ui.end_row();
            });
        ui.add_space(8.0);
        ui.strong("参保条件");
        egui::Grid::new("insurance_plan_eligibility")
            .num_columns(2)
            .spacing([10.0, 6.0])
            .show(ui, |ui| {
                ui.label("人员身份");
                ui.horizontal_wrapped(|ui| status_checkboxes(ui, &mut self.statuses));
                ui.end_row();
                ui.label("性别");
                gender_combo(ui, "insurance_plan_gender", &mut self.gender);
                ui.end_row();
                ui.label("年龄（岁）");
                ui.horizontal(|ui| {
                    ui.add(
                        egui::TextEdit::singleline(&mut self.min_age)
                            .hint_text("最低年龄")
                            .desired_width(80.0),
                    );
                    ui.label("至");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.max_age)
                            .hint_text("最高年龄")
                            .desired_width(80.0),
                    );
                });
                ui.end_row();
            });
        ui.weak("不勾选身份、年龄不填表示不限。");
        ui.add_space(8.0);
        ui.strong(format!("赔付规则（{} 条）", self.benefits.len()));
        let mut removed = None;
        for (position, rule) in self.benefits.iter().enumerate() {
            ui.horizontal(|ui| {
                ui.label(format!("{}. {}", position + 1, rule.describe()));
                if ui.small_button("删除").clicked() {
                    removed = Some(position);
                }
            });
        }
        if let Some(position) = removed {
            self.benefits.remove(position);
        }
        egui::Frame::group(ui.style()).show(ui, |ui| {
            self.benefit.ui(ui);
            if ui.button("添加这条规则").clicked() {
                match self.benefit.build() {
                    Ok(rule) => {
                        self.benefits.push(rule);
                        self.benefit = BenefitForm {
                            kind: self.benefit.kind,
                            ..BenefitForm::default()
                        };
                        self.benefit_error = None;
                    }
                    Err(message) => self.benefit_error = Some(message),
                }
            }
            if let Some(error) = &self.benefit_error {
                ui.colored_label(ui.visuals().error_fg_color, error);
            }
        });
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("保存计划").clicked() {
                match self.draft() {
                    Ok(draft) => {
                        self.error = None;
                        commands.push(Command::Insurance(InsuranceCommand::AddPlan(draft)));
                    }
                    Err(message) => self.error = Some(message),
                }
            }
            if ui.button("取消").clicked() {
                *self = Self::default();
            }
        });
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
    }
}

/// One plan's terms.
fn plan_ui(ui: &mut egui::Ui, data: &LedgerData, plan: &Plan) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.strong(&plan.name);
        egui::Grid::new(("insurance_plan", plan.id))
            .num_columns(2)
            .spacing([10.0, 4.0])
            .show(ui, |ui| {
                for (label, value) in [
                    ("保障会", plan.society.clone()),
                    (
                        "保障期",
                        format!(
                            "{} 至 {}",
                            format_date(plan.starts_on),
                            format_date(plan.ends_on)
                        ),
                    ),
                    (
                        "保费",
                        format!(
                            "每人 {} 元：工会 {} 元，个人 {} 元（{}）",
                            yuan(plan.premium_fen()),
                            yuan(plan.premium_union_fen),
                            yuan(plan.premium_worker_fen),
                            data.fund_name(plan.fund_id)
                        ),
                    ),
                    (
                        "参保期",
                        format!(
                            "{} 至 {}",
                            format_date(plan.enrol_from),
                            format_date(plan.enrol_until)
                        ),
                    ),
                    ("理赔截止", format_date(plan.claim_deadline())),
                    ("参保条件", plan.eligibility.describe()),
                ] {
                    ui.label(label);
                    ui.label(value);
                    ui.end_row();
                }
                ui.label("赔付规则");
                ui.vertical(|ui| {
                    for rule in &plan.benefits {
                        ui.label(rule.describe());
                    }
                });
                ui.end_row();
            });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_become_basis_points() {
        assert_eq!(parse_percent_bp("50"), Ok(5_000));
        assert_eq!(parse_percent_bp("12.5"), Ok(1_250));
        assert_eq!(parse_percent_bp(" 7.25% "), Ok(725));
        assert!(parse_percent_bp("").is_err());
        assert!(parse_percent_bp("1.234").is_err());
        assert!(parse_percent_bp("五十").is_err());
    }

    #[test]
    fn a_benefit_names_its_wrong_field() {
        let form = BenefitForm {
            kind: BenefitKind::Ratio,
            ratio: "150".into(),
            ..BenefitForm::default()
        };
        assert_eq!(
            form.build(),
            Err("赔付规则：赔付比例应在 0.01% 到 100% 之间".to_string())
        );
        let form = BenefitForm {
            kind: BenefitKind::PerDay,
            over_days: "3".into(),
            ..BenefitForm::default()
        };
        assert_eq!(form.build(), Err("每天金额：必须填写（元）".to_string()));
        let form = BenefitForm {
            kind: BenefitKind::Tiers,
            tiers: vec![
                ("一级".into(), "10000".into()),
                ("二级".into(), "5000".into()),
            ],
            ..BenefitForm::default()
        };
        assert_eq!(
            form.build(),
            Ok(BenefitRule::Tiers {
                tiers: vec![
                    Tier {
                        grade: "一级".into(),
                        amount_fen: 1_000_000
                    },
                    Tier {
                        grade: "二级".into(),
                        amount_fen: 500_000
                    }
                ]
            })
        );
    }
}
