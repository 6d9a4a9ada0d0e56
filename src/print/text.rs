//! A form as plain text for the terminal and for golden tests: columns aligned by
//! display width (a Chinese character takes two cells), numbers right-aligned.

use std::fmt::Write;

use unicode_width::UnicodeWidthStr;

use crate::core::date::format_date;
use crate::core::forms::{Block, ColumnKind, Form, RowStyle, Table};

fn pad(text: &str, width: usize, right: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(text.width()));
    if right {
        format!("{fill}{text}")
    } else {
        format!("{text}{fill}")
    }
}

fn write_table(out: &mut String, table: &Table) {
    if !table.caption.is_empty() {
        let _ = writeln!(out, "{}", table.caption);
    }
    let cells: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|row| row.cells.iter().map(|cell| cell.display()).collect())
        .collect();
    let titles: Vec<String> = table
        .columns
        .iter()
        .map(|column| {
            if column.group.is_empty() {
                column.title.clone()
            } else {
                format!("{}{}", column.group, column.title)
            }
        })
        .collect();
    let widths: Vec<usize> = (0..table.columns.len())
        .map(|index| {
            let data = cells
                .iter()
                .zip(&table.rows)
                .filter(|(_, row)| row.style != RowStyle::Section)
                .filter_map(|(cells, _)| cells.get(index))
                .map(|text| text.width())
                .max()
                .unwrap_or(0);
            let minimum = if table.columns[index].kind == ColumnKind::Signature {
                12
            } else {
                0
            };
            data.max(titles[index].width()).max(minimum)
        })
        .collect();
    let line = |out: &mut String, texts: &[String], align_numbers: bool| {
        let parts: Vec<String> = texts
            .iter()
            .zip(&table.columns)
            .zip(&widths)
            .map(|((text, column), width)| {
                let right =
                    align_numbers && matches!(column.kind, ColumnKind::Count | ColumnKind::Money);
                pad(text, *width, right)
            })
            .collect();
        let _ = writeln!(out, "{}", parts.join("  ").trim_end());
    };
    line(out, &titles, true);
    let rule: usize = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
    let _ = writeln!(out, "{}", "-".repeat(rule));
    for (row, texts) in table.rows.iter().zip(&cells) {
        if row.style == RowStyle::Total {
            let _ = writeln!(out, "{}", "-".repeat(rule));
        }
        if row.style == RowStyle::Section {
            let _ = writeln!(out, "{}", texts.first().map_or("", String::as_str));
            continue;
        }
        line(out, texts, true);
    }
    out.push('\n');
}

/// The whole form as text: head, facts, tables or fields, notes and signatures.
pub fn render_text(form: &Form) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", form.union_name);
    let _ = writeln!(out, "{}", form.title);
    let _ = writeln!(out, "{}", form.period);
    out.push('\n');
    for (label, value) in &form.facts {
        let _ = writeln!(out, "{label}：{value}");
    }
    if !form.facts.is_empty() {
        out.push('\n');
    }
    for block in &form.blocks {
        match block {
            Block::Table(table) => write_table(&mut out, table),
            Block::Chart(chart) => write_table(&mut out, &crate::core::forms::chart_table(chart)),
            Block::Fields { fields } => {
                let width = fields.iter().map(|f| f.label.width()).max().unwrap_or(0);
                for field in fields {
                    let _ = writeln!(
                        out,
                        "{}：{}",
                        pad(&field.label, width, false),
                        field.value.display()
                    );
                }
                out.push('\n');
            }
        }
    }
    for note in &form.notes {
        let _ = writeln!(out, "{note}");
    }
    if !form.notes.is_empty() {
        out.push('\n');
    }
    let signatures: Vec<String> = form
        .signatures
        .iter()
        .map(|role| format!("{role}：________"))
        .collect();
    let _ = writeln!(out, "{}", signatures.join("  "));
    let _ = writeln!(out, "打印日期：{}", format_date(form.printed_on));
    out
}
