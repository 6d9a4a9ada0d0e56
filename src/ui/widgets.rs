//! Small widgets shared by the screens.

use crate::core::batch::BatchGroup;
use crate::core::date::{format_date, parse_date};
use crate::core::model::{Approval, Gender, Member, MemberStatus};
use crate::core::money::format_fen;
use crate::ui::data::LedgerData;

/// A right-aligned amount in yuan with thousands separators; negative amounts in red.
pub fn amount_label(ui: &mut egui::Ui, fen: i64) {
    let text = format_fen(fen);
    if fen < 0 {
        ui.colored_label(ui.visuals().error_fg_color, text);
    } else {
        ui.label(text);
    }
}

/// A table cell's text flush right, for amounts and counts.
pub fn right_label(ui: &mut egui::Ui, text: impl Into<egui::WidgetText>) {
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        ui.add(egui::Label::new(text).truncate());
    });
}

/// A column heading, flush right over amounts and counts, left over text.
pub fn heading_cell(ui: &mut egui::Ui, title: &str, numeric: bool) {
    if numeric {
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.strong(title);
        });
    } else {
        ui.strong(title);
    }
}

/// "张三丰（A1024，内科）".
pub fn member_label(member: &Member) -> String {
    if member.department.is_empty() {
        format!("{}（{}）", member.name, member.employee_no)
    } else {
        format!(
            "{}（{}，{}）",
            member.name, member.employee_no, member.department
        )
    }
}

/// What a member picker holds: the typed query, the highlighted match and the choice.
#[derive(Debug, Clone, Default)]
pub struct MemberPicker {
    pub query: String,
    pub selected: Option<i64>,
    highlighted: usize,
    /// Member ids, not register positions: the register is re-sorted when it reloads.
    matches: Vec<i64>,
    matched_query: Option<String>,
}

impl MemberPicker {
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// The chosen member: `None` when the box is empty, an error naming the field when
    /// the typed text finds nobody.
    pub fn chosen(&self) -> Result<Option<i64>, String> {
        if self.query.trim().is_empty() {
            return Ok(None);
        }
        self.selected
            .map(Some)
            .ok_or_else(|| format!("会员：没有找到“{}”", self.query.trim()))
    }

    /// Picks a member as if the clerk had chosen them.
    pub fn set(&mut self, data: &LedgerData, member_id: i64) {
        if let Some(member) = data.member(member_id) {
            self.query = member.name.clone();
            self.selected = Some(member_id);
            self.matched_query = None;
        }
    }

    /// The picker as the first field of a form: it takes the keyboard focus while
    /// `focus_first` is set, and once a member is chosen shows who it is (工号, 部门,
    /// 状态) below the box. Returns the text box's response.
    pub fn form_field_ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &LedgerData,
        id_salt: &str,
        focus_first: &mut bool,
    ) -> egui::Response {
        ui.vertical(|ui| {
            let response = self.ui(ui, data, id_salt);
            // Keep asking until the field has it: the click that opened the screen may
            // hand focus to the navigation button in the same frame. A disabled form
            // (a read-only ledger) never takes focus, so it is not asked.
            if *focus_first && ui.is_enabled() {
                if response.has_focus() {
                    *focus_first = false;
                } else {
                    response.request_focus();
                    ui.ctx().request_repaint();
                }
            }
            if let Some(member) = self.selected.and_then(|id| data.member(id))
                && !response.has_focus()
            {
                ui.weak(format!(
                    "{}  {}",
                    member_label(member),
                    member.status.label()
                ));
            }
            response
        })
        .inner
    }

    /// A search box: name, 工号 or pinyin initials. The best match is chosen as the clerk
    /// types; arrow keys move through the matches. Returns the text box's response.
    pub fn ui(&mut self, ui: &mut egui::Ui, data: &LedgerData, id_salt: &str) -> egui::Response {
        let response = ui.add(
            egui::TextEdit::singleline(&mut self.query)
                .id_salt(id_salt)
                .hint_text("姓名、工号或拼音首字母")
                .desired_width(220.0),
        );
        if self.matched_query.as_deref() != Some(self.query.as_str()) {
            self.matches = if self.query.trim().is_empty() {
                Vec::new()
            } else {
                data.search_members(&self.query, 8)
                    .into_iter()
                    .filter_map(|index| data.members.get(index).map(|m| m.id))
                    .collect()
            };
            self.highlighted = 0;
            self.matched_query = Some(self.query.clone());
            if response.changed() || self.selected.is_none() {
                self.selected = self.matches.first().copied();
            }
        }
        if response.has_focus() && !self.matches.is_empty() {
            let (down, up) = ui.input(|i| {
                (
                    i.key_pressed(egui::Key::ArrowDown),
                    i.key_pressed(egui::Key::ArrowUp),
                )
            });
            if down {
                self.highlighted = (self.highlighted + 1).min(self.matches.len() - 1);
            }
            if up {
                self.highlighted = self.highlighted.saturating_sub(1);
            }
            if down || up {
                self.selected = self.matches.get(self.highlighted).copied();
            }
        }
        if !self.query.trim().is_empty() && (response.has_focus() || self.selected.is_none()) {
            if self.matches.is_empty() {
                ui.colored_label(ui.visuals().error_fg_color, "没有找到匹配的会员");
            } else {
                let mut clicked = None;
                for (position, &id) in self.matches.iter().enumerate() {
                    let Some(member) = data.member(id) else {
                        continue;
                    };
                    let chosen = self.selected == Some(member.id);
                    let text = format!("{}  {}", member_label(member), member.status.label());
                    if ui.selectable_label(chosen, text).clicked() {
                        clicked = Some((position, member.id));
                    }
                }
                if let Some((position, id)) = clicked {
                    self.highlighted = position;
                    self.selected = Some(id);
                }
            }
        }
        response
    }
}

/// A combo box over optional ids with labels; `None` is shown as `none_label`.
pub fn id_combo(
    ui: &mut egui::Ui,
    id_salt: &str,
    name: &str,
    value: &mut Option<i64>,
    none_label: &str,
    options: &[(i64, String)],
    width: f32,
) -> bool {
    let selected_text = value
        .and_then(|id| options.iter().find(|(option, _)| *option == id))
        .map_or(none_label.to_string(), |(_, label)| label.clone());
    let before = *value;
    let combo = egui::ComboBox::from_id_salt(id_salt)
        .selected_text(selected_text)
        .width(width)
        .show_ui(ui, |ui| {
            ui.selectable_value(value, None, none_label);
            for (id, label) in options {
                ui.selectable_value(value, Some(*id), label);
            }
        });
    combo.response.accessible_name(name);
    before != *value
}

/// A search box over a short list of named choices (categories, income sources):
/// typing part of the name or its pinyin initials chooses the best match.
#[derive(Debug, Clone, Default)]
pub struct ChoicePicker {
    pub query: String,
    pub selected: Option<i64>,
    matches: Vec<(i64, String)>,
    matched_query: Option<String>,
}

impl ChoicePicker {
    pub fn set(&mut self, id: i64, label: &str) {
        self.query = label.to_string();
        self.selected = Some(id);
        self.matched_query = None;
    }

    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Returns the text box's response and whether the choice changed. Once the field
    /// is left, what the typed text chose shows beneath it.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        id_salt: &str,
        hint: &str,
        options: &[(i64, String)],
    ) -> (egui::Response, bool) {
        self.picker_ui(ui, id_salt, hint, options, true)
    }

    /// Like [`ChoicePicker::ui`], for a form that shows the choice its own way.
    pub fn ui_without_choice(
        &mut self,
        ui: &mut egui::Ui,
        id_salt: &str,
        hint: &str,
        options: &[(i64, String)],
    ) -> (egui::Response, bool) {
        self.picker_ui(ui, id_salt, hint, options, false)
    }

    fn picker_ui(
        &mut self,
        ui: &mut egui::Ui,
        id_salt: &str,
        hint: &str,
        options: &[(i64, String)],
        show_choice: bool,
    ) -> (egui::Response, bool) {
        let before = self.selected;
        let response = ui.add(
            egui::TextEdit::singleline(&mut self.query)
                .id_salt(id_salt)
                .hint_text(hint)
                .desired_width(220.0),
        );
        if self.matched_query.as_deref() != Some(self.query.as_str()) {
            let query = self.query.trim();
            self.matches = options
                .iter()
                .filter(|(_, label)| {
                    query.is_empty()
                        || label == query
                        || crate::core::search::SearchKey::new(label, "").matches(query)
                })
                .cloned()
                .collect();
            // An exact name wins over the first partial match.
            if let Some(exact) = self
                .matches
                .iter()
                .position(|(_, label)| label.ends_with(query) && !query.is_empty())
            {
                self.matches.swap(0, exact);
            }
            self.matched_query = Some(self.query.clone());
            if response.changed() {
                self.selected = if query.is_empty() {
                    None
                } else {
                    self.matches.first().map(|(id, _)| *id)
                };
            }
        }
        if response.has_focus() {
            let mut clicked = None;
            ui.horizontal_wrapped(|ui| {
                for (id, label) in self.matches.iter().take(12) {
                    if ui
                        .selectable_label(self.selected == Some(*id), label)
                        .clicked()
                    {
                        clicked = Some(*id);
                    }
                }
            });
            if clicked.is_some() {
                self.selected = clicked;
            }
        } else if show_choice
            && let Some((_, label)) = self
                .selected
                .and_then(|id| options.iter().find(|(option, _)| *option == id))
            && label.as_str() != self.query.trim()
        {
            // What initials or a part of the name chose, once the field is left.
            ui.weak(format!("已选：{label}"));
        }
        (response, before != self.selected)
    }
}

/// The decision that authorises a payout, as typed: 决议日期, 纪要编号, 审批人.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApprovalForm {
    pub decided_on: String,
    pub minutes_no: String,
    pub approver: String,
}

impl ApprovalForm {
    pub fn is_blank(&self) -> bool {
        self.decided_on.trim().is_empty()
            && self.minutes_no.trim().is_empty()
            && self.approver.trim().is_empty()
    }

    pub fn set(&mut self, approval: &Approval) {
        self.decided_on = format_date(approval.decided_on);
        self.minutes_no = approval.minutes_no.clone();
        self.approver = approval.approver.clone();
    }

    /// The approval typed, `None` when the fields are blank and not `required`; the
    /// error names the field.
    pub fn build(&self, required: bool) -> Result<Option<Approval>, String> {
        if self.is_blank() && !required {
            return Ok(None);
        }
        if self.minutes_no.trim().is_empty() {
            return Err("纪要编号：必须填写（工会委员会会议纪要的编号）".into());
        }
        if self.decided_on.trim().is_empty() {
            return Err("决议日期：必须填写".into());
        }
        let decided_on = parse_date(&self.decided_on).map_err(|e| format!("决议日期：{e}"))?;
        Ok(Some(Approval {
            decided_on,
            minutes_no: self.minutes_no.trim().to_string(),
            approver: self.approver.trim().to_string(),
        }))
    }

    /// The three fields in a grid, and a list of earlier approvals to pick one again.
    pub fn ui(&mut self, ui: &mut egui::Ui, id_salt: &str, earlier: &[(i64, Approval)]) {
        egui::Grid::new((id_salt, "approval"))
            .num_columns(2)
            .spacing([10.0, 6.0])
            .show(ui, |ui| {
                ui.label("纪要编号");
                ui.add(
                    egui::TextEdit::singleline(&mut self.minutes_no)
                        .id_salt((id_salt, "minutes_no"))
                        .hint_text("纪要编号，如 2026-05")
                        .desired_width(200.0),
                );
                ui.end_row();
                ui.label("决议日期");
                ui.add(
                    egui::TextEdit::singleline(&mut self.decided_on)
                        .id_salt((id_salt, "decided_on"))
                        .hint_text("决议日期，如 2026-06-01")
                        .desired_width(200.0),
                );
                ui.end_row();
                ui.label("审批人");
                ui.add(
                    egui::TextEdit::singleline(&mut self.approver)
                        .id_salt((id_salt, "approver"))
                        .hint_text("审批人，如 王主席")
                        .desired_width(200.0),
                );
                ui.end_row();
                if !earlier.is_empty() {
                    ui.label("");
                    let mut chosen = None;
                    let combo = egui::ComboBox::from_id_salt((id_salt, "earlier_approval"))
                        .selected_text("选用以前的决议…")
                        .width(220.0)
                        .show_ui(ui, |ui| {
                            for (id, approval) in earlier.iter().take(30) {
                                if ui.selectable_label(false, approval.describe()).clicked() {
                                    chosen = Some(*id);
                                }
                            }
                        });
                    combo.response.accessible_name("选用以前的决议");
                    if let Some((_, approval)) =
                        chosen.and_then(|id| earlier.iter().find(|(a, _)| *a == id))
                    {
                        self.set(approval);
                    }
                    ui.end_row();
                }
            });
    }
}

/// Who a handout or an enrolment is for, as chosen: statuses, gender, departments,
/// hardship, or members picked by hand (who then are the whole group).
#[derive(Debug, Clone)]
pub struct GroupForm {
    pub statuses: Vec<MemberStatus>,
    pub gender: Option<Gender>,
    pub departments: Vec<String>,
    pub hardship_only: bool,
    pub picker: MemberPicker,
    pub picked: Vec<i64>,
}

impl Default for GroupForm {
    fn default() -> Self {
        Self {
            statuses: vec![MemberStatus::InService],
            gender: None,
            departments: Vec::new(),
            hardship_only: false,
            picker: MemberPicker::default(),
            picked: Vec::new(),
        }
    }
}

impl GroupForm {
    /// The group chosen, with no exclusions.
    pub fn group(&self) -> BatchGroup {
        BatchGroup {
            statuses: self.statuses.clone(),
            gender: self.gender,
            departments: self.departments.clone(),
            hardship_only: self.hardship_only,
            picked: self.picked.clone(),
            excluded: Vec::new(),
        }
    }

    /// The filters in a grid and the hand-picked list; `with_hardship` offers the
    /// "hardship only" filter.
    pub fn ui(&mut self, ui: &mut egui::Ui, data: &LedgerData, id_salt: &str, with_hardship: bool) {
        egui::Grid::new(format!("{id_salt}_group"))
            .num_columns(2)
            .spacing([10.0, 8.0])
            .show(ui, |ui| {
                ui.label("人员身份");
                ui.horizontal_wrapped(|ui| status_checkboxes(ui, &mut self.statuses));
                ui.end_row();

                ui.label("性别");
                gender_combo(ui, &format!("{id_salt}_gender"), &mut self.gender);
                ui.end_row();

                ui.label("科室");
                self.departments_ui(ui, data, id_salt);
                ui.end_row();

                if with_hardship {
                    ui.label("");
                    ui.checkbox(&mut self.hardship_only, "只发困难职工（有困难档案）");
                    ui.end_row();
                }

                ui.label("指定人员");
                ui.vertical(|ui| self.picked_ui(ui, data, id_salt));
                ui.end_row();
            });
    }

    fn picked_ui(&mut self, ui: &mut egui::Ui, data: &LedgerData, id_salt: &str) {
        ui.horizontal(|ui| {
            ui.vertical(|ui| {
                self.picker.ui(ui, data, &format!("{id_salt}_pick"));
            });
            if ui.button("加入名单").clicked()
                && let Some(id) = self.picker.selected
            {
                if !self.picked.contains(&id) {
                    self.picked.push(id);
                }
                self.picker.clear();
            }
        });
        if self.picked.is_empty() {
            return;
        }
        ui.weak(format!(
            "已指定 {} 人：只选他们，以上条件不再适用。",
            self.picked.len()
        ));
        let mut removed = None;
        egui::ScrollArea::vertical()
            .id_salt(format!("{id_salt}_picked"))
            .max_height(140.0)
            .show(ui, |ui| {
                for id in &self.picked {
                    ui.horizontal(|ui| {
                        let name = data
                            .member(*id)
                            .map_or_else(|| format!("会员 #{id}"), member_label);
                        ui.label(name);
                        if ui.small_button("移除").clicked() {
                            removed = Some(*id);
                        }
                    });
                }
            });
        if let Some(id) = removed {
            self.picked.retain(|picked| *picked != id);
        }
    }

    fn departments_ui(&mut self, ui: &mut egui::Ui, data: &LedgerData, id_salt: &str) {
        let selected_text = match self.departments.len() {
            0 => "全部科室".to_string(),
            1..=2 => self.departments.join("、"),
            count => format!("{} 等 {count} 个科室", self.departments[0]),
        };
        let combo = egui::ComboBox::from_id_salt(format!("{id_salt}_departments"))
            .selected_text(selected_text)
            .width(220.0)
            .height(360.0)
            .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside)
            .show_ui(ui, |ui| {
                if ui.button("全部科室（清除选择）").clicked() {
                    self.departments.clear();
                }
                for department in &data.departments {
                    let mut checked = self.departments.contains(department);
                    if ui.checkbox(&mut checked, department).changed() {
                        self.departments.retain(|d| d != department);
                        if checked {
                            self.departments.push(department.clone());
                        }
                    }
                }
            });
        combo.response.accessible_name("科室");
        // Keep the chosen departments in the register's order.
        self.departments.sort_by_key(|department| {
            data.departments
                .iter()
                .position(|d| d == department)
                .unwrap_or(usize::MAX)
        });
    }
}

/// One checkbox per member status; the list stays in the statuses' order.
pub fn status_checkboxes(ui: &mut egui::Ui, statuses: &mut Vec<MemberStatus>) {
    for status in MemberStatus::ALL {
        let mut checked = statuses.contains(status);
        if ui.checkbox(&mut checked, status.label()).changed() {
            statuses.retain(|s| s != status);
            if checked {
                statuses.push(*status);
                statuses.sort();
            }
        }
    }
}

/// 不限 / 男 / 女.
pub fn gender_combo(ui: &mut egui::Ui, id_salt: &str, gender: &mut Option<Gender>) {
    let combo = egui::ComboBox::from_id_salt(id_salt)
        .selected_text(gender.map_or("不限", Gender::label))
        .width(80.0)
        .show_ui(ui, |ui| {
            ui.selectable_value(gender, None, "不限");
            for option in Gender::ALL {
                ui.selectable_value(gender, Some(*option), option.label());
            }
        });
    combo.response.accessible_name("性别");
}

/// The reason field of a [`ConfirmDialog`]: its label, its hint, and what it says when
/// left empty.
pub struct ReasonField<'a> {
    pub label: &'a str,
    pub hint: &'a str,
    pub text: &'a mut String,
}

/// A modal that asks for a date (and, for a reversal, a reason) and confirms an action:
/// reversing an entry (台账), reversing a batch (节日慰问), ending a hospital visit
/// (走访). One layout and one set of checks for all three: a reason is required, the
/// date must parse, and a message about a field goes once the field is changed.
pub struct ConfirmDialog<'a> {
    /// Tells the dialog's fields apart from every other field (`reversal`).
    pub id: &'a str,
    pub title: String,
    pub summary: &'a str,
    /// A line on what the action does, under the summary.
    pub note: Option<&'a str>,
    pub reason: Option<ReasonField<'a>>,
    pub date_label: &'a str,
    pub date_hint: &'a str,
    pub date: &'a mut String,
    pub error: &'a mut Option<String>,
    pub confirm: &'a str,
}

/// What the clerk did with a [`ConfirmDialog`] this frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialogAnswer {
    /// Still open.
    Open,
    /// Confirmed with a valid date and, when asked for, a reason (trimmed).
    Confirmed {
        reason: String,
        date: chrono::NaiveDate,
    },
    Cancelled,
}

impl ConfirmDialog<'_> {
    pub fn show(self, ctx: &egui::Context) -> DialogAnswer {
        let ConfirmDialog {
            id,
            title,
            summary,
            note,
            mut reason,
            date_label,
            date_hint,
            date,
            error,
            confirm,
        } = self;
        let mut answer = DialogAnswer::Open;
        egui::Modal::new(egui::Id::unique((id, "dialog"))).show(ctx, |ui| {
            ui.set_width(460.0);
            ui.heading(title);
            ui.label(summary);
            if let Some(note) = note {
                ui.weak(note);
            }
            ui.add_space(6.0);
            egui::Grid::new((id, "form"))
                .num_columns(2)
                .spacing([10.0, 6.0])
                .show(ui, |ui| {
                    if let Some(field) = reason.as_mut() {
                        ui.label(field.label);
                        let typed = ui.add(
                            egui::TextEdit::singleline(field.text)
                                .id_salt((id, "reason"))
                                .hint_text(field.hint)
                                .desired_width(280.0),
                        );
                        if typed.changed() {
                            *error = None;
                        }
                        ui.end_row();
                    }
                    ui.label(date_label);
                    let typed = ui.add(
                        egui::TextEdit::singleline(date)
                            .id_salt((id, "date"))
                            .hint_text(date_hint)
                            .desired_width(140.0),
                    );
                    if typed.changed() {
                        *error = None;
                    }
                    ui.end_row();
                });
            if let Some(message) = error.as_ref() {
                ui.colored_label(ui.visuals().error_fg_color, message);
            }
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                if ui.button(confirm).clicked() {
                    let given = reason.as_ref().map(|field| field.text.trim().to_string());
                    match (given, parse_date(date)) {
                        (Some(text), _) if text.is_empty() => {
                            let label = reason.as_ref().map_or("原因", |field| field.label);
                            *error = Some(format!("{label}：必须填写"));
                        }
                        (_, Err(problem)) => *error = Some(format!("{date_label}：{problem}")),
                        (given, Ok(date)) => {
                            answer = DialogAnswer::Confirmed {
                                reason: given.unwrap_or_default(),
                                date,
                            }
                        }
                    }
                }
                if ui.button("取消").clicked() {
                    answer = DialogAnswer::Cancelled;
                }
            });
        });
        answer
    }
}
