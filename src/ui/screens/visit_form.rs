//! The 走访 form: who was visited, why, when and where, who went, and what was given.
//! The union's rules are checked whenever the form changes (not every frame): a breach
//! needs a written reason and an approval before the visit can be saved.

use chrono::NaiveDate;

use crate::core::date::{format_date, parse_date};
use crate::core::model::{EntryExtras, PaymentForm};
use crate::core::money::{format_fen, format_fen_plain, parse_amount_fen};
use crate::core::policy::Finding;
use crate::core::reminders::Reminder;
use crate::core::visit::{NewVisit, RELATIONS, Visit, VisitGoods, VisitMoney};
use crate::ui::command::Command;
use crate::ui::data::LedgerData;
use crate::ui::widgets::{ApprovalForm, ChoicePicker, MemberPicker, id_combo};

/// The visit form's state.
#[derive(Debug, Clone)]
pub struct VisitForm {
    pub member: MemberPicker,
    pub reason: ChoicePicker,
    /// The relative concerned; its ids are positions in [`RELATIONS`].
    pub relation: ChoicePicker,
    pub date: String,
    pub place: String,
    pub visitors: String,
    pub detail: String,
    pub amount: String,
    /// Whether the clerk typed the amount (then a new reason does not overwrite it).
    amount_typed: bool,
    pub payment_form: PaymentForm,
    pub goods: String,
    pub goods_value: String,
    goods_typed: bool,
    pub fund_id: Option<i64>,
    pub stays_open: bool,
    pub note: String,
    /// 超标准说明: why the visit is saved over a rule.
    pub override_reason: String,
    pub approval: ApprovalForm,
    pub error: Option<String>,
    /// The visit last sent to the rules, and what they said (`None` while waiting).
    checked: Option<NewVisit>,
    pub findings: Option<Result<Vec<Finding>, String>>,
    focus_first: bool,
}

impl Default for VisitForm {
    fn default() -> Self {
        Self {
            member: MemberPicker::default(),
            reason: ChoicePicker::default(),
            relation: ChoicePicker::default(),
            date: String::new(),
            place: String::new(),
            visitors: String::new(),
            detail: String::new(),
            amount: String::new(),
            amount_typed: false,
            payment_form: PaymentForm::Cash,
            goods: String::new(),
            goods_value: String::new(),
            goods_typed: false,
            fund_id: None,
            stays_open: false,
            note: String::new(),
            override_reason: String::new(),
            approval: ApprovalForm::default(),
            error: None,
            checked: None,
            findings: None,
            focus_first: true,
        }
    }
}

impl VisitForm {
    /// A blank form dated `today`.
    pub fn reset(&mut self, today: NaiveDate) {
        *self = Self {
            date: format_date(today),
            ..Self::default()
        };
    }

    /// A form for one member, with the reason of this code when it is active (the clerk
    /// picks otherwise).
    pub fn start(
        &mut self,
        data: &LedgerData,
        member_id: i64,
        reason_code: Option<&str>,
        today: NaiveDate,
    ) {
        self.reset(today);
        self.member.set(data, member_id);
        self.focus_first = false;
        let reason = reason_code.and_then(|code| {
            data.visit_reasons
                .iter()
                .find(|reason| reason.is_active && reason.is(code))
        });
        if let Some(reason) = reason {
            self.set_reason(data, reason.id);
        }
    }

    /// Chooses a reason as if the clerk had picked it.
    pub fn set_reason(&mut self, data: &LedgerData, reason_id: i64) {
        if let Some(reason) = data.visit_reason(reason_id) {
            self.reason.set(reason.id, &reason.name);
            self.prefill_from_reason(data);
        }
    }

    /// The reason's category proposes the amount, the form of payment and the fund; a
    /// reason that can stay open starts as 住院中.
    fn prefill_from_reason(&mut self, data: &LedgerData) {
        let Some(reason) = self.reason.selected.and_then(|id| data.visit_reason(id)) else {
            return;
        };
        self.stays_open = reason.can_stay_open;
        if !reason.needs_relation {
            self.relation.clear();
        }
        let Some(category) = reason.category_id.and_then(|id| data.category(id)) else {
            return;
        };
        if let Some(fund) = category.default_fund_id {
            self.fund_id = Some(fund);
        }
        let standard = category
            .standard_amount_fen
            .map(format_fen_plain)
            .unwrap_or_default();
        // A keepsake (退休) is goods: its standard is the goods' value, not money.
        if category.default_payment_form == Some(PaymentForm::Goods) {
            if !self.amount_typed {
                self.amount.clear();
            }
            if !self.goods_typed {
                self.goods_value = standard;
            }
        } else {
            if !self.amount_typed {
                self.amount = standard;
            }
            if !self.goods_typed {
                self.goods_value.clear();
            }
            if let Some(form) = category.default_payment_form {
                self.payment_form = form;
            }
        }
    }

    /// After a save: a blank form keeping the date.
    pub fn saved(&mut self) {
        let date = std::mem::take(&mut self.date);
        *self = Self {
            date,
            ..Self::default()
        };
    }

    /// What the rules said about `visit`, if the form still describes it.
    pub fn check_result(&mut self, visit: &NewVisit, result: Result<Vec<Finding>, String>) {
        if self.checked.as_ref() == Some(visit) {
            self.findings = Some(result);
        }
    }

    /// Asks for a new check on the next frame (after any write: the history changed).
    pub fn invalidate_check(&mut self) {
        self.checked = None;
        self.findings = None;
    }

    /// Builds the visit from the form, or says which field is wrong.
    pub fn build(&self, data: &LedgerData) -> Result<NewVisit, String> {
        let member_id = self.member.chosen()?.ok_or("会员：请选择被走访的会员")?;
        let reason_id = self.reason.selected.ok_or("事由：请选择走访事由")?;
        let reason = data.visit_reason(reason_id).ok_or("事由：请选择走访事由")?;
        let relation = if reason.needs_relation {
            let index = self
                .relation
                .selected
                .and_then(|id| usize::try_from(id).ok())
                .ok_or("亲属关系：请选择是哪位亲属")?;
            RELATIONS
                .get(index)
                .ok_or("亲属关系：请选择是哪位亲属")?
                .to_string()
        } else {
            String::new()
        };
        let date = parse_date(&self.date).map_err(|e| format!("日期：{e}"))?;
        let money = if self.amount.trim().is_empty() {
            None
        } else {
            let amount_fen = parse_amount_fen(&self.amount).map_err(|e| format!("慰问金：{e}"))?;
            if amount_fen == 0 {
                return Err("慰问金：必须大于 0；不发慰问金请留空".into());
            }
            Some(VisitMoney {
                amount_fen,
                payment_form: self.payment_form,
            })
        };
        let goods = if self.goods.trim().is_empty() && self.goods_value.trim().is_empty() {
            None
        } else {
            if self.goods.trim().is_empty() {
                return Err("慰问品：请填写物品名称，如 鲜花、水果、花圈".into());
            }
            let value_fen =
                parse_amount_fen(&self.goods_value).map_err(|e| format!("物品价值：{e}"))?;
            if value_fen == 0 {
                return Err("物品价值：必须大于 0".into());
            }
            Some(VisitGoods {
                description: self.goods.trim().to_string(),
                value_fen,
            })
        };
        Ok(NewVisit {
            member_id,
            reason_id,
            relation,
            date,
            place: self.place.trim().to_string(),
            visitors: self.visitors.trim().to_string(),
            detail: self.detail.trim().to_string(),
            note: self.note.trim().to_string(),
            money,
            goods,
            fund_id: self.fund_id,
            stays_open: self.stays_open && reason.can_stay_open,
            handler: data.handler.clone(),
        })
    }

    /// The written reason and the approval for a visit over a rule, or what is missing.
    fn override_extras(&self) -> Result<EntryExtras, String> {
        if self.override_reason.trim().is_empty() {
            return Err("超标准说明：必须填写".into());
        }
        Ok(EntryExtras {
            event: String::new(),
            approval: self.approval.build(true)?,
            override_reason: self.override_reason.trim().to_string(),
        })
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &LedgerData,
        today: NaiveDate,
        last_saved: Option<&str>,
        commands: &mut Vec<Command>,
    ) {
        if self.date.is_empty() {
            self.date = format_date(today);
        }
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_width(600.0);
                self.fields_ui(ui, data);
            });
            ui.separator();
            ui.vertical(|ui| {
                let draft = self.build(data);
                self.request_check(&draft, commands);
                self.rules_ui(ui, data, &draft);
                ui.add_space(10.0);
                self.save_ui(ui, &draft, commands);
                ui.add_space(8.0);
                if let Some(error) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, error);
                } else if let Some(saved) = last_saved {
                    ui.colored_label(ui.visuals().hyperlink_color, saved);
                }
            });
        });
    }

    /// Sends the visit to the rules when it differs from the one last checked.
    fn request_check(&mut self, draft: &Result<NewVisit, String>, commands: &mut Vec<Command>) {
        match draft {
            Ok(visit) if self.checked.as_ref() != Some(visit) => {
                self.checked = Some(visit.clone());
                self.findings = None;
                commands.push(Command::CheckVisit(visit.clone()));
            }
            Ok(_) => {}
            Err(_) => self.invalidate_check(),
        }
    }

    fn fields_ui(&mut self, ui: &mut egui::Ui, data: &LedgerData) {
        egui::Grid::new("visit_form")
            .num_columns(2)
            .spacing([12.0, 8.0])
            .show(ui, |ui| {
                ui.label("会员");
                self.member
                    .form_field_ui(ui, data, "visit_member", &mut self.focus_first);
                ui.end_row();

                ui.label("事由");
                let reasons: Vec<(i64, String)> = data
                    .visit_reasons
                    .iter()
                    .filter(|reason| reason.is_active)
                    .map(|reason| (reason.id, reason.name.clone()))
                    .collect();
                let (_, changed) = ui
                    .vertical(|ui| {
                        self.reason
                            .ui(ui, "visit_reason", "如 住院、退休、kn", &reasons)
                    })
                    .inner;
                if changed {
                    self.prefill_from_reason(data);
                }
                ui.end_row();

                let reason = self.reason.selected.and_then(|id| data.visit_reason(id));
                if reason.is_some_and(|reason| reason.needs_relation) {
                    ui.label("亲属关系");
                    let relations: Vec<(i64, String)> = RELATIONS
                        .iter()
                        .enumerate()
                        .map(|(index, name)| (index as i64, (*name).to_string()))
                        .collect();
                    ui.vertical(|ui| {
                        self.relation
                            .ui(ui, "visit_relation", "如 配偶、父亲", &relations);
                    });
                    ui.end_row();
                }

                ui.label("日期");
                text_field(ui, &mut self.date, "visit_date", "如 2026-03-08", 140.0);
                ui.end_row();

                ui.label("地点");
                text_field(
                    ui,
                    &mut self.place,
                    "visit_place",
                    "医院/病区，如 市一院 心内科3床",
                    320.0,
                );
                ui.end_row();

                ui.label("走访人员");
                text_field(
                    ui,
                    &mut self.visitors,
                    "visit_visitors",
                    "如 王主席、李会计",
                    320.0,
                );
                ui.end_row();

                ui.label("病情/事由");
                text_field(ui, &mut self.detail, "visit_detail", "如 阑尾炎手术", 320.0);
                ui.end_row();

                ui.label("慰问金（元）");
                ui.horizontal(|ui| {
                    if text_field(
                        ui,
                        &mut self.amount,
                        "visit_amount",
                        "不发请留空，如 500",
                        140.0,
                    )
                    .changed()
                    {
                        self.amount_typed = true;
                    }
                    for form in PaymentForm::ALL {
                        if *form != PaymentForm::Goods {
                            ui.selectable_value(&mut self.payment_form, *form, form.label());
                        }
                    }
                });
                ui.end_row();

                ui.label("慰问品");
                ui.horizontal(|ui| {
                    if text_field(ui, &mut self.goods, "visit_goods", "如 鲜花、水果", 180.0)
                        .changed()
                    {
                        self.goods_typed = true;
                    }
                    ui.label("价值（元）");
                    if text_field(
                        ui,
                        &mut self.goods_value,
                        "visit_goods_value",
                        "物品价值",
                        100.0,
                    )
                    .changed()
                    {
                        self.goods_typed = true;
                    }
                });
                ui.end_row();

                ui.label("资金");
                let funds: Vec<(i64, String)> = data
                    .funds
                    .iter()
                    .filter(|f| f.is_active)
                    .map(|f| (f.id, f.name.clone()))
                    .collect();
                ui.horizontal(|ui| {
                    id_combo(
                        ui,
                        "visit_fund",
                        "资金",
                        &mut self.fund_id,
                        "按类别默认",
                        &funds,
                        160.0,
                    );
                    if let Some(balance) = self.fund_id.and_then(|id| data.fund_balance(id)) {
                        ui.weak(format!("当前余额 {} 元", format_fen(balance)));
                    }
                });
                ui.end_row();

                if reason.is_some_and(|reason| reason.can_stay_open) {
                    ui.label("");
                    ui.checkbox(&mut self.stays_open, "住院中（出院后在走访记录中结束）");
                    ui.end_row();
                }

                ui.label("备注");
                text_field(ui, &mut self.note, "visit_note", "备注", 320.0);
                ui.end_row();

                ui.label("经办人");
                ui.label(if data.handler.is_empty() {
                    "（在设置中填写）"
                } else {
                    data.handler.as_str()
                });
                ui.end_row();
            });
    }

    /// What the rules say about the visit, with the numbers: breaches in red, warnings
    /// in amber; a breach asks for the written reason and the approval.
    fn rules_ui(&mut self, ui: &mut egui::Ui, data: &LedgerData, draft: &Result<NewVisit, String>) {
        ui.strong("发放规则检查");
        ui.add_space(4.0);
        let gives_something = draft
            .as_ref()
            .is_ok_and(|visit| visit.money.is_some() || visit.goods.is_some());
        if draft.is_err() {
            ui.weak("选好会员和事由、填好金额后，这里显示发放规则的检查结果。");
            return;
        }
        if !gives_something {
            ui.weak("本次走访不发慰问金或慰问品，不涉及发放规则。");
            return;
        }
        if data.reminders.contains(&Reminder::NoRules) {
            ui.weak("尚未设置发放规则，不做检查（设置 › 发放规则）。");
        }
        let findings = match &self.findings {
            None => {
                ui.weak("正在检查…");
                return;
            }
            Some(Err(error)) => {
                ui.colored_label(ui.visuals().error_fg_color, error);
                return;
            }
            Some(Ok(findings)) => findings,
        };
        if findings.is_empty() {
            ui.label("符合发放规则。");
            return;
        }
        for finding in findings {
            if finding.is_breach() {
                ui.colored_label(ui.visuals().error_fg_color, format!("超标准：{finding}"));
            } else {
                ui.colored_label(ui.visuals().warn_fg_color, format!("提醒：{finding}"));
            }
        }
        if findings.iter().any(Finding::is_breach) {
            ui.add_space(8.0);
            ui.label("如确需发放，请写明超标准说明，并注明集体决议和审批：");
            ui.add(
                egui::TextEdit::multiline(&mut self.override_reason)
                    .id_salt("visit_override_reason")
                    .hint_text("超标准说明（必填），如 手术费用高，经工会委员会研究同意")
                    .desired_rows(2)
                    .desired_width(440.0),
            );
            self.approval.ui(ui, "visit", &data.approvals);
        }
    }

    fn save_ui(
        &mut self,
        ui: &mut egui::Ui,
        draft: &Result<NewVisit, String>,
        commands: &mut Vec<Command>,
    ) {
        let breach =
            matches!(&self.findings, Some(Ok(findings)) if findings.iter().any(Finding::is_breach));
        let waiting = draft.is_ok() && self.findings.is_none();
        let extras = if breach {
            self.override_extras()
        } else {
            Ok(EntryExtras::default())
        };
        let enabled = !waiting && extras.is_ok();
        ui.horizontal(|ui| {
            if ui
                .add_enabled(enabled, egui::Button::new("保存走访"))
                .clicked()
            {
                match (draft, &extras) {
                    (Ok(visit), Ok(extras)) => {
                        self.error = None;
                        commands.push(Command::AddVisit {
                            visit: visit.clone(),
                            extras: extras.clone(),
                        });
                    }
                    (Err(message), _) | (_, Err(message)) => self.error = Some(message.clone()),
                }
            }
            if ui.button("清空").clicked() {
                let date = std::mem::take(&mut self.date);
                *self = Self {
                    date,
                    ..Self::default()
                };
            }
        });
        if breach && let Err(missing) = &extras {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!("违反发放规则，需填写超标准说明和审批后才能保存（{missing}）"),
            );
        }
    }
}

/// "已登记走访：张三丰 生病住院（住院中），凭证 2026-000002".
pub fn saved_text(visit: &Visit) -> String {
    let open = if visit.is_open { "（住院中）" } else { "" };
    let vouchers = if visit.vouchers.is_empty() {
        String::new()
    } else {
        format!("，凭证 {}", visit.vouchers.join("、"))
    };
    format!(
        "已登记走访：{} {}{open}{vouchers}",
        visit.member_name,
        visit.reason_text()
    )
}

fn text_field(
    ui: &mut egui::Ui,
    value: &mut String,
    id_salt: &str,
    hint: &str,
    width: f32,
) -> egui::Response {
    ui.add(
        egui::TextEdit::singleline(value)
            .id_salt(id_salt)
            .hint_text(hint)
            .desired_width(width),
    )
}
