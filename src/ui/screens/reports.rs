//! 报表: choose a form and its period (or member, batch, voucher), preview it on screen
//! from the same value the PDF and the spreadsheet print, save it as PDF or Excel, or
//! open the PDF in the system viewer to print. PDFs are laid out on a worker thread,
//! so a 10,000-person sign-off sheet never freezes the window.

use std::path::PathBuf;
use std::sync::mpsc::Receiver;

use chrono::{Datelike, NaiveDate};
use egui_extras::{Column as TableColumn, TableBuilder};

use crate::core::date::{Period, format_date, quarter_number};
use crate::core::forms::{Block, Cell, ColumnKind, Form, FormKind, FormRequest, RowStyle, Table};
use crate::print::OutputFormat;
use crate::ui::command::Command;
use crate::ui::data::LedgerData;
use crate::ui::widgets::{MemberPicker, heading_cell, id_combo};

pub use crate::ui::command::ReportCommand;

/// Which stretch of time a form covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PeriodChoice {
    #[default]
    Year,
    Quarter(u32),
    Month(u32),
}

impl PeriodChoice {
    fn label(self) -> String {
        match self {
            PeriodChoice::Year => "全年".into(),
            PeriodChoice::Quarter(q) => format!("第{q}季度"),
            PeriodChoice::Month(m) => format!("{m}月"),
        }
    }

    fn period(self, year: i32) -> Period {
        match self {
            PeriodChoice::Year => Period::year(year),
            PeriodChoice::Quarter(q) => Period::quarter(year, q),
            PeriodChoice::Month(m) => Period::month(year, m),
        }
    }

    fn all() -> Vec<PeriodChoice> {
        let mut all = vec![PeriodChoice::Year];
        all.extend((1..=4).map(PeriodChoice::Quarter));
        all.extend((1..=12).map(PeriodChoice::Month));
        all
    }
}

/// A PDF being laid out on a worker thread.
pub struct RenderJob {
    pub label: String,
    /// Where the file goes, and whether to open it when done.
    pub target: PathBuf,
    pub open_when_done: bool,
    pub done: Receiver<Result<(), String>>,
    /// The rows being laid out, and since when: typst tells no progress of its own.
    pub rows: usize,
    pub started: std::time::Instant,
}

impl RenderJob {
    /// What is said while it runs.
    pub fn status_text(&self) -> String {
        format!(
            "正在生成 {}（{} 行，已用 {} 秒）…",
            self.label,
            self.rows,
            self.started.elapsed().as_secs()
        )
    }
}

impl std::fmt::Debug for RenderJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenderJob")
            .field("label", &self.label)
            .field("target", &self.target)
            .finish()
    }
}

#[derive(Debug, Default)]
pub struct ReportsScreen {
    pub kind: Option<FormKind>,
    pub year: Option<i32>,
    pub quarter: Option<u32>,
    pub period: PeriodChoice,
    pub member: MemberPicker,
    pub batch_id: Option<i64>,
    pub voucher: String,
    /// The form on screen, and what was asked to make it.
    pub preview: Option<(FormRequest, Form)>,
    pub job: Option<RenderJob>,
    /// Files saved from this screen, newest last.
    pub saved: Vec<PathBuf>,
    /// What is missing before a form can be made.
    pub problem: Option<String>,
    /// Where to save, typed: shown when the system's save dialog gave no file (no
    /// dialog on this desktop, or cancelled).
    pub save_as: Option<SaveAs>,
    /// Counts the previews shown: each new one opens at its top, not at the scroll
    /// position of the one before.
    pub shown: u64,
}

/// The typed-path save dialog.
#[derive(Debug, Clone, PartialEq)]
pub struct SaveAs {
    pub format: OutputFormat,
    pub path: String,
    /// Why the last attempt failed, in the clerk's words.
    pub error: Option<String>,
}

impl SaveAs {
    /// The typed path, with the format's extension added when it has none.
    fn target(&self) -> Result<PathBuf, String> {
        let typed = self.path.trim();
        if typed.is_empty() {
            return Err("保存位置：请填写文件路径".to_string());
        }
        let mut path = PathBuf::from(typed);
        let extension = self.format.extension();
        if path
            .extension()
            .is_none_or(|e| !e.eq_ignore_ascii_case(extension))
        {
            let mut name = path.file_name().unwrap_or_default().to_os_string();
            name.push(format!(".{extension}"));
            path.set_file_name(name);
        }
        match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() && !parent.is_dir() => {
                Err(format!("保存位置：文件夹“{}”不存在", parent.display()))
            }
            _ => Ok(path),
        }
    }
}

impl ReportsScreen {
    /// The typed-path save dialog, while it is open.
    pub fn save_as_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let Some(save_as) = self.save_as.as_mut() else {
            return;
        };
        let mut close = false;
        egui::Modal::new(egui::Id::unique("report_save_as")).show(ui.ctx(), |ui| {
            ui.set_width(520.0);
            ui.heading("保存报表");
            ui.add_space(6.0);
            ui.label("系统的保存对话框没有打开（或已取消）。请在这里输入保存位置：");
            ui.add(
                egui::TextEdit::singleline(&mut save_as.path)
                    .hint_text("保存位置，如 /home/用户/文档/季度汇总表.pdf")
                    .desired_width(500.0),
            );
            if let Some(error) = &save_as.error {
                ui.colored_label(ui.visuals().error_fg_color, error);
            }
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                if ui.button("保存").clicked() {
                    match save_as.target() {
                        Ok(path) => {
                            save_as.error = None;
                            commands
                                .push(Command::Report(ReportCommand::SaveTo(save_as.format, path)));
                        }
                        Err(message) => save_as.error = Some(message),
                    }
                }
                if ui.button("取消").clicked() {
                    close = true;
                }
            });
        });
        if close {
            self.save_as = None;
        }
    }

    pub fn show_form(&mut self, request: FormRequest, form: Form) {
        self.preview = Some((request, form));
        self.shown += 1;
    }

    /// What to ask for the chosen form, or what is still missing.
    fn command(&self, kind: FormKind, today: NaiveDate) -> Result<ReportCommand, String> {
        let year = self.year.unwrap_or(today.year());
        let period = self.period.period(year);
        let request = match kind {
            FormKind::Quarterly => FormRequest::Quarterly {
                year,
                quarter: self.quarter.unwrap_or(quarter_number(today)),
            },
            FormKind::Annual => FormRequest::Annual { year },
            FormKind::Member => FormRequest::Member {
                member_id: self.member.selected.ok_or("请先选择会员")?,
                period,
            },
            FormKind::Signoff => FormRequest::Signoff {
                batch_id: self.batch_id.ok_or("请先选择发放批次")?,
            },
            FormKind::Voucher => {
                let voucher = self.voucher.trim();
                if voucher.is_empty() {
                    return Err("请输入凭证号，如 2026-000123".into());
                }
                return Ok(ReportCommand::PreviewVoucher(voucher.to_string()));
            }
            FormKind::Visits => FormRequest::Visits { period },
            FormKind::Claims => FormRequest::Claims { period },
            FormKind::Audit => FormRequest::Audit { year },
        };
        Ok(ReportCommand::Preview(request))
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &LedgerData,
        today: NaiveDate,
        commands: &mut Vec<Command>,
    ) {
        self.save_as_ui(ui, commands);
        let kind = *self.kind.get_or_insert(FormKind::Quarterly);
        ui.horizontal_wrapped(|ui| {
            for choice in FormKind::ALL {
                if ui
                    .selectable_label(kind == *choice, choice.label())
                    .clicked()
                    && kind != *choice
                {
                    // A form of another kind must never be saved under this one's name.
                    self.kind = Some(*choice);
                    self.preview = None;
                    self.problem = None;
                }
            }
        });
        ui.separator();
        let kind = self.kind.unwrap_or(FormKind::Quarterly);
        ui.horizontal(|ui| {
            match kind {
                FormKind::Quarterly
                | FormKind::Annual
                | FormKind::Member
                | FormKind::Visits
                | FormKind::Claims
                | FormKind::Audit => {
                    ui.label("年份");
                    let year = self.year.get_or_insert(today.year());
                    ui.add(egui::DragValue::new(year).range(2000..=2100))
                        .accessible_name("年份");
                }
                _ => {}
            }
            match kind {
                FormKind::Quarterly => {
                    let quarter = self.quarter.get_or_insert(quarter_number(today));
                    egui::ComboBox::from_id_salt("report_quarter")
                        .selected_text(format!("第{quarter}季度"))
                        .show_ui(ui, |ui| {
                            for q in 1..=4 {
                                ui.selectable_value(quarter, q, format!("第{q}季度"));
                            }
                        })
                        .response
                        .accessible_name("季度");
                }
                FormKind::Member | FormKind::Visits | FormKind::Claims => {
                    egui::ComboBox::from_id_salt("report_period")
                        .selected_text(self.period.label())
                        .show_ui(ui, |ui| {
                            for choice in PeriodChoice::all() {
                                ui.selectable_value(&mut self.period, choice, choice.label());
                            }
                        })
                        .response
                        .accessible_name("期间");
                }
                _ => {}
            }
            match kind {
                FormKind::Member => {
                    ui.label("会员");
                    self.member.ui(ui, data, "report_member");
                }
                FormKind::Signoff => {
                    ui.label("发放批次");
                    let options: Vec<(i64, String)> = data
                        .batches
                        .iter()
                        .map(|b| {
                            (
                                b.id,
                                format!(
                                    "{} {} {}",
                                    b.number(),
                                    format_date(b.date),
                                    b.category_name
                                ),
                            )
                        })
                        .collect();
                    id_combo(
                        ui,
                        "report_batch",
                        "发放批次",
                        &mut self.batch_id,
                        "请选择",
                        &options,
                        300.0,
                    );
                }
                FormKind::Voucher => {
                    ui.label("凭证号");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.voucher)
                            .id_salt("report_voucher")
                            .hint_text("如 2026-000123")
                            .desired_width(140.0),
                    );
                }
                _ => {}
            }
            if ui.button("生成预览").clicked() {
                match self.command(kind, today) {
                    Ok(command) => {
                        self.problem = None;
                        commands.push(Command::Report(command));
                    }
                    Err(message) => self.problem = Some(message),
                }
            }
        });
        if let Some(problem) = &self.problem {
            ui.colored_label(ui.visuals().error_fg_color, problem);
        }
        let ready = self.preview.is_some() && self.job.is_none();
        let printing = self.job.as_ref().map(RenderJob::status_text);
        print_buttons(ui, ready, printing.as_deref(), commands);
        if let Some((shown, _)) = &self.preview {
            let asked = self.command(kind, today);
            let stale = match asked {
                Ok(ReportCommand::Preview(request)) => request != *shown,
                Ok(_) => false,
                Err(_) => true,
            };
            if stale {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    "条件已更改：下面仍是上次生成的报表，保存和打印的也是它。点“生成预览”更新。",
                );
            }
        }
        ui.separator();
        match &self.preview {
            None => {
                ui.label("选择报表和期间，点“生成预览”。预览与打印件、Excel 文件出自同一份数据。");
            }
            Some((_, form)) => {
                preview_ui(ui, form, self.shown, false);
            }
        }
    }
}

/// The form as one page that scrolls: its tables do not scroll on their own inside it
/// (only the rows in view are built all the same).
/// 保存 PDF, Excel or text, and 打开 PDF 打印, for the form shown (`ready`), with the
/// PDF being laid out, if any.
pub fn print_buttons(
    ui: &mut egui::Ui,
    ready: bool,
    printing: Option<&str>,
    commands: &mut Vec<Command>,
) {
    ui.horizontal_wrapped(|ui| {
        for (label, command) in [
            ("保存 PDF…", ReportCommand::Save(OutputFormat::Pdf)),
            ("保存 Excel…", ReportCommand::Save(OutputFormat::Xlsx)),
            ("保存文本…", ReportCommand::Save(OutputFormat::Text)),
            ("打开 PDF 打印", ReportCommand::OpenPdf),
        ] {
            if ui.add_enabled(ready, egui::Button::new(label)).clicked() {
                commands.push(Command::Report(command));
            }
        }
        if let Some(text) = printing {
            ui.spinner();
            ui.label(text);
        }
    });
}

/// Draws a form as it will print. With `clickable`, the figures answer a click: the
/// (block, row, column) clicked is returned.
pub fn preview_ui(
    ui: &mut egui::Ui,
    form: &Form,
    shown: u64,
    clickable: bool,
) -> Option<(usize, usize, usize)> {
    let mut clicked = None;
    egui::ScrollArea::vertical()
        .id_salt(("report_preview", shown))
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.vertical_centered(|ui| {
                ui.label(&form.union_name);
                ui.heading(egui::RichText::new(&form.title).strong());
                ui.label(&form.period);
            });
            ui.add_space(4.0);
            ui.horizontal_wrapped(|ui| {
                for (label, value) in &form.facts {
                    ui.label(egui::RichText::new(format!("{label}：")).strong());
                    ui.label(value);
                    ui.add_space(12.0);
                }
            });
            for (index, block) in form.blocks.iter().enumerate() {
                ui.add_space(6.0);
                match block {
                    Block::Table(table) => {
                        if let Some((row, column)) = table_ui(ui, index, table, clickable) {
                            clicked = Some((index, row, column));
                        }
                    }
                    Block::Chart(chart) => {
                        crate::ui::chart::chart_ui(
                            ui,
                            &format!("report_chart_{index}"),
                            chart,
                            180.0,
                        );
                    }
                    Block::Fields { fields } => {
                        egui::Grid::new(("report_fields", index))
                            .striped(true)
                            .num_columns(2)
                            .spacing([16.0, 6.0])
                            .show(ui, |ui| {
                                for field in fields {
                                    ui.label(egui::RichText::new(&field.label).strong());
                                    ui.label(field.value.display());
                                    ui.end_row();
                                }
                            });
                    }
                }
            }
            ui.add_space(6.0);
            for note in &form.notes {
                ui.label(note);
            }
            ui.add_space(6.0);
            ui.horizontal_wrapped(|ui| {
                for role in &form.signatures {
                    ui.label(format!("{role}：________"));
                    ui.add_space(12.0);
                }
            });
            ui.label(format!("打印日期：{}", format_date(form.printed_on)));
        });
    clicked
}

/// One table of a form; with `clickable`, the (row, column) of a figure clicked.
fn table_ui(
    ui: &mut egui::Ui,
    index: usize,
    table: &Table,
    clickable: bool,
) -> Option<(usize, usize)> {
    let mut clicked = None;
    if !table.caption.is_empty() {
        ui.label(egui::RichText::new(&table.caption).strong());
    }
    // Only the rows in view of the page's scroll area are built, so a 10,000-person
    // sheet scrolls smoothly; the table has no scroll bar of its own.
    ui.push_id(("report_table", index), |ui| {
        let mut builder = TableBuilder::new(ui).striped(true).vscroll(false);
        // A section heading (a department) and a subtotal or total label are written
        // in the first column and run on over the empty cells beside it, so that
        // column does not clip.
        let has_labels = table.rows.iter().any(|r| r.style != RowStyle::Item);
        for (index, column) in table.columns.iter().enumerate() {
            let title = column.group.chars().count() + column.title.chars().count();
            let width = (f32::from(column.width) * 14.0 + 10.0).max(title as f32 * 14.0 + 14.0);
            builder = builder.column(
                TableColumn::initial(width)
                    .at_least(36.0)
                    .resizable(true)
                    .clip(!(has_labels && index == 0)),
            );
        }
        builder
            .header(22.0, |mut header| {
                for column in &table.columns {
                    header.col(|ui| {
                        let title = if column.group.is_empty() {
                            column.title.clone()
                        } else {
                            format!("{}{}", column.group, column.title)
                        };
                        heading_cell(
                            ui,
                            &title,
                            matches!(column.kind, ColumnKind::Count | ColumnKind::Money),
                        );
                    });
                }
            })
            .body(|body| {
                body.rows(20.0, table.rows.len(), |mut row| {
                    let row_index = row.index();
                    let line = &table.rows[row_index];
                    let strong = line.style != RowStyle::Item;
                    for (column_index, (cell, column)) in
                        line.cells.iter().zip(&table.columns).enumerate()
                    {
                        row.col(|ui| {
                            let text = egui::RichText::new(cell.display());
                            let text = if strong { text.strong() } else { text };
                            // Figures flush right; a department heading or a
                            // subtotal's label in the 序号 column reads from the left.
                            let figure = matches!(cell, Cell::Count(_) | Cell::Money(_));
                            if figure
                                && matches!(column.kind, ColumnKind::Count | ColumnKind::Money)
                            {
                                ui.with_layout(
                                    egui::Layout::right_to_left(egui::Align::Center),
                                    |ui| {
                                        if clickable {
                                            let response = ui
                                                .add(
                                                    egui::Label::new(text)
                                                        .sense(egui::Sense::click()),
                                                )
                                                .on_hover_cursor(egui::CursorIcon::PointingHand);
                                            if response.clicked() {
                                                clicked = Some((row_index, column_index));
                                            }
                                        } else {
                                            ui.label(text);
                                        }
                                    },
                                );
                            } else {
                                // Not wrapped: a heading runs on over the empty cells.
                                ui.add(egui::Label::new(text).extend());
                            }
                        });
                    }
                });
            });
    });
    clicked
}
