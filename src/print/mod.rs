//! Printed forms: a [`Form`](crate::core::forms::Form) value drawn as PDF (typst, with
//! the bundled font), as a spreadsheet (XLSX), as plain text, or as JSON. Every
//! renderer reads the same value, so the figures cannot differ between them.

mod file;
mod pdf;
mod text;
mod xlsx;

use std::path::PathBuf;

use crate::core::forms::Form;

pub use file::{io_error_text, write_file_whole};
pub use pdf::{FORM_TEMPLATE, LETTERHEAD_TEMPLATE, PdfError, render_pdf, render_pdf_paged};
pub use text::render_text;
pub use xlsx::render_xlsx;

/// Noto Sans CJK SC, bundled so every Chinese character renders on any machine. The
/// window and the PDFs use the same bytes.
pub const NOTO_SANS_SC: &[u8] = include_bytes!("../../assets/fonts/NotoSansCJKsc-Regular.otf");

/// The formats a form can be saved in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Pdf,
    Xlsx,
    Text,
    Json,
}

impl OutputFormat {
    pub const ALL: [OutputFormat; 4] = [
        OutputFormat::Pdf,
        OutputFormat::Xlsx,
        OutputFormat::Text,
        OutputFormat::Json,
    ];

    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Pdf => "pdf",
            OutputFormat::Xlsx => "xlsx",
            OutputFormat::Text => "txt",
            OutputFormat::Json => "json",
        }
    }

    pub fn parse(text: &str) -> Option<OutputFormat> {
        match text.trim().to_ascii_lowercase().as_str() {
            "pdf" => Some(OutputFormat::Pdf),
            "xlsx" | "excel" => Some(OutputFormat::Xlsx),
            "text" | "txt" => Some(OutputFormat::Text),
            "json" => Some(OutputFormat::Json),
            _ => None,
        }
    }
}

/// Where a union's own templates live, if it has any: a `templates` folder beside the
/// ledger file holding `letterhead.typ` and/or `form.typ`. Files there replace the
/// built-in ones of the same name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrintOptions {
    pub template_dir: Option<PathBuf>,
}

impl PrintOptions {
    /// The templates folder beside a ledger file, used when it exists.
    pub fn beside(ledger_path: &std::path::Path) -> Self {
        let dir = ledger_path
            .parent()
            .map(|parent| parent.join("templates"))
            .filter(|dir| dir.is_dir());
        Self { template_dir: dir }
    }
}

/// Why a form could not be written.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Pdf(#[from] PdfError),
    #[error("生成 Excel 文件失败：{0}")]
    Xlsx(String),
    #[error("生成 JSON 失败：{0}")]
    Json(String),
}

/// Renders a form in one format, as the bytes of the file to save.
pub fn render(
    form: &Form,
    format: OutputFormat,
    options: &PrintOptions,
) -> Result<Vec<u8>, RenderError> {
    match format {
        OutputFormat::Pdf => Ok(render_pdf(form, options)?),
        OutputFormat::Xlsx => render_xlsx(form),
        OutputFormat::Text => Ok(render_text(form).into_bytes()),
        OutputFormat::Json => serde_json::to_string_pretty(form)
            .map(|mut json| {
                json.push('\n');
                json.into_bytes()
            })
            .map_err(|error| RenderError::Json(error.to_string())),
    }
}
