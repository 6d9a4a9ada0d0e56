//! union-ledger (工会慰问台账): the ledger of a grassroots trade union's welfare,
//! condolence and mutual-aid funds.
//!
//! `core` is pure domain logic, `store` is the only place with SQL, `import` turns
//! rosters into validated members, `cli` runs commands headless and `ui` is the egui
//! window. The binary only chooses between the window and a command.

pub mod cli;
pub mod core;
pub mod import;
pub mod print;
pub mod store;
pub mod ui;
