//! Mutual-insurance plans (职工互助保障): the plan's terms, who is eligible, and the
//! payout a claim earns under the plan's benefit rules, with every step written out
//! the way the society's form shows it. Pure: the store supplies the facts.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::core::model::{Gender, MemberDraft, MemberStatus};
use crate::core::money::format_fen;

mod spec;
pub use spec::parse_benefit;

labelled_enum!(
    /// Where a claim stands.
    ClaimState {
        Registered => "registered", "登记", ["已登记"];
        Submitted => "submitted", "已提交", ["提交"];
        Approved => "approved", "已核定", ["核定"];
        Paid => "paid", "已支付", ["支付", "已赔付"];
        Rejected => "rejected", "驳回", ["已驳回"];
    }
);

labelled_enum!(
    /// The papers a claim needs.
    DocumentKind {
        ApplicationForm => "application_form", "申请表", ["理赔申请表"];
        IdAndBankCard => "id_and_bank_card", "身份证和银行卡", ["身份证", "银行卡"];
        SettlementSheet => "settlement_sheet", "住院结算单", ["结算单"];
        DischargeRecord => "discharge_record", "出院记录", ["出院小结"];
        Invoices => "invoices", "发票", ["医疗发票"];
        Diagnosis => "diagnosis", "诊断证明", ["诊断书"];
    }
);

/// Who a plan admits. Empty lists and `None` mean "anyone".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanEligibility {
    pub statuses: Vec<MemberStatus>,
    pub gender: Option<Gender>,
    pub min_age: Option<u32>,
    pub max_age: Option<u32>,
}

/// A member's age in whole years on a date.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

impl PlanEligibility {
    /// Who the plan admits, in words, as the window and the command line both show it
    /// (`在职、退休；女职工；16–60 岁`, or `全体会员`).
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.statuses.is_empty() {
            let statuses: Vec<&str> = self.statuses.iter().map(|s| s.label()).collect();
            parts.push(statuses.join("、"));
        }
        if let Some(gender) = self.gender {
            parts.push(format!("{}职工", gender.label()));
        }
        match (self.min_age, self.max_age) {
            (Some(min), Some(max)) => parts.push(format!("{min}–{max} 岁")),
            (Some(min), None) => parts.push(format!("{min} 岁以上")),
            (None, Some(max)) => parts.push(format!("{max} 岁以下")),
            (None, None) => {}
        }
        if parts.is_empty() {
            "全体会员".to_string()
        } else {
            parts.join("；")
        }
    }

    /// `Ok` when the plan admits the member on `on`, or why not, naming the member.
    pub fn admits(&self, member: &MemberDraft, on: NaiveDate) -> Result<(), String> {
        if !member.is_union_member {
            return Err(format!("{}不是工会会员", member.name));
        }
        if !self.statuses.is_empty() && !self.statuses.contains(&member.status) {
            return Err(format!(
                "{}为{}人员，本计划只保{}",
                member.name,
                member.status.label(),
                self.statuses
                    .iter()
                    .map(|status| status.label())
                    .collect::<Vec<_>>()
                    .join("、")
            ));
        }
        if let Some(gender) = self.gender
            && member.gender != Some(gender)
        {
            return Err(format!("本计划只保{}职工", gender.label()));
        }
        if self.min_age.is_some() || self.max_age.is_some() {
            let Some(birth) = member.birth_date else {
                return Err(format!("{}的出生日期未登记，无法确定年龄", member.name));
            };
            let age = age_on(birth, on);
            if self.min_age.is_some_and(|min| age < min)
                || self.max_age.is_some_and(|max| age > max)
            {
                return Err(format!(
                    "{}{} 岁，不在本计划 {}–{} 岁之内",
                    member.name,
                    age,
                    self.min_age.unwrap_or(0),
                    self.max_age.map(|max| max.to_string()).unwrap_or_default()
                ));
            }
        }
        Ok(())
    }
}

/// A diagnosis grade and its fixed sum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier {
    pub grade: String,
    pub amount_fen: i64,
}

/// How a plan pays. Percentages are in basis points (50% = 5,000) so every figure stays
/// an integer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BenefitRule {
    /// A share of the eligible cost (after social insurance) above a deductible, with a
    /// cap per claim and a cap per member per plan period.
    Ratio {
        ratio_bp: i64,
        deductible_fen: i64,
        cap_per_claim_fen: Option<i64>,
        cap_per_period_fen: Option<i64>,
    },
    /// An allowance per hospital day when the stay is longer than `over_days`, capped.
    PerDay {
        per_day_fen: i64,
        over_days: i64,
        cap_fen: Option<i64>,
    },
    /// A fixed sum on diagnosis: nothing within `no_pay_days` of enrolment, the reduced
    /// sum until `reduced_days`, the full sum after.
    LumpSum {
        amount_fen: i64,
        no_pay_days: i64,
        reduced_days: i64,
        reduced_fen: i64,
    },
    /// Fixed sums by diagnosis grade.
    Tiers { tiers: Vec<Tier> },
    /// Other union aid already paid for the same illness is deducted.
    Offset,
}

impl BenefitRule {
    /// The rule in a short sentence for the plan's description.
    pub fn describe(&self) -> String {
        match self {
            BenefitRule::Ratio {
                ratio_bp,
                deductible_fen,
                cap_per_claim_fen,
                cap_per_period_fen,
            } => {
                let mut text = format!(
                    "合规费用（扣除医保已报）超过起付线 {} 元的部分按 {} 赔付",
                    yuan(*deductible_fen),
                    percent(*ratio_bp)
                );
                if let Some(cap) = cap_per_claim_fen {
                    text.push_str(&format!("，每次最高 {} 元", yuan(*cap)));
                }
                if let Some(cap) = cap_per_period_fen {
                    text.push_str(&format!("，每人每期最高 {} 元", yuan(*cap)));
                }
                text
            }
            BenefitRule::PerDay {
                per_day_fen,
                over_days,
                cap_fen,
            } => {
                let cap = cap_fen
                    .map(|cap| format!("，最高 {} 元", yuan(cap)))
                    .unwrap_or_default();
                format!(
                    "住院超过 {over_days} 天的，按住院天数每天 {} 元{cap}",
                    yuan(*per_day_fen)
                )
            }
            BenefitRule::LumpSum {
                amount_fen,
                no_pay_days,
                reduced_days,
                reduced_fen,
            } => format!(
                "确诊一次性给付 {} 元；入保 {no_pay_days} 天内不赔，{no_pay_days}–{reduced_days} 天内给付 {} 元",
                yuan(*amount_fen),
                yuan(*reduced_fen)
            ),
            BenefitRule::Tiers { tiers } => format!(
                "按诊断等级给付：{}",
                tiers
                    .iter()
                    .map(|tier| format!("{} {} 元", tier.grade, yuan(tier.amount_fen)))
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            BenefitRule::Offset => "扣除同一疾病已获的其他工会补助".to_string(),
        }
    }

    /// Checks the figures a clerk typed; the message names what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        let positive = |value: i64, what: &str| {
            if value < 0 {
                Err(format!("{what}不能为负"))
            } else {
                Ok(())
            }
        };
        match self {
            BenefitRule::Ratio {
                ratio_bp,
                deductible_fen,
                cap_per_claim_fen,
                cap_per_period_fen,
            } => {
                if !(1..=10_000).contains(ratio_bp) {
                    return Err("赔付比例应在 0.01% 到 100% 之间".to_string());
                }
                positive(*deductible_fen, "起付线")?;
                positive(cap_per_claim_fen.unwrap_or(0), "每次封顶")?;
                positive(cap_per_period_fen.unwrap_or(0), "每期封顶")
            }
            BenefitRule::PerDay {
                per_day_fen,
                over_days,
                cap_fen,
            } => {
                positive(*per_day_fen, "每天金额")?;
                positive(*over_days, "天数")?;
                positive(cap_fen.unwrap_or(0), "封顶")
            }
            BenefitRule::LumpSum {
                amount_fen,
                no_pay_days,
                reduced_days,
                reduced_fen,
            } => {
                positive(*amount_fen, "给付金额")?;
                positive(*reduced_fen, "减额给付金额")?;
                positive(*no_pay_days, "等待期")?;
                if reduced_days < no_pay_days {
                    return Err("减额期不能短于等待期".to_string());
                }
                if reduced_fen > amount_fen {
                    return Err("减额给付不能多于全额".to_string());
                }
                Ok(())
            }
            BenefitRule::Tiers { tiers } => {
                if tiers.is_empty() {
                    return Err("至少要有一个诊断等级".to_string());
                }
                for tier in tiers {
                    if tier.grade.trim().is_empty() {
                        return Err("诊断等级名称不能为空".to_string());
                    }
                    positive(tier.amount_fen, "等级金额")?;
                }
                Ok(())
            }
            BenefitRule::Offset => Ok(()),
        }
    }
}

/// What a claim's payout is computed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimFacts {
    pub admission: NaiveDate,
    pub discharge: Option<NaiveDate>,
    pub total_cost_fen: i64,
    /// The cost within the policy range (合规费用).
    pub eligible_cost_fen: i64,
    /// What social insurance (医保) already paid of the eligible cost.
    pub social_insurance_fen: i64,
    /// Other union aid already paid for the same illness.
    pub other_aid_fen: i64,
    /// The diagnosis grade, for tiered plans.
    pub grade: String,
    /// When the member was enrolled in the plan.
    pub enrolled_on: NaiveDate,
    /// What this plan already paid the member in the same plan period.
    pub paid_in_period_fen: i64,
}

impl ClaimFacts {
    /// Hospital days: discharge minus admission (a same-day stay counts one).
    pub fn hospital_days(&self) -> i64 {
        self.discharge
            .map(|discharge| (discharge - self.admission).num_days().max(1))
            .unwrap_or(0)
    }
}

/// A computed payout with every step, in the society's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutComputation {
    pub amount_fen: i64,
    pub steps: Vec<String>,
}

impl PayoutComputation {
    /// The steps in one line ("合规费用 8,000 − 起付线 1,000 = 7,000 × 50% = 3,500；…").
    pub fn text(&self) -> String {
        self.steps.join("；")
    }
}

/// Yuan as the society's forms write them: no decimals when there are none.
pub fn yuan(fen: i64) -> String {
    let text = format_fen(fen);
    text.strip_suffix(".00").map(str::to_string).unwrap_or(text)
}

/// A percentage from basis points: "50%", "12.5%".
pub fn percent(bp: i64) -> String {
    if bp % 100 == 0 {
        format!("{}%", bp / 100)
    } else {
        let text = format!("{:.2}", bp as f64 / 100.0);
        format!("{}%", text.trim_end_matches('0').trim_end_matches('.'))
    }
}

/// The payout a claim earns under `benefits`: the rules' sums added, other aid
/// deducted (when the plan says so), then the period cap. Never negative, never above
/// a cap, never more for a smaller cost.
pub fn compute_payout(benefits: &[BenefitRule], facts: &ClaimFacts) -> PayoutComputation {
    let mut steps = Vec::new();
    let mut amount: i64 = 0;
    let mut period_cap: Option<i64> = None;
    for rule in benefits {
        match rule {
            BenefitRule::Ratio {
                ratio_bp,
                deductible_fen,
                cap_per_claim_fen,
                cap_per_period_fen,
            } => {
                let mut text = format!("合规费用 {}", yuan(facts.eligible_cost_fen));
                let mut base = facts.eligible_cost_fen.max(0);
                if facts.social_insurance_fen > 0 {
                    base = (base - facts.social_insurance_fen).max(0);
                    text.push_str(&format!(
                        " − 医保已报 {} = {}",
                        yuan(facts.social_insurance_fen),
                        yuan(base)
                    ));
                }
                let above = (base - deductible_fen).max(0);
                text.push_str(&format!(
                    " − 起付线 {} = {}",
                    yuan(*deductible_fen),
                    yuan(above)
                ));
                // Rounded down to the fen: the society never pays a fraction of a fen.
                let mut paid = above.saturating_mul(*ratio_bp) / 10_000;
                text.push_str(&format!(" × {} = {}", percent(*ratio_bp), yuan(paid)));
                if let Some(cap) = cap_per_claim_fen
                    && paid > *cap
                {
                    paid = *cap;
                    text.push_str(&format!("，每次封顶 {}", yuan(*cap)));
                }
                if let Some(cap) = cap_per_period_fen {
                    period_cap = Some(period_cap.map_or(*cap, |other: i64| other.min(*cap)));
                }
                steps.push(text);
                amount += paid;
            }
            BenefitRule::PerDay {
                per_day_fen,
                over_days,
                cap_fen,
            } => {
                let days = facts.hospital_days();
                if days > *over_days {
                    let mut paid = days.saturating_mul(*per_day_fen);
                    let mut text = format!(
                        "住院 {days} 天（超过 {over_days} 天）× {} = {}",
                        yuan(*per_day_fen),
                        yuan(paid)
                    );
                    if let Some(cap) = cap_fen
                        && paid > *cap
                    {
                        paid = *cap;
                        text.push_str(&format!("，封顶 {}", yuan(*cap)));
                    }
                    steps.push(text);
                    amount += paid;
                } else {
                    steps.push(format!("住院 {days} 天，未超过 {over_days} 天，无住院津贴"));
                }
            }
            BenefitRule::LumpSum {
                amount_fen,
                no_pay_days,
                reduced_days,
                reduced_fen,
            } => {
                let waited = (facts.admission - facts.enrolled_on).num_days();
                if waited < *no_pay_days {
                    steps.push(format!(
                        "入保 {waited} 天确诊，在 {no_pay_days} 天等待期内，不给付"
                    ));
                } else if waited < *reduced_days {
                    steps.push(format!(
                        "入保 {waited} 天确诊（{no_pay_days}–{reduced_days} 天），减额给付 {}",
                        yuan(*reduced_fen)
                    ));
                    amount += reduced_fen;
                } else {
                    steps.push(format!("确诊一次性给付 {}", yuan(*amount_fen)));
                    amount += amount_fen;
                }
            }
            BenefitRule::Tiers { tiers } => {
                match tiers
                    .iter()
                    .find(|tier| tier.grade.trim() == facts.grade.trim())
                {
                    Some(tier) => {
                        steps.push(format!(
                            "诊断等级“{}”给付 {}",
                            tier.grade,
                            yuan(tier.amount_fen)
                        ));
                        amount += tier.amount_fen;
                    }
                    None => steps.push(format!(
                        "诊断等级“{}”不在本计划等级（{}）之内，不给付",
                        facts.grade.trim(),
                        tiers
                            .iter()
                            .map(|tier| tier.grade.as_str())
                            .collect::<Vec<_>>()
                            .join("、")
                    )),
                }
            }
            BenefitRule::Offset => {}
        }
    }
    if benefits.contains(&BenefitRule::Offset) && facts.other_aid_fen > 0 {
        let after = (amount - facts.other_aid_fen).max(0);
        steps.push(format!(
            "{} − 已获其他工会补助 {} = {}",
            yuan(amount),
            yuan(facts.other_aid_fen),
            yuan(after)
        ));
        amount = after;
    }
    if let Some(cap) = period_cap {
        let left = (cap - facts.paid_in_period_fen).max(0);
        if amount > left {
            steps.push(format!(
                "本期已赔 {}，封顶 {}，本次赔付 {}",
                yuan(facts.paid_in_period_fen),
                yuan(cap),
                yuan(left)
            ));
            amount = left;
        }
    }
    steps.push(format!("本次赔付 {} 元", yuan(amount)));
    PayoutComputation {
        amount_fen: amount.max(0),
        steps,
    }
}

/// What a plan is, as the clerk sets it up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanDraft {
    pub name: String,
    /// The society running it (e.g. 市总工会职工互助保障会).
    pub society: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// The premium per person: the union's share and the worker's.
    pub premium_union_fen: i64,
    pub premium_worker_fen: i64,
    pub enrol_from: NaiveDate,
    pub enrol_until: NaiveDate,
    /// Claims close this many days after the plan ends.
    pub claim_days_after_end: i64,
    pub eligibility: PlanEligibility,
    pub benefits: Vec<BenefitRule>,
    /// The fund premiums are paid from and payouts pass through.
    pub fund_id: i64,
}

impl PlanDraft {
    /// The last day a claim can be filed.
    pub fn claim_deadline(&self) -> NaiveDate {
        self.ends_on + Duration::days(self.claim_days_after_end)
    }

    pub fn covers(&self, date: NaiveDate) -> bool {
        date >= self.starts_on && date <= self.ends_on
    }

    pub fn premium_fen(&self) -> i64 {
        self.premium_union_fen + self.premium_worker_fen
    }

    /// Checks the plan's terms; the error names the field.
    pub fn validate(&self) -> Result<(), (String, String)> {
        let field = |name: &str, message: String| Err((name.to_string(), message));
        if self.name.trim().is_empty() {
            return field("计划名称", "不能为空".to_string());
        }
        if self.ends_on < self.starts_on {
            return field("保障期", "结束日期早于开始日期".to_string());
        }
        let months = (self.ends_on.year() - self.starts_on.year()) * 12
            + self.ends_on.month() as i32
            - self.starts_on.month() as i32;
        if months > 36 {
            return field("保障期", "互助保障计划最长 3 年".to_string());
        }
        if self.premium_union_fen < 0 || self.premium_worker_fen < 0 {
            return field("保费", "不能为负".to_string());
        }
        if self.enrol_until < self.enrol_from {
            return field("参保期", "截止日期早于开始日期".to_string());
        }
        if self.claim_days_after_end < 0 {
            return field("理赔期限", "不能为负".to_string());
        }
        if self.benefits.is_empty() {
            return field("赔付规则", "至少要有一条".to_string());
        }
        for rule in &self.benefits {
            rule.validate()
                .map_err(|message| ("赔付规则".to_string(), message))?;
        }
        Ok(())
    }
}

/// A stored plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub id: i64,
    #[serde(flatten)]
    pub draft: PlanDraft,
}

impl std::ops::Deref for Plan {
    type Target = PlanDraft;
    fn deref(&self) -> &PlanDraft {
        &self.draft
    }
}

/// A member enrolled in a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    pub plan_id: i64,
    pub member_id: i64,
    pub employee_no: String,
    pub name: String,
    pub department: String,
    pub enrolled_on: NaiveDate,
    /// The voucher of the union's premium for this member.
    pub premium_voucher: String,
}

/// What the clerk supplies to register a claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewClaim {
    pub plan_id: i64,
    pub member_id: i64,
    pub illness: String,
    pub hospital: String,
    pub admission: NaiveDate,
    pub discharge: Option<NaiveDate>,
    pub total_cost_fen: i64,
    pub eligible_cost_fen: i64,
    pub social_insurance_fen: i64,
    pub other_aid_fen: i64,
    pub grade: String,
}

/// A claim as stored, with its computation, documents and warnings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    pub id: i64,
    pub plan_id: i64,
    pub plan_name: String,
    pub member_id: i64,
    pub employee_no: String,
    pub name: String,
    pub department: String,
    #[serde(flatten)]
    pub facts: NewClaim,
    pub computed: PayoutComputation,
    /// What the society approved, which may differ from the computed payout.
    pub approved_fen: Option<i64>,
    pub state: ClaimState,
    pub reject_reason: String,
    pub registered_on: NaiveDate,
    pub submitted_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub paid_on: Option<NaiveDate>,
    pub paid_voucher: String,
    /// Every document kind with whether it is in hand.
    pub documents: Vec<(DocumentKind, bool)>,
    pub file_count: i64,
    pub warnings: Vec<String>,
}

impl Claim {
    pub fn missing_documents(&self) -> Vec<DocumentKind> {
        self.documents
            .iter()
            .filter(|(_, present)| !present)
            .map(|(kind, _)| *kind)
            .collect()
    }

    /// Hospital days from admission to discharge.
    pub fn hospital_days(&self) -> i64 {
        self.facts
            .discharge
            .map(|discharge| (discharge - self.facts.admission).num_days().max(1))
            .unwrap_or(0)
    }
}

/// The warnings a claim carries: past the plan's deadline, not enrolled on the
/// admission date, admitted outside the plan's cover, documents missing once it is
/// submitted.
pub fn claim_warnings(
    plan: &PlanDraft,
    enrolled_on: Option<NaiveDate>,
    state: ClaimState,
    documents: &[(DocumentKind, bool)],
    // The day the claim was submitted, or today while it is not.
    filed_on: NaiveDate,
    admission: NaiveDate,
) -> Vec<String> {
    let mut warnings = Vec::new();
    match enrolled_on {
        None => warnings.push("该会员未参加本计划".to_string()),
        Some(day) if day > admission => warnings.push(format!(
            "入院日期 {} 时尚未参保（{} 参保）",
            admission.format("%Y-%m-%d"),
            day.format("%Y-%m-%d")
        )),
        Some(_) => {}
    }
    if !plan.covers(admission) {
        warnings.push(format!(
            "入院日期不在保障期 {}–{} 之内",
            plan.starts_on.format("%Y-%m-%d"),
            plan.ends_on.format("%Y-%m-%d")
        ));
    }
    let open = matches!(state, ClaimState::Registered | ClaimState::Submitted);
    if open && filed_on > plan.claim_deadline() {
        warnings.push(format!(
            "已过理赔期限（{}）",
            plan.claim_deadline().format("%Y-%m-%d")
        ));
    }
    if state != ClaimState::Registered && state != ClaimState::Rejected {
        let missing: Vec<&str> = documents
            .iter()
            .filter(|(_, present)| !present)
            .map(|(kind, _)| kind.label())
            .collect();
        if !missing.is_empty() {
            warnings.push(format!("缺少材料：{}", missing.join("、")));
        }
    }
    warnings
}

/// One plan's year: members enrolled, claims paid (人次) and the amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanYearTotal {
    pub plan_id: i64,
    pub name: String,
    pub enrolled: i64,
    pub premium_fen: i64,
    pub claims_paid: i64,
    pub paid_fen: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plans_eligibility_in_words() {
        let mut eligibility = PlanEligibility::default();
        assert_eq!(eligibility.describe(), "全体会员");
        eligibility.statuses = vec![MemberStatus::InService, MemberStatus::Retired];
        eligibility.gender = Some(Gender::Female);
        eligibility.min_age = Some(16);
        assert_eq!(eligibility.describe(), "在职、退休；女职工；16 岁以上");
        eligibility.max_age = Some(60);
        assert!(eligibility.describe().ends_with("；16–60 岁"));
        eligibility.min_age = None;
        assert!(eligibility.describe().ends_with("；60 岁以下"));
    }
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn facts(eligible_yuan: i64) -> ClaimFacts {
        ClaimFacts {
            admission: d(2026, 5, 1),
            discharge: Some(d(2026, 5, 13)),
            total_cost_fen: eligible_yuan * 120,
            eligible_cost_fen: eligible_yuan * 100,
            social_insurance_fen: 0,
            other_aid_fen: 0,
            grade: String::new(),
            enrolled_on: d(2026, 1, 1),
            paid_in_period_fen: 0,
        }
    }

    fn ratio() -> BenefitRule {
        BenefitRule::Ratio {
            ratio_bp: 5_000,
            deductible_fen: 100_000,
            cap_per_claim_fen: Some(2_000_000),
            cap_per_period_fen: Some(3_000_000),
        }
    }

    #[test]
    fn the_worked_example_of_the_issue() {
        let mut facts = facts(8_000);
        facts.paid_in_period_fen = 2_700_000;
        let payout = compute_payout(&[ratio()], &facts);
        assert_eq!(payout.amount_fen, 300_000);
        assert_eq!(
            payout.text(),
            "合规费用 8,000 − 起付线 1,000 = 7,000 × 50% = 3,500；本期已赔 27,000，封顶 30,000，本次赔付 3,000；本次赔付 3,000 元"
        );
    }

    #[test]
    fn table_of_rules() {
        let per_day = BenefitRule::PerDay {
            per_day_fen: 5_000,
            over_days: 3,
            cap_fen: Some(450_000),
        };
        let lump = BenefitRule::LumpSum {
            amount_fen: 1_500_000,
            no_pay_days: 30,
            reduced_days: 90,
            reduced_fen: 500_000,
        };
        let tiers = BenefitRule::Tiers {
            tiers: vec![
                Tier {
                    grade: "一级".into(),
                    amount_fen: 600_000,
                },
                Tier {
                    grade: "二级".into(),
                    amount_fen: 300_000,
                },
            ],
        };
        let with = |f: &dyn Fn(&mut ClaimFacts)| {
            let mut facts = facts(8_000);
            f(&mut facts);
            facts
        };
        let cases: Vec<(Vec<BenefitRule>, ClaimFacts, i64, &str)> = vec![
            (
                vec![per_day.clone()],
                facts(1),
                60_000,
                "住院 12 天（超过 3 天）× 50 = 600；本次赔付 600 元",
            ),
            (
                vec![per_day.clone()],
                with(&|f| f.discharge = Some(d(2026, 5, 3))),
                0,
                "住院 2 天，未超过 3 天，无住院津贴；本次赔付 0 元",
            ),
            (
                vec![per_day],
                with(&|f| f.discharge = Some(d(2026, 9, 1))),
                450_000,
                "住院 123 天（超过 3 天）× 50 = 6,150，封顶 4,500；本次赔付 4,500 元",
            ),
            (
                vec![lump.clone()],
                with(&|f| f.enrolled_on = d(2026, 4, 10)),
                0,
                "入保 21 天确诊，在 30 天等待期内，不给付；本次赔付 0 元",
            ),
            (
                vec![lump.clone()],
                with(&|f| f.enrolled_on = d(2026, 3, 1)),
                500_000,
                "入保 61 天确诊（30–90 天），减额给付 5,000；本次赔付 5,000 元",
            ),
            (
                vec![lump],
                facts(0),
                1_500_000,
                "确诊一次性给付 15,000；本次赔付 15,000 元",
            ),
            (
                vec![tiers.clone()],
                with(&|f| f.grade = "二级".into()),
                300_000,
                "诊断等级“二级”给付 3,000；本次赔付 3,000 元",
            ),
            (
                vec![tiers, BenefitRule::Offset],
                with(&|f| {
                    f.grade = "一级".into();
                    f.other_aid_fen = 50_000;
                }),
                550_000,
                "诊断等级“一级”给付 6,000；6,000 − 已获其他工会补助 500 = 5,500；本次赔付 5,500 元",
            ),
            (
                vec![ratio()],
                with(&|f| f.social_insurance_fen = 500_000),
                100_000,
                "合规费用 8,000 − 医保已报 5,000 = 3,000 − 起付线 1,000 = 2,000 × 50% = 1,000；本次赔付 1,000 元",
            ),
        ];
        for (rules, facts, amount, text) in cases {
            let payout = compute_payout(&rules, &facts);
            assert_eq!(payout.text(), text);
            assert_eq!(payout.amount_fen, amount, "{text}");
        }
        assert_eq!(percent(1_250), "12.5%");
    }

    fn random_rules(rng: &mut ChaCha8Rng) -> Vec<BenefitRule> {
        let mut rules = Vec::new();
        if rng.random_bool(0.7) {
            rules.push(BenefitRule::Ratio {
                ratio_bp: rng.random_range(1..=10_000),
                deductible_fen: rng.random_range(0..=300_000),
                cap_per_claim_fen: rng
                    .random_bool(0.7)
                    .then(|| rng.random_range(0..=5_000_000)),
                cap_per_period_fen: rng
                    .random_bool(0.7)
                    .then(|| rng.random_range(0..=8_000_000)),
            });
        }
        if rng.random_bool(0.5) {
            rules.push(BenefitRule::PerDay {
                per_day_fen: rng.random_range(0..=20_000),
                over_days: rng.random_range(0..=10),
                cap_fen: rng
                    .random_bool(0.7)
                    .then(|| rng.random_range(0..=1_000_000)),
            });
        }
        if rng.random_bool(0.4) {
            let no_pay_days = rng.random_range(0..=60);
            let amount_fen = rng.random_range(0..=2_000_000);
            rules.push(BenefitRule::LumpSum {
                amount_fen,
                no_pay_days,
                reduced_days: no_pay_days + rng.random_range(0..=90),
                reduced_fen: rng.random_range(0..=amount_fen),
            });
        }
        if rng.random_bool(0.3) {
            rules.push(BenefitRule::Offset);
        }
        rules
    }

    fn random_facts(rng: &mut ChaCha8Rng) -> ClaimFacts {
        let admission = d(2026, 1, 1) + Duration::days(rng.random_range(0..300));
        let eligible = rng.random_range(0..=50_000_000);
        ClaimFacts {
            admission,
            discharge: Some(admission + Duration::days(rng.random_range(0..60))),
            total_cost_fen: eligible + rng.random_range(0..=1_000_000),
            eligible_cost_fen: eligible,
            social_insurance_fen: rng.random_range(0..=eligible.max(1)),
            other_aid_fen: rng.random_range(0..=500_000),
            grade: String::new(),
            enrolled_on: admission - Duration::days(rng.random_range(0..200)),
            paid_in_period_fen: rng.random_range(0..=5_000_000),
        }
    }

    /// Property tests: thousands of random plans and claims.
    #[test]
    fn never_negative_never_above_a_cap_never_more_for_less() {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        for _ in 0..5_000 {
            let rules = random_rules(&mut rng);
            let facts = random_facts(&mut rng);
            let payout = compute_payout(&rules, &facts);
            assert!(payout.amount_fen >= 0, "{rules:?} {facts:?}");
            // The period cap is never exceeded, counting what was paid before.
            for rule in &rules {
                if let BenefitRule::Ratio {
                    cap_per_period_fen: Some(cap),
                    ..
                } = rule
                {
                    assert!(
                        payout.amount_fen <= (cap - facts.paid_in_period_fen).max(0),
                        "{rules:?} {facts:?} {payout:?}"
                    );
                }
            }
            // The sum of every rule at its own cap bounds the payout.
            let bound: i64 = rules
                .iter()
                .map(|rule| match rule {
                    BenefitRule::Ratio {
                        cap_per_claim_fen: Some(cap),
                        ..
                    } => *cap,
                    BenefitRule::Ratio { .. } => facts.eligible_cost_fen,
                    BenefitRule::PerDay {
                        cap_fen: Some(cap), ..
                    } => *cap,
                    BenefitRule::PerDay { per_day_fen, .. } => per_day_fen * facts.hospital_days(),
                    BenefitRule::LumpSum { amount_fen, .. } => *amount_fen,
                    BenefitRule::Tiers { .. } | BenefitRule::Offset => 0,
                })
                .sum();
            assert!(payout.amount_fen <= bound, "{rules:?} {facts:?} {payout:?}");
            // A smaller eligible cost never pays more.
            let mut smaller = facts.clone();
            smaller.eligible_cost_fen = rng.random_range(0..=facts.eligible_cost_fen);
            assert!(
                compute_payout(&rules, &smaller).amount_fen <= payout.amount_fen,
                "{rules:?} {facts:?}"
            );
            // Waiting periods: a lump sum is never paid inside its waiting period.
            for rule in &rules {
                if let BenefitRule::LumpSum { no_pay_days, .. } = rule
                    && (facts.admission - facts.enrolled_on).num_days() < *no_pay_days
                {
                    let alone = compute_payout(std::slice::from_ref(rule), &facts);
                    assert_eq!(alone.amount_fen, 0);
                }
            }
        }
    }

    #[test]
    fn eligibility_names_the_reason() {
        let women = PlanEligibility {
            statuses: vec![MemberStatus::InService],
            gender: Some(Gender::Female),
            min_age: Some(16),
            max_age: Some(60),
        };
        let mut member = MemberDraft::new("001", "王芳");
        member.gender = Some(Gender::Female);
        member.birth_date = Some(d(1970, 6, 1));
        assert_eq!(women.admits(&member, d(2026, 1, 1)), Ok(()));
        assert_eq!(women.admits(&member, d(2030, 6, 1)), Ok(()));
        assert_eq!(
            women.admits(&member, d(2031, 6, 1)),
            Err("王芳61 岁，不在本计划 16–60 岁之内".to_string())
        );
        member.gender = Some(Gender::Male);
        assert_eq!(
            women.admits(&member, d(2026, 1, 1)),
            Err("本计划只保女职工".to_string())
        );
        member.birth_date = None;
        member.gender = Some(Gender::Female);
        assert_eq!(
            women.admits(&member, d(2026, 1, 1)),
            Err("王芳的出生日期未登记，无法确定年龄".to_string())
        );
    }
}
