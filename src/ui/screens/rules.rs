//! 设置 › 发放规则: the union's rule set (caps, counts, forms of payment, who may
//! receive), a shipped example to start from, and the duplicate guard's window.

use crate::core::model::{MemberStatus, PaymentForm};
use crate::core::money::{format_fen_plain, parse_amount_fen};
use crate::core::policy::{Rule, RuleCheck, RuleKind, presets};
use crate::ui::command::Command;
use crate::ui::data::LedgerData;

pub use crate::ui::command::PolicyCommand;

/// A rule being added or edited, as typed.
#[derive(Debug, Clone)]
pub struct RuleEditor {
    pub id: Option<i64>,
    pub name: String,
    pub kind: RuleKind,
    pub category_ids: Vec<i64>,
    pub amount: String,
    pub count: String,
    pub forms: Vec<PaymentForm>,
    pub statuses: Vec<MemberStatus>,
    pub is_active: bool,
    pub error: Option<String>,
}

impl RuleEditor {
    fn new_rule() -> Self {
        Self {
            id: None,
            name: String::new(),
            kind: RuleKind::PerEventCap,
            category_ids: Vec::new(),
            amount: String::new(),
            count: String::new(),
            forms: Vec::new(),
            statuses: Vec::new(),
            is_active: true,
            error: None,
        }
    }

    fn edit(rule: &Rule) -> Self {
        let mut editor = Self {
            id: Some(rule.id),
            name: rule.name.clone(),
            kind: rule.check.kind(),
            category_ids: rule.category_ids.clone(),
            is_active: rule.is_active,
            ..Self::new_rule()
        };
        match &rule.check {
            RuleCheck::PerEventCap { cap_fen } | RuleCheck::YearlyCap { cap_fen } => {
                editor.amount = format_fen_plain(*cap_fen);
            }
            RuleCheck::YearlyCount { max_count } => editor.count = max_count.to_string(),
            RuleCheck::PaymentForms { allowed } => editor.forms = allowed.clone(),
            RuleCheck::ExcludedStatuses { statuses } => editor.statuses = statuses.clone(),
            RuleCheck::OncePerEvent
            | RuleCheck::UnionMembersOnly
            | RuleCheck::DuesPaid
            | RuleCheck::WomenOnly
            | RuleCheck::HardshipFile => {}
        }
        editor
    }

    /// The check the fields describe, or which field is wrong.
    fn check(&self) -> Result<RuleCheck, String> {
        let amount = || parse_amount_fen(&self.amount).map_err(|e| format!("上限金额：{e}"));
        let check = match self.kind {
            RuleKind::PerEventCap => RuleCheck::PerEventCap { cap_fen: amount()? },
            RuleKind::YearlyCap => RuleCheck::YearlyCap { cap_fen: amount()? },
            RuleKind::YearlyCount => RuleCheck::YearlyCount {
                max_count: self
                    .count
                    .trim()
                    .parse()
                    .map_err(|_| format!("次数：“{}”不是整数", self.count.trim()))?,
            },
            RuleKind::OncePerEvent => RuleCheck::OncePerEvent,
            RuleKind::PaymentForms => RuleCheck::PaymentForms {
                allowed: self.forms.clone(),
            },
            RuleKind::UnionMembersOnly => RuleCheck::UnionMembersOnly,
            RuleKind::DuesPaid => RuleCheck::DuesPaid,
            RuleKind::WomenOnly => RuleCheck::WomenOnly,
            RuleKind::ExcludedStatuses => RuleCheck::ExcludedStatuses {
                statuses: self.statuses.clone(),
            },
            RuleKind::HardshipFile => RuleCheck::HardshipFile,
        };
        check
            .validate()
            .map_err(|message| format!("{}：{message}", self.kind.label()))?;
        Ok(check)
    }

    fn build(&self) -> Result<Rule, String> {
        if self.name.trim().is_empty() {
            return Err("规则名称：不能为空".into());
        }
        if self.category_ids.is_empty() {
            return Err("适用类别：至少选择一个类别".into());
        }
        Ok(Rule {
            id: self.id.unwrap_or(0),
            name: self.name.trim().to_string(),
            category_ids: self.category_ids.clone(),
            check: self.check()?,
            is_active: self.is_active,
        })
    }

    /// The editor's fields; returns the rule when the clerk saves it, and whether the
    /// clerk cancelled.
    fn ui(&mut self, ui: &mut egui::Ui, data: &LedgerData) -> (Option<Rule>, bool) {
        ui.heading(if self.id.is_some() {
            "修改规则"
        } else {
            "新增规则"
        });
        ui.add_space(6.0);
        egui::Grid::new("rule_editor")
            .num_columns(2)
            .spacing([10.0, 8.0])
            .show(ui, |ui| {
                ui.label("规则名称");
                ui.add(
                    egui::TextEdit::singleline(&mut self.name)
                        .id_salt("rule_name")
                        .hint_text("规则名称，如 住院慰问标准")
                        .desired_width(300.0),
                );
                ui.end_row();

                ui.label("规则类型");
                let combo = egui::ComboBox::from_id_salt("rule_kind")
                    .selected_text(self.kind.label())
                    .width(200.0)
                    .show_ui(ui, |ui| {
                        for kind in RuleKind::ALL {
                            ui.selectable_value(&mut self.kind, *kind, kind.label());
                        }
                    });
                combo.response.accessible_name("规则类型");
                ui.end_row();

                match self.kind {
                    RuleKind::PerEventCap | RuleKind::YearlyCap => {
                        ui.label("上限金额（元）");
                        ui.add(
                            egui::TextEdit::singleline(&mut self.amount)
                                .id_salt("rule_amount")
                                .hint_text("上限金额，如 1000")
                                .desired_width(140.0),
                        );
                        ui.end_row();
                    }
                    RuleKind::YearlyCount => {
                        ui.label("每年最多次数");
                        ui.add(
                            egui::TextEdit::singleline(&mut self.count)
                                .id_salt("rule_count")
                                .hint_text("次数，如 2")
                                .desired_width(140.0),
                        );
                        ui.end_row();
                    }
                    RuleKind::PaymentForms => {
                        ui.label("允许的发放方式");
                        ui.horizontal_wrapped(|ui| {
                            for form in PaymentForm::ALL {
                                toggle(ui, &mut self.forms, *form, form.label());
                            }
                        });
                        ui.end_row();
                    }
                    RuleKind::ExcludedStatuses => {
                        ui.label("排除的人员身份");
                        ui.horizontal_wrapped(|ui| {
                            for status in MemberStatus::ALL {
                                toggle(ui, &mut self.statuses, *status, status.label());
                            }
                        });
                        ui.end_row();
                    }
                    RuleKind::OncePerEvent
                    | RuleKind::UnionMembersOnly
                    | RuleKind::DuesPaid
                    | RuleKind::WomenOnly
                    | RuleKind::HardshipFile => {}
                }

                ui.label("启用");
                ui.checkbox(&mut self.is_active, "启用此规则");
                ui.end_row();
            });
        ui.add_space(6.0);
        ui.label("适用类别（勾选大类即包括其下全部明细）");
        egui::ScrollArea::vertical()
            .id_salt("rule_categories")
            .max_height(240.0)
            .show(ui, |ui| {
                for group in data.categories.iter().filter(|c| c.parent_id.is_none()) {
                    ui.horizontal_wrapped(|ui| {
                        let name = egui::RichText::new(&group.name).strong();
                        toggle(ui, &mut self.category_ids, group.id, name);
                        ui.add_space(8.0);
                        for item in data
                            .categories
                            .iter()
                            .filter(|c| c.parent_id == Some(group.id))
                        {
                            toggle(ui, &mut self.category_ids, item.id, &item.name);
                        }
                    });
                }
            });
        ui.add_space(6.0);
        if let Ok(check) = self.check() {
            ui.weak(format!("规则内容：{}", check.describe()));
        }
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        let mut saved = None;
        let mut cancelled = false;
        ui.horizontal(|ui| {
            if ui.button("保存规则").clicked() {
                match self.build() {
                    Ok(rule) => {
                        self.error = None;
                        saved = Some(rule);
                    }
                    Err(message) => self.error = Some(message),
                }
            }
            if ui.button("取消").clicked() {
                cancelled = true;
            }
        });
        (saved, cancelled)
    }
}

/// A checkbox that keeps `value` in `list` while ticked, in the order ticked.
fn toggle<T: PartialEq + Copy>(
    ui: &mut egui::Ui,
    list: &mut Vec<T>,
    value: T,
    label: impl Into<egui::WidgetText>,
) {
    let mut checked = list.contains(&value);
    if ui.checkbox(&mut checked, label).changed() {
        list.retain(|v| *v != value);
        if checked {
            list.push(value);
        }
    }
}

/// A shipped preset, as offered.
#[derive(Debug, Clone)]
struct PresetChoice {
    code: &'static str,
    name: &'static str,
    rule_count: usize,
}

/// The 发放规则 section of the settings screen.
#[derive(Debug, Default)]
pub struct RulesSection {
    presets: Vec<PresetChoice>,
    preset: usize,
    confirm_preset: bool,
    window: String,
    pub editor: Option<RuleEditor>,
    delete: Option<(i64, String)>,
    error: Option<String>,
}

impl RulesSection {
    pub fn load(&mut self, data: &LedgerData) {
        self.window = data.duplicate_window_days.to_string();
    }

    /// After a rule command was written: the dialogs close.
    pub fn saved(&mut self) {
        self.editor = None;
        self.delete = None;
        self.confirm_preset = false;
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, data: &LedgerData, commands: &mut Vec<Command>) {
        if self.presets.is_empty() {
            self.presets = presets()
                .into_iter()
                .map(|preset| PresetChoice {
                    code: preset.code,
                    name: preset.name,
                    rule_count: preset.rules.len(),
                })
                .collect();
        }
        ui.heading("发放规则");
        ui.label(format!(
            "当前规则集：{}",
            data.rule_set_name
                .as_deref()
                .unwrap_or("未套用示例（自行设定）")
        ));
        ui.colored_label(
            ui.visuals().warn_fg_color,
            "预置规则只是示例，金额和范围请对照本省工会现行的慰问办法逐条核对、修改后再使用。规则只检查今后的登记，已保存的凭证不会改变。",
        );
        ui.horizontal(|ui| {
            ui.label("规则示例");
            let selected = self.presets.get(self.preset).map_or("", |p| p.name);
            let combo = egui::ComboBox::from_id_salt("rule_preset")
                .selected_text(selected)
                .width(460.0)
                .show_ui(ui, |ui| {
                    for (index, preset) in self.presets.iter().enumerate() {
                        ui.selectable_value(&mut self.preset, index, preset.name);
                    }
                });
            combo.response.accessible_name("规则示例");
            if ui.button("套用示例…").clicked() {
                self.confirm_preset = true;
            }
            ui.add_space(12.0);
            if ui.button("新增规则").clicked() {
                self.editor = Some(RuleEditor::new_rule());
            }
        });
        ui.horizontal(|ui| {
            ui.label("重复发放提醒：同一会员同一类别相隔");
            ui.add(
                egui::TextEdit::singleline(&mut self.window)
                    .id_salt("duplicate_window")
                    .hint_text("天数")
                    .desired_width(50.0),
            );
            ui.label("天内再次发放时提醒（0 为不提醒）");
            if ui.button("保存").clicked() {
                match self.window.trim().parse::<i64>() {
                    Ok(days) => {
                        self.error = None;
                        commands.push(Command::Policy(PolicyCommand::SetDuplicateWindow(days)));
                    }
                    Err(_) => {
                        self.error =
                            Some(format!("重复提醒天数：“{}”不是整数", self.window.trim()));
                    }
                }
            }
        });
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        ui.add_space(4.0);
        if data.rules.is_empty() {
            ui.weak(
                "还没有规则：登记和批量发放都不做标准检查。可先套用一个示例，再按本单位办法修改。",
            );
        } else {
            egui::Grid::new("rules_list")
                .num_columns(5)
                .striped(true)
                .spacing([10.0, 6.0])
                .show(ui, |ui| {
                    for title in ["状态", "规则名称", "适用类别", "规则内容", ""] {
                        ui.strong(title);
                    }
                    ui.end_row();
                    for rule in &data.rules {
                        let mut active = rule.is_active;
                        if ui.checkbox(&mut active, "启用").changed() {
                            commands.push(Command::Policy(PolicyCommand::UpdateRule(Rule {
                                is_active: active,
                                ..rule.clone()
                            })));
                        }
                        ui.label(&rule.name);
                        ui.label(rule.scope_text(&data.categories));
                        ui.label(rule.check.describe());
                        ui.horizontal(|ui| {
                            if ui.small_button("修改").clicked() {
                                self.editor = Some(RuleEditor::edit(rule));
                            }
                            if ui.small_button("删除").clicked() {
                                self.delete = Some((rule.id, rule.name.clone()));
                            }
                        });
                        ui.end_row();
                    }
                });
        }
        self.dialogs_ui(ui, data, commands);
    }

    fn dialogs_ui(&mut self, ui: &mut egui::Ui, data: &LedgerData, commands: &mut Vec<Command>) {
        if let Some(editor) = self.editor.as_mut() {
            let mut close = false;
            egui::Modal::new(egui::Id::unique("rule_editor_dialog")).show(ui.ctx(), |ui| {
                ui.set_width(620.0);
                let (saved, cancelled) = editor.ui(ui, data);
                if let Some(rule) = saved {
                    commands.push(Command::Policy(if editor.id.is_some() {
                        PolicyCommand::UpdateRule(rule)
                    } else {
                        PolicyCommand::AddRule(rule)
                    }));
                }
                close = cancelled;
            });
            if close {
                self.editor = None;
            }
        }
        if let Some((id, name)) = self.delete.clone() {
            let mut close = false;
            egui::Modal::new(egui::Id::unique("rule_delete_dialog")).show(ui.ctx(), |ui| {
                ui.set_width(420.0);
                ui.heading("删除规则");
                ui.label(format!("删除规则“{name}”？已保存的凭证不受影响。"));
                ui.horizontal(|ui| {
                    if ui.button("确认删除").clicked() {
                        commands.push(Command::Policy(PolicyCommand::DeleteRule(id)));
                    }
                    if ui.button("取消").clicked() {
                        close = true;
                    }
                });
            });
            if close {
                self.delete = None;
            }
        }
        if self.confirm_preset
            && let Some(preset) = self.presets.get(self.preset)
        {
            let mut close = false;
            egui::Modal::new(egui::Id::unique("rule_preset_dialog")).show(ui.ctx(), |ui| {
                ui.set_width(480.0);
                ui.heading("套用规则示例");
                ui.label(format!(
                    "用“{}”中的 {} 条规则替换现有的全部 {} 条规则。",
                    preset.name,
                    preset.rule_count,
                    data.rules.len()
                ));
                ui.label(
                    "已保存的凭证不会改变。示例只是参考，套用后请对照本省现行规定核对金额和范围。",
                );
                ui.horizontal(|ui| {
                    if ui.button("确认套用").clicked() {
                        commands.push(Command::Policy(PolicyCommand::ApplyPreset(
                            preset.code.to_string(),
                        )));
                    }
                    if ui.button("取消").clicked() {
                        close = true;
                    }
                });
            });
            if close {
                self.confirm_preset = false;
            }
        }
    }
}
