//! Turning a table into validated member drafts: finding the header row, matching its
//! columns, and checking every row, collecting each problem with its row and field.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::ImportError;
use super::header::{RosterField, is_header_row};
use super::table::{Cell, Table, TableRow, format_number, read_tables};
use crate::core::date::{date_from_excel_serial, parse_date};
use crate::core::model::{Gender, HardshipFile, HardshipLevel, MemberDraft, MemberStatus};
use crate::core::money::to_half_width;

/// How many non-blank rows from the top are searched for the header row.
const HEADER_SEARCH_ROWS: usize = 20;

/// What importing a roster file would do: the columns it understood, the members it
/// read and every problem it found. Nothing is saved until the caller hands
/// [`RosterPreview::drafts`] to the store.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterPreview {
    /// The 1-based row number of the header in the file or sheet.
    pub header_row: usize,
    /// (header text as in the file, field label it was matched to), in column order.
    pub matched_columns: Vec<(String, String)>,
    /// Header texts that name no known field, in column order.
    pub ignored_columns: Vec<String>,
    /// The rows without any problem, in file order.
    pub rows: Vec<RosterRow>,
    /// Every problem, sorted by sheet and row number. A row with a problem is not in
    /// `rows`.
    pub errors: Vec<RowError>,
    /// What the clerk should look at although the row is imported (a 工号 that Excel
    /// stored as a number and so may have lost its leading zero).
    pub warnings: Vec<RowError>,
    /// The worksheets of a workbook, read or not, in workbook order; empty for a text
    /// file.
    pub sheets: Vec<SheetFound>,
    /// The fields each sheet read has a column for, by [`RosterRow::part`].
    part_fields: Vec<Vec<RosterField>>,
}

/// Which worksheets of a workbook are read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SheetChoice {
    /// Every sheet whose header is recognised (在职 and 退休 on sheets of their own).
    #[default]
    Recognised,
    /// Only the sheet of this name.
    Named(String),
}

/// A worksheet found in a workbook, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetFound {
    pub name: String,
    /// The header's row when the sheet was read.
    pub header_row: Option<usize>,
    /// Not read because another sheet was chosen.
    pub not_chosen: bool,
    pub rows_ok: usize,
    pub bad_rows: usize,
}

impl SheetFound {
    /// "在职：表头在第 1 行，可导入 120 人，有错误 2 行", as the window and the command
    /// line both show it.
    pub fn describe(&self) -> String {
        match self.header_row {
            Some(row) if self.bad_rows > 0 => format!(
                "{}：表头在第 {row} 行，可导入 {} 人，有错误 {} 行",
                self.name, self.rows_ok, self.bad_rows
            ),
            Some(row) => format!(
                "{}：表头在第 {row} 行，可导入 {} 人",
                self.name, self.rows_ok
            ),
            None if self.not_chosen => format!("{}：未选择，未读取", self.name),
            None => format!(
                "{}：没有找到表头（应有“工号”“姓名”两列），未读取",
                self.name
            ),
        }
    }
}

impl RosterPreview {
    /// The valid members, in file order, as read (fields without a column at their
    /// defaults). For saving over a register use [`RosterPreview::drafts_over`].
    pub fn drafts(&self) -> Vec<MemberDraft> {
        self.rows.iter().map(|row| row.draft.clone()).collect()
    }

    /// The fields the file has a column for.
    pub fn matched_fields(&self) -> Vec<RosterField> {
        RosterField::ALL
            .iter()
            .copied()
            .filter(|field| {
                self.matched_columns
                    .iter()
                    .any(|(_, label)| label == field.label())
            })
            .collect()
    }

    /// The members to save over the register, in file order: a member already
    /// registered (same 工号) keeps every field the file has no column for, so importing
    /// an HR export with only 工号、姓名、部门 never erases a status, a hardship file or
    /// a bank card.
    pub fn drafts_over(&self, registered: &[MemberDraft]) -> Vec<MemberDraft> {
        let by_employee_no: HashMap<&str, &MemberDraft> = registered
            .iter()
            .map(|draft| (draft.employee_no.trim(), draft))
            .collect();
        // Each row keeps what its own sheet has no column for.
        self.rows
            .iter()
            .map(
                |row| match by_employee_no.get(row.draft.employee_no.trim()) {
                    Some(existing) => {
                        let fields = self
                            .part_fields
                            .get(row.part)
                            .map_or(&[][..], Vec::as_slice);
                        merge_over(existing, &row.draft, fields)
                    }
                    None => row.draft.clone(),
                },
            )
            .collect()
    }
}

/// `imported` where the file had a column, `existing` everywhere else.
pub fn merge_over(
    existing: &MemberDraft,
    imported: &MemberDraft,
    fields: &[RosterField],
) -> MemberDraft {
    let has = |field: RosterField| fields.contains(&field);
    let mut merged = existing.clone();
    merged.employee_no = imported.employee_no.clone();
    merged.name = imported.name.clone();
    if has(RosterField::Gender) {
        merged.gender = imported.gender;
    }
    if has(RosterField::Department) {
        merged.department = imported.department.clone();
    }
    if has(RosterField::Status) {
        merged.status = imported.status;
    }
    if has(RosterField::BirthDate) {
        merged.birth_date = imported.birth_date;
    }
    if has(RosterField::JoinDate) {
        merged.join_date = imported.join_date;
    }
    if has(RosterField::RetirementDate) {
        merged.retirement_date = imported.retirement_date;
    }
    if has(RosterField::Phone) {
        merged.phone = imported.phone.clone();
    }
    if has(RosterField::BankCard) {
        merged.bank_card = imported.bank_card.clone();
    }
    if has(RosterField::IsUnionMember) {
        merged.is_union_member = imported.is_union_member;
    }
    if has(RosterField::DuesPaid) {
        merged.dues_paid = imported.dues_paid;
    }
    if has(RosterField::HardshipLevel) {
        merged.hardship = imported.hardship.clone();
    }
    merged
}

/// A valid row of the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterRow {
    /// The 1-based row number in the file or sheet.
    pub row_number: usize,
    /// The worksheet, when rows of several were read.
    pub sheet: Option<String>,
    /// Which of the sheets read it came from (0 for a text file).
    pub part: usize,
    pub draft: MemberDraft,
}

/// One problem in one field of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The worksheet, when rows of several were read.
    pub sheet: Option<String>,
    /// The 1-based row number in the file or sheet.
    pub row_number: usize,
    /// The label of the field, e.g. 出生日期.
    pub field: String,
    /// The cell's text as the clerk sees it.
    pub value: String,
    /// What is wrong and what was expected, in Simplified Chinese.
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(sheet) = &self.sheet {
            write!(f, "工作表“{sheet}”")?;
        }
        if self.value.is_empty() {
            write!(
                f,
                "第 {} 行，{}（空）：{}",
                self.row_number, self.field, self.message
            )
        } else {
            write!(
                f,
                "第 {} 行，{}“{}”：{}",
                self.row_number, self.field, self.value, self.message
            )
        }
    }
}

/// Reads a roster file (.xlsx, .xls, .xlsm, .csv or .txt) into a preview.
/// In a workbook, every worksheet whose header is recognised is read.
pub fn read_roster(path: &std::path::Path) -> Result<RosterPreview, ImportError> {
    read_roster_from(path, &SheetChoice::Recognised)
}

/// Reads a roster from a file's bytes; the file name's extension decides the format.
/// In a workbook, every worksheet whose header is recognised is read.
pub fn read_roster_bytes(file_name: &str, bytes: &[u8]) -> Result<RosterPreview, ImportError> {
    read_roster_sheets(file_name, bytes, &SheetChoice::Recognised)
}

/// Reads a roster file with a choice of worksheets.
pub fn read_roster_from(
    path: &std::path::Path,
    choice: &SheetChoice,
) -> Result<RosterPreview, ImportError> {
    let bytes = std::fs::read(path).map_err(|error| ImportError::Read {
        path: path.display().to_string(),
        error,
    })?;
    let file_name = path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    read_roster_sheets(&file_name, &bytes, choice)
}

/// Reads a roster from a file's bytes, the worksheets as chosen: every sheet whose
/// header is recognised (the others are listed, not read), or the one named.
pub fn read_roster_sheets(
    file_name: &str,
    bytes: &[u8],
    choice: &SheetChoice,
) -> Result<RosterPreview, ImportError> {
    let tables = read_tables(file_name, bytes)?;
    let names: Vec<&str> = tables.iter().filter_map(|t| t.name.as_deref()).collect();
    let mut parts = Vec::new();
    let mut sheets = Vec::new();
    let mut first_failure = None;
    if let SheetChoice::Named(wanted) = choice
        && !names.iter().any(|name| name.trim() == wanted.trim())
    {
        return Err(ImportError::NoSuchSheet {
            file_name: file_name.to_string(),
            sheet: wanted.clone(),
            sheets: names.join("、"),
        });
    }
    for table in &tables {
        let chosen = match (choice, &table.name) {
            (SheetChoice::Named(wanted), Some(name)) => name.trim() == wanted.trim(),
            _ => true,
        };
        let read = if chosen { Some(read_part(table)) } else { None };
        if let Some(name) = &table.name {
            sheets.push(SheetFound {
                name: name.clone(),
                header_row: read
                    .as_ref()
                    .and_then(|read| read.as_ref().ok())
                    .map(|part| part.header_row),
                not_chosen: !chosen,
                rows_ok: 0,
                bad_rows: 0,
            });
        }
        match read {
            Some(Ok(part)) => parts.push(part),
            Some(Err(error)) => {
                first_failure.get_or_insert(error);
            }
            None => {}
        }
    }
    if parts.is_empty() {
        return Err(first_failure.unwrap_or_else(|| ImportError::Empty {
            file_name: file_name.to_string(),
        }));
    }
    Ok(combine(parts, sheets))
}

/// Finds the header in a table and validates every row below it.
pub fn roster_from_table(table: &Table) -> Result<RosterPreview, ImportError> {
    Ok(combine(vec![read_part(table)?], Vec::new()))
}

/// What one table (a text file, or one worksheet) gave.
struct Part {
    sheet: Option<String>,
    header_row: usize,
    matched_columns: Vec<(String, String)>,
    ignored_columns: Vec<String>,
    /// The valid rows, with whether the 工号 cell held a number.
    candidates: Vec<(RosterRow, bool)>,
    errors: Vec<RowError>,
}

/// Reads the header and the rows of one table.
fn read_part(table: &Table) -> Result<Part, ImportError> {
    let non_blank_rows = || table.rows.iter().filter(|row| !row.is_blank());
    let Some(header_index) = table
        .rows
        .iter()
        .enumerate()
        .filter(|(_, row)| !row.is_blank())
        .take(HEADER_SEARCH_ROWS)
        .find(|(_, row)| is_header_row(row.texts().iter().map(String::as_str)))
        .map(|(index, _)| index)
    else {
        return Err(ImportError::NoHeader {
            first_rows: describe_rows(non_blank_rows().take(5)),
        });
    };
    let header = &table.rows[header_index];

    let mut columns: HashMap<RosterField, usize> = HashMap::new();
    let mut matched_columns = Vec::new();
    let mut ignored_columns = Vec::new();
    for (index, cell) in header.cells.iter().enumerate() {
        let text = cell.display_text();
        if text.is_empty() {
            continue;
        }
        match RosterField::from_header(&text) {
            // When two columns name the same field, the first one is used.
            Some(field) if !columns.contains_key(&field) => {
                columns.insert(field, index);
                matched_columns.push((text, field.label().to_string()));
            }
            _ => ignored_columns.push(text),
        }
    }

    let mut candidates: Vec<(RosterRow, bool)> = Vec::new();
    let mut errors = Vec::new();
    for row in &table.rows[header_index + 1..] {
        if row.is_blank() || is_totals_row(row) {
            continue;
        }
        let validator = RowValidator {
            row,
            columns: &columns,
        };
        let mut row_errors = Vec::new();
        let Some(draft) = validator.draft(&mut row_errors) else {
            continue;
        };
        if row_errors.is_empty() {
            let numeric = matches!(validator.cell(RosterField::EmployeeNo), Cell::Number(_));
            candidates.push((
                RosterRow {
                    row_number: row.row_number,
                    sheet: None,
                    part: 0,
                    draft,
                },
                numeric,
            ));
        } else {
            errors.append(&mut row_errors);
        }
    }
    Ok(Part {
        sheet: table.name.clone(),
        header_row: header.row_number,
        matched_columns,
        ignored_columns,
        candidates,
        errors,
    })
}

/// One preview of the parts read: a 工号 on two rows (of any sheets) names every such
/// row and imports none of them; a numeric 工号 among zero-led ones is a warning.
fn combine(parts: Vec<Part>, mut sheets: Vec<SheetFound>) -> RosterPreview {
    let several = parts.len() > 1;
    let place = |sheet: &Option<String>, row: usize| match sheet {
        Some(sheet) if several => format!("工作表“{sheet}”第 {row} 行"),
        _ => format!("第 {row} 行"),
    };
    let mut rows_of_employee_no: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    let mut zero_led: Vec<String> = Vec::new();
    for (index, part) in parts.iter().enumerate() {
        for (row, _) in &part.candidates {
            rows_of_employee_no
                .entry(row.draft.employee_no.clone())
                .or_default()
                .push((index, row.row_number));
            if row.draft.employee_no.starts_with('0') {
                zero_led.push(row.draft.employee_no.clone());
            }
        }
    }
    let mut preview = RosterPreview {
        header_row: parts.first().map_or(0, |part| part.header_row),
        matched_columns: Vec::new(),
        ignored_columns: Vec::new(),
        rows: Vec::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
        sheets: Vec::new(),
        part_fields: Vec::new(),
    };
    for (index, part) in parts.into_iter().enumerate() {
        let sheet = if several { part.sheet.clone() } else { None };
        for column in part.matched_columns.iter() {
            if !preview.matched_columns.contains(column) {
                preview.matched_columns.push(column.clone());
            }
        }
        for column in part.ignored_columns.iter() {
            if !preview.ignored_columns.contains(column) {
                preview.ignored_columns.push(column.clone());
            }
        }
        preview.part_fields.push(
            part.matched_columns
                .iter()
                .filter_map(|(header, _)| RosterField::from_header(header))
                .collect(),
        );
        let mut errors: Vec<RowError> = part
            .errors
            .into_iter()
            .map(|error| RowError {
                sheet: sheet.clone(),
                ..error
            })
            .collect();
        let mut rows_ok = 0;
        for (mut row, numeric) in part.candidates {
            row.sheet = sheet.clone();
            row.part = index;
            let places = &rows_of_employee_no[&row.draft.employee_no];
            if row.draft.employee_no.is_empty() || places.len() < 2 {
                // A 工号 Excel kept as a number: `10002` among `010001`, `010003`.
                if numeric
                    && let Some(like) = zero_led
                        .iter()
                        .find(|other| other.len() == row.draft.employee_no.len() + 1)
                {
                    preview.warnings.push(RowError {
                        sheet: sheet.clone(),
                        row_number: row.row_number,
                        field: RosterField::EmployeeNo.label().to_string(),
                        value: row.draft.employee_no.clone(),
                        message: format!(
                            "在表格中是数字，可能丢了开头的 0（其他工号如“{like}”）；请核对，或在 Excel/WPS 中把工号列设为文本后重新导出"
                        ),
                    });
                }
                rows_ok += 1;
                preview.rows.push(row);
                continue;
            }
            // A 工号 on two rows: which one is right is not the program's guess, so
            // every such row is named, with the others, and none of them is imported.
            let others: Vec<String> = places
                .iter()
                .filter(|(other_part, number)| (*other_part, *number) != (index, row.row_number))
                .map(|(other_part, number)| {
                    let other_sheet = sheets_name(&sheets, *other_part, several);
                    place(&other_sheet, *number)
                })
                .collect();
            errors.push(RowError {
                sheet: sheet.clone(),
                row_number: row.row_number,
                field: RosterField::EmployeeNo.label().to_string(),
                value: row.draft.employee_no.clone(),
                message: format!(
                    "与{}的工号相同：每个工号只能出现一次，这几行都未导入，请核对后只保留正确的一行",
                    others.join("、")
                ),
            });
        }
        // Stable, so a row's errors stay in column order.
        errors.sort_by_key(|error| error.row_number);
        let mut bad: Vec<usize> = errors.iter().map(|error| error.row_number).collect();
        bad.dedup();
        if let Some(found) = sheets
            .iter_mut()
            .filter(|found| found.header_row.is_some())
            .nth(index)
        {
            found.rows_ok = rows_ok;
            found.bad_rows = bad.len();
        }
        preview.errors.append(&mut errors);
    }
    preview.sheets = sheets;
    preview
}

/// The name of the `index`th sheet read, when several were.
fn sheets_name(sheets: &[SheetFound], index: usize, several: bool) -> Option<String> {
    if !several {
        return None;
    }
    sheets
        .iter()
        .filter(|found| found.header_row.is_some())
        .nth(index)
        .map(|found| found.name.clone())
}

/// Describes rows for the no-header message: "第 1 行：a | b；第 3 行：c".
fn describe_rows<'a>(rows: impl Iterator<Item = &'a TableRow>) -> String {
    let described: Vec<String> = rows
        .map(|row| {
            let texts: Vec<String> = row
                .texts()
                .into_iter()
                .filter(|text| !text.is_empty())
                .collect();
            let mut joined = texts.join(" | ");
            if joined.chars().count() > 60 {
                joined = joined.chars().take(60).collect::<String>() + "…";
            }
            format!("第 {} 行：{joined}", row.row_number)
        })
        .collect();
    if described.is_empty() {
        "（没有内容）".to_string()
    } else {
        described.join("；")
    }
}

/// Texts in the 工号 column of a closing row (totals, signatures, notes) that is not a
/// member even though the column is filled.
const CLOSING_ROW_PREFIXES: &[&str] = &[
    "合计", "总计", "小计", "制表", "审核", "备注", "说明", "注:", "注：",
];

/// What a totals row (合计、总计、小计) starts with, in whichever column it is written:
/// WPS puts 合计 in the first column, which the importer may not read at all.
const TOTALS_PREFIXES: &[&str] = &["合计", "总计", "小计"];

/// Whether any cell of the row, used or not, opens a totals row.
fn is_totals_row(row: &TableRow) -> bool {
    row.texts().iter().any(|text| {
        let text = text.trim();
        TOTALS_PREFIXES
            .iter()
            .any(|prefix| text.starts_with(prefix))
    })
}

/// Checks one data row against the matched columns.
struct RowValidator<'a> {
    row: &'a TableRow,
    columns: &'a HashMap<RosterField, usize>,
}

impl RowValidator<'_> {
    fn cell(&self, field: RosterField) -> &Cell {
        match self.columns.get(&field) {
            Some(&column) => self.row.cell(column),
            None => &Cell::Empty,
        }
    }

    fn text(&self, field: RosterField) -> String {
        self.cell(field).display_text()
    }

    fn error(
        &self,
        field: RosterField,
        value: impl Into<String>,
        message: impl Into<String>,
    ) -> RowError {
        RowError {
            sheet: None,
            row_number: self.row.row_number,
            field: field.label().to_string(),
            value: value.into(),
            message: message.into(),
        }
    }

    /// The row as a draft, with its problems pushed to `errors`; `None` for a row to
    /// skip silently (a total or signature line).
    fn draft(&self, errors: &mut Vec<RowError>) -> Option<MemberDraft> {
        let employee_no = normalize_employee_no(&self.text(RosterField::EmployeeNo));
        let name = normalize_name(&self.text(RosterField::Name));
        if name.is_empty()
            && (employee_no.is_empty()
                || CLOSING_ROW_PREFIXES
                    .iter()
                    .any(|prefix| employee_no.starts_with(prefix)))
        {
            return None;
        }
        if employee_no.is_empty() {
            errors.push(self.error(
                RosterField::EmployeeNo,
                "",
                "工号不能为空（每位会员都应有唯一的工号）",
            ));
        }
        if name.is_empty() {
            errors.push(self.error(RosterField::Name, "", "姓名不能为空"));
        }

        let mut draft = MemberDraft::new(employee_no, name);
        draft.gender = self.gender(errors);
        draft.department = self.text(RosterField::Department);
        draft.status = self.status(errors);
        draft.birth_date = self.date(RosterField::BirthDate, errors);
        draft.join_date = self.date(RosterField::JoinDate, errors);
        draft.retirement_date = self.date(RosterField::RetirementDate, errors);
        draft.phone = self.phone(errors);
        draft.bank_card = self.bank_card(errors);
        draft.is_union_member = self.boolean(RosterField::IsUnionMember, errors);
        draft.dues_paid = self.boolean(RosterField::DuesPaid, errors);
        draft.hardship = self.hardship(errors);
        Some(draft)
    }

    fn gender(&self, errors: &mut Vec<RowError>) -> Option<Gender> {
        let text = self.text(RosterField::Gender);
        if text.is_empty() {
            return None;
        }
        let gender = Gender::parse(&text);
        if gender.is_none() {
            errors.push(self.error(
                RosterField::Gender,
                text,
                format!("无法识别的性别（应为 {} 之一，或留空）", Gender::expected()),
            ));
        }
        gender
    }

    fn status(&self, errors: &mut Vec<RowError>) -> MemberStatus {
        let text = self.text(RosterField::Status);
        if text.is_empty() {
            return MemberStatus::InService;
        }
        MemberStatus::parse(&text).unwrap_or_else(|| {
            errors.push(self.error(
                RosterField::Status,
                text,
                format!(
                    "无法识别的人员状态（应为 {} 之一；留空表示在职）",
                    MemberStatus::expected()
                ),
            ));
            MemberStatus::InService
        })
    }

    fn date(&self, field: RosterField, errors: &mut Vec<RowError>) -> Option<NaiveDate> {
        let cell = self.cell(field);
        match date_from_cell(cell) {
            Ok(date) => date,
            Err(message) => {
                errors.push(self.error(field, cell.display_text(), message));
                None
            }
        }
    }

    fn phone(&self, errors: &mut Vec<RowError>) -> String {
        let text: String = self
            .text(RosterField::Phone)
            .chars()
            .map(to_half_width)
            .collect();
        if text.chars().any(char::is_alphabetic) {
            errors.push(self.error(
                RosterField::Phone,
                text,
                "电话号码只能包含数字、+ 和 -（如 13800138000 或 0571-88888888）",
            ));
            return String::new();
        }
        text.chars()
            .filter(|ch| ch.is_ascii_digit() || *ch == '+' || *ch == '-')
            .collect()
    }

    fn bank_card(&self, errors: &mut Vec<RowError>) -> String {
        let cell = self.cell(RosterField::BankCard);
        let shown = cell.display_text();
        // Excel keeps only 15 significant digits of a number, so a card number stored as
        // a number has already lost its last digits; CSV shows it as 6.22202E+18.
        let stored_as_number = match cell {
            Cell::Number(number) => number.abs() >= 1e15 || number.fract() != 0.0,
            _ => shown.contains(['E', 'e']) && shown.contains('+'),
        };
        if stored_as_number {
            errors.push(self.error(
                RosterField::BankCard,
                shown,
                "银行卡号被 Excel 存成了数字，末几位已经丢失；请把该列设为“文本”格式后重新填写卡号",
            ));
            return String::new();
        }
        let card: String = shown
            .chars()
            .map(to_half_width)
            .filter(|ch| !ch.is_whitespace() && *ch != '-')
            .collect();
        if card.is_empty() {
            return card;
        }
        if !card.chars().all(|ch| ch.is_ascii_digit()) || !(12..=19).contains(&card.len()) {
            errors.push(self.error(
                RosterField::BankCard,
                shown,
                format!(
                    "银行卡号应为 12 到 19 位数字（现为 {} 个字符）",
                    card.chars().count()
                ),
            ));
            return String::new();
        }
        card
    }

    fn boolean(&self, field: RosterField, errors: &mut Vec<RowError>) -> bool {
        let cell = self.cell(field);
        let parsed = match cell {
            Cell::Bool(value) => Some(*value),
            Cell::Number(number) if *number == 1.0 => Some(true),
            Cell::Number(number) if *number == 0.0 => Some(false),
            _ => parse_yes_no(&cell.display_text()),
        };
        parsed.unwrap_or_else(|| {
            errors.push(self.error(
                field,
                cell.display_text(),
                "应为 是 或 否（也可写 Y/N、1/0、√/×、已缴/未缴、会员/非会员；留空表示“是”）",
            ));
            true
        })
    }

    fn hardship(&self, errors: &mut Vec<RowError>) -> Option<HardshipFile> {
        let level_text = self.text(RosterField::HardshipLevel);
        let reason = self.text(RosterField::HardshipReason);
        let reviewed_on = self.date(RosterField::HardshipReviewedOn, errors);
        let expected = format!("应为 {} 之一", HardshipLevel::expected());
        if is_none_marker(&level_text) {
            if !reason.is_empty() {
                errors.push(self.error(
                    RosterField::HardshipLevel,
                    level_text,
                    format!("填写了困难原因“{reason}”，但没有填写困难等级（{expected}）"),
                ));
            } else if reviewed_on.is_some() {
                errors.push(self.error(
                    RosterField::HardshipLevel,
                    level_text,
                    format!("填写了困难审核日期，但没有填写困难等级（{expected}）"),
                ));
            }
            return None;
        }
        let Some(level) = HardshipLevel::parse(&level_text) else {
            errors.push(self.error(
                RosterField::HardshipLevel,
                level_text,
                format!("无法识别的困难等级（{expected}；不是困难职工请留空）"),
            ));
            return None;
        };
        Some(HardshipFile {
            level,
            reason,
            reviewed_on,
        })
    }
}

/// Whether a cell means "nothing here": blank, or a placeholder clerks type for none.
fn is_none_marker(text: &str) -> bool {
    matches!(text.trim(), "" | "无" | "否" | "-" | "—" | "/" | "／")
}

/// A 工号 as stored: trimmed, with full-width letters and digits made half-width.
fn normalize_employee_no(text: &str) -> String {
    text.chars()
        .map(to_half_width)
        .collect::<String>()
        .trim_matches(|ch: char| ch.is_whitespace())
        .to_string()
}

/// A name as stored. HR systems pad two-character Chinese names with spaces
/// ("张　三") to line up; those spaces go. Other names keep single spaces between words.
fn normalize_name(text: &str) -> String {
    let words: Vec<&str> = text
        .split(char::is_whitespace)
        .filter(|word| !word.is_empty())
        .collect();
    let is_chinese = words
        .iter()
        .all(|word| word.chars().all(|ch| !ch.is_ascii()));
    words.join(if is_chinese { "" } else { " " })
}

/// Parses the yes/no forms rosters use; blank means yes (a member, dues paid).
pub fn parse_yes_no(text: &str) -> Option<bool> {
    let text: String = text.chars().map(to_half_width).collect();
    let lower = text.trim().to_lowercase();
    match lower.as_str() {
        "" | "是" | "y" | "yes" | "1" | "√" | "✓" | "✔" | "已缴" | "已交" | "已缴纳" | "已交纳"
        | "会员" | "是会员" | "true" | "对" => Some(true),
        "否" | "n" | "no" | "0" | "×" | "x" | "✗" | "✘" | "未缴" | "未交" | "未缴纳" | "未交纳"
        | "欠缴" | "非会员" | "不是会员" | "false" | "错" => Some(false),
        _ => None,
    }
}

const DATE_EXPECTED: &str =
    "应为如 1980-05-12、1980/5/12、1980年5月12日 的日期，或只写年月如 1980年5月、1980-05";

/// Reads a date cell: a real date cell, an Excel serial number, `yyyymmdd` typed as a
/// number, `1980.05` typed as a number, or text in the forms [`parse_date`] accepts or
/// year and month only (`1980年5月`, `1980-05`, `1980.05`, `198005`, first of the month).
/// Returns the problem's message on failure.
pub fn date_from_cell(cell: &Cell) -> Result<Option<NaiveDate>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Date(date) => Ok(Some(*date)),
        Cell::Bool(_) => Err(format!("不是日期（{DATE_EXPECTED}）")),
        Cell::Number(number) => date_from_number(*number).map(Some),
        Cell::Text(text) => {
            let text: String = text.chars().map(to_half_width).collect();
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            date_from_text(text).map(Some)
        }
    }
}

fn date_from_number(number: f64) -> Result<NaiveDate, String> {
    let not_a_date = || format!("不是日期（{DATE_EXPECTED}）");
    if number.fract() == 0.0 {
        if (1900.0..=2100.0).contains(&number) {
            return Err(format!("只写了年份（{DATE_EXPECTED}）"));
        }
        if (19_000_101.0..=21_001_231.0).contains(&number) {
            return date_from_text(&format_number(number));
        }
        if (190_001.0..=210_012.0).contains(&number) {
            return date_from_text(&format_number(number));
        }
        return date_from_excel_serial(number).ok_or_else(not_a_date);
    }
    // "1980.05" typed into Excel becomes the number 1980.05, and "1980.10" becomes
    // 1980.1: the fraction times 100 is the month.
    if (1900.0..2101.0).contains(&number) {
        let month = ((number.fract() * 100.0).round()) as u32;
        return NaiveDate::from_ymd_opt(number.trunc() as i32, month, 1).ok_or_else(not_a_date);
    }
    // A date with a time of day.
    date_from_excel_serial(number).ok_or_else(not_a_date)
}

fn date_from_text(text: &str) -> Result<NaiveDate, String> {
    if let Ok(date) = parse_date(text) {
        return Ok(date);
    }
    let is_digits = |part: &str| !part.is_empty() && part.chars().all(|ch| ch.is_ascii_digit());
    // An Excel serial saved to CSV from a cell formatted as a number.
    if text.len() == 5 && is_digits(text) {
        let serial: f64 = text
            .parse()
            .map_err(|_| format!("不是日期（{DATE_EXPECTED}）"))?;
        return date_from_excel_serial(serial)
            .ok_or_else(|| format!("不是日期（{DATE_EXPECTED}）"));
    }
    let parts: Vec<&str> = if text.len() == 6 && is_digits(text) {
        vec![&text[0..4], &text[4..6]]
    } else {
        text.split(['-', '/', '.', '年', '月', '日'])
            .filter(|part| !part.is_empty())
            .collect()
    };
    if !parts.iter().all(|part| is_digits(part)) || parts.first().is_none_or(|year| year.len() != 4)
    {
        return Err(format!("无法识别的日期（{DATE_EXPECTED}）"));
    }
    let numbers: Vec<u32> = parts.iter().filter_map(|part| part.parse().ok()).collect();
    match numbers.as_slice() {
        [year, month] => {
            if !(1..=12).contains(month) {
                return Err(format!("月份应为 1 到 12（{DATE_EXPECTED}）"));
            }
            NaiveDate::from_ymd_opt(*year as i32, *month, 1)
                .ok_or_else(|| format!("无法识别的日期（{DATE_EXPECTED}）"))
        }
        [_, month, day] => {
            if !(1..=12).contains(month) {
                Err(format!("月份应为 1 到 12（{DATE_EXPECTED}）"))
            } else {
                Err(format!(
                    "日期不存在：{month} 月没有 {day} 日（应为真实存在的日期）"
                ))
            }
        }
        [_] => Err(format!("只写了年份（{DATE_EXPECTED}）")),
        _ => Err(format!("无法识别的日期（{DATE_EXPECTED}）")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    fn csv(text: &str) -> RosterPreview {
        read_roster_bytes("花名册.csv", text.as_bytes()).unwrap()
    }

    fn error_places(preview: &RosterPreview) -> Vec<(usize, &str)> {
        preview
            .errors
            .iter()
            .map(|error| (error.row_number, error.field.as_str()))
            .collect()
    }

    #[test]
    fn reads_a_minimal_roster_with_defaults() {
        let preview = csv("工号,姓名\n1001,张三\n");
        assert_eq!(preview.header_row, 1);
        assert_eq!(preview.errors, vec![]);
        assert_eq!(preview.drafts(), vec![MemberDraft::new("1001", "张三")]);
        assert_eq!(preview.rows[0].row_number, 2);
    }

    #[test]
    fn parses_every_field() {
        let preview = csv(
            "工号,姓名,性别,科室,人员状态,出生年月,入会时间,退休日期,手机号,工资卡号,会员,会费,困难等级,困难原因,困难复核日期\n\
             Ａ１０２４ , 张　三 ,男,内科,退休,1960.05,33000,2020年5月1日,138-0013-8000,6222 0212 3456 7890,是,未缴,特困,大病,2026/1/5\n",
        );
        assert_eq!(preview.errors, vec![]);
        let draft = &preview.rows[0].draft;
        assert_eq!(draft.employee_no, "A1024");
        assert_eq!(draft.name, "张三");
        assert_eq!(draft.gender, Some(Gender::Male));
        assert_eq!(draft.department, "内科");
        assert_eq!(draft.status, MemberStatus::Retired);
        assert_eq!(draft.birth_date, Some(d(1960, 5, 1)));
        assert_eq!(draft.join_date, Some(d(1990, 5, 7)));
        assert_eq!(draft.retirement_date, Some(d(2020, 5, 1)));
        assert_eq!(draft.phone, "138-0013-8000");
        assert_eq!(draft.bank_card, "6222021234567890");
        assert!(draft.is_union_member);
        assert!(!draft.dues_paid);
        assert_eq!(
            draft.hardship,
            Some(HardshipFile {
                level: HardshipLevel::Special,
                reason: "大病".into(),
                reviewed_on: Some(d(2026, 1, 5)),
            })
        );
    }

    #[test]
    fn year_month_dates_become_the_first_of_the_month() {
        for text in [
            "1980年5月",
            "1980-05",
            "1980.05",
            "1980/5",
            "198005",
            "1980年05月",
        ] {
            assert_eq!(
                date_from_cell(&Cell::Text(text.into())),
                Ok(Some(d(1980, 5, 1))),
                "{text}"
            );
        }
        assert_eq!(
            date_from_cell(&Cell::Number(1980.05)),
            Ok(Some(d(1980, 5, 1)))
        );
        assert_eq!(
            date_from_cell(&Cell::Number(1980.1)),
            Ok(Some(d(1980, 10, 1)))
        );
        assert_eq!(
            date_from_cell(&Cell::Number(19800512.0)),
            Ok(Some(d(1980, 5, 12)))
        );
        assert_eq!(
            date_from_cell(&Cell::Number(46089.0)),
            Ok(Some(d(2026, 3, 8)))
        );
        assert_eq!(
            date_from_cell(&Cell::Text("46089".into())),
            Ok(Some(d(2026, 3, 8)))
        );
        assert_eq!(date_from_cell(&Cell::Text("  ".into())), Ok(None));
    }

    #[test]
    fn bad_dates_say_what_was_expected() {
        let message = date_from_cell(&Cell::Text("2026-02-30".into())).unwrap_err();
        assert!(message.contains("2 月没有 30 日"), "{message}");
        for text in ["1980-13", "1980", "明年", "80.5"] {
            let message = date_from_cell(&Cell::Text(text.into())).unwrap_err();
            assert!(message.contains("1980年5月"), "{text}: {message}");
        }
        assert!(
            date_from_cell(&Cell::Number(1980.0))
                .unwrap_err()
                .contains("只写了年份")
        );
    }

    #[test]
    fn booleans_in_the_forms_rosters_use() {
        for text in ["是", "Y", "1", "√", "已缴", "已交", "会员", "TRUE", ""] {
            assert_eq!(parse_yes_no(text), Some(true), "{text}");
        }
        for text in ["否", "n", "0", "×", "未缴", "未交", "非会员", "false"] {
            assert_eq!(parse_yes_no(text), Some(false), "{text}");
        }
        assert_eq!(parse_yes_no("也许"), None);
    }

    #[test]
    fn each_bad_field_is_reported_and_the_row_left_out() {
        let preview = csv("工号,姓名,性别,状态,电话,银行卡号,会费,困难等级,困难原因\n\
             1,甲,男,在职,13800138000,,,,\n\
             2,乙,男人,上班,1380013800a,1234,大概,,子女上学\n\
             3,丙,女,,,6.22202E+18,,严重,\n");
        assert_eq!(preview.drafts().len(), 1);
        assert_eq!(
            error_places(&preview),
            vec![
                (3, "性别"),
                (3, "状态"),
                (3, "电话"),
                (3, "银行卡号"),
                (3, "会费"),
                (3, "困难等级"),
                (4, "银行卡号"),
                (4, "困难等级"),
            ]
        );
        let status = &preview.errors[1];
        assert_eq!(status.value, "上班");
        assert!(
            status
                .message
                .contains("应为 在职、退休、离休、调离、已故 之一"),
            "{status}"
        );
        assert!(preview.errors[5].message.contains("子女上学"));
        assert!(preview.errors[6].message.contains("文本"));
    }

    #[test]
    fn a_duplicate_employee_no_names_every_row_and_imports_none_of_them() {
        let preview = csv("工号,姓名\n7,甲\n8,乙\n7,丙\n9,丁\n7,戊\n");
        let names: Vec<String> = preview.drafts().iter().map(|d| d.name.clone()).collect();
        assert_eq!(names, vec!["乙", "丁"]);
        assert_eq!(
            error_places(&preview),
            vec![(2, "工号"), (4, "工号"), (6, "工号")]
        );
        assert_eq!(
            preview.errors[0].to_string(),
            "第 2 行，工号“7”：与第 4 行、第 6 行的工号相同：每个工号只能出现一次，这几行都未导入，请核对后只保留正确的一行"
        );
        assert!(
            preview.errors[1]
                .to_string()
                .contains("与第 2 行、第 6 行的工号相同")
        );
    }

    #[test]
    fn a_totals_row_is_skipped_in_whichever_column_it_is_written() {
        // WPS writes 合计 in 序号, a column the importer does not read.
        let preview = csv("序号,工号,姓名,部门\n1,A1,甲,内科\n2,A2,乙,外科\n合计,,,\n");
        assert!(preview.errors.is_empty(), "{:?}", preview.errors);
        assert_eq!(preview.drafts().len(), 2);
        let preview = csv("工号,姓名,部门\nA1,甲,内科\n,,小计：2 人\n,总计,\n");
        assert!(preview.errors.is_empty(), "{:?}", preview.errors);
        assert_eq!(preview.drafts().len(), 1);
    }

    #[test]
    fn closing_rows_are_skipped_but_half_filled_rows_are_not() {
        let preview = csv("工号,姓名,会费\n1,甲,\n合计,,\n,,\n制表人：李四,,\n,乙,\n2,,\n");
        assert_eq!(preview.drafts().len(), 1);
        assert_eq!(error_places(&preview), vec![(6, "工号"), (7, "姓名")]);
        assert_eq!(
            preview.errors[1].to_string(),
            "第 7 行，姓名（空）：姓名不能为空"
        );
    }

    #[test]
    fn header_is_found_below_title_rows_and_unknown_columns_are_listed() {
        let preview = csv(
            "XX医院2026年职工花名册,,\n单位：工会  制表日期：2026-03-01,,\n,,\n序号,*职工号,姓名(必填),科室,备注\n1,1001,张三,外科,\n",
        );
        assert_eq!(preview.header_row, 4);
        assert_eq!(
            preview.matched_columns,
            vec![
                ("*职工号".to_string(), "工号".to_string()),
                ("姓名(必填)".to_string(), "姓名".to_string()),
                ("科室".to_string(), "部门".to_string()),
            ]
        );
        assert_eq!(preview.ignored_columns, vec!["序号", "备注"]);
        assert_eq!(preview.drafts()[0].department, "外科");
    }

    #[test]
    fn missing_header_lists_what_the_file_starts_with() {
        let error = read_roster_bytes("a.csv", "名单\n编号,名称\n1,张三\n".as_bytes()).unwrap_err();
        assert!(matches!(error, ImportError::NoHeader { .. }));
        let message = error.to_string();
        assert!(
            message.contains("工号") && message.contains("姓名"),
            "{message}"
        );
        assert!(message.contains("第 2 行：编号 | 名称"), "{message}");
    }

    #[test]
    fn padded_chinese_names_lose_their_padding() {
        assert_eq!(normalize_name(" 张　三 "), "张三");
        assert_eq!(normalize_name("Mary  Smith"), "Mary Smith");
    }
}
