//! Reading a spreadsheet or a delimited text file into rows of cells, before anything
//! is known about what the cells mean.

use std::io::Cursor;

use calamine::{Data, Reader, SheetType};
use chrono::NaiveDate;

use super::ImportError;
use super::header::is_header_row;

/// One cell as the file holds it. Spreadsheets keep numbers, dates and booleans typed;
/// text files hold only text.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Bool(bool),
}

impl Cell {
    /// Whether the cell holds nothing but whitespace.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(text) => text.trim().is_empty(),
            Cell::Number(_) | Cell::Date(_) | Cell::Bool(_) => false,
        }
    }

    /// The cell as the clerk sees it in Excel, trimmed: whole numbers without a
    /// trailing `.0` (`1024`, never `1024.0`), dates as `2026-03-08`.
    pub fn display_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.trim().to_string(),
            Cell::Number(number) => format_number(*number),
            Cell::Date(date) => crate::core::date::format_date(*date),
            Cell::Bool(true) => "TRUE".to_string(),
            Cell::Bool(false) => "FALSE".to_string(),
        }
    }
}

/// Formats a number without float noise: whole numbers as integers.
pub fn format_number(number: f64) -> String {
    // Whole numbers within f64's exact integer range print without a fraction.
    if number.fract() == 0.0 && number.abs() < 9.0e15 {
        format!("{}", number as i64)
    } else {
        format!("{number}")
    }
}

/// One row of a table with its 1-based row (or line) number in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    pub row_number: usize,
    pub cells: Vec<Cell>,
}

impl TableRow {
    /// Whether every cell of the row is blank.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(Cell::is_blank)
    }

    /// The cell at a column, or an empty cell past the end of a short row.
    pub fn cell(&self, column: usize) -> &Cell {
        self.cells.get(column).unwrap_or(&Cell::Empty)
    }

    /// The cells' display texts.
    pub fn texts(&self) -> Vec<String> {
        self.cells.iter().map(Cell::display_text).collect()
    }
}

/// One sheet of a workbook, or the whole of a text file. Blank rows may be present.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// The worksheet's name in a workbook; `None` for a text file.
    pub name: Option<String>,
    pub rows: Vec<TableRow>,
}

impl Table {
    /// Whether the table has no non-blank cell.
    pub fn is_blank(&self) -> bool {
        self.rows.iter().all(TableRow::is_blank)
    }
}

/// The kinds of file a roster may come in, chosen by the file name's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Xlsx,
    Xls,
    DelimitedText,
}

impl FileFormat {
    /// The format a file name's extension announces.
    pub fn from_file_name(file_name: &str) -> Result<FileFormat, ImportError> {
        let extension = std::path::Path::new(file_name)
            .extension()
            .and_then(|extension| extension.to_str())
            .map(str::to_lowercase);
        match extension.as_deref() {
            Some("xlsx" | "xlsm") => Ok(FileFormat::Xlsx),
            Some("xls") => Ok(FileFormat::Xls),
            Some("csv" | "txt") => Ok(FileFormat::DelimitedText),
            _ => Err(ImportError::UnsupportedExtension {
                file_name: file_name.to_string(),
            }),
        }
    }
}

/// Reads every non-blank table in a file: the worksheets of a workbook in order, or the
/// single table of a text file. Never returns an empty list.
pub fn read_tables(file_name: &str, bytes: &[u8]) -> Result<Vec<Table>, ImportError> {
    let format = FileFormat::from_file_name(file_name)?;
    if bytes.iter().all(|byte| byte.is_ascii_whitespace()) {
        return Err(ImportError::Empty {
            file_name: file_name.to_string(),
        });
    }
    let tables = match format {
        FileFormat::Xlsx | FileFormat::Xls => read_workbook(file_name, bytes)?,
        FileFormat::DelimitedText => vec![read_delimited_text(file_name, bytes)?],
    };
    let tables: Vec<Table> = tables
        .into_iter()
        .filter(|table| !table.is_blank())
        .collect();
    if tables.is_empty() {
        return Err(ImportError::Empty {
            file_name: file_name.to_string(),
        });
    }
    Ok(tables)
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Reads the worksheets of an .xlsx or .xls workbook. The content decides the reader,
/// not the extension, because HR systems often save one format under the other's name.
fn read_workbook(file_name: &str, bytes: &[u8]) -> Result<Vec<Table>, ImportError> {
    let not_spreadsheet = |detail: String| ImportError::NotSpreadsheet {
        file_name: file_name.to_string(),
        detail,
    };
    if bytes.starts_with(ZIP_MAGIC) {
        let workbook = calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(Cursor::new(bytes))
            .map_err(|error| not_spreadsheet(error.to_string()))?;
        read_worksheets(workbook, not_spreadsheet)
    } else if bytes.starts_with(OLE_MAGIC) {
        let workbook = calamine::open_workbook_from_rs::<calamine::Xls<_>, _>(Cursor::new(bytes))
            .map_err(|error| not_spreadsheet(error.to_string()))?;
        read_worksheets(workbook, not_spreadsheet)
    } else if looks_like_html(bytes) {
        Err(not_spreadsheet(
            "文件实际是网页(HTML)格式，常见于从系统“导出Excel”得到的文件".to_string(),
        ))
    } else if let Ok(table) = read_delimited_text(file_name, bytes)
        && table
            .rows
            .iter()
            .take(20)
            .any(|row| is_header_row(row.texts().iter().map(String::as_str)))
    {
        // Some HR systems export tab-separated text under an .xls name; Excel opens it
        // without complaint, so the clerk cannot tell the difference.
        Ok(vec![table])
    } else {
        Err(not_spreadsheet(
            "文件开头不是 Excel 工作簿的格式".to_string(),
        ))
    }
}

fn looks_like_html(bytes: &[u8]) -> bool {
    let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start: Vec<u8> = start
        .iter()
        .skip_while(|byte| byte.is_ascii_whitespace())
        .take(5)
        .map(u8::to_ascii_lowercase)
        .collect();
    start.starts_with(b"<")
}

fn read_worksheets<RS, R>(
    mut workbook: R,
    not_spreadsheet: impl Fn(String) -> ImportError,
) -> Result<Vec<Table>, ImportError>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let names: Vec<String> = workbook
        .sheets_metadata()
        .iter()
        .filter(|sheet| sheet.typ == SheetType::WorkSheet)
        .map(|sheet| sheet.name.clone())
        .collect();
    let mut tables = Vec::with_capacity(names.len());
    for name in names {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|error| not_spreadsheet(format!("工作表“{name}”：{error}")))?;
        let Some((first_row, _)) = range.start() else {
            continue;
        };
        let rows = range
            .rows()
            .enumerate()
            .map(|(index, cells)| TableRow {
                row_number: first_row as usize + index + 1,
                cells: cells.iter().map(cell_from_data).collect(),
            })
            .collect();
        tables.push(Table {
            name: Some(name),
            rows,
        });
    }
    Ok(tables)
}

fn cell_from_data(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(text) => Cell::Text(text.clone()),
        Data::Int(number) => Cell::Number(*number as f64),
        Data::Float(number) => Cell::Number(*number),
        Data::Bool(value) => Cell::Bool(*value),
        Data::DateTime(date_time) if date_time.is_datetime() => {
            let (year, month, day, ..) = date_time.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day))
                .map_or_else(|| Cell::Number(date_time.as_f64()), Cell::Date)
        }
        Data::DateTime(duration) => Cell::Number(duration.as_f64()),
        Data::DateTimeIso(text) | Data::DurationIso(text) => Cell::Text(text.clone()),
        Data::Error(error) => Cell::Text(error.to_string()),
    }
}

/// Decodes a text file: UTF-8 with or without a BOM, UTF-16 with a BOM (Excel's
/// "Unicode text"), and otherwise GBK/GB18030, which is what Excel and WPS write on
/// Chinese Windows.
pub fn decode_text(file_name: &str, bytes: &[u8]) -> Result<String, ImportError> {
    let undecodable = || ImportError::Undecodable {
        file_name: file_name.to_string(),
    };
    let decode = |encoding: &'static encoding_rs::Encoding, bytes: &[u8]| {
        encoding
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|text| text.into_owned())
            .ok_or_else(undecodable)
    };
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return decode(encoding_rs::UTF_8, rest);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return decode(encoding_rs::UTF_16LE, rest);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return decode(encoding_rs::UTF_16BE, rest);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    decode(encoding_rs::GB18030, bytes)
}

/// Reads a CSV or tab-separated text file. Quoted fields may span lines; the row number
/// is the line a record starts on, which is the row Excel shows when it opens the file.
pub fn read_delimited_text(file_name: &str, bytes: &[u8]) -> Result<Table, ImportError> {
    let text = decode_text(file_name, bytes)?;
    if text.trim().is_empty() {
        return Err(ImportError::Empty {
            file_name: file_name.to_string(),
        });
    }
    let delimiter = detect_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut lines = LineCounter::default();
    for record in reader.records() {
        let record = record.map_err(|error| ImportError::Malformed {
            file_name: file_name.to_string(),
            line: error.position().map_or(0, csv::Position::line),
            detail: error.to_string(),
        })?;
        let row_number = record.position().map_or(rows.len() + 1, |position| {
            lines.line_at(&text, position.byte())
        });
        let cells = record
            .iter()
            .map(|field| {
                if field.trim().is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(field.to_string())
                }
            })
            .collect();
        rows.push(TableRow { row_number, cells });
    }
    Ok(Table { name: None, rows })
}

/// Line numbers of records read in order: counts the line breaks between one record and
/// the next only, so a 10,000-row file is not re-scanned from its start for every row.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    breaks: usize,
}

impl LineCounter {
    /// The 1-based line of the first character at or after a byte offset that is not a
    /// line break. The csv reader skips blank lines but reports a record's position from
    /// before them, so the breaks are stepped over here. Offsets must not go backwards.
    fn line_at(&mut self, text: &str, byte_offset: u64) -> usize {
        let bytes = text.as_bytes();
        let mut offset = usize::try_from(byte_offset)
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        while offset < bytes.len() && matches!(bytes[offset], b'\r' | b'\n') {
            offset += 1;
        }
        if offset < self.offset {
            *self = Self::default();
        }
        self.breaks += bytes[self.offset..offset]
            .iter()
            .filter(|byte| **byte == b'\n')
            .count();
        self.offset = offset;
        self.breaks + 1
    }
}

const DELIMITERS: [u8; 3] = [b',', b'\t', b';'];

/// Picks the delimiter that splits the header line into a 工号 and a 姓名 column. Title
/// rows above the header may contain no delimiter at all, so the first lines are tried
/// in turn; without a recognisable header, the delimiter most used in those lines wins, and header detection reports the problem later.
fn detect_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .take(20)
        .collect();
    for line in &lines {
        for delimiter in DELIMITERS {
            let parts = line
                .split(char::from(delimiter))
                .map(|part| part.trim_matches('"'));
            if is_header_row(parts) {
                return delimiter;
            }
        }
    }
    // Ties go to the comma, the first in the list.
    let count = |delimiter: u8| -> usize {
        lines
            .iter()
            .map(|line| line.bytes().filter(|byte| *byte == delimiter).count())
            .sum()
    };
    let mut best = DELIMITERS[0];
    for delimiter in DELIMITERS {
        if count(delimiter) > count(best) {
            best = delimiter;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_encodings_excel_writes() {
        let expected = "工号,姓名\n";
        let mut utf8_bom = b"\xEF\xBB\xBF".to_vec();
        utf8_bom.extend_from_slice(expected.as_bytes());
        assert_eq!(decode_text("a.csv", &utf8_bom).unwrap(), expected);

        let mut utf16le = vec![0xFF, 0xFE];
        utf16le.extend(expected.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode_text("a.txt", &utf16le).unwrap(), expected);

        let mut utf16be = vec![0xFE, 0xFF];
        utf16be.extend(expected.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode_text("a.txt", &utf16be).unwrap(), expected);

        let (gbk, _, _) = encoding_rs::GBK.encode(expected);
        assert_eq!(decode_text("a.csv", &gbk).unwrap(), expected);
    }

    #[test]
    fn refuses_text_in_no_known_encoding() {
        // 0xFF never starts a GB18030 sequence and is never valid UTF-8.
        let error = decode_text("a.csv", b"\xFF\xFF\xFF\x80").unwrap_err();
        assert!(matches!(error, ImportError::Undecodable { .. }), "{error}");
        assert!(error.to_string().contains("GBK"));
    }

    #[test]
    fn detects_the_delimiter_from_the_header_line() {
        assert_eq!(
            detect_delimiter("花名册\n工号\t姓名\t备注，说明\n1\t张三\n"),
            b'\t'
        );
        assert_eq!(detect_delimiter("职工号;职工姓名\n"), b';');
        // A full-width comma is text, not a delimiter.
        assert_eq!(detect_delimiter("单位：工会，2026年\n工号,姓名\n"), b',');
    }

    #[test]
    fn numbers_display_as_excel_shows_them() {
        assert_eq!(Cell::Number(1024.0).display_text(), "1024");
        assert_eq!(Cell::Number(1980.05).display_text(), "1980.05");
        assert_eq!(Cell::Text("  A1024 ".into()).display_text(), "A1024");
    }

    #[test]
    fn row_numbers_count_blank_lines() {
        let table = read_delimited_text("a.csv", "标题\n\n工号,姓名\n1,张三\n".as_bytes()).unwrap();
        let numbers: Vec<usize> = table.rows.iter().map(|row| row.row_number).collect();
        assert_eq!(numbers, vec![1, 3, 4]);
    }
}
