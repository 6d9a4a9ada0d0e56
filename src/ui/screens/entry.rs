//! 登记: the fast entry form. Keyboard only: Tab moves through the fields, Enter saves
//! and starts the next entry with the same category and date. A disbursement is checked
//! against the union's rules as it is typed; saving over a rule takes a written reason
//! and the decision that approved it.

use chrono::{Datelike, NaiveDate};

use crate::core::date::{format_date, parse_date};
use crate::core::model::{Entry, EntryExtras, EntryKind, NewEntry, PaymentForm};
use crate::core::money::{format_fen, format_fen_plain, parse_amount_fen};
use crate::core::policy::Finding;
use crate::store::StoreError;
use crate::ui::command::Command;
use crate::ui::data::LedgerData;
use crate::ui::widgets::{ApprovalForm, ChoicePicker, MemberPicker, id_combo};

/// The entry form's state.
#[derive(Debug, Clone)]
pub struct EntryScreen {
    pub kind: EntryKind,
    pub member: MemberPicker,
    pub category: ChoicePicker,
    pub source: ChoicePicker,
    pub fund_id: Option<i64>,
    pub amount: String,
    /// Whether the clerk typed the amount (then a new category does not overwrite it).
    amount_typed: bool,
    pub date: String,
    pub payment_form: PaymentForm,
    pub note: String,
    /// What the payout is for (事由/病情), compared by the once-per-event rule.
    pub event: String,
    /// 超标准说明: why the entry is saved over a rule.
    pub override_reason: String,
    pub approval: ApprovalForm,
    /// What the rules say about the entry as typed, and the entry they were checked
    /// for; checked again only when the fields change.
    pub findings: Vec<Finding>,
    pub findings_error: Option<String>,
    checked_for: Option<(NewEntry, String)>,
    pub error: Option<String>,
    /// The last saved voucher and the balance of its fund right after.
    pub last_saved: Option<String>,
    saved_fund: Option<i64>,
    focus_first: bool,
}

impl Default for EntryScreen {
    fn default() -> Self {
        Self {
            kind: EntryKind::Disbursement,
            member: MemberPicker::default(),
            category: ChoicePicker::default(),
            source: ChoicePicker::default(),
            fund_id: None,
            amount: String::new(),
            amount_typed: false,
            date: String::new(),
            payment_form: PaymentForm::Cash,
            note: String::new(),
            event: String::new(),
            override_reason: String::new(),
            approval: ApprovalForm::default(),
            findings: Vec::new(),
            findings_error: None,
            checked_for: None,
            error: None,
            last_saved: None,
            saved_fund: None,
            focus_first: true,
        }
    }
}

impl EntryScreen {
    /// A blank form dated today.
    pub fn reset(&mut self, _data: &LedgerData, today: NaiveDate) {
        *self = Self {
            date: format_date(today),
            ..Self::default()
        };
    }

    /// After a save: keep kind, category, fund, date and form; clear the rest.
    pub fn saved(&mut self, entry: &Entry) {
        self.member.clear();
        self.note.clear();
        self.event.clear();
        self.override_reason.clear();
        self.approval = ApprovalForm::default();
        self.findings.clear();
        self.checked_for = None;
        self.error = None;
        self.saved_fund = Some(entry.fund_id);
        self.last_saved = Some(entry.voucher_no());
        self.focus_first = true;
        self.amount_typed = false;
        self.amount.clear();
        if let Some(category_id) = self.category.selected {
            let query = self.category.query.clone();
            self.category.set(category_id, &query);
        }
    }

    pub fn failed(&mut self, error: &StoreError) {
        self.error = Some(error.to_string());
    }

    /// The rules' findings for the entry last sent to be checked.
    pub fn checked(&mut self, findings: Result<Vec<Finding>, String>) {
        match findings {
            Ok(findings) => {
                self.findings = findings;
                self.findings_error = None;
            }
            Err(message) => {
                self.findings.clear();
                self.findings_error = Some(message);
            }
        }
    }

    /// After the ledger changed (an entry saved, a rule edited): check again.
    pub fn invalidate_findings(&mut self) {
        self.checked_for = None;
    }

    fn has_breach(&self) -> bool {
        self.findings.iter().any(Finding::is_breach)
    }

    /// Asks for the typed disbursement to be checked when it differs from the one last
    /// checked; clears the findings when the form does not describe one yet.
    fn recheck(&mut self, data: &LedgerData, commands: &mut Vec<Command>) {
        let candidate = match self.kind {
            EntryKind::Disbursement => self.build(data).ok().map(|mut entry| {
                // The summary does not change what the rules say.
                entry.note.clear();
                (entry, self.event.trim().to_string())
            }),
            EntryKind::Income => None,
        };
        if candidate == self.checked_for {
            return;
        }
        match &candidate {
            Some((entry, event)) => commands.push(Command::CheckEntry {
                entry: entry.clone(),
                event: event.clone(),
            }),
            None => {
                self.findings.clear();
                self.findings_error = None;
            }
        }
        self.checked_for = candidate;
    }

    /// The event, approval and override reason for saving; the error names the field.
    fn extras(&self) -> Result<EntryExtras, String> {
        if self.kind == EntryKind::Income {
            return Ok(EntryExtras::default());
        }
        let breach = self.has_breach();
        if breach && self.override_reason.trim().is_empty() {
            return Err("超标准说明：超出发放规则时必须写明理由".into());
        }
        Ok(EntryExtras {
            event: self.event.trim().to_string(),
            approval: self.approval.build(breach)?,
            override_reason: if breach {
                self.override_reason.trim().to_string()
            } else {
                String::new()
            },
        })
    }

    /// After the figures are re-read: put the saved entry's new balance in the message,
    /// and prefill the next amount.
    pub fn refresh_balance(&mut self, data: &LedgerData) {
        if let (Some(voucher), Some(fund_id)) = (self.last_saved.as_ref(), self.saved_fund.take()) {
            let balance = data.fund_balance(fund_id).unwrap_or(0);
            self.last_saved = Some(format!(
                "已保存凭证 {voucher}。{}余额 {} 元",
                data.fund_name(fund_id),
                format_fen(balance)
            ));
        }
        if !self.amount_typed {
            self.prefill_from_category(data);
        }
    }

    fn prefill_from_category(&mut self, data: &LedgerData) {
        let Some(category) = self.category.selected.and_then(|id| data.category(id)) else {
            return;
        };
        if !self.amount_typed {
            self.amount = category
                .standard_amount_fen
                .map(format_fen_plain)
                .unwrap_or_default();
        }
        if let Some(fund) = category.default_fund_id {
            self.fund_id = Some(fund);
        }
        if let Some(form) = category.default_payment_form {
            self.payment_form = form;
        }
    }

    /// Builds the entry from the form, or says which field is wrong.
    fn build(&self, data: &LedgerData) -> Result<NewEntry, String> {
        let date = parse_date(&self.date).map_err(|e| format!("日期：{e}"))?;
        let amount_fen = parse_amount_fen(&self.amount).map_err(|e| format!("金额：{e}"))?;
        if amount_fen == 0 {
            return Err("金额：必须大于 0".into());
        }
        let fund_id = self.fund_id.ok_or("资金：请选择资金")?;
        let member_id = self.member.chosen()?;
        let (category_id, source_id) = match self.kind {
            EntryKind::Disbursement => (
                Some(self.category.selected.ok_or("类别：请选择支出类别")?),
                None,
            ),
            EntryKind::Income => (
                None,
                Some(self.source.selected.ok_or("来源：请选择收入来源")?),
            ),
        };
        Ok(NewEntry {
            kind: self.kind,
            date,
            fund_id,
            category_id,
            source_id,
            member_id,
            amount_fen,
            payment_form: self.payment_form,
            handler: data.handler.clone(),
            note: self.note.trim().to_string(),
        })
    }

    /// The findings, breaches in red and warnings in amber; over a rule, the reason and
    /// the approval it needs, otherwise the approval as an option. Returns whether the
    /// entry may be saved as filled in.
    fn rules_ui(&mut self, ui: &mut egui::Ui, data: &LedgerData) -> bool {
        if self.kind != EntryKind::Disbursement {
            return true;
        }
        if let Some(error) = &self.findings_error {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("无法检查发放规则：{error}"),
            );
        }
        for finding in &self.findings {
            let color = if finding.is_breach() {
                ui.visuals().error_fg_color
            } else {
                ui.visuals().warn_fg_color
            };
            ui.colored_label(color, finding.to_string());
        }
        if !self.has_breach() {
            egui::CollapsingHeader::new("审批依据（可选）")
                .id_salt("entry_approval")
                .show(ui, |ui| {
                    self.approval.ui(ui, "entry", &data.approvals);
                });
            return true;
        }
        ui.add_space(4.0);
        ui.strong("超出发放规则：须写明理由，并填写批准超标准发放的决议");
        egui::Grid::new("entry_override")
            .num_columns(2)
            .spacing([10.0, 6.0])
            .show(ui, |ui| {
                ui.label("超标准说明");
                ui.add(
                    egui::TextEdit::singleline(&mut self.override_reason)
                        .id_salt("entry_override_reason")
                        .hint_text("必填：为什么超标准发放")
                        .desired_width(420.0),
                );
                ui.end_row();
            });
        self.approval.ui(ui, "entry", &data.approvals);
        !self.override_reason.trim().is_empty() && self.approval.build(true).is_ok()
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &LedgerData,
        today: NaiveDate,
        commands: &mut Vec<Command>,
    ) {
        if self.date.is_empty() {
            self.date = format_date(today);
        }
        ui.heading("登记收支");
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            for kind in [EntryKind::Disbursement, EntryKind::Income] {
                if ui
                    .selectable_label(self.kind == kind, kind.label())
                    .clicked()
                    && self.kind != kind
                {
                    self.kind = kind;
                    self.error = None;
                    self.focus_first = true;
                }
            }
        });
        ui.add_space(6.0);
        let mut submit = false;
        let enter = |response: &egui::Response, ui: &egui::Ui| {
            response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))
        };
        egui::Grid::new("entry_form")
            .num_columns(2)
            .spacing([12.0, 10.0])
            .show(ui, |ui| {
                ui.label("会员");
                let response =
                    self.member
                        .form_field_ui(ui, data, "entry_member", &mut self.focus_first);
                submit |= enter(&response, ui);
                ui.end_row();

                match self.kind {
                    EntryKind::Disbursement => {
                        ui.label("类别");
                        let options: Vec<(i64, String)> = data
                            .active_items()
                            .iter()
                            .map(|c| (c.id, c.name.clone()))
                            .collect();
                        let (response, changed) = ui
                            .vertical(|ui| {
                                // The chosen category shows below with its standard.
                                self.category.ui_without_choice(
                                    ui,
                                    "entry_category",
                                    "如 住院、sbzy、春节",
                                    &options,
                                )
                            })
                            .inner;
                        if changed {
                            self.amount_typed = false;
                            self.prefill_from_category(data);
                        }
                        if let Some(id) = self.category.selected {
                            let category = data.category(id);
                            let standard = category
                                .and_then(|c| c.standard_amount_fen)
                                .map_or(String::new(), |fen| {
                                    format!("，标准 {} 元", format_fen(fen))
                                });
                            ui.end_row();
                            ui.label("");
                            ui.weak(format!("{}{standard}", data.category_path(id)));
                        }
                        submit |= enter(&response, ui);
                    }
                    EntryKind::Income => {
                        ui.label("来源");
                        let options: Vec<(i64, String)> = data
                            .sources
                            .iter()
                            .map(|s| (s.id, s.name.clone()))
                            .collect();
                        let (response, changed) = ui
                            .vertical(|ui| {
                                self.source
                                    .ui(ui, "entry_source", "如 会费、拨缴经费", &options)
                            })
                            .inner;
                        if changed
                            && let Some(source) = self
                                .source
                                .selected
                                .and_then(|id| data.sources.iter().find(|s| s.id == id))
                        {
                            self.fund_id = source.default_fund_id.or(self.fund_id);
                            self.payment_form = PaymentForm::Transfer;
                        }
                        submit |= enter(&response, ui);
                    }
                }
                ui.end_row();

                ui.label("金额（元）");
                let response = ui.add(
                    egui::TextEdit::singleline(&mut self.amount)
                        .id_salt("entry_amount")
                        .hint_text("如 500")
                        .desired_width(140.0),
                );
                if response.changed() {
                    self.amount_typed = true;
                }
                submit |= enter(&response, ui);
                ui.end_row();

                ui.label("日期");
                let response = ui.add(
                    egui::TextEdit::singleline(&mut self.date)
                        .id_salt("entry_date")
                        .hint_text("如 2026-03-08")
                        .desired_width(140.0),
                );
                submit |= enter(&response, ui);
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
                        "entry_fund",
                        "资金",
                        &mut self.fund_id,
                        "请选择",
                        &funds,
                        160.0,
                    );
                    if let Some(balance) = self.fund_id.and_then(|id| data.fund_balance(id)) {
                        ui.weak(format!("当前余额 {} 元", format_fen(balance)));
                        // The preview is this year's balance; an entry dated in another
                        // year moves that year's books, so it gets a warning instead.
                        let entry_year = parse_date(&self.date).ok().map(|d| d.year());
                        if entry_year.is_some_and(|year| year != data.year) {
                            ui.colored_label(
                                ui.visuals().warn_fg_color,
                                format!("注意：日期不在 {} 年，将记入该年度的账", data.year),
                            );
                        } else if let Ok(amount) = parse_amount_fen(&self.amount) {
                            let after = match self.kind {
                                EntryKind::Income => balance + amount,
                                EntryKind::Disbursement => balance - amount,
                            };
                            ui.weak(format!("→ 保存后 {} 元", format_fen(after)));
                        }
                    }
                });
                ui.end_row();

                ui.label("发放形式");
                ui.horizontal(|ui| {
                    for form in PaymentForm::ALL {
                        ui.selectable_value(&mut self.payment_form, *form, form.label());
                    }
                });
                ui.end_row();

                ui.label("摘要");
                let response = ui.add(
                    egui::TextEdit::singleline(&mut self.note)
                        .id_salt("entry_note")
                        .hint_text("如 住院慰问：心内科3床")
                        .desired_width(320.0),
                );
                submit |= enter(&response, ui);
                ui.end_row();

                if self.kind == EntryKind::Disbursement {
                    ui.label("事由/病情");
                    let response = ui.add(
                        egui::TextEdit::singleline(&mut self.event)
                            .id_salt("entry_event")
                            .hint_text("如 肺炎（可不填；同一事由每年只发一次时比对）")
                            .desired_width(320.0),
                    );
                    submit |= enter(&response, ui);
                    ui.end_row();
                }

                ui.label("经办人");
                ui.label(if data.handler.is_empty() {
                    "（在设置中填写）"
                } else {
                    data.handler.as_str()
                });
                ui.end_row();
            });
        self.recheck(data, commands);
        let can_save = self.rules_ui(ui, data);
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui
                .add_enabled(can_save, egui::Button::new("保存（Enter）"))
                .clicked()
            {
                submit = true;
            }
            if ui.button("清空").clicked() {
                let date = self.date.clone();
                *self = Self {
                    date,
                    kind: self.kind,
                    ..Self::default()
                };
            }
            if !can_save {
                ui.weak("填写超标准说明和审批依据后才能保存");
            }
        });
        if submit {
            match self
                .build(data)
                .and_then(|entry| Ok((entry, self.extras()?)))
            {
                Ok((entry, extras)) => commands.push(Command::AddEntry(entry, extras)),
                Err(message) => self.error = Some(message),
            }
        }
        ui.add_space(8.0);
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        } else if let Some(saved) = &self.last_saved {
            ui.colored_label(ui.visuals().hyperlink_color, saved);
        }
        if !data.recent.is_empty() {
            ui.add_space(16.0);
            ui.strong("最近登记");
            let rows = &data.recent[..data.recent.len().min(8)];
            crate::ui::screens::home::recent_table_ui(ui, "entry_recent", rows);
        }
    }
}
