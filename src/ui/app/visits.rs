//! 走访: checking, listing, recording and ending visits.

use super::*;

impl LedgerApp {
    /// 走访: checking, listing, recording and ending visits.
    pub(super) fn apply_visits(&mut self, command: Command) -> Outcome {
        let today = self.clock.today();
        let Some(session) = self.session.as_mut() else {
            return Outcome::Quiet;
        };
        let clock = self.clock.as_ref();
        match command {
            Command::CheckVisit(visit) => {
                let result = session.ledger.check_visit(&visit);
                self.visits
                    .form
                    .check_result(&visit, result.map_err(|e| e.to_string()));
                Outcome::Quiet
            }
            Command::LoadVisits(filter) => {
                let period = filter.period.unwrap_or_else(|| Period::year(today.year()));
                let list = session.ledger.visits(&filter).and_then(|visits| {
                    let totals = session.ledger.visit_totals(period)?;
                    Ok(VisitList {
                        filter,
                        visits,
                        totals,
                    })
                });
                match list {
                    Ok(list) => self.visits.loaded(list),
                    // In the status bar only: the list stays as it was.
                    Err(error) => self.notice = Some(Notice::Error(error.to_string())),
                }
                Outcome::Quiet
            }
            Command::AddVisit { visit, extras } => Outcome::of(
                session
                    .ledger
                    .add_visit(&visit, &extras, clock)
                    .map(|saved| {
                        let message = saved_text(&saved);
                        self.visits.form.saved();
                        self.visits.last_saved = Some(message.clone());
                        message
                    })
                    .map_err(|e| e.to_string()),
            ),
            Command::CloseVisit { visit_id, date } => {
                match session.ledger.close_visit(visit_id, date, clock) {
                    Ok(visit) => {
                        self.visits.close = None;
                        Outcome::Done(format!(
                            "已结束走访：{} {}，出院日期 {}",
                            visit.member_name,
                            visit.reason_text(),
                            crate::core::date::format_date(date)
                        ))
                    }
                    Err(error) => {
                        if let Some(dialog) = self.visits.close.as_mut() {
                            dialog.error = Some(error.to_string());
                        }
                        Outcome::Failed(error.to_string())
                    }
                }
            }
            // Routed to their own domains by `apply`.
            _ => Outcome::Quiet,
        }
    }
}
