//! 会员: the register as a table, searchable by name, 工号 or pinyin initials and
//! filterable by status and department; add, edit, and import a roster.

use egui_extras::{Column, TableBuilder};

use crate::core::date::{format_date, parse_date};
use crate::core::model::{Gender, HardshipFile, HardshipLevel, MemberDraft, MemberStatus};
use crate::import::{RosterPreview, SheetChoice};
use crate::ui::command::Command;
use crate::ui::data::LedgerData;

/// The member form: text as typed, parsed only on save.
#[derive(Debug, Clone, Default)]
pub struct MemberEditor {
    /// `None` while adding a new member.
    pub member_id: Option<i64>,
    pub employee_no: String,
    pub name: String,
    pub gender: Option<Gender>,
    pub department: String,
    pub status: Option<MemberStatus>,
    pub birth_date: String,
    pub join_date: String,
    pub retirement_date: String,
    pub phone: String,
    pub bank_card: String,
    pub is_union_member: bool,
    pub dues_paid: bool,
    pub hardship_level: Option<HardshipLevel>,
    pub hardship_reason: String,
    pub hardship_reviewed_on: String,
    pub error: Option<String>,
}

impl MemberEditor {
    pub fn new_member() -> Self {
        Self {
            is_union_member: true,
            dues_paid: true,
            status: Some(MemberStatus::InService),
            ..Self::default()
        }
    }

    pub fn edit(id: i64, draft: &MemberDraft) -> Self {
        let date = |d: Option<chrono::NaiveDate>| d.map(format_date).unwrap_or_default();
        Self {
            member_id: Some(id),
            employee_no: draft.employee_no.clone(),
            name: draft.name.clone(),
            gender: draft.gender,
            department: draft.department.clone(),
            status: Some(draft.status),
            birth_date: date(draft.birth_date),
            join_date: date(draft.join_date),
            retirement_date: date(draft.retirement_date),
            phone: draft.phone.clone(),
            bank_card: draft.bank_card.clone(),
            is_union_member: draft.is_union_member,
            dues_paid: draft.dues_paid,
            hardship_level: draft.hardship.as_ref().map(|h| h.level),
            hardship_reason: draft
                .hardship
                .as_ref()
                .map(|h| h.reason.clone())
                .unwrap_or_default(),
            hardship_reviewed_on: date(draft.hardship.as_ref().and_then(|h| h.reviewed_on)),
            error: None,
        }
    }

    /// Parses the form into a draft, or names the field that is wrong.
    pub fn draft(&self) -> Result<MemberDraft, String> {
        let optional_date =
            |text: &str, field: &str| -> Result<Option<chrono::NaiveDate>, String> {
                if text.trim().is_empty() {
                    Ok(None)
                } else {
                    parse_date(text)
                        .map(Some)
                        .map_err(|e| format!("{field}：{e}"))
                }
            };
        if self.employee_no.trim().is_empty() {
            return Err("工号：不能为空".into());
        }
        if self.name.trim().is_empty() {
            return Err("姓名：不能为空".into());
        }
        let hardship = match self.hardship_level {
            Some(level) => Some(HardshipFile {
                level,
                reason: self.hardship_reason.trim().to_string(),
                reviewed_on: optional_date(&self.hardship_reviewed_on, "困难审核日期")?,
            }),
            None if !self.hardship_reason.trim().is_empty() => {
                return Err("困难等级：填写了困难原因，请选择困难等级".into());
            }
            None => None,
        };
        Ok(MemberDraft {
            employee_no: self.employee_no.trim().to_string(),
            name: self.name.trim().to_string(),
            gender: self.gender,
            department: self.department.trim().to_string(),
            status: self.status.unwrap_or(MemberStatus::InService),
            birth_date: optional_date(&self.birth_date, "出生日期")?,
            join_date: optional_date(&self.join_date, "入会日期")?,
            retirement_date: optional_date(&self.retirement_date, "退休日期")?,
            phone: self.phone.trim().to_string(),
            bank_card: self
                .bank_card
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect(),
            is_union_member: self.is_union_member,
            dues_paid: self.dues_paid,
            hardship,
        })
    }
}

/// The roster import panel: a path, its preview, and the confirmation.
#[derive(Debug, Default)]
pub struct ImportPanel {
    pub is_open: bool,
    pub path: String,
    /// Which worksheets of a workbook are read.
    pub sheet: SheetChoice,
    pub preview: Option<Result<RosterPreview, String>>,
}

/// The register screen.
#[derive(Debug, Default)]
pub struct MembersScreen {
    pub search: String,
    pub status: Option<MemberStatus>,
    pub department: Option<String>,
    pub editor: Option<MemberEditor>,
    pub import: ImportPanel,
    /// Indices into `LedgerData::members` that pass the filters; rebuilt when a filter or
    /// the register changes, not per frame.
    filtered: Vec<usize>,
    filtered_for: Option<(String, Option<MemberStatus>, Option<String>, usize)>,
}

impl MembersScreen {
    /// Forgets the filtered list after the register changed.
    pub fn invalidate(&mut self) {
        self.filtered_for = None;
    }

    fn refilter(&mut self, data: &LedgerData) {
        let key = (
            self.search.clone(),
            self.status,
            self.department.clone(),
            data.members.len(),
        );
        if self.filtered_for.as_ref() == Some(&key) {
            return;
        }
        self.filtered = data
            .members
            .iter()
            .zip(&data.member_keys)
            .enumerate()
            .filter(|(_, (member, search_key))| {
                self.status.is_none_or(|s| member.status == s)
                    && self
                        .department
                        .as_ref()
                        .is_none_or(|d| &member.department == d)
                    && search_key.matches(&self.search)
            })
            .map(|(index, _)| index)
            .collect();
        self.filtered_for = Some(key);
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, data: &LedgerData, commands: &mut Vec<Command>) {
        if self.import.is_open || self.import.preview.is_some() {
            self.import_ui(ui, data, commands);
            return;
        }
        if self.editor.is_some() {
            egui::Panel::right("member_editor")
                .resizable(false)
                .default_size(380.0)
                .show(ui, |ui| {
                    self.editor_ui(ui, data, commands);
                });
        }
        ui.horizontal(|ui| {
            ui.heading("会员名册");
            ui.add_space(12.0);
            ui.add(
                egui::TextEdit::singleline(&mut self.search)
                    .id_salt("member_search")
                    .hint_text("搜索：姓名、工号或拼音首字母（如 zsf）")
                    .desired_width(260.0),
            );
            let status_text = self.status.map_or("全部状态", MemberStatus::label);
            let combo = egui::ComboBox::from_id_salt("member_status")
                .selected_text(status_text)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.status, None, "全部状态");
                    for status in MemberStatus::ALL {
                        ui.selectable_value(&mut self.status, Some(*status), status.label());
                    }
                });
            combo.response.accessible_name("状态筛选");
            let department_text = self.department.clone().unwrap_or_else(|| "全部部门".into());
            let combo = egui::ComboBox::from_id_salt("member_department")
                .selected_text(department_text)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.department, None, "全部部门");
                    for department in &data.departments {
                        ui.selectable_value(
                            &mut self.department,
                            Some(department.clone()),
                            department,
                        );
                    }
                });
            combo.response.accessible_name("部门筛选");
            if ui.button("新增会员").clicked() {
                self.editor = Some(MemberEditor::new_member());
            }
            if ui.button("导入名册…").clicked() {
                self.import.is_open = true;
            }
        });
        self.refilter(data);
        ui.weak(format!(
            "共 {} 人，显示 {} 人。点击一行可编辑。",
            data.members.len(),
            self.filtered.len()
        ));
        ui.add_space(4.0);
        let mut clicked = None;
        let selected_id = self.editor.as_ref().and_then(|e| e.member_id);
        // A click anywhere on a row selects it, so cell text must not capture clicks.
        ui.style_mut().interaction.selectable_labels = false;
        TableBuilder::new(ui)
            .id_salt("member_table")
            .striped(true)
            .sense(egui::Sense::click())
            .column(Column::exact(90.0))
            .column(Column::exact(90.0))
            .column(Column::exact(40.0))
            .column(Column::exact(110.0))
            .column(Column::exact(50.0))
            .column(Column::exact(50.0))
            .column(Column::exact(50.0))
            .column(Column::exact(80.0))
            .column(Column::remainder())
            .header(22.0, |mut header| {
                for title in [
                    "工号", "姓名", "性别", "部门", "状态", "会员", "会费", "困难", "电话",
                ] {
                    header.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(22.0, self.filtered.len(), |mut row| {
                    let Some(member) = self
                        .filtered
                        .get(row.index())
                        .and_then(|&i| data.members.get(i))
                    else {
                        return;
                    };
                    row.set_selected(selected_id == Some(member.id));
                    let cells = [
                        member.employee_no.as_str(),
                        member.name.as_str(),
                        member.gender.map_or("", Gender::label),
                        member.department.as_str(),
                        member.status.label(),
                        if member.is_union_member { "是" } else { "否" },
                        if member.dues_paid { "已缴" } else { "未缴" },
                        member.hardship.as_ref().map_or("", |h| h.level.label()),
                        member.phone.as_str(),
                    ];
                    for cell in cells {
                        row.col(|ui| {
                            ui.label(cell);
                        });
                    }
                    if row.response().clicked() {
                        clicked = Some(member.id);
                    }
                });
            });
        if let Some(id) = clicked
            && let Some(member) = data.member(id)
        {
            self.editor = Some(MemberEditor::edit(id, &member.draft));
        }
    }

    fn editor_ui(&mut self, ui: &mut egui::Ui, data: &LedgerData, commands: &mut Vec<Command>) {
        let Some(editor) = self.editor.as_mut() else {
            return;
        };
        ui.heading(if editor.member_id.is_some() {
            "编辑会员"
        } else {
            "新增会员"
        });
        ui.add_space(6.0);
        let text = |ui: &mut egui::Ui, value: &mut String, id: &str, hint: &str| {
            let hint = if hint.is_empty() { id } else { hint };
            ui.add(
                egui::TextEdit::singleline(value)
                    .id_salt(id)
                    .hint_text(hint)
                    .desired_width(200.0),
            );
        };
        egui::Grid::new("member_form")
            .num_columns(2)
            .spacing([10.0, 8.0])
            .show(ui, |ui| {
                ui.label("工号");
                text(ui, &mut editor.employee_no, "m_no", "工号（必填）");
                ui.end_row();
                ui.label("姓名");
                text(ui, &mut editor.name, "m_name", "姓名（必填）");
                ui.end_row();
                ui.label("性别");
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut editor.gender, Some(Gender::Male), "男");
                    ui.selectable_value(&mut editor.gender, Some(Gender::Female), "女");
                    ui.selectable_value(&mut editor.gender, None, "未填");
                });
                ui.end_row();
                ui.label("部门");
                text(ui, &mut editor.department, "m_department", "如 内科");
                ui.end_row();
                ui.label("状态");
                let combo = egui::ComboBox::from_id_salt("m_status")
                    .selected_text(editor.status.map_or("在职", MemberStatus::label))
                    .show_ui(ui, |ui| {
                        for status in MemberStatus::ALL {
                            ui.selectable_value(&mut editor.status, Some(*status), status.label());
                        }
                    });
                combo.response.accessible_name("状态");
                ui.end_row();
                ui.label("出生日期");
                text(ui, &mut editor.birth_date, "m_birth", "如 1980-05-01");
                ui.end_row();
                ui.label("入会日期");
                text(ui, &mut editor.join_date, "m_join", "入会日期");
                ui.end_row();
                ui.label("退休日期");
                text(ui, &mut editor.retirement_date, "m_retire", "退休日期");
                ui.end_row();
                ui.label("电话");
                text(ui, &mut editor.phone, "m_phone", "电话");
                ui.end_row();
                ui.label("银行卡号");
                text(ui, &mut editor.bank_card, "m_card", "银行卡号");
                ui.end_row();
                ui.label("工会会员");
                ui.checkbox(&mut editor.is_union_member, "是会员");
                ui.end_row();
                ui.label("会费");
                ui.checkbox(&mut editor.dues_paid, "已缴清");
                ui.end_row();
                ui.label("困难档案");
                let combo = egui::ComboBox::from_id_salt("m_hardship")
                    .selected_text(editor.hardship_level.map_or("无", HardshipLevel::label))
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut editor.hardship_level, None, "无");
                        for level in HardshipLevel::ALL {
                            ui.selectable_value(
                                &mut editor.hardship_level,
                                Some(*level),
                                level.label(),
                            );
                        }
                    });
                combo.response.accessible_name("困难档案");
                ui.end_row();
                if editor.hardship_level.is_some() {
                    ui.label("困难原因");
                    text(ui, &mut editor.hardship_reason, "m_hreason", "困难原因");
                    ui.end_row();
                    ui.label("审核日期");
                    text(
                        ui,
                        &mut editor.hardship_reviewed_on,
                        "m_hreviewed",
                        "审核日期",
                    );
                    ui.end_row();
                }
            });
        ui.add_space(8.0);
        if let Some(error) = &editor.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        let mut close = false;
        ui.horizontal(|ui| {
            if ui.button("保存").clicked() {
                match editor.draft() {
                    Ok(draft) => {
                        editor.error = None;
                        commands.push(match editor.member_id {
                            Some(id) => Command::UpdateMember(id, draft),
                            None => Command::AddMember(draft),
                        });
                    }
                    Err(message) => editor.error = Some(message),
                }
            }
            if ui.button("取消").clicked() {
                close = true;
            }
            if let Some(id) = editor.member_id
                && ui.button("查看台账").clicked()
            {
                commands.push(Command::ShowMemberLedger(id));
            }
        });
        if editor.member_id.is_some() {
            ui.add_space(6.0);
            ui.weak("会员不会被删除：离职、调离或去世时请修改状态。");
        }
        let _ = data;
        if close {
            self.editor = None;
        }
    }

    fn import_ui(&mut self, ui: &mut egui::Ui, data: &LedgerData, commands: &mut Vec<Command>) {
        ui.heading("导入会员名册");
        ui.weak("支持 Excel（.xlsx/.xls）和 CSV（UTF-8 或 GBK）。表头需含“工号”和“姓名”；已有工号的会员将被更新，不会重复。");
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            ui.label("文件");
            ui.add(
                egui::TextEdit::singleline(&mut self.import.path)
                    .id_salt("import_path")
                    .hint_text("名册文件路径")
                    .desired_width(420.0),
            );
            if ui.button("浏览…").clicked() {
                commands.push(Command::PickRoster);
            }
            if ui.button("预览").clicked() && !self.import.path.trim().is_empty() {
                // A file (re)read from the top: every sheet with a header.
                self.import.sheet = SheetChoice::Recognised;
                commands.push(Command::PreviewRoster(
                    self.import.path.trim().into(),
                    SheetChoice::Recognised,
                ));
            }
            if ui.button("关闭").clicked() {
                self.import = ImportPanel::default();
            }
        });
        ui.add_space(8.0);
        let Some(preview) = &self.import.preview else {
            return;
        };
        let preview = match preview {
            Ok(preview) => preview,
            Err(message) => {
                ui.colored_label(ui.visuals().error_fg_color, message);
                return;
            }
        };
        // A workbook of several sheets: each listed with what became of it, and a
        // choice of reading one of them only.
        if preview.sheets.len() > 1 {
            let mut chosen = self.import.sheet.clone();
            ui.horizontal(|ui| {
                ui.label("工作表");
                let shown = match &chosen {
                    SheetChoice::Recognised => "全部（能识别表头的）".to_string(),
                    SheetChoice::Named(name) => name.clone(),
                };
                let combo = egui::ComboBox::from_id_salt("import_sheet")
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(
                            &mut chosen,
                            SheetChoice::Recognised,
                            "全部（能识别表头的）",
                        );
                        for sheet in &preview.sheets {
                            ui.selectable_value(
                                &mut chosen,
                                SheetChoice::Named(sheet.name.clone()),
                                &sheet.name,
                            );
                        }
                    });
                combo.response.accessible_name("工作表");
            });
            for sheet in &preview.sheets {
                ui.label(sheet.describe());
            }
            if chosen != self.import.sheet {
                self.import.sheet = chosen.clone();
                commands.push(Command::PreviewRoster(
                    self.import.path.trim().into(),
                    chosen,
                ));
            }
        }
        ui.label(format!(
            "表头在第 {} 行；识别的列：{}",
            preview.header_row,
            preview
                .matched_columns
                .iter()
                .map(|(header, field)| format!("{header}→{field}"))
                .collect::<Vec<_>>()
                .join("、")
        ));
        if !preview.ignored_columns.is_empty() {
            ui.weak(format!(
                "未使用的列：{}",
                preview.ignored_columns.join("、")
            ));
        }
        ui.add_space(4.0);
        let bad_rows: std::collections::BTreeSet<(Option<&str>, usize)> = preview
            .errors
            .iter()
            .map(|e| (e.sheet.as_deref(), e.row_number))
            .collect();
        ui.strong(format!(
            "可导入 {} 人；有错误的行 {} 行（不会导入）。",
            preview.rows.len(),
            bad_rows.len()
        ));
        if !preview.errors.is_empty() {
            egui::ScrollArea::vertical()
                .id_salt("import_errors")
                .max_height(180.0)
                .show(ui, |ui| {
                    for error in &preview.errors {
                        ui.colored_label(ui.visuals().error_fg_color, error.to_string());
                    }
                });
        }
        if !preview.warnings.is_empty() {
            ui.colored_label(ui.visuals().warn_fg_color, "请核对（仍会导入）：");
            for warning in &preview.warnings {
                ui.colored_label(ui.visuals().warn_fg_color, warning.to_string());
            }
        }
        ui.add_space(6.0);
        let mut cancel = false;
        ui.horizontal(|ui| {
            let label = if bad_rows.is_empty() {
                format!("确认导入 {} 人", preview.rows.len())
            } else {
                format!("导入 {} 人，跳过有错误的行", preview.rows.len())
            };
            if ui
                .add_enabled(!preview.rows.is_empty(), egui::Button::new(label))
                .clicked()
            {
                // Columns the file lacks keep the registered values.
                let registered: Vec<_> = data.members.iter().map(|m| m.draft.clone()).collect();
                commands.push(Command::ImportMembers(preview.drafts_over(&registered)));
            }
            if ui.button("取消").clicked() {
                cancel = true;
            }
        });
        ui.add_space(6.0);
        egui::ScrollArea::vertical()
            .id_salt("import_rows")
            .show(ui, |ui| {
                egui::Grid::new("import_rows_grid")
                    .striped(true)
                    .show(ui, |ui| {
                        for title in ["行", "工号", "姓名", "性别", "部门", "状态"] {
                            ui.strong(title);
                        }
                        ui.end_row();
                        for row in preview.rows.iter().take(200) {
                            ui.label(match &row.sheet {
                                Some(sheet) => format!("{sheet} {}", row.row_number),
                                None => row.row_number.to_string(),
                            });
                            ui.label(&row.draft.employee_no);
                            ui.label(&row.draft.name);
                            ui.label(row.draft.gender.map_or("", Gender::label));
                            ui.label(&row.draft.department);
                            ui.label(row.draft.status.label());
                            ui.end_row();
                        }
                    });
                if preview.rows.len() > 200 {
                    ui.weak(format!("……另有 {} 人", preview.rows.len() - 200));
                }
            });
        if cancel {
            self.import.preview = None;
        }
    }
}
