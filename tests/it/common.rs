//! Helpers shared by the integration tests.

use std::path::Path;

/// Overwrites one whole page of the file with garbage, as a failing disk or a copy
/// cut off midway would: the root page of `index`, which opening does not read.
pub fn overwrite_index_page(path: &Path, index: &str) {
    use std::io::{Seek, SeekFrom, Write};
    let (page_size, root) = {
        let conn = rusqlite::Connection::open(path).unwrap();
        // Everything in the main file, nothing left in the WAL.
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        let page_size: i64 = conn
            .pragma_query_value(None, "page_size", |row| row.get(0))
            .unwrap();
        let root: i64 = conn
            .query_row(
                "SELECT rootpage FROM sqlite_master WHERE name = ?1",
                [index],
                |row| row.get(0),
            )
            .unwrap();
        (page_size as u64, root as u64)
    };
    let mut file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    file.seek(SeekFrom::Start((root - 1) * page_size)).unwrap();
    file.write_all(&vec![0xA5; page_size as usize]).unwrap();
    file.sync_all().unwrap();
}
