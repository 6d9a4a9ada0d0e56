//! The test PostgreSQL server, for every test binary that needs one: CI starts a
//! throwaway cluster (`.ci/pg-server`) and exports its address as
//! `UNION_LEDGER_TEST_PG`; on a machine without one the tests say so and pass, except
//! under `CI=true`, where a missing server fails them.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};

/// The test server's address, or `None` (said on stderr) when there is none.
pub fn server() -> Option<String> {
    match std::env::var("UNION_LEDGER_TEST_PG") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").map_or(true, |ci| ci != "true"),
                "CI must run the server tests: UNION_LEDGER_TEST_PG is not set (see .ci/pg-server)"
            );
            eprintln!(
                "skipped: no PostgreSQL server for this test (start one with .ci/pg-server and export UNION_LEDGER_TEST_PG)"
            );
            None
        }
    }
}

static DATABASES: AtomicUsize = AtomicUsize::new(0);

/// A new, empty database on the test server; its URL.
pub fn fresh_database(server: &str) -> String {
    let name = format!(
        "ul_test_{}_{}",
        std::process::id(),
        DATABASES.fetch_add(1, Ordering::SeqCst)
    );
    let mut admin = client(server);
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    with_database(server, &name)
}

/// `server` with its database replaced by `name`.
pub fn with_database(server: &str, name: &str) -> String {
    let (head, query) = server.split_once('?').unwrap_or((server, ""));
    let base = head.rsplit_once('/').map_or(head, |(base, _)| base);
    if query.is_empty() {
        format!("{base}/{name}")
    } else {
        format!("{base}/{name}?{query}")
    }
}

/// A plain client, through the program's own address parsing (every libpq form).
pub fn client(url: &str) -> postgres::Client {
    union_ledger::store::sql::pg::connect_client(url).unwrap()
}
