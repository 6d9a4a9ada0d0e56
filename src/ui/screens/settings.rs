//! 设置: the union's name, the clerk's name, funds with their opening balances, the
//! rules for payouts, the visit reasons, and the categories with standard amounts and
//! account codes.

use std::collections::BTreeMap;

use crate::core::model::PaymentForm;
use crate::core::money::{format_fen, format_fen_plain, parse_amount_fen, parse_signed_amount_fen};
use crate::core::report;
use crate::store::CategoryEdit;
use crate::ui::command::Command;
use crate::ui::data::LedgerData;
use crate::ui::screens::rules::RulesSection;
use crate::ui::screens::visit_reasons::VisitReasonsSection;
use crate::ui::widgets::id_combo;

/// What the screen shows for editing, and what it was when read from the ledger.
/// After a save anywhere on the screen everything is read again; a row (or field) the
/// clerk has changed and not saved keeps what was typed.
#[derive(Debug, Default)]
struct Edited<T> {
    shown: T,
    read: T,
}

impl<T: Clone + PartialEq> Edited<T> {
    /// Shows `fresh`, unless what is shown was changed and differs from it too.
    fn reload(&mut self, fresh: T) {
        if self.shown == self.read || self.shown == fresh {
            self.shown = fresh.clone();
        }
        self.read = fresh;
    }

    /// What is shown is being saved: once read again, the ledger's value is shown.
    fn saving(&mut self) {
        self.read = self.shown.clone();
    }
}

/// Rows by id, each kept as [`Edited::reload`] keeps one; rows gone are dropped.
fn reload_rows<T: Clone + PartialEq + Default>(
    rows: &mut BTreeMap<i64, Edited<T>>,
    fresh: impl IntoIterator<Item = (i64, T)>,
) {
    let mut reloaded = BTreeMap::new();
    for (id, row) in fresh {
        let mut edited = rows.remove(&id).unwrap_or_default();
        edited.reload(row);
        reloaded.insert(id, edited);
    }
    *rows = reloaded;
}

/// A category row being edited: text as typed.
#[derive(Debug, Clone, PartialEq, Default)]
struct CategoryRow {
    edit: CategoryEdit,
    standard: String,
    /// Tagged 内部拨付 (as stored, and as ticked).
    internal: bool,
    ticked_internal: bool,
}

/// An income source row being edited.
#[derive(Debug, Clone, Default, PartialEq)]
struct SourceRow {
    name: String,
    default_fund_id: Option<i64>,
    account_code: String,
    internal: bool,
    ticked_internal: bool,
}

/// A fund row being edited.
#[derive(Debug, Clone, Default, PartialEq)]
struct FundRow {
    name: String,
    is_active: bool,
    opening: String,
    /// The hint: what the year opens with when no opening is set.
    carried: String,
}

/// The settings screen's state: copies of the stored values, edited until saved.
#[derive(Debug, Default)]
pub struct SettingsScreen {
    loaded: bool,
    union_name: Edited<String>,
    handler: Edited<String>,
    opening_year: i32,
    funds: BTreeMap<i64, Edited<FundRow>>,
    new_fund: String,
    categories: BTreeMap<i64, Edited<CategoryRow>>,
    new_item: BTreeMap<i64, String>,
    sources: BTreeMap<i64, Edited<SourceRow>>,
    new_source: SourceRow,
    pub rules: RulesSection,
    visit_reasons: VisitReasonsSection,
    pub error: Option<String>,
}

impl SettingsScreen {
    /// Re-reads the stored values on the next frame.
    pub fn invalidate(&mut self) {
        self.loaded = false;
    }

    fn load(&mut self, data: &LedgerData) {
        if self.opening_year == 0 {
            self.opening_year = data.year;
        }
        self.union_name.reload(data.union_name.clone());
        self.handler.reload(data.handler.clone());
        let funds = self.fund_rows(data);
        reload_rows(&mut self.funds, funds);
        // The hint follows the ledger even on a row being edited.
        for row in self.funds.values_mut() {
            row.shown.carried = row.read.carried.clone();
        }
        self.rules.load(data);
        self.visit_reasons.load(data);
        let categories = data.categories.iter().map(|c| {
            (
                c.id,
                CategoryRow {
                    edit: CategoryEdit::from_category(c),
                    standard: c
                        .standard_amount_fen
                        .map(format_fen_plain)
                        .unwrap_or_default(),
                    internal: data.internal.categories.contains(&c.id),
                    ticked_internal: data.internal.categories.contains(&c.id),
                },
            )
        });
        reload_rows(&mut self.categories, categories);
        let sources = data.sources.iter().map(|source| {
            let internal = data.internal.sources.contains(&source.id);
            let row = SourceRow {
                name: source.name.clone(),
                default_fund_id: source.default_fund_id,
                account_code: source.account_code.clone(),
                internal,
                ticked_internal: internal,
            };
            (source.id, row)
        });
        reload_rows(&mut self.sources, sources);
        self.loaded = true;
    }

    /// Another year's openings: what was typed for the year before is dropped.
    fn load_openings(&mut self, data: &LedgerData) {
        self.funds.clear();
        let funds = self.fund_rows(data);
        reload_rows(&mut self.funds, funds);
    }

    /// The funds with the opening balance the clerk set for the chosen year (blank when
    /// the year carries the previous closing forward, shown as the hint).
    fn fund_rows(&self, data: &LedgerData) -> Vec<(i64, FundRow)> {
        let balances = report::fund_balances(
            &data.funds,
            &data.openings,
            &data.year_totals,
            self.opening_year,
        );
        data.funds
            .iter()
            .map(|fund| {
                let explicit = data
                    .openings
                    .iter()
                    .find(|o| o.fund_id == fund.id && o.year == self.opening_year)
                    .map(|o| format_fen_plain(o.opening_fen))
                    .unwrap_or_default();
                let carried = balances
                    .iter()
                    .find(|b| b.fund_id == fund.id)
                    .map_or(0, |b| b.opening_fen);
                let row = FundRow {
                    name: fund.name.clone(),
                    is_active: fund.is_active,
                    opening: explicit,
                    carried: format!("结转 {}", format_fen(carried)),
                };
                (fund.id, row)
            })
            .collect()
    }

    /// 外观: light, dark or the system's, and the size of everything. The clerk's own
    /// (kept beside the user's settings, not in the ledger), so usable also on a
    /// ledger open read-only.
    pub fn appearance_ui(
        ui: &mut egui::Ui,
        appearance: &crate::ui::appearance::Appearance,
        commands: &mut Vec<Command>,
    ) {
        use crate::ui::appearance::{TEXT_SIZES, ThemeChoice};
        ui.horizontal_wrapped(|ui| {
            ui.strong("外观");
            ui.add_space(8.0);
            for theme in ThemeChoice::ALL {
                if ui
                    .selectable_label(appearance.theme == theme, theme.label())
                    .clicked()
                {
                    commands.push(Command::SetAppearance(crate::ui::appearance::Appearance {
                        theme,
                        ..*appearance
                    }));
                }
            }
            ui.add_space(16.0);
            ui.label("文字大小");
            for size in TEXT_SIZES {
                if ui
                    .selectable_label(appearance.text_percent == size, format!("{size}%"))
                    .clicked()
                {
                    commands.push(Command::SetAppearance(crate::ui::appearance::Appearance {
                        text_percent: size,
                        ..*appearance
                    }));
                }
            }
        });
        ui.separator();
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, data: &LedgerData, commands: &mut Vec<Command>) {
        if !self.loaded {
            self.load(data);
        }
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.heading("基本信息");
            egui::Grid::new("settings_basic").num_columns(3).spacing([10.0, 8.0]).show(ui, |ui| {
                ui.label("工会名称");
                ui.add_sized([280.0, 22.0], egui::TextEdit::singleline(&mut self.union_name.shown).id_salt("union_name").hint_text("工会名称"));
                if ui.button("保存").clicked() {
                    commands.push(Command::SetUnionName(self.union_name.shown.clone()));
                    self.union_name.saving();
                }
                ui.end_row();
                ui.label("经办人（本机记账人）");
                ui.add_sized([280.0, 22.0], egui::TextEdit::singleline(&mut self.handler.shown).id_salt("handler").hint_text("经办人姓名"));
                if ui.button("保存").clicked() {
                    commands.push(Command::SetHandler(self.handler.shown.clone()));
                    self.handler.saving();
                }
                ui.end_row();
            });

            ui.add_space(16.0);
            ui.heading("资金与年初余额");
            ui.horizontal(|ui| {
                if ui.button("上一年").clicked() {
                    self.opening_year -= 1;
                    self.load_openings(data);
                }
                ui.strong(format!("{} 年", self.opening_year));
                if ui.button("下一年").clicked() {
                    self.opening_year += 1;
                    self.load_openings(data);
                }
                ui.weak("年初余额留空时，按上年结余结转（灰字为结转数）；填写后以填写数为准。");
            });
            egui::Grid::new("settings_funds").num_columns(4).striped(true).spacing([10.0, 6.0]).show(ui, |ui| {
                ui.strong("资金名称");
                ui.strong("启用");
                ui.strong(format!("{} 年初余额（元）", self.opening_year));
                ui.strong("");
                ui.end_row();
                for (id, Edited { shown: row, read }) in &mut self.funds {
                    ui.add_sized([140.0, 22.0], egui::TextEdit::singleline(&mut row.name).id_salt(("fund_name", *id)).hint_text("资金名称"));
                    ui.checkbox(&mut row.is_active, "启用");
                    ui.add_sized([120.0, 22.0], egui::TextEdit::singleline(&mut row.opening).id_salt(("fund_opening", *id)).hint_text(row.carried.as_str()));
                    if ui.button("保存").clicked() {
                        // Check the opening first, so a rejected figure saves nothing.
                        match optional_amount(&row.opening, parse_signed_amount_fen) {
                            Ok(opening_fen) => {
                                self.error = None;
                                commands.push(Command::UpdateFund {
                                    id: *id,
                                    name: row.name.clone(),
                                    is_active: row.is_active,
                                });
                                commands.push(Command::SetFundOpening {
                                    fund_id: *id,
                                    year: self.opening_year,
                                    opening_fen,
                                });
                                *read = row.clone();
                            }
                            Err(message) => self.error = Some(format!("{}：年初余额{message}", row.name)),
                        }
                    }
                    ui.end_row();
                }
                ui.add_sized([140.0, 22.0], egui::TextEdit::singleline(&mut self.new_fund).id_salt("new_fund").hint_text("新资金名称"));
                ui.label("");
                ui.label("");
                if ui.button("添加资金").clicked() && !self.new_fund.trim().is_empty() {
                    commands.push(Command::AddFund(std::mem::take(&mut self.new_fund)));
                }
                ui.end_row();
            });
            if let Some(error) = &self.error {
                ui.colored_label(ui.visuals().error_fg_color, error);
            }

            ui.add_space(16.0);
            self.rules.ui(ui, data, commands);

            ui.add_space(16.0);
            self.visit_reasons.ui(ui, data, commands);

            ui.add_space(16.0);
            ui.heading("收支类别");
            ui.weak("标准金额只用于登记时预填；修改标准不会改变已保存的凭证。预置金额是示例，请按本省实施办法核对。");
            let funds: Vec<(i64, String)> = data.funds.iter().map(|f| (f.id, f.name.clone())).collect();
            let groups: Vec<_> = data.categories.iter().filter(|c| c.parent_id.is_none()).cloned().collect();
            ui.weak("内部拨付：付给分会或上级的钱（如 拨付分会经费），上级工会汇总时抵销，只计一次。");
            egui::Grid::new("settings_categories").num_columns(8).striped(true).spacing([8.0, 6.0]).show(ui, |ui| {
                for title in ["类别", "默认资金", "标准金额（元）", "会计科目", "发放形式", "启用", "内部拨付", ""] {
                    ui.strong(title);
                }
                ui.end_row();
                let group_names: Vec<(i64, String)> = groups.iter().map(|g| (g.id, g.name.clone())).collect();
                for group in &groups {
                    self.category_row_ui(ui, group.id, None, &funds, commands);
                    for item in data.categories.iter().filter(|c| c.parent_id == Some(group.id)) {
                        self.category_row_ui(ui, item.id, Some((group.id, &group_names)), &funds, commands);
                    }
                    let new_name = self.new_item.entry(group.id).or_default();
                    ui.add_sized([150.0, 22.0], egui::TextEdit::singleline(new_name).id_salt(("new_item", group.id)).hint_text(format!("在“{}”下新增", group.name)));
                    for _ in 0..6 {
                        ui.label("");
                    }
                    if ui.button("添加").clicked() && !new_name.trim().is_empty() {
                        let mut edit = CategoryEdit::from_category(group);
                        edit.name = std::mem::take(new_name);
                        edit.standard_amount_fen = None;
                        edit.is_active = true;
                        commands.push(Command::AddCategory { parent_id: Some(group.id), edit });
                    }
                    ui.end_row();
                }
            });

            ui.add_space(16.0);
            self.sources_ui(ui, &funds, commands);

            ui.add_space(16.0);
            ui.heading("演示数据");
            if data.entry_count == 0 && data.members.is_empty() {
                ui.label("台账为空时可载入演示数据（300 名会员、两年收支），便于熟悉功能。");
                if ui.button("载入演示数据").clicked() {
                    commands.push(Command::LoadDemo);
                }
            } else {
                ui.weak(format!(
                    "台账已有 {} 名会员、{} 笔凭证，不能载入演示数据（演示数据只写入全新的空台账）。",
                    data.members.len(),
                    data.entry_count
                ));
            }
        });
    }

    /// One category's row; an item (`group` is its group and every group) can be
    /// moved to another group from it.
    fn category_row_ui(
        &mut self,
        ui: &mut egui::Ui,
        id: i64,
        group: Option<(i64, &[(i64, String)])>,
        funds: &[(i64, String)],
        commands: &mut Vec<Command>,
    ) {
        let Some(Edited { shown: row, read }) = self.categories.get_mut(&id) else {
            return;
        };
        ui.horizontal(|ui| {
            let Some((parent, groups)) = group else {
                ui.add_sized(
                    [150.0, 22.0],
                    egui::TextEdit::singleline(&mut row.edit.name)
                        .id_salt(("cat_name", id))
                        .hint_text("类别名称"),
                );
                return;
            };
            ui.add_space(16.0);
            ui.add_sized(
                [100.0, 22.0],
                egui::TextEdit::singleline(&mut row.edit.name)
                    .id_salt(("cat_name", id))
                    .hint_text("类别名称"),
            );
            let mut target = None;
            let combo = egui::ComboBox::from_id_salt(("cat_move", id))
                .selected_text("移到")
                .width(30.0)
                .show_ui(ui, |ui| {
                    for (group_id, name) in groups.iter().filter(|(g, _)| *g != parent) {
                        if ui.selectable_label(false, name).clicked() {
                            target = Some(*group_id);
                        }
                    }
                });
            combo.response.accessible_name("移到分组");
            if let Some(group_id) = target {
                commands.push(Command::MoveCategory { id, group_id });
            }
        });
        id_combo(
            ui,
            &format!("cat_fund_{id}"),
            "默认资金",
            &mut row.edit.default_fund_id,
            "无",
            funds,
            100.0,
        );
        ui.add_sized(
            [90.0, 22.0],
            egui::TextEdit::singleline(&mut row.standard)
                .id_salt(("cat_standard", id))
                .hint_text("标准金额"),
        );
        ui.add_sized(
            [70.0, 22.0],
            egui::TextEdit::singleline(&mut row.edit.account_code)
                .id_salt(("cat_code", id))
                .hint_text("科目代码"),
        );
        let form_text = row
            .edit
            .default_payment_form
            .map_or("不限", PaymentForm::label);
        let combo = egui::ComboBox::from_id_salt(("cat_form", id))
            .selected_text(form_text)
            .width(70.0)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut row.edit.default_payment_form, None, "不限");
                for form in PaymentForm::ALL {
                    ui.selectable_value(
                        &mut row.edit.default_payment_form,
                        Some(*form),
                        form.label(),
                    );
                }
            });
        combo.response.accessible_name("发放形式");
        ui.checkbox(&mut row.edit.is_active, "启用");
        if group.is_some() {
            ui.checkbox(&mut row.ticked_internal, "内部拨付");
        } else {
            ui.label("");
        }
        if ui.button("保存").clicked() {
            match optional_amount(&row.standard, parse_amount_fen) {
                Ok(standard) => {
                    let mut edit = row.edit.clone();
                    edit.standard_amount_fen = standard;
                    self.error = None;
                    let internal =
                        (row.ticked_internal != row.internal).then_some(row.ticked_internal);
                    commands.push(Command::UpdateCategory { id, edit, internal });
                    *read = row.clone();
                }
                Err(message) => self.error = Some(format!("{}：标准金额{message}", row.edit.name)),
            }
        }
        ui.end_row();
    }
}

impl SettingsScreen {
    /// 收入来源: each source's name, default fund, account code and 内部拨付 tag, and a
    /// row to add one (e.g. 院工会拨款 in a branch's ledger).
    fn sources_ui(
        &mut self,
        ui: &mut egui::Ui,
        funds: &[(i64, String)],
        commands: &mut Vec<Command>,
    ) {
        ui.heading("收入来源");
        ui.weak("内部拨付：从上级或分会收到的钱（如 院工会拨款、上级拨入），上级工会汇总时抵销，只计一次。");
        egui::Grid::new("settings_sources")
            .num_columns(5)
            .striped(true)
            .spacing([8.0, 6.0])
            .show(ui, |ui| {
                for title in ["收入来源", "默认资金", "会计科目", "内部拨付", ""] {
                    ui.strong(title);
                }
                ui.end_row();
                for (id, Edited { shown: row, read }) in &mut self.sources {
                    let id = *id;
                    source_fields(ui, ("source", id), row, funds);
                    if ui.button("保存").clicked() {
                        commands.push(Command::UpdateIncomeSource {
                            id,
                            name: row.name.clone(),
                            default_fund_id: row.default_fund_id,
                            account_code: row.account_code.clone(),
                            internal: (row.ticked_internal != row.internal)
                                .then_some(row.ticked_internal),
                        });
                        *read = row.clone();
                    }
                    ui.end_row();
                }
                let row = &mut self.new_source;
                source_fields(ui, ("source", 0), row, funds);
                if ui.button("添加来源").clicked() && !row.name.trim().is_empty() {
                    let row = std::mem::take(row);
                    commands.push(Command::AddIncomeSource {
                        name: row.name,
                        default_fund_id: row.default_fund_id,
                        account_code: row.account_code,
                    });
                }
                ui.end_row();
            });
    }
}

/// The editable cells of an income source's row (a new one when `salt.1` is 0).
fn source_fields(
    ui: &mut egui::Ui,
    salt: (&str, i64),
    row: &mut SourceRow,
    funds: &[(i64, String)],
) {
    let new = salt.1 == 0;
    ui.add_sized(
        [150.0, 22.0],
        egui::TextEdit::singleline(&mut row.name)
            .id_salt(("source_name", salt.1))
            .hint_text(if new {
                "新收入来源"
            } else {
                "来源名称"
            }),
    );
    id_combo(
        ui,
        &format!("source_fund_{}", salt.1),
        "默认资金",
        &mut row.default_fund_id,
        "无",
        funds,
        100.0,
    );
    ui.add_sized(
        [70.0, 22.0],
        egui::TextEdit::singleline(&mut row.account_code)
            .id_salt(("source_code", salt.1))
            .hint_text("科目代码"),
    );
    if new {
        ui.label("");
    } else {
        ui.checkbox(&mut row.ticked_internal, "内部拨付");
    }
}

/// An optional amount: blank means "not set".
fn optional_amount(
    text: &str,
    parse: fn(&str) -> Result<i64, crate::core::money::MoneyError>,
) -> Result<Option<i64>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    parse(text).map(Some).map_err(|e| e.to_string())
}
