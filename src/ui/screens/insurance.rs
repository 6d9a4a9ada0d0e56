//! 互助保障: the mutual-insurance plans the union buys into, who is enrolled, and the
//! claims taken from registration to payment. The plan form lives in
//! `insurance_plans`, the claims tab in `insurance_claims`.

use chrono::NaiveDate;
use egui_extras::{Column, TableBuilder};

use crate::core::date::{Period, format_date, parse_date};
use crate::core::insurance::{Claim, DocumentKind, Enrolment, Plan, PlanYearTotal, yuan};
use crate::core::model::Member;
use crate::core::money::format_fen;
use crate::store::{ClaimFilter, EnrolSpec, EnrolSummary, Ledger};
use crate::ui::command::Command;
use crate::ui::data::LedgerData;
use crate::ui::screens::insurance_claims::ClaimsTab;
use crate::ui::screens::insurance_plans::PlanForm;
use crate::ui::widgets::{ApprovalForm, GroupForm, id_combo, member_label};

pub use crate::ui::command::InsuranceCommand;

/// The three tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InsuranceTab {
    #[default]
    Plans,
    Enrol,
    Claims,
}

/// A claim with what its detail panel shows beside it.
#[derive(Debug, Clone)]
pub struct ClaimDetail {
    pub claim: Claim,
    /// File id, document, name and size in bytes.
    pub files: Vec<(i64, DocumentKind, String, i64)>,
    /// Per plan: claims paid to the member and the amount.
    pub usage: Vec<(String, i64, i64)>,
}

/// What the screen read from the ledger at its last load.
#[derive(Debug, Clone, Default)]
pub struct InsuranceView {
    pub plans: Vec<Plan>,
    pub totals: Vec<PlanYearTotal>,
    pub enrolments: Vec<Enrolment>,
    /// Members not enrolled in the enrolment tab's plan, with why it would refuse them.
    pub not_enrolled: Vec<(Member, Option<String>)>,
    pub claims: Vec<Claim>,
    pub detail: Option<ClaimDetail>,
}

/// The screen's choices that decide what it reads.
#[derive(Debug, Clone)]
pub struct ViewQuery {
    year: i32,
    enrol_plan_id: Option<i64>,
    claim_plan_id: Option<i64>,
    enrol_date: String,
    filter_plan: Option<i64>,
    filter_state: Option<crate::core::insurance::ClaimState>,
    selected: Option<i64>,
}

/// What a [`ViewQuery`] read, with the plans chosen when none (or a deleted one) was.
#[derive(Debug)]
pub struct ReadView {
    view: InsuranceView,
    enrol_plan_id: Option<i64>,
    claim_plan_id: Option<i64>,
}

impl ViewQuery {
    /// Reads the plans, enrolments and claims.
    pub fn read(self, ledger: &Ledger, today: NaiveDate) -> crate::store::Result<ReadView> {
        let mut view = InsuranceView {
            plans: ledger.plans()?,
            totals: ledger.plan_year_totals(self.year)?,
            ..InsuranceView::default()
        };
        // A plan chosen before it was deleted, or none yet: the newest plan.
        let choose = |chosen: Option<i64>| match chosen {
            Some(id) if view.plans.iter().any(|plan| plan.id == id) => Some(id),
            _ => view.plans.last().map(|plan| plan.id),
        };
        let (enrol_plan_id, claim_plan_id) =
            (choose(self.enrol_plan_id), choose(self.claim_plan_id));
        if let Some(plan_id) = enrol_plan_id {
            view.enrolments = ledger.enrolments(plan_id)?;
            let on = parse_date(&self.enrol_date).unwrap_or(today);
            view.not_enrolled = ledger.not_enrolled(plan_id, on)?;
        }
        let filter = ClaimFilter {
            plan_id: self.filter_plan,
            member_id: None,
            state: self.filter_state,
            period: Some(Period::year(self.year)),
        };
        view.claims = ledger.claims(&filter, today)?;
        view.detail = match self.selected {
            Some(claim_id) => {
                let claim = ledger.claim(claim_id, today)?;
                let files = ledger.claim_files(claim_id)?;
                let usage = ledger.member_plan_usage(claim.member_id)?;
                Some(ClaimDetail {
                    claim,
                    files,
                    usage,
                })
            }
            None => None,
        };
        Ok(ReadView {
            view,
            enrol_plan_id,
            claim_plan_id,
        })
    }
}

/// The enrolment tab's form and its last result.
#[derive(Debug, Clone, Default)]
pub struct EnrolForm {
    pub plan_id: Option<i64>,
    pub group: GroupForm,
    pub date: String,
    pub approval: ApprovalForm,
    pub error: Option<String>,
    pub result: Option<EnrolSummary>,
}

/// The insurance screen's state.
#[derive(Debug, Clone, Default)]
pub struct InsuranceScreen {
    pub tab: InsuranceTab,
    pub view: InsuranceView,
    /// The view must be read (again) on the next frame.
    outdated: bool,
    loaded: bool,
    /// The year of the totals strip and the claims list.
    pub year: i32,
    pub plan_form: PlanForm,
    pub enrol: EnrolForm,
    pub claims: ClaimsTab,
}

impl InsuranceScreen {
    /// After the ledger changed: the view is read again.
    pub fn invalidate(&mut self) {
        self.outdated = true;
    }

    /// After a plan was added: the form starts blank.
    pub fn plan_added(&mut self) {
        self.plan_form = PlanForm::default();
    }

    /// After an enrolment: the group picked is cleared and the summary shown.
    pub fn enrolled(&mut self, summary: EnrolSummary) {
        self.enrol.error = None;
        self.enrol.group.picked.clear();
        self.enrol.result = Some(summary);
    }

    /// Reads the plans, enrolments and claims the screen shows.
    pub fn load(&mut self, ledger: &Ledger, today: NaiveDate) -> crate::store::Result<()> {
        let read = self.view_query().read(ledger, today)?;
        self.take_view(read, today);
        Ok(())
    }

    /// What [`InsuranceScreen::load`] reads, as a value a worker can take.
    pub fn view_query(&self) -> ViewQuery {
        ViewQuery {
            year: self.year,
            enrol_plan_id: self.enrol.plan_id,
            claim_plan_id: self.claims.form.plan_id,
            enrol_date: self.enrol.date.clone(),
            filter_plan: self.claims.filter_plan,
            filter_state: self.claims.filter_state,
            selected: self.claims.selected,
        }
    }

    /// Shows what a [`ViewQuery`] read.
    pub fn take_view(&mut self, read: ReadView, today: NaiveDate) {
        self.outdated = false;
        self.loaded = true;
        self.enrol.plan_id = read.enrol_plan_id;
        self.claims.form.plan_id = read.claim_plan_id;
        self.view = read.view;
        if let Some(detail) = &self.view.detail {
            self.claims.actions.follow(&detail.claim, today);
        }
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &LedgerData,
        today: NaiveDate,
        commands: &mut Vec<Command>,
    ) {
        // The year follows the ledger's today (a window left open over New Year).
        if self.year != data.year {
            self.year = data.year;
            self.outdated = true;
        }
        if self.enrol.date.is_empty() {
            self.enrol.date = format_date(today);
        }
        if self.outdated || !self.loaded {
            // Marked loaded at once: the command is applied after this frame.
            self.outdated = false;
            self.loaded = true;
            commands.push(Command::Insurance(InsuranceCommand::Load));
        }
        ui.horizontal(|ui| {
            ui.heading("互助保障");
            ui.add_space(12.0);
            ui.selectable_value(
                &mut self.tab,
                InsuranceTab::Plans,
                format!("计划（{}）", self.view.plans.len()),
            );
            ui.selectable_value(&mut self.tab, InsuranceTab::Enrol, "参保");
            ui.selectable_value(&mut self.tab, InsuranceTab::Claims, "理赔");
        });
        self.totals_ui(ui);
        ui.separator();
        match self.tab {
            InsuranceTab::Plans => {
                if let Some(chart) = &data.payouts_chart {
                    // A third of the height: the plans below keep room to scroll.
                    let height = (ui.available_height() * 0.3).clamp(90.0, 160.0);
                    crate::ui::chart::chart_ui(ui, "payouts_chart", chart, height);
                    ui.separator();
                }
                self.plan_form.ui(ui, data, &self.view.plans, commands)
            }
            InsuranceTab::Enrol => self.enrol_ui(ui, data, commands),
            InsuranceTab::Claims => {
                let year = self.year;
                self.claims.ui(ui, data, &self.view, year, today, commands);
            }
        }
    }

    /// The year's figures per plan: 参保人数, 保费, 赔付人次, 赔付金额.
    fn totals_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            ui.strong(format!("{} 年", self.year));
            if self.view.totals.is_empty() {
                ui.weak("本年没有互助保障计划。");
            }
            for total in &self.view.totals {
                ui.add_space(12.0);
                ui.label(format!(
                    "{}：参保 {} 人 · 保费 {} 元 · 赔付 {} 人次 · {} 元",
                    total.name,
                    total.enrolled,
                    format_fen(total.premium_fen),
                    total.claims_paid,
                    format_fen(total.paid_fen)
                ));
            }
        });
    }

    fn plan_options(&self) -> Vec<(i64, String)> {
        plan_options(&self.view.plans)
    }

    /// The enrolment for a group under a decision.
    fn enrol_spec(&self, data: &LedgerData) -> Result<EnrolSpec, String> {
        let plan_id = self.enrol.plan_id.ok_or("参保计划：请选择")?;
        let enrolled_on = parse_date(&self.enrol.date).map_err(|e| format!("参保日期：{e}"))?;
        let approval = self
            .enrol
            .approval
            .build(true)?
            .ok_or("纪要编号：必须填写（工会委员会会议纪要的编号）")?;
        Ok(EnrolSpec {
            plan_id,
            group: self.enrol.group.group(),
            enrolled_on,
            approval,
            handler: data.handler.clone(),
        })
    }

    fn enrol_ui(&mut self, ui: &mut egui::Ui, data: &LedgerData, commands: &mut Vec<Command>) {
        egui::Panel::left("insurance_enrol_form")
            .resizable(false)
            .exact_size(460.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("insurance_enrol_scroll")
                    .show(ui, |ui| self.enrol_form_ui(ui, data, commands));
            });
        self.enrol_lists_ui(ui);
    }

    fn enrol_form_ui(&mut self, ui: &mut egui::Ui, data: &LedgerData, commands: &mut Vec<Command>) {
        let options = self.plan_options();
        egui::Grid::new("insurance_enrol_grid")
            .num_columns(2)
            .spacing([10.0, 8.0])
            .show(ui, |ui| {
                ui.label("参保计划");
                if id_combo(
                    ui,
                    "insurance_enrol_plan",
                    "参保计划",
                    &mut self.enrol.plan_id,
                    "请选择",
                    &options,
                    260.0,
                ) {
                    self.enrol.result = None;
                    self.outdated = true;
                }
                ui.end_row();
                ui.label("参保日期");
                let date = ui.add(
                    egui::TextEdit::singleline(&mut self.enrol.date)
                        .id_salt("insurance_enrol_date")
                        .hint_text("参保日期，如 2026-01-10")
                        .desired_width(160.0),
                );
                // The refusal reasons depend on the date (ages).
                if date.lost_focus() && parse_date(&self.enrol.date).is_ok() {
                    self.outdated = true;
                }
                ui.end_row();
            });
        if let Some(plan) = self
            .enrol
            .plan_id
            .and_then(|id| self.view.plans.iter().find(|plan| plan.id == id))
        {
            ui.weak(format!(
                "参保期 {} 至 {}；每人保费 {} 元，其中工会承担 {} 元（由“{}”支出，记一个批次）。",
                format_date(plan.enrol_from),
                format_date(plan.enrol_until),
                yuan(plan.premium_fen()),
                yuan(plan.premium_union_fen),
                data.fund_name(plan.fund_id)
            ));
        }
        ui.add_space(8.0);
        ui.strong("参保对象");
        self.enrol.group.ui(ui, data, "insurance_enrol", false);
        ui.weak("年中入职的职工：在“指定人员”中加入后参保；也可点击右侧未参保名单中的一行。");
        ui.add_space(8.0);
        ui.strong("审批依据（工会委员会决议，纪要编号必填）");
        self.enrol
            .approval
            .ui(ui, "insurance_enrol", &data.approvals);
        ui.add_space(8.0);
        if ui.button("办理参保").clicked() {
            match self.enrol_spec(data) {
                Ok(spec) => {
                    self.enrol.error = None;
                    commands.push(Command::Insurance(InsuranceCommand::Enrol(spec)));
                }
                Err(message) => self.enrol.error = Some(message),
            }
        }
        if let Some(error) = &self.enrol.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        if let Some(summary) = &self.enrol.result {
            ui.add_space(6.0);
            ui.strong(enrol_text(summary));
            for (who, reason) in &summary.refused {
                ui.colored_label(ui.visuals().error_fg_color, format!("{who}：{reason}"));
            }
        }
    }

    fn enrol_lists_ui(&mut self, ui: &mut egui::Ui) {
        if self.enrol.plan_id.is_none() {
            ui.add_space(20.0);
            ui.weak("还没有互助保障计划。先在“计划”中添加。");
            return;
        }
        let view = &self.view;
        ui.strong(format!("已参保（{} 人）", view.enrolments.len()));
        TableBuilder::new(ui)
            .id_salt("insurance_enrolled")
            .striped(true)
            .max_scroll_height(240.0)
            .column(Column::exact(110.0))
            .column(Column::exact(80.0))
            .column(Column::exact(90.0))
            .column(Column::exact(100.0))
            .column(Column::remainder())
            .header(22.0, |mut header| {
                for title in ["科室", "工号", "姓名", "参保日期", "保费凭证"] {
                    header.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(22.0, view.enrolments.len(), |mut row| {
                    let Some(enrolment) = view.enrolments.get(row.index()) else {
                        return;
                    };
                    for cell in [
                        enrolment.department.clone(),
                        enrolment.employee_no.clone(),
                        enrolment.name.clone(),
                        format_date(enrolment.enrolled_on),
                        enrolment.premium_voucher.clone(),
                    ] {
                        row.col(|ui| {
                            ui.add(egui::Label::new(cell).truncate());
                        });
                    }
                });
            });
        ui.add_space(10.0);
        ui.strong(format!("未参保（{} 人）", view.not_enrolled.len()));
        ui.weak("点击一行，把此人加入左侧“指定人员”。");
        let error_color = ui.visuals().error_fg_color;
        let mut clicked = None;
        ui.scope(|ui| {
            // A click anywhere on a row picks it, so cell text must not capture clicks.
            ui.style_mut().interaction.selectable_labels = false;
            TableBuilder::new(ui)
                .id_salt("insurance_not_enrolled")
                .striped(true)
                .sense(egui::Sense::click())
                .column(Column::exact(110.0))
                .column(Column::exact(80.0))
                .column(Column::exact(90.0))
                .column(Column::exact(60.0))
                .column(Column::remainder().clip(true))
                .header(22.0, |mut header| {
                    for title in ["科室", "工号", "姓名", "身份", "计划是否接受"] {
                        header.col(|ui| {
                            ui.strong(title);
                        });
                    }
                })
                .body(|body| {
                    body.rows(22.0, view.not_enrolled.len(), |mut row| {
                        let Some((member, reason)) = view.not_enrolled.get(row.index()) else {
                            return;
                        };
                        for cell in [
                            member.department.as_str(),
                            member.employee_no.as_str(),
                            member.name.as_str(),
                            member.status.label(),
                        ] {
                            row.col(|ui| {
                                ui.add(egui::Label::new(cell).truncate());
                            });
                        }
                        row.col(|ui| match reason {
                            Some(reason) => {
                                ui.add(
                                    egui::Label::new(
                                        egui::RichText::new(reason).color(error_color),
                                    )
                                    .truncate(),
                                );
                            }
                            None => {
                                ui.label("符合条件，未参保");
                            }
                        });
                        if row.response().clicked() {
                            clicked = Some(member.id);
                        }
                    });
                });
        });
        if let Some(member_id) = clicked
            && !self.enrol.group.picked.contains(&member_id)
        {
            self.enrol.group.picked.push(member_id);
        }
    }
}

/// Plans for a combo box, newest last.
pub fn plan_options(plans: &[Plan]) -> Vec<(i64, String)> {
    plans
        .iter()
        .map(|plan| (plan.id, plan.name.clone()))
        .collect()
}

/// "参保 12 人，已参保 3 人，不符合条件 2 人；工会承担保费 480.00 元".
pub fn enrol_text(summary: &EnrolSummary) -> String {
    format!(
        "参保 {} 人，此前已参保 {} 人，不符合条件 {} 人；工会承担保费 {} 元",
        summary.enrolled,
        summary.already_enrolled,
        summary.refused.len(),
        format_fen(summary.premium_fen)
    )
}

pub fn claim_text(what: &str, claim: &Claim) -> String {
    let amount = claim.approved_fen.unwrap_or(claim.computed.amount_fen);
    format!(
        "{what} {} {} 的理赔，金额 {} 元（{}）",
        claim.name,
        claim.facts.illness,
        format_fen(amount),
        claim.state.label()
    )
}

/// A member's name as the claims list shows it.
pub fn member_text(data: &LedgerData, member_id: i64) -> String {
    data.member(member_id)
        .map_or_else(|| format!("会员 #{member_id}"), member_label)
}
