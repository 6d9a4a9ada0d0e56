//! A form as PDF, laid out by typst from the templates in `assets/templates` (or a
//! union's own copies of them) with the bundled font. The template receives the form
//! as JSON with every figure already written out, so the PDF prints exactly the text
//! the other renderers print.

use std::sync::OnceLock;

use serde::Serialize;
use typst::foundations::{Dict, IntoValue};
use typst::text::Font;
use typst_as_lib::TypstEngine;
use typst_layout::PagedDocument;

use crate::core::date::format_date;
use crate::core::forms::{Block, ColumnKind, Form, RowStyle};

use super::{NOTO_SANS_SC, PrintOptions};

/// The built-in templates; a union may replace either with a file of the same name.
pub const FORM_TEMPLATE: &str = include_str!("../../assets/templates/form.typ");
pub const LETTERHEAD_TEMPLATE: &str = include_str!("../../assets/templates/letterhead.typ");

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("无法读取报表模板“{path}”：{detail}")]
    Template { path: String, detail: String },
    #[error("报表模板有错，无法排版：{0}")]
    Layout(String),
    #[error("生成 PDF 失败：{0}")]
    Export(String),
}

#[derive(Serialize)]
struct PrintColumn<'a> {
    title: &'a str,
    group: &'a str,
    right: bool,
    width: u16,
}

#[derive(Serialize)]
struct PrintRow {
    /// "item", "group", "subtotal" or "total".
    style: &'static str,
    cells: Vec<String>,
}

#[derive(Serialize)]
struct PrintField<'a> {
    label: &'a str,
    value: String,
    wide: bool,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum PrintBlock<'a> {
    Table {
        caption: &'a str,
        grouped: bool,
        signature: bool,
        breaks: &'a [usize],
        /// Every line of the table fits on one line of its columns, so rows can have a
        /// fixed height and need not be measured (a large sign-off sheet lays out in
        /// half the time).
        single_line: bool,
        columns: Vec<PrintColumn<'a>>,
        rows: Vec<PrintRow>,
    },
    Fields {
        fields: Vec<PrintField<'a>>,
    },
    /// A chart with its geometry worked out: every position a fraction of the plot
    /// area (0 bottom, 1 top), every figure already written.
    Chart {
        caption: &'a str,
        bars: bool,
        unit: &'static str,
        labels: &'a [String],
        ticks: Vec<PrintTick>,
        series: Vec<PrintSeries<'a>>,
        /// Where the value 0 sits.
        zero: f64,
    },
}

#[derive(Serialize)]
struct PrintTick {
    at: f64,
    text: String,
}

#[derive(Serialize)]
struct PrintSeries<'a> {
    name: &'a str,
    colour: String,
    /// Per label: (bottom, top) of its bar segment, or (value, value) of a line point.
    spans: Vec<(f64, f64)>,
}

/// A chart's drawing: bars stacked from zero, lines through each value.
fn print_chart(chart: &crate::core::charts::Chart) -> PrintBlock<'_> {
    use crate::core::charts::ChartKind;
    let scale = chart.scale();
    let bars = chart.kind == ChartKind::StackedBars;
    let mut base = vec![0i64; chart.labels.len()];
    let series = chart
        .series
        .iter()
        .enumerate()
        .map(|(index, series)| PrintSeries {
            name: &series.name,
            colour: crate::core::charts::colour_hex(index),
            spans: series
                .values
                .iter()
                .zip(base.iter_mut())
                .map(|(value, below)| {
                    if bars {
                        let span = (scale.fraction(*below), scale.fraction(*below + value));
                        *below += value;
                        span
                    } else {
                        (scale.fraction(*value), scale.fraction(*value))
                    }
                })
                .collect(),
        })
        .collect();
    PrintBlock::Chart {
        caption: &chart.caption,
        bars,
        unit: chart.unit_text(),
        labels: &chart.labels,
        ticks: scale
            .ticks
            .iter()
            .map(|tick| PrintTick {
                at: scale.fraction(*tick),
                text: chart.tick_text(*tick),
            })
            .collect(),
        series,
        zero: scale.fraction(0),
    }
}

/// The form as the template reads it: all text, nothing left to format.
#[derive(Serialize)]
struct PrintModel<'a> {
    kind: &'static str,
    union_name: &'a str,
    title: &'a str,
    period: &'a str,
    landscape: bool,
    printed_on: String,
    facts: Vec<(&'a str, &'a str)>,
    blocks: Vec<PrintBlock<'a>>,
    notes: &'a [String],
    signatures: &'a [String],
}

/// Whether every cell fits its column on one line. Widths are in Chinese characters;
/// an A4 page holds about 57 of them across at 9 pt (82 in landscape).
fn single_line(table: &crate::core::forms::Table, landscape: bool) -> bool {
    use unicode_width::UnicodeWidthStr;
    let across: u32 = table.columns.iter().map(|c| u32::from(c.width)).sum();
    let page = if landscape { 82 } else { 57 };
    across <= page
        && table.rows.iter().all(|row| {
            row.style == RowStyle::Section
                || row.cells.iter().zip(&table.columns).all(|(cell, column)| {
                    cell.display().width().div_ceil(2) < usize::from(column.width)
                })
        })
}

fn style_name(style: RowStyle) -> &'static str {
    match style {
        RowStyle::Item => "item",
        RowStyle::Group => "group",
        RowStyle::Subtotal => "subtotal",
        RowStyle::Total => "total",
        RowStyle::Section => "section",
    }
}

fn print_model(form: &Form) -> PrintModel<'_> {
    let blocks = form
        .blocks
        .iter()
        .map(|block| match block {
            Block::Table(table) => PrintBlock::Table {
                caption: &table.caption,
                grouped: table.columns.iter().any(|c| !c.group.is_empty()),
                breaks: &table.page_breaks,
                single_line: single_line(table, form.landscape),
                signature: table
                    .columns
                    .iter()
                    .any(|c| c.kind == ColumnKind::Signature),
                columns: table
                    .columns
                    .iter()
                    .map(|column| PrintColumn {
                        title: &column.title,
                        group: &column.group,
                        right: matches!(column.kind, ColumnKind::Count | ColumnKind::Money),
                        width: column.width.max(1),
                    })
                    .collect(),
                rows: table
                    .rows
                    .iter()
                    .map(|row| PrintRow {
                        style: style_name(row.style),
                        cells: row.cells.iter().map(|cell| cell.display()).collect(),
                    })
                    .collect(),
            },
            Block::Chart(chart) => print_chart(chart),
            Block::Fields { fields } => PrintBlock::Fields {
                fields: fields
                    .iter()
                    .map(|field| PrintField {
                        label: &field.label,
                        value: field.value.display(),
                        wide: field.wide,
                    })
                    .collect(),
            },
        })
        .collect();
    PrintModel {
        kind: form.kind.code(),
        union_name: &form.union_name,
        title: &form.title,
        period: &form.period,
        landscape: form.landscape,
        printed_on: format_date(form.printed_on),
        facts: form
            .facts
            .iter()
            .map(|(label, value)| (label.as_str(), value.as_str()))
            .collect(),
        blocks,
        notes: &form.notes,
        signatures: &form.signatures,
    }
}

/// The bundled font, parsed once per process.
fn fonts() -> Vec<Font> {
    static FONTS: OnceLock<Vec<Font>> = OnceLock::new();
    FONTS
        .get_or_init(|| Font::iter(typst::foundations::Bytes::new(NOTO_SANS_SC)).collect())
        .clone()
}

fn template(name: &str, built_in: &str, options: &PrintOptions) -> Result<String, PdfError> {
    let Some(dir) = &options.template_dir else {
        return Ok(built_in.to_string());
    };
    let path = dir.join(name);
    if !path.exists() {
        return Ok(built_in.to_string());
    }
    std::fs::read_to_string(&path).map_err(|error| PdfError::Template {
        path: path.display().to_string(),
        detail: error.to_string(),
    })
}

/// Lays the form out and exports it as the bytes of a PDF file.
pub fn render_pdf(form: &Form, options: &PrintOptions) -> Result<Vec<u8>, PdfError> {
    render_pdf_paged(form, options).map(|(bytes, _)| bytes)
}

/// Like [`render_pdf`], also giving the number of pages.
pub fn render_pdf_paged(form: &Form, options: &PrintOptions) -> Result<(Vec<u8>, usize), PdfError> {
    let model = serde_json::to_string(&print_model(form))
        .map_err(|error| PdfError::Export(error.to_string()))?;
    let form_source = template("form.typ", FORM_TEMPLATE, options)?;
    let letterhead = template("letterhead.typ", LETTERHEAD_TEMPLATE, options)?;
    let engine = TypstEngine::builder()
        .fonts(fonts())
        .with_static_source_file_resolver([
            ("form.typ", form_source),
            ("letterhead.typ", letterhead),
        ])
        .build();
    let mut inputs = Dict::new();
    inputs.insert("data".into(), model.into_value());
    let document: PagedDocument = engine
        .compile_with_input("form.typ", inputs)
        .output
        .map_err(|error| PdfError::Layout(describe_error(&error)))?;
    let options = typst_pdf::PdfOptions {
        tagged: false,
        ..typst_pdf::PdfOptions::default()
    };
    let pages = document.pages().len();
    let exported = typst_pdf::pdf(&document, &options);
    // typst memoizes layout across compilations. Forms are laid out once each, so the
    // cache would only hold memory in a long-running window (hundreds of MB after a
    // few large sheets) and make a repeated render look faster than a real one.
    typst::comemo::evict(0);
    let bytes = exported.map_err(|errors| {
        PdfError::Export(
            errors
                .iter()
                .map(|error| error.message.to_string())
                .collect::<Vec<_>>()
                .join("；"),
        )
    })?;
    Ok((bytes, pages))
}

fn describe_error(error: &typst_as_lib::TypstAsLibError) -> String {
    match error {
        typst_as_lib::TypstAsLibError::TypstSource(diagnostics) => diagnostics
            .iter()
            .map(|diagnostic| diagnostic.message.to_string())
            .collect::<Vec<_>>()
            .join("；"),
        other => other.to_string(),
    }
}
