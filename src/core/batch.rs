//! Holiday batches (节日慰问): one decision, one list, the same item or amount for a
//! group. The preview decides, per member, whether they receive and why not.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::core::model::{Gender, Member, MemberStatus, PaymentForm};
use crate::core::policy::{Finding, PastPayout, Payout, Policy};
use crate::core::visit::Approval;

/// Who a batch is for. Hand-picked members, when any, are the whole group; otherwise
/// the filters select (an empty list means "any").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchGroup {
    pub statuses: Vec<MemberStatus>,
    pub gender: Option<Gender>,
    pub departments: Vec<String>,
    pub hardship_only: bool,
    pub picked: Vec<i64>,
    pub excluded: Vec<i64>,
}

impl BatchGroup {
    /// All in-service members.
    pub fn in_service() -> Self {
        Self {
            statuses: vec![MemberStatus::InService],
            ..Self::default()
        }
    }

    /// Whether the group's filters (not the exclusions) select a member.
    pub fn selects(&self, member: &Member) -> bool {
        if !self.picked.is_empty() {
            return self.picked.contains(&member.id);
        }
        (self.statuses.is_empty() || self.statuses.contains(&member.status))
            && self
                .gender
                .is_none_or(|gender| member.gender == Some(gender))
            && (self.departments.is_empty()
                || self
                    .departments
                    .iter()
                    .any(|department| department.trim() == member.department.trim()))
            && (!self.hardship_only || member.hardship.is_some())
    }

    /// The group in words, for the batch list and the sign-off sheet
    /// ("在职；女；科室：内科、外科；排除 2 人").
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.picked.is_empty() {
            parts.push(format!("指定 {} 人", self.picked.len()));
        } else {
            parts.push(if self.statuses.is_empty() {
                "全部人员".to_string()
            } else {
                self.statuses
                    .iter()
                    .map(|status| status.label())
                    .collect::<Vec<_>>()
                    .join("、")
            });
            if let Some(gender) = self.gender {
                parts.push(gender.label().to_string());
            }
            if !self.departments.is_empty() {
                parts.push(format!("科室：{}", self.departments.join("、")));
            }
            if self.hardship_only {
                parts.push("困难职工".to_string());
            }
        }
        if !self.excluded.is_empty() {
            parts.push(format!("手动排除 {} 人", self.excluded.len()));
        }
        parts.join("；")
    }
}

/// A batch as the clerk sets it up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchSpec {
    pub category_id: i64,
    pub fund_id: i64,
    pub date: NaiveDate,
    /// What each person gets ("月饼一盒", "大米 10 kg") or empty for an amount.
    pub item: String,
    /// The amount or the goods' value per person, in fen.
    pub amount_fen: i64,
    pub payment_form: PaymentForm,
    pub approval: Approval,
    pub group: BatchGroup,
    pub handler: String,
    pub note: String,
}

/// Why a selected member does not receive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    pub reason: String,
}

/// One member in a preview: included, or excluded with the reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub member_id: i64,
    pub employee_no: String,
    pub name: String,
    pub department: String,
    pub included: bool,
    /// Breaches exclude; warnings (a possible duplicate) are shown on included rows.
    pub findings: Vec<Finding>,
    /// Set when the clerk excluded the member by hand.
    pub excluded_by_hand: bool,
}

impl PreviewRow {
    /// The reasons in one line for the preview table.
    pub fn reasons_text(&self) -> String {
        if self.excluded_by_hand {
            return "手动排除".to_string();
        }
        self.findings
            .iter()
            .map(|finding| finding.message.clone())
            .collect::<Vec<_>>()
            .join("；")
    }
}

/// Every member the group selects, in department (pinyin) and 工号 order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchPreview {
    pub rows: Vec<PreviewRow>,
    pub amount_fen: i64,
}

impl BatchPreview {
    pub fn recipients(&self) -> impl Iterator<Item = &PreviewRow> {
        self.rows.iter().filter(|row| row.included)
    }

    pub fn recipient_count(&self) -> usize {
        self.recipients().count()
    }

    pub fn excluded_count(&self) -> usize {
        self.rows.len() - self.recipient_count()
    }

    pub fn total_fen(&self) -> i64 {
        self.recipient_count() as i64 * self.amount_fen
    }

    /// Recipients who already received this category within the duplicate window
    /// (the duplicate guard's warning on their row): paying them again may be a
    /// double payout.
    pub fn possible_duplicates(&self) -> impl Iterator<Item = &PreviewRow> {
        self.recipients().filter(|row| {
            row.findings.iter().any(|finding| {
                finding.rule_name == crate::core::policy::DUPLICATE_GUARD && !finding.is_breach()
            })
        })
    }

    /// The warning above a preview and in the confirmation when some recipients were
    /// paid this category within `window_days`: how many and what they would get again.
    pub fn duplicate_warning(&self, window_days: i64) -> Option<String> {
        let count = self.possible_duplicates().count();
        (count > 0).then(|| {
            format!(
                "其中 {count} 人在 {window_days} 天内已领过同一类别，本批再发合计 {} 元，可能重复发放：请逐一核对，或排除这些人",
                crate::core::money::format_fen(count as i64 * self.amount_fen)
            )
        })
    }
}

/// Decides who in `members` receives. Non-members of the union never receive
/// collective welfare, whatever the rules say; everyone else is checked against the
/// policy with their own history (`history` by member id).
pub fn preview_batch(
    spec: &BatchSpec,
    members: &[Member],
    policy: &Policy<'_>,
    history: &HashMap<i64, Vec<PastPayout>>,
) -> BatchPreview {
    let mut rows: Vec<PreviewRow> = members
        .iter()
        .filter(|member| spec.group.selects(member))
        .map(|member| {
            let excluded_by_hand = spec.group.excluded.contains(&member.id);
            let mut findings = if excluded_by_hand {
                Vec::new()
            } else {
                let payout = Payout {
                    category_id: spec.category_id,
                    member: Some(&member.draft),
                    date: spec.date,
                    amount_fen: spec.amount_fen,
                    payment_form: spec.payment_form,
                    event: "",
                };
                policy.check(
                    &payout,
                    history.get(&member.id).map(Vec::as_slice).unwrap_or(&[]),
                )
            };
            if !member.is_union_member && !findings.iter().any(|f| f.is_breach()) {
                findings.insert(
                    0,
                    Finding {
                        rule_id: None,
                        rule_name: "非会员".to_string(),
                        severity: crate::core::policy::Severity::Breach,
                        message: format!("{}不是工会会员，不享受集体福利", member.name),
                        earlier_entry_id: None,
                    },
                );
            }
            let included = !excluded_by_hand && !findings.iter().any(Finding::is_breach);
            PreviewRow {
                member_id: member.id,
                employee_no: member.employee_no.clone(),
                name: member.name.clone(),
                department: member.department.clone(),
                included,
                findings,
                excluded_by_hand,
            }
        })
        .collect();
    // Departments in pinyin order (儿科, 放射科, 内科 …), as the sign-off sheet prints
    // them, so the screen, the vouchers and the paper follow one order.
    rows.sort_by_cached_key(|row| {
        (
            crate::core::search::pinyin_sort_key(&row.department),
            row.employee_no.clone(),
            row.member_id,
        )
    });
    BatchPreview {
        rows,
        amount_fen: spec.amount_fen,
    }
}

/// A committed batch, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    pub id: i64,
    pub category_id: i64,
    pub category_name: String,
    pub fund_id: i64,
    pub date: NaiveDate,
    pub item: String,
    pub amount_fen: i64,
    pub payment_form: PaymentForm,
    pub approval: Approval,
    pub group_text: String,
    pub recipient_count: i64,
    pub total_fen: i64,
    pub handler: String,
    pub note: String,
    pub created_at: NaiveDateTime,
    pub first_voucher: String,
    pub last_voucher: String,
    pub reversed_on: Option<NaiveDate>,
    pub reversal_reason: String,
}

impl Batch {
    /// The printed batch number: `P2026-0003`.
    pub fn number(&self) -> String {
        format!("P{}-{:04}", self.date.format("%Y"), self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::MemberDraft;
    use crate::core::policy::{Rule, RuleCheck};

    fn member(id: i64, department: &str, status: MemberStatus) -> Member {
        let mut draft = MemberDraft::new(format!("{id:03}"), format!("员工{id}"));
        draft.department = department.to_string();
        draft.status = status;
        Member { id, draft }
    }

    fn spec(group: BatchGroup) -> BatchSpec {
        BatchSpec {
            category_id: 2,
            fund_id: 1,
            date: NaiveDate::from_ymd_opt(2026, 9, 20).unwrap(),
            item: "月饼".to_string(),
            amount_fen: 30_000,
            payment_form: PaymentForm::Goods,
            approval: Approval {
                decided_on: NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
                minutes_no: "2026-07".to_string(),
                approver: "主席".to_string(),
            },
            group,
            handler: String::new(),
            note: String::new(),
        }
    }

    #[test]
    fn group_filters_exclusions_and_cap() {
        let mut members = vec![
            member(1, "外科", MemberStatus::InService),
            member(2, "内科", MemberStatus::InService),
            member(3, "内科", MemberStatus::Retired),
            member(4, "内科", MemberStatus::InService),
            member(5, "外科", MemberStatus::InService),
        ];
        members[3].draft.is_union_member = false;
        let categories = vec![];
        let rules = vec![Rule {
            id: 1,
            name: "节日上限".to_string(),
            category_ids: vec![2],
            check: RuleCheck::YearlyCap { cap_fen: 150_000 },
            is_active: true,
        }];
        let policy = Policy {
            rules: &rules,
            categories: &categories,
            duplicate_window_days: 0,
        };
        let history = HashMap::from([(
            1,
            vec![PastPayout {
                entry_id: 9,
                voucher_no: "2026-000009".to_string(),
                date: NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(),
                category_id: 2,
                amount_fen: 130_000,
                event: String::new(),
            }],
        )]);
        let mut group = BatchGroup::in_service();
        group.excluded = vec![5];
        let preview = preview_batch(&spec(group.clone()), &members, &policy, &history);
        let names: Vec<(&str, bool)> = preview
            .rows
            .iter()
            .map(|row| (row.name.as_str(), row.included))
            .collect();
        assert_eq!(
            names,
            vec![
                ("员工2", true),
                ("员工4", false),
                ("员工1", false),
                ("员工5", false)
            ]
        );
        assert_eq!(preview.recipient_count(), 1);
        assert_eq!(preview.total_fen(), 30_000);
        assert_eq!(
            preview.rows[1].reasons_text(),
            "员工4不是工会会员，不享受集体福利"
        );
        assert!(preview.rows[2].reasons_text().contains("将超出 100.00 元"));
        assert_eq!(preview.rows[3].reasons_text(), "手动排除");
        assert_eq!(group.describe(), "在职；手动排除 1 人");
    }
}
