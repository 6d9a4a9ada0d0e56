//! Reminders (待办) for 首页: what the clerk should do soon, each with what opens the
//! form to do it.

use std::collections::HashSet;

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::core::batch::Batch;
use crate::core::date::format_date;
use crate::core::holidays::Holiday;
use crate::core::model::{Category, HardshipLevel, Member, MemberStatus};
use crate::core::visit::Visit;

/// How far ahead retirements are announced, in days.
pub const RETIREMENT_NOTICE_DAYS: i64 = 60;
/// How far ahead holidays (and the Spring Festival hardship visits) are announced.
pub const HOLIDAY_NOTICE_DAYS: i64 = 30;
/// A batch dated up to this many days before a holiday counts as that holiday's.
pub const BATCH_LEAD_DAYS: i64 = 60;

/// One thing to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reminder {
    /// A hospital visit still open: close it when the member is discharged.
    InHospital {
        visit_id: i64,
        member_id: i64,
        name: String,
        since: NaiveDate,
        place: String,
    },
    /// A member retiring soon with no retirement visit or payout yet.
    Retiring {
        member_id: i64,
        name: String,
        department: String,
        retirement_date: NaiveDate,
    },
    /// A hardship household not yet visited before the Spring Festival.
    HardshipNotVisited {
        member_id: i64,
        name: String,
        festival: NaiveDate,
    },
    /// A statutory holiday coming with no batch for it.
    HolidayWithoutBatch {
        holiday: String,
        date: NaiveDate,
        category_id: Option<i64>,
    },
    /// The rule set is empty: nothing is checked.
    NoRules,
}

impl Reminder {
    /// The reminder as a line on 首页.
    pub fn text(&self, today: NaiveDate) -> String {
        match self {
            Reminder::InHospital {
                name, since, place, ..
            } => {
                let days = (today - *since).num_days();
                let place = if place.trim().is_empty() {
                    String::new()
                } else {
                    format!("（{}）", place.trim())
                };
                format!(
                    "{name}住院中{place}，{} 探望，已 {days} 天：出院后请结束走访",
                    format_date(*since)
                )
            }
            Reminder::Retiring {
                name,
                department,
                retirement_date,
                ..
            } => format!(
                "{name}（{department}）将于 {} 退休，尚无退休慰问",
                format_date(*retirement_date)
            ),
            Reminder::HardshipNotVisited { name, festival, .. } => {
                format!("困难职工{name}尚未走访，春节是 {}", format_date(*festival))
            }
            Reminder::HolidayWithoutBatch { holiday, date, .. } => format!(
                "{holiday}（{}，还有 {} 天）尚无节日慰问批次",
                format_date(*date),
                (*date - today).num_days()
            ),
            Reminder::NoRules => {
                "尚未设置发放规则：请在 设置 › 发放规则 中选择示例（命令行：union-ledger rules preset），并按本省规定核对".to_string()
            }
        }
    }
}

/// What the reminders are computed from, as the store prepares it.
#[derive(Debug, Clone, Copy)]
pub struct ReminderInputs<'a> {
    pub today: NaiveDate,
    pub members: &'a [Member],
    pub open_visits: &'a [Visit],
    /// Members with a retirement visit or payout at any time.
    pub retirement_done: &'a HashSet<i64>,
    /// Members visited or paid in the hardship window before the next Spring Festival
    /// (see [`hardship_window`]).
    pub hardship_visited: &'a HashSet<i64>,
    /// Batches not reversed.
    pub batches: &'a [Batch],
    pub categories: &'a [Category],
    pub rule_count: usize,
}

/// The next Spring Festival within the notice period, and the day from which a visit
/// counts as its visit.
pub fn hardship_window(today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    Holiday::between(today, today + Duration::days(HOLIDAY_NOTICE_DAYS))
        .into_iter()
        .find(|(holiday, _)| *holiday == Holiday::SpringFestival)
        .map(|(_, festival)| (festival - Duration::days(BATCH_LEAD_DAYS), festival))
}

/// The reminders, most urgent kinds first, each kind sorted by date then name.
pub fn reminders(inputs: &ReminderInputs<'_>) -> Vec<Reminder> {
    let today = inputs.today;
    let mut found = Vec::new();
    if inputs.rule_count == 0 {
        found.push(Reminder::NoRules);
    }
    let mut hospital: Vec<&Visit> = inputs.open_visits.iter().filter(|v| v.is_open).collect();
    hospital.sort_by(|a, b| (a.date, &a.member_name).cmp(&(b.date, &b.member_name)));
    found.extend(hospital.into_iter().map(|visit| Reminder::InHospital {
        visit_id: visit.id,
        member_id: visit.member_id,
        name: visit.member_name.clone(),
        since: visit.date,
        place: visit.place.clone(),
    }));

    let horizon = today + Duration::days(RETIREMENT_NOTICE_DAYS);
    let mut retiring: Vec<&Member> = inputs
        .members
        .iter()
        .filter(|member| {
            member.is_union_member
                && member.status == MemberStatus::InService
                && member
                    .retirement_date
                    .is_some_and(|date| date >= today && date <= horizon)
                && !inputs.retirement_done.contains(&member.id)
        })
        .collect();
    retiring.sort_by(|a, b| (a.retirement_date, &a.name).cmp(&(b.retirement_date, &b.name)));
    found.extend(retiring.into_iter().map(|member| Reminder::Retiring {
        member_id: member.id,
        name: member.name.clone(),
        department: member.department.clone(),
        retirement_date: member.retirement_date.unwrap_or(today),
    }));

    if let Some((_, festival)) = hardship_window(today) {
        let mut hardship: Vec<&Member> = inputs
            .members
            .iter()
            .filter(|member| {
                member.hardship.is_some()
                    && !matches!(member.status, MemberStatus::Left | MemberStatus::Deceased)
                    && !inputs.hardship_visited.contains(&member.id)
            })
            .collect();
        hardship.sort_by(|a, b| (&a.department, &a.name).cmp(&(&b.department, &b.name)));
        found.extend(
            hardship
                .into_iter()
                .map(|member| Reminder::HardshipNotVisited {
                    member_id: member.id,
                    name: member.name.clone(),
                    festival,
                }),
        );
    }

    for (holiday, date) in Holiday::between(today, today + Duration::days(HOLIDAY_NOTICE_DAYS)) {
        let has_batch = inputs.batches.iter().any(|batch| {
            batch.reversed_on.is_none()
                && batch.category_name == holiday.name()
                && batch.date >= date - Duration::days(BATCH_LEAD_DAYS)
                && batch.date <= date + Duration::days(HOLIDAY_NOTICE_DAYS)
        });
        if !has_batch {
            let category_id = inputs
                .categories
                .iter()
                .filter(|category| category.name == holiday.name() && category.parent_id.is_some())
                .map(|category| category.id)
                .min();
            found.push(Reminder::HolidayWithoutBatch {
                holiday: holiday.name().to_string(),
                date,
                category_id,
            });
        }
    }
    found
}

/// How far ahead the Spring Festival list (春节慰问名单) looks for the next festival.
const FESTIVAL_LOOKAHEAD_DAYS: i64 = 400;

/// The Spring Festival on or after `today`, if the calendar knows it.
pub fn next_spring_festival(today: NaiveDate) -> Option<NaiveDate> {
    Holiday::between(today, today + Duration::days(FESTIVAL_LOOKAHEAD_DAYS))
        .into_iter()
        .find(|(holiday, _)| *holiday == Holiday::SpringFestival)
        .map(|(_, date)| date)
}

/// One household on the Spring Festival list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FestivalRow {
    pub member_id: i64,
    pub employee_no: String,
    pub name: String,
    pub department: String,
    pub status: MemberStatus,
    /// The hardship file's grade, for a hardship household.
    pub hardship: Option<HardshipLevel>,
    /// Whether the member was visited or paid since [`FestivalRoster::from`].
    pub visited: bool,
}

impl FestivalRow {
    /// "退休", "困难职工（深度困难）" or "离休 · 困难职工（一般困难）".
    pub fn kind_text(&self) -> String {
        let mut parts = Vec::new();
        if matches!(self.status, MemberStatus::Retired | MemberStatus::Veteran) {
            parts.push(self.status.label().to_string());
        }
        if let Some(level) = self.hardship {
            parts.push(format!("困难职工（{}）", level.label()));
        }
        parts.join(" · ")
    }
}

/// The Spring Festival visits to retired and hardship households (春节慰问名单):
/// who is on the list and who has been visited or paid for this festival.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FestivalRoster {
    pub festival: NaiveDate,
    /// Visits and payouts from this day on count for the festival.
    pub from: NaiveDate,
    /// By department, then name.
    pub rows: Vec<FestivalRow>,
}

impl FestivalRoster {
    pub fn visited_count(&self) -> usize {
        self.rows.iter().filter(|row| row.visited).count()
    }
}

/// Builds the list for the festival on `festival`: members retired or 离休, and
/// members with a hardship file, leaving out those who left or died. `visited` holds
/// the members visited or paid since [`BATCH_LEAD_DAYS`] before the festival.
pub fn festival_roster(
    members: &[Member],
    festival: NaiveDate,
    visited: &HashSet<i64>,
) -> FestivalRoster {
    let mut rows: Vec<FestivalRow> = members
        .iter()
        .filter(|member| {
            matches!(member.status, MemberStatus::Retired | MemberStatus::Veteran)
                || (member.hardship.is_some()
                    && !matches!(member.status, MemberStatus::Left | MemberStatus::Deceased))
        })
        .map(|member| FestivalRow {
            member_id: member.id,
            employee_no: member.employee_no.clone(),
            name: member.name.clone(),
            department: member.department.clone(),
            status: member.status,
            hardship: member.hardship.as_ref().map(|file| file.level),
            visited: visited.contains(&member.id),
        })
        .collect();
    rows.sort_by(|a, b| {
        (&a.department, &a.name, &a.employee_no).cmp(&(&b.department, &b.name, &b.employee_no))
    });
    FestivalRoster {
        festival,
        from: festival - Duration::days(BATCH_LEAD_DAYS),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{HardshipFile, MemberDraft, PaymentForm};
    use crate::core::visit::Approval;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn member(id: i64, name: &str) -> Member {
        Member {
            id,
            draft: MemberDraft::new(format!("{id:03}"), name),
        }
    }

    fn batch(category_name: &str, day: NaiveDate) -> Batch {
        Batch {
            id: 1,
            category_id: 3,
            category_name: category_name.to_string(),
            fund_id: 1,
            date: day,
            item: String::new(),
            amount_fen: 100,
            payment_form: PaymentForm::Goods,
            approval: Approval {
                decided_on: day,
                minutes_no: "1".to_string(),
                approver: String::new(),
            },
            group_text: String::new(),
            recipient_count: 1,
            total_fen: 100,
            handler: String::new(),
            note: String::new(),
            created_at: day.and_hms_opt(9, 0, 0).unwrap(),
            first_voucher: String::new(),
            last_voucher: String::new(),
            reversed_on: None,
            reversal_reason: String::new(),
        }
    }

    #[test]
    fn january_reminders() {
        let today = date(2027, 1, 10);
        let mut retiring = member(1, "赵退休");
        retiring.draft.retirement_date = Some(date(2027, 2, 28));
        let mut already = member(2, "钱已办");
        already.draft.retirement_date = Some(date(2027, 2, 1));
        let mut later = member(3, "孙明年");
        later.draft.retirement_date = Some(date(2027, 6, 1));
        let mut poor = member(4, "李困难");
        poor.draft.hardship = Some(HardshipFile {
            level: HardshipLevel::Deep,
            reason: "重病".to_string(),
            reviewed_on: None,
        });
        let mut visited = member(5, "周已访");
        visited.draft.hardship = poor.draft.hardship.clone();
        let members = vec![retiring, already, later, poor, visited];
        let retirement_done = HashSet::from([2]);
        let hardship_visited = HashSet::from([5]);
        let batches = vec![batch("元旦", date(2026, 12, 28))];
        let inputs = ReminderInputs {
            today,
            members: &members,
            open_visits: &[],
            retirement_done: &retirement_done,
            hardship_visited: &hardship_visited,
            batches: &batches,
            categories: &[],
            rule_count: 3,
        };
        let found = reminders(&inputs);
        let texts: Vec<String> = found.iter().map(|r| r.text(today)).collect();
        assert_eq!(
            texts,
            vec![
                "赵退休（）将于 2027-02-28 退休，尚无退休慰问".to_string(),
                "困难职工李困难尚未走访，春节是 2027-02-06".to_string(),
                "春节（2027-02-06，还有 27 天）尚无节日慰问批次".to_string(),
            ]
        );
        // No Spring Festival within 30 days: no hardship reminder.
        let inputs = ReminderInputs {
            today: date(2026, 11, 22),
            rule_count: 0,
            ..inputs
        };
        let found = reminders(&inputs);
        assert_eq!(found[0], Reminder::NoRules);
        assert!(
            !found
                .iter()
                .any(|r| matches!(r, Reminder::HardshipNotVisited { .. }))
        );
    }

    #[test]
    fn spring_festival_list_has_retirees_and_hardship_households() {
        assert_eq!(
            next_spring_festival(date(2026, 6, 30)),
            Some(date(2027, 2, 6))
        );
        assert_eq!(
            next_spring_festival(date(2027, 2, 6)),
            Some(date(2027, 2, 6))
        );
        assert_eq!(
            next_spring_festival(date(2027, 2, 7)),
            Some(date(2028, 1, 26))
        );
        let mut retired = member(1, "吴退休");
        retired.draft.status = MemberStatus::Retired;
        retired.draft.department = "内科".to_string();
        let mut poor = member(2, "郑困难");
        poor.draft.department = "外科".to_string();
        poor.draft.hardship = Some(HardshipFile {
            level: HardshipLevel::Special,
            reason: "重病".to_string(),
            reviewed_on: None,
        });
        let mut both = member(3, "王离休");
        both.draft.status = MemberStatus::Veteran;
        both.draft.department = "内科".to_string();
        both.draft.hardship = poor.draft.hardship.clone();
        let mut gone = member(4, "冯已故");
        gone.draft.status = MemberStatus::Deceased;
        gone.draft.hardship = poor.draft.hardship.clone();
        let working = member(5, "陈在职");
        let members = vec![retired, poor, both, gone, working];
        let roster = festival_roster(&members, date(2027, 2, 6), &HashSet::from([2]));
        assert_eq!(roster.from, date(2026, 12, 8));
        let rows: Vec<(String, String, bool)> = roster
            .rows
            .iter()
            .map(|row| (row.name.clone(), row.kind_text(), row.visited))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("吴退休".to_string(), "退休".to_string(), false),
                (
                    "王离休".to_string(),
                    "离休 · 困难职工（特别困难）".to_string(),
                    false
                ),
                (
                    "郑困难".to_string(),
                    "困难职工（特别困难）".to_string(),
                    true
                ),
            ]
        );
        assert_eq!(roster.visited_count(), 1);
    }
}
