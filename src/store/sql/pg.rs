//! A ledger on a PostgreSQL server, through the sync `postgres` client: the address
//! (every libpq URL form), the password (`PGPASSWORD`, `~/.pgpass`), statements
//! rewritten to the server's dialect and kept prepared, parameters converted to the
//! types the server expects, and values read back as the five kinds SQLite stores.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::error::Error as StdError;
use std::path::PathBuf;
use std::str::FromStr;

use bytes::BytesMut;
use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};

use super::{CellRef, Error, Result, Value, dialect};

/// The key of the ledger's advisory lock: every write takes it first, so writers take
/// turns as they do on a SQLite file (`BEGIN IMMEDIATE`).
pub const WRITE_LOCK_KEY: i64 = 0x756e_696f_6e4c_6467; // "unionLdg"

/// `url` with any password replaced by `***`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..end];
    match authority.rfind('@') {
        Some(at) => match authority[..at].split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{}", &rest[at + 1..]),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// Whether `text` names a server ledger rather than a file.
pub fn is_server_address(text: &str) -> bool {
    let lower = text.trim_start().to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// A connection to a server ledger.
pub struct PgConnection {
    client: RefCell<postgres::Client>,
    /// Where to connect again after the connection was lost.
    config: postgres::Config,
    tls: super::tls::Check,
    /// Prepared statements, keyed by the store's own (SQLite) text.
    statements: RefCell<HashMap<String, postgres::Statement>>,
    in_transaction: Cell<bool>,
    /// The connection broke (the server went away mid-statement).
    lost: Cell<bool>,
    described: String,
}

/// The parts of an address that say where the ledger is, for messages.
#[derive(Debug, Clone)]
pub struct Address {
    pub config: postgres::Config,
    /// What is checked of the server's certificate (`sslmode=verify-…`).
    pub tls: super::tls::Check,
    pub host: String,
    pub port: u16,
    pub user: String,
    pub dbname: String,
}

impl Address {
    /// Reads a `postgres://` or `postgresql://` URL (libpq's forms: `user:password@`,
    /// `host:port`, `/dbname`, `?host=/run/dir&port=5433` for a Unix socket), filling in
    /// the user, the database and the password as libpq would.
    pub fn parse(url: &str) -> std::result::Result<Address, String> {
        let (url_for_driver, tls) = super::tls::take_checks(url.trim())?;
        let mut config = postgres::Config::from_str(&query_overrides(&url_for_driver))
            .map_err(|_| {
                format!(
                    "服务器地址“{}”格式不对：应为 postgres://用户@主机:端口/数据库，或用 ?host=套接字所在文件夹",
                    redact(url)
                )
            })?;
        let user = match config.get_user() {
            Some(user) => user.to_string(),
            None => std::env::var("PGUSER")
                .ok()
                .filter(|user| !user.is_empty())
                .or_else(|| std::env::var("USER").ok())
                .unwrap_or_else(|| "postgres".to_string()),
        };
        config.user(&user);
        let dbname = match config.get_dbname() {
            Some(name) => name.to_string(),
            None => {
                let name = std::env::var("PGDATABASE")
                    .ok()
                    .filter(|name| !name.is_empty())
                    .unwrap_or_else(|| user.clone());
                config.dbname(&name);
                name
            }
        };
        if config.get_hosts().is_empty() {
            config.host("localhost");
        }
        let host = match config.get_hosts().first() {
            Some(postgres::config::Host::Tcp(name)) => name.clone(),
            #[cfg(unix)]
            Some(postgres::config::Host::Unix(path)) => path.display().to_string(),
            None => "localhost".to_string(),
        };
        let port = config.get_ports().first().copied().unwrap_or(5432);
        if config.get_ports().is_empty() {
            config.port(port);
        }
        if config.get_password().is_none() {
            let password = std::env::var("PGPASSWORD")
                .ok()
                .filter(|password| !password.is_empty())
                .or_else(|| pgpass_password(&host, port, &dbname, &user));
            if let Some(password) = password {
                config.password(password);
            }
        }
        config.application_name("union-ledger");
        config.connect_timeout(std::time::Duration::from_secs(10));
        // A network that stops answering is noticed in seconds, not after the
        // operating system's minutes: sent data unacknowledged for 15 s, or an idle
        // connection that does not answer keepalive probes, ends the connection.
        config.keepalives(true);
        config.keepalives_idle(std::time::Duration::from_secs(30));
        config.tcp_user_timeout(std::time::Duration::from_secs(15));
        Ok(Address {
            config,
            tls,
            host,
            port,
            user,
            dbname,
        })
    }

    /// `user@host:port/dbname`, with no password.
    pub fn describe(&self) -> String {
        format!("{}@{}:{}/{}", self.user, self.host, self.port, self.dbname)
    }
}

/// As libpq reads a URL, `?host=` and `?port=` replace the host and port written
/// before the database name (`postgres://clerk@localhost/ledger?host=/run/pg`): those
/// are dropped from the authority so they are not tried first.
fn query_overrides(url: &str) -> String {
    let Some((head, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let keys: Vec<&str> = query
        .split('&')
        .filter_map(|pair| pair.split_once('=').map(|(key, _)| key))
        .collect();
    let (has_host, has_port) = (keys.contains(&"host"), keys.contains(&"port"));
    if !has_host && !has_port {
        return url.to_string();
    }
    let Some((scheme, rest)) = head.split_once("://") else {
        return url.to_string();
    };
    let (authority, path) = match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, ""),
    };
    let (user, hosts) = match authority.rfind('@') {
        Some(at) => (&authority[..=at], &authority[at + 1..]),
        None => ("", authority),
    };
    // Every host and port then comes from the query, where libpq's override puts them.
    let hosts: Vec<&str> = hosts
        .split(',')
        .filter(|host| !host.is_empty())
        .map(|host| match host.rfind(':') {
            Some(at) if !host.ends_with(']') => &host[..at],
            _ => host,
        })
        .collect();
    let query = if has_host || hosts.is_empty() {
        query.to_string()
    } else {
        format!("host={}&{query}", hosts.join(","))
    };
    format!("{scheme}://{user}{path}?{query}")
}

/// The password for this server from the password file (`PGPASSFILE`, else
/// `~/.pgpass`), as libpq reads it: `host:port:database:user:password`, `*` matches
/// anything, `\:` and `\\` are escapes; a Unix socket's host is `localhost`.
fn pgpass_password(host: &str, port: u16, dbname: &str, user: &str) -> Option<String> {
    // libpq's places: `PGPASSFILE`, else `~/.pgpass`, on Windows
    // `%APPDATA%\postgresql\pgpass.conf`.
    let default = if cfg!(windows) {
        std::env::var_os("APPDATA")
            .map(|dir| PathBuf::from(dir).join("postgresql").join("pgpass.conf"))
    } else {
        std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".pgpass"))
    };
    let path = std::env::var_os("PGPASSFILE")
        .map(PathBuf::from)
        .or(default)?;
    let text = std::fs::read_to_string(path).ok()?;
    pgpass_lookup(&text, host, port, dbname, user)
}

pub(crate) fn pgpass_lookup(
    text: &str,
    host: &str,
    port: u16,
    dbname: &str,
    user: &str,
) -> Option<String> {
    let host = if host.starts_with('/') {
        "localhost"
    } else {
        host
    };
    let port = port.to_string();
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    if let Some(next) = chars.next() {
                        field.push(next);
                    }
                }
                ':' if fields.len() < 4 => fields.push(std::mem::take(&mut field)),
                other => field.push(other),
            }
        }
        fields.push(field);
        if fields.len() != 5 {
            continue;
        }
        let matches = |pattern: &str, value: &str| pattern == "*" || pattern == value;
        if matches(&fields[0], host)
            && matches(&fields[1], &port)
            && matches(&fields[2], dbname)
            && matches(&fields[3], user)
        {
            return Some(fields[4].clone());
        }
    }
    None
}

/// Whether an error means the connection itself is gone.
fn is_connection_lost(error: &postgres::Error) -> bool {
    if error.is_closed() {
        return true;
    }
    if error.as_db_error().is_some_and(|db| {
        use postgres::error::SqlState;
        [
            SqlState::ADMIN_SHUTDOWN,
            SqlState::CRASH_SHUTDOWN,
            SqlState::CANNOT_CONNECT_NOW,
        ]
        .contains(db.code())
    }) {
        return true;
    }
    let mut source = error.source();
    while let Some(inner) = source {
        // Any failure to read or write the connection leaves it in an unknown state.
        if inner.downcast_ref::<std::io::Error>().is_some() {
            return true;
        }
        source = inner.source();
    }
    error
        .to_string()
        .starts_with("error communicating with the server")
}

/// A connection error in the clerk's words, saying what to check.
pub fn describe_error(error: &postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        use postgres::error::SqlState;
        let code = db.code();
        return if code == &SqlState::ADMIN_SHUTDOWN
            || code == &SqlState::CRASH_SHUTDOWN
            || code == &SqlState::CANNOT_CONNECT_NOW
        {
            "服务器已停止或正在重启，与服务器的连接已断开：请等服务器恢复后先查看这一笔是否已保存，再决定是否重试".to_string()
        } else if code == &SqlState::INVALID_PASSWORD
            || code == &SqlState::INVALID_AUTHORIZATION_SPECIFICATION
        {
            format!(
                "服务器拒绝登录（{}）：请检查用户名和密码（PGPASSWORD 或 ~/.pgpass），以及服务器 pg_hba.conf 是否允许本机连接",
                db.message()
            )
        } else if code == &SqlState::INVALID_CATALOG_NAME {
            format!(
                "服务器上没有这个数据库（{}）：请检查数据库名，或请管理员先建库",
                db.message()
            )
        } else if code == &SqlState::INSUFFICIENT_PRIVILEGE {
            format!("当前用户没有这个权限（{}）", db.message())
        } else {
            db.message().to_string()
        };
    }
    let text = error.to_string();
    let mut source = error.source();
    let mut detail = String::new();
    let mut io_kind = None;
    while let Some(inner) = source {
        detail = inner.to_string();
        if let Some(io) = inner.downcast_ref::<std::io::Error>() {
            io_kind = Some(io.kind());
        }
        source = inner.source();
    }
    if text.contains("TLS") || detail.contains("certificate") || detail.contains("TLS") {
        return if detail.contains("does not support TLS") || text.contains("does not support TLS") {
            "服务器不支持加密连接（sslmode=require 或 verify-…）：请在服务器上开启 ssl，或改用 sslmode=prefer".to_string()
        } else if detail.contains("certificate") {
            format!(
                "服务器的证书未通过核对（{detail}）：请检查 sslrootcert 指定的证书颁发机构、服务器地址是否与证书一致"
            )
        } else {
            format!("无法与服务器建立加密连接（{detail}）")
        };
    }
    use std::io::ErrorKind;
    let lost = "与服务器的连接已断开：请检查网络和服务器是否在运行；恢复后先查看这一笔是否已保存，再决定是否重试";
    match io_kind {
        _ if error.is_closed() => lost.to_string(),
        Some(ErrorKind::ConnectionRefused | ErrorKind::NotFound) => {
            format!("连接不上服务器（{detail}）：请检查服务器是否在运行、地址和端口是否正确")
        }
        Some(ErrorKind::TimedOut) => "连接服务器超时：请检查网络和服务器地址".to_string(),
        Some(_) => lost.to_string(),
        _ if text.starts_with("error communicating with the server") => lost.to_string(),
        _ if detail.contains("refused") || detail.contains("No such file") => {
            format!("连接不上服务器（{detail}）：请检查服务器是否在运行、地址和端口是否正确")
        }
        _ if text.contains("timed out") || detail.contains("timed out") => {
            "连接服务器超时：请检查网络和服务器地址".to_string()
        }
        _ if detail.is_empty() => text,
        _ => format!("{text}：{detail}"),
    }
}

/// A connection set up for the store: each statement is kept prepared with one plan
/// made once (the store's statements are index lookups whose best plan does not depend
/// on the values; planning a six-table join afresh each time cost more than running it).
fn open_client(
    config: &postgres::Config,
    tls: &super::tls::Check,
) -> std::result::Result<postgres::Client, String> {
    let mut client = config
        .connect(super::tls::connector(tls)?)
        .map_err(|error| describe_error(&error))?;
    // No JIT either: it pays off for long analytic queries, and compiled a short page
    // query for 0.4 s.
    client
        .batch_execute("SET plan_cache_mode = force_generic_plan; SET jit = off")
        .map_err(|error| describe_error(&error))?;
    Ok(client)
}

/// A plain client for `url` (tests and tools that talk to the server directly).
pub fn connect_client(url: &str) -> std::result::Result<postgres::Client, String> {
    let address = Address::parse(url)?;
    address
        .config
        .connect(super::tls::connector(&address.tls)?)
        .map_err(|error| describe_error(&error))
}

impl PgConnection {
    pub fn connect(address: &Address) -> std::result::Result<PgConnection, String> {
        let client = open_client(&address.config, &address.tls)?;
        Ok(PgConnection {
            client: RefCell::new(client),
            config: address.config.clone(),
            tls: address.tls.clone(),
            statements: RefCell::new(HashMap::new()),
            in_transaction: Cell::new(false),
            lost: Cell::new(false),
            described: address.describe(),
        })
    }

    pub fn describe(&self) -> &str {
        &self.described
    }

    pub fn in_transaction(&self) -> bool {
        self.in_transaction.get()
    }

    /// Whether the connection to the server was lost.
    pub fn is_closed(&self) -> bool {
        self.lost.get() || self.client.borrow().is_closed()
    }

    /// Notes a broken connection in a failed call's error.
    fn checked<T>(&self, result: std::result::Result<T, postgres::Error>) -> Result<T> {
        result.map_err(|error| {
            if is_connection_lost(&error) {
                self.lost.set(true);
            }
            Error::Pg(error)
        })
    }

    /// Connects again after the connection was lost (the session's temporary tables
    /// and prepared statements went with it).
    pub fn reconnect(&self) -> std::result::Result<(), String> {
        let client = open_client(&self.config, &self.tls)?;
        *self.client.borrow_mut() = client;
        self.statements.borrow_mut().clear();
        self.in_transaction.set(false);
        self.lost.set(false);
        Ok(())
    }

    /// The prepared form of a store statement (rewritten to the server's dialect once).
    pub fn prepare(&self, sql: &str) -> Result<postgres::Statement> {
        if let Some(statement) = self.statements.borrow().get(sql) {
            return Ok(statement.clone());
        }
        let text = dialect::to_postgres(sql);
        let prepared = self.client.borrow_mut().prepare(&text);
        let statement = match prepared {
            Ok(statement) => statement,
            Err(error) => {
                if std::env::var_os("UNION_LEDGER_SQL_DEBUG").is_some() {
                    eprintln!("server refused a statement: {error}\n{text}");
                }
                return self.checked(Err(error));
            }
        };
        self.statements
            .borrow_mut()
            .insert(sql.to_string(), statement.clone());
        Ok(statement)
    }

    pub fn execute(&self, sql: &str, cells: &[CellRef<'_>]) -> Result<usize> {
        let statement = self.prepare(sql)?;
        self.execute_prepared(&statement, cells)
    }

    pub fn query(&self, sql: &str, cells: &[CellRef<'_>]) -> Result<Vec<postgres::Row>> {
        let statement = self.prepare(sql)?;
        self.query_prepared(&statement, cells)
    }

    pub fn execute_prepared(
        &self,
        statement: &postgres::Statement,
        cells: &[CellRef<'_>],
    ) -> Result<usize> {
        let params: Vec<PgParam<'_>> = cells.iter().map(|cell| PgParam(*cell)).collect();
        let refs: Vec<&(dyn ToSql + Sync)> = params
            .iter()
            .map(|param| param as &(dyn ToSql + Sync))
            .collect();
        let count = self.checked(self.client.borrow_mut().execute(statement, &refs))?;
        Ok(usize::try_from(count).unwrap_or(usize::MAX))
    }

    pub fn query_prepared(
        &self,
        statement: &postgres::Statement,
        cells: &[CellRef<'_>],
    ) -> Result<Vec<postgres::Row>> {
        let params: Vec<PgParam<'_>> = cells.iter().map(|cell| PgParam(*cell)).collect();
        let refs: Vec<&(dyn ToSql + Sync)> = params
            .iter()
            .map(|param| param as &(dyn ToSql + Sync))
            .collect();
        let rows = self.client.borrow_mut().query(statement, &refs);
        self.checked(rows)
    }

    /// Statements with no parameters, sent as they are (the server's own dialect:
    /// schema scripts, `BEGIN`, `COMMIT`). Prepared statements are forgotten, since the
    /// tables they read may have changed.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        let trimmed = sql.trim().to_ascii_uppercase();
        match trimmed.as_str() {
            "COMMIT" | "ROLLBACK" | "END" => {
                self.in_transaction.set(false);
            }
            _ => self.statements.borrow_mut().clear(),
        }
        let done = self.client.borrow_mut().batch_execute(sql);
        self.checked(done)
    }

    /// `BEGIN`, and with `lock` the ledger's write lock, held to the end of the
    /// transaction.
    pub fn begin(&self, lock: bool) -> Result<()> {
        let result = self.begin_locked(lock);
        if let Err(Error::Pg(error)) = &result
            && is_connection_lost(error)
        {
            self.lost.set(true);
        }
        if result.is_err() && self.in_transaction.get() {
            self.in_transaction.set(false);
            let _ = self.client.borrow_mut().batch_execute("ROLLBACK");
        }
        result
    }

    fn begin_locked(&self, lock: bool) -> Result<()> {
        let mut client = self.client.borrow_mut();
        client.batch_execute("BEGIN")?;
        self.in_transaction.set(true);
        if !lock {
            return Ok(());
        }
        let got: bool = client
            .query_one("SELECT pg_try_advisory_xact_lock($1)", &[&WRITE_LOCK_KEY])?
            .get(0);
        if got {
            return Ok(());
        }
        // Another writer has its turn: wait for it in the server, as long as the
        // program was told to wait (`--wait`), saying so once.
        let wait = crate::store::turns::server_wait().unwrap_or(crate::store::DEFAULT_WAIT);
        client.batch_execute(&format!(
            "SET LOCAL lock_timeout = '{}ms'",
            wait.as_millis().max(1)
        ))?;
        client.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK_KEY])?;
        client.batch_execute("SET LOCAL lock_timeout = 0")?;
        Ok(())
    }

    /// A read-only transaction seeing one state of the ledger throughout.
    pub fn begin_snapshot(&self) -> Result<()> {
        self.client
            .borrow_mut()
            .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
        self.in_transaction.set(true);
        Ok(())
    }

    /// The id the last `INSERT` gave its row (set by the id triggers of the schema).
    pub fn last_insert_id(&self) -> Result<i64> {
        let row = self.client.borrow_mut().query_one(
            "SELECT coalesce(nullif(current_setting('union_ledger.last_id', true), ''), '0')::bigint",
            &[],
        )?;
        Ok(row.get(0))
    }
}

/// One parameter, converted to the type the server inferred for it.
#[derive(Debug)]
struct PgParam<'a>(CellRef<'a>);

type BoxError = Box<dyn StdError + Sync + Send>;

impl ToSql for PgParam<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> std::result::Result<IsNull, BoxError> {
        match self.0 {
            CellRef::Null => Ok(IsNull::Yes),
            CellRef::Integer(value) => integer_to_sql(value, ty, out),
            CellRef::Real(value) => match *ty {
                Type::FLOAT4 => (value as f32).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR | Type::UNKNOWN => {
                    value.to_string().as_str().to_sql(&Type::TEXT, out)
                }
                _ => value.to_sql(&Type::FLOAT8, out),
            },
            CellRef::Text(text) => text_to_sql(text, ty, out),
            CellRef::Blob(bytes) => bytes.to_sql(&Type::BYTEA, out),
        }
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn integer_to_sql(
    value: i64,
    ty: &Type,
    out: &mut BytesMut,
) -> std::result::Result<IsNull, BoxError> {
    match *ty {
        Type::INT8 => value.to_sql(ty, out),
        Type::INT4 => i32::try_from(value)?.to_sql(ty, out),
        Type::INT2 => i16::try_from(value)?.to_sql(ty, out),
        Type::BOOL => (value != 0).to_sql(ty, out),
        Type::FLOAT8 => (value as f64).to_sql(ty, out),
        Type::FLOAT4 => (value as f32).to_sql(ty, out),
        Type::OID => u32::try_from(value)?.to_sql(ty, out),
        Type::NUMERIC => {
            encode_numeric(value, out);
            Ok(IsNull::No)
        }
        _ => value.to_string().as_str().to_sql(&Type::TEXT, out),
    }
}

fn text_to_sql(text: &str, ty: &Type, out: &mut BytesMut) -> std::result::Result<IsNull, BoxError> {
    match *ty {
        Type::INT8 | Type::INT4 | Type::INT2 | Type::OID | Type::BOOL | Type::NUMERIC => {
            let value: i64 = text
                .trim()
                .parse()
                .map_err(|_| format!("“{text}”不是整数"))?;
            integer_to_sql(value, ty, out)
        }
        Type::FLOAT8 | Type::FLOAT4 => {
            let value: f64 = text
                .trim()
                .parse()
                .map_err(|_| format!("“{text}”不是数字"))?;
            value.to_sql(&Type::FLOAT8, out)
        }
        Type::JSON => {
            out.extend_from_slice(text.as_bytes());
            Ok(IsNull::No)
        }
        Type::JSONB => {
            out.extend_from_slice(&[1]);
            out.extend_from_slice(text.as_bytes());
            Ok(IsNull::No)
        }
        Type::BYTEA => text.as_bytes().to_sql(ty, out),
        _ => text.to_sql(&Type::TEXT, out),
    }
}

/// An integer in NUMERIC's binary form.
fn encode_numeric(value: i64, out: &mut BytesMut) {
    let negative = value < 0;
    let mut magnitude = value.unsigned_abs();
    let mut digits: Vec<i16> = Vec::new();
    while magnitude > 0 {
        digits.push((magnitude % 10_000) as i16);
        magnitude /= 10_000;
    }
    digits.reverse();
    let weight = digits.len() as i16 - 1;
    out.extend_from_slice(&(digits.len() as i16).to_be_bytes());
    out.extend_from_slice(&weight.max(0).to_be_bytes());
    out.extend_from_slice(&(if negative { 0x4000u16 } else { 0 }).to_be_bytes());
    out.extend_from_slice(&0u16.to_be_bytes());
    for digit in digits {
        out.extend_from_slice(&digit.to_be_bytes());
    }
}

/// NUMERIC read from its binary form: an integer when it has no fraction (sums of
/// BIGINT are NUMERIC on the server), else a real.
struct Numeric(Value);

impl<'a> FromSql<'a> for Numeric {
    fn from_sql(_ty: &Type, raw: &'a [u8]) -> std::result::Result<Self, BoxError> {
        let word = |at: usize| -> std::result::Result<u16, BoxError> {
            raw.get(at..at + 2)
                .map(|bytes| u16::from_be_bytes([bytes[0], bytes[1]]))
                .ok_or_else(|| "NUMERIC 数据不完整".into())
        };
        let count = word(0)? as usize;
        let weight = word(2)? as i16 as i32;
        let sign = word(4)?;
        if sign == 0xC000 {
            return Ok(Numeric(Value::Real(f64::NAN)));
        }
        let mut integer: i128 = 0;
        let mut real = 0f64;
        let mut fraction = false;
        for index in 0..count {
            let digit = i128::from(word(8 + 2 * index)?);
            let power = weight - index as i32;
            real += digit as f64 * 10_000f64.powi(power);
            if power >= 0 {
                integer += digit * 10_000i128.pow(power as u32);
            } else if digit != 0 {
                fraction = true;
            }
        }
        if sign == 0x4000 {
            integer = -integer;
            real = -real;
        }
        Ok(Numeric(match (fraction, i64::try_from(integer)) {
            (false, Ok(value)) => Value::Integer(value),
            _ => Value::Real(real),
        }))
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::NUMERIC
    }
}

/// JSON and JSONB read as their text.
struct JsonText(String);

impl<'a> FromSql<'a> for JsonText {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> std::result::Result<Self, BoxError> {
        let bytes = if *ty == Type::JSONB {
            raw.get(1..).unwrap_or_default()
        } else {
            raw
        };
        Ok(JsonText(std::str::from_utf8(bytes)?.to_string()))
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::JSON || *ty == Type::JSONB
    }
}

/// Column `index` of a server row, as one of the five kinds SQLite stores.
pub fn cell(row: &postgres::Row, index: usize) -> Result<Value> {
    let ty = row
        .columns()
        .get(index)
        .map(|column| column.type_().clone())
        .ok_or_else(|| Error::conversion(index, "没有这一列"))?;
    let read = |error: postgres::Error| Error::conversion(index, error);
    Ok(match ty {
        Type::INT8 => row
            .try_get::<_, Option<i64>>(index)
            .map_err(read)?
            .map_or(Value::Null, Value::Integer),
        Type::INT4 => row
            .try_get::<_, Option<i32>>(index)
            .map_err(read)?
            .map_or(Value::Null, |value| Value::Integer(value.into())),
        Type::INT2 => row
            .try_get::<_, Option<i16>>(index)
            .map_err(read)?
            .map_or(Value::Null, |value| Value::Integer(value.into())),
        Type::OID => row
            .try_get::<_, Option<u32>>(index)
            .map_err(read)?
            .map_or(Value::Null, |value| Value::Integer(value.into())),
        Type::BOOL => row
            .try_get::<_, Option<bool>>(index)
            .map_err(read)?
            .map_or(Value::Null, |value| Value::Integer(value.into())),
        Type::FLOAT8 => row
            .try_get::<_, Option<f64>>(index)
            .map_err(read)?
            .map_or(Value::Null, Value::Real),
        Type::FLOAT4 => row
            .try_get::<_, Option<f32>>(index)
            .map_err(read)?
            .map_or(Value::Null, |value| Value::Real(value.into())),
        Type::NUMERIC => row
            .try_get::<_, Option<Numeric>>(index)
            .map_err(read)?
            .map_or(Value::Null, |numeric| numeric.0),
        Type::BYTEA => row
            .try_get::<_, Option<Vec<u8>>>(index)
            .map_err(read)?
            .map_or(Value::Null, Value::Blob),
        Type::JSON | Type::JSONB => row
            .try_get::<_, Option<JsonText>>(index)
            .map_err(read)?
            .map_or(Value::Null, |json| Value::Text(json.0)),
        _ => row
            .try_get::<_, Option<String>>(index)
            .map_err(read)?
            .map_or(Value::Null, Value::Text),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pgpass_matches_like_libpq() {
        let text = "# comment\n\
                    db.example:5432:ledger:clerk:s3cret\n\
                    *:*:other:*:any\\:thing\n\
                    localhost:5433:ledger:clerk:socket\n";
        assert_eq!(
            pgpass_lookup(text, "db.example", 5432, "ledger", "clerk").as_deref(),
            Some("s3cret")
        );
        assert_eq!(
            pgpass_lookup(text, "elsewhere", 1, "other", "x").as_deref(),
            Some("any:thing")
        );
        assert_eq!(
            pgpass_lookup(text, "/run/postgresql", 5433, "ledger", "clerk").as_deref(),
            Some("socket")
        );
        assert_eq!(
            pgpass_lookup(text, "db.example", 5432, "ledger", "audit"),
            None
        );
    }

    #[test]
    fn addresses_in_every_libpq_form() {
        let tcp = Address::parse("postgres://clerk@db.example:6543/ledger").unwrap();
        assert_eq!(tcp.describe(), "clerk@db.example:6543/ledger");
        let socket =
            Address::parse("postgresql://clerk@localhost/ledger?host=/run/pg&port=5433").unwrap();
        assert_eq!(socket.port, 5433);
        assert_eq!(socket.dbname, "ledger");
        assert_eq!(socket.host, "/run/pg");
        let port_only =
            Address::parse("postgres://clerk@db.example:7000/ledger?port=7001").unwrap();
        assert_eq!(
            (port_only.host.as_str(), port_only.port),
            ("db.example", 7001)
        );
        assert!(Address::parse("postgres://clerk@db:notaport/x").is_err());
        assert!(is_server_address("PostgreSQL://x@y/z"));
        assert_eq!(
            redact("postgres://clerk:s3cret@db/ledger?port=1"),
            "postgres://clerk:***@db/ledger?port=1"
        );
        assert!(!is_server_address("/home/clerk/ledger.db"));
    }

    #[test]
    fn numeric_sums_come_back_as_integers() {
        let mut out = BytesMut::new();
        encode_numeric(-1_234_567_890_123, &mut out);
        let numeric = Numeric::from_sql(&Type::NUMERIC, &out).unwrap();
        assert_eq!(numeric.0, Value::Integer(-1_234_567_890_123));
        let mut zero = BytesMut::new();
        encode_numeric(0, &mut zero);
        assert_eq!(
            Numeric::from_sql(&Type::NUMERIC, &zero).unwrap().0,
            Value::Integer(0)
        );
    }
}
