//! The only place with SQL. A [`Ledger`] is one open ledger file; every public
//! operation that writes is one transaction.

mod append;
mod audit;
mod backup;
mod batches;
mod changelog;
mod chart;
mod charts;
mod codec;
mod consolidation;
mod copy;
mod demo;
mod entries;
mod forms;
mod insurance;
mod integrity;
mod ledger_query;
mod members;
mod periods;
mod policy;
mod presence;
mod reminders;
mod replay;
pub mod schema;
mod server;
mod snapshot;
pub mod sql;
mod transfers;
mod turns;
mod visits;

pub use backup::{automatic_backups, backups_dir, check_backup, restore};
pub use batches::BatchRecipient;
pub use changelog::LogFilter;
pub use chart::CategoryEdit;
pub use consolidation::{BRANCH_ENTRIES_SHOWN, BranchEntries, ConsolidationBook, Registration};
pub use copy::{CopySummary, copy_ledger};
pub use demo::DemoSummary;
pub use insurance::{ClaimFilter, EnrolSpec, EnrolSummary};
pub use integrity::{FileCheck, FullCheck, newest_backup_note};
pub use ledger_query::{LedgerFilter, LedgerIndex, LedgerOrder, LedgerRow};
pub use members::UpsertSummary;
pub use periods::{ClosedPeriod, closed_covering};
pub use policy::{PresetSummary, RecordedBreach};
pub use presence::sessions_dir;
pub use server::{AUDITOR_ROLE, CLERK_ROLE};
pub use snapshot::{SnapshotManifest, read_manifest};
pub use transfers::{InternalTags, tag_message};
pub use turns::{Announce, DEFAULT_WAIT, SKIP_TURNS_VAR, Waiting};
pub use visits::VisitFilter;

use std::path::{Path, PathBuf};

use rusqlite::OpenFlags;
use sql::{Connection, OptionalExtension, Transaction};
use thiserror::Error;

use crate::core::date::Clock;
use crate::core::seed;

/// Why a ledger operation failed. Messages are written for the clerk.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("“{path}”不是工会台账文件（{detail}）。文件未做任何改动。")]
    NotALedger { path: PathBuf, detail: String },
    #[error("台账文件“{path}”已损坏，无法打开（{detail}）。文件未做任何改动，请使用最近的备份。")]
    Corrupt { path: PathBuf, detail: String },
    #[error(
        "台账文件“{path}”由更新版本的程序写入（文件版本 {found}，本程序支持到 {supported}）。请升级程序后再打开；文件未做任何改动。"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("无法打开台账“{path}”：{detail}")]
    CannotOpen { path: PathBuf, detail: String },
    #[error("台账文件“{path}”正被另一个窗口或命令使用，请稍后再试。")]
    Busy { path: PathBuf },
    #[error(
        "另一处（窗口或命令）正在写入台账，等了 {seconds} 秒仍未轮到；本次没有写入任何内容，请稍后再试。"
    )]
    WaitedOut { seconds: u64 },
    #[error("{field}：{message}")]
    Invalid { field: String, message: String },
    #[error("{}", breach_text(findings))]
    PolicyBreach {
        findings: Vec<crate::core::policy::Finding>,
    },
    #[error("找不到{what}")]
    NotFound { what: String },
    #[error("{reason}，不能修改。")]
    ReadOnly { reason: String },
    #[error(
        "{detail}，不能再记账、冲销或修改；更正请在未结账的期间记调整凭证（需要时先反结账并说明原因）。"
    )]
    PeriodClosed { detail: String },
    // The underlying errors are part of the message, not a `source`, so printing the
    // whole chain (the command line does) does not repeat them.
    #[error("数据库错误：{0}")]
    Sql(sql::Error),
    #[error("数据库升级失败：{0}")]
    Migration(rusqlite_migration::Error),
}

fn breach_text(findings: &[crate::core::policy::Finding]) -> String {
    let listed = findings
        .iter()
        .map(|finding| finding.to_string())
        .collect::<Vec<_>>()
        .join("；");
    format!("违反发放规则：{listed}。如确需发放，请填写超标准说明并注明审批依据。")
}

impl From<sql::Error> for StoreError {
    fn from(error: sql::Error) -> Self {
        // The closed-period triggers stop any path that got past the checks above
        // them; say so in the clerk's words.
        if let Some(message) = error.raised()
            && message.starts_with("closed period")
        {
            return Self::PeriodClosed {
                detail: if message.contains("reverse") {
                    "要冲销的凭证所在期间已结账".to_string()
                } else if message.contains("visit") {
                    "该走访所在期间已结账".to_string()
                } else {
                    "凭证日期所在期间已结账".to_string()
                },
            };
        }
        Self::Sql(error)
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        sql::Error::from(error).into()
    }
}

impl From<rusqlite_migration::Error> for StoreError {
    fn from(error: rusqlite_migration::Error) -> Self {
        Self::Migration(error)
    }
}

impl StoreError {
    /// A validation failure naming the field the clerk must fix.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound { what: what.into() }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open ledger file.
pub struct Ledger {
    conn: Connection,
    path: Option<PathBuf>,
    /// Stamps the change log.
    clock: std::sync::Arc<dyn Clock>,
    /// Who makes the changes, as the change log records it.
    clerk: String,
    /// Opened for the audit committee: nothing can be written.
    read_only: bool,
    /// Why it is read-only when the clerk did not ask for it (another process has it).
    read_only_reason: Option<String>,
    /// This session's mark beside the file (see `presence`); `None` in memory, when
    /// read-only, or on media where no folder can be made.
    session: Option<presence::SessionFile>,
    /// Set when a session before this one ended without closing the ledger.
    unclean_close: Option<String>,
    /// How long a write waits for its turn, and how it says so.
    waiting: Waiting,
    /// The test-only switch [`SKIP_TURNS_VAR`].
    skip_turns: bool,
    /// The last write gave up waiting for its turn (the window tries it again).
    waited_out: bool,
    /// Whether this connection's change-capture triggers are in place: made before the
    /// first write, so a command that only reads never compiles them.
    capturing: bool,
    /// A ledger on a server: where (`user@host:port/db`, no password).
    server: Option<String>,
    /// This opening made the ledger (a new file or an empty database).
    created: bool,
    /// What running balances start from, as of a change-log row (see `chart`).
    balance_cache: std::cell::RefCell<Option<(i64, chart::BalanceInputs)>>,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger").field("path", &self.path).finish()
    }
}

/// The server address a `--db` value names (`postgres://…` or `postgresql://…`), or
/// `None` for a file.
pub fn server_address(location: &Path) -> Option<&str> {
    location
        .to_str()
        .filter(|text| sql::pg::is_server_address(text))
}

/// A ledger's location as shown to the clerk: the file's path, or the server's
/// address without its password.
pub fn location_text(location: &Path) -> String {
    match server_address(location) {
        Some(url) => sql::pg::Address::parse(url)
            .map(|address| address.describe())
            .unwrap_or_else(|_| sql::pg::redact(url)),
        None => location.display().to_string(),
    }
}

/// The first 16 bytes of every SQLite 3 database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

impl Ledger {
    /// Opens the ledger at `path`, creating it with the default chart when the file does
    /// not exist (or is empty). A file that is not a ledger, is damaged, or was written
    /// by a newer version is refused and left byte-for-byte untouched.
    pub fn open(path: &Path, clock: &dyn Clock) -> Result<Self> {
        Self::open_with(path, clock, Waiting::default())
    }

    /// [`Ledger::open`], with how long opening and each write wait for another program
    /// (and how the wait is announced).
    pub fn open_with(path: &Path, clock: &dyn Clock, waiting: Waiting) -> Result<Self> {
        if let Some(url) = server_address(path) {
            return Self::open_server_as(url, clock, waiting, server::Opening::Create);
        }
        let exists = path.exists();
        let is_empty = exists
            && std::fs::metadata(path)
                .map(|m| m.len() == 0)
                .unwrap_or(false);
        if exists && !is_empty {
            check_existing_file(path)?;
        } else if let Some(parent) = path.parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).map_err(|error| StoreError::CannotOpen {
                path: path.to_path_buf(),
                detail: format!("无法创建目录“{}”：{error}", parent.display()),
            })?;
        }
        // Any number of programs may have the ledger open. Opening itself (the mark
        // beside the file, a schema upgrade, seeding a new file) is done by one at a
        // time, under the gate; writes take turns per transaction (see `turns`).
        let now = clock.now().format("%Y-%m-%d %H:%M").to_string();
        let gate = match presence::take_gate(path, waiting.wait, &|| waiting.announce()) {
            Ok(gate) => Some(gate),
            Err(presence::GateError::TimedOut) => {
                return Err(StoreError::WaitedOut {
                    seconds: waiting.wait.as_secs(),
                });
            }
            // A folder where nothing can be made (read-only media): SQLite's own
            // locking still keeps the file safe.
            Err(presence::GateError::Unavailable) => None,
        };
        let registered = gate
            .as_ref()
            .and_then(|gate| presence::register(path, gate, &now).ok());
        let unclean_close = registered
            .as_ref()
            .and_then(|registered| registered.ended.first())
            .map(|ended| {
                format!(
                    "上次使用台账的程序（进程 {}，{} 起）没有正常关闭；已对台账文件做完整检查",
                    ended.pid, ended.since
                )
            });
        let conn = rusqlite::Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map(Connection::Lite)
        .map_err(|error| StoreError::CannotOpen {
            path: path.to_path_buf(),
            detail: error.to_string(),
        })?;
        let mut ledger = Self::around(conn, None, clock);
        ledger.path = Some(path.to_path_buf());
        ledger.session = registered.map(|registered| registered.session);
        ledger.unclean_close = unclean_close;
        ledger.waiting = waiting;
        ledger.skip_turns = turns::skipped();
        ledger.prepare(clock).map_err(|error| match error {
            StoreError::Sql(error) if error.is_busy() => StoreError::Busy {
                path: path.to_path_buf(),
            },
            other => other,
        })?;
        drop(gate);
        Ok(ledger)
    }

    /// Opens the ledger on a PostgreSQL server at `url` (`postgres://user@host:port/db`
    /// and every libpq form; the password from `PGPASSWORD` or `~/.pgpass`), creating
    /// its schema and default chart in an empty database. A database holding anything
    /// else is refused untouched.
    pub fn open_server(url: &str, clock: &dyn Clock, waiting: Waiting) -> Result<Self> {
        Self::open_server_as(url, clock, waiting, server::Opening::Create)
    }

    fn open_server_as(
        url: &str,
        clock: &dyn Clock,
        waiting: Waiting,
        how: server::Opening,
    ) -> Result<Self> {
        let (conn, described) = server::connect(url)?;
        let mut ledger = Self::around(conn, Some(described), clock);
        ledger.waiting = waiting;
        ledger.skip_turns = turns::skipped();
        if how == server::Opening::ReadOnly {
            ledger.read_only = true;
            ledger.prepare_as(clock, how)?;
            // The server refuses writes too, not only the program.
            ledger
                .conn
                .execute_batch("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")?;
        } else {
            ledger.prepare_as(clock, how)?;
        }
        Ok(ledger)
    }

    /// A ledger around a connection, with every setting at its default (the openings
    /// set what differs; a copy being checked uses it as it is).
    fn around(conn: Connection, server: Option<String>, clock: &dyn Clock) -> Self {
        if let Some(lite) = conn.lite() {
            // Every statement goes through the cache (see `sql`): room for all the
            // statements of a busy path, so the hot ones are not pushed out.
            lite.set_prepared_statement_cache_capacity(128);
        }
        Self {
            conn,
            path: None,
            clock: clock.shared(),
            clerk: String::new(),
            read_only: false,
            read_only_reason: None,
            session: None,
            unclean_close: None,
            waiting: Waiting::default(),
            skip_turns: false,
            waited_out: false,
            capturing: false,
            server,
            created: false,
            balance_cache: Default::default(),
        }
    }

    /// For a server ledger whose connection was lost (the server restarted, the
    /// network dropped): whether it is lost, and when it is, one attempt to connect
    /// again. `Ok(true)` when connected again; an error says why not yet.
    pub fn reconnect_if_lost(&mut self) -> Result<bool> {
        let Some(pg) = self.conn.pg() else {
            return Ok(false);
        };
        if !pg.is_closed() {
            return Ok(false);
        }
        pg.reconnect().map_err(|detail| StoreError::CannotOpen {
            path: self.server.clone().unwrap_or_default().into(),
            detail,
        })?;
        // The session's change buffer went with the old connection.
        self.capturing = false;
        if self.read_only {
            self.conn
                .execute_batch("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")?;
        }
        Ok(true)
    }

    /// Whether the connection to the server is lost (never for a file).
    pub fn connection_lost(&self) -> bool {
        self.conn.pg().is_some_and(|pg| pg.is_closed())
    }

    /// Whether this opening made the ledger (a new file, or an empty database).
    pub fn created(&self) -> bool {
        self.created
    }

    /// Where a server ledger is (`user@host:port/db`), or `None` for a file.
    pub fn server(&self) -> Option<&str> {
        self.server.as_deref()
    }

    /// Opens a ledger that must already exist: a mistyped `--db` path is reported
    /// instead of silently starting a new, empty ledger there.
    pub fn open_existing(path: &Path, clock: &dyn Clock) -> Result<Self> {
        Self::open_existing_with(path, clock, Waiting::default())
    }

    /// [`Ledger::open_existing`] with how writes wait (see [`Ledger::open_with`]).
    pub fn open_existing_with(path: &Path, clock: &dyn Clock, waiting: Waiting) -> Result<Self> {
        if let Some(url) = server_address(path) {
            return Self::open_server_as(url, clock, waiting, server::Opening::Existing);
        }
        if !path.exists() {
            return Err(StoreError::CannotOpen {
                path: path.to_path_buf(),
                detail: "文件不存在。新建台账请先运行 union-ledger init，或检查 --db 路径"
                    .to_string(),
            });
        }
        Self::open_with(path, clock, waiting)
    }

    /// Opens an existing ledger so that nothing can change it (for the audit
    /// committee): SQLite itself is read-only, and every write is refused with
    /// [`StoreError::ReadOnly`] before it reaches SQLite. The file must already be at
    /// this program's schema version.
    pub fn open_read_only(path: &Path, clock: &dyn Clock) -> Result<Self> {
        if let Some(url) = server_address(path) {
            return Self::open_server_as(url, clock, Waiting::default(), server::Opening::ReadOnly);
        }
        if !path.exists() {
            return Err(StoreError::CannotOpen {
                path: path.to_path_buf(),
                detail: "文件不存在".to_string(),
            });
        }
        check_existing_file(path)?;
        let conn = rusqlite::Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|error| StoreError::CannotOpen {
            path: path.to_path_buf(),
            detail: error.to_string(),
        })?;
        conn.busy_handler(Some(turns::busy))?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        let conn = Connection::Lite(conn);
        if version < schema::LATEST_VERSION {
            return Err(StoreError::CannotOpen {
                path: path.to_path_buf(),
                detail: format!(
                    "文件版本 {version} 需要先以可写方式打开一次完成升级（升级前会自动备份），才能只读查阅"
                ),
            });
        }
        let mut ledger = Self::around(conn, None, clock);
        ledger.path = Some(path.to_path_buf());
        ledger.read_only = true;
        Ok(ledger)
    }

    /// A fresh ledger in memory, with the default chart: for tests and dry runs.
    pub fn open_in_memory(clock: &dyn Clock) -> Result<Self> {
        let conn = Connection::Lite(rusqlite::Connection::open_in_memory()?);
        let mut ledger = Self::around(conn, None, clock);
        ledger.prepare(clock)?;
        Ok(ledger)
    }

    /// The file this ledger lives in (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Sets connection options, brings the schema up to date and seeds a new ledger.
    fn prepare(&mut self, clock: &dyn Clock) -> Result<()> {
        self.prepare_as(clock, server::Opening::Create)
    }

    fn prepare_as(&mut self, clock: &dyn Clock, how: server::Opening) -> Result<()> {
        let version = if self.conn.is_server() {
            server::prepare(&self.conn, self.server.as_deref().unwrap_or_default(), how)?
        } else {
            self.prepare_file(clock)?
        };
        self.created = version == 0;
        if version < schema::LATEST_VERSION {
            // A new or upgraded ledger: the log records every table as it now is (a
            // migration's own changes are not captured), so `verify` can replay from
            // here.
            let reason = if version == 0 {
                "新建台账".to_string()
            } else {
                format!("升级到第 {} 版", schema::LATEST_VERSION)
            };
            self.write_baseline(&reason)?;
        }
        // Seeding a new file is a write; every other opening only reads, so it never
        // waits for another program's write.
        let seeded = |conn: &Connection| -> Result<bool> {
            Ok(conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM settings WHERE key = 'seeded')",
                [],
                |row| row.get(0),
            )?)
        };
        if seeded(&self.conn)? {
            return Ok(());
        }
        self.write(|tx| {
            if !seeded(tx)? {
                seed_chart(tx, clock)?;
            }
            Ok(())
        })
    }

    /// A SQLite file's connection options and schema upgrade; returns the version the
    /// file had.
    fn prepare_file(&mut self, clock: &dyn Clock) -> Result<i64> {
        let Some(conn) = self.conn.lite() else {
            return Ok(schema::LATEST_VERSION);
        };
        conn.busy_handler(Some(turns::busy))?;
        conn.pragma_update(None, "foreign_keys", true)?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        if version == 0 {
            // Claim the file before anything else is written, so that even a
            // half-created ledger is recognised as ours.
            conn.pragma_update(None, "application_id", schema::APPLICATION_ID)?;
        }
        if self.path.is_some() {
            let mode: String =
                conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(StoreError::CannotOpen {
                    path: self.path.clone().unwrap_or_default(),
                    detail: format!("无法启用 WAL 日志模式（当前 {mode}）"),
                });
            }
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            // A batch to 10,000 members touches pages all over a large file's indexes
            // and a rule check reads a year of a category's entries: a 64 MB page
            // cache and memory-mapped reads keep both from going to the disk (and
            // the kernel) page by page.
            conn.pragma_update(None, "cache_size", -65_536)?;
            conn.pragma_update(None, "mmap_size", 1_073_741_824_i64)?;
        }
        if version > 0 && version < schema::LATEST_VERSION {
            // Before an upgrade, a copy of the ledger as it was.
            self.automatic_backup(&format!("升级前v{version}"), clock.now())?;
        }
        if let Some(conn) = self.conn.lite_mut() {
            schema::migrations().to_latest(conn)?;
        }
        Ok(version)
    }

    /// Runs `operation` in one transaction: committed when it returns `Ok`, rolled back
    /// when it returns `Err`, so nothing half-written is ever left behind.
    ///
    /// The same transaction appends the change-log row describing the write (see
    /// `changelog`): temporary triggers on every table record the before and after of
    /// each row the operation touched, so no write can forget to log.
    pub(crate) fn write<T>(
        &mut self,
        operation: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        self.write_as(None, operation)
    }

    /// Like [`Ledger::write`], naming the action in the log ("结账").
    pub(crate) fn write_as<T>(
        &mut self,
        action: Option<&str>,
        operation: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        if self.read_only {
            return Err(StoreError::ReadOnly {
                reason: self
                    .read_only_reason
                    .clone()
                    .unwrap_or_else(|| "台账以只读方式打开（审计查阅）".to_string()),
            });
        }
        self.capture_changes()?;
        // Our turn: SQLite's write lock, taken before anything is read, so everything
        // below reads what the previous writer committed (see `turns`).
        let asking = (!self.skip_turns).then(|| turns::AskingForTurn::new(&self.waiting));
        let behavior = if self.skip_turns {
            sql::TransactionBehavior::Deferred
        } else {
            sql::TransactionBehavior::Immediate
        };
        let tx = match self.conn.transaction_with_behavior(behavior) {
            Ok(tx) => tx,
            Err(error) if error.is_busy() => {
                self.waited_out = true;
                return Err(StoreError::WaitedOut {
                    seconds: self.waiting.wait.as_secs(),
                });
            }
            Err(error) => return Err(error.into()),
        };
        drop(asking);
        let entries_before: i64 =
            tx.query_row("SELECT ifnull(max(id), 0) FROM entries", [], |row| {
                row.get(0)
            })?;
        let value = operation(&tx)?;
        let clerk = if self.clerk.trim().is_empty() {
            tx.query_row(
                "SELECT value FROM settings WHERE key = 'handler'",
                [],
                |row| row.get::<_, String>(0),
            )
            .optional()?
            .unwrap_or_default()
        } else {
            self.clerk.clone()
        };
        changelog::append(&tx, &clerk, self.clock.now(), entries_before, action, None)?;
        tx.commit()?;
        Ok(value)
    }

    /// Puts this connection's change-capture triggers in place (temporary, made from
    /// the tables as they now are; see `changelog`), once, outside any transaction.
    fn capture_changes(&mut self) -> Result<()> {
        if !self.capturing {
            changelog::install_capture(&self.conn)?;
            self.capturing = true;
        }
        Ok(())
    }

    /// Appends a baseline row to the change log: every row of every covered table (see
    /// `replay`).
    fn write_baseline(&mut self, reason: &str) -> Result<()> {
        self.capture_changes()?;
        let tx = self
            .conn
            .transaction_with_behavior(sql::TransactionBehavior::Immediate)?;
        let entries_before: i64 =
            tx.query_row("SELECT ifnull(max(id), 0) FROM entries", [], |row| {
                row.get(0)
            })?;
        let detail = replay::baseline_detail(&tx)?;
        let clerk = self.clerk.clone();
        changelog::append(
            &tx,
            &clerk,
            self.clock.now(),
            entries_before,
            Some(&format!("{}（{reason}）", replay::BASELINE_ACTION)),
            Some(detail),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The clerk the change log records: the one named for this session, else the
    /// 经办人 in the settings.
    pub fn clerk_name(&self) -> String {
        if self.clerk.trim().is_empty() {
            self.setting("handler").ok().flatten().unwrap_or_default()
        } else {
            self.clerk.clone()
        }
    }

    /// Names the clerk the change log records for this session's changes (otherwise
    /// the 经办人 in the settings).
    pub fn set_clerk(&mut self, clerk: &str) {
        self.clerk = clerk.trim().to_string();
    }

    /// Whether the ledger was opened read-only (for the audit committee).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// From now on every write is refused with `reason` (a damaged file found after
    /// opening: nothing more is written to it until it is restored from a backup).
    pub fn refuse_writes(&mut self, reason: impl Into<String>) {
        self.read_only = true;
        self.read_only_reason = Some(reason.into());
    }

    /// The time by this ledger's clock.
    pub fn clock_now(&self) -> chrono::NaiveDateTime {
        self.clock.now()
    }

    /// A note when a session before this one ended without closing the ledger (a
    /// crash, a kill, a power cut).
    pub fn unclean_close_note(&self) -> Option<&str> {
        self.unclean_close.as_deref()
    }

    /// How many other windows and commands have the ledger open now.
    pub fn other_sessions(&self) -> usize {
        match (&self.path, &self.session) {
            (Some(path), Some(session)) => presence::others(path, Some(session)),
            _ => 0,
        }
    }

    /// Changes when another connection commits (SQLite's `data_version`): a cheap way
    /// for the window to notice other writers.
    pub fn data_version(&self) -> Result<i64> {
        match self.conn.lite() {
            Some(conn) => Ok(conn.pragma_query_value(None, "data_version", |row| row.get(0))?),
            // On the server every write appends a change-log row.
            None => {
                Ok(self
                    .conn
                    .query_row("SELECT ifnull(max(id), 0) FROM change_log", [], |row| {
                        row.get(0)
                    })?)
            }
        }
    }

    /// Whether the last write gave up waiting for its turn; cleared by asking.
    pub fn take_waited_out(&mut self) -> bool {
        std::mem::take(&mut self.waited_out)
    }

    /// How long writes wait for their turn from now on.
    pub fn set_waiting(&mut self, waiting: Waiting) {
        self.waiting = waiting;
    }

    /// Why the ledger is read-only, in the clerk's words, when it is.
    pub fn read_only_reason(&self) -> Option<String> {
        self.read_only.then(|| {
            self.read_only_reason
                .clone()
                .unwrap_or_else(|| "台账以只读方式打开（审计查阅）".to_string())
        })
    }

    /// The connection, for read-only queries inside the store.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The union's name as printed on every form.
    pub fn union_name(&self) -> Result<String> {
        self.setting("union_name")
            .map(|value| value.unwrap_or_else(|| seed::DEFAULT_UNION_NAME.to_string()))
    }

    pub fn set_union_name(&mut self, name: &str) -> Result<()> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::invalid("工会名称", "不能为空"));
        }
        self.set_setting("union_name", name)
    }

    /// A stored preference (e.g. the clerk's name as 经办人).
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        use sql::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| {
                row.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )?;
            Ok(())
        })
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<i64> {
        match self.conn.lite() {
            Some(conn) => Ok(conn.pragma_query_value(None, "user_version", |row| row.get(0))?),
            None => server::schema_version(&self.conn),
        }
    }
}

/// Refuses a file that is not a ledger, is damaged, or is too new, without writing to
/// it: the header is read directly, then the file is opened read-only.
fn check_existing_file(path: &Path) -> Result<()> {
    use std::io::Read;
    let not_ledger = |detail: &str| StoreError::NotALedger {
        path: path.to_path_buf(),
        detail: detail.to_string(),
    };
    let mut header = [0u8; 100];
    let mut file = std::fs::File::open(path).map_err(|error| StoreError::CannotOpen {
        path: path.to_path_buf(),
        detail: error.to_string(),
    })?;
    let read = file
        .read(&mut header)
        .map_err(|error| StoreError::CannotOpen {
            path: path.to_path_buf(),
            detail: error.to_string(),
        })?;
    if read < 16 || &header[..16] != SQLITE_MAGIC {
        return Err(not_ledger("不是 SQLite 数据库"));
    }
    if read < 100 {
        return Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: "文件头不完整".to_string(),
        });
    }
    // A file cut short (a copy or a download that stopped midway): the header's page
    // count, valid when it is not zero and its "version valid for" number matches the
    // change counter, says how long the file must be. A WAL file beside it may still hold pages a crash kept
    // from being copied back; then SQLite's recovery decides, and the full check after
    // a session that did not close cleanly looks at the whole file.
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        size => u64::from(size),
    };
    let page_count = u64::from(u32::from_be_bytes([
        header[28], header[29], header[30], header[31],
    ]));
    let wal_has_pages =
        std::fs::metadata(format!("{}-wal", path.display())).is_ok_and(|wal| wal.len() > 32);
    if page_count > 0 && header[24..28] == header[92..96] && !wal_has_pages {
        let expected = page_count * page_size;
        let actual = std::fs::metadata(path).map_or(0, |m| m.len());
        if actual < expected {
            return Err(StoreError::Corrupt {
                path: path.to_path_buf(),
                detail: format!(
                    "文件不完整：应有 {expected} 字节，实际只有 {actual} 字节；{}",
                    integrity::newest_backup_note(path)
                ),
            });
        }
    }
    let corrupt = |error: rusqlite::Error| StoreError::Corrupt {
        path: path.to_path_buf(),
        detail: format!("{error}；{}", integrity::newest_backup_note(path)),
    };
    let conn = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(corrupt)?;
    let application_id: i32 = conn
        .pragma_query_value(None, "application_id", |row| row.get(0))
        .map_err(corrupt)?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(corrupt)?;
    let table_count: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))
        .map_err(corrupt)?;
    if application_id != schema::APPLICATION_ID {
        if application_id == 0 && table_count == 0 && version == 0 {
            // An empty SQLite database: nothing to lose, it becomes a ledger.
            return Ok(());
        }
        return Err(not_ledger("是其他程序的 SQLite 数据库"));
    }
    if version > schema::LATEST_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found: version,
            supported: schema::LATEST_VERSION,
        });
    }
    // Reading every table's root page catches truncation and garbage without the cost
    // of a full integrity check on a large ledger.
    for table in ["settings", "funds", "categories", "members", "entries"] {
        conn.query_row(
            &format!("SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT 1)"),
            [],
            |_| Ok(()),
        )
        .map_err(corrupt)?;
    }
    let last_page_ok: std::result::Result<i64, _> =
        conn.query_row("SELECT max(rowid) FROM entries", [], |row| {
            row.get::<_, Option<i64>>(0).map(|v| v.unwrap_or(0))
        });
    last_page_ok.map_err(corrupt)?;
    // That is all an open reads: milliseconds at any size. SQLite's full
    // `integrity_check` (every page, every record, every index against its table) runs
    // in `verify`, `backup`, `restore`, on the window's worker thread after opening,
    // and on the first command after a session that did not close cleanly (see
    // `integrity`).
    Ok(())
}

/// Writes the default funds, categories, income sources and settings into a new ledger.
fn seed_chart(tx: &Transaction<'_>, clock: &dyn Clock) -> Result<()> {
    for (order, fund) in seed::FUNDS.iter().enumerate() {
        tx.execute(
            "INSERT INTO funds (name, sort_order) VALUES (?1, ?2)",
            (fund.name, order as i64),
        )?;
    }
    let fund_id = |name: &str| -> Result<i64> {
        Ok(
            tx.query_row("SELECT id FROM funds WHERE name = ?1", [name], |row| {
                row.get(0)
            })?,
        )
    };
    for (group_order, group) in seed::CATEGORIES.iter().enumerate() {
        let group_fund = fund_id(group.fund)?;
        tx.execute(
            "INSERT INTO categories (parent_id, name, default_fund_id, account_code, requires_member, sort_order)
             VALUES (NULL, ?1, ?2, ?3, ?4, ?5)",
            (group.name, group_fund, group.account_code, group.requires_member, group_order as i64),
        )?;
        let group_id = tx.last_insert_rowid()?;
        for (item_order, item) in group.items.iter().enumerate() {
            tx.execute(
                "INSERT INTO categories (parent_id, name, default_fund_id, standard_amount_fen, account_code,
                                         default_payment_form, requires_member, sort_order)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                (
                    group_id,
                    item.name,
                    group_fund,
                    item.standard_yuan.map(|yuan| yuan * 100),
                    item.account_code.unwrap_or(group.account_code),
                    item.payment_form.code(),
                    group.requires_member,
                    item_order as i64,
                ),
            )?;
        }
    }
    // Visit reasons were created by the migration before the chart existed; link each
    // to its 五必访 item now.
    tx.execute(
        "UPDATE visit_reasons SET category_id =
            (SELECT c.id FROM categories c JOIN categories g ON g.id = c.parent_id
             WHERE c.name = visit_reasons.name AND g.name = '五必访')
         WHERE category_id IS NULL",
        [],
    )?;
    for (order, source) in seed::INCOME_SOURCES.iter().enumerate() {
        tx.execute(
            "INSERT INTO income_sources (name, default_fund_id, account_code, sort_order) VALUES (?1, ?2, ?3, ?4)",
            (source.name, fund_id(source.fund)?, source.account_code, order as i64),
        )?;
    }
    let created = codec::datetime_text(clock.now());
    for (key, value) in [
        ("seeded", created.as_str()),
        ("union_name", seed::DEFAULT_UNION_NAME),
    ] {
        tx.execute(
            "INSERT OR IGNORE INTO settings (key, value) VALUES (?1, ?2)",
            [key, value],
        )?;
    }
    Ok(())
}

/// The names of the marker that makes a copy portable (绿色版).
pub const PORTABLE_MARKERS: [&str; 2] = ["portable", "union-ledger.portable"];

/// A portable copy's own data folder: `data` beside the program, when a file named
/// `portable` or `union-ledger.portable` sits beside it. The default ledger, its
/// backups and templates (beside the ledger) and each clerk's look of the window live
/// there, so a copy on a USB stick carries everything.
pub fn portable_data_dir() -> Option<PathBuf> {
    let program = std::env::current_exe().ok()?;
    let folder = program.parent()?;
    PORTABLE_MARKERS
        .iter()
        .any(|marker| folder.join(marker).is_file())
        .then(|| folder.join("data"))
}
