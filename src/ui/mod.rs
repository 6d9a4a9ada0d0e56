//! The egui window. A placeholder until the window lands on main.

/// Opens the window on the ledger at `db`.
pub fn run_window(_db: std::path::PathBuf) -> anyhow::Result<()> {
    anyhow::bail!("窗口尚未接入")
}
