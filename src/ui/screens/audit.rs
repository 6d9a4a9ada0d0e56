//! 审计: the change log's chain checked on demand, period close and reopen, backups,
//! and the change log itself with a filter and each row's before and after.

use chrono::{Datelike, NaiveDate};
use egui_extras::{Column, TableBuilder};

use crate::core::changelog::{ChainReport, LogRow};
use crate::core::date::{Period, format_date};
use crate::ui::command::Command;
use crate::ui::data::LedgerData;

pub use crate::ui::command::AuditCommand;

#[derive(Debug, Default)]
pub struct AuditScreen {
    pub year: Option<i32>,
    /// 0 for the whole year, else the quarter.
    pub quarter: u32,
    pub note: String,
    pub reopen_reason: String,
    pub filter: String,
    pub log: Option<Vec<LogRow>>,
    pub selected: Option<i64>,
    pub chain: Option<ChainReport>,
    pub message: Option<String>,
    /// A close or reopen since the check shown: the log has grown past its head.
    pub chain_outdated: bool,
    /// The period 执行结账… asks to close, while its confirmation is shown.
    pub confirm_close: Option<Period>,
}

impl AuditScreen {
    /// Closing a period cannot be undone without a written reason: the clerk confirms
    /// what will be closed and what follows from it.
    fn confirm_close_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let Some(period) = self.confirm_close else {
            return;
        };
        let mut close = false;
        egui::Modal::new(egui::Id::unique("confirm_close_period")).show(ui.ctx(), |ui| {
            ui.set_width(440.0);
            ui.heading(format!("确认结账：{}", period.label()));
            ui.add_space(6.0);
            ui.label(format!(
                "结账后，{} 至 {} 的凭证不能再新增或冲销，其中的走访不能再修改，理赔不能再在其中支付。",
                format_date(period.start),
                format_date(period.end)
            ));
            if period.start.month() == 1 && period.end.month() == 12 {
                ui.label(format!(
                    "整年结账还会把各项资金的期末余额结转为 {} 年年初余额。",
                    period.start.year() + 1
                ));
            }
            ui.label("如需更正，须写明原因反结账，结账和反结账都记入变更日志。");
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                if ui.button("确认结账").clicked() {
                    commands.push(Command::Audit(AuditCommand::Close {
                        period,
                        note: self.note.clone(),
                    }));
                    close = true;
                }
                if ui.button("取消").clicked() {
                    close = true;
                }
            });
        });
        if close {
            self.confirm_close = None;
        }
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &LedgerData,
        today: NaiveDate,
        commands: &mut Vec<Command>,
    ) {
        self.confirm_close_ui(ui, commands);
        egui::ScrollArea::vertical()
            .id_salt("audit_scroll")
            .show(ui, |ui| {
                if let Some(reason) = &data.read_only {
                    ui.colored_label(ui.visuals().warn_fg_color, format!("只读：{reason}。"));
                }
                ui.heading("变更日志校验");
                let (chain, when) = match &self.chain {
                    Some(chain) => (Some(chain), "刚才校验"),
                    None => (data.chain.as_ref(), "打开时校验"),
                };
                if chain.is_none() && data.chain_checking {
                    ui.label("打开时的校验正在后台进行…");
                }
                if let Some(chain) = chain {
                    if chain.is_intact() {
                        ui.label(format!("{when}：{}", chain.summary()));
                        ui.label(format!("链头：{}", chain.head));
                        ui.label(super::home::last_full_check_text(data));
                    } else {
                        ui.colored_label(ui.visuals().error_fg_color, chain.summary());
                    }
                }
                if self.chain_outdated {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        "结账或反结账后变更日志已有新记录，以上是此前的校验结果；请点“重新校验”核对最新链头。",
                    );
                }
                if ui.button("重新校验").clicked() {
                    commands.push(Command::Audit(AuditCommand::Verify));
                }
                ui.add_space(12.0);

                ui.heading("结账");
                ui.horizontal(|ui| {
                    let year = self.year.get_or_insert(today.year() - 1);
                    ui.label("年份");
                    ui.add(egui::DragValue::new(year).range(2000..=2100))
                        .accessible_name("结账年份");
                    egui::ComboBox::from_id_salt("close_quarter")
                        .selected_text(quarter_label(self.quarter))
                        .show_ui(ui, |ui| {
                            for quarter in 0..=4 {
                                ui.selectable_value(
                                    &mut self.quarter,
                                    quarter,
                                    quarter_label(quarter),
                                );
                            }
                        })
                        .response
                        .accessible_name("结账期间");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.note)
                            .id_salt("close_note")
                            .hint_text("备注（可不填）")
                            .desired_width(200.0),
                    );
                    if ui.button("执行结账…").clicked() {
                        let year = self.year.unwrap_or(today.year() - 1);
                        self.confirm_close = Some(if self.quarter == 0 {
                            Period::year(year)
                        } else {
                            Period::quarter(year, self.quarter)
                        });
                    }
                });
                ui.label("结账后，该期间内的凭证不能再新增、冲销或修改；整年结账会把各项资金的期末余额结转为下年年初余额。");
                if data.closed_periods.is_empty() {
                    ui.label("还没有结账。");
                } else {
                    ui.horizontal(|ui| {
                        ui.label("反结账原因");
                        ui.add(
                            egui::TextEdit::singleline(&mut self.reopen_reason)
                                .id_salt("reopen_reason")
                                .hint_text("反结账必须写明原因")
                                .desired_width(260.0),
                        );
                    });
                    egui::Grid::new("closed_periods")
                        .striped(true)
                        .num_columns(5)
                        .show(ui, |ui| {
                            for closed in &data.closed_periods {
                                ui.label(closed.period.label());
                                ui.label(format!(
                                    "{} 结账{}",
                                    closed.closed_at.format("%Y-%m-%d %H:%M"),
                                    if closed.clerk.is_empty() {
                                        String::new()
                                    } else {
                                        format!("（{}）", closed.clerk)
                                    }
                                ));
                                match closed.reopened_at {
                                    Some(at) => {
                                        ui.label(format!(
                                            "{} 反结账：{}",
                                            at.format("%Y-%m-%d"),
                                            closed.reopen_reason
                                        ));
                                        ui.label("");
                                    }
                                    None => {
                                        ui.label("已结账");
                                        if ui
                                            .button(format!("反结账 {}", closed.period.label()))
                                            .clicked()
                                        {
                                            commands.push(Command::Audit(AuditCommand::Reopen {
                                                id: closed.id,
                                                reason: self.reopen_reason.clone(),
                                            }));
                                        }
                                        // 上报汇总: the closed period's sealed snapshot.
                                        if ui
                                            .button(format!("导出 {} 上报快照", closed.period.label()))
                                            .clicked()
                                        {
                                            commands.push(Command::Audit(
                                                AuditCommand::ExportSnapshot(closed.period),
                                            ));
                                        }
                                    }
                                }
                                ui.end_row();
                            }
                        });
                }
                ui.add_space(12.0);

                ui.heading("备份");
                if let Some(note) = &data.opening_backup {
                    ui.label(note);
                }
                if ui.button("立即备份").clicked() {
                    commands.push(Command::Audit(AuditCommand::BackupNow));
                }
                ui.label("自动备份放在台账文件旁的 backups 文件夹：打开台账时和每天一次（只在台账有改动时）、升级前，保留最近 10 份。恢复请用命令 union-ledger restore --from 备份文件。");
                ui.add_space(12.0);

                ui.heading("变更日志");
                ui.horizontal(|ui| {
                    ui.add(
                        egui::TextEdit::singleline(&mut self.filter)
                            .id_salt("log_filter")
                            .hint_text("动作、经办人或内容中的文字")
                            .desired_width(240.0),
                    );
                    if ui.button("查询日志").clicked() {
                        commands.push(Command::Audit(AuditCommand::LoadLog(self.filter.clone())));
                    }
                });
                if let Some(message) = &self.message {
                    ui.label(message);
                }
                if let Some(rows) = &self.log {
                    self.log_ui(ui, rows.clone());
                }
            });
    }

    fn log_ui(&mut self, ui: &mut egui::Ui, rows: Vec<LogRow>) {
        if rows.is_empty() {
            ui.label("没有符合条件的日志。");
            return;
        }
        ui.push_id("log_table", |ui| {
            TableBuilder::new(ui)
                .striped(true)
                .sense(egui::Sense::click())
                .max_scroll_height(320.0)
                .column(Column::exact(60.0))
                .column(Column::exact(130.0))
                .column(Column::exact(80.0))
                .column(Column::remainder())
                .header(22.0, |mut header| {
                    for title in ["序号", "时间", "经办人", "动作"] {
                        header.col(|ui| {
                            ui.strong(title);
                        });
                    }
                })
                .body(|body| {
                    body.rows(20.0, rows.len(), |mut row| {
                        let line = &rows[row.index()];
                        row.set_selected(self.selected == Some(line.id));
                        row.col(|ui| {
                            ui.label(format!("#{}", line.id));
                        });
                        row.col(|ui| {
                            ui.label(line.at.format("%Y-%m-%d %H:%M").to_string());
                        });
                        row.col(|ui| {
                            ui.label(&line.clerk);
                        });
                        row.col(|ui| {
                            ui.label(&line.action);
                        });
                        if row.response().clicked() {
                            self.selected = Some(line.id);
                        }
                    });
                });
        });
        if let Some(row) = self
            .selected
            .and_then(|id| rows.iter().find(|r| r.id == id))
        {
            ui.add_space(6.0);
            ui.strong(format!("第 {} 条日志的改动", row.id));
            if let Some((first, last)) = row.first_entry_id.zip(row.last_entry_id) {
                ui.label(format!("凭证编号 {first} 至 {last}（以哈希记录）"));
            }
            let pretty = serde_json::from_str::<serde_json::Value>(&row.detail)
                .and_then(|value| serde_json::to_string_pretty(&value))
                .unwrap_or_else(|_| row.detail.clone());
            ui.add(
                egui::Label::new(egui::RichText::new(pretty).monospace())
                    .wrap_mode(egui::TextWrapMode::Wrap),
            );
        }
    }
}

fn quarter_label(quarter: u32) -> String {
    if quarter == 0 {
        "全年".into()
    } else {
        format!("第{quarter}季度")
    }
}
