//! 节日慰问: one handout to a group under one decision. The clerk sets up what, for
//! whom and under which decision; the preview lists every member selected, who
//! receives and why the others do not; committing writes one entry per recipient; a
//! batch is reversed as a whole.

use chrono::NaiveDate;
use egui_extras::{Column, TableBuilder};

use crate::core::batch::{BatchPreview, BatchSpec};
use crate::core::date::{format_date, parse_date};
use crate::core::model::PaymentForm;
use crate::core::money::{format_fen, format_fen_plain, parse_amount_fen};
use crate::store::{BatchRecipient, closed_covering};
use crate::ui::command::Command;
use crate::ui::data::LedgerData;
use crate::ui::widgets::{
    ApprovalForm, ConfirmDialog, DialogAnswer, GroupForm, ReasonField, heading_cell, id_combo,
    right_label,
};

/// The category group whose items are offered first.
const HOLIDAY_GROUP: &str = "节日慰问";
/// The category group a batch is never for.
const VISITS_GROUP: &str = "五必访";

pub use crate::ui::command::BatchCommand;

/// The two halves of the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BatchTab {
    #[default]
    Setup,
    List,
}

/// A preview with the setup it was made for and the rows the table shows.
#[derive(Debug, Clone)]
pub struct PreviewState {
    pub spec: BatchSpec,
    pub preview: BatchPreview,
    /// Positions in `preview.rows` the table shows (all, or only the excluded).
    shown: Vec<usize>,
    /// Recipients already paid this category within the duplicate window, and the
    /// warning about them: worked out once per preview, not per frame.
    duplicates: Vec<i64>,
    duplicate_warning: Option<String>,
}

/// The reversal dialog for a whole batch.
#[derive(Debug, Clone, Default)]
pub struct BatchReversal {
    pub batch_id: i64,
    pub summary: String,
    pub reason: String,
    pub date: String,
    pub error: Option<String>,
}

/// The batches screen's state: the setup as typed, the last preview, the list.
#[derive(Debug, Clone)]
pub struct BatchesScreen {
    pub tab: BatchTab,
    pub category_id: Option<i64>,
    /// Set when the category changed: its fund, amount and form are filled in on the
    /// next frame (the screen has the chart then).
    defaults_pending: bool,
    pub date: String,
    pub fund_id: Option<i64>,
    pub item: String,
    pub amount: String,
    pub payment_form: PaymentForm,
    pub note: String,
    pub approval: ApprovalForm,
    pub group: GroupForm,
    pub excluded: Vec<i64>,
    pub preview: Option<PreviewState>,
    pub only_excluded: bool,
    /// The preview was made before the ledger last changed; it is made again.
    preview_outdated: bool,
    pub error: Option<String>,
    pub confirm: bool,
    pub reversal: Option<BatchReversal>,
    pub recipients: Option<(i64, Vec<BatchRecipient>)>,
    recipients_outdated: bool,
}

impl Default for BatchesScreen {
    fn default() -> Self {
        Self {
            tab: BatchTab::Setup,
            category_id: None,
            defaults_pending: false,
            date: String::new(),
            fund_id: None,
            item: String::new(),
            amount: String::new(),
            payment_form: PaymentForm::Goods,
            note: String::new(),
            approval: ApprovalForm::default(),
            group: GroupForm::default(),
            excluded: Vec::new(),
            preview: None,
            only_excluded: false,
            preview_outdated: false,
            error: None,
            confirm: false,
            reversal: None,
            recipients: None,
            recipients_outdated: false,
        }
    }
}

impl BatchesScreen {
    /// Opens a new batch for this category (its fund, amount and form filled in) on
    /// this date; the rest of the setup starts blank. Used by the reminders.
    pub fn prefill(&mut self, category_id: Option<i64>, date: NaiveDate) {
        *self = Self {
            category_id,
            defaults_pending: category_id.is_some(),
            date: format_date(date),
            ..Self::default()
        };
    }

    /// After the ledger changed: the preview and the recipients shown are read again.
    pub fn invalidate(&mut self) {
        self.preview_outdated = self.preview.is_some();
        self.recipients_outdated = self.recipients.is_some();
    }

    /// After a batch was committed: the form starts blank again, so the same batch is
    /// not committed twice by two more clicks; the date stays.
    pub fn committed(&mut self) {
        *self = Self {
            tab: BatchTab::List,
            date: std::mem::take(&mut self.date),
            ..Self::default()
        };
    }

    /// How many the previewed batch pays (a large batch runs as long work).
    pub fn preview_count(&self) -> Option<usize> {
        self.preview
            .as_ref()
            .map(|state| state.preview.recipient_count())
    }

    /// A committed batch's recipients, as read from the ledger.
    pub fn show_recipients(&mut self, batch_id: i64, rows: Vec<BatchRecipient>) {
        self.recipients = Some((batch_id, rows));
        self.recipients_outdated = false;
    }

    /// A preview read from the ledger, shown with the rows flagged as possible repeats.
    pub fn set_preview(&mut self, spec: BatchSpec, preview: BatchPreview, window_days: i64) {
        self.preview_outdated = false;
        let duplicates = preview
            .possible_duplicates()
            .map(|row| row.member_id)
            .collect();
        let duplicate_warning = preview.duplicate_warning(window_days);
        self.preview = Some(PreviewState {
            spec,
            preview,
            shown: Vec::new(),
            duplicates,
            duplicate_warning,
        });
        self.refilter();
    }

    /// Which preview rows the table shows.
    fn refilter(&mut self) {
        let only_excluded = self.only_excluded;
        if let Some(state) = self.preview.as_mut() {
            state.shown = state
                .preview
                .rows
                .iter()
                .enumerate()
                .filter(|(_, row)| !only_excluded || !row.included)
                .map(|(position, _)| position)
                .collect();
        }
    }

    /// Fills in the chosen category's fund, standard amount and form of payment.
    fn apply_category_defaults(&mut self, data: &LedgerData) {
        self.defaults_pending = false;
        let Some(category) = self.category_id.and_then(|id| data.category(id)) else {
            return;
        };
        if let Some(fund_id) = category.default_fund_id {
            self.fund_id = Some(fund_id);
        }
        if let Some(fen) = category.standard_amount_fen {
            self.amount = format_fen_plain(fen);
        }
        if let Some(form) = category.default_payment_form {
            self.payment_form = form;
        }
    }

    /// The batch the form describes, or which field is wrong.
    pub fn spec(&self, data: &LedgerData) -> Result<BatchSpec, String> {
        let category_id = self.category_id.ok_or("节日类别：请选择")?;
        let date = parse_date(&self.date).map_err(|e| format!("发放日期：{e}"))?;
        let fund_id = self.fund_id.ok_or("资金：请选择资金")?;
        let amount_fen = parse_amount_fen(&self.amount).map_err(|e| format!("每人金额：{e}"))?;
        if amount_fen <= 0 {
            return Err("每人金额：必须大于 0".into());
        }
        let approval = self
            .approval
            .build(true)?
            .ok_or("纪要编号：必须填写（工会委员会会议纪要的编号）")?;
        let mut group = self.group.group();
        // Only exclusions of members the group still selects mean anything.
        group.excluded = self
            .excluded
            .iter()
            .copied()
            .filter(|id| data.member(*id).is_some_and(|member| group.selects(member)))
            .collect();
        Ok(BatchSpec {
            category_id,
            fund_id,
            date,
            item: self.item.trim().to_string(),
            amount_fen,
            payment_form: self.payment_form,
            approval,
            group,
            handler: data.handler.clone(),
            note: self.note.trim().to_string(),
        })
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
        if self.defaults_pending {
            self.apply_category_defaults(data);
        }
        if self.preview_outdated
            && let Some(state) = &self.preview
        {
            self.preview_outdated = false;
            commands.push(Command::Batch(BatchCommand::Preview(state.spec.clone())));
        }
        if self.recipients_outdated
            && let Some((batch_id, _)) = &self.recipients
        {
            self.recipients_outdated = false;
            commands.push(Command::Batch(BatchCommand::ShowRecipients(*batch_id)));
        }
        ui.horizontal(|ui| {
            ui.heading("节日慰问");
            ui.add_space(12.0);
            ui.selectable_value(&mut self.tab, BatchTab::Setup, "新建批次");
            ui.selectable_value(
                &mut self.tab,
                BatchTab::List,
                format!("已发批次（{}）", data.batches.len()),
            );
        });
        ui.add_space(4.0);
        match self.tab {
            BatchTab::Setup => {
                egui::Panel::left("batch_setup")
                    .resizable(false)
                    .exact_size(440.0)
                    .show(ui, |ui| {
                        egui::ScrollArea::vertical()
                            .id_salt("batch_setup_scroll")
                            .show(ui, |ui| self.setup_ui(ui, data, commands));
                    });
                self.preview_ui(ui, data, commands);
            }
            BatchTab::List => self.list_ui(ui, data, today, commands),
        }
        self.confirm_ui(ui, data, commands);
        self.reversal_ui(ui, commands);
    }

    fn setup_ui(&mut self, ui: &mut egui::Ui, data: &LedgerData, commands: &mut Vec<Command>) {
        ui.strong("发放内容");
        egui::Grid::new("batch_form")
            .num_columns(2)
            .spacing([10.0, 8.0])
            .show(ui, |ui| {
                ui.label("节日类别");
                self.category_ui(ui, data);
                ui.end_row();

                ui.label("发放日期");
                ui.horizontal(|ui| {
                    ui.add(
                        egui::TextEdit::singleline(&mut self.date)
                            .id_salt("batch_date")
                            .hint_text("发放日期，如 2026-09-25")
                            .desired_width(160.0),
                    );
                    // A closed period is named as soon as the date is typed.
                    if let Ok(date) = parse_date(&self.date)
                        && let Some(closed) = closed_covering(&data.closed_periods, date)
                    {
                        ui.colored_label(
                            ui.visuals().error_fg_color,
                            format!("{}，不能发放", closed.refusal(date)),
                        );
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
                id_combo(
                    ui,
                    "batch_fund",
                    "资金",
                    &mut self.fund_id,
                    "请选择",
                    &funds,
                    160.0,
                );
                ui.end_row();

                ui.label("发放物品");
                ui.add(
                    egui::TextEdit::singleline(&mut self.item)
                        .id_salt("batch_item")
                        .hint_text("如 月饼一盒（发钱可不填）")
                        .desired_width(260.0),
                );
                ui.end_row();

                ui.label("每人金额（元）");
                ui.add(
                    egui::TextEdit::singleline(&mut self.amount)
                        .id_salt("batch_amount")
                        .hint_text("每人金额或物品价值")
                        .desired_width(160.0),
                );
                ui.end_row();

                ui.label("发放形式");
                ui.horizontal_wrapped(|ui| {
                    for form in PaymentForm::ALL {
                        ui.selectable_value(&mut self.payment_form, *form, form.label());
                    }
                });
                ui.end_row();

                ui.label("备注");
                ui.add(
                    egui::TextEdit::singleline(&mut self.note)
                        .id_salt("batch_note")
                        .hint_text("备注（可不填）")
                        .desired_width(260.0),
                );
                ui.end_row();
            });

        ui.add_space(10.0);
        ui.strong("审批依据（工会委员会决议，纪要编号必填）");
        self.approval.ui(ui, "batch", &data.approvals);

        ui.add_space(10.0);
        ui.strong("发放对象");
        self.group.ui(ui, data, "batch", true);
        ui.weak("不勾选身份表示不限身份；非工会会员和不符合发放规则的人会在预览中排除并写明原因。");

        ui.add_space(12.0);
        if ui.button("预览名单").clicked() {
            match self.spec(data) {
                Ok(spec) => commands.push(Command::Batch(BatchCommand::Preview(spec))),
                Err(message) => self.error = Some(message),
            }
        }
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
    }

    /// The holiday items first, then every other item: a union may hand out on any.
    fn category_ui(&mut self, ui: &mut egui::Ui, data: &LedgerData) {
        // The five must-visits are paid person by person as events happen (走访, 登记),
        // never to a whole group: they are not offered here.
        let items: Vec<_> = data
            .active_items()
            .into_iter()
            .filter(|item| {
                item.parent_id
                    .and_then(|id| data.category(id))
                    .is_none_or(|parent| parent.name != VISITS_GROUP)
            })
            .collect();
        let is_holiday = |parent_id: Option<i64>| {
            parent_id
                .and_then(|id| data.category(id))
                .is_some_and(|parent| parent.name == HOLIDAY_GROUP)
        };
        let selected_text = self
            .category_id
            .map_or("请选择".to_string(), |id| data.category_path(id));
        let before = self.category_id;
        let combo = egui::ComboBox::from_id_salt("batch_category")
            .selected_text(selected_text)
            .width(220.0)
            .height(420.0)
            .show_ui(ui, |ui| {
                for holiday in [true, false] {
                    for item in items.iter().filter(|c| is_holiday(c.parent_id) == holiday) {
                        ui.selectable_value(
                            &mut self.category_id,
                            Some(item.id),
                            data.category_path(item.id),
                        );
                    }
                    if holiday {
                        ui.separator();
                    }
                }
            });
        combo.response.accessible_name("节日类别");
        if before != self.category_id {
            self.apply_category_defaults(data);
        }
    }

    fn preview_ui(&mut self, ui: &mut egui::Ui, data: &LedgerData, commands: &mut Vec<Command>) {
        let current = self.spec(data);
        let Some(state) = &self.preview else {
            ui.add_space(20.0);
            ui.weak("填好发放内容、审批依据和发放对象后，点“预览名单”：列出每一位选中的人员，谁发放、谁排除以及排除原因。");
            return;
        };
        let fresh = current.as_ref().is_ok_and(|spec| *spec == state.spec);
        let recipients = state.preview.recipient_count();
        let summary = format!(
            "发放 {} 人，排除 {} 人，合计 {} 元",
            recipients,
            state.preview.excluded_count(),
            format_fen(state.preview.total_fen())
        );
        ui.horizontal(|ui| {
            ui.strong(summary);
            ui.add_space(12.0);
            if ui
                .checkbox(&mut self.only_excluded, "只看排除的人")
                .changed()
            {
                self.refilter();
            }
            ui.add_space(12.0);
            let can_commit = fresh && recipients > 0;
            if ui
                .add_enabled(can_commit, egui::Button::new("提交…"))
                .clicked()
            {
                self.confirm = true;
            }
        });
        let Some(state) = &self.preview else {
            return;
        };
        if let Some(warning) = state.duplicate_warning.clone() {
            let duplicates = state.duplicates.clone();
            ui.horizontal_wrapped(|ui| {
                ui.colored_label(ui.visuals().warn_fg_color, warning);
                if ui
                    .add_enabled(
                        fresh,
                        egui::Button::new(format!("排除这 {} 人", duplicates.len())),
                    )
                    .clicked()
                {
                    for id in duplicates {
                        if !self.excluded.contains(&id) {
                            self.excluded.push(id);
                        }
                    }
                    match self.spec(data) {
                        Ok(spec) => commands.push(Command::Batch(BatchCommand::Preview(spec))),
                        Err(message) => self.error = Some(message),
                    }
                }
            });
        }
        let Some(state) = &self.preview else {
            return;
        };
        if !fresh {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                "发放设置已改动，请重新点“预览名单”后再提交。",
            );
        } else {
            ui.weak("点击一行可手动排除或恢复该人员；因规则排除的人不能在这里恢复。");
        }
        let mut clicked = None;
        let error_color = ui.visuals().error_fg_color;
        let warn_color = ui.visuals().warn_fg_color;
        // A click anywhere on a row toggles it, so cell text must not capture clicks.
        ui.style_mut().interaction.selectable_labels = false;
        TableBuilder::new(ui)
            .id_salt("batch_preview")
            .striped(true)
            .sense(egui::Sense::click())
            .column(Column::exact(110.0))
            .column(Column::exact(80.0))
            .column(Column::exact(80.0))
            .column(Column::exact(50.0))
            .column(Column::remainder().clip(true))
            .header(22.0, |mut header| {
                for title in ["科室", "工号", "姓名", "结果", "原因"] {
                    header.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(22.0, state.shown.len(), |mut table_row| {
                    let Some(row) = state
                        .shown
                        .get(table_row.index())
                        .and_then(|&position| state.preview.rows.get(position))
                    else {
                        return;
                    };
                    table_row.col(|ui| {
                        ui.label(&row.department);
                    });
                    table_row.col(|ui| {
                        ui.label(&row.employee_no);
                    });
                    table_row.col(|ui| {
                        ui.label(&row.name);
                    });
                    table_row.col(|ui| {
                        if row.included {
                            ui.label("发放");
                        } else {
                            ui.colored_label(error_color, "排除");
                        }
                    });
                    table_row.col(|ui| {
                        let reasons = row.reasons_text();
                        let color = if row.included {
                            warn_color
                        } else {
                            error_color
                        };
                        ui.add(
                            egui::Label::new(egui::RichText::new(reasons).color(color)).truncate(),
                        );
                    });
                    if table_row.response().clicked() {
                        clicked = Some((row.member_id, row.included, row.excluded_by_hand));
                    }
                });
            });
        if let Some((member_id, included, by_hand)) = clicked {
            if by_hand {
                self.excluded.retain(|id| *id != member_id);
            } else if included {
                self.excluded.push(member_id);
            } else {
                return;
            }
            match self.spec(data) {
                Ok(spec) => commands.push(Command::Batch(BatchCommand::Preview(spec))),
                Err(message) => self.error = Some(message),
            }
        }
    }

    fn confirm_ui(&mut self, ui: &mut egui::Ui, data: &LedgerData, commands: &mut Vec<Command>) {
        if !self.confirm {
            return;
        }
        let Some(state) = &self.preview else {
            self.confirm = false;
            return;
        };
        let spec = &state.spec;
        let count = state.preview.recipient_count();
        let mut close = false;
        egui::Modal::new(egui::Id::unique("batch_confirm")).show(ui.ctx(), |ui| {
            ui.set_width(460.0);
            ui.heading("确认提交批次");
            ui.add_space(6.0);
            let what = if spec.item.is_empty() {
                spec.payment_form.label().to_string()
            } else {
                format!("{}，{}", spec.item, spec.payment_form.label())
            };
            egui::Grid::new("batch_confirm_grid")
                .num_columns(2)
                .spacing([10.0, 6.0])
                .show(ui, |ui| {
                    for (label, value) in [
                        ("类别", data.category_path(spec.category_id)),
                        ("发放日期", format_date(spec.date)),
                        ("资金", data.fund_name(spec.fund_id).to_string()),
                        (
                            "每人",
                            format!("{} 元（{what}）", format_fen(spec.amount_fen)),
                        ),
                        ("发放对象", spec.group.describe()),
                        ("审批", spec.approval.describe()),
                    ] {
                        ui.label(label);
                        ui.label(value);
                        ui.end_row();
                    }
                });
            ui.add_space(6.0);
            ui.label(format!(
                "预览名单：发放 {count} 人，排除 {} 人（其中手动排除 {} 人）",
                state.preview.excluded_count(),
                spec.group.excluded.len()
            ));
            if let Some(warning) = &state.duplicate_warning {
                ui.colored_label(ui.visuals().warn_fg_color, warning);
            }
            ui.strong(format!(
                "将向 {count} 人发放，合计 {} 元，写入 {count} 笔凭证。",
                format_fen(state.preview.total_fen())
            ));
            ui.weak("提交后不能修改；如有错误，可整批冲销后重新发放。");
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                if ui.button("确认提交").clicked() {
                    commands.push(Command::Batch(BatchCommand::Commit(spec.clone())));
                    close = true;
                }
                if ui.button("取消").clicked() {
                    close = true;
                }
            });
        });
        if close {
            self.confirm = false;
        }
    }

    fn list_ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &LedgerData,
        today: NaiveDate,
        commands: &mut Vec<Command>,
    ) {
        if data.batches.is_empty() {
            ui.add_space(20.0);
            ui.weak("还没有发放过节日慰问批次。在“新建批次”中设置并预览后提交。");
            return;
        }
        let showing = self.recipients.as_ref().map(|(id, _)| *id);
        let mut show = None;
        let mut reverse = None;
        TableBuilder::new(ui)
            .id_salt("batch_list")
            .striped(true)
            .max_scroll_height(260.0)
            .column(Column::exact(84.0))
            .column(Column::exact(84.0))
            .column(Column::exact(90.0))
            .column(Column::exact(150.0))
            .column(Column::exact(44.0))
            .column(Column::exact(90.0))
            .column(Column::exact(190.0))
            .column(Column::exact(200.0))
            .column(Column::exact(100.0))
            .column(Column::remainder())
            .header(22.0, |mut header| {
                for title in [
                    "批次号",
                    "发放日期",
                    "类别",
                    "发放内容",
                    "人数",
                    "合计（元）",
                    "凭证号",
                    "审批",
                    "状态",
                    "",
                ] {
                    header.col(|ui| {
                        heading_cell(ui, title, matches!(title, "人数" | "合计（元）"));
                    });
                }
            })
            .body(|body| {
                body.rows(24.0, data.batches.len(), |mut table_row| {
                    let Some(batch) = data.batches.get(table_row.index()) else {
                        return;
                    };
                    table_row.set_selected(showing == Some(batch.id));
                    let content = if batch.item.is_empty() {
                        format!("每人 {} 元", format_fen(batch.amount_fen))
                    } else {
                        format!("{} {} 元", batch.item, format_fen(batch.amount_fen))
                    };
                    let vouchers = if batch.first_voucher == batch.last_voucher {
                        batch.first_voucher.clone()
                    } else {
                        format!("{} 至 {}", batch.first_voucher, batch.last_voucher)
                    };
                    let cells = [
                        batch.number(),
                        format_date(batch.date),
                        batch.category_name.clone(),
                        content,
                        batch.recipient_count.to_string(),
                        format_fen(batch.total_fen),
                        vouchers,
                        batch.approval.describe(),
                    ];
                    for (column, cell) in cells.into_iter().enumerate() {
                        table_row.col(|ui| {
                            // 人数 and 合计 flush right under their headings.
                            if matches!(column, 4 | 5) {
                                right_label(ui, cell);
                            } else {
                                ui.add(egui::Label::new(cell).truncate());
                            }
                        });
                    }
                    table_row.col(|ui| match batch.reversed_on {
                        Some(date) => {
                            ui.colored_label(
                                ui.visuals().error_fg_color,
                                format!("已冲销 {}", format_date(date)),
                            )
                            .on_hover_text(format!("冲销原因：{}", batch.reversal_reason));
                        }
                        None => {
                            ui.label("已发放");
                        }
                    });
                    table_row.col(|ui| {
                        ui.horizontal(|ui| {
                            if ui.small_button("名单").clicked() {
                                show = Some(batch.id);
                            }
                            if batch.reversed_on.is_none() && ui.small_button("整批冲销…").clicked()
                            {
                                reverse = Some(batch.id);
                            }
                        });
                    });
                });
            });
        if let Some(batch_id) = show {
            commands.push(Command::Batch(BatchCommand::ShowRecipients(batch_id)));
        }
        if let Some(batch) = reverse.and_then(|id| data.batches.iter().find(|b| b.id == id)) {
            self.reversal = Some(BatchReversal {
                batch_id: batch.id,
                summary: format!(
                    "{} {} {}：{} 人，合计 {} 元",
                    batch.number(),
                    format_date(batch.date),
                    batch.category_name,
                    batch.recipient_count,
                    format_fen(batch.total_fen)
                ),
                reason: String::new(),
                date: format_date(today),
                error: None,
            });
        }
        self.recipients_ui(ui, data);
    }

    fn recipients_ui(&mut self, ui: &mut egui::Ui, data: &LedgerData) {
        let Some((batch_id, count)) = self
            .recipients
            .as_ref()
            .map(|(batch_id, rows)| (*batch_id, rows.len()))
        else {
            return;
        };
        let number = data
            .batches
            .iter()
            .find(|b| b.id == batch_id)
            .map_or_else(String::new, |b| b.number());
        ui.add_space(12.0);
        let hide = ui
            .horizontal(|ui| {
                ui.strong(format!("批次 {number} 发放名单（{count} 人）"));
                ui.small_button("收起").clicked()
            })
            .inner;
        if hide {
            self.recipients = None;
            return;
        }
        let Some((_, rows)) = &self.recipients else {
            return;
        };
        TableBuilder::new(ui)
            .id_salt("batch_recipients")
            .striped(true)
            .column(Column::exact(100.0))
            .column(Column::exact(120.0))
            .column(Column::exact(90.0))
            .column(Column::exact(90.0))
            .column(Column::exact(90.0))
            .column(Column::remainder())
            .header(22.0, |mut header| {
                for title in ["凭证号", "科室", "工号", "姓名", "金额（元）", "状态"]
                {
                    header.col(|ui| {
                        heading_cell(ui, title, title == "金额（元）");
                    });
                }
            })
            .body(|body| {
                body.rows(22.0, rows.len(), |mut table_row| {
                    let Some(row) = rows.get(table_row.index()) else {
                        return;
                    };
                    let amount = format_fen(row.amount_fen);
                    for cell in [
                        &row.voucher_no,
                        &row.department,
                        &row.employee_no,
                        &row.name,
                    ] {
                        table_row.col(|ui| {
                            ui.label(cell.as_str());
                        });
                    }
                    table_row.col(|ui| right_label(ui, amount.as_str()));
                    table_row.col(|ui| {
                        if row.is_reversed {
                            ui.colored_label(ui.visuals().error_fg_color, "已冲销");
                        } else {
                            ui.label("已发放");
                        }
                    });
                });
            });
    }

    fn reversal_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let Some(dialog) = self.reversal.as_mut() else {
            return;
        };
        let answer = ConfirmDialog {
            id: "batch_reversal",
            title: "整批冲销".to_string(),
            summary: &dialog.summary,
            note: Some("批次中每一笔凭证都另记一笔冲销凭证，原凭证保留在台账中。"),
            reason: Some(ReasonField {
                label: "冲销原因",
                hint: "必填，如 发放名单有误",
                text: &mut dialog.reason,
            }),
            date_label: "冲销日期",
            date_hint: "冲销日期",
            date: &mut dialog.date,
            error: &mut dialog.error,
            confirm: "确认整批冲销",
        }
        .show(ui.ctx());
        match answer {
            DialogAnswer::Open => {}
            DialogAnswer::Confirmed { reason, date } => {
                commands.push(Command::Batch(BatchCommand::Reverse {
                    batch_id: dialog.batch_id,
                    reason,
                    date,
                }))
            }
            DialogAnswer::Cancelled => self.reversal = None,
        }
    }
}
