//! Work done with the ledger lent to a worker thread, so that the window keeps
//! drawing while it runs: every write to a ledger on a server (each is a round trip
//! over the network, and a silent network can hold one for seconds), long writes on a
//! file (a holiday batch to thousands, a large roster, a group enrolment, the demo),
//! and, for a server, reading the figures again and looking for other clerks' writes.
//!
//! While the ledger is lent, commands that need it wait in the queue, the screens
//! that write are disabled, and 首页, 台账, 报表 and 审计 draw from the figures
//! already read. Short work on a local file runs at once on the window's thread,
//! through the same two halves: `run` with the ledger, `finish` with the app.

use std::sync::mpsc::{Receiver, channel};
use std::time::Instant;

use super::*;
use crate::core::progress::Progress;
use crate::store::Waiting;

/// Work lent the ledger and running on a worker thread.
pub struct Job {
    /// What the status bar says while it runs ("正在提交批次"); `None` for upkeep
    /// the clerk need not see (reading the figures again, looking for other writes).
    pub label: Option<String>,
    pub started: Instant,
    pub progress: Arc<Progress>,
    origin: Screen,
    done: Receiver<Returned>,
}

impl Job {
    /// The status bar's words: the label, the counts and the seconds so far.
    pub fn status_text(&self) -> Option<String> {
        let label = self.label.as_ref()?;
        if self.progress.is_waiting() {
            return Some(format!("{label}：{WAITING_TEXT}"));
        }
        let seconds = self.started.elapsed().as_secs();
        Some(match self.progress.counts_text() {
            Some(counts) => format!("{label}… {counts}（{seconds} 秒）"),
            None => format!("{label}…（{seconds} 秒）"),
        })
    }
}

/// What a worker hands back: the ledger, the second half of the work, and the
/// figures it read again after writing.
struct Returned {
    ledger: Ledger,
    finish: Box<dyn FnOnce(&mut LedgerApp) -> Outcome + Send>,
    reread: Option<crate::store::Result<LedgerData>>,
}

/// What kind of work is lent the ledger.
pub(super) struct Work {
    label: Option<String>,
    /// Long even on a local file: run on a worker with a progress bar.
    long: bool,
    /// Writes: the figures are read again (on the worker) when it succeeds.
    writes: bool,
}

impl Work {
    /// A write the clerk asked for; long ones get a progress bar on a file too.
    pub(super) fn write(label: &str, long: bool) -> Self {
        Self {
            label: Some(label.to_string()),
            long,
            writes: true,
        }
    }

    /// A read the clerk asked for (a preview, a list): said in the status bar while
    /// it runs on a worker.
    pub(super) fn read(label: &str, long: bool) -> Self {
        Self {
            label: Some(label.to_string()),
            long,
            writes: false,
        }
    }

    /// Upkeep the clerk does not see.
    pub(super) fn upkeep() -> Self {
        Self {
            label: None,
            long: false,
            writes: false,
        }
    }
}

/// How many items (recipients, members, rows) make work long on a local file.
pub(super) const LONG_WORK: usize = 1000;

/// A worker's thread name, seen in a debugger and a crash report.
const WORKER_NAME: &str = "ledger-work";

impl LedgerApp {
    /// Runs `run` with the ledger — on a worker thread for a server ledger or long
    /// work, at once otherwise — then `finish` on the window's thread with its result.
    pub(super) fn lend<T: Send + 'static>(
        &mut self,
        work: Work,
        run: impl FnOnce(&mut Ledger, &dyn Clock, &Progress) -> crate::store::Result<T> + Send + 'static,
        finish: impl FnOnce(&mut LedgerApp, crate::store::Result<T>) -> Outcome + Send + 'static,
    ) -> Outcome {
        let today = self.clock.today();
        let clock = self.clock.clone();
        let origin = self.screen;
        let Some(session) = self.session.as_mut() else {
            return Outcome::Quiet;
        };
        let on_worker = work.long || session.is_on_server();
        if !on_worker {
            let Some(ledger) = session.ledger.as_mut() else {
                return Outcome::Quiet;
            };
            let result = run(ledger, clock.as_ref(), &Progress::none());
            return finish(self, result);
        }
        // Commands wait while the ledger is lent, so it is here.
        let Some(mut ledger) = session.ledger.take() else {
            return Outcome::Quiet;
        };
        let progress = Arc::new(Progress::none());
        // On a worker a write may wait for another clerk's as long as the window
        // would in all, saying so in the status bar; the window keeps drawing.
        let watched = progress.clone();
        ledger.set_waiting(Waiting {
            wait: WINDOW_WAIT,
            announce: Some(Arc::new(move || watched.set_waiting(true))),
        });
        let (sender, done) = channel();
        let repaint = self.repaint.clone();
        let counted = progress.clone();
        let spawned = std::thread::Builder::new()
            .name(WORKER_NAME.to_string())
            .spawn(move || {
                let result = run(&mut ledger, clock.as_ref(), &counted);
                counted.set_waiting(false);
                let reread =
                    (work.writes && result.is_ok()).then(|| LedgerData::load(&ledger, today));
                ledger.set_waiting(window_waiting());
                let returned = Returned {
                    ledger,
                    finish: Box::new(move |app| finish(app, result)),
                    reread,
                };
                // The window may have closed meanwhile; then nobody waits.
                let _ = sender.send(returned);
                if let Some(context) = repaint.get() {
                    context.request_repaint();
                }
            });
        match spawned {
            Ok(_) => {
                session.job = Some(Job {
                    label: work.label,
                    started: Instant::now(),
                    progress,
                    origin,
                    done,
                });
                Outcome::Quiet
            }
            // The closure (and the ledger in it) is gone with the failed spawn.
            Err(error) => self.lost_ledger(&format!("无法启动后台任务：{error}")),
        }
    }

    /// Takes back the ledger from work that has finished; true while it still runs.
    pub fn poll_job(&mut self) -> bool {
        let Some(session) = self.session.as_mut() else {
            return false;
        };
        let Some(job) = &session.job else {
            return false;
        };
        let returned = match job.done.try_recv() {
            Ok(returned) => returned,
            Err(std::sync::mpsc::TryRecvError::Empty) => return true,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                let label = job.label.clone().unwrap_or_else(|| "读取台账".to_string());
                self.lost_ledger(&format!("后台任务“{label}”意外中止"));
                return false;
            }
        };
        let Some(job) = session.job.take() else {
            return false;
        };
        let mut ledger = returned.ledger;
        // A worker waits its whole turn itself: nothing is tried again on later frames.
        ledger.take_waited_out();
        session.ledger = Some(ledger);
        let reread = match returned.reread {
            Some(Ok(fresh)) => {
                session.data.adopt(fresh);
                self.invalidate_screens();
                Ok(true)
            }
            Some(Err(error)) => Err(error.to_string()),
            None => Ok(false),
        };
        let outcome = (returned.finish)(self);
        match (outcome, reread) {
            (Outcome::Done(message), Ok(true)) => self.notice = Some(Notice::Info(message)),
            // Written, but the figures could not be read again: they are stale.
            (Outcome::Done(message), Err(error)) => {
                self.notice = Some(Notice::Error(format!(
                    "{message}；但读取最新数字失败：{error}"
                )))
            }
            (outcome, _) => self.settle(outcome, job.origin),
        }
        false
    }

    /// The clerk the ledger names as handler, for work that records it.
    pub(super) fn handler(&self) -> String {
        self.session
            .as_ref()
            .map(|s| s.data.handler.clone())
            .unwrap_or_default()
    }

    /// Whether work the clerk asked for is running (the writing screens wait).
    pub fn is_busy(&self) -> bool {
        self.consolidation.job.is_some()
            || self
                .session
                .as_ref()
                .and_then(|session| session.job.as_ref())
                .is_some_and(|job| job.label.is_some())
    }

    /// The ledger went with a worker that failed: the window says so and offers to
    /// open it again (nothing of unfinished work was committed).
    fn lost_ledger(&mut self, reason: &str) -> Outcome {
        self.session = None;
        self.open_error = Some(format!(
            "{reason}；未完成的操作没有写入任何内容。请重新打开台账。"
        ));
        Outcome::Quiet
    }

    /// For a server ledger: looks for a lost connection (and connects again) and for
    /// other clerks' writes on a worker, reading the figures again when there were.
    pub(super) fn look_on_worker(&mut self, seen_version: i64) {
        let today = self.clock.today();
        self.lend(
            Work::upkeep(),
            move |ledger, _, _| {
                if ledger.connection_lost() {
                    ledger.reconnect_if_lost()?;
                    let version = ledger.data_version()?;
                    return Ok((true, version, Some(LedgerData::load(ledger, today)?)));
                }
                let version = ledger.data_version()?;
                let fresh = if version == seen_version {
                    None
                } else {
                    Some(LedgerData::load(ledger, today)?)
                };
                Ok((false, version, fresh))
            },
            |app, result| {
                let Some(session) = app.session.as_mut() else {
                    return Outcome::Quiet;
                };
                match result {
                    Ok((reconnected, version, fresh)) => {
                        session.seen_version = version;
                        if let Some(fresh) = fresh {
                            session.data.adopt(fresh);
                            app.invalidate_screens();
                        }
                        if reconnected {
                            app.notice = Some(Notice::Info("已重新连接到服务器".into()));
                        } else if matches!(&app.notice, Some(Notice::Error(text)) if text.starts_with(LOST_TEXT))
                        {
                            app.notice = None;
                        }
                    }
                    Err(error) if session.ledger.as_ref().is_some_and(Ledger::connection_lost) => {
                        app.notice = Some(Notice::Error(format!("{LOST_TEXT}（{error}）")));
                    }
                    Err(error) => app.notice = Some(Notice::Error(error.to_string())),
                }
                Outcome::Quiet
            },
        );
    }

    /// For a server ledger: the 台账 screen's index and pages read on a worker.
    pub(super) fn fetch_on_worker(&mut self, plan: crate::ui::screens::ledger::FetchPlan) {
        self.lend(
            Work::upkeep(),
            move |ledger, _, _| plan.read(ledger),
            |app, result| {
                match result {
                    Ok(fetched) => {
                        app.ledger_view.take_fetched(fetched);
                    }
                    Err(error) => app.notice = Some(Notice::Error(error.to_string())),
                }
                Outcome::Quiet
            },
        );
    }

    /// For a server ledger: the figures read again on a worker.
    pub(super) fn reread_on_worker(&mut self) {
        let today = self.clock.today();
        self.lend(
            Work::upkeep(),
            move |ledger, _, _| LedgerData::load(ledger, today),
            |app, result| {
                match result {
                    Ok(fresh) => {
                        if let Some(session) = app.session.as_mut() {
                            session.data.adopt(fresh);
                        }
                        app.invalidate_screens();
                    }
                    Err(error) => app.notice = Some(Notice::Error(error.to_string())),
                }
                Outcome::Quiet
            },
        );
    }
}

/// The status bar while a server ledger's connection is lost.
const LOST_TEXT: &str = "与服务器的连接已断开，正在重新连接…";

/// How a write from the window's thread waits: one short attempt per frame.
pub(super) fn window_waiting() -> Waiting {
    Waiting {
        wait: WINDOW_ATTEMPT,
        announce: None,
    }
}
