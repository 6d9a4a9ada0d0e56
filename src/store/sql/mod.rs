//! One connection type for every SQL the store runs, shaped like rusqlite's (so the
//! store reads the same whichever engine holds the ledger): a local SQLite file, or a
//! ledger on a PostgreSQL server (`pg`). The store writes SQLite's dialect; for the
//! server each statement is rewritten once (`dialect`) and its prepared form kept.
//!
//! Values cross this boundary as [`CellRef`]s: integers, reals, text, blobs and NULL,
//! the five kinds SQLite stores. The server's column types (BIGINT, BOOLEAN, NUMERIC
//! for sums, TEXT, BYTEA) are read into the same five, and a parameter is converted to
//! whatever type the server expects for it, so the store's code never sees a
//! difference.

pub mod dialect;
pub mod pg;
pub mod tls;

use std::fmt;

pub use pg::PgConnection;

/// Why a statement failed.
#[derive(Debug)]
pub enum Error {
    Lite(rusqlite::Error),
    Pg(postgres::Error),
    /// A query expected a row and found none.
    NoRows,
    /// A stored value could not be read as the type asked for.
    Conversion {
        column: usize,
        detail: String,
    },
    /// A call the other engine has no use for was made on this one.
    Unsupported(&'static str),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Lite(error) => write!(f, "{error}"),
            Error::Pg(error) => write!(f, "{}", pg::describe_error(error)),
            Error::NoRows => write!(f, "查询没有返回任何行"),
            Error::Conversion { column, detail } => {
                write!(f, "第 {} 列的值无法读取：{detail}", column + 1)
            }
            Error::Unsupported(what) => write!(f, "{what}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<rusqlite::Error> for Error {
    fn from(error: rusqlite::Error) -> Self {
        match error {
            rusqlite::Error::QueryReturnedNoRows => Error::NoRows,
            other => Error::Lite(other),
        }
    }
}

impl From<postgres::Error> for Error {
    fn from(error: postgres::Error) -> Self {
        Error::Pg(error)
    }
}

impl Error {
    /// The message a trigger raised to stop a write (`RAISE(ABORT, …)` in SQLite,
    /// `RAISE EXCEPTION` on the server).
    pub fn raised(&self) -> Option<&str> {
        match self {
            Error::Lite(rusqlite::Error::SqliteFailure(_, Some(message))) => Some(message),
            Error::Pg(error) => error
                .as_db_error()
                .filter(|db| db.code() == &postgres::error::SqlState::RAISE_EXCEPTION)
                .map(|db| db.message()),
            _ => None,
        }
    }

    /// Another connection holds the write lock and the wait ran out.
    pub fn is_busy(&self) -> bool {
        match self {
            Error::Lite(rusqlite::Error::SqliteFailure(code, _)) => {
                code.code == rusqlite::ErrorCode::DatabaseBusy
                    || code.code == rusqlite::ErrorCode::DatabaseLocked
            }
            Error::Pg(error) => error
                .as_db_error()
                .is_some_and(|db| db.code() == &postgres::error::SqlState::LOCK_NOT_AVAILABLE),
            _ => false,
        }
    }

    /// A conversion failure on `column`, worded by `detail`.
    pub fn conversion(column: usize, detail: impl fmt::Display) -> Self {
        Error::Conversion {
            column,
            detail: detail.to_string(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `query_row(…).optional()`: no row is `None`, not an error.
pub trait OptionalExtension<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(value) => Ok(Some(value)),
            Err(Error::NoRows) => Ok(None),
            Err(error) => Err(error),
        }
    }
}

// ---------------------------------------------------------------------------------
// Values.
// ---------------------------------------------------------------------------------

/// A value as stored, borrowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellRef<'a> {
    Null,
    Integer(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

/// A value as stored, owned: for parameters built at run time.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Value {
    pub fn as_ref(&self) -> CellRef<'_> {
        match self {
            Value::Null => CellRef::Null,
            Value::Integer(value) => CellRef::Integer(*value),
            Value::Real(value) => CellRef::Real(*value),
            Value::Text(text) => CellRef::Text(text),
            Value::Blob(bytes) => CellRef::Blob(bytes),
        }
    }
}

impl From<i64> for Value {
    fn from(value: i64) -> Self {
        Value::Integer(value)
    }
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Value::Text(value)
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Value::Text(value.to_string())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(value: Option<T>) -> Self {
        value.map_or(Value::Null, Into::into)
    }
}

/// A Rust value that can be bound as a parameter.
pub trait ToCell {
    fn to_cell(&self) -> CellRef<'_>;
}

macro_rules! integer_cells {
    ($($t:ty),*) => {$(
        impl ToCell for $t {
            fn to_cell(&self) -> CellRef<'_> {
                CellRef::Integer(*self as i64)
            }
        }
    )*};
}
integer_cells!(i64, i32, i16, i8, u32, u16, u8);

impl ToCell for u64 {
    fn to_cell(&self) -> CellRef<'_> {
        // Counts and sizes; none comes near i64::MAX.
        CellRef::Integer(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl ToCell for usize {
    fn to_cell(&self) -> CellRef<'_> {
        CellRef::Integer(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl ToCell for bool {
    fn to_cell(&self) -> CellRef<'_> {
        CellRef::Integer(i64::from(*self))
    }
}

impl ToCell for f64 {
    fn to_cell(&self) -> CellRef<'_> {
        CellRef::Real(*self)
    }
}

impl ToCell for str {
    fn to_cell(&self) -> CellRef<'_> {
        CellRef::Text(self)
    }
}

impl ToCell for String {
    fn to_cell(&self) -> CellRef<'_> {
        CellRef::Text(self)
    }
}

impl ToCell for [u8] {
    fn to_cell(&self) -> CellRef<'_> {
        CellRef::Blob(self)
    }
}

impl ToCell for Vec<u8> {
    fn to_cell(&self) -> CellRef<'_> {
        CellRef::Blob(self)
    }
}

impl ToCell for Value {
    fn to_cell(&self) -> CellRef<'_> {
        self.as_ref()
    }
}

impl<T: ToCell + ?Sized> ToCell for &T {
    fn to_cell(&self) -> CellRef<'_> {
        (**self).to_cell()
    }
}

impl<T: ToCell> ToCell for Option<T> {
    fn to_cell(&self) -> CellRef<'_> {
        match self {
            Some(value) => value.to_cell(),
            None => CellRef::Null,
        }
    }
}

/// A Rust value a stored value can be read as.
pub trait FromCell: Sized {
    fn from_cell(cell: CellRef<'_>) -> std::result::Result<Self, String>;
}

fn wrong(cell: CellRef<'_>, wanted: &str) -> String {
    let found = match cell {
        CellRef::Null => "NULL",
        CellRef::Integer(_) => "整数",
        CellRef::Real(_) => "小数",
        CellRef::Text(_) => "文字",
        CellRef::Blob(_) => "二进制",
    };
    format!("应为{wanted}，实为{found}")
}

impl FromCell for i64 {
    fn from_cell(cell: CellRef<'_>) -> std::result::Result<Self, String> {
        match cell {
            CellRef::Integer(value) => Ok(value),
            other => Err(wrong(other, "整数")),
        }
    }
}

macro_rules! narrow_cells {
    ($($t:ty),*) => {$(
        impl FromCell for $t {
            fn from_cell(cell: CellRef<'_>) -> std::result::Result<Self, String> {
                let wide = i64::from_cell(cell)?;
                <$t>::try_from(wide).map_err(|_| format!("整数 {wide} 超出范围"))
            }
        }
    )*};
}
narrow_cells!(i32, u32, u64, usize, u8, u16, i16);

impl FromCell for bool {
    fn from_cell(cell: CellRef<'_>) -> std::result::Result<Self, String> {
        Ok(i64::from_cell(cell)? != 0)
    }
}

impl FromCell for f64 {
    fn from_cell(cell: CellRef<'_>) -> std::result::Result<Self, String> {
        match cell {
            CellRef::Real(value) => Ok(value),
            CellRef::Integer(value) => Ok(value as f64),
            other => Err(wrong(other, "数字")),
        }
    }
}

impl FromCell for String {
    fn from_cell(cell: CellRef<'_>) -> std::result::Result<Self, String> {
        match cell {
            CellRef::Text(text) => Ok(text.to_string()),
            other => Err(wrong(other, "文字")),
        }
    }
}

impl FromCell for Vec<u8> {
    fn from_cell(cell: CellRef<'_>) -> std::result::Result<Self, String> {
        match cell {
            CellRef::Blob(bytes) => Ok(bytes.to_vec()),
            other => Err(wrong(other, "二进制")),
        }
    }
}

impl FromCell for Value {
    fn from_cell(cell: CellRef<'_>) -> std::result::Result<Self, String> {
        Ok(match cell {
            CellRef::Null => Value::Null,
            CellRef::Integer(value) => Value::Integer(value),
            CellRef::Real(value) => Value::Real(value),
            CellRef::Text(text) => Value::Text(text.to_string()),
            CellRef::Blob(bytes) => Value::Blob(bytes.to_vec()),
        })
    }
}

impl<T: FromCell> FromCell for Option<T> {
    fn from_cell(cell: CellRef<'_>) -> std::result::Result<Self, String> {
        match cell {
            CellRef::Null => Ok(None),
            other => T::from_cell(other).map(Some),
        }
    }
}

/// Binds one of our values to a SQLite statement without copying it.
struct LiteCell<'a>(CellRef<'a>);

impl rusqlite::ToSql for LiteCell<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self.0 {
            CellRef::Null => ValueRef::Null,
            CellRef::Integer(value) => ValueRef::Integer(value),
            CellRef::Real(value) => ValueRef::Real(value),
            CellRef::Text(text) => ValueRef::Text(text.as_bytes()),
            CellRef::Blob(bytes) => ValueRef::Blob(bytes),
        }))
    }
}

fn lite_cell(value: rusqlite::types::ValueRef<'_>) -> std::result::Result<CellRef<'_>, String> {
    use rusqlite::types::ValueRef;
    Ok(match value {
        ValueRef::Null => CellRef::Null,
        ValueRef::Integer(value) => CellRef::Integer(value),
        ValueRef::Real(value) => CellRef::Real(value),
        ValueRef::Text(bytes) => CellRef::Text(
            std::str::from_utf8(bytes).map_err(|error| format!("文字不是 UTF-8：{error}"))?,
        ),
        ValueRef::Blob(bytes) => CellRef::Blob(bytes),
    })
}

// ---------------------------------------------------------------------------------
// Parameters.
// ---------------------------------------------------------------------------------

/// The parameters of one statement: `[]`, `[a, b]`, `params![a, b]`, a slice, or
/// [`params_from_iter`].
pub trait Params {
    fn with_cells<R>(self, run: impl FnOnce(&[CellRef<'_>]) -> R) -> R;
}

impl Params for [&dyn ToCell; 0] {
    fn with_cells<R>(self, run: impl FnOnce(&[CellRef<'_>]) -> R) -> R {
        run(&[])
    }
}

impl Params for &[&dyn ToCell] {
    fn with_cells<R>(self, run: impl FnOnce(&[CellRef<'_>]) -> R) -> R {
        let cells: Vec<CellRef<'_>> = self.iter().map(|value| value.to_cell()).collect();
        run(&cells)
    }
}

macro_rules! array_params {
    ($($n:literal),*) => {$(
        impl<T: ToCell> Params for [T; $n] {
            fn with_cells<R>(self, run: impl FnOnce(&[CellRef<'_>]) -> R) -> R {
                let cells: Vec<CellRef<'_>> = self.iter().map(ToCell::to_cell).collect();
                run(&cells)
            }
        }
        impl<T: ToCell> Params for &[T; $n] {
            fn with_cells<R>(self, run: impl FnOnce(&[CellRef<'_>]) -> R) -> R {
                let cells: Vec<CellRef<'_>> = self.iter().map(ToCell::to_cell).collect();
                run(&cells)
            }
        }
    )*};
}
array_params!(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);

macro_rules! tuple_params {
    ($(($($name:ident),+)),*) => {$(
        impl<$($name: ToCell),+> Params for ($($name,)+) {
            #[allow(non_snake_case)]
            fn with_cells<R>(self, run: impl FnOnce(&[CellRef<'_>]) -> R) -> R {
                let ($($name,)+) = &self;
                run(&[$($name.to_cell()),+])
            }
        }
    )*};
}
tuple_params!(
    (A),
    (A, B),
    (A, B, C),
    (A, B, C, D),
    (A, B, C, D, E),
    (A, B, C, D, E, F),
    (A, B, C, D, E, F, G),
    (A, B, C, D, E, F, G, H),
    (A, B, C, D, E, F, G, H, I),
    (A, B, C, D, E, F, G, H, I, J),
    (A, B, C, D, E, F, G, H, I, J, K),
    (A, B, C, D, E, F, G, H, I, J, K, L),
    (A, B, C, D, E, F, G, H, I, J, K, L, M),
    (A, B, C, D, E, F, G, H, I, J, K, L, M, N),
    (A, B, C, D, E, F, G, H, I, J, K, L, M, N, O),
    (A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P)
);

/// Parameters from a list built at run time.
pub struct ParamsFromIter<I>(I);

pub fn params_from_iter<I>(iter: I) -> ParamsFromIter<I>
where
    I: IntoIterator,
    I::Item: ToCell,
{
    ParamsFromIter(iter)
}

impl<I> Params for ParamsFromIter<I>
where
    I: IntoIterator,
    I::Item: ToCell,
{
    fn with_cells<R>(self, run: impl FnOnce(&[CellRef<'_>]) -> R) -> R {
        let values: Vec<I::Item> = self.0.into_iter().collect();
        let cells: Vec<CellRef<'_>> = values.iter().map(ToCell::to_cell).collect();
        run(&cells)
    }
}

/// `params![a, b, c]`: parameters of different types.
#[macro_export]
macro_rules! sql_params {
    () => {
        &[] as &[&dyn $crate::store::sql::ToCell]
    };
    ($($value:expr),+ $(,)?) => {
        &[$(&$value as &dyn $crate::store::sql::ToCell),+] as &[&dyn $crate::store::sql::ToCell]
    };
}
pub use crate::sql_params as params;

fn lite_params<'a>(cells: &'a [CellRef<'a>]) -> impl Iterator<Item = LiteCell<'a>> + 'a {
    cells.iter().map(|cell| LiteCell(*cell))
}

// ---------------------------------------------------------------------------------
// Connections, transactions, statements and rows.
// ---------------------------------------------------------------------------------

/// An open connection to a ledger's database.
pub enum Connection {
    Lite(rusqlite::Connection),
    Pg(Box<PgConnection>),
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Connection::Lite(_) => write!(f, "Connection::Lite"),
            Connection::Pg(pg) => write!(f, "Connection::Pg({})", pg.describe()),
        }
    }
}

/// How a transaction starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionBehavior {
    /// Takes no lock until the first write (SQLite `BEGIN DEFERRED`).
    Deferred,
    /// Takes the write lock at once: SQLite `BEGIN IMMEDIATE`; on the server, the
    /// ledger's advisory lock (`pg_advisory_xact_lock`).
    Immediate,
}

impl Connection {
    /// The SQLite connection, for what only SQLite has (pragmas, backups, the busy
    /// handler); `None` on the server.
    pub fn lite(&self) -> Option<&rusqlite::Connection> {
        match self {
            Connection::Lite(conn) => Some(conn),
            Connection::Pg(_) => None,
        }
    }

    pub fn lite_mut(&mut self) -> Option<&mut rusqlite::Connection> {
        match self {
            Connection::Lite(conn) => Some(conn),
            Connection::Pg(_) => None,
        }
    }

    pub fn pg(&self) -> Option<&PgConnection> {
        match self {
            Connection::Lite(_) => None,
            Connection::Pg(pg) => Some(pg.as_ref()),
        }
    }

    pub fn is_server(&self) -> bool {
        matches!(self, Connection::Pg(_))
    }

    pub fn execute(&self, sql: &str, params: impl Params) -> Result<usize> {
        match self {
            Connection::Lite(conn) => params.with_cells(|cells| {
                let mut statement = conn.prepare_cached(sql)?;
                Ok(statement.execute(rusqlite::params_from_iter(lite_params(cells)))?)
            }),
            Connection::Pg(pg) => params.with_cells(|cells| pg.execute(sql, cells)),
        }
    }

    /// Runs several statements with no parameters (schema, pragmas).
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match self {
            Connection::Lite(conn) => Ok(conn.execute_batch(sql)?),
            Connection::Pg(pg) => pg.execute_batch(sql),
        }
    }

    pub fn query_row<T, P, F>(&self, sql: &str, params: P, map: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        match self {
            Connection::Lite(conn) => params.with_cells(|cells| {
                let mut statement = conn.prepare_cached(sql)?;
                let mut rows = statement.query(rusqlite::params_from_iter(lite_params(cells)))?;
                match rows.next()? {
                    Some(row) => map(&Row(RowInner::Lite(row))),
                    None => Err(Error::NoRows),
                }
            }),
            Connection::Pg(pg) => params.with_cells(|cells| {
                let rows = pg.query(sql, cells)?;
                match rows.first() {
                    Some(row) => map(&Row(RowInner::Pg(row))),
                    None => Err(Error::NoRows),
                }
            }),
        }
    }

    pub fn prepare(&self, sql: &str) -> Result<Statement<'_>> {
        match self {
            Connection::Lite(conn) => Ok(Statement(StatementInner::Lite(conn.prepare(sql)?))),
            Connection::Pg(pg) => Ok(Statement(StatementInner::Pg(pg, pg.prepare(sql)?))),
        }
    }

    pub fn prepare_cached(&self, sql: &str) -> Result<Statement<'_>> {
        match self {
            Connection::Lite(conn) => Ok(Statement(StatementInner::LiteCached(
                conn.prepare_cached(sql)?,
            ))),
            Connection::Pg(pg) => Ok(Statement(StatementInner::Pg(pg, pg.prepare(sql)?))),
        }
    }

    /// The id of the row the last `INSERT` made.
    pub fn last_insert_rowid(&self) -> Result<i64> {
        match self {
            Connection::Lite(conn) => Ok(conn.last_insert_rowid()),
            Connection::Pg(pg) => pg.last_insert_id(),
        }
    }

    pub fn is_autocommit(&self) -> bool {
        match self {
            Connection::Lite(conn) => conn.is_autocommit(),
            Connection::Pg(pg) => !pg.in_transaction(),
        }
    }

    /// Starts a transaction; it rolls back when dropped without [`Transaction::commit`].
    pub fn transaction_with_behavior(
        &mut self,
        behavior: TransactionBehavior,
    ) -> Result<Transaction<'_>> {
        self.begin(behavior)?;
        Ok(Transaction {
            conn: self,
            done: false,
        })
    }

    /// A read-only transaction that sees one consistent state of the ledger while
    /// other connections go on writing (on a shared reference: the caller makes sure no
    /// other transaction is open).
    pub fn snapshot(&self) -> Result<Transaction<'_>> {
        match self {
            Connection::Lite(conn) => conn.execute_batch("BEGIN DEFERRED")?,
            Connection::Pg(pg) => pg.begin_snapshot()?,
        }
        Ok(Transaction {
            conn: self,
            done: false,
        })
    }

    fn begin(&self, behavior: TransactionBehavior) -> Result<()> {
        match self {
            Connection::Lite(conn) => Ok(conn.execute_batch(match behavior {
                TransactionBehavior::Deferred => "BEGIN DEFERRED",
                TransactionBehavior::Immediate => "BEGIN IMMEDIATE",
            })?),
            Connection::Pg(pg) => pg.begin(behavior == TransactionBehavior::Immediate),
        }
    }
}

/// An open transaction; reads and writes go through it like through the connection.
pub struct Transaction<'c> {
    conn: &'c Connection,
    done: bool,
}

impl Transaction<'_> {
    pub fn commit(mut self) -> Result<()> {
        self.done = true;
        self.conn.execute_batch("COMMIT")
    }

    pub fn rollback(mut self) -> Result<()> {
        self.done = true;
        self.conn.execute_batch("ROLLBACK")
    }
}

impl std::ops::Deref for Transaction<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if !self.done {
            // Nothing to do about a failed rollback: the connection ends the
            // transaction when it closes.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

/// A prepared statement.
pub struct Statement<'c>(StatementInner<'c>);

enum StatementInner<'c> {
    Lite(rusqlite::Statement<'c>),
    LiteCached(rusqlite::CachedStatement<'c>),
    Pg(&'c PgConnection, postgres::Statement),
}

impl<'c> Statement<'c> {
    fn lite(&mut self) -> Option<&mut rusqlite::Statement<'c>> {
        match &mut self.0 {
            StatementInner::Lite(statement) => Some(statement),
            StatementInner::LiteCached(statement) => Some(statement),
            StatementInner::Pg(..) => None,
        }
    }

    pub fn execute(&mut self, params: impl Params) -> Result<usize> {
        if let StatementInner::Pg(pg, statement) = &self.0 {
            return params.with_cells(|cells| pg.execute_prepared(statement, cells));
        }
        let statement = self.lite().ok_or(Error::Unsupported("statement"))?;
        params.with_cells(|cells| {
            Ok(statement.execute(rusqlite::params_from_iter(lite_params(cells)))?)
        })
    }

    /// Runs an `INSERT` and returns the new row's id.
    pub fn insert(&mut self, params: impl Params) -> Result<i64> {
        if let StatementInner::Pg(pg, statement) = &self.0 {
            params.with_cells(|cells| pg.execute_prepared(statement, cells))?;
            return pg.last_insert_id();
        }
        let statement = self.lite().ok_or(Error::Unsupported("statement"))?;
        params.with_cells(|cells| {
            Ok(statement.insert(rusqlite::params_from_iter(lite_params(cells)))?)
        })
    }

    pub fn exists(&mut self, params: impl Params) -> Result<bool> {
        let mut rows = self.query(params)?;
        Ok(rows.next()?.is_some())
    }

    pub fn query_row<T, P, F>(&mut self, params: P, map: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        let mut rows = self.query(params)?;
        match rows.next()? {
            Some(row) => map(&row),
            None => Err(Error::NoRows),
        }
    }

    pub fn query(&mut self, params: impl Params) -> Result<Rows<'_>> {
        if let StatementInner::Pg(pg, statement) = &self.0 {
            let rows = params.with_cells(|cells| pg.query_prepared(statement, cells))?;
            return Ok(Rows {
                inner: RowsInner::Pg(rows.into_iter()),
                current: None,
            });
        }
        let statement = self.lite().ok_or(Error::Unsupported("statement"))?;
        let rows = params
            .with_cells(|cells| statement.query(rusqlite::params_from_iter(lite_params(cells))))?;
        Ok(Rows {
            inner: RowsInner::Lite(rows),
            current: None,
        })
    }

    pub fn query_map<T, P, F>(&mut self, params: P, map: F) -> Result<MappedRows<'_, F>>
    where
        P: Params,
        F: FnMut(&Row<'_>) -> Result<T>,
    {
        Ok(MappedRows {
            rows: self.query(params)?,
            map,
        })
    }

    pub fn column_count(&self) -> usize {
        match &self.0 {
            StatementInner::Lite(statement) => statement.column_count(),
            StatementInner::LiteCached(statement) => statement.column_count(),
            StatementInner::Pg(_, statement) => statement.columns().len(),
        }
    }
}

/// The rows of a query, one at a time.
pub struct Rows<'s> {
    inner: RowsInner<'s>,
    current: Option<postgres::Row>,
}

enum RowsInner<'s> {
    Lite(rusqlite::Rows<'s>),
    Pg(std::vec::IntoIter<postgres::Row>),
}

impl Rows<'_> {
    /// The next row, or `None` after the last.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<Row<'_>>> {
        match &mut self.inner {
            RowsInner::Lite(rows) => Ok(rows.next()?.map(|row| Row(RowInner::Lite(row)))),
            RowsInner::Pg(rows) => {
                self.current = rows.next();
                Ok(self.current.as_ref().map(|row| Row(RowInner::Pg(row))))
            }
        }
    }
}

/// The rows of a query, each mapped by a function.
pub struct MappedRows<'s, F> {
    rows: Rows<'s>,
    map: F,
}

impl<T, F> Iterator for MappedRows<'_, F>
where
    F: FnMut(&Row<'_>) -> Result<T>,
{
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        match self.rows.next() {
            Ok(Some(row)) => Some((self.map)(&row)),
            Ok(None) => None,
            Err(error) => Some(Err(error)),
        }
    }
}

/// One row of a result.
pub struct Row<'r>(RowInner<'r>);

enum RowInner<'r> {
    Lite(&'r rusqlite::Row<'r>),
    Pg(&'r postgres::Row),
}

impl<'r> Row<'r> {
    /// The value of column `index` (from 0) as `T`.
    pub fn get<I: RowIndex, T: FromCell>(&self, index: I) -> Result<T> {
        let index = index.index();
        self.with_cell(index, |cell| {
            T::from_cell(cell).map_err(|detail| Error::conversion(index, detail))
        })
    }

    /// How many columns the row has.
    pub fn column_count(&self) -> usize {
        match &self.0 {
            RowInner::Lite(row) => row.as_ref().column_count(),
            RowInner::Pg(row) => row.len(),
        }
    }

    /// Column `index` as it is stored, handed to `read`.
    pub fn with_cell<T>(
        &self,
        index: usize,
        read: impl FnOnce(CellRef<'_>) -> Result<T>,
    ) -> Result<T> {
        match &self.0 {
            RowInner::Lite(row) => {
                let value = row.get_ref(index)?;
                read(lite_cell(value).map_err(|detail| Error::conversion(index, detail))?)
            }
            RowInner::Pg(row) => {
                let value = pg::cell(row, index)?;
                read(value.as_ref())
            }
        }
    }
}

/// A column index.
pub trait RowIndex {
    fn index(self) -> usize;
}

impl RowIndex for usize {
    fn index(self) -> usize {
        self
    }
}
