//! The domain core: money, dates, the model, member search, the default chart of funds
//! and categories, the union's rules, visits, holiday batches, reminders, report values
//! and demo data. Pure: no window, no database.

// The model first: its `labelled_enum!` macro is used by the modules after it.
#[macro_use]
pub mod model;
pub mod audit;
pub mod batch;
pub mod changelog;
pub mod charts;
pub mod date;
pub mod demo;
pub mod forms;
pub mod holidays;
pub mod insurance;
pub mod money;
pub mod policy;
pub mod progress;
pub mod reminders;
pub mod report;
pub mod search;
pub mod seed;
pub mod visit;
