//! 汇总: the consolidation book is a file of its own; registering checks a snapshot
//! whole (on the window's thread: a branch's file is read locally).

use super::*;
use crate::store::ConsolidationBook;
use crate::ui::command::ConsolidationCommand;

impl LedgerApp {
    pub(super) fn apply_consolidation(&mut self, command: ConsolidationCommand) -> Outcome {
        let today = self.clock.today();
        match command {
            // A book not made yet lists nothing (and is not made by looking).
            ConsolidationCommand::Load(book) if !book.is_file() => {
                self.consolidation
                    .loaded(&book.display().to_string(), Ok(Vec::new()));
                Outcome::Quiet
            }
            ConsolidationCommand::Load(book) => {
                self.read_book(&book);
                Outcome::Quiet
            }
            ConsolidationCommand::Register { book, snapshot } => {
                let registered = ConsolidationBook::open(&book)
                    .and_then(|mut opened| opened.register(&snapshot, self.clock.as_ref()));
                let outcome = match registered {
                    Ok(registration) => {
                        self.consolidation.snapshot.clear();
                        let mut message = format!(
                            "已登记：{} {}，凭证 {} 笔",
                            registration.branch, registration.period_label, registration.entries
                        );
                        if !registration.finding.is_empty() {
                            message.push_str(&format!("；问题：{}", registration.finding));
                        }
                        Outcome::Done(message)
                    }
                    Err(error) => Outcome::Failed(error.to_string()),
                };
                self.read_book(&book);
                outcome
            }
            ConsolidationCommand::Report { book, kind, period } => {
                let request = match crate::core::forms::consolidated_request(&kind, period) {
                    Ok(request) => request,
                    Err(problem) => {
                        self.consolidation.made(Err(problem));
                        return Outcome::Quiet;
                    }
                };
                let union_name = self
                    .session
                    .as_ref()
                    .map(|s| s.data.union_name.clone())
                    .unwrap_or_default();
                let made = ConsolidationBook::open(&book)
                    .and_then(|book| {
                        book.consolidated_form(
                            &union_name,
                            &request,
                            period,
                            today,
                            self.clock.as_ref(),
                        )
                    })
                    .map_err(|e| e.to_string());
                self.consolidation.made(made);
                Outcome::Quiet
            }
        }
    }

    /// Shows the book's registrations (or why they cannot be read).
    fn read_book(&mut self, book: &Path) {
        let read = ConsolidationBook::open(book)
            .and_then(|book| book.registrations())
            .map_err(|e| e.to_string());
        self.consolidation.loaded(&book.display().to_string(), read);
    }
}
