//! Why a whole file could not be read as a roster. Problems with single rows are
//! [`RowError`](super::RowError)s instead, so one bad row never stops the import.

use thiserror::Error;

/// A roster file that cannot be imported at all. The messages are shown to the clerk
/// as they are, so each says what went wrong and what the file should look like.
#[derive(Debug, Error)]
pub enum ImportError {
    /// The I/O error is part of the message rather than a `source`, so a caller that
    /// prints the whole error chain does not repeat it.
    #[error("无法读取文件“{path}”：{error}")]
    Read { path: String, error: std::io::Error },

    #[error("不支持的文件类型“{file_name}”（应为 .xlsx、.xls、.xlsm、.csv 或 .txt 文件）")]
    UnsupportedExtension { file_name: String },

    #[error(
        "“{file_name}”不是有效的 Excel 表格，或文件已损坏（{detail}）。请用 Excel 或 WPS 打开后另存为 .xlsx 再导入"
    )]
    NotSpreadsheet { file_name: String, detail: String },

    #[error(
        "找不到表头：前 20 行中没有同时包含“工号”和“姓名”两列的行（表头应有“工号”“姓名”两列，其他列可选）。文件开头的内容是：{first_rows}"
    )]
    NoHeader {
        /// The first non-blank rows, as "第 1 行：a | b | c", joined with "；".
        first_rows: String,
    },

    #[error("文件“{file_name}”中没有名为“{sheet}”的工作表（有：{sheets}）")]
    NoSuchSheet {
        file_name: String,
        sheet: String,
        sheets: String,
    },

    #[error("文件“{file_name}”是空的，没有任何数据")]
    Empty { file_name: String },

    #[error(
        "无法识别文件“{file_name}”的文字编码（已尝试 UTF-8、UTF-16 和 GBK/GB18030）。请在 Excel 中另存为“CSV UTF-8”或 .xlsx 后重试"
    )]
    Undecodable { file_name: String },

    #[error("文件“{file_name}”第 {line} 行格式有误：{detail}")]
    Malformed {
        file_name: String,
        line: u64,
        detail: String,
    },
}
