//! Rosters and other files → validated model values, with per-row errors.
//!
//! [`read_roster`] reads an HR roster (Excel or CSV, as exported on Chinese Windows)
//! into a [`RosterPreview`]: the members it could read and, for every other row, what
//! is wrong with it. Nothing here touches the database; the store saves the drafts.

mod error;
pub mod header;
pub mod roster;
pub mod table;

pub use error::ImportError;
pub use header::RosterField;
pub use roster::{
    RosterPreview, RosterRow, RowError, SheetChoice, SheetFound, read_roster, read_roster_bytes,
    read_roster_from, read_roster_sheets,
};
