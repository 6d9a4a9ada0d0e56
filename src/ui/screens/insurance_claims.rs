//! 互助保障 › 理赔: register a claim, list the year's claims, and take the selected one
//! from 登记 through 已提交 and 已核定 to 已支付 (or 驳回) with its documents.

use chrono::NaiveDate;
use egui_extras::{Column, TableBuilder};

use crate::core::date::{format_date, parse_date};
use crate::core::insurance::{Claim, ClaimState, DocumentKind, NewClaim};
use crate::core::money::{format_fen, format_fen_plain, parse_amount_fen};
use crate::ui::command::Command;
use crate::ui::data::LedgerData;
use crate::ui::screens::insurance::{ClaimDetail, InsuranceCommand, InsuranceView, plan_options};
use crate::ui::widgets::{MemberPicker, heading_cell, id_combo, right_label};

/// The claim being registered, as typed.
#[derive(Debug, Clone, Default)]
pub struct ClaimForm {
    pub plan_id: Option<i64>,
    pub member: MemberPicker,
    pub illness: String,
    pub hospital: String,
    pub admission: String,
    pub discharge: String,
    pub total: String,
    pub eligible: String,
    pub social_insurance: String,
    pub other_aid: String,
    pub grade: String,
    pub error: Option<String>,
}

/// An amount in 元; blank is 0.
fn amount_or_zero(text: &str, field: &str) -> Result<i64, String> {
    if text.trim().is_empty() {
        return Ok(0);
    }
    parse_amount_fen(text).map_err(|e| format!("{field}：{e}"))
}

impl ClaimForm {
    /// The claim the form describes, or which field is wrong.
    pub fn claim(&self) -> Result<NewClaim, String> {
        let plan_id = self.plan_id.ok_or("计划：请选择")?;
        let member_id = self
            .member
            .chosen()?
            .ok_or("会员：请填写姓名、工号或拼音首字母")?;
        if self.illness.trim().is_empty() {
            return Err("疾病：必须填写".to_string());
        }
        if self.admission.trim().is_empty() {
            return Err("入院日期：必须填写".to_string());
        }
        let admission = parse_date(&self.admission).map_err(|e| format!("入院日期：{e}"))?;
        let discharge = if self.discharge.trim().is_empty() {
            None
        } else {
            Some(parse_date(&self.discharge).map_err(|e| format!("出院日期：{e}"))?)
        };
        Ok(NewClaim {
            plan_id,
            member_id,
            illness: self.illness.trim().to_string(),
            hospital: self.hospital.trim().to_string(),
            admission,
            discharge,
            total_cost_fen: amount_or_zero(&self.total, "总费用")?,
            eligible_cost_fen: amount_or_zero(&self.eligible, "合规费用")?,
            social_insurance_fen: amount_or_zero(&self.social_insurance, "医保已报")?,
            other_aid_fen: amount_or_zero(&self.other_aid, "其他补助")?,
            grade: self.grade.trim().to_string(),
        })
    }

    /// "住院 8 天" once both dates read, for the clerk to check.
    fn days_text(&self) -> Option<String> {
        let admission = parse_date(&self.admission).ok()?;
        let discharge = parse_date(&self.discharge).ok()?;
        (discharge >= admission)
            .then(|| format!("住院 {} 天", (discharge - admission).num_days().max(1)))
    }
}

/// The selected claim's action fields, filled in when it (or its state) changes.
#[derive(Debug, Clone, Default)]
pub struct ClaimActions {
    claim_id: Option<i64>,
    state: Option<ClaimState>,
    pub date: String,
    /// The approved amount, prefilled with the computed one.
    pub amount: String,
    pub reason: String,
    pub error: Option<String>,
    /// 支付 on a claim with documents missing, waiting for the clerk to confirm: the
    /// payment, and what is missing.
    pub confirm_pay: Option<(InsuranceCommand, Vec<String>)>,
}

impl ClaimActions {
    /// Prefills the fields for a claim newly shown or newly moved to another state.
    pub fn follow(&mut self, claim: &Claim, today: NaiveDate) {
        if self.claim_id == Some(claim.id) && self.state == Some(claim.state) {
            return;
        }
        *self = Self {
            claim_id: Some(claim.id),
            state: Some(claim.state),
            date: format_date(today),
            amount: format_fen_plain(claim.approved_fen.unwrap_or(claim.computed.amount_fen)),
            reason: String::new(),
            error: None,
            confirm_pay: None,
        };
    }
}

/// The claims tab.
#[derive(Debug, Clone, Default)]
pub struct ClaimsTab {
    pub form: ClaimForm,
    pub filter_plan: Option<i64>,
    pub filter_state: Option<ClaimState>,
    pub selected: Option<i64>,
    pub actions: ClaimActions,
    /// The scan's path typed, when the system's file dialog gave none.
    pub attach_path: Option<AttachPath>,
}

/// The typed-path dialog for a scan to attach.
#[derive(Debug, Clone, PartialEq)]
pub struct AttachPath {
    pub claim_id: i64,
    pub kind: DocumentKind,
    pub path: String,
    pub error: Option<String>,
}

/// Asks for the scan's path when the system's file dialog gave none.
fn attach_path_ui(ui: &mut egui::Ui, dialog: &mut Option<AttachPath>, commands: &mut Vec<Command>) {
    let Some(attach) = dialog.as_mut() else {
        return;
    };
    let mut close = false;
    egui::Modal::new(egui::Id::unique("claim_attach_path")).show(ui.ctx(), |ui| {
        ui.set_width(520.0);
        ui.heading(format!("附加扫描件：{}", attach.kind.label()));
        ui.add_space(6.0);
        ui.label("系统的选择文件对话框没有打开（或已取消）。请在这里输入扫描件的路径：");
        if ui
            .add(
                egui::TextEdit::singleline(&mut attach.path)
                    .hint_text("扫描件路径，如 /home/用户/扫描/发票.jpg")
                    .desired_width(500.0),
            )
            .changed()
        {
            attach.error = None;
        }
        if let Some(error) = &attach.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            if ui.button("附加").clicked() {
                let typed = attach.path.trim();
                let path = std::path::PathBuf::from(typed);
                if typed.is_empty() {
                    attach.error = Some("扫描件路径：请填写".to_string());
                } else if !path.is_file() {
                    attach.error = Some(format!("扫描件路径：找不到文件“{typed}”"));
                } else {
                    commands.push(Command::Insurance(InsuranceCommand::AttachFrom {
                        claim_id: attach.claim_id,
                        kind: attach.kind,
                        path,
                    }));
                    close = true;
                }
            }
            if ui.button("取消").clicked() {
                close = true;
            }
        });
    });
    if close {
        *dialog = None;
    }
}

impl ClaimsTab {
    /// After a claim was registered: a blank form on the same plan, the claim selected.
    pub fn registered(&mut self, claim: &Claim) {
        self.form = ClaimForm {
            plan_id: Some(claim.plan_id),
            ..ClaimForm::default()
        };
        self.selected = Some(claim.id);
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &LedgerData,
        view: &InsuranceView,
        year: i32,
        today: NaiveDate,
        commands: &mut Vec<Command>,
    ) {
        attach_path_ui(ui, &mut self.attach_path, commands);
        egui::Panel::left("insurance_claim_form")
            .resizable(false)
            .exact_size(400.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("insurance_claim_form_scroll")
                    .show(ui, |ui| self.form_ui(ui, data, view, commands));
            });
        let before = (self.filter_plan, self.filter_state, self.selected);
        self.list_ui(ui, view, year);
        if before != (self.filter_plan, self.filter_state, self.selected) {
            commands.push(Command::Insurance(InsuranceCommand::Load));
        }
        ui.separator();
        egui::ScrollArea::vertical()
            .id_salt("insurance_claim_detail")
            .show(ui, |ui| match &view.detail {
                Some(detail) if Some(detail.claim.id) == self.selected => {
                    self.detail_ui(ui, detail, today, commands);
                }
                _ => {
                    ui.weak("点击上面列表中的一笔理赔，查看计算过程、材料和办理步骤。");
                }
            });
    }

    fn form_ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &LedgerData,
        view: &InsuranceView,
        commands: &mut Vec<Command>,
    ) {
        ui.strong("新的理赔");
        let options = plan_options(&view.plans);
        let form = &mut self.form;
        let text = |ui: &mut egui::Ui, label: &str, value: &mut String, hint: &str| {
            ui.label(label);
            ui.add(
                egui::TextEdit::singleline(value)
                    .hint_text(hint)
                    .desired_width(200.0),
            );
            ui.end_row();
        };
        egui::Grid::new("insurance_claim_grid")
            .num_columns(2)
            .spacing([10.0, 6.0])
            .show(ui, |ui| {
                ui.label("计划");
                id_combo(
                    ui,
                    "insurance_claim_plan",
                    "理赔计划",
                    &mut form.plan_id,
                    "请选择",
                    &options,
                    220.0,
                );
                ui.end_row();
                ui.label("会员");
                // The chosen member shows beneath once the field is left, as on 登记.
                form.member
                    .form_field_ui(ui, data, "insurance_claim_member", &mut false);
                ui.end_row();
                text(ui, "疾病", &mut form.illness, "疾病或诊断，如 冠心病");
                text(ui, "医院", &mut form.hospital, "医院，如 市一院");
                text(
                    ui,
                    "入院日期",
                    &mut form.admission,
                    "入院日期，如 2026-05-03",
                );
                text(
                    ui,
                    "出院日期",
                    &mut form.discharge,
                    "出院日期（未出院可不填）",
                );
                if let Some(days) = form.days_text() {
                    ui.label("");
                    ui.strong(days);
                    ui.end_row();
                }
                text(ui, "总费用（元）", &mut form.total, "住院总费用");
                text(
                    ui,
                    "合规费用（元）",
                    &mut form.eligible,
                    "合规费用（医保范围内）",
                );
                text(
                    ui,
                    "医保已报（元）",
                    &mut form.social_insurance,
                    "医保已报销",
                );
                text(
                    ui,
                    "其他补助（元）",
                    &mut form.other_aid,
                    "同一疾病已获其他工会补助",
                );
                text(
                    ui,
                    "诊断等级",
                    &mut form.grade,
                    "诊断等级（按等级给付时填）",
                );
            });
        ui.add_space(6.0);
        if ui.button("登记理赔").clicked() {
            match self.form.claim() {
                Ok(claim) => {
                    self.form.error = None;
                    commands.push(Command::Insurance(InsuranceCommand::AddClaim(claim)));
                }
                Err(message) => self.form.error = Some(message),
            }
        }
        if let Some(error) = &self.form.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
    }

    fn list_ui(&mut self, ui: &mut egui::Ui, view: &InsuranceView, year: i32) {
        let options = plan_options(&view.plans);
        ui.horizontal(|ui| {
            ui.strong(format!("{year} 年理赔（{} 笔）", view.claims.len()));
            ui.add_space(12.0);
            id_combo(
                ui,
                "insurance_claims_plan",
                "按计划筛选",
                &mut self.filter_plan,
                "全部计划",
                &options,
                220.0,
            );
            let combo = egui::ComboBox::from_id_salt("insurance_claims_state")
                .selected_text(self.filter_state.map_or("全部状态", ClaimState::label))
                .width(100.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.filter_state, None, "全部状态");
                    for state in ClaimState::ALL {
                        ui.selectable_value(&mut self.filter_state, Some(*state), state.label());
                    }
                });
            combo.response.accessible_name("按状态筛选");
        });
        if view.claims.is_empty() {
            ui.weak("没有符合条件的理赔。");
            return;
        }
        let mut clicked = None;
        ui.scope(|ui| {
            // A click anywhere on a row selects it.
            ui.style_mut().interaction.selectable_labels = false;
            TableBuilder::new(ui)
                .id_salt("insurance_claims")
                .striped(true)
                .sense(egui::Sense::click())
                .max_scroll_height(220.0)
                .column(Column::exact(80.0))
                .column(Column::exact(70.0))
                .column(Column::exact(180.0))
                .column(Column::exact(120.0))
                .column(Column::exact(90.0))
                .column(Column::exact(40.0))
                .column(Column::exact(90.0))
                .column(Column::exact(90.0))
                .column(Column::remainder())
                .header(22.0, |mut header| {
                    for title in [
                        "姓名",
                        "工号",
                        "计划",
                        "疾病",
                        "入院",
                        "天数",
                        "计算（元）",
                        "核定（元）",
                        "状态",
                    ] {
                        header.col(|ui| {
                            heading_cell(
                                ui,
                                title,
                                matches!(title, "天数" | "计算（元）" | "核定（元）"),
                            );
                        });
                    }
                })
                .body(|body| {
                    body.rows(22.0, view.claims.len(), |mut row| {
                        let Some(claim) = view.claims.get(row.index()) else {
                            return;
                        };
                        row.set_selected(self.selected == Some(claim.id));
                        for cell in [
                            claim.name.clone(),
                            claim.employee_no.clone(),
                            claim.plan_name.clone(),
                            claim.facts.illness.clone(),
                            format_date(claim.facts.admission),
                            claim.hospital_days().to_string(),
                            format_fen(claim.computed.amount_fen),
                            claim.approved_fen.map(format_fen).unwrap_or_default(),
                            claim.state.label().to_string(),
                        ]
                        .into_iter()
                        .enumerate()
                        {
                            row.col(|ui| {
                                // 天数 and the amounts flush right under their headings.
                                if matches!(cell.0, 5..=7) {
                                    right_label(ui, cell.1);
                                } else {
                                    ui.add(egui::Label::new(cell.1).truncate());
                                }
                            });
                        }
                        if row.response().clicked() {
                            clicked = Some(claim.id);
                        }
                    });
                });
        });
        if clicked.is_some() {
            self.selected = clicked;
        }
    }

    fn detail_ui(
        &mut self,
        ui: &mut egui::Ui,
        detail: &ClaimDetail,
        today: NaiveDate,
        commands: &mut Vec<Command>,
    ) {
        let claim = &detail.claim;
        self.actions.follow(claim, today);
        let push = |commands: &mut Vec<Command>, command| {
            commands.push(Command::Insurance(command));
        };
        ui.heading(format!(
            "{}（{}，{}） · {} · {}",
            claim.name,
            claim.employee_no,
            claim.department,
            claim.plan_name,
            claim.state.label()
        ));
        // The next step first, so each step is one click without scrolling down past
        // the computation and the checklist.
        self.actions_ui(ui, claim, commands);
        ui.add_space(6.0);
        let facts = &claim.facts;
        let stay = match facts.discharge {
            Some(discharge) => format!(
                "{} 至 {}，住院 {} 天",
                format_date(facts.admission),
                format_date(discharge),
                claim.hospital_days()
            ),
            None => format!("{} 入院，未出院", format_date(facts.admission)),
        };
        let mut rows = vec![
            ("疾病", facts.illness.clone()),
            ("医院", facts.hospital.clone()),
            ("住院", stay),
            (
                "费用",
                format!(
                    "总费用 {} 元，合规 {} 元，医保已报 {} 元，其他补助 {} 元",
                    format_fen(facts.total_cost_fen),
                    format_fen(facts.eligible_cost_fen),
                    format_fen(facts.social_insurance_fen),
                    format_fen(facts.other_aid_fen)
                ),
            ),
        ];
        if !facts.grade.is_empty() {
            rows.push(("诊断等级", facts.grade.clone()));
        }
        let mut dates = vec![format!("登记 {}", format_date(claim.registered_on))];
        for (label, date) in [
            ("提交", claim.submitted_on),
            (
                if claim.state == ClaimState::Rejected {
                    "驳回"
                } else {
                    "核定"
                },
                claim.decided_on,
            ),
            ("支付", claim.paid_on),
        ] {
            if let Some(date) = date {
                dates.push(format!("{label} {}", format_date(date)));
            }
        }
        rows.push(("办理", dates.join("，")));
        egui::Grid::new("insurance_claim_facts")
            .num_columns(2)
            .spacing([10.0, 4.0])
            .show(ui, |ui| {
                for (label, value) in rows {
                    ui.label(label);
                    ui.label(value);
                    ui.end_row();
                }
            });

        ui.add_space(6.0);
        ui.strong("赔付计算");
        for step in &claim.computed.steps {
            ui.label(step);
        }
        ui.horizontal(|ui| {
            ui.label(format!(
                "计算金额 {} 元",
                format_fen(claim.computed.amount_fen)
            ));
            if let Some(approved) = claim.approved_fen {
                ui.add_space(12.0);
                ui.strong(format!("核定金额 {} 元", format_fen(approved)));
            }
        });
        if !claim.paid_voucher.is_empty() {
            ui.label(format!("支付凭证 {}", claim.paid_voucher));
        }
        if claim.state == ClaimState::Rejected {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("驳回原因：{}", claim.reject_reason),
            );
        }
        for warning in &claim.warnings {
            ui.colored_label(ui.visuals().warn_fg_color, format!("⚠ {warning}"));
        }

        ui.add_space(6.0);
        ui.strong("理赔材料");
        egui::Grid::new("insurance_claim_documents")
            .num_columns(3)
            .spacing([10.0, 4.0])
            .show(ui, |ui| {
                for (kind, present) in &claim.documents {
                    let mut checked = *present;
                    if ui.checkbox(&mut checked, kind.label()).changed() {
                        push(
                            commands,
                            InsuranceCommand::SetDocument {
                                claim_id: claim.id,
                                kind: *kind,
                                present: checked,
                            },
                        );
                    }
                    if ui
                        .small_button("附加扫描件…")
                        .on_hover_text(format!("选择“{}”的扫描件，存入台账", kind.label()))
                        .clicked()
                    {
                        push(
                            commands,
                            InsuranceCommand::PickAttachment {
                                claim_id: claim.id,
                                kind: *kind,
                            },
                        );
                    }
                    let files: Vec<String> = detail
                        .files
                        .iter()
                        .filter(|(_, file_kind, _, _)| file_kind == kind)
                        .map(|(_, _, name, size)| format!("{name}（{}）", size_text(*size)))
                        .collect();
                    ui.weak(files.join("、"));
                    ui.end_row();
                }
            });

        if !detail.usage.is_empty() {
            ui.add_space(6.0);
            ui.strong(format!("{} 已获赔付", claim.name));
            for (plan, count, fen) in &detail.usage {
                ui.label(format!("{plan}：{count} 次，{} 元", format_fen(*fen)));
            }
        }
    }

    /// The steps the claim's state allows.
    fn actions_ui(&mut self, ui: &mut egui::Ui, claim: &Claim, commands: &mut Vec<Command>) {
        let actions = &mut self.actions;
        let can_reject = matches!(claim.state, ClaimState::Registered | ClaimState::Submitted);
        let (button, hint) = match claim.state {
            ClaimState::Registered => ("提交", "提交日期"),
            ClaimState::Submitted => ("核定", "核定日期"),
            ClaimState::Approved => ("支付", "支付日期"),
            ClaimState::Paid | ClaimState::Rejected => return,
        };
        ui.strong("办理");
        let mut command = None;
        egui::Grid::new("insurance_claim_actions")
            .num_columns(2)
            .spacing([10.0, 6.0])
            .show(ui, |ui| {
                ui.label("日期");
                ui.add(
                    egui::TextEdit::singleline(&mut actions.date)
                        .hint_text(hint)
                        .desired_width(140.0),
                );
                ui.end_row();
                if claim.state == ClaimState::Submitted {
                    ui.label("核定金额（元）");
                    ui.add(
                        egui::TextEdit::singleline(&mut actions.amount)
                            .hint_text("核定金额（元）")
                            .desired_width(140.0),
                    );
                    ui.end_row();
                }
                ui.label("");
                if ui.button(button).clicked() {
                    command = Some(action_command(claim, actions));
                }
                ui.end_row();
                if can_reject {
                    ui.label("驳回原因");
                    ui.horizontal(|ui| {
                        ui.add(
                            egui::TextEdit::singleline(&mut actions.reason)
                                .hint_text("驳回原因，如 不在保障期内")
                                .desired_width(220.0),
                        );
                        if ui.button("驳回").clicked() {
                            command = Some(if actions.reason.trim().is_empty() {
                                Err("驳回原因：必须填写".to_string())
                            } else {
                                parse_date(&actions.date)
                                    .map_err(|e| format!("日期：{e}"))
                                    .map(|date| InsuranceCommand::Reject {
                                        claim_id: claim.id,
                                        reason: actions.reason.trim().to_string(),
                                        date,
                                    })
                            });
                        }
                    });
                    ui.end_row();
                }
            });
        let missing: Vec<String> = claim
            .missing_documents()
            .iter()
            .map(|kind| kind.label().to_string())
            .collect();
        match command {
            // Paying with papers missing is what the year-end audit flags: asked first.
            Some(Ok(command @ InsuranceCommand::Pay { .. })) if !missing.is_empty() => {
                actions.error = None;
                actions.confirm_pay = Some((command, missing));
            }
            Some(Ok(command)) => {
                actions.error = None;
                commands.push(Command::Insurance(command));
            }
            Some(Err(message)) => actions.error = Some(message),
            None => {}
        }
        if let Some(error) = &actions.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        confirm_pay_ui(ui, claim, actions, commands);
    }
}

/// The confirmation of a payment with documents missing, naming them.
fn confirm_pay_ui(
    ui: &mut egui::Ui,
    claim: &Claim,
    actions: &mut ClaimActions,
    commands: &mut Vec<Command>,
) {
    let Some((command, missing)) = &actions.confirm_pay else {
        return;
    };
    let mut close = false;
    egui::Modal::new(egui::Id::unique("confirm_claim_payment")).show(ui.ctx(), |ui| {
        ui.set_width(440.0);
        ui.heading("材料不全，确认支付？");
        ui.add_space(6.0);
        ui.label(format!(
            "{} {} 的理赔缺少 {} 项材料：{}。",
            claim.name,
            claim.facts.illness,
            missing.len(),
            missing.join("、")
        ));
        ui.label("年度审计会把“材料不全即支付”列为问题；建议补齐材料后再支付。");
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            if ui.button("仍然支付").clicked() {
                commands.push(Command::Insurance(command.clone()));
                close = true;
            }
            if ui.button("取消").clicked() {
                close = true;
            }
        });
    });
    if close {
        actions.confirm_pay = None;
    }
}

/// 提交, 核定 or 支付 for the claim's state, from the typed date (and amount).
fn action_command(claim: &Claim, actions: &ClaimActions) -> Result<InsuranceCommand, String> {
    let date = parse_date(&actions.date).map_err(|e| format!("日期：{e}"))?;
    let claim_id = claim.id;
    match claim.state {
        ClaimState::Registered => Ok(InsuranceCommand::Submit { claim_id, date }),
        ClaimState::Submitted => {
            let amount_fen =
                parse_amount_fen(&actions.amount).map_err(|e| format!("核定金额：{e}"))?;
            if amount_fen < 0 {
                return Err("核定金额：不能为负".to_string());
            }
            Ok(InsuranceCommand::Approve {
                claim_id,
                amount_fen,
                date,
            })
        }
        ClaimState::Approved => Ok(InsuranceCommand::Pay { claim_id, date }),
        ClaimState::Paid | ClaimState::Rejected => {
            Err(format!("理赔已{}，不能再办理", claim.state.label()))
        }
    }
}

/// "1.2 MB", "34 KB".
fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}
