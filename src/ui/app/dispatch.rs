//! Applying commands: each goes to the one function of its domain (one file per
//! domain beside this one), and what it came to is shown on the screen it came from.

use super::*;
use crate::ui::open_dialog::OpenDialog;

impl LedgerApp {
    /// Applies one command: every command goes to the one function of its domain, and
    /// each returns an [`Outcome`] that [`LedgerApp::settle`] shows — on the screen the
    /// command came from.
    pub(super) fn apply(&mut self, command: Command) {
        let origin = self.screen;
        let outcome = match command {
            Command::GoTo(_)
            | Command::ShowOpenDialog
            | Command::PickLedger
            | Command::OpenLedger(_)
            | Command::OpenLedgerReadOnly(_)
            | Command::OpenBatch { .. }
            | Command::StartVisit { .. }
            | Command::ShowMemberLedger(_)
            | Command::ShowLedgerMonth { .. }
            | Command::SetAppearance(_)
            | Command::AskCloseVisit(_) => self.apply_window(command),
            Command::Report(command) => {
                self.apply_report(command);
                Outcome::Quiet
            }
            Command::PickRoster
            | Command::PreviewRoster(..)
            | Command::AddMember(_)
            | Command::UpdateMember(..)
            | Command::ImportMembers(_) => self.apply_members(command),
            Command::AddEntry(..) | Command::CheckEntry { .. } | Command::ReverseEntry { .. } => {
                self.apply_entries(command)
            }
            Command::Batch(command) => self.apply_batch(command),
            Command::Insurance(command) => self.apply_insurance(command),
            Command::CheckVisit(_)
            | Command::LoadVisits(_)
            | Command::AddVisit { .. }
            | Command::CloseVisit { .. } => self.apply_visits(command),
            Command::Policy(_)
            | Command::SetUnionName(_)
            | Command::SetHandler(_)
            | Command::AddFund(_)
            | Command::UpdateFund { .. }
            | Command::SetFundOpening { .. }
            | Command::AddCategory { .. }
            | Command::UpdateCategory { .. }
            | Command::MoveCategory { .. }
            | Command::AddIncomeSource { .. }
            | Command::UpdateIncomeSource { .. }
            | Command::FinishGuidedStart
            | Command::LoadDemo => self.apply_settings(command),
            Command::Audit(command) => self.apply_audit(command),
            Command::Consolidation(command) => self.apply_consolidation(command),
        };
        self.settle(outcome, origin);
    }

    /// Shows what a command came to: after a write every view is read again and the
    /// message goes to the status bar; a refusal shows beside the fields of the screen
    /// the command came from (entry, reversal, batch, claim and discharge forms), or in
    /// a dialog.
    pub(super) fn settle(&mut self, outcome: Outcome, origin: Screen) {
        match outcome {
            Outcome::Quiet => {}
            Outcome::Done(message) => {
                if let Err(error) = self.refresh(self.clock.today()) {
                    self.notice = Some(Notice::Error(error.to_string()));
                } else {
                    self.notice = Some(Notice::Info(message));
                }
            }
            Outcome::Failed(message) => {
                let beside = matches!(
                    origin,
                    Screen::Entry | Screen::Ledger | Screen::Batches | Screen::Insurance
                ) || (origin == Screen::Visits && self.visits.close.is_some());
                if !beside {
                    self.error_dialog = Some(message.clone());
                }
                self.notice = Some(Notice::Error(message));
            }
        }
    }

    /// Navigation, opening ledgers and dialogs, and screens opened on something: nothing
    /// is written.
    pub(super) fn apply_window(&mut self, command: Command) -> Outcome {
        let today = self.clock.today();
        match command {
            Command::GoTo(screen) => {
                // An error belongs to the screen it came from.
                if screen != self.screen && matches!(self.notice, Some(Notice::Error(_))) {
                    self.notice = None;
                }
                self.screen = screen;
            }
            Command::ShowOpenDialog => {
                self.open_dialog = Some(OpenDialog::for_location(&self.db_path));
            }
            Command::PickLedger => {
                if let Some(path) = self.dialogs.pick_ledger() {
                    self.open_dialog = Some(OpenDialog::for_location(&path));
                }
            }
            Command::OpenLedger(path) => self.open(path),
            Command::OpenLedgerReadOnly(path) => self.open_as(path, true),
            Command::OpenBatch { category_id, date } => {
                // Holiday goods are handed out before the holiday, and the ledger
                // refuses entries dated after today.
                self.batches.prefill(category_id, date.min(today));
                self.screen = Screen::Batches;
            }
            Command::StartVisit {
                member_id,
                reason_code,
            } => {
                if let Some(session) = &self.session {
                    self.visits
                        .start(&session.data, member_id, reason_code.as_deref(), today);
                    self.screen = Screen::Visits;
                }
            }
            Command::ShowMemberLedger(member_id) => {
                if let Some(session) = &self.session {
                    self.ledger_view.show_member(member_id, &session.data);
                    self.screen = Screen::Ledger;
                }
            }
            Command::SetAppearance(appearance) => {
                self.appearance = appearance;
                if let Some(file) = &self.appearance_file
                    && let Err(error) = appearance.save(file)
                {
                    self.notice = Some(Notice::Error(format!(
                        "外观已改，但无法保存到“{}”：{}",
                        file.display(),
                        crate::print::io_error_text(&error)
                    )));
                }
            }
            Command::ShowLedgerMonth {
                year,
                month,
                category_id,
            } => {
                self.ledger_view.show_month(year, month, category_id);
                self.screen = Screen::Ledger;
            }
            Command::AskCloseVisit(visit_id) => {
                return self.lend(
                    super::jobs::Work::read("正在读取走访", false),
                    move |ledger, _, _| ledger.visit(visit_id),
                    move |app, result| {
                        match result {
                            Ok(visit) => {
                                app.visits.ask_close(&visit, today);
                                app.screen = Screen::Visits;
                            }
                            Err(error) => app.error_dialog = Some(error.to_string()),
                        }
                        Outcome::Quiet
                    },
                );
            }
            // Routed to their own domains by `apply`.
            _ => {}
        }
        Outcome::Quiet
    }
}
