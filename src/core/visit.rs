//! Visits (五必访): an event with who was visited, why, when, where, who went, and
//! what was given. Money and goods given become ordinary entries linked to the visit.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

pub use crate::core::model::Approval;
use crate::core::model::PaymentForm;

/// The built-in reasons the app recognises (for reminders); a union may add its own,
/// which have no code.
pub mod reason_code {
    pub const ILLNESS: &str = "illness";
    pub const MARRIAGE: &str = "marriage";
    pub const CHILDBIRTH: &str = "childbirth";
    pub const DEATH_SELF: &str = "death_self";
    pub const DEATH_RELATIVE: &str = "death_relative";
    pub const RETIREMENT: &str = "retirement";
    pub const HARDSHIP: &str = "hardship";
    pub const BIRTHDAY: &str = "birthday";
}

/// Why a visit was made (生病住院, 结婚 …). The list is editable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitReason {
    pub id: i64,
    /// One of [`reason_code`] for the built-in reasons.
    pub code: Option<String>,
    pub name: String,
    /// The category the visit's money or goods are booked to.
    pub category_id: Option<i64>,
    /// Whether the visit names the relative concerned (直系亲属去世: 配偶, 父母, 子女).
    pub needs_relation: bool,
    /// Whether the visit can stay open until the member is discharged (住院中).
    pub can_stay_open: bool,
    pub is_active: bool,
    pub sort_order: i64,
}

impl VisitReason {
    pub fn is(&self, code: &str) -> bool {
        self.code.as_deref() == Some(code)
    }
}

/// The relatives a death visit may concern.
pub const RELATIONS: &[&str] = &["配偶", "父亲", "母亲", "子女", "配偶父母"];

/// Money given at a visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitMoney {
    pub amount_fen: i64,
    pub payment_form: PaymentForm,
}

/// Goods given at a visit, with their value (a wreath, flowers, fruit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitGoods {
    pub description: String,
    pub value_fen: i64,
}

/// What the clerk supplies to record a visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewVisit {
    pub member_id: i64,
    pub reason_id: i64,
    /// The relative concerned, for a relative's death.
    pub relation: String,
    pub date: NaiveDate,
    /// Where: the hospital and ward, the home.
    pub place: String,
    /// Who went: names, comma separated as typed.
    pub visitors: String,
    /// What happened: the illness, the occasion. Compared by the once-per-event rule.
    pub detail: String,
    pub note: String,
    pub money: Option<VisitMoney>,
    pub goods: Option<VisitGoods>,
    /// The fund the money and goods come from (`None`: the category's default fund).
    pub fund_id: Option<i64>,
    /// Whether the visit stays open (住院中) until the member is discharged.
    pub stays_open: bool,
    pub handler: String,
}

/// A saved visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub department: String,
    pub reason_id: i64,
    pub reason_name: String,
    pub relation: String,
    pub date: NaiveDate,
    pub place: String,
    pub visitors: String,
    pub detail: String,
    pub note: String,
    pub is_open: bool,
    pub closed_on: Option<NaiveDate>,
    /// Money given (net of reversals), in fen.
    pub money_fen: i64,
    /// Goods given (net of reversals), at their value, in fen.
    pub goods_fen: i64,
    pub goods: String,
    /// The vouchers of the linked entries.
    pub vouchers: Vec<String>,
    /// The clerk's written reason when the money or goods were saved over a rule
    /// (超标准说明); empty when no rule was broken.
    pub override_reason: String,
    pub created_at: NaiveDateTime,
}

impl Visit {
    /// "住院中", "已出院 2026-03-10" or "—".
    pub fn status_text(&self) -> String {
        match (self.is_open, self.closed_on) {
            (true, _) => "住院中".to_string(),
            (false, Some(day)) => format!("已结束 {}", day.format("%Y-%m-%d")),
            (false, None) => "—".to_string(),
        }
    }

    /// The reason with its relation ("直系亲属去世（父亲）").
    pub fn reason_text(&self) -> String {
        if self.relation.trim().is_empty() {
            self.reason_name.clone()
        } else {
            format!("{}（{}）", self.reason_name, self.relation.trim())
        }
    }
}

/// Visits per reason in a period: people visited (人次) and what was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitTotal {
    pub reason_id: i64,
    pub reason_name: String,
    pub visits: i64,
    pub money_fen: i64,
    pub goods_fen: i64,
}
