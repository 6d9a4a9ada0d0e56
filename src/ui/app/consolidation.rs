//! 汇总: the consolidation book is a file of its own, not the open ledger. Registering
//! (which checks a snapshot whole), making a consolidated form and reading the entries
//! behind a branch's figure run on a thread of their own, so the window keeps drawing
//! while a large snapshot is checked; the screen shows what runs and waits for it.

use super::*;
use crate::store::ConsolidationBook;
use crate::ui::command::ConsolidationCommand;
use crate::ui::screens::consolidation::{BookDone, BookJob};

/// The registrations of the book at `book`, their own chain verified (or why they
/// cannot be trusted or read), as `consolidate list` reads them.
fn read_registrations(book: &Path) -> Result<Vec<crate::store::Registration>, String> {
    let book = ConsolidationBook::open(book).map_err(|e| e.to_string())?;
    if let Some(problem) = book.verify().map_err(|e| e.to_string())? {
        return Err(format!("汇总台账的登记记录被改动过：{problem}"));
    }
    book.registrations().map_err(|e| e.to_string())
}

impl LedgerApp {
    pub(super) fn apply_consolidation(&mut self, command: ConsolidationCommand) -> Outcome {
        let today = self.clock.today();
        let clock = self.clock.clone();
        match command {
            // A book not made yet lists nothing (and is not made by looking).
            ConsolidationCommand::Load(book) if !book.is_file() => {
                self.consolidation
                    .loaded(&book.display().to_string(), Ok(Vec::new()));
            }
            // A few rows: read at once.
            ConsolidationCommand::Load(book) => {
                let read = read_registrations(&book);
                self.consolidation.loaded(&book.display().to_string(), read);
            }
            ConsolidationCommand::PickSnapshot { book } => {
                if let Some(snapshot) = self.dialogs.pick_snapshot() {
                    self.consolidation.snapshot = snapshot.display().to_string();
                    return self
                        .apply_consolidation(ConsolidationCommand::Register { book, snapshot });
                }
            }
            ConsolidationCommand::Register { book, snapshot } => {
                self.start_book_job("正在检查并登记快照", move || {
                    let result = ConsolidationBook::open(&book)
                        .and_then(|mut opened| opened.register(&snapshot, clock.as_ref()))
                        .map_err(|e| e.to_string());
                    BookDone::Registered {
                        result,
                        registrations: read_registrations(&book),
                        book: book.display().to_string(),
                    }
                });
            }
            ConsolidationCommand::Report { book, kind, period } => {
                let request = match crate::core::forms::consolidated_request(&kind, period) {
                    Ok(request) => request,
                    Err(problem) => {
                        self.consolidation.made(Err(problem), period, book);
                        return Outcome::Quiet;
                    }
                };
                let union_name = self
                    .session
                    .as_ref()
                    .map(|s| s.data.union_name.clone())
                    .unwrap_or_default();
                self.start_book_job("正在生成汇总", move || {
                    let made = ConsolidationBook::open_existing(&book)
                        .and_then(|book| {
                            book.consolidated_form(
                                &union_name,
                                &request,
                                period,
                                today,
                                clock.as_ref(),
                            )
                        })
                        .map_err(|e| e.to_string());
                    BookDone::Made(made, period, book)
                });
            }
            ConsolidationCommand::Entries {
                book,
                branch,
                period,
                target,
            } => {
                self.start_book_job("正在读取分会凭证", move || {
                    BookDone::Entries(
                        ConsolidationBook::open_existing(&book)
                            .and_then(|book| {
                                book.branch_entries(
                                    &branch,
                                    period,
                                    target,
                                    Some(crate::store::BRANCH_ENTRIES_SHOWN),
                                    clock.as_ref(),
                                )
                            })
                            .map_err(|e| e.to_string()),
                    )
                });
            }
            // The branch's snapshot in the window, read-only, at the entries behind the
            // figure; the clerk's own ledger stays open when it cannot be opened.
            ConsolidationCommand::OpenSnapshot { snapshot, filter } => {
                let before = self.db_path.clone();
                let read_only = self
                    .session
                    .as_ref()
                    .is_some_and(|session| session.data.read_only.is_some());
                let screen = std::mem::take(&mut self.consolidation);
                self.open_as(snapshot.clone(), true);
                if self.db_path == snapshot && self.session.is_some() {
                    // From one snapshot to another, back still leads to the first ledger.
                    if self.back_from_snapshot.is_none() {
                        self.back_from_snapshot = Some((before, read_only, screen));
                    }
                    self.ledger_view.show_filter(&filter);
                    self.screen = Screen::Ledger;
                    return Outcome::Done(format!(
                        "已只读打开分会快照：{}（右上角“返回”回到原来的台账）",
                        snapshot.display()
                    ));
                }
                self.consolidation = screen;
            }
            // 汇总 comes back when the ledger is installed (at once for a file, once
            // connected for a server).
            ConsolidationCommand::BackFromSnapshot if self.connecting.is_none() => {
                if let Some(back) = self.back_from_snapshot.take() {
                    let (path, read_only) = (back.0.clone(), back.1);
                    self.returning = Some(back);
                    self.open_as(path, read_only);
                }
            }
            ConsolidationCommand::BackFromSnapshot => {}
        }
        Outcome::Quiet
    }

    /// Runs `work` on a thread of its own; one at a time (the screen's buttons wait).
    fn start_book_job(&mut self, label: &str, work: impl FnOnce() -> BookDone + Send + 'static) {
        if self.consolidation.job.is_some() {
            return;
        }
        let (sender, done) = std::sync::mpsc::channel();
        let repaint = self.repaint.clone();
        let spawned = std::thread::Builder::new()
            .name("consolidation".into())
            .spawn(move || {
                let _ = sender.send(work());
                if let Some(context) = repaint.get() {
                    context.request_repaint();
                }
            });
        match spawned {
            Ok(_) => {
                self.consolidation.job = Some(BookJob {
                    label: label.to_string(),
                    started: std::time::Instant::now(),
                    done,
                });
            }
            Err(error) => {
                self.error_dialog = Some(format!("无法启动汇总任务：{error}"));
            }
        }
    }

    /// Takes what the consolidation thread finished; true while it still runs.
    pub fn poll_book_job(&mut self) -> bool {
        let Some(job) = &self.consolidation.job else {
            return false;
        };
        let done = match job.done.try_recv() {
            Ok(done) => done,
            Err(std::sync::mpsc::TryRecvError::Empty) => return true,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.consolidation.job = None;
                self.error_dialog =
                    Some("汇总任务意外中止：请查看登记列表，核对快照是否已登记".to_string());
                return false;
            }
        };
        self.consolidation.job = None;
        match done {
            BookDone::Registered {
                result,
                registrations,
                book,
            } => {
                self.consolidation.loaded(&book, registrations);
                match result {
                    Ok(registration) => {
                        self.consolidation.registered();
                        let mut message = format!(
                            "已登记：{} {}，凭证 {} 笔",
                            registration.branch, registration.period_label, registration.entries
                        );
                        if !registration.finding.is_empty() {
                            message.push_str(&format!("；问题：{}", registration.finding));
                        }
                        self.notice = Some(Notice::Info(message));
                    }
                    Err(error) => self.error_dialog = Some(error),
                }
            }
            BookDone::Made(made, period, book) => self.consolidation.made(made, period, book),
            BookDone::Entries(found) => self.consolidation.entries_read(found),
        }
        false
    }
}
