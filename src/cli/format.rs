//! Plain-text tables for the terminal. A CJK character takes two columns, so widths are
//! measured with `unicode-width`, never with `len()` or `chars().count()`.

use unicode_width::UnicodeWidthStr;

/// How a column's cells line up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A table of text cells with a header row, rendered with aligned columns.
#[derive(Debug, Clone, Default)]
pub struct Table {
    headers: Vec<String>,
    aligns: Vec<Align>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with the given columns: `(header, alignment)`.
    pub fn new(columns: &[(&str, Align)]) -> Self {
        Self {
            headers: columns
                .iter()
                .map(|(header, _)| header.to_string())
                .collect(),
            aligns: columns.iter().map(|(_, align)| *align).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row; missing cells are left empty, extra cells are dropped.
    pub fn push(&mut self, cells: Vec<String>) {
        let mut cells = cells;
        cells.resize(self.headers.len(), String::new());
        self.rows.push(cells);
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as lines of text: header, a rule, then the rows. Columns are separated
    /// by two spaces and trailing spaces are trimmed.
    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| display_width(h)).collect();
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(display_width(cell));
            }
        }
        let mut text = String::new();
        text.push_str(&self.render_line(&self.headers, &widths));
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        text.push_str(&self.render_line(&rule, &widths));
        for row in &self.rows {
            text.push_str(&self.render_line(row, &widths));
        }
        text
    }

    fn render_line(&self, cells: &[String], widths: &[usize]) -> String {
        let mut line = String::new();
        for (index, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if index > 0 {
                line.push_str("  ");
            }
            // Headers of right-aligned columns are right-aligned too, over their numbers.
            let align = self.aligns.get(index).copied().unwrap_or(Align::Left);
            line.push_str(&pad(cell, *width, align));
        }
        let mut line = line.trim_end().to_string();
        line.push('\n');
        line
    }
}

/// The number of terminal columns a string takes (CJK characters count two).
pub fn display_width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// Pads a cell with spaces to `width` display columns.
pub fn pad(text: &str, width: usize, align: Align) -> String {
    let fill = " ".repeat(width.saturating_sub(display_width(text)));
    match align {
        Align::Left => format!("{text}{fill}"),
        Align::Right => format!("{fill}{text}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_characters_are_two_columns_wide() {
        assert_eq!(display_width("张三丰"), 6);
        assert_eq!(display_width("A1024"), 5);
        let mut table = Table::new(&[("工号", Align::Left), ("金额", Align::Right)]);
        table.push(vec!["A1".into(), "500.00".into()]);
        table.push(vec!["张三丰".into(), "1,234.50".into()]);
        assert_eq!(
            table.render(),
            "工号        金额\n------  --------\nA1        500.00\n张三丰  1,234.50\n"
        );
    }
}
