//! The domain core: money, dates, the model, member search, the default chart of funds
//! and categories, the union's rules, visits, holiday batches, reminders, report values
//! and demo data. Pure: no window, no database.

pub mod batch;
pub mod date;
pub mod demo;
pub mod holidays;
pub mod model;
pub mod money;
pub mod policy;
pub mod reminders;
pub mod report;
pub mod search;
pub mod seed;
pub mod visit;
