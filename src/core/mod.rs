//! The domain core: money, dates, the model, member search, the default chart of funds
//! and categories, report values and demo data. Pure: no window, no database.

pub mod date;
pub mod demo;
pub mod model;
pub mod money;
pub mod report;
pub mod search;
pub mod seed;
