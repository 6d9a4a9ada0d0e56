//! The integration tests that need neither a window nor killed processes, gathered
//! into one test binary: one link instead of nine, and one debug binary on disk
//! instead of nine of about a gigabyte each (see the README's Tests section).
//! `tests/ui.rs` (the window), `tests/crash.rs` and `tests/writers.rs` (processes
//! killed and racing) stay binaries of their own.

mod common;
#[path = "../support/pg.rs"]
mod pg;

mod architecture;
mod audit;
mod cli;
mod consolidation;
mod forms;
mod import_roster;
mod insurance;
mod rules;
mod server;
mod store;
mod upgrade;
