//! Native file dialogs behind a trait, so tests can answer them without a window.

use std::path::PathBuf;

/// Asks the clerk for files.
pub trait FileDialogs {
    /// A roster to import (.xlsx, .xls, .csv).
    fn pick_roster(&mut self) -> Option<PathBuf>;
    /// A ledger file to open.
    fn pick_ledger(&mut self) -> Option<PathBuf>;
    /// A scanned document to attach to a claim (image or PDF).
    fn pick_attachment(&mut self) -> Option<PathBuf>;
}

/// The platform's own dialogs (through the XDG portal on Linux).
#[derive(Debug, Default)]
pub struct NativeDialogs;

impl FileDialogs for NativeDialogs {
    fn pick_roster(&mut self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("选择会员名册")
            .add_filter("名册（Excel、CSV）", &["xlsx", "xls", "xlsm", "csv", "txt"])
            .pick_file()
    }

    fn pick_ledger(&mut self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("打开台账文件")
            .add_filter("台账文件", &["db", "sqlite", "ledger"])
            .pick_file()
    }

    fn pick_attachment(&mut self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("选择扫描件")
            .add_filter(
                "扫描件（图片、PDF）",
                &["jpg", "jpeg", "png", "pdf", "tif", "tiff"],
            )
            .add_filter("所有文件", &["*"])
            .pick_file()
    }
}

/// Dialogs that answer with prepared paths, for tests.
#[derive(Debug, Default)]
pub struct ScriptedDialogs {
    pub rosters: Vec<PathBuf>,
    pub ledgers: Vec<PathBuf>,
    pub attachments: Vec<PathBuf>,
}

impl FileDialogs for ScriptedDialogs {
    fn pick_roster(&mut self) -> Option<PathBuf> {
        (!self.rosters.is_empty()).then(|| self.rosters.remove(0))
    }

    fn pick_ledger(&mut self) -> Option<PathBuf> {
        (!self.ledgers.is_empty()).then(|| self.ledgers.remove(0))
    }

    fn pick_attachment(&mut self) -> Option<PathBuf> {
        (!self.attachments.is_empty()).then(|| self.attachments.remove(0))
    }
}
