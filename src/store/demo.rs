//! Filling an empty ledger with the deterministic demo data from `core::demo`.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

use super::{EnrolSpec, Ledger, Result, StoreError, codec, entries, members};
use crate::core::batch::BatchGroup;
use crate::core::date::Clock;
use crate::core::demo::{DemoChart, DemoSpec, demo_entries, demo_members, demo_opening_balances};
use crate::core::insurance::{BenefitRule, DocumentKind, NewClaim, PlanDraft, PlanEligibility};
use crate::core::model::{Approval, EntryExtras, Gender, MemberStatus, PaymentForm};
use crate::core::progress::Progress;
use crate::core::visit::{NewVisit, VisitGoods, VisitMoney, reason_code};

/// What a demo fill wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DemoSummary {
    pub members: usize,
    pub entries: usize,
    /// Recent visits recorded with their money and goods (counted in `entries`).
    pub visits: usize,
    /// This year's mutual-insurance claims, through plans and enrolment.
    pub claims: usize,
    pub first_year: i32,
    pub last_year: i32,
}

impl Ledger {
    /// Writes `members` demo members and `years` years of entries ending today into a
    /// ledger that has no entries yet. The same seed always gives the same ledger.
    pub fn fill_demo(
        &mut self,
        members: usize,
        years: u32,
        seed: u64,
        clock: &dyn Clock,
    ) -> Result<DemoSummary> {
        if members == 0 || years == 0 {
            return Err(StoreError::invalid("演示数据", "会员数和年数都必须大于 0"));
        }
        // Demo people and payouts must never mix with a real register or real books.
        let existing_entries = self.entry_count()?;
        let existing_members = self.members()?.len();
        if existing_entries > 0 || existing_members > 0 || !self.fund_openings()?.is_empty() {
            return Err(StoreError::invalid(
                "演示数据",
                format!(
                    "台账中已有 {existing_members} 名会员、{existing_entries} 笔凭证或已设年初余额；演示数据只能写入全新的空台账（请用 --db 指定一个新文件）"
                ),
            ));
        }
        let today = clock.today();
        let now = codec::datetime_text(clock.now());
        let spec = DemoSpec {
            members,
            years,
            seed,
            last_year: today.year(),
        };
        let funds = self.funds()?;
        let categories = self.categories()?;
        let sources = self.income_sources()?;
        // One transaction: either the whole demo is there, or nothing is.
        let mut summary = self.write(|tx| {
            members::upsert_in(tx, &demo_members(&spec), &now, &Progress::none())?;
            let stored_members = members::members_in(tx)?;
            let chart = DemoChart {
                funds: &funds,
                categories: &categories,
                sources: &sources,
            };
            for (fund_id, opening_fen) in demo_opening_balances(&spec, &stored_members, &chart) {
                tx.execute(
                    "INSERT INTO fund_openings (fund_id, year, opening_fen) VALUES (?1, ?2, ?3)",
                    (fund_id, spec.first_year(), opening_fen),
                )?;
            }
            let entries = entries::append_in(
                tx,
                demo_entries(&spec, &stored_members, &chart, today),
                &now,
                today,
            )?;
            Ok(DemoSummary {
                members: stored_members.len(),
                entries,
                visits: 0,
                claims: 0,
                first_year: spec.first_year(),
                last_year: spec.last_year,
            })
        })?;
        // The demo shows the rules at work from the first entry the clerk types: the
        // first example rule set (the demo's own history is not judged).
        if self.rules()?.is_empty() {
            self.apply_preset("example-strict")?;
        }
        summary.visits = self.add_demo_visits(clock)?;
        self.add_demo_insurance(clock)?;
        self.add_demo_audit_examples(clock)?;
        // Counted as the window and `claim list` count them: this year's claims, the
        // audit examples' late-paid one included.
        let today = clock.today();
        summary.claims = self
            .claims(
                &super::ClaimFilter {
                    period: Some(crate::core::date::Period::year(today.year())),
                    ..Default::default()
                },
                today,
            )?
            .len();
        summary.entries = usize::try_from(self.entry_count()?).unwrap_or(summary.entries);
        Ok(summary)
    }
}

/// A recent visit the demo records: reason code, days ago, place, detail, relation,
/// money in yuan, goods and their value, and whether the member is still in hospital.
struct DemoVisit {
    reason: &'static str,
    days_ago: i64,
    place: &'static str,
    detail: &'static str,
    relation: &'static str,
    money_yuan: Option<i64>,
    goods: Option<(&'static str, i64)>,
    stays_open: bool,
}

const DEMO_VISITS: &[DemoVisit] = &[
    DemoVisit {
        reason: reason_code::ILLNESS,
        days_ago: 3,
        place: "市第一人民医院 心内科 12 床",
        detail: "冠心病",
        relation: "",
        money_yuan: Some(500),
        goods: Some(("鲜花、水果", 100)),
        stays_open: true,
    },
    DemoVisit {
        reason: reason_code::ILLNESS,
        days_ago: 9,
        place: "市中医院 骨科 3 病区",
        detail: "腰椎骨折",
        relation: "",
        money_yuan: None,
        goods: Some(("水果篮", 150)),
        stays_open: true,
    },
    DemoVisit {
        reason: reason_code::CHILDBIRTH,
        days_ago: 16,
        place: "家中",
        detail: "喜得千金",
        relation: "",
        money_yuan: Some(500),
        goods: None,
        stays_open: false,
    },
    DemoVisit {
        reason: reason_code::DEATH_RELATIVE,
        days_ago: 34,
        place: "殡仪馆",
        detail: "",
        relation: "父亲",
        money_yuan: Some(1000),
        goods: Some(("花圈", 300)),
        stays_open: false,
    },
    DemoVisit {
        reason: reason_code::MARRIAGE,
        days_ago: 51,
        place: "工会办公室",
        detail: "新婚",
        relation: "",
        money_yuan: Some(500),
        goods: None,
        stays_open: false,
    },
];

impl Ledger {
    /// Records a handful of recent visits, so 走访 and the reminders have something to
    /// show. Each goes through the rules like a clerk's; a member the rules refuse is
    /// passed over for the next one.
    fn add_demo_visits(&mut self, clock: &dyn Clock) -> Result<usize> {
        let today = clock.today();
        let reasons = self.visit_reasons()?;
        let members: Vec<i64> = self
            .members()?
            .into_iter()
            .filter(|member| {
                member.is_union_member
                    && member.dues_paid
                    && member.status == MemberStatus::InService
            })
            .map(|member| member.id)
            .collect();
        let mut candidates = members.iter().step_by(3);
        let mut recorded = 0;
        for demo in DEMO_VISITS {
            let Some(reason) = reasons.iter().find(|reason| reason.is(demo.reason)) else {
                continue;
            };
            for member_id in candidates.by_ref() {
                let visit = NewVisit {
                    member_id: *member_id,
                    reason_id: reason.id,
                    relation: demo.relation.to_string(),
                    date: today - Duration::days(demo.days_ago),
                    place: demo.place.to_string(),
                    visitors: "工会主席、科室主任".to_string(),
                    detail: demo.detail.to_string(),
                    note: String::new(),
                    money: demo.money_yuan.map(|yuan| VisitMoney {
                        amount_fen: yuan * 100,
                        payment_form: PaymentForm::Cash,
                    }),
                    goods: demo.goods.map(|(description, yuan)| VisitGoods {
                        description: description.to_string(),
                        value_fen: yuan * 100,
                    }),
                    fund_id: None,
                    stays_open: demo.stays_open,
                    handler: String::new(),
                };
                match self.add_visit(&visit, &EntryExtras::default(), clock) {
                    Ok(_) => {
                        recorded += 1;
                        break;
                    }
                    Err(StoreError::PolicyBreach { .. }) => continue,
                    Err(other) => return Err(other),
                }
            }
        }
        Ok(recorded)
    }
}

impl Ledger {
    /// This year's mutual insurance, the way the seed report describes it: a
    /// hospital-cost plan for every in-service member and a women's special-illness
    /// plan, both enrolled in January, and a handful of claims: most paid, one waiting
    /// for the society, one rejected. Returns how many claims were registered.
    /// What a year-end audit should find, made through the ordinary paths so the 年度审计
    /// 报告 has something of every kind to show: payouts over a standard, in cash where
    /// goods are the rule and to someone the rules exclude (each saved with a written
    /// reason and an approval), a possible duplicate, a claim paid with its documents
    /// missing, and an entry added to the last quarter after it was closed and reopened.
    /// (Hardship aid without a file or an approval is already in the demo's history; a
    /// gap in the voucher numbers cannot be made by the program at all.)
    fn add_demo_audit_examples(&mut self, clock: &dyn Clock) -> Result<()> {
        use crate::core::date::Period;
        let today = clock.today();
        let this_quarter = Period::quarter_of(today);
        let last_quarter = match this_quarter.start.pred_opt() {
            Some(day) => Period::quarter_of(day),
            None => return Ok(()),
        };
        let day = |offset: i64| last_quarter.start + Duration::days(offset);
        let members = self.members()?;
        let in_service = |gender: Gender| {
            members.iter().find(|m| {
                m.status == MemberStatus::InService
                    && m.is_union_member
                    && m.dues_paid
                    && m.gender == Some(gender)
            })
        };
        let (Some(man), Some(woman)) = (in_service(Gender::Male), in_service(Gender::Female))
        else {
            return Ok(());
        };
        let (man, woman) = (man.id, woman.id);
        let categories = self.categories()?;
        let payout = |name: &str, member: i64, date: NaiveDate, yuan: i64, form: PaymentForm| {
            categories
                .iter()
                .find(|c| c.name == name && c.parent_id.is_some())
                .and_then(|c| {
                    Some(crate::core::model::NewEntry {
                        kind: crate::core::model::EntryKind::Disbursement,
                        date,
                        fund_id: c.default_fund_id?,
                        category_id: Some(c.id),
                        source_id: None,
                        member_id: Some(member),
                        amount_fen: yuan * 100,
                        payment_form: form,
                        handler: "王干事".to_string(),
                        note: String::new(),
                    })
                })
        };
        let with_reason = |date: NaiveDate, reason: &str| EntryExtras {
            event: String::new(),
            approval: Some(Approval {
                decided_on: date - Duration::days(2),
                minutes_no: format!("{}-审计示例", date.format("%Y%m")),
                approver: "工会主席".to_string(),
            }),
            override_reason: reason.to_string(),
        };
        let examples = [
            (
                payout("生病住院", woman, day(10), 1_500, PaymentForm::Cash),
                Some("病情危重，工会委员会研究同意提高标准"),
            ),
            (
                payout("生日", man, day(15), 300, PaymentForm::Cash),
                Some("蛋糕券未到货，临时发放现金"),
            ),
            (
                payout("三八妇女节", man, day(20), 200, PaymentForm::Goods),
                Some("误列入名单，已通知本人退回"),
            ),
            (
                payout("直系亲属去世", woman, day(25), 1_000, PaymentForm::Cash),
                None,
            ),
            (
                payout("直系亲属去世", woman, day(37), 1_000, PaymentForm::Cash),
                None,
            ),
        ];
        for (entry, reason) in examples {
            let Some(entry) = entry else { continue };
            let extras = match reason {
                Some(reason) => with_reason(entry.date, reason),
                None => EntryExtras::default(),
            };
            self.add_entry_with(&entry, &extras, clock)?;
        }
        // A claim paid before its documents were all in.
        if let Some(plan) = self.plans()?.into_iter().next()
            && let Some(enrolled) = self.enrolments(plan.id)?.into_iter().next()
        {
            let claim = self.add_claim(
                &NewClaim {
                    plan_id: plan.id,
                    member_id: enrolled.member_id,
                    illness: "急性阑尾炎".to_string(),
                    hospital: "市第二人民医院".to_string(),
                    admission: day(30).max(enrolled.enrolled_on),
                    discharge: Some(day(35).max(enrolled.enrolled_on)),
                    total_cost_fen: 900_000,
                    eligible_cost_fen: 800_000,
                    social_insurance_fen: 0,
                    other_aid_fen: 0,
                    grade: String::new(),
                },
                clock,
            )?;
            self.set_claim_document(claim.id, DocumentKind::ApplicationForm, true)?;
            let paid_on = day(50).max(enrolled.enrolled_on).min(last_quarter.end);
            self.submit_claim(claim.id, paid_on, clock)?;
            self.approve_claim(
                claim.id,
                claim.computed.amount_fen.max(50_000),
                paid_on,
                clock,
            )?;
            self.pay_claim(claim.id, paid_on, "王干事", clock)?;
        }
        // The last quarter closed, reopened with a reason, and a late entry added.
        let closed = self.close_period(last_quarter, "季度账已核对")?;
        self.reopen_period(closed.id, "补登漏记的生育慰问")?;
        if let Some(entry) = payout("生育", man, day(40), 500, PaymentForm::Cash) {
            self.add_entry(&entry, clock)?;
        }
        Ok(())
    }

    fn add_demo_insurance(&mut self, clock: &dyn Clock) -> Result<usize> {
        let today = clock.today();
        let year = today.year();
        let day = |month, day| {
            NaiveDate::from_ymd_opt(year, month, day)
                .unwrap_or(today)
                .min(today)
        };
        let Some(fund_id) = self
            .funds()?
            .into_iter()
            .find(|fund| fund.name == "互助保障金")
            .map(|fund| fund.id)
        else {
            return Ok(0);
        };
        let hospital = PlanDraft {
            name: format!("{year} 职工住院医疗互助保障"),
            society: "市总工会职工互助保障会".to_string(),
            starts_on: day(1, 1),
            ends_on: NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today),
            premium_union_fen: 4_000,
            premium_worker_fen: 0,
            enrol_from: day(1, 1),
            enrol_until: day(1, 31),
            claim_days_after_end: 90,
            eligibility: PlanEligibility {
                statuses: vec![MemberStatus::InService],
                ..PlanEligibility::default()
            },
            benefits: vec![
                BenefitRule::Ratio {
                    ratio_bp: 5_000,
                    deductible_fen: 100_000,
                    cap_per_claim_fen: Some(2_000_000),
                    cap_per_period_fen: Some(3_000_000),
                },
                BenefitRule::PerDay {
                    per_day_fen: 5_000,
                    over_days: 3,
                    cap_fen: Some(450_000),
                },
            ],
            fund_id,
        };
        let women = PlanDraft {
            name: format!("{year} 女职工特殊疾病互助保障"),
            premium_union_fen: 2_000,
            premium_worker_fen: 1_000,
            eligibility: PlanEligibility {
                statuses: vec![MemberStatus::InService],
                gender: Some(Gender::Female),
                min_age: Some(16),
                max_age: Some(60),
            },
            benefits: vec![
                BenefitRule::LumpSum {
                    amount_fen: 1_000_000,
                    no_pay_days: 30,
                    reduced_days: 90,
                    reduced_fen: 300_000,
                },
                BenefitRule::Offset,
            ],
            ..hospital.clone()
        };
        let approval = Approval {
            decided_on: day(1, 5),
            minutes_no: format!("{year}-01"),
            approver: "工会主席".to_string(),
        };
        let mut plan_ids = Vec::new();
        for (plan, gender) in [(&hospital, None), (&women, Some(Gender::Female))] {
            let plan_id = self.add_plan(plan, clock)?;
            self.enrol(
                &EnrolSpec {
                    plan_id,
                    group: BatchGroup {
                        gender,
                        ..BatchGroup::in_service()
                    },
                    enrolled_on: day(1, 10),
                    approval: approval.clone(),
                    handler: String::new(),
                },
                clock,
            )?;
            plan_ids.push(plan_id);
        }
        // Claims for every 23rd member enrolled in the hospital plan, admitted over the
        // months so far.
        let enrolled = self.enrolments(plan_ids[0])?;
        let mut registered = 0;
        for (index, enrolment) in enrolled.iter().step_by(23).take(8).enumerate() {
            let admission = day(2 + (index as u32 % 9), 3 + (index as u32 * 3) % 20);
            if admission >= today - Duration::days(20) {
                continue;
            }
            let days = 3 + (index as i64 * 5) % 14;
            let eligible_fen = 300_000 + index as i64 * 250_000;
            let claim = self.add_claim(
                &NewClaim {
                    plan_id: plan_ids[0],
                    member_id: enrolment.member_id,
                    illness: [
                        "肺炎",
                        "腰椎间盘突出",
                        "阑尾炎",
                        "骨折",
                        "冠心病",
                        "胆囊炎",
                        "糖尿病",
                        "白内障",
                    ][index % 8]
                        .to_string(),
                    hospital: "市第一人民医院".to_string(),
                    admission,
                    discharge: Some(admission + Duration::days(days)),
                    total_cost_fen: eligible_fen + 80_000,
                    eligible_cost_fen: eligible_fen,
                    social_insurance_fen: eligible_fen / 2,
                    other_aid_fen: 0,
                    grade: String::new(),
                },
                clock,
            )?;
            registered += 1;
            for kind in DocumentKind::ALL {
                self.set_claim_document(claim.id, *kind, true)?;
            }
            let submitted_on = (admission + Duration::days(days + 7)).min(today);
            self.submit_claim(claim.id, submitted_on, clock)?;
            let decided_on = (submitted_on + Duration::days(10)).min(today);
            match index {
                // One still with the society, one refused.
                6 => {}
                7 => {
                    self.reject_claim(claim.id, "不属于保障范围（门诊治疗）", decided_on, clock)?;
                }
                _ => {
                    let computed = self.claim(claim.id, today)?.computed.amount_fen;
                    if computed > 0 {
                        self.approve_claim(claim.id, computed, decided_on, clock)?;
                        let paid_on = (decided_on + Duration::days(5)).min(today);
                        self.pay_claim(claim.id, paid_on, "", clock)?;
                    }
                }
            }
        }
        Ok(registered)
    }
}
