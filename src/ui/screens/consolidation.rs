//! 汇总: the union above's consolidation book — the branch snapshots registered, each
//! with its state (正常, or the finding of a rebuilt history), registering one more, and
//! the consolidated quarterly tally, annual statement or audit report, previewed as
//! 报表 previews every form. A figure of a branch's own table, clicked, lists the
//! entries behind it from that branch's snapshot (read-only), which can also be opened
//! in the window at them.

use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use std::time::Instant;

use crate::core::date::Period;
use crate::core::forms::Form;
use crate::core::money::format_fen;
use crate::store::{BranchEntries, Registration};
use crate::ui::command::{Command, ConsolidationCommand};
use crate::ui::data::LedgerData;

/// The forms 汇总 makes: (code, label).
const KINDS: [(&str, &str); 3] = [
    ("quarterly", "季度汇总表"),
    ("annual", "收入支出表"),
    ("audit", "年度审计报告"),
];

/// What the consolidation thread hands back.
#[derive(Debug)]
pub enum BookDone {
    Registered {
        result: Result<Registration, String>,
        registrations: Result<Vec<Registration>, String>,
        book: String,
    },
    Made(Result<Form, String>, Period, PathBuf),
    Entries(Result<BranchEntries, String>),
}

/// Work on the book running on its own thread.
#[derive(Debug)]
pub struct BookJob {
    pub label: String,
    pub started: Instant,
    pub done: Receiver<BookDone>,
}

#[derive(Debug, Default)]
pub struct ConsolidationScreen {
    /// Registering, a consolidated form or a branch's entries being read.
    pub job: Option<BookJob>,
    /// The period of the form shown and the book it was made from, for the figures
    /// clicked in it.
    form_period: Option<Period>,
    form_book: Option<PathBuf>,
    /// The entries behind the figure clicked last (or why there are none).
    pub entries: Option<Result<BranchEntries, String>>,
    /// The book's path as typed (proposed beside the ledger).
    pub book: String,
    pub snapshot: String,
    pub period: String,
    pub kind: usize,
    pub registrations: Option<Result<Vec<Registration>, String>>,
    pub form: Option<Form>,
    pub problem: Option<String>,
    /// The book the list was read from.
    loaded: Option<String>,
    shown: u64,
}

impl ConsolidationScreen {
    /// What the app read from the book.
    pub fn loaded(&mut self, book: &str, registrations: Result<Vec<Registration>, String>) {
        self.loaded = Some(book.to_string());
        self.registrations = Some(registrations);
    }

    /// A consolidated form made for `period` from `book` (or why not).
    pub fn made(&mut self, form: Result<Form, String>, period: Period, book: PathBuf) {
        match form {
            Ok(form) => {
                self.form = Some(form);
                self.form_period = Some(period);
                self.form_book = Some(book);
                self.entries = None;
                self.problem = None;
                self.shown += 1;
            }
            Err(problem) => self.problem = Some(problem),
        }
    }

    /// A snapshot was registered: the form shown no longer covers every snapshot.
    pub fn registered(&mut self) {
        self.snapshot.clear();
        if self.form.take().is_some() {
            self.problem = Some("已登记新的快照：请重新生成汇总".to_string());
        }
        self.entries = None;
    }

    /// The entries behind a clicked figure, read.
    pub fn entries_read(&mut self, found: Result<BranchEntries, String>) {
        self.entries = Some(found);
    }

    /// The entries behind the figure clicked: their branch, period, count and total,
    /// a table of them, and the snapshot to open read-only at them.
    fn entries_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let Some(found) = &self.entries else {
            return;
        };
        let mut close = false;
        egui::Frame::group(ui.style()).show(ui, |ui| match found {
            Err(problem) => {
                ui.horizontal_wrapped(|ui| {
                    ui.colored_label(ui.visuals().error_fg_color, problem);
                    close = ui.button("关闭").clicked();
                });
            }
            Ok(found) => {
                ui.horizontal_wrapped(|ui| {
                    ui.strong(format!(
                        "{} {} {}：{} 笔，合计 {} 元",
                        found.branch,
                        found.period.label(),
                        found.target.describe(),
                        found.count,
                        format_fen(found.total_fen)
                    ));
                    if (found.rows.len() as i64) < found.count {
                        ui.weak(format!(
                            "下表列出前 {} 笔；全部请“只读打开该快照”",
                            found.rows.len()
                        ));
                    }
                    ui.weak(format!(
                        "（只读，来自 {} 登记的快照）",
                        found.registration.registered_at
                    ));
                    if ui.button("只读打开该快照").clicked() {
                        commands.push(Command::Consolidation(ConsolidationCommand::OpenSnapshot {
                            snapshot: PathBuf::from(&found.registration.stored),
                            filter: found.filter.clone(),
                        }));
                    }
                    close = ui.button("关闭明细").clicked();
                });
                egui::ScrollArea::vertical()
                    .id_salt("branch_entries")
                    .auto_shrink([false, true])
                    .max_height(220.0)
                    .show(ui, |ui| {
                        egui::Grid::new("branch_entries_grid")
                            .striped(true)
                            .num_columns(6)
                            .show(ui, |ui| {
                                for title in ["凭证号", "日期", "项目", "会员", "金额", "备注"]
                                {
                                    ui.strong(title);
                                }
                                ui.end_row();
                                for row in &found.rows {
                                    ui.label(&row.voucher_no);
                                    ui.label(crate::core::date::format_date(row.entry.date));
                                    ui.label(&row.item_name);
                                    ui.label(&row.member_name);
                                    let amount = format_fen(row.entry.amount_fen);
                                    ui.label(if row.entry.reverses_entry_id.is_some() {
                                        format!("-{amount}")
                                    } else {
                                        amount
                                    });
                                    ui.label(&row.entry.note);
                                    ui.end_row();
                                }
                            });
                    });
            }
        });
        if close {
            self.entries = None;
        }
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        _data: &LedgerData,
        default_book: &std::path::Path,
        printing: Option<String>,
        commands: &mut Vec<Command>,
    ) {
        if self.book.is_empty() {
            self.book = default_book.display().to_string();
        }
        let book = PathBuf::from(self.book.trim());
        if self.loaded.as_deref() != Some(self.book.trim()) {
            self.loaded = Some(self.book.trim().to_string());
            commands.push(Command::Consolidation(ConsolidationCommand::Load(
                book.clone(),
            )));
        }
        ui.heading("汇总：各分会上报的快照");
        ui.horizontal_wrapped(|ui| {
            ui.label("汇总台账");
            ui.add(
                egui::TextEdit::singleline(&mut self.book)
                    .id_salt("consolidation_book")
                    .hint_text("汇总台账文件路径")
                    .desired_width(380.0),
            );
        });
        ui.horizontal_wrapped(|ui| {
            ui.label("登记快照");
            ui.add(
                egui::TextEdit::singleline(&mut self.snapshot)
                    .id_salt("consolidation_snapshot")
                    .hint_text("分会导出的快照文件路径")
                    .desired_width(380.0),
            );
            let idle = self.job.is_none();
            if ui
                .add_enabled(idle, egui::Button::new("选择文件…"))
                .clicked()
            {
                commands.push(Command::Consolidation(ConsolidationCommand::PickSnapshot {
                    book: book.clone(),
                }));
            }
            if ui
                .add_enabled(idle, egui::Button::new("检查并登记"))
                .clicked()
                && !self.snapshot.trim().is_empty()
            {
                commands.push(Command::Consolidation(ConsolidationCommand::Register {
                    book: book.clone(),
                    snapshot: PathBuf::from(self.snapshot.trim()),
                }));
            }
        });
        ui.add_space(6.0);
        match &self.registrations {
            None => {
                ui.weak("正在读取…");
            }
            Some(Err(problem)) => {
                ui.colored_label(ui.visuals().error_fg_color, problem);
            }
            Some(Ok(registrations)) if registrations.is_empty() => {
                ui.weak("还没有登记任何快照。分会结账后在“审计”中导出快照，交来后在此登记。");
            }
            Some(Ok(registrations)) => {
                egui::Grid::new("consolidation_list")
                    .striped(true)
                    .num_columns(6)
                    .show(ui, |ui| {
                        for title in ["分会", "期间", "凭证", "链头", "登记时间", "状态"]
                        {
                            ui.strong(title);
                        }
                        ui.end_row();
                        for r in registrations {
                            ui.label(&r.branch);
                            ui.label(&r.period_label);
                            ui.label(format!("{} 笔", r.entries));
                            ui.monospace(&r.head[..16.min(r.head.len())]);
                            ui.label(&r.registered_at);
                            if r.finding.is_empty() {
                                ui.label("正常");
                            } else {
                                ui.colored_label(ui.visuals().warn_fg_color, &r.finding);
                            }
                            ui.end_row();
                        }
                    });
            }
        }
        ui.add_space(8.0);
        ui.horizontal_wrapped(|ui| {
            for (index, (_, label)) in KINDS.iter().enumerate() {
                ui.selectable_value(&mut self.kind, index, *label);
            }
            ui.add(
                egui::TextEdit::singleline(&mut self.period)
                    .id_salt("consolidation_period")
                    .hint_text("期间，如 2026Q3 或 2026")
                    .desired_width(160.0),
            );
            if ui
                .add_enabled(self.job.is_none(), egui::Button::new("生成汇总"))
                .clicked()
            {
                match parse_period(self.period.trim()) {
                    Some(period) => {
                        self.problem = None;
                        commands.push(Command::Consolidation(ConsolidationCommand::Report {
                            book: book.clone(),
                            kind: KINDS[self.kind].0.to_string(),
                            period,
                        }));
                    }
                    None => {
                        self.problem = Some("期间：应为季度（2026Q3）或年度（2026）".to_string());
                    }
                }
            }
        });
        if let Some(job) = &self.job {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!(
                    "{}…（{} 秒）",
                    job.label,
                    job.started.elapsed().as_secs()
                ));
            });
        }
        if let Some(problem) = &self.problem {
            ui.colored_label(ui.visuals().error_fg_color, problem);
        }
        self.entries_ui(ui, commands);
        if self.form.is_some() {
            crate::ui::screens::reports::print_buttons(
                ui,
                printing.is_none(),
                printing.as_deref(),
                commands,
            );
        }
        if let Some(form) = &self.form {
            if form.tables().count() > 0 {
                ui.weak("点各分会表（【分会名】）中的金额，可查看其背后的凭证。");
            }
            // While other work on the book runs, the figures wait.
            let clicked =
                crate::ui::screens::reports::preview_ui(ui, form, self.shown, self.job.is_none());
            if let (Some((block, row, column)), Some(period), Some(book)) =
                (clicked, self.form_period, self.form_book.clone())
            {
                match crate::core::forms::figure_behind(form, block, row, column, period) {
                    Ok((branch, period, target)) => {
                        commands.push(Command::Consolidation(ConsolidationCommand::Entries {
                            book,
                            branch,
                            period,
                            target,
                        }));
                    }
                    Err(problem) => self.entries = Some(Err(problem)),
                }
            }
        }
    }
}

/// "2026Q3" (a quarter) or "2026" (a year).
fn parse_period(text: &str) -> Option<crate::core::date::Period> {
    use crate::core::date::Period;
    let upper = text.to_uppercase();
    match upper.split_once('Q') {
        Some((year, quarter)) => {
            let year: i32 = year.trim().parse().ok()?;
            let quarter: u32 = quarter.trim().parse().ok()?;
            (1..=4)
                .contains(&quarter)
                .then(|| Period::quarter(year, quarter))
        }
        None => {
            let year: i32 = upper.trim_end_matches('年').trim().parse().ok()?;
            (1900..=2200).contains(&year).then(|| Period::year(year))
        }
    }
}
