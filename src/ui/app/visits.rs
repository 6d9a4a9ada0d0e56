//! 走访: checking, listing, recording and ending visits.

use super::jobs::Work;
use super::*;

impl LedgerApp {
    /// 走访: checking, listing, recording and ending visits.
    pub(super) fn apply_visits(&mut self, command: Command) -> Outcome {
        let today = self.clock.today();
        match command {
            Command::CheckVisit(visit) => self.lend(
                Work::upkeep(),
                {
                    let visit = visit.clone();
                    move |ledger, _, _| ledger.check_visit(&visit)
                },
                move |app, result| {
                    app.visits
                        .form
                        .check_result(&visit, result.map_err(|e| e.to_string()));
                    Outcome::Quiet
                },
            ),
            Command::LoadVisits(filter) => self.lend(
                Work::read("正在读取走访记录", false),
                move |ledger, _, _| {
                    let period = filter.period.unwrap_or_else(|| Period::year(today.year()));
                    let visits = ledger.visits(&filter)?;
                    let totals = ledger.visit_totals(period)?;
                    Ok(VisitList {
                        filter,
                        visits,
                        totals,
                    })
                },
                |app, list| {
                    match list {
                        Ok(list) => app.visits.loaded(list),
                        // In the status bar only: the list stays as it was.
                        Err(error) => app.notice = Some(Notice::Error(error.to_string())),
                    }
                    Outcome::Quiet
                },
            ),
            Command::AddVisit { visit, extras } => self.lend(
                Work::write("正在保存走访", false),
                move |ledger, clock, _| ledger.add_visit(&visit, &extras, clock),
                |app, result| {
                    Outcome::of(
                        result
                            .map(|saved| {
                                let message = saved_text(&saved);
                                app.visits.form.saved();
                                app.visits.last_saved = Some(message.clone());
                                message
                            })
                            .map_err(|e| e.to_string()),
                    )
                },
            ),
            Command::CloseVisit { visit_id, date } => self.lend(
                Work::write("正在结束走访", false),
                move |ledger, clock, _| ledger.close_visit(visit_id, date, clock),
                move |app, result| match result {
                    Ok(visit) => {
                        app.visits.close = None;
                        Outcome::Done(format!(
                            "已结束走访：{} {}，出院日期 {}",
                            visit.member_name,
                            visit.reason_text(),
                            crate::core::date::format_date(date)
                        ))
                    }
                    Err(error) => {
                        if let Some(dialog) = app.visits.close.as_mut() {
                            dialog.error = Some(error.to_string());
                        }
                        Outcome::Failed(error.to_string())
                    }
                },
            ),
            // Routed to their own domains by `apply`.
            _ => Outcome::Quiet,
        }
    }
}
