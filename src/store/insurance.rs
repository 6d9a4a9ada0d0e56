//! Mutual insurance: plans, enrolment with the union's premiums as one batch, and
//! claims from registration to payment or rejection.

use super::sql::{Connection, OptionalExtension, Row};
use chrono::NaiveDate;
use serde::Serialize;

use super::batches::insert_same_day;
use super::codec::{date_text, datetime_text, parse_code, parse_date, parse_optional_date};
use super::entries::{EntryLinks, insert_checked, insert_entry, validate_entry};
use super::members::{member_in, members_in};
use super::policy::approval_id_in;
use super::{Ledger, Result, StoreError};
use crate::core::batch::BatchGroup;
use crate::core::date::{Clock, Period, format_date};
use crate::core::insurance::{
    Claim, ClaimFacts, ClaimState, DocumentKind, Enrolment, NewClaim, PayoutComputation, Plan,
    PlanDraft, PlanYearTotal, claim_warnings, compute_payout, yuan,
};
use crate::core::model::{Approval, EntryExtras, EntryKind, NewEntry, PaymentForm};
use crate::core::progress::Progress;

/// The category items premiums and payouts are booked to (互助保障 / 保费, 赔付).
const PREMIUM_CATEGORY: &str = "保费";
const PAYOUT_CATEGORY: &str = "赔付";
const PAYOUT_SOURCE: &str = "互助保障赔款";

const PLAN_COLUMNS: &str =
    "id, name, society, starts_on, ends_on, premium_union_fen, premium_worker_fen,
    enrol_from, enrol_until, claim_days_after_end, eligibility, benefits, fund_id";

fn json_error(column: usize, error: serde_json::Error) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, Box::new(error))
}

fn plan_from_row(row: &Row<'_>) -> super::sql::Result<Plan> {
    Ok(Plan {
        id: row.get(0)?,
        draft: PlanDraft {
            name: row.get(1)?,
            society: row.get(2)?,
            starts_on: parse_date(3, &row.get::<_, String>(3)?)?,
            ends_on: parse_date(4, &row.get::<_, String>(4)?)?,
            premium_union_fen: row.get(5)?,
            premium_worker_fen: row.get(6)?,
            enrol_from: parse_date(7, &row.get::<_, String>(7)?)?,
            enrol_until: parse_date(8, &row.get::<_, String>(8)?)?,
            claim_days_after_end: row.get(9)?,
            eligibility: serde_json::from_str(&row.get::<_, String>(10)?)
                .map_err(|e| json_error(10, e))?,
            benefits: serde_json::from_str(&row.get::<_, String>(11)?)
                .map_err(|e| json_error(11, e))?,
            fund_id: row.get(12)?,
        },
    })
}

fn plan_in(conn: &Connection, id: i64) -> Result<Plan> {
    conn.query_row(
        &format!("SELECT {PLAN_COLUMNS} FROM plans WHERE id = ?1"),
        [id],
        plan_from_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found(format!("互助保障计划（编号 {id}）")))
}

fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|error| StoreError::invalid("互助保障计划", format!("无法保存：{error}")))
}

fn validate_plan(conn: &Connection, plan: &PlanDraft) -> Result<()> {
    plan.validate()
        .map_err(|(field, message)| StoreError::invalid(field, message))?;
    let fund: Option<bool> = conn
        .query_row(
            "SELECT is_active FROM funds WHERE id = ?1",
            [plan.fund_id],
            |row| row.get(0),
        )
        .optional()?;
    match fund {
        None => Err(StoreError::invalid(
            "资金",
            format!("编号 {} 的资金不存在", plan.fund_id),
        )),
        Some(false) => Err(StoreError::invalid("资金", "该资金已停用")),
        Some(true) => Ok(()),
    }
}

/// The id of a category item under the 互助保障 group (or anywhere, by name).
fn item_id(conn: &Connection, name: &str) -> Result<i64> {
    conn.query_row(
        "SELECT c.id FROM categories c LEFT JOIN categories g ON g.id = c.parent_id
         WHERE c.name = ?1 AND c.parent_id IS NOT NULL
         ORDER BY CASE WHEN g.name = '互助保障' THEN 1 ELSE 0 END DESC, c.id LIMIT 1",
        [name],
        |row| row.get(0),
    )
    .optional()?
    .ok_or_else(|| {
        StoreError::invalid(
            "类别",
            format!("找不到支出类别“{name}”（互助保障 / {name}），请在 设置 › 类别 中添加"),
        )
    })
}

/// What enrolling a group did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnrolSummary {
    pub enrolled: usize,
    pub already_enrolled: usize,
    /// Members the group selected whom the plan does not admit, with the reason.
    pub refused: Vec<(String, String)>,
    pub batch_id: Option<i64>,
    pub premium_fen: i64,
}

/// How a group is enrolled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolSpec {
    pub plan_id: i64,
    pub group: BatchGroup,
    pub enrolled_on: NaiveDate,
    /// The committee decision to pay the premiums.
    pub approval: Approval,
    pub handler: String,
}

/// Which claims to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimFilter {
    pub plan_id: Option<i64>,
    pub member_id: Option<i64>,
    pub state: Option<ClaimState>,
    /// Claims admitted in this period.
    pub period: Option<Period>,
}

const CLAIM_SELECT: &str = "SELECT c.id, c.plan_id, p.name, c.member_id, m.employee_no, m.name, m.department,
        c.illness, c.hospital, c.admission, c.discharge, c.total_cost_fen, c.eligible_cost_fen,
        c.social_insurance_fen, c.other_aid_fen, c.grade, c.computed_fen, c.computation, c.approved_fen,
        c.state, c.reject_reason, c.registered_on, c.submitted_on, c.decided_on, c.paid_on,
        ifnull((SELECT printf('%d-%06d', e.voucher_year, e.voucher_seq) FROM entries e WHERE e.id = c.paid_entry_id), ''),
        (SELECT count(*) FROM claim_files f WHERE f.claim_id = c.id),
        (SELECT enrolled_on FROM enrolments n WHERE n.plan_id = c.plan_id AND n.member_id = c.member_id)
    FROM claims c JOIN plans p ON p.id = c.plan_id JOIN members m ON m.id = c.member_id";

/// A claim row with the enrolment date, before documents and warnings are added.
fn claim_from_row(row: &Row<'_>) -> super::sql::Result<(Claim, Option<NaiveDate>)> {
    let steps: Vec<String> =
        serde_json::from_str(&row.get::<_, String>(17)?).map_err(|e| json_error(17, e))?;
    Ok((
        Claim {
            id: row.get(0)?,
            plan_id: row.get(1)?,
            plan_name: row.get(2)?,
            member_id: row.get(3)?,
            employee_no: row.get(4)?,
            name: row.get(5)?,
            department: row.get(6)?,
            facts: NewClaim {
                plan_id: row.get(1)?,
                member_id: row.get(3)?,
                illness: row.get(7)?,
                hospital: row.get(8)?,
                admission: parse_date(9, &row.get::<_, String>(9)?)?,
                discharge: parse_optional_date(10, row.get(10)?)?,
                total_cost_fen: row.get(11)?,
                eligible_cost_fen: row.get(12)?,
                social_insurance_fen: row.get(13)?,
                other_aid_fen: row.get(14)?,
                grade: row.get(15)?,
            },
            computed: PayoutComputation {
                amount_fen: row.get(16)?,
                steps,
            },
            approved_fen: row.get(18)?,
            state: parse_code(19, &row.get::<_, String>(19)?, ClaimState::parse)?,
            reject_reason: row.get(20)?,
            registered_on: parse_date(21, &row.get::<_, String>(21)?)?,
            submitted_on: parse_optional_date(22, row.get(22)?)?,
            decided_on: parse_optional_date(23, row.get(23)?)?,
            paid_on: parse_optional_date(24, row.get(24)?)?,
            paid_voucher: row.get(25)?,
            documents: Vec::new(),
            file_count: row.get(26)?,
            warnings: Vec::new(),
        },
        parse_optional_date(27, row.get(27)?)?,
    ))
}

fn documents_in(conn: &Connection, claim_id: i64) -> Result<Vec<(DocumentKind, bool)>> {
    let mut statement =
        conn.prepare_cached("SELECT kind, is_present FROM claim_documents WHERE claim_id = ?1")?;
    let rows = statement.query_map([claim_id], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, bool>(1)?))
    })?;
    let present: Vec<(String, bool)> = rows.collect::<super::sql::Result<_>>()?;
    Ok(DocumentKind::ALL
        .iter()
        .map(|kind| {
            let is_present = present
                .iter()
                .any(|(code, is_present)| code == kind.code() && *is_present);
            (*kind, is_present)
        })
        .collect())
}

/// Completes a claim row with its documents and its warnings as of `today`.
fn finish_claim(
    conn: &Connection,
    (mut claim, enrolled_on): (Claim, Option<NaiveDate>),
    today: NaiveDate,
) -> Result<Claim> {
    claim.documents = documents_in(conn, claim.id)?;
    let plan = plan_in(conn, claim.plan_id)?;
    claim.warnings = claim_warnings(
        &plan,
        enrolled_on,
        claim.state,
        &claim.documents,
        claim.submitted_on.unwrap_or(today),
        claim.facts.admission,
    );
    Ok(claim)
}

fn claim_in(conn: &Connection, id: i64, today: NaiveDate) -> Result<Claim> {
    let row = conn
        .query_row(
            &format!("{CLAIM_SELECT} WHERE c.id = ?1"),
            [id],
            claim_from_row,
        )
        .optional()?
        .ok_or_else(|| StoreError::not_found(format!("理赔（编号 {id}）")))?;
    finish_claim(conn, row, today)
}

/// What the plan already paid the member in the period of `plan`, other claims only.
fn paid_in_period(conn: &Connection, plan_id: i64, member_id: i64, except: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT ifnull(sum(approved_fen), 0) FROM claims
         WHERE plan_id = ?1 AND member_id = ?2 AND state = 'paid' AND id <> ?3",
        (plan_id, member_id, except),
        |row| row.get(0),
    )?)
}

/// The payout a claim earns now (other claims paid so far count against the caps).
fn compute_in(conn: &Connection, claim: &NewClaim, claim_id: i64) -> Result<PayoutComputation> {
    let plan = plan_in(conn, claim.plan_id)?;
    let enrolled_on: Option<String> = conn
        .query_row(
            "SELECT enrolled_on FROM enrolments WHERE plan_id = ?1 AND member_id = ?2",
            (claim.plan_id, claim.member_id),
            |row| row.get(0),
        )
        .optional()?;
    let enrolled_on = enrolled_on
        .map(|text| parse_date(0, &text))
        .transpose()?
        .unwrap_or(plan.starts_on);
    let facts = ClaimFacts {
        admission: claim.admission,
        discharge: claim.discharge,
        total_cost_fen: claim.total_cost_fen,
        eligible_cost_fen: claim.eligible_cost_fen,
        social_insurance_fen: claim.social_insurance_fen,
        other_aid_fen: claim.other_aid_fen,
        grade: claim.grade.clone(),
        enrolled_on,
        paid_in_period_fen: paid_in_period(conn, claim.plan_id, claim.member_id, claim_id)?,
    };
    Ok(compute_payout(&plan.benefits, &facts))
}

fn validate_claim(conn: &Connection, claim: &NewClaim, today: NaiveDate) -> Result<()> {
    plan_in(conn, claim.plan_id)?;
    member_in(conn, claim.member_id)?;
    if claim.illness.trim().is_empty() {
        return Err(StoreError::invalid("疾病", "请填写疾病或诊断"));
    }
    if claim.admission > today {
        return Err(StoreError::invalid(
            "入院日期",
            format!("{} 晚于今天", format_date(claim.admission)),
        ));
    }
    if let Some(discharge) = claim.discharge
        && discharge < claim.admission
    {
        return Err(StoreError::invalid(
            "出院日期",
            format!(
                "{} 早于入院日期 {}",
                format_date(discharge),
                format_date(claim.admission)
            ),
        ));
    }
    for (field, value) in [
        ("总费用", claim.total_cost_fen),
        ("合规费用", claim.eligible_cost_fen),
        ("医保已报", claim.social_insurance_fen),
        ("其他补助", claim.other_aid_fen),
    ] {
        if value < 0 {
            return Err(StoreError::invalid(field, "不能为负"));
        }
    }
    if claim.eligible_cost_fen > claim.total_cost_fen {
        return Err(StoreError::invalid(
            "合规费用",
            format!(
                "{} 元多于总费用 {} 元",
                yuan(claim.eligible_cost_fen),
                yuan(claim.total_cost_fen)
            ),
        ));
    }
    Ok(())
}

/// Moves a claim from one of `from` to `to`, or says why it cannot.
fn expect_state(claim: &Claim, from: &[ClaimState], action: &str) -> Result<()> {
    if from.contains(&claim.state) {
        Ok(())
    } else {
        Err(StoreError::invalid(
            "理赔状态",
            format!("该理赔为“{}”，不能{action}", claim.state.label()),
        ))
    }
}

fn not_future(field: &str, date: NaiveDate, today: NaiveDate) -> Result<()> {
    if date > today {
        return Err(StoreError::invalid(
            field,
            format!("{} 晚于今天", format_date(date)),
        ));
    }
    Ok(())
}

impl Ledger {
    /// Every plan, newest first.
    pub fn plans(&self) -> Result<Vec<Plan>> {
        let mut statement = self.conn().prepare_cached(&format!(
            "SELECT {PLAN_COLUMNS} FROM plans ORDER BY starts_on DESC, id DESC"
        ))?;
        let rows = statement.query_map([], plan_from_row)?;
        Ok(rows.collect::<super::sql::Result<Vec<_>>>()?)
    }

    pub fn plan(&self, id: i64) -> Result<Plan> {
        plan_in(self.conn(), id)
    }

    /// Finds a plan by its name.
    pub fn plan_by_name(&self, name: &str) -> Result<Plan> {
        let id: Option<i64> = self
            .conn()
            .query_row(
                "SELECT id FROM plans WHERE name = ?1",
                [name.trim()],
                |row| row.get(0),
            )
            .optional()?;
        match id {
            Some(id) => self.plan(id),
            None => Err(StoreError::invalid(
                "计划",
                format!("没有名为“{}”的互助保障计划", name.trim()),
            )),
        }
    }

    pub fn add_plan(&mut self, plan: &PlanDraft, clock: &dyn Clock) -> Result<i64> {
        let now = datetime_text(clock.now());
        self.write(|tx| {
            validate_plan(tx, plan)?;
            let taken: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM plans WHERE name = ?1)",
                [plan.name.trim()],
                |row| row.get(0),
            )?;
            if taken {
                return Err(StoreError::invalid(
                    "计划名称",
                    format!("“{}”已存在", plan.name.trim()),
                ));
            }
            tx.execute(
                "INSERT INTO plans (name, society, starts_on, ends_on, premium_union_fen, premium_worker_fen,
                     enrol_from, enrol_until, claim_days_after_end, eligibility, benefits, fund_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                super::sql::params![
                    plan.name.trim(),
                    plan.society.trim(),
                    date_text(plan.starts_on),
                    date_text(plan.ends_on),
                    plan.premium_union_fen,
                    plan.premium_worker_fen,
                    date_text(plan.enrol_from),
                    date_text(plan.enrol_until),
                    plan.claim_days_after_end,
                    to_json(&plan.eligibility)?,
                    to_json(&plan.benefits)?,
                    plan.fund_id,
                    now,
                ],
            )?;
            Ok(tx.last_insert_rowid()?)
        })
    }

    /// Enrols the members a group selects in a plan, in one transaction: the enrolments
    /// and one batch of the union's premium, one entry per member in the plan's fund.
    /// Members already enrolled are left as they are; members the plan does not admit
    /// are listed with the reason.
    pub fn enrol(&mut self, spec: &EnrolSpec, clock: &dyn Clock) -> Result<EnrolSummary> {
        self.enrol_counted(spec, clock, &Progress::none())
    }

    /// [`Ledger::enrol`], counting the members enrolled into `progress`.
    pub fn enrol_counted(
        &mut self,
        spec: &EnrolSpec,
        clock: &dyn Clock,
        progress: &Progress,
    ) -> Result<EnrolSummary> {
        let now = datetime_text(clock.now());
        let today = clock.today();
        self.write(|tx| {
            let plan = plan_in(tx, spec.plan_id)?;
            not_future("参保日期", spec.enrolled_on, today)?;
            if spec.enrolled_on > plan.ends_on {
                return Err(StoreError::invalid(
                    "参保日期",
                    format!(
                        "{} 晚于保障期结束 {}",
                        format_date(spec.enrolled_on),
                        format_date(plan.ends_on)
                    ),
                ));
            }
            let mut summary = EnrolSummary {
                enrolled: 0,
                already_enrolled: 0,
                refused: Vec::new(),
                batch_id: None,
                premium_fen: 0,
            };
            let mut newcomers = Vec::new();
            // Who is enrolled already, read once (not one round trip per member).
            let enrolled: std::collections::HashSet<i64> = tx
                .prepare("SELECT member_id FROM enrolments WHERE plan_id = ?1")?
                .query_map([plan.id], |row| row.get(0))?
                .collect::<std::result::Result<_, _>>()?;
            for member in members_in(tx)? {
                if !spec.group.selects(&member) || spec.group.excluded.contains(&member.id) {
                    continue;
                }
                if enrolled.contains(&member.id) {
                    summary.already_enrolled += 1;
                    continue;
                }
                match plan.eligibility.admits(&member, spec.enrolled_on) {
                    Ok(()) => newcomers.push(member),
                    Err(reason) => summary
                        .refused
                        .push((format!("{} {}", member.employee_no, member.name), reason)),
                }
            }
            if newcomers.is_empty() {
                return Ok(summary);
            }
            // Counted by enrolment: the premium's entries go in as one quick run.
            progress.set_total(newcomers.len() as u64);
            let category_id = item_id(tx, PREMIUM_CATEGORY)?;
            let mut batch_id = None;
            if plan.premium_union_fen > 0 {
                let approval_id = approval_id_in(tx, &spec.approval)?;
                let probe = NewEntry {
                    kind: EntryKind::Disbursement,
                    date: spec.enrolled_on,
                    fund_id: plan.fund_id,
                    category_id: Some(category_id),
                    source_id: None,
                    member_id: None,
                    amount_fen: plan.premium_union_fen,
                    payment_form: PaymentForm::Transfer,
                    handler: spec.handler.clone(),
                    note: String::new(),
                };
                validate_entry(tx, &probe, today)?;
                let item = format!("{}保费（工会承担）", plan.name);
                tx.execute(
                    "INSERT INTO batches (category_id, fund_id, date, item, amount_fen, payment_form, approval_id,
                         group_text, group_spec, recipient_count, total_fen, handler, note, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, '', ?13)",
                    super::sql::params![
                        category_id,
                        plan.fund_id,
                        date_text(spec.enrolled_on),
                        item,
                        plan.premium_union_fen,
                        PaymentForm::Transfer.code(),
                        approval_id,
                        format!("参保：{}", spec.group.describe()),
                        serde_json::to_string(&spec.group).unwrap_or_default(),
                        newcomers.len() as i64,
                        newcomers.len() as i64 * plan.premium_union_fen,
                        spec.handler.trim(),
                        now,
                    ],
                )?;
                let id = tx.last_insert_rowid()?;
                batch_id = Some(id);
                let note = format!("{item}（批次 P{}-{id:04}）", spec.enrolled_on.format("%Y"));
                let entries: Vec<(NewEntry, Option<i64>)> = newcomers
                    .iter()
                    .map(|member| {
                        (
                            NewEntry {
                                member_id: Some(member.id),
                                note: note.clone(),
                                ..probe.clone()
                            },
                            None,
                        )
                    })
                    .collect();
                insert_same_day(tx, &entries, Some(approval_id), id, "", &now, &Progress::none())?;
            }
            for member in &newcomers {
                tx.execute(
                    "INSERT INTO enrolments (plan_id, member_id, enrolled_on, premium_entry_id)
                     VALUES (?1, ?2, ?3,
                        (SELECT id FROM entries WHERE batch_id IS ?4 AND batch_id IS NOT NULL AND member_id = ?2))",
                    (plan.id, member.id, date_text(spec.enrolled_on), batch_id),
                )?;
                progress.advance(1);
            }
            summary.enrolled = newcomers.len();
            summary.batch_id = batch_id;
            summary.premium_fen = newcomers.len() as i64 * plan.premium_union_fen;
            Ok(summary)
        })
    }

    /// The members enrolled in a plan, by department and 工号.
    pub fn enrolments(&self, plan_id: i64) -> Result<Vec<Enrolment>> {
        let mut statement = self.conn().prepare_cached(
            "SELECT n.plan_id, n.member_id, m.employee_no, m.name, m.department, n.enrolled_on,
                    ifnull((SELECT printf('%d-%06d', e.voucher_year, e.voucher_seq) FROM entries e
                            WHERE e.id = n.premium_entry_id), '')
             FROM enrolments n JOIN members m ON m.id = n.member_id
             WHERE n.plan_id = ?1 ORDER BY m.department, m.employee_no",
        )?;
        let rows = statement.query_map([plan_id], |row| {
            Ok(Enrolment {
                plan_id: row.get(0)?,
                member_id: row.get(1)?,
                employee_no: row.get(2)?,
                name: row.get(3)?,
                department: row.get(4)?,
                enrolled_on: parse_date(5, &row.get::<_, String>(5)?)?,
                premium_voucher: row.get(6)?,
            })
        })?;
        Ok(rows.collect::<super::sql::Result<Vec<_>>>()?)
    }

    /// Members in service or retired who are not enrolled, each with why the plan
    /// would refuse them, if it would (`None`: eligible, just not enrolled).
    pub fn not_enrolled(
        &self,
        plan_id: i64,
        on: NaiveDate,
    ) -> Result<Vec<(crate::core::model::Member, Option<String>)>> {
        let plan = self.plan(plan_id)?;
        let enrolled: std::collections::HashSet<i64> = self
            .enrolments(plan_id)?
            .into_iter()
            .map(|enrolment| enrolment.member_id)
            .collect();
        Ok(self
            .members()?
            .into_iter()
            .filter(|member| {
                !enrolled.contains(&member.id)
                    && !matches!(
                        member.status,
                        crate::core::model::MemberStatus::Left
                            | crate::core::model::MemberStatus::Deceased
                    )
            })
            .map(|member| {
                let reason = plan.eligibility.admits(&member, on).err();
                (member, reason)
            })
            .collect())
    }

    /// Registers a claim with its payout computed from the plan's rules.
    pub fn add_claim(&mut self, claim: &NewClaim, clock: &dyn Clock) -> Result<Claim> {
        let now = datetime_text(clock.now());
        let today = clock.today();
        let id = self.write(|tx| {
            validate_claim(tx, claim, today)?;
            let computed = compute_in(tx, claim, 0)?;
            tx.execute(
                "INSERT INTO claims (plan_id, member_id, illness, hospital, admission, discharge, total_cost_fen,
                     eligible_cost_fen, social_insurance_fen, other_aid_fen, grade, computed_fen, computation,
                     state, registered_on, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16)",
                super::sql::params![
                    claim.plan_id,
                    claim.member_id,
                    claim.illness.trim(),
                    claim.hospital.trim(),
                    date_text(claim.admission),
                    claim.discharge.map(date_text),
                    claim.total_cost_fen,
                    claim.eligible_cost_fen,
                    claim.social_insurance_fen,
                    claim.other_aid_fen,
                    claim.grade.trim(),
                    computed.amount_fen,
                    to_json(&computed.steps)?,
                    ClaimState::Registered.code(),
                    date_text(today),
                    now,
                ],
            )?;
            Ok(tx.last_insert_rowid()?)
        })?;
        self.claim(id, today)
    }

    /// A claim with its documents and warnings as of `today`.
    pub fn claim(&self, id: i64, today: NaiveDate) -> Result<Claim> {
        claim_in(self.conn(), id, today)
    }

    /// Claims matching the filter, newest admission first.
    pub fn claims(&self, filter: &ClaimFilter, today: NaiveDate) -> Result<Vec<Claim>> {
        let mut clauses = vec!["1 = 1".to_string()];
        let mut params: Vec<super::sql::Value> = Vec::new();
        if let Some(plan_id) = filter.plan_id {
            clauses.push("c.plan_id = ?".to_string());
            params.push(plan_id.into());
        }
        if let Some(member_id) = filter.member_id {
            clauses.push("c.member_id = ?".to_string());
            params.push(member_id.into());
        }
        if let Some(state) = filter.state {
            clauses.push("c.state = ?".to_string());
            params.push(state.code().to_string().into());
        }
        if let Some(period) = filter.period {
            clauses.push("c.admission >= ? AND c.admission <= ?".to_string());
            params.push(date_text(period.start).into());
            params.push(date_text(period.end).into());
        }
        let sql = format!(
            "{CLAIM_SELECT} WHERE {} ORDER BY c.admission DESC, c.id DESC",
            clauses.join(" AND ")
        );
        let rows: Vec<(Claim, Option<NaiveDate>)> = {
            let mut statement = self.conn().prepare_cached(&sql)?;
            let rows = statement.query_map(super::sql::params_from_iter(params), claim_from_row)?;
            rows.collect::<super::sql::Result<Vec<_>>>()?
        };
        rows.into_iter()
            .map(|row| finish_claim(self.conn(), row, today))
            .collect()
    }

    /// Ticks a document in the claim's checklist, or unticks it.
    pub fn set_claim_document(
        &mut self,
        claim_id: i64,
        kind: DocumentKind,
        is_present: bool,
    ) -> Result<()> {
        self.write(|tx| {
            claim_in(tx, claim_id, NaiveDate::MIN)?;
            tx.execute(
                "INSERT INTO claim_documents (claim_id, kind, is_present) VALUES (?1, ?2, ?3)
                 ON CONFLICT (claim_id, kind) DO UPDATE SET is_present = excluded.is_present",
                (claim_id, kind.code(), is_present),
            )?;
            Ok(())
        })
    }

    /// Stores a scanned document inside the ledger and ticks it in the checklist.
    pub fn attach_claim_file(
        &mut self,
        claim_id: i64,
        kind: DocumentKind,
        file_name: &str,
        content: &[u8],
        clock: &dyn Clock,
    ) -> Result<i64> {
        if content.is_empty() {
            return Err(StoreError::invalid(
                "附件",
                format!("“{file_name}”是空文件"),
            ));
        }
        const MAX_BYTES: usize = 20 * 1024 * 1024;
        if content.len() > MAX_BYTES {
            return Err(StoreError::invalid(
                "附件",
                format!(
                    "“{file_name}”有 {} MB，超过 20 MB，请压缩后再附",
                    content.len() / (1024 * 1024)
                ),
            ));
        }
        let now = datetime_text(clock.now());
        self.write(|tx| {
            claim_in(tx, claim_id, NaiveDate::MIN)?;
            tx.execute(
                "INSERT INTO claim_files (claim_id, kind, file_name, content, added_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                (claim_id, kind.code(), file_name.trim(), content, &now),
            )?;
            let id = tx.last_insert_rowid()?;
            tx.execute(
                "INSERT INTO claim_documents (claim_id, kind, is_present) VALUES (?1, ?2, 1)
                 ON CONFLICT (claim_id, kind) DO UPDATE SET is_present = 1",
                (claim_id, kind.code()),
            )?;
            Ok(id)
        })
    }

    /// The files attached to a claim: id, kind, name and size in bytes.
    pub fn claim_files(&self, claim_id: i64) -> Result<Vec<(i64, DocumentKind, String, i64)>> {
        let mut statement = self.conn().prepare_cached(
            "SELECT id, kind, file_name, length(content) FROM claim_files WHERE claim_id = ?1 ORDER BY id",
        )?;
        let rows = statement.query_map([claim_id], |row| {
            Ok((
                row.get(0)?,
                parse_code(1, &row.get::<_, String>(1)?, DocumentKind::parse)?,
                row.get(2)?,
                row.get(3)?,
            ))
        })?;
        Ok(rows.collect::<super::sql::Result<Vec<_>>>()?)
    }

    /// One attached file's name and bytes.
    pub fn claim_file(&self, file_id: i64) -> Result<(String, Vec<u8>)> {
        self.conn()
            .query_row(
                "SELECT file_name, content FROM claim_files WHERE id = ?1",
                [file_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::not_found(format!("附件（编号 {file_id}）")))
    }

    /// Submits a claim to the society: its payout is computed again (claims paid
    /// since count against the caps) and its warnings returned with it.
    pub fn submit_claim(&mut self, id: i64, date: NaiveDate, clock: &dyn Clock) -> Result<Claim> {
        let now = datetime_text(clock.now());
        let today = clock.today();
        self.write(|tx| {
            let claim = claim_in(tx, id, today)?;
            expect_state(&claim, &[ClaimState::Registered], "提交")?;
            not_future("提交日期", date, today)?;
            let computed = compute_in(tx, &claim.facts, id)?;
            tx.execute(
                "UPDATE claims SET state = ?1, submitted_on = ?2, computed_fen = ?3, computation = ?4,
                     updated_at = ?5 WHERE id = ?6",
                super::sql::params![
                    ClaimState::Submitted.code(),
                    date_text(date),
                    computed.amount_fen,
                    to_json(&computed.steps)?,
                    now,
                    id
                ],
            )?;
            Ok(())
        })?;
        self.claim(id, today)
    }

    /// Records the society's decision: the approved amount (which may differ from the
    /// computed one; both are kept).
    pub fn approve_claim(
        &mut self,
        id: i64,
        approved_fen: i64,
        date: NaiveDate,
        clock: &dyn Clock,
    ) -> Result<Claim> {
        let now = datetime_text(clock.now());
        let today = clock.today();
        if approved_fen <= 0 {
            return Err(StoreError::invalid(
                "核定金额",
                "必须大于 0（不赔付请用驳回）",
            ));
        }
        self.write(|tx| {
            let claim = claim_in(tx, id, today)?;
            expect_state(&claim, &[ClaimState::Submitted], "核定")?;
            not_future("核定日期", date, today)?;
            tx.execute(
                "UPDATE claims SET state = ?1, approved_fen = ?2, decided_on = ?3, updated_at = ?4 WHERE id = ?5",
                super::sql::params![ClaimState::Approved.code(), approved_fen, date_text(date), now, id],
            )?;
            Ok(())
        })?;
        self.claim(id, today)
    }

    /// Rejects a claim with the society's reason.
    pub fn reject_claim(
        &mut self,
        id: i64,
        reason: &str,
        date: NaiveDate,
        clock: &dyn Clock,
    ) -> Result<Claim> {
        let now = datetime_text(clock.now());
        let today = clock.today();
        if reason.trim().is_empty() {
            return Err(StoreError::invalid("驳回原因", "必须填写"));
        }
        self.write(|tx| {
            let claim = claim_in(tx, id, today)?;
            expect_state(&claim, &[ClaimState::Registered, ClaimState::Submitted], "驳回")?;
            not_future("驳回日期", date, today)?;
            tx.execute(
                "UPDATE claims SET state = ?1, reject_reason = ?2, decided_on = ?3, updated_at = ?4 WHERE id = ?5",
                super::sql::params![ClaimState::Rejected.code(), reason.trim(), date_text(date), now, id],
            )?;
            Ok(())
        })?;
        self.claim(id, today)
    }

    /// Pays an approved claim: the society's payout comes into the plan's fund and goes
    /// out to the member (two linked entries), in one transaction.
    pub fn pay_claim(
        &mut self,
        id: i64,
        date: NaiveDate,
        handler: &str,
        clock: &dyn Clock,
    ) -> Result<Claim> {
        let now = datetime_text(clock.now());
        let today = clock.today();
        self.check_open_date(date)?;
        self.write(|tx| {
            let claim = claim_in(tx, id, today)?;
            expect_state(&claim, &[ClaimState::Approved], "支付")?;
            let plan = plan_in(tx, claim.plan_id)?;
            let amount = claim.approved_fen.unwrap_or(claim.computed.amount_fen);
            let source_id: i64 = tx
                .query_row(
                    "SELECT id FROM income_sources WHERE name = ?1",
                    [PAYOUT_SOURCE],
                    |row| row.get(0),
                )
                .optional()?
                .ok_or_else(|| {
                    StoreError::invalid("收入来源", format!("找不到收入来源“{PAYOUT_SOURCE}”"))
                })?;
            let note = format!("{}赔付：{} {}", plan.name, claim.name, claim.facts.illness);
            let received = NewEntry {
                kind: EntryKind::Income,
                date,
                fund_id: plan.fund_id,
                category_id: None,
                source_id: Some(source_id),
                member_id: Some(claim.member_id),
                amount_fen: amount,
                payment_form: PaymentForm::Transfer,
                handler: handler.to_string(),
                note: note.clone(),
            };
            validate_entry(tx, &received, today)?;
            let received_id = insert_entry(tx, &received, EntryLinks::default(), &now)?;
            let paid = NewEntry {
                kind: EntryKind::Disbursement,
                category_id: Some(item_id(tx, PAYOUT_CATEGORY)?),
                source_id: None,
                ..received
            };
            validate_entry(tx, &paid, today)?;
            let paid_id = insert_checked(
                tx,
                &paid,
                &EntryExtras {
                    event: claim.facts.illness.clone(),
                    ..EntryExtras::default()
                },
                None,
                None,
                &now,
            )?;
            tx.execute(
                "UPDATE claims SET state = ?1, paid_on = ?2, paid_entry_id = ?3, received_entry_id = ?4,
                     updated_at = ?5 WHERE id = ?6",
                super::sql::params![
                    ClaimState::Paid.code(),
                    date_text(date),
                    paid_id,
                    received_id,
                    now,
                    id
                ],
            )?;
            Ok(())
        })?;
        self.claim(id, today)
    }

    /// Per plan, members enrolled, premiums, and claims paid in `year` (人次, 金额).
    pub fn plan_year_totals(&self, year: i32) -> Result<Vec<PlanYearTotal>> {
        let period = Period::year(year);
        let mut statement = self.conn().prepare_cached(
            "SELECT p.id, p.name,
                (SELECT count(*) FROM enrolments n WHERE n.plan_id = p.id),
                ifnull((SELECT sum(-e.delta_fen) FROM enrolments n JOIN entries e ON e.id = n.premium_entry_id
                        WHERE n.plan_id = p.id), 0),
                (SELECT count(*) FROM claims c WHERE c.plan_id = p.id AND c.state = 'paid'
                    AND c.paid_on >= ?1 AND c.paid_on <= ?2),
                ifnull((SELECT sum(c.approved_fen) FROM claims c WHERE c.plan_id = p.id AND c.state = 'paid'
                    AND c.paid_on >= ?1 AND c.paid_on <= ?2), 0)
             FROM plans p WHERE p.starts_on <= ?2 AND p.ends_on >= ?1 ORDER BY p.starts_on, p.id",
        )?;
        let rows =
            statement.query_map((date_text(period.start), date_text(period.end)), |row| {
                Ok(PlanYearTotal {
                    plan_id: row.get(0)?,
                    name: row.get(1)?,
                    enrolled: row.get(2)?,
                    premium_fen: row.get(3)?,
                    claims_paid: row.get(4)?,
                    paid_fen: row.get(5)?,
                })
            })?;
        Ok(rows.collect::<super::sql::Result<Vec<_>>>()?)
    }

    /// What each plan paid a member in its period, for the usage against the caps.
    pub fn member_plan_usage(&self, member_id: i64) -> Result<Vec<(String, i64, i64)>> {
        let mut statement = self.conn().prepare_cached(
            "SELECT p.name, count(c.id), ifnull(sum(c.approved_fen), 0)
             FROM plans p JOIN claims c ON c.plan_id = p.id AND c.member_id = ?1 AND c.state = 'paid'
             GROUP BY p.id ORDER BY p.starts_on, p.id",
        )?;
        let rows = statement.query_map([member_id], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?;
        Ok(rows.collect::<super::sql::Result<Vec<_>>>()?)
    }
}
