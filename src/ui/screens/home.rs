//! 首页: what to do soon (待办), each fund's balance, this quarter's spending per
//! category, the latest entries.

use egui_extras::{Column, TableBuilder};

use crate::core::reminders::Reminder;
use crate::core::visit::reason_code;
use crate::ui::command::{Command, Screen};
use crate::ui::data::LedgerData;

/// How many reminders show before 显示全部.
const REMINDERS_SHOWN: usize = 8;

#[derive(Debug, Clone, Default)]
pub struct HomeScreen {
    pub all_reminders: bool,
    /// 开始使用, on a new ledger until it is finished or skipped.
    pub first_start: Option<crate::ui::screens::first_start::FirstStart>,
    /// The spending chart's bars as drawn in the last frame (a click on one opens
    /// 台账 on its month and category group).
    pub chart_bars: Vec<crate::ui::chart::BarHit>,
    /// The clerk's name being typed, when none is set yet.
    pub clerk: String,
}

/// When SQLite's full integrity check last passed, for 首页 and 审计.
pub fn last_full_check_text(data: &LedgerData) -> String {
    if data.server.is_some() {
        return "数据页由服务器（PostgreSQL）自行保护和校验".to_string();
    }
    match &data.last_full_check {
        Some(check) => format!("完整性检查最近一次通过：{}", check.at_text()),
        None => "尚无完整性检查记录".to_string(),
    }
}

impl HomeScreen {
    pub fn ui(&mut self, ui: &mut egui::Ui, data: &LedgerData, commands: &mut Vec<Command>) {
        // 开始使用: once begun it stays until finished or skipped, also when a roster
        // was imported at its third step.
        let empty = data.entry_count == 0 && data.members.is_empty();
        if !data.guided_start_due {
            self.first_start = None;
        } else if self.first_start.is_none() && empty && data.read_only.is_none() {
            self.first_start = Some(Default::default());
        }
        egui::ScrollArea::vertical().show(ui, |ui| {
            if let Some(reason) = &data.read_only {
                ui.colored_label(ui.visuals().warn_fg_color, format!("只读：{reason}。"));
            }
            // (The guided start asks for the clerk itself.)
            if data.read_only.is_none()
                && data.handler.trim().is_empty()
                && self.first_start.is_none()
            {
                // Every change is logged with who made it: ask once, then remember.
                ui.horizontal(|ui| {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        "请填写经办人姓名，每一笔改动都会以此记入变更日志：",
                    );
                    ui.add(
                        egui::TextEdit::singleline(&mut self.clerk)
                            .id_salt("home_clerk")
                            .hint_text("经办人姓名")
                            .desired_width(120.0),
                    );
                    if ui.button("记住经办人").clicked() && !self.clerk.trim().is_empty() {
                        commands.push(Command::SetHandler(self.clerk.trim().to_string()));
                    }
                });
            }
            if let Some(note) = &data.unclean_close {
                ui.colored_label(ui.visuals().warn_fg_color, note);
            }
            if data.other_sessions > 0 {
                ui.label(format!(
                    "另有 {} 个窗口或命令正在使用本台账：各处的写入依次进行，别处写入的内容约一秒内在这里显示。",
                    data.other_sessions
                ));
            }
            if data.chain_checking {
                ui.horizontal_wrapped(|ui| {
                    if let Some(progress) = &data.chain_progress
                        && let (done, total @ 1..) = progress.counts()
                    {
                        ui.add(
                            egui::ProgressBar::new(done as f32 / total as f32)
                                .desired_width(140.0)
                                .show_percentage(),
                        );
                        ui.label(format!("{done} / {total} 笔"));
                    }
                    ui.label(format!(
                        "正在后台检查文件、变更日志和每笔凭证的哈希，可照常使用…（{}）",
                        last_full_check_text(data)
                    ));
                });
            } else if let Some(chain) = &data.chain {
                if chain.is_intact() {
                    ui.label(format!(
                        "打开时校验：{}（{}）",
                        chain.summary(),
                        last_full_check_text(data)
                    ));
                } else {
                    ui.colored_label(ui.visuals().error_fg_color, chain.summary());
                }
            } else if let Some(error) = &data.chain_failed {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    format!("打开时未能校验变更日志：{error}"),
                );
            }
            let empty = data.entry_count == 0 && data.members.is_empty();
            if let Some(first_start) = &mut self.first_start {
                first_start.ui(ui, data, commands);
                ui.add_space(16.0);
            }
            if empty {
                empty_ledger_ui(ui, commands);
                ui.add_space(16.0);
            }
            if !data.reminders.is_empty() {
                self.reminders_ui(ui, data, commands);
                ui.add_space(16.0);
            }
            ui.heading(format!("{} 年各项资金", data.year));
            ui.add_space(4.0);
            use crate::core::report::{FundFigures, FundTotals};
            let mut rows: Vec<(String, [i64; 4])> = data
                .balances
                .iter()
                .map(|b| (b.fund_name.clone(), b.figures()))
                .collect();
            rows.push((
                "合计".to_string(),
                FundTotals::of(&data.balances).figures(),
            ));
            TableBuilder::new(ui)
                .id_salt("home_funds")
                .striped(true)
                .vscroll(false)
                .column(Column::exact(110.0))
                .columns(Column::exact(130.0), 4)
                .header(22.0, |mut header| {
                    for title in ["资金", "年初余额", "本年收入", "本年支出", "当前余额"]
                    {
                        header.col(|ui| {
                            ui.strong(title);
                        });
                    }
                })
                .body(|mut body| {
                    for (name, figures) in &rows {
                        body.row(22.0, |mut row| {
                            row.col(|ui| {
                                ui.label(name);
                            });
                            for fen in figures {
                                row.col(|ui| money_cell(ui, *fen));
                            }
                        });
                    }
                });

            ui.add_space(16.0);
            self.charts_ui(ui, data, commands);

            ui.add_space(16.0);
            let quarter = data.quarter.map(|q| q.label()).unwrap_or_default();
            ui.heading(format!("{quarter}支出（按类别）"));
            ui.add_space(4.0);
            if data.quarter_totals.is_empty() {
                ui.weak("本季度还没有支出。");
            } else {
                egui::Grid::new("home_quarter")
                    .striped(true)
                    .num_columns(4)
                    .spacing([28.0, 6.0])
                    .show(ui, |ui| {
                        for title in ["类别", "科目代码", "人次", "金额（元）"] {
                            ui.strong(title);
                        }
                        ui.end_row();
                        for row in &data.quarter_totals {
                            if row.is_group {
                                ui.strong(&row.name);
                            } else {
                                ui.label(format!("    {}", row.name));
                            }
                            ui.label(&row.account_code);
                            ui.label(row.count.to_string());
                            money_cell(ui, row.amount_fen);
                            ui.end_row();
                        }
                        let (count, amount) =
                            crate::core::report::category_grand_total(&data.quarter_totals);
                        ui.strong("合计");
                        ui.label("");
                        ui.strong(count.to_string());
                        money_cell(ui, amount);
                        ui.end_row();
                    });
            }

            ui.add_space(16.0);
            ui.horizontal(|ui| {
                ui.heading("最近登记");
                if ui.link(format!("全部 {} 笔 →", data.entry_count)).clicked() {
                    commands.push(Command::GoTo(Screen::Ledger));
                }
            });
            ui.add_space(4.0);
            if data.recent.is_empty() {
                ui.weak("还没有登记任何收支。");
            } else {
                recent_table_ui(ui, "home_recent", &data.recent);
            }
        });
    }
}

impl HomeScreen {
    /// This year's spending per month by category group (a bar opens its entries)
    /// and each fund's balance through the year, side by side.
    fn charts_ui(&mut self, ui: &mut egui::Ui, data: &LedgerData, commands: &mut Vec<Command>) {
        let (Some(spending), Some(balances)) = (&data.spending_chart, &data.balance_chart) else {
            return;
        };
        let mut clicked = None;
        ui.columns(2, |columns| {
            let output =
                crate::ui::chart::chart_ui(&mut columns[0], "home_spending", spending, 220.0);
            clicked = output.clicked;
            self.chart_bars = output.bars;
            crate::ui::chart::chart_ui(&mut columns[1], "home_balances", balances, 220.0);
        });
        if let Some(bar) = clicked {
            commands.push(Command::ShowLedgerMonth {
                year: spending.year,
                month: bar.label as u32 + 1,
                category_id: Some(bar.key),
            });
        }
    }

    /// 待办: each reminder opens the form that deals with it.
    fn reminders_ui(&mut self, ui: &mut egui::Ui, data: &LedgerData, commands: &mut Vec<Command>) {
        let Some(today) = data.today else {
            return;
        };
        ui.heading(format!("待办（{} 项）", data.reminders.len()));
        ui.add_space(4.0);
        let shown = if self.all_reminders {
            data.reminders.len()
        } else {
            data.reminders.len().min(REMINDERS_SHOWN)
        };
        for reminder in &data.reminders[..shown] {
            let text = reminder.text(today);
            let link = if matches!(reminder, Reminder::InHospital { .. }) {
                egui::RichText::new(text).color(ui.visuals().warn_fg_color)
            } else {
                egui::RichText::new(text)
            };
            if ui.link(link).clicked() {
                commands.push(reminder_command(reminder));
            }
        }
        if data.reminders.len() > REMINDERS_SHOWN {
            let toggle = if self.all_reminders {
                "收起".to_string()
            } else {
                format!("显示全部 {} 项", data.reminders.len())
            };
            if ui.button(toggle).clicked() {
                self.all_reminders = !self.all_reminders;
            }
        }
    }
}

/// What clicking a reminder does.
fn reminder_command(reminder: &Reminder) -> Command {
    match reminder {
        Reminder::InHospital { visit_id, .. } => Command::AskCloseVisit(*visit_id),
        Reminder::Retiring { member_id, .. } => Command::StartVisit {
            member_id: *member_id,
            reason_code: Some(reason_code::RETIREMENT.to_string()),
        },
        Reminder::HardshipNotVisited { member_id, .. } => Command::StartVisit {
            member_id: *member_id,
            reason_code: Some(reason_code::HARDSHIP.to_string()),
        },
        Reminder::HolidayWithoutBatch {
            category_id, date, ..
        } => Command::OpenBatch {
            category_id: *category_id,
            date: *date,
        },
        Reminder::NoRules => Command::GoTo(Screen::Settings),
    }
}

/// The latest entries, newest first: date, voucher, category or source, member, the
/// effect on the fund, the balance after it and the note. Reversed and reversing entries
/// are struck through.
pub fn recent_table_ui(ui: &mut egui::Ui, id_salt: &str, rows: &[crate::store::LedgerRow]) {
    TableBuilder::new(ui)
        .id_salt(id_salt)
        .striped(true)
        .vscroll(false)
        .column(Column::exact(90.0))
        .column(Column::exact(100.0))
        .column(Column::exact(200.0))
        .column(Column::exact(90.0))
        .column(Column::exact(110.0))
        .column(Column::exact(110.0))
        .column(Column::remainder())
        .header(22.0, |mut header| {
            for title in [
                "日期",
                "凭证号",
                "类别/来源",
                "会员",
                "金额（元）",
                "余额（元）",
                "摘要",
            ] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|mut body| {
            for row in rows {
                let struck = row.entry.reverses_entry_id.is_some()
                    || row.entry.reversed_by_entry_id.is_some();
                let text = |ui: &mut egui::Ui, value: &str| {
                    if struck {
                        ui.label(egui::RichText::new(value).strikethrough());
                    } else {
                        ui.label(value);
                    }
                };
                body.row(22.0, |mut table_row| {
                    table_row.col(|ui| text(ui, &row.entry.date.format("%Y-%m-%d").to_string()));
                    table_row.col(|ui| text(ui, &row.voucher_no));
                    table_row.col(|ui| text(ui, &row.item_name));
                    table_row.col(|ui| text(ui, &row.member_name));
                    table_row.col(|ui| money_cell(ui, row.delta_fen));
                    table_row.col(|ui| money_cell(ui, row.balance_after_fen));
                    table_row.col(|ui| text(ui, &row.entry.note));
                });
            }
        });
}

/// A money figure aligned to the right of its cell.
pub fn money_cell(ui: &mut egui::Ui, fen: i64) {
    // A fixed-size cell: a right-to-left layout would otherwise claim the whole row and
    // widen the grid column a little more on every frame.
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(110.0, ui.spacing().interact_size.y),
        egui::Sense::hover(),
    );
    let layout = egui::Layout::right_to_left(egui::Align::Center);
    ui.scope_builder(egui::UiBuilder::new().max_rect(rect).layout(layout), |ui| {
        crate::ui::widgets::amount_label(ui, fen);
    });
}

fn empty_ledger_ui(ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    egui::Frame::group(ui.style()).inner_margin(12.0).show(ui, |ui| {
        ui.strong("这是一本新台账。");
        ui.label("先导入会员名册，再登记收支；也可以载入一套演示数据（300 名会员、两年收支）看看效果。");
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            if ui.button("导入会员名册…").clicked() {
                commands.push(Command::GoTo(Screen::Members));
                commands.push(Command::PickRoster);
            }
            if ui.button("载入演示数据").clicked() {
                commands.push(Command::LoadDemo);
            }
        });
    });
}
