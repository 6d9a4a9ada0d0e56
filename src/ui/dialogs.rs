//! Native file dialogs behind a trait, so tests can answer them without a window.

use std::path::{Path, PathBuf};

use crate::print::OutputFormat;

/// Asks the clerk for files.
pub trait FileDialogs {
    /// A roster to import (.xlsx, .xls, .csv).
    fn pick_roster(&mut self) -> Option<PathBuf>;
    /// A ledger file to open.
    fn pick_ledger(&mut self) -> Option<PathBuf>;
    /// A scanned document to attach to a claim (image or PDF).
    fn pick_attachment(&mut self) -> Option<PathBuf>;
    /// A branch's snapshot to register in 汇总.
    fn pick_snapshot(&mut self) -> Option<PathBuf>;
    /// Where to save a printed form, suggesting `suggested_stem` plus the extension.
    fn save_form(&mut self, suggested_stem: &str, format: OutputFormat) -> Option<PathBuf>;
    /// Opens a file in the system's viewer (a PDF, to print it).
    fn open_file(&mut self, path: &Path) -> Result<(), String>;
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

    fn pick_snapshot(&mut self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("选择分会上报的快照")
            .add_filter("上报快照", &["db"])
            .add_filter("所有文件", &["*"])
            .pick_file()
    }

    fn save_form(&mut self, suggested_stem: &str, format: OutputFormat) -> Option<PathBuf> {
        let (name, extension) = match format {
            OutputFormat::Pdf => ("PDF 文件", "pdf"),
            OutputFormat::Xlsx => ("Excel 工作簿", "xlsx"),
            OutputFormat::Text => ("文本文件", "txt"),
            OutputFormat::Json => ("JSON 文件", "json"),
        };
        rfd::FileDialog::new()
            .set_title("保存报表")
            .set_file_name(format!("{suggested_stem}.{extension}"))
            .add_filter(name, &[extension])
            .save_file()
    }

    fn open_file(&mut self, path: &Path) -> Result<(), String> {
        let program = if cfg!(target_os = "windows") {
            "explorer"
        } else if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        };
        std::process::Command::new(program)
            .arg(path)
            .spawn()
            .map(|_| ())
            .map_err(|error| match error.kind() {
                std::io::ErrorKind::NotFound => {
                    format!("本机没有找到用来打开文件的程序 {program}（{error}）")
                }
                _ => format!("无法启动 {program}（{error}）"),
            })
    }
}

/// Dialogs that answer with prepared paths, for tests.
#[derive(Debug, Default)]
pub struct ScriptedDialogs {
    pub rosters: Vec<PathBuf>,
    pub ledgers: Vec<PathBuf>,
    pub attachments: Vec<PathBuf>,
    pub snapshots: Vec<PathBuf>,
    /// Answers to 保存报表, in order.
    pub saves: Vec<PathBuf>,
    /// Files the app asked to open, recorded instead of opened.
    pub opened: std::sync::Arc<std::sync::Mutex<Vec<PathBuf>>>,
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

    fn pick_snapshot(&mut self) -> Option<PathBuf> {
        (!self.snapshots.is_empty()).then(|| self.snapshots.remove(0))
    }

    fn save_form(&mut self, _suggested_stem: &str, _format: OutputFormat) -> Option<PathBuf> {
        (!self.saves.is_empty()).then(|| self.saves.remove(0))
    }

    fn open_file(&mut self, path: &Path) -> Result<(), String> {
        if let Ok(mut opened) = self.opened.lock() {
            opened.push(path.to_path_buf());
        }
        Ok(())
    }
}
