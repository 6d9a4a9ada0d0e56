//! 走访: record a visit (五必访), list the visits of a period with their totals per
//! reason, end a hospital visit at discharge, and work through the Spring Festival list
//! of retired and hardship households.

use chrono::{Datelike, NaiveDate};
use egui_extras::{Column, TableBuilder};

use crate::core::date::{Period, format_date};
use crate::core::money::format_fen;
use crate::core::visit::{Visit, VisitTotal, reason_code};
use crate::store::VisitFilter;
use crate::ui::command::Command;
use crate::ui::data::LedgerData;
use crate::ui::screens::visit_form::VisitForm;
use crate::ui::widgets::{ConfirmDialog, DialogAnswer, heading_cell, id_combo};

/// The parts of the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VisitsTab {
    #[default]
    Form,
    List,
    Festival,
}

impl VisitsTab {
    const ALL: [VisitsTab; 3] = [VisitsTab::Form, VisitsTab::List, VisitsTab::Festival];

    fn label(self) -> &'static str {
        match self {
            VisitsTab::Form => "登记走访",
            VisitsTab::List => "走访记录",
            VisitsTab::Festival => "春节慰问名单",
        }
    }
}

/// The periods the list can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VisitPeriod {
    #[default]
    ThisYear,
    ThisQuarter,
    ThisMonth,
}

impl VisitPeriod {
    const ALL: [VisitPeriod; 3] = [
        VisitPeriod::ThisYear,
        VisitPeriod::ThisQuarter,
        VisitPeriod::ThisMonth,
    ];

    fn label(self) -> &'static str {
        match self {
            VisitPeriod::ThisYear => "本年",
            VisitPeriod::ThisQuarter => "本季度",
            VisitPeriod::ThisMonth => "本月",
        }
    }

    fn period(self, today: NaiveDate) -> Period {
        match self {
            VisitPeriod::ThisYear => Period::year(today.year()),
            VisitPeriod::ThisQuarter => Period::quarter_of(today),
            VisitPeriod::ThisMonth => Period::month(today.year(), today.month()),
        }
    }
}

/// The visits of a period as read from the ledger, with the totals per reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitList {
    pub filter: VisitFilter,
    pub visits: Vec<Visit>,
    pub totals: Vec<VisitTotal>,
}

/// The 结束（出院） dialog for one open visit.
#[derive(Debug, Clone, Default)]
pub struct CloseDialog {
    pub visit_id: i64,
    pub summary: String,
    pub date: String,
    pub error: Option<String>,
}

/// The visits screen's state.
#[derive(Debug, Clone, Default)]
pub struct VisitsScreen {
    pub tab: VisitsTab,
    pub form: VisitForm,
    /// The last save, shown under the form.
    pub last_saved: Option<String>,
    pub period: VisitPeriod,
    pub reason_id: Option<i64>,
    pub open_only: bool,
    pub list: Option<VisitList>,
    /// The filter asked for and not yet read.
    requested: Option<VisitFilter>,
    /// Whether the list must be read again (the ledger changed).
    stale: bool,
    pub close: Option<CloseDialog>,
    pub unvisited_only: bool,
    /// The visit whose row was clicked: all it records shows under the list.
    pub selected_visit: Option<i64>,
}

impl VisitsScreen {
    /// After a write: re-read the list and re-check the form.
    pub fn invalidate(&mut self) {
        self.stale = true;
        self.requested = None;
        self.form.invalidate_check();
    }

    /// A window left open over midnight moves the form's date along.
    pub fn follow_the_date(&mut self, previous: NaiveDate, today: NaiveDate) {
        if self.form.date == format_date(previous) {
            self.form.date = format_date(today);
        }
    }

    /// Opens the form for one member, with a reason by code.
    pub fn start(
        &mut self,
        data: &LedgerData,
        member_id: i64,
        reason_code: Option<&str>,
        today: NaiveDate,
    ) {
        self.form.start(data, member_id, reason_code, today);
        self.last_saved = None;
        self.tab = VisitsTab::Form;
    }

    /// Asks for the discharge date of an open visit.
    pub fn ask_close(&mut self, visit: &Visit, today: NaiveDate) {
        self.tab = VisitsTab::List;
        self.close = Some(CloseDialog {
            visit_id: visit.id,
            summary: format!(
                "{}（{}）{}，{} 起{}",
                visit.member_name,
                visit.department,
                visit.reason_text(),
                format_date(visit.date),
                if visit.place.is_empty() {
                    String::new()
                } else {
                    format!("，{}", visit.place)
                }
            ),
            date: format_date(today),
            error: None,
        });
    }

    /// The list as read for `filter`.
    pub fn loaded(&mut self, list: VisitList) {
        self.list = Some(list);
        self.requested = None;
        self.stale = false;
    }

    fn filter(&self, today: NaiveDate) -> VisitFilter {
        VisitFilter {
            period: Some(self.period.period(today)),
            reason_id: self.reason_id,
            member_id: None,
            open_only: self.open_only,
        }
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &LedgerData,
        today: NaiveDate,
        commands: &mut Vec<Command>,
    ) {
        ui.horizontal(|ui| {
            ui.heading("走访慰问");
            ui.add_space(16.0);
            for tab in VisitsTab::ALL {
                if ui.selectable_label(self.tab == tab, tab.label()).clicked() {
                    self.tab = tab;
                }
            }
        });
        ui.add_space(8.0);
        match self.tab {
            VisitsTab::Form => {
                self.form
                    .ui(ui, data, today, self.last_saved.as_deref(), commands);
            }
            // Scrolled as a whole: at a large text size the chart, the totals and the
            // visits do not fit one screen.
            VisitsTab::List => {
                egui::ScrollArea::vertical()
                    .id_salt("visits_list_page")
                    .show(ui, |ui| self.list_ui(ui, data, today, commands));
            }
            VisitsTab::Festival => self.festival_ui(ui, data, today),
        }
        self.close_ui(ui, commands);
    }

    fn list_ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &LedgerData,
        today: NaiveDate,
        commands: &mut Vec<Command>,
    ) {
        ui.horizontal(|ui| {
            for period in VisitPeriod::ALL {
                ui.selectable_value(&mut self.period, period, period.label());
            }
            ui.add_space(12.0);
            let reasons: Vec<(i64, String)> = data
                .visit_reasons
                .iter()
                .map(|reason| (reason.id, reason.name.clone()))
                .collect();
            id_combo(
                ui,
                "visits_reason",
                "事由筛选",
                &mut self.reason_id,
                "全部事由",
                &reasons,
                130.0,
            );
            ui.checkbox(&mut self.open_only, "只看住院中");
        });
        let wanted = self.filter(today);
        let current = self.list.as_ref().is_some_and(|list| list.filter == wanted);
        if (!current || self.stale) && self.requested.as_ref() != Some(&wanted) {
            self.requested = Some(wanted.clone());
            commands.push(Command::LoadVisits(wanted.clone()));
        }
        let Some(list) = self.list.as_ref().filter(|list| list.filter == wanted) else {
            ui.weak("正在读取…");
            return;
        };
        ui.add_space(8.0);
        if let Some(chart) = &data.visits_chart {
            crate::ui::chart::chart_ui(ui, "visits_chart", chart, 170.0);
            ui.add_space(8.0);
        }
        let period = wanted.period.map(|p| p.label()).unwrap_or_default();
        totals_ui(ui, &period, &list.totals);
        ui.add_space(12.0);
        ui.strong(format!("走访记录（{} 次）", list.visits.len()));
        if list.visits.is_empty() {
            ui.weak("没有符合条件的走访。");
            return;
        }
        let (close, clicked) = visits_table_ui(ui, &list.visits, self.selected_visit);
        let selected = clicked.or(self.selected_visit);
        if let Some(visit) = selected.and_then(|id| list.visits.iter().find(|visit| visit.id == id))
        {
            ui.add_space(8.0);
            visit_detail_ui(ui, visit);
        }
        self.selected_visit = selected;
        if let Some(visit) = close {
            self.ask_close(&visit, today);
        }
    }

    fn festival_ui(&mut self, ui: &mut egui::Ui, data: &LedgerData, today: NaiveDate) {
        let Some(roster) = &data.festival else {
            ui.weak("日历中没有下一个春节的日期，无法列出春节慰问名单。");
            return;
        };
        ui.strong(format!(
            "{} 年春节（{}）慰问离退休职工和困难职工",
            roster.festival.year(),
            format_date(roster.festival)
        ));
        ui.weak(format!(
            "{} 起的走访、困难帮扶和春节慰问都算已走访。",
            format_date(roster.from)
        ));
        ui.horizontal(|ui| {
            ui.label(format!(
                "共 {} 户，已走访 {} 户，未走访 {} 户",
                roster.rows.len(),
                roster.visited_count(),
                roster.rows.len() - roster.visited_count()
            ));
            ui.checkbox(&mut self.unvisited_only, "只看未走访");
        });
        ui.add_space(6.0);
        let rows: Vec<_> = roster
            .rows
            .iter()
            .filter(|row| !self.unvisited_only || !row.visited)
            .collect();
        if rows.is_empty() {
            ui.weak("名单中没有需要走访的会员。");
            return;
        }
        let mut start = None;
        ui.style_mut().interaction.selectable_labels = false;
        TableBuilder::new(ui)
            .id_salt("festival_table")
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .striped(true)
            .column(Column::exact(90.0))
            .column(Column::exact(90.0))
            .column(Column::exact(110.0))
            .column(Column::exact(220.0))
            .column(Column::exact(80.0))
            .column(Column::remainder())
            .header(22.0, |mut header| {
                for title in ["姓名", "工号", "科室", "类别", "状态", ""] {
                    header.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(24.0, rows.len(), |mut table_row| {
                    let Some(row) = rows.get(table_row.index()) else {
                        return;
                    };
                    table_row.col(|ui| {
                        ui.label(&row.name);
                    });
                    table_row.col(|ui| {
                        ui.label(&row.employee_no);
                    });
                    table_row.col(|ui| {
                        ui.label(&row.department);
                    });
                    table_row.col(|ui| {
                        ui.label(row.kind_text());
                    });
                    table_row.col(|ui| {
                        if row.visited {
                            ui.label("已走访");
                        } else {
                            ui.colored_label(ui.visuals().warn_fg_color, "未走访");
                        }
                    });
                    table_row.col(|ui| {
                        let button = egui::Button::new("登记走访").small();
                        if ui.add(button).clicked() {
                            start = Some((row.member_id, row.hardship.is_some()));
                        }
                    });
                });
            });
        if let Some((member_id, hardship)) = start {
            let code = hardship.then_some(reason_code::HARDSHIP);
            self.start(data, member_id, code, today);
        }
    }

    fn close_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let Some(dialog) = self.close.as_mut() else {
            return;
        };
        let answer = ConfirmDialog {
            id: "close_visit",
            title: "结束走访（出院）".to_string(),
            summary: &dialog.summary,
            note: None,
            reason: None,
            date_label: "出院日期",
            date_hint: "出院日期，如 2026-07-02",
            date: &mut dialog.date,
            error: &mut dialog.error,
            confirm: "确认出院",
        }
        .show(ui.ctx());
        match answer {
            DialogAnswer::Open => {}
            DialogAnswer::Confirmed { date, .. } => commands.push(Command::CloseVisit {
                visit_id: dialog.visit_id,
                date,
            }),
            DialogAnswer::Cancelled => self.close = None,
        }
    }
}

/// Per reason: visits (人次), money and goods, with the period's totals.
fn totals_ui(ui: &mut egui::Ui, period: &str, totals: &[VisitTotal]) {
    let rows: Vec<&VisitTotal> = totals
        .iter()
        .filter(|total| total.visits > 0 || total.money_fen != 0 || total.goods_fen != 0)
        .collect();
    let visits: i64 = rows.iter().map(|total| total.visits).sum();
    let money: i64 = rows.iter().map(|total| total.money_fen).sum();
    let goods: i64 = rows.iter().map(|total| total.goods_fen).sum();
    ui.strong(format!(
        "{period}走访 {visits} 人次，慰问金 {} 元，慰问品 {} 元",
        format_fen(money),
        format_fen(goods)
    ));
    if rows.is_empty() {
        return;
    }
    ui.add_space(4.0);
    let mut lines: Vec<(&str, i64, i64, i64)> = rows
        .iter()
        .map(|total| {
            (
                total.reason_name.as_str(),
                total.visits,
                total.money_fen,
                total.goods_fen,
            )
        })
        .collect();
    lines.push(("合计", visits, money, goods));
    TableBuilder::new(ui)
        .id_salt("visit_totals")
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .striped(true)
        .vscroll(false)
        .column(Column::exact(140.0))
        .column(Column::exact(60.0))
        .columns(Column::exact(130.0), 3)
        .header(22.0, |mut header| {
            for title in ["事由", "人次", "慰问金（元）", "慰问品（元）", "合计（元）"]
            {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|mut body| {
            let last = lines.len() - 1;
            for (index, (name, count, money_fen, goods_fen)) in lines.into_iter().enumerate() {
                body.row(22.0, |mut row| {
                    row.col(|ui| {
                        if index == last {
                            ui.strong(name);
                        } else {
                            ui.label(name);
                        }
                    });
                    row.col(|ui| {
                        ui.label(count.to_string());
                    });
                    for fen in [money_fen, goods_fen, money_fen + goods_fen] {
                        row.col(|ui| right(ui, &format_fen(fen)));
                    }
                });
            }
        });
}

/// Text aligned to the right of its table cell.
fn right(ui: &mut egui::Ui, text: &str) {
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        ui.label(text);
    });
}

/// Everything one visit records, under the list when its row is clicked.
fn visit_detail_ui(ui: &mut egui::Ui, visit: &Visit) {
    ui.strong(format!(
        "{} {} · {}",
        format_date(visit.date),
        visit.member_name,
        visit.reason_text()
    ));
    egui::Grid::new("visit_detail")
        .num_columns(2)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            let goods = if visit.goods.is_empty() && visit.goods_fen == 0 {
                String::new()
            } else {
                format!("{} {} 元", visit.goods, format_fen(visit.goods_fen))
            };
            let money = if visit.money_fen == 0 {
                String::new()
            } else {
                format!("{} 元", format_fen(visit.money_fen))
            };
            for (label, value) in [
                ("地点", visit.place.clone()),
                ("走访人", visit.visitors.clone()),
                ("病情/情况", visit.detail.clone()),
                ("慰问金", money),
                ("慰问品", goods),
                ("凭证号", visit.vouchers.join(" ")),
                ("状态", visit.status_text()),
                ("超标准说明", visit.override_reason.clone()),
                ("备注", visit.note.clone()),
            ] {
                if value.trim().is_empty() {
                    continue;
                }
                ui.label(egui::RichText::new(label).strong());
                ui.label(value);
                ui.end_row();
            }
        });
}

/// The visits, newest first; returns the open visit whose 结束（出院） was clicked and
/// the visit whose row was clicked.
fn visits_table_ui(
    ui: &mut egui::Ui,
    visits: &[Visit],
    selected: Option<i64>,
) -> (Option<Visit>, Option<i64>) {
    let mut close = None;
    let mut clicked = None;
    ui.style_mut().interaction.selectable_labels = false;
    TableBuilder::new(ui)
        .id_salt("visits_table")
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .striped(true)
        .sense(egui::Sense::click())
        .max_scroll_height(360.0)
        .column(Column::exact(84.0))
        .column(Column::exact(70.0))
        .column(Column::exact(80.0))
        .column(Column::exact(120.0))
        .column(Column::exact(130.0).clip(true))
        .column(Column::exact(110.0).clip(true))
        .column(Column::exact(90.0).clip(true))
        .column(Column::exact(96.0))
        .column(Column::exact(130.0).clip(true))
        .column(Column::exact(150.0).clip(true))
        .column(Column::remainder())
        .header(22.0, |mut header| {
            for title in [
                "日期",
                "会员",
                "科室",
                "事由",
                "地点",
                "病情/情况",
                "走访人",
                "慰问金（元）",
                "慰问品",
                "凭证号",
                "状态",
            ] {
                header.col(|ui| {
                    heading_cell(ui, title, title == "慰问金（元）");
                });
            }
        })
        .body(|body| {
            body.rows(24.0, visits.len(), |mut table_row| {
                let Some(visit) = visits.get(table_row.index()) else {
                    return;
                };
                table_row.set_selected(selected == Some(visit.id));
                table_row.col(|ui| {
                    ui.label(format_date(visit.date));
                });
                table_row.col(|ui| {
                    ui.label(&visit.member_name);
                });
                table_row.col(|ui| {
                    ui.label(&visit.department);
                });
                table_row.col(|ui| {
                    ui.label(visit.reason_text());
                });
                table_row.col(|ui| {
                    ui.label(&visit.place);
                });
                table_row.col(|ui| {
                    ui.label(&visit.detail);
                });
                table_row.col(|ui| {
                    ui.label(&visit.visitors);
                });
                table_row.col(|ui| {
                    if visit.money_fen != 0 {
                        right(ui, &format_fen(visit.money_fen));
                    }
                });
                table_row.col(|ui| {
                    if visit.goods_fen != 0 || !visit.goods.is_empty() {
                        ui.label(format!("{} {}", visit.goods, format_fen(visit.goods_fen)));
                    }
                });
                table_row.col(|ui| {
                    ui.label(visit.vouchers.join(" "));
                });
                table_row.col(|ui| {
                    ui.horizontal(|ui| {
                        if visit.is_open {
                            ui.colored_label(ui.visuals().warn_fg_color, "住院中");
                            if ui.add(egui::Button::new("结束（出院）").small()).clicked() {
                                close = Some(visit.clone());
                            }
                        } else {
                            ui.label(visit.status_text());
                        }
                        if !visit.override_reason.is_empty() {
                            ui.colored_label(ui.visuals().error_fg_color, "超标准")
                                .on_hover_text(format!("超标准说明：{}", visit.override_reason));
                        }
                    });
                });
                if table_row.response().clicked() {
                    clicked = Some(visit.id);
                }
            });
        });
    (close, clicked)
}
