//! 开始使用: the guided start on a new, empty ledger — the union's name, the clerk,
//! the members, each fund's opening balance, the rules — one step at a time, each
//! skippable, each doing what 设置 (or 会员) also does, so nothing is hidden behind it.

use chrono::Datelike;

use crate::core::policy::presets;
use crate::ui::command::{Command, PolicyCommand, Screen};
use crate::ui::data::LedgerData;

/// The steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Step {
    #[default]
    UnionName,
    Clerk,
    Members,
    Openings,
    Rules,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::UnionName,
        Step::Clerk,
        Step::Members,
        Step::Openings,
        Step::Rules,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Step::UnionName => "工会名称",
            Step::Clerk => "经办人",
            Step::Members => "会员名册",
            Step::Openings => "年初余额",
            Step::Rules => "发放规则",
        }
    }

    fn next(self) -> Option<Step> {
        let index = Step::ALL.iter().position(|step| *step == self)?;
        Step::ALL.get(index + 1).copied()
    }
}

/// The guided start's state, while it shows.
#[derive(Debug, Clone, Default)]
pub struct FirstStart {
    pub step: Step,
    pub union_name: String,
    pub handler: String,
    /// Opening balances typed, by fund, in the funds' order.
    pub openings: Vec<(i64, String)>,
    pub preset: Option<String>,
    /// Why the last step's input was refused.
    pub error: Option<String>,
    started: bool,
}

impl FirstStart {
    /// Draws the current step; its buttons emit the commands that do it.
    pub fn ui(&mut self, ui: &mut egui::Ui, data: &LedgerData, commands: &mut Vec<Command>) {
        if !self.started {
            self.started = true;
            self.union_name = data.union_name.clone();
            self.handler = data.handler.clone();
            self.openings = data.funds.iter().map(|f| (f.id, String::new())).collect();
        }
        egui::Frame::group(ui.style())
            .inner_margin(12.0)
            .show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.strong("开始使用：");
                    for (index, step) in Step::ALL.iter().enumerate() {
                        let text = format!("{} {}", index + 1, step.title());
                        if *step == self.step {
                            ui.strong(text);
                        } else {
                            ui.weak(text);
                        }
                    }
                });
                ui.weak("每一步都可以跳过，以后在“设置”和“会员”中随时修改。");
                ui.add_space(8.0);
                let mut done = false;
                let mut skipped = false;
                match self.step {
                    Step::UnionName => {
                        ui.label("印在每张报表上的工会名称，如“示例市人民医院工会”：");
                        ui.add(
                            egui::TextEdit::singleline(&mut self.union_name)
                                .id_salt("first_union_name")
                                .hint_text("工会名称")
                                .desired_width(320.0),
                        );
                        if self.buttons(ui, "保存并继续", &mut skipped) {
                            commands
                                .push(Command::SetUnionName(self.union_name.trim().to_string()));
                            done = true;
                        }
                    }
                    Step::Clerk => {
                        ui.label("本机记账的经办人，每一笔改动都以此姓名记入变更日志：");
                        ui.add(
                            egui::TextEdit::singleline(&mut self.handler)
                                .id_salt("first_handler")
                                .hint_text("经办人姓名")
                                .desired_width(200.0),
                        );
                        if self.buttons(ui, "保存并继续", &mut skipped) {
                            commands.push(Command::SetHandler(self.handler.trim().to_string()));
                            done = true;
                        }
                    }
                    Step::Members => {
                        ui.label(format!(
                            "名册中现有 {} 人。从人事科的 Excel/CSV 花名册导入，或逐个新增：",
                            data.members.len()
                        ));
                        ui.horizontal(|ui| {
                            if ui.button("导入会员名册…").clicked() {
                                commands.push(Command::GoTo(Screen::Members));
                                commands.push(Command::PickRoster);
                            }
                            if ui.button("到“会员”新增").clicked() {
                                commands.push(Command::GoTo(Screen::Members));
                            }
                        });
                        if self.buttons(ui, "继续", &mut skipped) {
                            done = true;
                        }
                    }
                    Step::Openings => {
                        let year = data.today.map_or(data.year, |today| today.year());
                        ui.label(format!(
                            "{year} 年初各项资金的余额（元），按上年账面结余填写；不填则从零开始："
                        ));
                        egui::Grid::new("first_openings")
                            .num_columns(2)
                            .show(ui, |ui| {
                                for (fund_id, text) in &mut self.openings {
                                    ui.label(data.fund_name(*fund_id));
                                    ui.add(
                                        egui::TextEdit::singleline(text)
                                            .id_salt(("first_opening", *fund_id))
                                            .hint_text("如 12,000")
                                            .desired_width(140.0),
                                    );
                                    ui.end_row();
                                }
                            });
                        if self.buttons(ui, "保存并继续", &mut skipped) {
                            let mut wanted = Vec::new();
                            for (fund_id, text) in &self.openings {
                                if text.trim().is_empty() {
                                    continue;
                                }
                                match crate::core::money::parse_signed_amount_fen(text) {
                                    Ok(fen) => wanted.push((*fund_id, fen)),
                                    Err(error) => {
                                        self.error =
                                            Some(format!("{}：{error}", data.fund_name(*fund_id)));
                                    }
                                }
                            }
                            if self.error.is_none() {
                                for (fund_id, fen) in wanted {
                                    commands.push(Command::SetFundOpening {
                                        fund_id,
                                        year,
                                        opening_fen: Some(fen),
                                    });
                                }
                                done = true;
                            }
                        }
                    }
                    Step::Rules => {
                        ui.label(
                            "发放规则：选一套示例（金额请对照本省现行规定核对），或先不设规则：",
                        );
                        for preset in presets() {
                            ui.radio_value(
                                &mut self.preset,
                                Some(preset.code.to_string()),
                                preset.name,
                            );
                        }
                        if self.buttons(ui, "套用并完成", &mut skipped) {
                            if let Some(code) = &self.preset {
                                commands.push(Command::Policy(PolicyCommand::ApplyPreset(
                                    code.clone(),
                                )));
                            }
                            done = true;
                        }
                    }
                }
                if let Some(error) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, error);
                }
                if done || skipped {
                    match self.step.next() {
                        Some(next) => self.step = next,
                        None => commands.push(Command::FinishGuidedStart),
                    }
                }
                ui.add_space(4.0);
                if ui.small_button("全部跳过，直接开始").clicked() {
                    commands.push(Command::FinishGuidedStart);
                }
            });
    }

    /// The step's main button and 跳过此步: true when the main one was clicked; a skip
    /// is noted in `skipped` and moves on without doing anything.
    fn buttons(&mut self, ui: &mut egui::Ui, label: &str, skipped: &mut bool) -> bool {
        let mut main = false;
        ui.horizontal(|ui| {
            main = ui.button(label).clicked();
            *skipped = ui.button("跳过此步").clicked();
        });
        if main || *skipped {
            self.error = None;
        }
        main
    }
}
