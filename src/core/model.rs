//! The ledger's values: members, funds, categories, income sources and entries.
//! Plain data with Chinese labels; no storage and no UI here.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// Declares a closed set of choices with a stable storage code and a Chinese label, and
/// a lenient parser that accepts the label, the code and common synonyms.
macro_rules! labelled_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $($variant:ident => $code:literal, $label:literal, [$($alias:literal),*]);+ $(;)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every choice, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code stored in the ledger file and used on the command line.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The Simplified Chinese label the clerk sees.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Parses a code, a label or a common synonym (case-insensitive, trimmed).
            pub fn parse(text: &str) -> Option<$name> {
                let text = text.trim();
                let lower = text.to_lowercase();
                $(
                    if lower == $code || text == $label $(|| text == $alias || lower == $alias)* {
                        return Some($name::$variant);
                    }
                )+
                None
            }

            /// A human list of the accepted labels, for error messages.
            pub fn expected() -> String {
                [$($label),+].join("、")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

labelled_enum!(
    /// A member's gender, as the HR roster gives it.
    Gender {
        Male => "male", "男", ["m", "男性", "男士"];
        Female => "female", "女", ["f", "女性", "女士"];
    }
);

labelled_enum!(
    /// Where a member stands with the employer.
    MemberStatus {
        InService => "in_service", "在职", ["在岗", "在编", "active"];
        Retired => "retired", "退休", ["已退休", "退休职工"];
        Veteran => "veteran", "离休", ["离休干部"];
        Left => "left", "调离", ["离职", "调出", "辞职"];
        Deceased => "deceased", "已故", ["去世", "死亡", "病故"];
    }
);

labelled_enum!(
    /// The grade of a hardship file (困难职工档案).
    HardshipLevel {
        Ordinary => "ordinary", "一般困难", ["一般"];
        Special => "special", "特别困难", ["特别", "特困"];
        Deep => "deep", "深度困难", ["深度", "深困"];
    }
);

labelled_enum!(
    /// How money or goods reached the recipient.
    PaymentForm {
        Cash => "cash", "现金", ["cash"];
        Transfer => "transfer", "转账", ["银行转账", "转帐", "bank"];
        Goods => "goods", "实物", ["物品", "礼品"];
        GoodsVoucher => "goods_voucher", "提货券", ["提货卷", "实物券"];
        ShoppingCard => "shopping_card", "购物卡", ["购物券", "商场卡", "储值卡"];
    }
);

labelled_enum!(
    /// Money coming into a fund, or going out of it.
    EntryKind {
        Income => "income", "收入", ["收", "in"];
        Disbursement => "disbursement", "支出", ["支", "out", "expense"];
    }
);

/// A hardship file: the union's record that a member's household is in difficulty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HardshipFile {
    pub level: HardshipLevel,
    pub reason: String,
    pub reviewed_on: Option<NaiveDate>,
}

/// What the clerk or an import supplies to create or update a member. The 工号 is the
/// identity: saving a draft whose 工号 exists updates that member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDraft {
    pub employee_no: String,
    pub name: String,
    pub gender: Option<Gender>,
    pub department: String,
    pub status: MemberStatus,
    pub birth_date: Option<NaiveDate>,
    pub join_date: Option<NaiveDate>,
    pub retirement_date: Option<NaiveDate>,
    pub phone: String,
    pub bank_card: String,
    pub is_union_member: bool,
    pub dues_paid: bool,
    pub hardship: Option<HardshipFile>,
}

impl MemberDraft {
    /// A draft with only the identity filled in: in service, a union member, dues paid.
    pub fn new(employee_no: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            employee_no: employee_no.into(),
            name: name.into(),
            gender: None,
            department: String::new(),
            status: MemberStatus::InService,
            birth_date: None,
            join_date: None,
            retirement_date: None,
            phone: String::new(),
            bank_card: String::new(),
            is_union_member: true,
            dues_paid: true,
            hardship: None,
        }
    }
}

/// A member as stored, with its database id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: i64,
    #[serde(flatten)]
    pub draft: MemberDraft,
}

impl std::ops::Deref for Member {
    type Target = MemberDraft;
    fn deref(&self) -> &MemberDraft {
        &self.draft
    }
}

/// A pot of money with its own balance: the welfare fund, the mutual-aid money, the
/// hardship relief money.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fund {
    pub id: i64,
    pub name: String,
    pub is_active: bool,
    pub sort_order: i64,
}

/// A spending category. Categories form a two-level tree: a top-level group (五必访)
/// and its items (生病住院). Entries use items; a group's totals are its items' sum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub default_fund_id: Option<i64>,
    /// The usual amount for one payout; prefills the entry form.
    pub standard_amount_fen: Option<i64>,
    /// The union accounting code the category's spending is booked to (e.g. 50105).
    pub account_code: String,
    /// The form of payment the entry form proposes.
    pub default_payment_form: Option<PaymentForm>,
    /// Whether a disbursement in this category must name the member it went to.
    pub requires_member: bool,
    pub is_active: bool,
    pub sort_order: i64,
}

/// Where income comes from: 会费, 拨缴经费, 上级补助, 行政补助, 捐款, 其他.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomeSource {
    pub id: i64,
    pub name: String,
    pub default_fund_id: Option<i64>,
    pub account_code: String,
    pub sort_order: i64,
}

/// What the clerk supplies to record an entry. Voucher number, creation time and the
/// running balance are assigned by the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEntry {
    pub kind: EntryKind,
    pub date: NaiveDate,
    pub fund_id: i64,
    /// The spending category (disbursements only).
    pub category_id: Option<i64>,
    /// The income source (income only).
    pub source_id: Option<i64>,
    pub member_id: Option<i64>,
    pub amount_fen: i64,
    pub payment_form: PaymentForm,
    pub handler: String,
    pub note: String,
}

/// A decision that authorises a payout: the 工会委员会 meeting and who approved it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub decided_on: NaiveDate,
    /// The minutes number (会议纪要号), e.g. "2026-03".
    pub minutes_no: String,
    pub approver: String,
}

impl Approval {
    /// "2026-01-05 第 2026-03 号纪要（张主席）".
    pub fn describe(&self) -> String {
        let approver = if self.approver.trim().is_empty() {
            String::new()
        } else {
            format!("，{}批准", self.approver.trim())
        };
        format!(
            "{} 纪要 {}{approver}",
            self.decided_on.format("%Y-%m-%d"),
            self.minutes_no.trim()
        )
    }
}

/// What an entry may carry besides its figures: the event it pays for, the decision
/// that approved it, and, when it breaks a rule, the clerk's written reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryExtras {
    /// What the payout is for (the illness, the relative), compared by the
    /// once-per-event rule.
    pub event: String,
    pub approval: Option<Approval>,
    /// The written reason for saving over a rule (超标准说明).
    pub override_reason: String,
}

/// A saved entry. Never edited or deleted; a correction is a reversal entry that
/// points at the original.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: i64,
    pub kind: EntryKind,
    pub date: NaiveDate,
    pub fund_id: i64,
    pub category_id: Option<i64>,
    pub source_id: Option<i64>,
    pub member_id: Option<i64>,
    /// Always positive: the amount written on the voucher.
    pub amount_fen: i64,
    pub payment_form: PaymentForm,
    /// The voucher number, sequential per year of the entry's date, without gaps.
    pub voucher_year: i32,
    pub voucher_seq: i64,
    pub handler: String,
    pub note: String,
    pub created_at: NaiveDateTime,
    /// Set on a reversal entry: the entry it cancels.
    pub reverses_entry_id: Option<i64>,
    /// Set on a reversed entry: the reversal that cancelled it.
    pub reversed_by_entry_id: Option<i64>,
    pub approval_id: Option<i64>,
    /// The holiday batch the entry was written by.
    pub batch_id: Option<i64>,
    /// The visit the entry was given at.
    pub visit_id: Option<i64>,
    /// What the payout is for (the illness, the relative).
    pub event: String,
    /// Set when the entry was saved over a rule: the clerk's written reason.
    pub override_reason: String,
}

impl Entry {
    /// The voucher number as printed: `2026-000123`.
    pub fn voucher_no(&self) -> String {
        voucher_no(self.voucher_year, self.voucher_seq)
    }

    /// The entry's effect on its fund's balance, in fen.
    pub fn delta_fen(&self) -> i64 {
        delta_fen(self.kind, self.amount_fen, self.reverses_entry_id.is_some())
    }
}

/// Formats a voucher number as printed: `2026-000123`.
pub fn voucher_no(year: i32, seq: i64) -> String {
    format!("{year}-{seq:06}")
}

/// The effect of an entry on its fund's balance: income adds, a disbursement subtracts,
/// a reversal undoes what its original did.
pub fn delta_fen(kind: EntryKind, amount_fen: i64, is_reversal: bool) -> i64 {
    let sign = match (kind, is_reversal) {
        (EntryKind::Income, false) | (EntryKind::Disbursement, true) => 1,
        (EntryKind::Income, true) | (EntryKind::Disbursement, false) => -1,
    };
    sign * amount_fen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_parse_back_with_synonyms() {
        for status in MemberStatus::ALL {
            assert_eq!(MemberStatus::parse(status.label()), Some(*status));
            assert_eq!(MemberStatus::parse(status.code()), Some(*status));
        }
        assert_eq!(MemberStatus::parse(" 在岗 "), Some(MemberStatus::InService));
        assert_eq!(Gender::parse("女性"), Some(Gender::Female));
        assert_eq!(PaymentForm::parse("银行转账"), Some(PaymentForm::Transfer));
        assert_eq!(HardshipLevel::parse("特困"), Some(HardshipLevel::Special));
        assert_eq!(Gender::parse("x"), None);
        assert_eq!(MemberStatus::expected(), "在职、退休、离休、调离、已故");
    }

    #[test]
    fn reversal_undoes_its_original() {
        assert_eq!(delta_fen(EntryKind::Disbursement, 500, false), -500);
        assert_eq!(delta_fen(EntryKind::Disbursement, 500, true), 500);
        assert_eq!(delta_fen(EntryKind::Income, 500, false), 500);
        assert_eq!(delta_fen(EntryKind::Income, 500, true), -500);
        assert_eq!(voucher_no(2026, 123), "2026-000123");
    }
}
