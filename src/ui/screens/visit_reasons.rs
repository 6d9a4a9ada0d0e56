//! 设置 › 走访事由: the reasons a visit can have, the category each books its money
//! and goods to, and whether it names a relative or can stay open.

use crate::core::visit::VisitReason;
use crate::ui::command::Command;
use crate::ui::data::LedgerData;
use crate::ui::screens::rules::PolicyCommand;
use crate::ui::widgets::id_combo;

/// The 走访事由 section of the settings screen: copies of the stored reasons, edited
/// until saved, and a blank one to add.
#[derive(Debug, Default)]
pub struct VisitReasonsSection {
    rows: Vec<VisitReason>,
    new_reason: Option<VisitReason>,
}

fn blank_reason() -> VisitReason {
    VisitReason {
        id: 0,
        code: None,
        name: String::new(),
        category_id: None,
        needs_relation: false,
        can_stay_open: false,
        is_active: true,
        sort_order: 0,
    }
}

impl VisitReasonsSection {
    pub fn load(&mut self, data: &LedgerData) {
        self.rows = data.visit_reasons.clone();
        self.new_reason = Some(blank_reason());
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, data: &LedgerData, commands: &mut Vec<Command>) {
        ui.heading("走访事由");
        ui.weak(
            "走访登记时可选的事由。走访时给的慰问金和物品记入所关联的类别，并按该类别的规则检查。",
        );
        let categories: Vec<(i64, String)> = data
            .active_items()
            .iter()
            .map(|c| (c.id, data.category_path(c.id)))
            .collect();
        egui::Grid::new("visit_reasons")
            .num_columns(6)
            .striped(true)
            .spacing([10.0, 6.0])
            .show(ui, |ui| {
                for title in ["事由", "记入类别", "亲属", "未结", "状态", ""] {
                    ui.strong(title);
                }
                ui.end_row();
                for reason in &mut self.rows {
                    if reason_row_ui(ui, reason, &categories, "保存") {
                        commands.push(Command::Policy(PolicyCommand::UpdateVisitReason(
                            reason.clone(),
                        )));
                    }
                }
                if let Some(reason) = self.new_reason.as_mut()
                    && reason_row_ui(ui, reason, &categories, "添加事由")
                {
                    commands.push(Command::Policy(PolicyCommand::AddVisitReason(
                        reason.clone(),
                    )));
                }
            });
    }
}

/// One reason's fields in the grid; returns whether its button was clicked.
fn reason_row_ui(
    ui: &mut egui::Ui,
    reason: &mut VisitReason,
    categories: &[(i64, String)],
    button: &str,
) -> bool {
    let is_new = reason.id == 0;
    let id = reason.id;
    ui.add_sized(
        [130.0, 22.0],
        egui::TextEdit::singleline(&mut reason.name)
            .id_salt(("reason_name", id))
            .hint_text(if is_new {
                "新事由名称"
            } else {
                "事由名称"
            }),
    );
    id_combo(
        ui,
        &format!("reason_category_{id}"),
        "记入类别",
        &mut reason.category_id,
        "不关联",
        categories,
        160.0,
    );
    ui.checkbox(&mut reason.needs_relation, "需填亲属关系");
    ui.checkbox(&mut reason.can_stay_open, "可保持未结");
    ui.checkbox(&mut reason.is_active, "启用");
    let clicked = ui.button(button).clicked();
    ui.end_row();
    clicked
}
