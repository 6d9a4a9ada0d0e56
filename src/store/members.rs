//! Members: the register, keyed by 工号.

use super::sql::{OptionalExtension, Row, ToCell, Transaction};
use serde::Serialize;

use super::codec::{date_text, datetime_text, parse_code, parse_optional_date};
use super::{Ledger, Result, StoreError};
use crate::core::date::Clock;
use crate::core::model::{Gender, HardshipFile, HardshipLevel, Member, MemberDraft, MemberStatus};
use crate::core::progress::Progress;

const MEMBER_COLUMNS: &str =
    "id, employee_no, name, gender, department, status, birth_date, join_date,
    retirement_date, phone, bank_card, is_union_member, dues_paid, hardship_level, hardship_reason,
    hardship_reviewed_on";

/// What a roster import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct UpsertSummary {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

fn member_from_row(row: &Row<'_>) -> super::sql::Result<Member> {
    let hardship_level: Option<String> = row.get(13)?;
    let hardship = match hardship_level {
        Some(level) => Some(HardshipFile {
            level: parse_code(13, &level, HardshipLevel::parse)?,
            reason: row.get(14)?,
            reviewed_on: parse_optional_date(15, row.get(15)?)?,
        }),
        None => None,
    };
    let gender: Option<String> = row.get(3)?;
    Ok(Member {
        id: row.get(0)?,
        draft: MemberDraft {
            employee_no: row.get(1)?,
            name: row.get(2)?,
            gender: gender
                .map(|g| parse_code(3, &g, Gender::parse))
                .transpose()?,
            department: row.get(4)?,
            status: parse_code(5, &row.get::<_, String>(5)?, MemberStatus::parse)?,
            birth_date: parse_optional_date(6, row.get(6)?)?,
            join_date: parse_optional_date(7, row.get(7)?)?,
            retirement_date: parse_optional_date(8, row.get(8)?)?,
            phone: row.get(9)?,
            bank_card: row.get(10)?,
            is_union_member: row.get(11)?,
            dues_paid: row.get(12)?,
            hardship,
        },
    })
}

/// Checks a draft before it is saved; the error names the field.
pub fn validate_draft(draft: &MemberDraft) -> Result<()> {
    if draft.employee_no.trim().is_empty() {
        return Err(StoreError::invalid("工号", "不能为空"));
    }
    if draft.name.trim().is_empty() {
        return Err(StoreError::invalid("姓名", "不能为空"));
    }
    if let (Some(birth), Some(join)) = (draft.birth_date, draft.join_date)
        && join < birth
    {
        return Err(StoreError::invalid("入会日期", "早于出生日期"));
    }
    if !draft.bank_card.is_empty() && !draft.bank_card.chars().all(|c| c.is_ascii_digit()) {
        return Err(StoreError::invalid("银行卡号", "只能包含数字"));
    }
    Ok(())
}

fn draft_params(draft: &MemberDraft) -> [Box<dyn ToCell + '_>; 15] {
    [
        Box::new(draft.employee_no.trim()),
        Box::new(draft.name.trim()),
        Box::new(draft.gender.map(Gender::code)),
        Box::new(draft.department.trim()),
        Box::new(draft.status.code()),
        Box::new(draft.birth_date.map(date_text)),
        Box::new(draft.join_date.map(date_text)),
        Box::new(draft.retirement_date.map(date_text)),
        Box::new(draft.phone.trim()),
        Box::new(draft.bank_card.trim()),
        Box::new(draft.is_union_member),
        Box::new(draft.dues_paid),
        Box::new(draft.hardship.as_ref().map(|h| h.level.code())),
        Box::new(
            draft
                .hardship
                .as_ref()
                .map(|h| h.reason.trim().to_string())
                .unwrap_or_default(),
        ),
        Box::new(
            draft
                .hardship
                .as_ref()
                .and_then(|h| h.reviewed_on)
                .map(date_text),
        ),
    ]
}

fn insert_member(tx: &Transaction<'_>, draft: &MemberDraft, now: &str) -> Result<i64> {
    let values = draft_params(draft);
    let mut params: Vec<&dyn ToCell> = values.iter().map(|v| v.as_ref()).collect();
    params.push(&now);
    // Cached: a statement that fires the change-log triggers is costly to compile,
    // and a roster import runs it thousands of times.
    tx.prepare_cached(
        "INSERT INTO members (employee_no, name, gender, department, status, birth_date, join_date,
            retirement_date, phone, bank_card, is_union_member, dues_paid, hardship_level, hardship_reason,
            hardship_reviewed_on, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16)",
    )?
    .execute(params.as_slice())?;
    Ok(tx.last_insert_rowid()?)
}

fn update_member(tx: &Transaction<'_>, id: i64, draft: &MemberDraft, now: &str) -> Result<()> {
    let values = draft_params(draft);
    let mut params: Vec<&dyn ToCell> = values.iter().map(|v| v.as_ref()).collect();
    params.push(&now);
    params.push(&id);
    tx.prepare_cached(
        "UPDATE members SET employee_no = ?1, name = ?2, gender = ?3, department = ?4, status = ?5,
            birth_date = ?6, join_date = ?7, retirement_date = ?8, phone = ?9, bank_card = ?10,
            is_union_member = ?11, dues_paid = ?12, hardship_level = ?13, hardship_reason = ?14,
            hardship_reviewed_on = ?15, updated_at = ?16
         WHERE id = ?17",
    )?
    .execute(params.as_slice())?;
    Ok(())
}

fn id_for_employee_no(tx: &super::sql::Connection, employee_no: &str) -> Result<Option<i64>> {
    Ok(tx
        .prepare_cached("SELECT id FROM members WHERE employee_no = ?1")?
        .query_row([employee_no.trim()], |row| row.get(0))
        .optional()?)
}

impl Ledger {
    /// Every member, sorted by 工号.
    pub fn members(&self) -> Result<Vec<Member>> {
        members_in(self.conn())
    }

    pub fn member(&self, id: i64) -> Result<Member> {
        member_in(self.conn(), id)
    }

    pub fn member_by_employee_no(&self, employee_no: &str) -> Result<Option<Member>> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {MEMBER_COLUMNS} FROM members WHERE employee_no = ?1"),
                [employee_no.trim()],
                member_from_row,
            )
            .optional()?)
    }

    /// The departments in use, sorted.
    pub fn departments(&self) -> Result<Vec<String>> {
        let mut statement = self.conn().prepare_cached(
            "SELECT DISTINCT department FROM members WHERE department <> '' ORDER BY department",
        )?;
        let rows = statement.query_map([], |row| row.get(0))?;
        Ok(rows.collect::<super::sql::Result<Vec<_>>>()?)
    }

    /// Adds a new member. Refuses a 工号 already in the register.
    pub fn add_member(&mut self, draft: &MemberDraft, clock: &dyn Clock) -> Result<i64> {
        validate_draft(draft)?;
        let now = datetime_text(clock.now());
        self.write(|tx| {
            if let Some(existing) = id_for_employee_no(tx, &draft.employee_no)? {
                let name: String =
                    tx.query_row("SELECT name FROM members WHERE id = ?1", [existing], |r| {
                        r.get(0)
                    })?;
                return Err(StoreError::invalid(
                    "工号",
                    format!("“{}”已被会员 {name} 使用", draft.employee_no.trim()),
                ));
            }
            insert_member(tx, draft, &now)
        })
    }

    /// Saves changes to an existing member. Members are never deleted: a member who
    /// leaves or dies changes status.
    pub fn update_member(&mut self, id: i64, draft: &MemberDraft, clock: &dyn Clock) -> Result<()> {
        validate_draft(draft)?;
        let now = datetime_text(clock.now());
        self.write(|tx| {
            match id_for_employee_no(tx, &draft.employee_no)? {
                Some(other) if other != id => {
                    return Err(StoreError::invalid(
                        "工号",
                        format!("“{}”已被另一位会员使用", draft.employee_no.trim()),
                    ));
                }
                _ => {}
            }
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM members WHERE id = ?1)",
                [id],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(StoreError::not_found(format!("会员（编号 {id}）")));
            }
            update_member(tx, id, draft, &now)
        })
    }

    /// Adds or updates members by 工号 in one transaction: a re-imported roster updates
    /// the people already registered instead of duplicating them.
    pub fn upsert_members(
        &mut self,
        drafts: &[MemberDraft],
        clock: &dyn Clock,
    ) -> Result<UpsertSummary> {
        self.upsert_members_counted(drafts, clock, &Progress::none())
    }

    /// [`Ledger::upsert_members`], counting each row into `progress` as it is written.
    pub fn upsert_members_counted(
        &mut self,
        drafts: &[MemberDraft],
        clock: &dyn Clock,
        progress: &Progress,
    ) -> Result<UpsertSummary> {
        for (index, draft) in drafts.iter().enumerate() {
            validate_draft(draft).map_err(|error| {
                StoreError::invalid(format!("第 {} 位", index + 1), error.to_string())
            })?;
        }
        let now = datetime_text(clock.now());
        progress.set_total(drafts.len() as u64);
        self.write(|tx| upsert_in(tx, drafts, &now, progress))
    }
}

/// Adds or updates members by 工号 inside an open transaction.
pub(super) fn upsert_in(
    tx: &Transaction<'_>,
    drafts: &[MemberDraft],
    now: &str,
    progress: &Progress,
) -> Result<UpsertSummary> {
    let mut summary = UpsertSummary::default();
    // Every member read once (one round trip to a server, not two per row), kept up
    // to date as rows are added or changed, so a 工号 twice in one file finds the first.
    let mut known: std::collections::HashMap<String, Member> = members_in(tx)?
        .into_iter()
        .map(|member| (member.draft.employee_no.clone(), member))
        .collect();
    for draft in drafts {
        let key = draft.employee_no.trim().to_string();
        match known.get_mut(&key) {
            Some(current) => {
                if normalized(&current.draft) == normalized(draft) {
                    summary.unchanged += 1;
                } else {
                    update_member(tx, current.id, draft, now)?;
                    current.draft = draft.clone();
                    summary.updated += 1;
                }
            }
            None => {
                let id = insert_member(tx, draft, now)?;
                known.insert(
                    key,
                    Member {
                        id,
                        draft: draft.clone(),
                    },
                );
                summary.added += 1;
            }
        }
        progress.advance(1);
    }
    Ok(summary)
}

/// Every member, sorted by 工号, read through any connection (also inside a transaction).
pub(super) fn members_in(conn: &super::sql::Connection) -> Result<Vec<Member>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {MEMBER_COLUMNS} FROM members ORDER BY employee_no, id"
    ))?;
    let rows = statement.query_map([], member_from_row)?;
    Ok(rows.collect::<super::sql::Result<Vec<_>>>()?)
}

/// One member by id through any connection (also inside a transaction).
pub(super) fn member_in(conn: &super::sql::Connection, id: i64) -> Result<Member> {
    conn.query_row(
        &format!("SELECT {MEMBER_COLUMNS} FROM members WHERE id = ?1"),
        [id],
        member_from_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found(format!("会员（编号 {id}）")))
}

/// A draft as it would be stored (trimmed), for comparing an import with the register.
fn normalized(draft: &MemberDraft) -> MemberDraft {
    let mut draft = draft.clone();
    draft.employee_no = draft.employee_no.trim().to_string();
    draft.name = draft.name.trim().to_string();
    draft.department = draft.department.trim().to_string();
    draft.phone = draft.phone.trim().to_string();
    draft.bank_card = draft.bank_card.trim().to_string();
    if let Some(hardship) = draft.hardship.as_mut() {
        hardship.reason = hardship.reason.trim().to_string();
    }
    draft
}
