//! A form as an Excel workbook: one sheet, numbers stored as numbers (money in yuan
//! with two decimals), totals as the same figures the other renderers print, column
//! widths that fit Chinese, A4 page setup with the table head repeated on each page.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use unicode_width::UnicodeWidthStr;

use crate::core::date::format_date;
use crate::core::forms::{Block, Cell, ColumnKind, Form, RowStyle, Table};

use super::RenderError;

const MONEY_FORMAT: &str = "#,##0.00";

struct Formats {
    title: Format,
    head: Format,
    text: Format,
    count: Format,
    money: Format,
    bold_text: Format,
    bold_count: Format,
    bold_money: Format,
    plain: Format,
}

impl Formats {
    fn new() -> Self {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_font_name("宋体")
            .set_font_size(10);
        let count = cell.clone().set_align(FormatAlign::Right);
        let money = cell.clone().set_num_format(MONEY_FORMAT);
        Self {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center),
            head: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(0xEEEEEE),
            bold_text: cell.clone().set_bold(),
            bold_count: count.clone().set_bold(),
            bold_money: money.clone().set_bold(),
            text: cell,
            count,
            money,
            plain: Format::new().set_font_size(10),
        }
    }
}

fn column_count(form: &Form) -> u16 {
    form.blocks
        .iter()
        .map(|block| match block {
            Block::Table(table) => table.columns.len(),
            Block::Chart(chart) => crate::core::forms::chart_table(chart).columns.len(),
            Block::Fields { .. } => 4,
        })
        .max()
        .unwrap_or(1)
        .max(1) as u16
}

fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    cell: &Cell,
    bold: bool,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let (text, count, money) = if bold {
        (&formats.bold_text, &formats.bold_count, &formats.bold_money)
    } else {
        (&formats.text, &formats.count, &formats.money)
    };
    match cell {
        Cell::Text(value) => sheet.write_string_with_format(row, column, value, text)?,
        Cell::Count(value) => sheet.write_number_with_format(row, column, *value as f64, count)?,
        // Fen to yuan: every fen amount below 2^53 is exact to the cent in a double.
        Cell::Money(fen) => {
            sheet.write_number_with_format(row, column, *fen as f64 / 100.0, money)?
        }
        Cell::Blank => sheet.write_blank(row, column, text)?,
    };
    Ok(())
}

/// Writes a table from `row`, returning the first free row after it and the rows of
/// its head (to repeat on each printed page).
fn write_table(
    sheet: &mut Worksheet,
    mut row: u32,
    table: &Table,
    widths: &mut [f64],
    formats: &Formats,
) -> Result<(u32, (u32, u32)), XlsxError> {
    if !table.caption.is_empty() {
        sheet.write_string_with_format(
            row,
            0,
            &table.caption,
            &formats.bold_text.clone().set_border(FormatBorder::None),
        )?;
        row += 1;
    }
    let head_start = row;
    let grouped = table.columns.iter().any(|c| !c.group.is_empty());
    if grouped {
        let mut index = 0usize;
        while index < table.columns.len() {
            let group = &table.columns[index].group;
            let span = table.columns[index..]
                .iter()
                .take_while(|c| &c.group == group)
                .count();
            let first = index as u16;
            let last = (index + span - 1) as u16;
            if group.is_empty() {
                for offset in 0..span {
                    let column = first + offset as u16;
                    sheet.merge_range(
                        row,
                        column,
                        row + 1,
                        column,
                        &table.columns[index + offset].title,
                        &formats.head,
                    )?;
                }
            } else if first == last {
                sheet.write_string_with_format(row, first, group, &formats.head)?;
            } else {
                sheet.merge_range(row, first, row, last, group, &formats.head)?;
            }
            index += span;
        }
        row += 1;
    }
    for (index, column) in table.columns.iter().enumerate() {
        if grouped && column.group.is_empty() {
            continue;
        }
        sheet.write_string_with_format(row, index as u16, &column.title, &formats.head)?;
    }
    let head = (head_start, row);
    row += 1;
    let breaks: Vec<u32> = table
        .page_breaks
        .iter()
        .map(|index| row + *index as u32)
        .collect();
    if !breaks.is_empty() {
        sheet.set_page_breaks(&breaks)?;
    }
    for line in &table.rows {
        if line.style == RowStyle::Section {
            let text = line.cells.first().map(|c| c.display()).unwrap_or_default();
            let last = table.columns.len().saturating_sub(1) as u16;
            if last == 0 {
                sheet.write_string_with_format(row, 0, &text, &formats.bold_text)?;
            } else {
                sheet.merge_range(row, 0, row, last, &text, &formats.bold_text)?;
            }
            row += 1;
            continue;
        }
        let bold = matches!(
            line.style,
            RowStyle::Total | RowStyle::Group | RowStyle::Subtotal
        );
        for (index, cell) in line.cells.iter().enumerate() {
            write_cell(sheet, row, index as u16, cell, bold, formats)?;
            let width = cell.display().width() as f64;
            if let Some(slot) = widths.get_mut(index) {
                *slot = slot.max(width);
            }
        }
        if table
            .columns
            .iter()
            .any(|c| c.kind == ColumnKind::Signature)
        {
            sheet.set_row_height(row, 24)?;
        }
        row += 1;
    }
    for (index, column) in table.columns.iter().enumerate() {
        if let Some(slot) = widths.get_mut(index) {
            *slot = slot.max(column.title.width() as f64);
            if column.kind == ColumnKind::Signature {
                *slot = slot.max(16.0);
            }
        }
    }
    Ok((row + 1, head))
}

fn build(form: &Form) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    // Sheet names may hold at most 31 characters and none of []:*?/\.
    sheet.set_name(
        form.title
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect::<String>(),
    )?;
    sheet.set_paper_size(9);
    if form.landscape {
        sheet.set_landscape();
    }
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_footer("&C第 &P 页 共 &N 页");
    let last_column = column_count(form) - 1;
    sheet.merge_range(
        0,
        0,
        0,
        last_column,
        &form.union_name,
        &formats.plain.clone().set_align(FormatAlign::Center),
    )?;
    sheet.merge_range(1, 0, 1, last_column, &form.title, &formats.title)?;
    sheet.merge_range(
        2,
        0,
        2,
        last_column,
        &form.period,
        &formats.plain.clone().set_align(FormatAlign::Center),
    )?;
    sheet.set_row_height(1, 24)?;
    let mut row = 3u32;
    for (label, value) in &form.facts {
        sheet.write_string_with_format(row, 0, format!("{label}：{value}"), &formats.plain)?;
        row += 1;
    }
    row += 1;
    let mut widths = vec![4.0f64; usize::from(last_column) + 1];
    let mut repeat: Option<(u32, u32)> = None;
    for block in &form.blocks {
        match block {
            Block::Table(table) => {
                let (next, head) = write_table(sheet, row, table, &mut widths, &formats)?;
                repeat.get_or_insert(head);
                row = next;
            }
            // The chart's figures, which a spreadsheet charts itself if asked.
            Block::Chart(chart) => {
                let table = crate::core::forms::chart_table(chart);
                let (next, _) = write_table(sheet, row, &table, &mut widths, &formats)?;
                row = next;
            }
            Block::Fields { fields } => {
                let mut column = 0u16;
                for field in fields {
                    if field.wide && column != 0 {
                        row += 1;
                        column = 0;
                    }
                    sheet.write_string_with_format(row, column, &field.label, &formats.head)?;
                    widths[usize::from(column)] =
                        widths[usize::from(column)].max(field.label.width() as f64);
                    if field.wide {
                        sheet.merge_range(row, 1, row, last_column, "", &formats.text)?;
                        write_cell(sheet, row, 1, &field.value, false, &formats)?;
                        row += 1;
                    } else {
                        write_cell(sheet, row, column + 1, &field.value, false, &formats)?;
                        let slot = &mut widths[usize::from(column + 1)];
                        *slot = slot.max(field.value.display().width() as f64);
                        column += 2;
                        if column > last_column {
                            column = 0;
                            row += 1;
                        }
                    }
                }
                if column != 0 {
                    row += 1;
                }
                row += 1;
            }
        }
    }
    for note in &form.notes {
        sheet.write_string_with_format(row, 0, note, &formats.plain)?;
        row += 1;
    }
    row += 1;
    let signatures: Vec<String> = form
        .signatures
        .iter()
        .map(|role| format!("{role}：＿＿＿＿＿＿"))
        .collect();
    sheet.write_string_with_format(row, 0, signatures.join("　　"), &formats.plain)?;
    sheet.write_string_with_format(
        row + 1,
        0,
        format!("打印日期：{}", format_date(form.printed_on)),
        &formats.plain,
    )?;
    if let Some((first, last)) = repeat {
        sheet.set_repeat_rows(first, last)?;
    }
    for (index, width) in widths.iter().enumerate() {
        // A Chinese character is two width units; Excel's unit is about one digit.
        sheet.set_column_width(index as u16, (width * 1.15 + 2.0).min(60.0))?;
    }
    workbook.save_to_buffer()
}

/// The form as the bytes of an .xlsx file.
pub fn render_xlsx(form: &Form) -> Result<Vec<u8>, RenderError> {
    build(form).map_err(|error| RenderError::Xlsx(error.to_string()))
}
