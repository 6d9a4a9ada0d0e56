//! One file per screen; each has a `ui` method that draws from view values and emits
//! commands.

pub mod entry;
pub mod home;
pub mod ledger;
pub mod members;
pub mod settings;
pub mod visit_form;
pub mod visits;
