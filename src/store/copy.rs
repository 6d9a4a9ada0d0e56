//! Copying a whole ledger between a SQLite file and a server.

use std::path::Path;

use super::sql::Connection;
use super::{Result, StoreError};

/// Writes the ledger behind `conn` into a new SQLite file at `target`.
pub(super) fn to_file(_conn: &Connection, target: &Path) -> Result<()> {
    Err(StoreError::CannotOpen {
        path: target.to_path_buf(),
        detail: "尚未支持".into(),
    })
}
