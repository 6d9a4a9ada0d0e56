//! 台账: every entry, filtered, with each fund's running balance; reverse an entry.
//!
//! Rows are fetched from SQL a page at a time, only for the rows on screen: drawing
//! records which rows it wanted, and the app fetches missing pages after the frame.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use egui_extras::{Column, TableBuilder};

use crate::core::date::{Period, format_date, parse_date};
use crate::core::model::EntryKind;
use crate::core::money::format_fen;
use crate::store::{Ledger, LedgerFilter, LedgerIndex, LedgerOrder, LedgerRow, closed_covering};
use crate::ui::command::Command;
use crate::ui::data::LedgerData;
use crate::ui::widgets::{
    ConfirmDialog, DialogAnswer, MemberPicker, ReasonField, heading_cell, id_combo,
};

const PAGE_ROWS: i64 = 100;
const MAX_CACHED_PAGES: usize = 40;

/// The period choices of the filter bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PeriodChoice {
    #[default]
    All,
    ThisMonth,
    ThisQuarter,
    ThisYear,
    LastYear,
    Custom,
}

impl PeriodChoice {
    const ALL: [PeriodChoice; 6] = [
        PeriodChoice::All,
        PeriodChoice::ThisMonth,
        PeriodChoice::ThisQuarter,
        PeriodChoice::ThisYear,
        PeriodChoice::LastYear,
        PeriodChoice::Custom,
    ];

    fn label(self) -> &'static str {
        match self {
            PeriodChoice::All => "全部日期",
            PeriodChoice::ThisMonth => "本月",
            PeriodChoice::ThisQuarter => "本季度",
            PeriodChoice::ThisYear => "本年",
            PeriodChoice::LastYear => "上年",
            PeriodChoice::Custom => "自定义",
        }
    }
}

/// The reversal dialog for one entry.
#[derive(Debug, Clone, Default)]
pub struct ReversalDialog {
    pub entry_id: i64,
    pub voucher_no: String,
    pub summary: String,
    pub reason: String,
    pub date: String,
    pub error: Option<String>,
}

/// The index a [`FetchPlan`] reads pages through.
#[derive(Debug, Clone)]
enum IndexOf {
    /// The filter changed (or the ledger did): index it first.
    New(LedgerFilter),
    Current(LedgerIndex),
}

/// What the ledger screen needs read after a frame; `Send`, so a worker can read it.
#[derive(Debug, Clone)]
pub struct FetchPlan {
    index: IndexOf,
    order: LedgerOrder,
    /// The page numbers wanted and not cached.
    pages: Vec<i64>,
}

/// What a [`FetchPlan`] read.
#[derive(Debug)]
pub struct Fetched {
    new_index: Option<LedgerIndex>,
    order: LedgerOrder,
    pages: Vec<(i64, Vec<LedgerRow>)>,
}

impl FetchPlan {
    /// Reads the index (when new) and the pages from the ledger.
    pub fn read(self, ledger: &Ledger) -> crate::store::Result<Fetched> {
        let (index, new) = match self.index {
            IndexOf::New(filter) => (ledger.ledger_index(&filter)?, true),
            IndexOf::Current(index) => (index, false),
        };
        let mut pages = Vec::with_capacity(self.pages.len());
        for page in self.pages {
            // Past the end (the filter now matches fewer): an empty page, so it is
            // not asked for again.
            if page * PAGE_ROWS >= index.count {
                pages.push((page, Vec::new()));
                continue;
            }
            let rows = ledger.ledger_page(&index, self.order, page * PAGE_ROWS, PAGE_ROWS)?;
            pages.push((page, rows));
        }
        Ok(Fetched {
            new_index: new.then_some(index),
            order: self.order,
            pages,
        })
    }
}

/// The ledger screen's state.
#[derive(Debug, Default)]
pub struct LedgerScreen {
    pub period: PeriodChoice,
    pub from: String,
    pub to: String,
    pub fund_id: Option<i64>,
    pub category_id: Option<i64>,
    pub source_id: Option<i64>,
    pub kind: Option<EntryKind>,
    pub member: MemberPicker,
    pub text: String,
    /// The text filter applies on Enter or 查询, not per keystroke.
    applied_text: String,
    pub oldest_first: bool,
    pub index: Option<LedgerIndex>,
    index_order: LedgerOrder,
    pages: HashMap<i64, Vec<LedgerRow>>,
    wanted: Option<(i64, i64)>,
    pub filter_error: Option<String>,
    pub selected: Option<i64>,
    pub reversal: Option<ReversalDialog>,
    stale: bool,
    /// A row to bring into view on the next frames (used by the benchmark).
    pub scroll_to_row: Option<i64>,
    /// The filter the last frame described, applied after the frame.
    pending_filter: Option<LedgerFilter>,
}

impl LedgerScreen {
    /// Drops the cached rows after the ledger changed.
    pub fn invalidate(&mut self) {
        self.stale = true;
    }

    /// Whether rows are still missing from the screen.
    pub fn needs_repaint(&self) -> bool {
        self.wanted.is_some_and(|(first, last)| {
            (first / PAGE_ROWS..=last / PAGE_ROWS).any(|page| !self.pages.contains_key(&page))
        })
    }

    /// Shows one month's entries, of one category or group (from a chart's bar).
    pub fn show_month(&mut self, year: i32, month: u32, category_id: Option<i64>) {
        *self = Self::default();
        let period = Period::month(year, month);
        self.period = PeriodChoice::Custom;
        self.from = crate::core::date::format_date(period.start);
        self.to = crate::core::date::format_date(period.end);
        self.category_id = category_id;
    }

    /// Shows the entries of a filter made elsewhere (a branch's figure in 汇总):
    /// its period, fund, category, source and kind.
    pub fn show_filter(&mut self, filter: &LedgerFilter) {
        *self = Self::default();
        if let Some(period) = filter.period {
            self.period = PeriodChoice::Custom;
            self.from = crate::core::date::format_date(period.start);
            self.to = crate::core::date::format_date(period.end);
        } else {
            self.period = PeriodChoice::All;
        }
        self.fund_id = filter.fund_id;
        self.category_id = filter.category_id;
        self.source_id = filter.source_id;
        self.kind = filter.kind;
    }

    /// Shows one member's entries.
    pub fn show_member(&mut self, member_id: i64, data: &LedgerData) {
        *self = Self::default();
        self.member.set(data, member_id);
    }

    /// The filter the form describes now, or why it cannot be applied.
    fn current_filter(&self, today: NaiveDate) -> Result<LedgerFilter, String> {
        let period = match self.period {
            PeriodChoice::All => None,
            PeriodChoice::ThisMonth => Some(Period::month(today.year(), today.month())),
            PeriodChoice::ThisQuarter => Some(Period::quarter_of(today)),
            PeriodChoice::ThisYear => Some(Period::year(today.year())),
            PeriodChoice::LastYear => Some(Period::year(today.year() - 1)),
            PeriodChoice::Custom => {
                let from = parse_date(&self.from).map_err(|e| format!("起始日期：{e}"))?;
                let to = parse_date(&self.to).map_err(|e| format!("截止日期：{e}"))?;
                if to < from {
                    return Err("截止日期：早于起始日期".into());
                }
                Some(Period::new(from, to))
            }
        };
        let member_id = self.member.chosen()?;
        Ok(LedgerFilter {
            period,
            fund_id: self.fund_id,
            category_id: self.category_id,
            source_id: self.source_id,
            member_id,
            kind: self.kind,
            text: self.applied_text.clone(),
        })
    }

    fn order(&self) -> LedgerOrder {
        if self.oldest_first {
            LedgerOrder::OldestFirst
        } else {
            LedgerOrder::NewestFirst
        }
    }

    /// Re-indexes when the filter changed and fetches the pages drawing asked for.
    /// Called by the app after the frame, never from drawing code.
    /// Returns whether anything new was read, so the app can draw it at once.
    pub fn fetch_wanted(&mut self, ledger: &Ledger) -> crate::store::Result<bool> {
        match self.fetch_plan() {
            Some(plan) => Ok(self.take_fetched(plan.read(ledger)?)),
            None => Ok(false),
        }
    }

    /// What must be read for the last frame: a new index when the filter, the order
    /// or the ledger changed, and the pages drawing wanted that are not cached; `None`
    /// when everything is here. Read with [`FetchPlan::read`] (on a worker for a
    /// server), then given to [`LedgerScreen::take_fetched`].
    pub fn fetch_plan(&mut self) -> Option<FetchPlan> {
        let order = self.order();
        let reindex = self.pending_filter.take().filter(|filter| {
            self.stale
                || self.index_order != order
                || self
                    .index
                    .as_ref()
                    .is_none_or(|index| index.filter != *filter)
        });
        let (first, last) = self.wanted.unwrap_or((0, -1));
        let pages: Vec<i64> = if last < first {
            Vec::new()
        } else {
            (first / PAGE_ROWS..=last / PAGE_ROWS)
                .filter(|page| reindex.is_some() || !self.pages.contains_key(page))
                .collect()
        };
        if reindex.is_none() && (self.index.is_none() || pages.is_empty()) {
            return None;
        }
        Some(FetchPlan {
            index: match reindex {
                Some(filter) => IndexOf::New(filter),
                None => IndexOf::Current(self.index.clone()?),
            },
            order,
            pages,
        })
    }

    /// Takes what a [`FetchPlan`] read; true when anything new came.
    pub fn take_fetched(&mut self, fetched: Fetched) -> bool {
        let mut new = false;
        if let Some(index) = fetched.new_index {
            self.index = Some(index);
            self.index_order = fetched.order;
            self.pages.clear();
            self.stale = false;
            new = true;
        }
        if let Some((first, last)) = self.wanted
            && self.pages.len() + fetched.pages.len() > MAX_CACHED_PAGES
        {
            self.pages.retain(|cached, _| {
                (first / PAGE_ROWS - 2..=last / PAGE_ROWS + 2).contains(cached)
            });
        }
        for (page, rows) in fetched.pages {
            self.pages.insert(page, rows);
            new = true;
        }
        new
    }
    fn row(&self, position: i64) -> Option<&LedgerRow> {
        self.pages
            .get(&(position / PAGE_ROWS))
            .and_then(|rows| rows.get((position % PAGE_ROWS) as usize))
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &LedgerData,
        today: NaiveDate,
        commands: &mut Vec<Command>,
    ) {
        self.filter_bar_ui(ui, data);
        match self.current_filter(today) {
            Ok(filter) => {
                self.filter_error = None;
                self.pending_filter = Some(filter);
            }
            Err(message) => {
                // Rows of the last valid filter would be misleading under the error.
                self.filter_error = Some(message);
                self.index = None;
                self.pages.clear();
            }
        }
        if let Some(error) = &self.filter_error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        let count = self.index.as_ref().map_or(0, |index| index.count);
        ui.horizontal(|ui| {
            ui.weak(format!("共 {count} 笔"));
            if let Some(row) = self.selected.and_then(|id| self.find_loaded(id)).cloned() {
                ui.separator();
                ui.label(format!(
                    "已选 {} {} {} 元",
                    row.voucher_no,
                    row.item_name,
                    format_fen(row.entry.amount_fen)
                ));
                // An entry in a closed period cannot be reversed: said on the button
                // before a reason is typed.
                let closed = closed_covering(&data.closed_periods, row.entry.date);
                let can_reverse = row.entry.reverses_entry_id.is_none()
                    && row.entry.reversed_by_entry_id.is_none()
                    && closed.is_none();
                let button = ui.add_enabled(can_reverse, egui::Button::new("冲销…"));
                if let Some(closed) = closed {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        format!(
                            "{}，不能冲销（需要时先反结账）",
                            closed.refusal(row.entry.date)
                        ),
                    );
                }
                if button.clicked() {
                    self.reversal = Some(ReversalDialog {
                        entry_id: row.entry.id,
                        voucher_no: row.voucher_no.clone(),
                        summary: format!(
                            "{} {} {} {} 元",
                            format_date(row.entry.date),
                            row.item_name,
                            row.member_name,
                            format_fen(row.entry.amount_fen)
                        ),
                        reason: String::new(),
                        date: format_date(today),
                        error: None,
                    });
                }
                if !can_reverse {
                    ui.weak(if row.entry.reverses_entry_id.is_some() {
                        "这是冲销凭证"
                    } else {
                        "已被冲销"
                    });
                }
            }
        });
        // At a large text size on a small screen the columns scroll sideways.
        egui::ScrollArea::horizontal()
            .id_salt("ledger_table_across")
            .show(ui, |ui| self.table_ui(ui, count));
        self.reversal_ui(ui, commands);
    }

    fn find_loaded(&self, entry_id: i64) -> Option<&LedgerRow> {
        self.pages
            .values()
            .flatten()
            .find(|row| row.entry.id == entry_id)
    }

    fn filter_bar_ui(&mut self, ui: &mut egui::Ui, data: &LedgerData) {
        ui.horizontal_wrapped(|ui| {
            ui.heading("台账");
            ui.add_space(8.0);
            let combo = egui::ComboBox::from_id_salt("ledger_period")
                .selected_text(self.period.label())
                .show_ui(ui, |ui| {
                    for choice in PeriodChoice::ALL {
                        ui.selectable_value(&mut self.period, choice, choice.label());
                    }
                });
            combo.response.accessible_name("期间");
            if self.period == PeriodChoice::Custom {
                ui.add(
                    egui::TextEdit::singleline(&mut self.from)
                        .id_salt("ledger_from")
                        .hint_text("起始日期")
                        .desired_width(90.0),
                );
                ui.label("至");
                ui.add(
                    egui::TextEdit::singleline(&mut self.to)
                        .id_salt("ledger_to")
                        .hint_text("截止日期")
                        .desired_width(90.0),
                );
            }
            let funds: Vec<(i64, String)> =
                data.funds.iter().map(|f| (f.id, f.name.clone())).collect();
            id_combo(
                ui,
                "ledger_fund",
                "资金筛选",
                &mut self.fund_id,
                "全部资金",
                &funds,
                110.0,
            );
            let categories: Vec<(i64, String)> = data
                .categories
                .iter()
                .map(|c| {
                    (
                        c.id,
                        if c.parent_id.is_some() {
                            format!("    {}", c.name)
                        } else {
                            c.name.clone()
                        },
                    )
                })
                .collect();
            id_combo(
                ui,
                "ledger_category",
                "类别筛选",
                &mut self.category_id,
                "全部类别",
                &categories,
                130.0,
            );
            let sources: Vec<(i64, String)> = data
                .sources
                .iter()
                .map(|s| (s.id, s.name.clone()))
                .collect();
            id_combo(
                ui,
                "ledger_source",
                "来源筛选",
                &mut self.source_id,
                "全部来源",
                &sources,
                110.0,
            );
            let kind_text = self.kind.map_or("收支", EntryKind::label);
            let combo = egui::ComboBox::from_id_salt("ledger_kind")
                .selected_text(kind_text)
                .width(60.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.kind, None, "收支");
                    ui.selectable_value(&mut self.kind, Some(EntryKind::Income), "收入");
                    ui.selectable_value(&mut self.kind, Some(EntryKind::Disbursement), "支出");
                });
            combo.response.accessible_name("收支");
            ui.label("会员");
            ui.vertical(|ui| {
                self.member.ui(ui, data, "ledger_member");
            });
            let response = ui.add(
                egui::TextEdit::singleline(&mut self.text)
                    .id_salt("ledger_text")
                    .hint_text("摘要、经办人或凭证号")
                    .desired_width(150.0),
            );
            let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button("查询").clicked() || entered {
                self.applied_text = self.text.trim().to_string();
            }
            ui.checkbox(&mut self.oldest_first, "按日期正序");
        });
    }

    fn table_ui(&mut self, ui: &mut egui::Ui, count: i64) {
        let mut wanted: Option<(i64, i64)> = None;
        let mut clicked = None;
        let selected = self.selected;
        let scroll_to = self.scroll_to_row.filter(|row| *row < count);
        // A click anywhere on a row selects it, so cell text must not capture clicks.
        ui.style_mut().interaction.selectable_labels = false;
        let builder = TableBuilder::new(ui)
            .id_salt("ledger_table")
            .striped(true)
            .sense(egui::Sense::click())
            .column(Column::exact(84.0))
            .column(Column::exact(96.0))
            .column(Column::exact(74.0))
            .column(Column::exact(150.0))
            .column(Column::exact(70.0))
            .column(Column::exact(90.0))
            .column(Column::exact(90.0))
            .column(Column::exact(100.0))
            .column(Column::exact(50.0))
            .column(Column::exact(60.0))
            .column(Column::remainder());
        let builder = match scroll_to {
            Some(row) => builder.scroll_to_row(row as usize, Some(egui::Align::Center)),
            None => builder,
        };
        builder
            .header(22.0, |mut header| {
                for title in [
                    "日期",
                    "凭证号",
                    "资金",
                    "类别/来源",
                    "会员",
                    "收入",
                    "支出",
                    "余额",
                    "形式",
                    "经办人",
                    "摘要",
                ] {
                    header.col(|ui| {
                        heading_cell(ui, title, matches!(title, "收入" | "支出" | "余额"));
                    });
                }
            })
            .body(|body| {
                body.rows(22.0, count.max(0) as usize, |mut table_row| {
                    let position = table_row.index() as i64;
                    wanted = Some(wanted.map_or((position, position), |(a, b)| {
                        (a.min(position), b.max(position))
                    }));
                    let Some(row) = self.row(position) else {
                        table_row.col(|ui| {
                            ui.weak("…");
                        });
                        return;
                    };
                    table_row.set_selected(selected == Some(row.entry.id));
                    // The entry a reversal cancelled is struck through; the reversal
                    // itself is a live entry (its amount is the negative one).
                    let reversed = row.entry.reversed_by_entry_id.is_some();
                    let text = |ui: &mut egui::Ui, value: &str| {
                        if reversed {
                            ui.label(egui::RichText::new(value).strikethrough().weak());
                        } else {
                            ui.label(value);
                        }
                    };
                    table_row.col(|ui| text(ui, &format_date(row.entry.date)));
                    table_row.col(|ui| text(ui, &row.voucher_no));
                    table_row.col(|ui| text(ui, &row.fund_name));
                    table_row.col(|ui| text(ui, &row.item_name));
                    table_row.col(|ui| text(ui, &row.member_name));
                    // The column follows the entry's kind; a reversal shows as a negative
                    // amount in its original's column (红字冲销), as on the printed ledger.
                    let (income, spending) = match row.entry.kind {
                        EntryKind::Income => (format_fen(row.delta_fen), String::new()),
                        EntryKind::Disbursement => (String::new(), format_fen(-row.delta_fen)),
                    };
                    table_row.col(|ui| right(ui, &income));
                    table_row.col(|ui| right(ui, &spending));
                    table_row.col(|ui| right(ui, &format_fen(row.balance_after_fen)));
                    table_row.col(|ui| text(ui, row.entry.payment_form.label()));
                    table_row.col(|ui| text(ui, &row.entry.handler));
                    table_row.col(|ui| {
                        // Saved over a rule: tagged, the clerk's reason on hover.
                        if !row.entry.override_reason.is_empty() {
                            ui.colored_label(ui.visuals().error_fg_color, "超标")
                                .on_hover_text(format!(
                                    "超标准发放。说明：{}",
                                    row.entry.override_reason
                                ));
                        }
                        text(ui, &row.entry.note);
                    });
                    if table_row.response().clicked() {
                        clicked = Some(row.entry.id);
                    }
                });
            });
        self.wanted = wanted;
        if clicked.is_some() {
            self.selected = clicked;
        }
    }

    fn reversal_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let Some(dialog) = self.reversal.as_mut() else {
            return;
        };
        let answer = ConfirmDialog {
            id: "reversal",
            title: format!("冲销凭证 {}", dialog.voucher_no),
            summary: &dialog.summary,
            note: Some("原凭证保留在台账中，另记一笔金额相同、方向相反的冲销凭证。如需更正，冲销后重新登记。"),
            reason: Some(ReasonField {
                label: "冲销原因",
                hint: "必填，如 金额录错",
                text: &mut dialog.reason,
            }),
            date_label: "冲销日期",
            date_hint: "冲销日期",
            date: &mut dialog.date,
            error: &mut dialog.error,
            confirm: "确认冲销",
        }
        .show(ui.ctx());
        match answer {
            DialogAnswer::Open => {}
            DialogAnswer::Confirmed { reason, date } => commands.push(Command::ReverseEntry {
                entry_id: dialog.entry_id,
                reason,
                date,
            }),
            DialogAnswer::Cancelled => self.reversal = None,
        }
    }
}

fn right(ui: &mut egui::Ui, text: &str) {
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        ui.label(text);
    });
}
