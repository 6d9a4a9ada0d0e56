//! One file per screen (and per larger section of the settings screen); each has a
//! `ui` method that draws from view values and emits commands.

pub mod audit;
pub mod batches;
pub mod consolidation;
pub mod entry;
pub mod first_start;
pub mod home;
pub mod insurance;
pub mod insurance_claims;
pub mod insurance_plans;
pub mod ledger;
pub mod members;
pub mod reports;
pub mod rules;
pub mod settings;
pub mod visit_form;
pub mod visit_reasons;
pub mod visits;
