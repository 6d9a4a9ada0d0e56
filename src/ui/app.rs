//! The window's app: which ledger is open, which screen shows, and the commands the
//! screens emit, applied after each frame.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, OnceLock};

use chrono::{Datelike, NaiveDate};

pub use super::command::{Command, Notice, Screen};
use super::data::LedgerData;
use super::dialogs::FileDialogs;
use super::screens::audit::{AuditCommand, AuditScreen};
use super::screens::batches::{BatchCommand, BatchesScreen};
use super::screens::insurance::{InsuranceCommand, InsuranceScreen};
use super::screens::reports::{RenderJob, ReportCommand, ReportsScreen, SaveAs};
use super::screens::{
    entry::EntryScreen, home::HomeScreen, ledger::LedgerScreen, members::MembersScreen,
    settings::SettingsScreen, visit_form::saved_text, visits::VisitList, visits::VisitsScreen,
};
use crate::core::changelog::ChainReport;
use crate::core::date::{Clock, Period};
use crate::store::{Ledger, LedgerRow};

mod audit;
mod batches;
mod consolidation;
mod dispatch;
mod entries;
mod insurance;
mod jobs;
mod members;
mod reports;
mod settings;
mod visits;

/// What applying a command came to.
enum Outcome {
    /// Nothing written: no view needs reading again.
    Quiet,
    /// Written: every view is read again and the message shown.
    Done(String),
    /// Refused, with the message in the clerk's words.
    Failed(String),
}

impl Outcome {
    fn of(result: Result<String, String>) -> Self {
        match result {
            Ok(message) => Outcome::Done(message),
            Err(message) => Outcome::Failed(message),
        }
    }
}

/// An open ledger and the view values read from it.
pub struct Session {
    /// `None` while lent to work running on a worker thread (see [`jobs`]).
    pub ledger: Option<Ledger>,
    /// Work running on a worker thread with the ledger.
    pub job: Option<jobs::Job>,
    pub data: LedgerData,
    /// The change-log check started when the ledger opened, running on a worker thread
    /// with a read-only connection of its own: on a large ledger it takes seconds, and
    /// the window is usable meanwhile.
    pub chain_check: Option<Receiver<OpeningCheck>>,
    /// The ledger's `data_version` when last looked at: a change means another
    /// program wrote, and the screens are read again.
    seen_version: i64,
    /// When other programs' writes were last looked for.
    looked_at: std::time::Instant,
}

impl Session {
    /// A ledger on a server: every call to it is a round trip over the network.
    pub fn is_on_server(&self) -> bool {
        self.data.server.is_some()
    }
}

/// A ledger opened and the figures read from it, before the window takes it.
struct Opened {
    ledger: Ledger,
    data: LedgerData,
    seen_version: i64,
}

/// Opens the ledger at `path` and reads what the screens show (on a worker for a
/// server).
fn read_opening(path: &Path, read_only: bool, clock: &dyn Clock) -> crate::store::Result<Opened> {
    let mut ledger = if read_only {
        Ledger::open_read_only(path, clock)
    } else {
        Ledger::open(path, clock)
    }?;
    ledger.set_waiting(jobs::window_waiting());
    let seen_version = ledger.data_version()?;
    let mut data = LedgerData::load(&ledger, clock.today())?;
    data.read_only = ledger.read_only_reason();
    data.unclean_close = ledger.unclean_close_note().map(str::to_string);
    data.other_sessions = ledger.other_sessions();
    Ok(Opened {
        ledger,
        data,
        seen_version,
    })
}

/// "正在连接服务器：clerk@host:5432/db…"
fn connecting_text(connecting: &Connecting) -> String {
    format!(
        "正在连接服务器：{}…",
        crate::store::location_text(&connecting.path)
    )
}

/// The consolidation book proposed for a ledger: `consolidation.db` beside its file
/// (in the documents folder for a ledger on a server).
fn consolidation_book_beside(ledger: &Path) -> PathBuf {
    let folder = match crate::store::server_address(ledger) {
        Some(_) => directories::UserDirs::new()
            .and_then(|dirs| dirs.document_dir().map(Path::to_path_buf))
            .unwrap_or_default(),
        None => ledger.parent().map(Path::to_path_buf).unwrap_or_default(),
    };
    folder.join("consolidation.db")
}

/// A server ledger being connected to on a worker thread.
pub struct Connecting {
    pub path: PathBuf,
    done: Receiver<crate::store::Result<Opened>>,
}

/// What the worker started at opening reports, in this order.
#[derive(Debug)]
pub enum OpeningCheck {
    Verified(Result<ChainReport, String>),
    /// The automatic backup taken at opening (not taken when read-only or damaged).
    BackedUp(Result<PathBuf, String>),
}

/// Why a damaged ledger takes no more writes, and what to do: the newest backup named.
fn damaged_reason(damage: &str, ledger: &Ledger) -> String {
    let note = ledger
        .path()
        .map(crate::store::newest_backup_note)
        .unwrap_or_default();
    format!("数据库文件已损坏（{damage}），已停止写入；{note}")
}

/// Verifies the ledger at `file` through a read-only connection of its own, then backs
/// it up when `backup` is set and the file is sound.
///
/// Each result wakes the window at once (`repaint` holds its context once the first
/// frame has run; a result before that is picked up by the first frame).
fn start_opening_checks(
    file: PathBuf,
    clock: Arc<dyn Clock>,
    backup: bool,
    repaint: Arc<OnceLock<egui::Context>>,
    progress: Arc<crate::core::progress::Progress>,
) -> Receiver<OpeningCheck> {
    let (sender, receiver) = std::sync::mpsc::channel();
    let sender = Waking { sender, repaint };
    std::thread::spawn(move || {
        // The window may have moved on to another ledger: then nobody hears, and
        // sending fails quietly.
        let ledger = match Ledger::open_read_only(&file, clock.as_ref()) {
            Ok(ledger) => ledger,
            Err(error) => {
                let _ = sender.send(OpeningCheck::Verified(Err(error.to_string())));
                return;
            }
        };
        let report = ledger.verify_counted(&progress).map_err(|e| e.to_string());
        let sound = report.as_ref().is_ok_and(|r| r.damaged.is_none());
        if sender.send(OpeningCheck::Verified(report)).is_err() || !backup || !sound {
            return;
        }
        // Only when the ledger changed since the newest backup.
        let backed_up = match ledger.automatic_backup_if_changed("打开", clock.now()) {
            Ok(Some(path)) => Ok(path),
            Ok(None) => return,
            Err(error) => Err(error.to_string()),
        };
        let _ = sender.send(OpeningCheck::BackedUp(backed_up));
    });
    receiver
}

/// A channel's sending end that repaints the window after each message.
struct Waking {
    sender: std::sync::mpsc::Sender<OpeningCheck>,
    repaint: Arc<OnceLock<egui::Context>>,
}

impl Waking {
    fn send(&self, message: OpeningCheck) -> Result<(), std::sync::mpsc::SendError<OpeningCheck>> {
        let sent = self.sender.send(message);
        if let Some(ctx) = self.repaint.get() {
            ctx.request_repaint();
        }
        sent
    }
}

/// The ledger open before a branch's snapshot was opened from 汇总: its path, whether
/// it was open read-only, and the 汇总 screen as it was.
pub type BackFromSnapshot = (
    PathBuf,
    bool,
    super::screens::consolidation::ConsolidationScreen,
);

/// The whole window.
pub struct LedgerApp {
    pub db_path: PathBuf,
    pub session: Option<Session>,
    /// Why the ledger could not be opened, shown instead of the screens.
    pub open_error: Option<String>,
    pub screen: Screen,
    pub home: HomeScreen,
    pub members: MembersScreen,
    pub entry: EntryScreen,
    pub visits: VisitsScreen,
    pub batches: BatchesScreen,
    pub insurance: InsuranceScreen,
    pub ledger_view: LedgerScreen,
    pub reports: ReportsScreen,
    pub audit: AuditScreen,
    pub consolidation: super::screens::consolidation::ConsolidationScreen,
    /// While a branch's snapshot is open from 汇总: the ledger open before (whether
    /// read-only) and the 汇总 screen as it was, to go back to.
    pub back_from_snapshot: Option<BackFromSnapshot>,
    /// The same, while going back (a server ledger connects on a worker): 汇总 is
    /// put back once the ledger is installed.
    returning: Option<BackFromSnapshot>,
    pub settings: SettingsScreen,
    pub notice: Option<Notice>,
    /// An error the clerk must acknowledge.
    pub error_dialog: Option<String>,
    /// The path typed in the 打开或新建台账 dialog, while it is shown.
    pub open_dialog: Option<super::open_dialog::OpenDialog>,
    commands: Vec<Command>,
    clock: Arc<dyn Clock>,
    dialogs: Box<dyn FileDialogs>,
    /// The window's context, for worker threads to wake it when their result is ready.
    repaint: Arc<OnceLock<egui::Context>>,
    /// Since when a command has been waiting for another program's write to finish.
    waiting_since: Option<std::time::Instant>,
    /// A server ledger being connected to.
    pub connecting: Option<Connecting>,
    /// The clerk's look of the window, and where it is kept (`None`: not kept).
    pub appearance: super::appearance::Appearance,
    appearance_file: Option<PathBuf>,
}

/// The status bar while a write waits for another program's.
const WAITING_TEXT: &str = "正在等待另一处写入完成…";

/// How often the window looks for other programs' writes.
const LOOK_FOR_WRITES: std::time::Duration = std::time::Duration::from_millis(500);

/// How long one attempt of a write from the window waits for its turn: the window
/// must keep drawing, so a longer wait is made of attempts on successive frames.
const WINDOW_ATTEMPT: std::time::Duration = std::time::Duration::from_millis(200);

/// How long, in all, a write from the window waits for another program's write.
const WINDOW_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

impl LedgerApp {
    /// Opens the ledger at `db_path` (creating it if missing). A file that cannot be
    /// opened is reported in the window; it is never replaced.
    pub fn new(db_path: PathBuf, clock: Arc<dyn Clock>, dialogs: Box<dyn FileDialogs>) -> Self {
        Self::new_with(db_path, clock, dialogs, false)
    }

    /// Like [`LedgerApp::new`]; `read_only` opens the ledger for the audit committee.
    pub fn new_with(
        db_path: PathBuf,
        clock: Arc<dyn Clock>,
        dialogs: Box<dyn FileDialogs>,
        read_only: bool,
    ) -> Self {
        let mut app = Self {
            db_path: db_path.clone(),
            session: None,
            open_error: None,
            screen: Screen::Home,
            home: HomeScreen::default(),
            members: MembersScreen::default(),
            entry: EntryScreen::default(),
            visits: VisitsScreen::default(),
            batches: BatchesScreen::default(),
            insurance: InsuranceScreen::default(),
            ledger_view: LedgerScreen::default(),
            reports: ReportsScreen::default(),
            audit: AuditScreen::default(),
            consolidation: Default::default(),
            back_from_snapshot: None,
            returning: None,
            settings: SettingsScreen::default(),
            notice: None,
            error_dialog: None,
            open_dialog: None,
            commands: Vec::new(),
            clock,
            dialogs,
            repaint: Arc::new(OnceLock::new()),
            waiting_since: None,
            connecting: None,
            appearance: super::appearance::Appearance::default(),
            appearance_file: None,
        };
        app.open_as(db_path, read_only);
        app
    }

    /// Switches to the ledger at `path`; on failure the current one stays open.
    fn open(&mut self, path: PathBuf) {
        self.open_as(path, false);
    }

    /// Opens for writing, or read-only for the audit committee: a file at once, a
    /// server on a worker thread (connecting may take seconds, or time out), with the
    /// window drawing meanwhile; the ledger open before stays open until then.
    fn open_as(&mut self, path: PathBuf, read_only: bool) {
        let clock = self.clock.clone();
        if crate::store::server_address(&path).is_none() {
            let opened = read_opening(&path, read_only, clock.as_ref());
            self.install(path, opened);
            return;
        }
        let (sender, done) = std::sync::mpsc::channel();
        let repaint = self.repaint.clone();
        let location = path.clone();
        std::thread::spawn(move || {
            let _ = sender.send(read_opening(&location, read_only, clock.as_ref()));
            if let Some(context) = repaint.get() {
                context.request_repaint();
            }
        });
        self.connecting = Some(Connecting { path, done });
    }

    /// Takes the ledger a worker opened; true while it is still connecting.
    pub fn poll_connecting(&mut self) -> bool {
        let Some(connecting) = &self.connecting else {
            return false;
        };
        let opened = match connecting.done.try_recv() {
            Ok(opened) => opened,
            Err(std::sync::mpsc::TryRecvError::Empty) => return true,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => Err(
                crate::store::StoreError::invalid("服务器", "连接服务器的任务意外中止"),
            ),
        };
        if let Some(connecting) = self.connecting.take() {
            self.install(connecting.path, opened);
        }
        false
    }

    /// Makes an opened ledger the window's: starts its opening checks and shows its
    /// screens afresh; or says why it could not be opened (the one open before, if
    /// any, stays).
    fn install(&mut self, path: PathBuf, opened: crate::store::Result<Opened>) {
        let result = opened.map(
            |Opened {
                 ledger,
                 mut data,
                 seen_version,
             }| {
                // Checked once per opening, on a worker thread: the full integrity check,
                // the whole chain and every entry's hash; then, when the file is sound and
                // open for writing, the opening backup.
                // A file, or a server ledger (checked through a connection of its own).
                let checked = ledger
                    .path()
                    .map(Path::to_path_buf)
                    .or_else(|| ledger.server().map(|_| path.clone()));
                let chain_check = match checked {
                    Some(location) => {
                        let progress = Arc::new(crate::core::progress::Progress::none());
                        data.chain_checking = true;
                        data.chain_progress = Some(progress.clone());
                        Some(start_opening_checks(
                            location,
                            self.clock.clone(),
                            !ledger.is_read_only(),
                            self.repaint.clone(),
                            progress,
                        ))
                    }
                    None => {
                        data.chain = ledger.verify().ok();
                        None
                    }
                };
                Session {
                    ledger: Some(ledger),
                    job: None,
                    data,
                    chain_check,
                    seen_version,
                    looked_at: std::time::Instant::now(),
                }
            },
        );
        match result {
            Ok(session) => {
                self.entry.reset(&session.data, self.clock.today());
                self.visits = VisitsScreen::default();
                self.ledger_view = LedgerScreen::default();
                self.settings = SettingsScreen::default();
                self.members = MembersScreen::default();
                self.batches = BatchesScreen::default();
                self.insurance = InsuranceScreen::default();
                self.reports = ReportsScreen::default();
                self.audit = AuditScreen::default();
                self.consolidation = Default::default();
                if let Some((back, _, screen)) = self.returning.take()
                    && back == path
                {
                    self.consolidation = screen;
                    self.screen = Screen::Consolidation;
                }
                self.session = Some(session);
                self.db_path = path;
                self.open_error = None;
                self.open_dialog = None;
            }
            Err(error) => {
                // Going back failed: the way back stays.
                if let Some(returning) = self.returning.take() {
                    self.back_from_snapshot = Some(returning);
                }
                if self.session.is_some() {
                    self.error_dialog = Some(error.to_string());
                } else {
                    self.open_error = Some(error.to_string());
                }
            }
        }
    }

    /// Keeps the clerk's look in `file` (read now, written on every change).
    pub fn with_appearance_file(mut self, file: PathBuf) -> Self {
        self.appearance = super::appearance::Appearance::load(&file);
        self.appearance_file = Some(file);
        self
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// Queues a command as if a screen had emitted it (for tests and reminders).
    pub fn push_command(&mut self, command: Command) {
        self.commands.push(command);
    }

    /// Draws one frame, then applies what the clerk asked for.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.repaint.get_or_init(|| ui.ctx().clone());
        self.appearance.apply(ui.ctx());
        self.follow_the_date();
        let mut commands = std::mem::take(&mut self.commands);
        self.top_bar_ui(ui, &mut commands);
        self.status_bar_ui(ui);
        egui::CentralPanel::default().show(ui, |ui| match &self.session {
            None => self.open_error_ui(ui, &mut commands),
            Some(session) => {
                let data = &session.data;
                let today = self.clock.today();
                // Read-only (the audit committee, or another program has the file): the
                // screens that only change the ledger are shown with every control
                // disabled; 首页, 台账, 报表 and 审计 stay usable for reading (a change
                // from them is refused with the reason). While work the clerk asked
                // for runs on a worker, the writing screens wait for it.
                let editable = data.read_only.is_none()
                    && session.job.as_ref().is_none_or(|job| job.label.is_none());
                match self.screen {
                    Screen::Home => self.home.ui(ui, data, &mut commands),
                    Screen::Members => {
                        ui.add_enabled_ui(editable, |ui| self.members.ui(ui, data, &mut commands));
                    }
                    Screen::Entry => {
                        ui.add_enabled_ui(editable, |ui| {
                            self.entry.ui(ui, data, today, &mut commands)
                        });
                    }
                    Screen::Visits => {
                        ui.add_enabled_ui(editable, |ui| {
                            self.visits.ui(ui, data, today, &mut commands)
                        });
                    }
                    Screen::Batches => {
                        ui.add_enabled_ui(editable, |ui| {
                            self.batches.ui(ui, data, today, &mut commands)
                        });
                    }
                    Screen::Insurance => {
                        ui.add_enabled_ui(editable, |ui| {
                            self.insurance.ui(ui, data, today, &mut commands)
                        });
                    }
                    Screen::Ledger => self.ledger_view.ui(ui, data, today, &mut commands),
                    Screen::Reports => self.reports.ui(ui, data, today, &mut commands),
                    Screen::Audit => self.audit.ui(ui, data, today, &mut commands),
                    Screen::Consolidation => {
                        let book = consolidation_book_beside(&self.db_path);
                        // 保存 and 打印 are 报表's, acting on the consolidated form.
                        self.reports.save_as_ui(ui, &mut commands);
                        let printing = self.reports.job.as_ref().map(|job| job.status_text());
                        self.consolidation
                            .ui(ui, data, &book, printing, &mut commands)
                    }
                    Screen::Settings => {
                        SettingsScreen::appearance_ui(ui, &self.appearance, &mut commands);
                        ui.add_enabled_ui(editable, |ui| self.settings.ui(ui, data, &mut commands));
                    }
                }
            }
        });
        self.open_dialog_ui(ui, &mut commands);
        self.error_dialog_ui(ui);
        let had_commands = !commands.is_empty();
        for command in commands {
            // While the ledger is lent to a worker, what needs it waits its turn.
            if command.needs_ledger() && self.ledger_lent() {
                self.commands.push(command);
                continue;
            }
            let again = command.clone();
            self.apply(command);
            self.wait_for_turn(again);
        }
        self.look_for_other_writes();
        // The ledger screen says which rows it needs; fetch them after drawing, and draw
        // again at once when something new arrived.
        let mut fetched = false;
        if let Some(session) = &self.session
            && self.screen == Screen::Ledger
            && let Some(ledger) = &session.ledger
        {
            if session.is_on_server() {
                // From a server on a worker; the rows show when they arrive.
                if let Some(plan) = self.ledger_view.fetch_plan() {
                    self.fetch_on_worker(plan);
                }
            } else {
                match self.ledger_view.fetch_wanted(ledger) {
                    Ok(new_rows) => fetched = new_rows,
                    Err(error) => self.notice = Some(Notice::Error(error.to_string())),
                }
            }
        }
        if had_commands || fetched || self.ledger_view.needs_repaint() {
            ui.ctx().request_repaint();
        }
        if self.poll_render_job()
            | self.poll_book_job()
            | self.poll_chain_check()
            | self.poll_job()
            | self.poll_connecting()
            || self.waiting_since.is_some()
        {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
        } else if self.session.is_some() {
            ui.ctx().request_repaint_after(LOOK_FOR_WRITES);
        }
    }

    /// A command whose write found another program's write in progress is tried again
    /// on the next frames (nothing of it was written, and the clerk's form is kept),
    /// with the status bar saying so, until [`WINDOW_WAIT`] has passed; then its error
    /// stands.
    fn wait_for_turn(&mut self, command: Command) {
        let waited_out = self
            .session
            .as_mut()
            .and_then(|session| session.ledger.as_mut())
            .is_some_and(Ledger::take_waited_out);
        if !waited_out {
            if self.waiting_since.take().is_some()
                && matches!(&self.notice, Some(Notice::Info(text)) if text == WAITING_TEXT)
            {
                self.notice = None;
            }
            return;
        }
        let since = *self
            .waiting_since
            .get_or_insert_with(std::time::Instant::now);
        if since.elapsed() < WINDOW_WAIT {
            self.error_dialog = None;
            self.notice = Some(Notice::Info(WAITING_TEXT.to_string()));
            self.commands.push(command);
        } else {
            self.waiting_since = None;
        }
    }

    /// About twice a second: when another program has written (SQLite's
    /// `data_version` moved), every screen's figures are read again, keeping whatever
    /// the clerk is typing; and 首页's count of other programs is brought up to date.
    fn look_for_other_writes(&mut self) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        // Not while work has the ledger (it reads the figures again when it wrote),
        // nor while a command waits for it.
        if session.looked_at.elapsed() < LOOK_FOR_WRITES || !self.commands.is_empty() {
            return;
        }
        let Some(ledger) = session.ledger.as_ref() else {
            return;
        };
        session.looked_at = std::time::Instant::now();
        // A server ledger is looked at on a worker: the server may be gone, or the
        // network silent, and the window must keep drawing. A lost connection (the
        // server restarted, the network dropped) is said in the status bar and
        // connected again there.
        if session.is_on_server() {
            let seen = session.seen_version;
            self.look_on_worker(seen);
            return;
        }
        // Counting reads the sessions folder: only while 首页, which shows it, is open.
        if self.screen == Screen::Home {
            session.data.other_sessions = ledger.other_sessions();
        }
        let Ok(version) = ledger.data_version() else {
            return;
        };
        if version == session.seen_version {
            return;
        }
        session.seen_version = version;
        if let Err(error) = self.refresh(self.clock.today()) {
            self.notice = Some(Notice::Error(error.to_string()));
        }
    }

    /// Takes what the opening checks reported; true while they are still running.
    pub fn poll_chain_check(&mut self) -> bool {
        let Some(session) = self.session.as_mut() else {
            return false;
        };
        // Taken out while its messages are acted on, and put back while it runs;
        // left waiting while the ledger is lent (a damaged file stops its writes).
        if session.ledger.is_none() {
            return session.chain_check.is_some();
        }
        let Some(receiver) = session.chain_check.take() else {
            return false;
        };
        loop {
            match receiver.try_recv() {
                Ok(OpeningCheck::Verified(outcome)) => {
                    session.data.chain_checking = false;
                    match outcome {
                        Ok(report) => {
                            session.data.chain = Some(report.clone());
                            // Acted on with the whole app; the backup's message, if
                            // any, is read on the next frame.
                            session.chain_check = Some(receiver);
                            self.take_check(&report);
                            return true;
                        }
                        Err(error) => session.data.chain_failed = Some(error),
                    }
                }
                Ok(OpeningCheck::BackedUp(outcome)) => {
                    session.data.opening_backup = Some(match outcome {
                        Ok(path) => format!(
                            "打开时已自动备份：backups 文件夹中的 {}",
                            path.file_name()
                                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
                        ),
                        Err(error) => format!("自动备份失败：{error}"),
                    });
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => {
                    session.chain_check = Some(receiver);
                    return true;
                }
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    if session.data.chain_checking {
                        session.data.chain_checking = false;
                        session.data.chain_failed = Some("校验任务意外中止".to_string());
                    }
                    return false;
                }
            }
        }
    }

    fn top_bar_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        egui::Panel::top("top_bar").show(ui, |ui| {
            ui.add_space(4.0);
            // Wrapped: at a large text size on a small screen the screens' names go on
            // to a second line rather than off the window.
            ui.horizontal_wrapped(|ui| {
                let title = self
                    .session
                    .as_ref()
                    .map_or("工会慰问台账".to_string(), |s| {
                        format!("{} · 工会慰问台账", s.data.union_name)
                    });
                ui.heading(title);
                ui.add_space(16.0);
                if self.session.is_some() {
                    for screen in Screen::ALL {
                        if ui
                            .selectable_label(self.screen == screen, screen.label())
                            .clicked()
                        {
                            commands.push(Command::GoTo(screen));
                        }
                    }
                }
                let back = self
                    .back_from_snapshot
                    .as_ref()
                    .filter(|(path, _, _)| *path != self.db_path)
                    .map(|(path, _, _)| {
                        format!(
                            "返回 {}",
                            path.file_name().map_or_else(
                                || crate::store::location_text(path),
                                |name| name.to_string_lossy().into_owned()
                            )
                        )
                    });
                let open = |ui: &mut egui::Ui, commands: &mut Vec<Command>| {
                    if ui.button("打开台账…").clicked() {
                        commands.push(Command::ShowOpenDialog);
                    }
                    if let Some(back) = &back
                        && ui.button(back.as_str()).clicked()
                    {
                        commands.push(Command::Consolidation(
                            crate::ui::command::ConsolidationCommand::BackFromSnapshot,
                        ));
                    }
                };
                if ui.available_width() > 120.0 {
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        open(ui, commands)
                    });
                } else {
                    open(ui, commands);
                }
            });
            ui.add_space(4.0);
        });
    }

    fn status_bar_ui(&mut self, ui: &mut egui::Ui) {
        egui::Panel::bottom("status_bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                if let Some(connecting) = &self.connecting {
                    ui.spinner();
                    ui.label(connecting_text(connecting));
                    ui.separator();
                }
                let job = self.session.as_ref().and_then(|s| s.job.as_ref());
                if let Some((job, text)) = job.and_then(|job| Some((job, job.status_text()?))) {
                    // Long work: a bar with counts when they are known, else a spinner.
                    let (done, total) = job.progress.counts();
                    if total > 0 {
                        ui.add(
                            egui::ProgressBar::new(done as f32 / total as f32)
                                .desired_width(160.0)
                                .show_percentage(),
                        );
                    } else {
                        ui.spinner();
                    }
                    ui.label(text);
                    ui.separator();
                }
                match &self.notice {
                    Some(Notice::Info(text)) => {
                        ui.colored_label(ui.visuals().hyperlink_color, text);
                    }
                    Some(Notice::Error(text)) => {
                        ui.colored_label(ui.visuals().error_fg_color, text);
                    }
                    None => {
                        ui.label("就绪");
                    }
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let location = crate::store::location_text(&self.db_path);
                    ui.weak(if crate::store::server_address(&self.db_path).is_some() {
                        format!("服务器台账：{location}")
                    } else {
                        format!("台账文件：{location}")
                    });
                });
            });
        });
    }

    fn open_error_ui(&self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.add_space(40.0);
        if let Some(connecting) = &self.connecting {
            ui.vertical_centered(|ui| {
                ui.spinner();
                ui.heading(connecting_text(connecting));
            });
            return;
        }
        ui.vertical_centered(|ui| {
            ui.heading("无法打开台账");
            ui.add_space(12.0);
            ui.colored_label(
                ui.visuals().error_fg_color,
                self.open_error.as_deref().unwrap_or(""),
            );
            ui.add_space(12.0);
            if ui.button("打开其他台账文件…").clicked() {
                commands.push(Command::ShowOpenDialog);
            }
        });
    }

    /// 打开或新建台账: a file typed or picked (a path with no file creates a new
    /// ledger), or a ledger on a server.
    fn open_dialog_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let Some(dialog) = self.open_dialog.as_mut() else {
            return;
        };
        if dialog.ui(ui, commands) {
            self.open_dialog = None;
        }
    }

    fn error_dialog_ui(&mut self, ui: &mut egui::Ui) {
        let Some(message) = self.error_dialog.clone() else {
            return;
        };
        let response = egui::Modal::new(egui::Id::unique("error_dialog")).show(ui.ctx(), |ui| {
            ui.set_max_width(480.0);
            ui.heading("出错了");
            ui.add_space(8.0);
            ui.label(message);
            ui.add_space(8.0);
            ui.button("知道了").clicked()
        });
        if response.inner || response.should_close() {
            self.error_dialog = None;
        }
    }

    /// Checks on a PDF being laid out; true while it is still running.
    pub fn poll_render_job(&mut self) -> bool {
        let Some(job) = &self.reports.job else {
            return false;
        };
        let outcome = match job.done.try_recv() {
            Ok(outcome) => outcome,
            Err(std::sync::mpsc::TryRecvError::Empty) => return true,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                Err("生成 PDF 的任务意外中止".to_string())
            }
        };
        let Some(job) = self.reports.job.take() else {
            return false;
        };
        match outcome {
            Ok(()) if job.open_when_done => match self.dialogs.open_file(&job.target) {
                Ok(()) => {
                    self.notice = Some(Notice::Info(format!(
                        "已生成 {} 并用系统程序打开：{}",
                        job.label,
                        job.target.display()
                    )))
                }
                Err(error) => {
                    self.error_dialog = Some(format!(
                        "已生成“{}”，但无法用系统程序打开：{error}。请用 PDF 阅读器打开该文件后打印。",
                        job.target.display()
                    ))
                }
            },
            Ok(()) => {
                self.notice = Some(Notice::Info(format!(
                    "已保存 {}：{}",
                    job.label,
                    job.target.display()
                )));
                self.reports.saved.push(job.target);
            }
            Err(error) => self.error_dialog = Some(error),
        }
        false
    }

    /// A window left open over midnight (or over New Year) moves to the new day: this
    /// year's figures, this quarter's totals, and the entry and batch forms' default date.
    fn follow_the_date(&mut self) {
        let today = self.clock.today();
        let Some(previous) = self.session.as_ref().and_then(|s| s.data.today) else {
            return;
        };
        if previous == today {
            return;
        }
        if self.entry.date == crate::core::date::format_date(previous) {
            self.entry.date = crate::core::date::format_date(today);
        }
        self.visits.follow_the_date(previous, today);
        if self.batches.date == crate::core::date::format_date(previous) {
            self.batches.date = crate::core::date::format_date(today);
        }
        if let Err(error) = self.refresh(today) {
            self.notice = Some(Notice::Error(error.to_string()));
        }
        // A window left open overnight takes the day's backup.
        if let Some(ledger) = self.session.as_ref().and_then(|s| s.ledger.as_ref())
            && !ledger.is_read_only()
            && let Err(error) = ledger.daily_backup_if_due(self.clock.as_ref())
        {
            self.notice = Some(Notice::Error(format!("每日自动备份失败：{error}")));
        }
    }

    /// Re-reads the view values after a change and tells the screens to re-query: at
    /// once from a file, on a worker from a server. While the ledger is lent, the
    /// work that has it reads them when it is done.
    fn refresh(&mut self, today: NaiveDate) -> crate::store::Result<()> {
        let Some(session) = self.session.as_mut() else {
            return Ok(());
        };
        let Some(ledger) = session.ledger.as_ref() else {
            return Ok(());
        };
        if session.is_on_server() {
            self.reread_on_worker();
            return Ok(());
        }
        session.data.reload_chart(ledger)?;
        session.data.reload_members(ledger)?;
        session.data.reload_figures(ledger, today)?;
        session.data.reload_policy(ledger)?;
        self.invalidate_screens();
        Ok(())
    }

    /// Every screen queries the ledger again before it next shows its lists.
    fn invalidate_screens(&mut self) {
        self.ledger_view.invalidate();
        self.batches.invalidate();
        self.insurance.invalidate();
        self.entry.invalidate_findings();
        self.members.invalidate();
        self.settings.invalidate();
        self.visits.invalidate();
        if let Some(session) = &self.session {
            self.entry.refresh_balance(&session.data);
        }
    }

    /// Acts on a check of the whole ledger: a damaged one takes no more writes (the
    /// reason names the newest backup); a sound one has the time of its check kept,
    /// recorded in the ledger (on a worker for a server).
    pub(crate) fn take_check(&mut self, report: &ChainReport) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let Some(ledger) = session.ledger.as_mut() else {
            return;
        };
        if let Some(damage) = &report.damaged {
            let reason = damaged_reason(damage, ledger);
            ledger.refuse_writes(reason);
            session.data.read_only = ledger.read_only_reason();
            return;
        }
        let head = report.head.clone();
        self.lend(
            jobs::Work::upkeep(),
            move |ledger, _, _| Ok(super::data::record_full_check(ledger, &head)),
            |app, check| {
                if let (Some(session), Ok(check)) = (app.session.as_mut(), check) {
                    session.data.last_full_check = Some(check);
                }
                Outcome::Quiet
            },
        );
    }

    /// Whether the ledger is lent to work on a worker thread.
    fn ledger_lent(&self) -> bool {
        self.session
            .as_ref()
            .is_some_and(|session| session.ledger.is_none())
    }

    /// The ledger's recent rows, for tests.
    pub fn recent_rows(&self) -> &[LedgerRow] {
        self.session
            .as_ref()
            .map_or(&[], |s| s.data.recent.as_slice())
    }
}

impl eframe::App for LedgerApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }
}
