//! Mutual insurance as the seed report describes it: a hospital-cost plan for all 998
//! in-service staff and a women's special-illness plan for 634 women, claims taken
//! from registration to payment with every step of the computation, and the year's
//! 人次 and 金额 per plan.

use chrono::NaiveDate;
use union_ledger::core::batch::BatchGroup;
use union_ledger::core::date::FixedClock;
use union_ledger::core::insurance::{
    BenefitRule, ClaimState, DocumentKind, NewClaim, PlanDraft, PlanEligibility,
};
use union_ledger::core::model::{Approval, Gender, MemberDraft, MemberStatus};
use union_ledger::store::{ClaimFilter, EnrolSpec, Ledger};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn clock() -> FixedClock {
    FixedClock::at_date(d(2026, 11, 22))
}

fn approval() -> Approval {
    Approval {
        decided_on: d(2026, 1, 5),
        minutes_no: "2026-01".into(),
        approver: "王主席".into(),
    }
}

/// 998 in service, 634 of them women (all between 16 and 60), and 40 retirees.
fn hospital_staff(ledger: &mut Ledger) {
    let drafts: Vec<MemberDraft> = (0..1038)
        .map(|i| {
            let mut draft = MemberDraft::new(format!("H{i:04}"), format!("职工{i}"));
            draft.department = ["内科", "外科", "护理部", "后勤"][i % 4].into();
            draft.gender = Some(if i < 634 {
                Gender::Female
            } else {
                Gender::Male
            });
            draft.birth_date = Some(d(1970 + (i % 30) as i32, 3, 1));
            draft.status = if i < 998 {
                MemberStatus::InService
            } else {
                MemberStatus::Retired
            };
            draft
        })
        .collect();
    ledger.upsert_members(&drafts, &clock()).unwrap();
}

fn plans(ledger: &mut Ledger) -> (i64, i64) {
    let fund_id = ledger
        .funds()
        .unwrap()
        .into_iter()
        .find(|f| f.name == "互助保障金")
        .unwrap()
        .id;
    let hospital = PlanDraft {
        name: "2026 职工住院医疗互助保障".into(),
        society: "市总工会职工互助保障会".into(),
        starts_on: d(2026, 1, 1),
        ends_on: d(2026, 12, 31),
        premium_union_fen: 4_000,
        premium_worker_fen: 0,
        enrol_from: d(2025, 12, 1),
        enrol_until: d(2026, 1, 31),
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
        name: "2026 女职工特殊疾病互助保障".into(),
        society: "市总工会职工互助保障会".into(),
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
                amount_fen: 1_500_000,
                no_pay_days: 30,
                reduced_days: 90,
                reduced_fen: 500_000,
            },
            BenefitRule::Offset,
        ],
        ..hospital.clone()
    };
    (
        ledger.add_plan(&hospital, &clock()).unwrap(),
        ledger.add_plan(&women, &clock()).unwrap(),
    )
}

#[test]
fn the_seed_report_from_enrolment_to_the_years_totals() {
    let mut ledger = Ledger::open_in_memory(&clock()).unwrap();
    hospital_staff(&mut ledger);
    let (hospital, women) = plans(&mut ledger);

    let enrol = |ledger: &mut Ledger, plan_id, group: BatchGroup| {
        ledger
            .enrol(
                &EnrolSpec {
                    plan_id,
                    group,
                    enrolled_on: d(2026, 1, 10),
                    approval: approval(),
                    handler: "李会计".into(),
                },
                &clock(),
            )
            .unwrap()
    };
    let all = enrol(&mut ledger, hospital, BatchGroup::default());
    assert_eq!(all.enrolled, 998);
    assert_eq!(all.refused.len(), 40, "the retirees");
    assert_eq!(all.refused[0].1, "职工998为退休人员，本计划只保在职");
    assert_eq!(all.premium_fen, 998 * 4_000);
    let female = enrol(
        &mut ledger,
        women,
        BatchGroup {
            gender: Some(Gender::Female),
            ..BatchGroup::in_service()
        },
    );
    assert_eq!(female.enrolled, 634);
    assert!(female.refused.is_empty());
    // Enrolling again changes nothing.
    let again = enrol(&mut ledger, women, BatchGroup::default());
    assert_eq!((again.enrolled, again.already_enrolled), (0, 634));
    assert_eq!(ledger.enrolments(hospital).unwrap().len(), 998);
    let batch = ledger.batch(all.batch_id.unwrap()).unwrap();
    assert_eq!(batch.recipient_count, 998);
    assert_eq!(batch.total_fen, 998 * 4_000);

    // A claim from entry to payment, the computation shown at each step.
    let member = ledger.member_by_employee_no("H0640").unwrap().unwrap();
    let claim = ledger
        .add_claim(
            &NewClaim {
                plan_id: hospital,
                member_id: member.id,
                illness: "急性阑尾炎".into(),
                hospital: "市第一人民医院".into(),
                admission: d(2026, 5, 1),
                discharge: Some(d(2026, 5, 13)),
                total_cost_fen: 1_200_000,
                eligible_cost_fen: 800_000,
                social_insurance_fen: 0,
                other_aid_fen: 0,
                grade: String::new(),
            },
            &clock(),
        )
        .unwrap();
    assert_eq!(claim.state, ClaimState::Registered);
    assert_eq!(claim.hospital_days(), 12);
    assert_eq!(claim.computed.amount_fen, 350_000 + 60_000);
    assert_eq!(
        claim.computed.text(),
        "合规费用 8,000 − 起付线 1,000 = 7,000 × 50% = 3,500；住院 12 天（超过 3 天）× 50 = 600；本次赔付 4,100 元"
    );
    assert!(claim.warnings.is_empty(), "{:?}", claim.warnings);

    ledger
        .set_claim_document(claim.id, DocumentKind::ApplicationForm, true)
        .unwrap();
    ledger
        .attach_claim_file(
            claim.id,
            DocumentKind::Invoices,
            "发票.jpg",
            b"\xff\xd8 scanned invoice",
            &clock(),
        )
        .unwrap();
    let submitted = ledger
        .submit_claim(claim.id, d(2026, 6, 1), &clock())
        .unwrap();
    assert_eq!(submitted.state, ClaimState::Submitted);
    assert_eq!(
        submitted.warnings,
        vec!["缺少材料：身份证和银行卡、住院结算单、出院记录、诊断证明"]
    );
    let files = ledger.claim_files(claim.id).unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(
        ledger.claim_file(files[0].0).unwrap(),
        ("发票.jpg".to_string(), b"\xff\xd8 scanned invoice".to_vec())
    );

    // The society approves less than computed; both are kept.
    let approved = ledger
        .approve_claim(claim.id, 400_000, d(2026, 6, 20), &clock())
        .unwrap();
    assert_eq!(approved.approved_fen, Some(400_000));
    assert_eq!(approved.computed.amount_fen, 410_000);
    let fund_before = ledger.fund_balances(2026).unwrap();
    let paid = ledger
        .pay_claim(claim.id, d(2026, 6, 25), "李会计", &clock())
        .unwrap();
    assert_eq!(paid.state, ClaimState::Paid);
    assert_eq!(paid.paid_voucher.len(), "2026-000000".len());
    let entry = ledger.entry_by_voucher(&paid.paid_voucher).unwrap();
    assert_eq!(entry.amount_fen, 400_000);
    assert_eq!(entry.member_id, Some(member.id));
    // Passed through: the fund's balance is unchanged, income and spending both grew.
    let fund_after = ledger.fund_balances(2026).unwrap();
    let pick = |balances: &[union_ledger::core::report::FundBalance]| {
        balances
            .iter()
            .find(|b| b.fund_id == entry.fund_id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        pick(&fund_after).closing_fen,
        pick(&fund_before).closing_fen
    );
    assert_eq!(
        pick(&fund_after).income_fen,
        pick(&fund_before).income_fen + 400_000
    );

    // A second claim counts the first against the period cap.
    let second = ledger
        .add_claim(
            &NewClaim {
                plan_id: hospital,
                member_id: member.id,
                illness: "骨折".into(),
                hospital: "市第一人民医院".into(),
                admission: d(2026, 8, 1),
                discharge: Some(d(2026, 8, 3)),
                total_cost_fen: 10_000_000,
                eligible_cost_fen: 9_000_000,
                social_insurance_fen: 2_000_000,
                other_aid_fen: 0,
                grade: String::new(),
            },
            &clock(),
        )
        .unwrap();
    assert_eq!(
        second.computed.text(),
        "合规费用 90,000 − 医保已报 20,000 = 70,000 − 起付线 1,000 = 69,000 × 50% = 34,500，每次封顶 20,000；住院 2 天，未超过 3 天，无住院津贴；本次赔付 20,000 元"
    );
    let rejected = ledger
        .reject_claim(second.id, "非保障范围内疾病", d(2026, 9, 1), &clock())
        .unwrap();
    assert_eq!(rejected.state, ClaimState::Rejected);
    let error = ledger
        .pay_claim(second.id, d(2026, 9, 2), "", &clock())
        .unwrap_err();
    assert_eq!(error.to_string(), "理赔状态：该理赔为“驳回”，不能支付");

    let totals = ledger.plan_year_totals(2026).unwrap();
    assert_eq!(totals.len(), 2);
    assert_eq!(
        (
            totals[0].enrolled,
            totals[0].claims_paid,
            totals[0].paid_fen
        ),
        (998, 1, 400_000)
    );
    assert_eq!((totals[1].enrolled, totals[1].claims_paid), (634, 0));
    assert_eq!(
        ledger
            .claims(
                &ClaimFilter {
                    plan_id: Some(hospital),
                    ..ClaimFilter::default()
                },
                d(2026, 11, 22)
            )
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn warnings_for_a_member_not_enrolled_and_a_claim_past_the_deadline() {
    let mut ledger = Ledger::open_in_memory(&FixedClock::at_date(d(2027, 5, 1))).unwrap();
    hospital_staff(&mut ledger);
    let (hospital, women) = plans(&mut ledger);
    let late_clock = FixedClock::at_date(d(2027, 5, 1));
    let member = ledger.member_by_employee_no("H0001").unwrap().unwrap();
    // Joined mid-year: enrolled on 2026-07-01, admitted before that.
    ledger
        .enrol(
            &EnrolSpec {
                plan_id: women,
                group: BatchGroup {
                    picked: vec![member.id],
                    ..BatchGroup::default()
                },
                enrolled_on: d(2026, 7, 1),
                approval: approval(),
                handler: String::new(),
            },
            &late_clock,
        )
        .unwrap();
    let claim = |plan_id, admission| NewClaim {
        plan_id,
        member_id: member.id,
        illness: "乳腺癌".into(),
        hospital: String::new(),
        admission,
        discharge: None,
        total_cost_fen: 0,
        eligible_cost_fen: 0,
        social_insurance_fen: 0,
        other_aid_fen: 0,
        grade: String::new(),
    };
    let early = ledger
        .add_claim(&claim(women, d(2026, 6, 1)), &late_clock)
        .unwrap();
    assert_eq!(
        early.warnings,
        vec![
            "入院日期 2026-06-01 时尚未参保（2026-07-01 参保）",
            "已过理赔期限（2027-03-31）"
        ]
    );
    // Within 30 days of enrolment: nothing; 30 to 90: the reduced sum.
    let waiting = ledger
        .add_claim(&claim(women, d(2026, 7, 20)), &late_clock)
        .unwrap();
    assert_eq!(waiting.computed.amount_fen, 0);
    let reduced = ledger
        .add_claim(&claim(women, d(2026, 9, 1)), &late_clock)
        .unwrap();
    assert_eq!(reduced.computed.amount_fen, 500_000);
    let not_enrolled = ledger
        .add_claim(&claim(hospital, d(2026, 9, 1)), &late_clock)
        .unwrap();
    assert_eq!(not_enrolled.warnings[0], "该会员未参加本计划");
}

#[test]
fn bad_claims_and_plans_name_the_field() {
    let mut ledger = Ledger::open_in_memory(&clock()).unwrap();
    hospital_staff(&mut ledger);
    let (hospital, _) = plans(&mut ledger);
    let member = ledger.member_by_employee_no("H0001").unwrap().unwrap();
    let mut claim = NewClaim {
        plan_id: hospital,
        member_id: member.id,
        illness: "肺炎".into(),
        hospital: String::new(),
        admission: d(2026, 3, 1),
        discharge: Some(d(2026, 2, 20)),
        total_cost_fen: 100,
        eligible_cost_fen: 100,
        social_insurance_fen: 0,
        other_aid_fen: 0,
        grade: String::new(),
    };
    assert_eq!(
        ledger.add_claim(&claim, &clock()).unwrap_err().to_string(),
        "出院日期：2026-02-20 早于入院日期 2026-03-01"
    );
    claim.discharge = None;
    claim.eligible_cost_fen = 200;
    assert_eq!(
        ledger.add_claim(&claim, &clock()).unwrap_err().to_string(),
        "合规费用：2 元多于总费用 1 元"
    );
    let mut plan = ledger.plan(hospital).unwrap().draft;
    plan.name = "三年以上".into();
    plan.ends_on = d(2030, 1, 1);
    assert_eq!(
        ledger.add_plan(&plan, &clock()).unwrap_err().to_string(),
        "保障期：互助保障计划最长 3 年"
    );
    plan.ends_on = d(2026, 12, 31);
    plan.benefits = vec![BenefitRule::Ratio {
        ratio_bp: 0,
        deductible_fen: 0,
        cap_per_claim_fen: None,
        cap_per_period_fen: None,
    }];
    assert_eq!(
        ledger.add_plan(&plan, &clock()).unwrap_err().to_string(),
        "赔付规则：赔付比例应在 0.01% 到 100% 之间"
    );
}
