//! A ledger on a PostgreSQL server: its schema, the triggers that keep the books as the
//! SQLite file's do, the roles, and opening.
//!
//! The tables are those of the SQLite file at the same schema version, column for
//! column and in the same order (BIGINT for INTEGER, TEXT in byte order (`COLLATE "C"`,
//! as SQLite compares), BYTEA for BLOB), so the same history gives the same rows, the
//! same entry hashes and the same chain head on either. What SQLite does by itself is
//! done by triggers here: ids are the table's largest plus one (SQLite's rowid rule,
//! with no gaps when a write is rolled back; writers take turns under the ledger's
//! advisory lock), the totals kept from the entries, the append-only guards and the
//! closed-period checks, and the change capture into each session's
//! `pg_temp.change_buffer`.
//!
//! Migrations are per backend: `SERVER_MIGRATIONS[v - 1]` brings a server ledger to
//! version `v`, like `schema::migrations()` does a file. The version is kept in
//! `ledger_schema`, which also marks the database as a ledger.

use super::sql::Connection;
use super::{Result, StoreError, schema};

/// Version 7, the whole schema of a file at version 7.
const SERVER_V7: &str = r#"
-- Every index of a table with an id ends with the id, as SQLite's indexes end with the
-- rowid, so `ORDER BY date, id` and the like are read from an index here too.
CREATE TABLE ledger_schema (
    application TEXT COLLATE "C" NOT NULL,
    version     BIGINT NOT NULL
);

CREATE TABLE settings (
    key   TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    value TEXT COLLATE "C" NOT NULL
);

CREATE TABLE funds (
    id         BIGINT PRIMARY KEY,
    name       TEXT COLLATE "C" NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    is_active  BIGINT NOT NULL DEFAULT 1,
    sort_order BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE fund_openings (
    fund_id     BIGINT NOT NULL REFERENCES funds(id),
    year        BIGINT NOT NULL,
    opening_fen BIGINT NOT NULL,
    PRIMARY KEY (fund_id, year)
);

CREATE TABLE categories (
    id                   BIGINT PRIMARY KEY,
    parent_id            BIGINT REFERENCES categories(id),
    name                 TEXT COLLATE "C" NOT NULL CHECK (length(trim(name)) > 0),
    default_fund_id      BIGINT REFERENCES funds(id),
    standard_amount_fen  BIGINT CHECK (standard_amount_fen IS NULL OR standard_amount_fen >= 0),
    account_code         TEXT COLLATE "C" NOT NULL DEFAULT '',
    default_payment_form TEXT COLLATE "C",
    requires_member      BIGINT NOT NULL DEFAULT 0,
    is_active            BIGINT NOT NULL DEFAULT 1,
    sort_order           BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX categories_parent_name ON categories (coalesce(parent_id, 0), name);
CREATE INDEX categories_parent ON categories (parent_id, id);
CREATE INDEX categories_default_fund ON categories (default_fund_id, id);

CREATE TABLE income_sources (
    id              BIGINT PRIMARY KEY,
    name            TEXT COLLATE "C" NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    default_fund_id BIGINT REFERENCES funds(id),
    account_code    TEXT COLLATE "C" NOT NULL DEFAULT '',
    sort_order      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX income_sources_default_fund ON income_sources (default_fund_id, id);

CREATE TABLE members (
    id                   BIGINT PRIMARY KEY,
    employee_no          TEXT COLLATE "C" NOT NULL UNIQUE CHECK (length(trim(employee_no)) > 0),
    name                 TEXT COLLATE "C" NOT NULL CHECK (length(trim(name)) > 0),
    gender               TEXT COLLATE "C",
    department           TEXT COLLATE "C" NOT NULL DEFAULT '',
    status               TEXT COLLATE "C" NOT NULL,
    birth_date           TEXT COLLATE "C",
    join_date            TEXT COLLATE "C",
    retirement_date      TEXT COLLATE "C",
    phone                TEXT COLLATE "C" NOT NULL DEFAULT '',
    bank_card            TEXT COLLATE "C" NOT NULL DEFAULT '',
    is_union_member      BIGINT NOT NULL DEFAULT 1,
    dues_paid            BIGINT NOT NULL DEFAULT 1,
    hardship_level       TEXT COLLATE "C",
    hardship_reason      TEXT COLLATE "C" NOT NULL DEFAULT '',
    hardship_reviewed_on TEXT COLLATE "C",
    created_at           TEXT COLLATE "C" NOT NULL,
    updated_at           TEXT COLLATE "C" NOT NULL
);
CREATE INDEX members_department ON members (department, id);
CREATE INDEX members_status ON members (status, id);

CREATE TABLE rules (
    id           BIGINT PRIMARY KEY,
    name         TEXT COLLATE "C" NOT NULL CHECK (length(trim(name)) > 0),
    category_ids TEXT COLLATE "C" NOT NULL,
    rule_check   TEXT COLLATE "C" NOT NULL,
    is_active    BIGINT NOT NULL DEFAULT 1,
    sort_order   BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE approvals (
    id         BIGINT PRIMARY KEY,
    decided_on TEXT COLLATE "C" NOT NULL,
    minutes_no TEXT COLLATE "C" NOT NULL CHECK (length(trim(minutes_no)) > 0),
    approver   TEXT COLLATE "C" NOT NULL DEFAULT '',
    UNIQUE (decided_on, minutes_no, approver)
);

CREATE TABLE visit_reasons (
    id             BIGINT PRIMARY KEY,
    code           TEXT COLLATE "C" UNIQUE,
    name           TEXT COLLATE "C" NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    category_id    BIGINT REFERENCES categories(id),
    needs_relation BIGINT NOT NULL DEFAULT 0,
    can_stay_open  BIGINT NOT NULL DEFAULT 0,
    is_active      BIGINT NOT NULL DEFAULT 1,
    sort_order     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX visit_reasons_category ON visit_reasons (category_id, id);

CREATE TABLE visits (
    id         BIGINT PRIMARY KEY,
    member_id  BIGINT NOT NULL REFERENCES members(id),
    reason_id  BIGINT NOT NULL REFERENCES visit_reasons(id),
    relation   TEXT COLLATE "C" NOT NULL DEFAULT '',
    date       TEXT COLLATE "C" NOT NULL,
    place      TEXT COLLATE "C" NOT NULL DEFAULT '',
    visitors   TEXT COLLATE "C" NOT NULL DEFAULT '',
    detail     TEXT COLLATE "C" NOT NULL DEFAULT '',
    note       TEXT COLLATE "C" NOT NULL DEFAULT '',
    goods      TEXT COLLATE "C" NOT NULL DEFAULT '',
    is_open    BIGINT NOT NULL DEFAULT 0,
    closed_on  TEXT COLLATE "C",
    handler    TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX visits_member ON visits (member_id, date, id);
CREATE INDEX visits_reason ON visits (reason_id, date, id);
CREATE INDEX visits_date ON visits (date, id);
CREATE INDEX visits_open ON visits (is_open, id) WHERE is_open = 1;

CREATE TABLE batches (
    id              BIGINT PRIMARY KEY,
    category_id     BIGINT NOT NULL REFERENCES categories(id),
    fund_id         BIGINT NOT NULL REFERENCES funds(id),
    date            TEXT COLLATE "C" NOT NULL,
    item            TEXT COLLATE "C" NOT NULL DEFAULT '',
    amount_fen      BIGINT NOT NULL CHECK (amount_fen > 0),
    payment_form    TEXT COLLATE "C" NOT NULL,
    approval_id     BIGINT NOT NULL REFERENCES approvals(id),
    group_text      TEXT COLLATE "C" NOT NULL,
    group_spec      TEXT COLLATE "C" NOT NULL,
    recipient_count BIGINT NOT NULL,
    total_fen       BIGINT NOT NULL,
    handler         TEXT COLLATE "C" NOT NULL DEFAULT '',
    note            TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at      TEXT COLLATE "C" NOT NULL,
    reversed_on     TEXT COLLATE "C",
    reversal_reason TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX batches_category ON batches (category_id, date, id);
CREATE INDEX batches_fund ON batches (fund_id, id);
CREATE INDEX batches_approval ON batches (approval_id, id);

CREATE TABLE entries (
    id                  BIGINT PRIMARY KEY,
    kind                TEXT COLLATE "C" NOT NULL CHECK (kind IN ('income', 'disbursement')),
    date                TEXT COLLATE "C" NOT NULL,
    year                BIGINT NOT NULL,
    fund_id             BIGINT NOT NULL,
    category_id         BIGINT,
    source_id           BIGINT,
    member_id           BIGINT,
    amount_fen          BIGINT NOT NULL CHECK (amount_fen > 0),
    delta_fen           BIGINT NOT NULL,
    payment_form        TEXT COLLATE "C" NOT NULL,
    voucher_year        BIGINT NOT NULL,
    voucher_seq         BIGINT NOT NULL CHECK (voucher_seq > 0),
    handler             TEXT COLLATE "C" NOT NULL DEFAULT '',
    note                TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at          TEXT COLLATE "C" NOT NULL,
    reverses_entry_id   BIGINT UNIQUE,
    reversal_reason     TEXT COLLATE "C" NOT NULL DEFAULT '',
    fund_cumulative_fen BIGINT NOT NULL,
    approval_id         BIGINT,
    batch_id            BIGINT,
    visit_id            BIGINT,
    event               TEXT COLLATE "C" NOT NULL DEFAULT '',
    override_reason     TEXT COLLATE "C" NOT NULL DEFAULT '',
    CHECK ((kind = 'income') = (source_id IS NOT NULL)),
    CHECK ((kind = 'disbursement') = (category_id IS NOT NULL)),
    UNIQUE (voucher_year, voucher_seq)
) WITH (fillfactor = 70);
-- The entries' references are checked by the program inside the writing transaction
-- (every path validates the fund, category, source, member, approval, batch and visit
-- it names) and by `verify`, not by foreign keys here: a key check per reference per row
-- was 45 % of a ten-thousand-entry batch's insert on the server. A member, fund or
-- category deleted outside the program is named by `verify` (the capture triggers also
-- refuse a session that lacks the program's change buffer), and the other tables keep
-- their foreign keys.
-- Room left in each page: an entry dated before later ones moves their running totals
-- on, and with room on the page the server rewrites those rows in place (a HOT update)
-- instead of touching every index.
CREATE INDEX entries_date ON entries (date, id);
CREATE INDEX entries_fund_date ON entries (fund_id, date, id);
CREATE INDEX entries_category_date ON entries (category_id, date, id);
CREATE INDEX entries_source_date ON entries (source_id, date, id);
CREATE INDEX entries_member_date ON entries (member_id, date, id);
CREATE INDEX entries_kind_date ON entries (kind, date, id);
CREATE INDEX entries_approval ON entries (approval_id, id);
CREATE INDEX entries_batch ON entries (batch_id, id);
CREATE INDEX entries_visit ON entries (visit_id, id);

CREATE TABLE fund_year_totals (
    fund_id      BIGINT NOT NULL REFERENCES funds(id),
    year         BIGINT NOT NULL,
    income_fen   BIGINT NOT NULL DEFAULT 0,
    spending_fen BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (fund_id, year)
);

CREATE TABLE spending_day_totals (
    date        TEXT COLLATE "C" NOT NULL,
    category_id BIGINT NOT NULL REFERENCES categories(id),
    payouts     BIGINT NOT NULL,
    amount_fen  BIGINT NOT NULL,
    PRIMARY KEY (date, category_id)
);
CREATE INDEX spending_day_totals_category ON spending_day_totals (category_id);

CREATE TABLE entry_day_counts (
    fund_id     BIGINT NOT NULL REFERENCES funds(id),
    kind        TEXT COLLATE "C" NOT NULL,
    date        TEXT COLLATE "C" NOT NULL,
    entry_count BIGINT NOT NULL,
    delta_fen   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (date, fund_id, kind)
);
CREATE INDEX entry_day_counts_fund ON entry_day_counts (fund_id, date);

CREATE TABLE entry_breaches (
    entry_id  BIGINT NOT NULL REFERENCES entries(id),
    seq       BIGINT NOT NULL,
    rule_id   BIGINT,
    rule_name TEXT COLLATE "C" NOT NULL,
    message   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (entry_id, seq)
);

CREATE TABLE plans (
    id                   BIGINT PRIMARY KEY,
    name                 TEXT COLLATE "C" NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    society              TEXT COLLATE "C" NOT NULL DEFAULT '',
    starts_on            TEXT COLLATE "C" NOT NULL,
    ends_on              TEXT COLLATE "C" NOT NULL,
    premium_union_fen    BIGINT NOT NULL CHECK (premium_union_fen >= 0),
    premium_worker_fen   BIGINT NOT NULL CHECK (premium_worker_fen >= 0),
    enrol_from           TEXT COLLATE "C" NOT NULL,
    enrol_until          TEXT COLLATE "C" NOT NULL,
    claim_days_after_end BIGINT NOT NULL,
    eligibility          TEXT COLLATE "C" NOT NULL,
    benefits             TEXT COLLATE "C" NOT NULL,
    fund_id              BIGINT NOT NULL REFERENCES funds(id),
    created_at           TEXT COLLATE "C" NOT NULL
);
CREATE INDEX plans_fund ON plans (fund_id, id);

CREATE TABLE enrolments (
    plan_id          BIGINT NOT NULL REFERENCES plans(id),
    member_id        BIGINT NOT NULL REFERENCES members(id),
    enrolled_on      TEXT COLLATE "C" NOT NULL,
    premium_entry_id BIGINT REFERENCES entries(id),
    PRIMARY KEY (plan_id, member_id)
);
CREATE INDEX enrolments_member ON enrolments (member_id);
CREATE INDEX enrolments_entry ON enrolments (premium_entry_id);

CREATE TABLE claims (
    id                   BIGINT PRIMARY KEY,
    plan_id              BIGINT NOT NULL REFERENCES plans(id),
    member_id            BIGINT NOT NULL REFERENCES members(id),
    illness              TEXT COLLATE "C" NOT NULL CHECK (length(trim(illness)) > 0),
    hospital             TEXT COLLATE "C" NOT NULL DEFAULT '',
    admission            TEXT COLLATE "C" NOT NULL,
    discharge            TEXT COLLATE "C",
    total_cost_fen       BIGINT NOT NULL CHECK (total_cost_fen >= 0),
    eligible_cost_fen    BIGINT NOT NULL CHECK (eligible_cost_fen >= 0),
    social_insurance_fen BIGINT NOT NULL CHECK (social_insurance_fen >= 0),
    other_aid_fen        BIGINT NOT NULL CHECK (other_aid_fen >= 0),
    grade                TEXT COLLATE "C" NOT NULL DEFAULT '',
    computed_fen         BIGINT NOT NULL,
    computation          TEXT COLLATE "C" NOT NULL,
    approved_fen         BIGINT,
    state                TEXT COLLATE "C" NOT NULL,
    reject_reason        TEXT COLLATE "C" NOT NULL DEFAULT '',
    registered_on        TEXT COLLATE "C" NOT NULL,
    submitted_on         TEXT COLLATE "C",
    decided_on           TEXT COLLATE "C",
    paid_on              TEXT COLLATE "C",
    paid_entry_id        BIGINT REFERENCES entries(id),
    received_entry_id    BIGINT REFERENCES entries(id),
    created_at           TEXT COLLATE "C" NOT NULL,
    updated_at           TEXT COLLATE "C" NOT NULL
);
CREATE INDEX claims_plan ON claims (plan_id, admission, id);
CREATE INDEX claims_member ON claims (member_id, id);
CREATE INDEX claims_paid_entry ON claims (paid_entry_id, id);
CREATE INDEX claims_received_entry ON claims (received_entry_id, id);

CREATE TABLE claim_documents (
    claim_id   BIGINT NOT NULL REFERENCES claims(id),
    kind       TEXT COLLATE "C" NOT NULL,
    is_present BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (claim_id, kind)
);

CREATE TABLE claim_files (
    id        BIGINT PRIMARY KEY,
    claim_id  BIGINT NOT NULL REFERENCES claims(id),
    kind      TEXT COLLATE "C" NOT NULL,
    file_name TEXT COLLATE "C" NOT NULL,
    content   BYTEA NOT NULL,
    added_at  TEXT COLLATE "C" NOT NULL
);
CREATE INDEX claim_files_claim ON claim_files (claim_id, id);

CREATE TABLE change_log (
    id             BIGINT PRIMARY KEY,
    at             TEXT COLLATE "C" NOT NULL,
    clerk          TEXT COLLATE "C" NOT NULL,
    action         TEXT COLLATE "C" NOT NULL,
    detail         TEXT COLLATE "C" NOT NULL,
    first_entry_id BIGINT,
    last_entry_id  BIGINT,
    entries_digest TEXT COLLATE "C" NOT NULL DEFAULT '',
    prev_hash      TEXT COLLATE "C" NOT NULL,
    hash           TEXT COLLATE "C" NOT NULL
);

CREATE TABLE entry_hashes (
    entry_id BIGINT PRIMARY KEY REFERENCES entries(id),
    hash     TEXT COLLATE "C" NOT NULL
);

CREATE TABLE closed_periods (
    id            BIGINT PRIMARY KEY,
    start         TEXT COLLATE "C" NOT NULL,
    "end"         TEXT COLLATE "C" NOT NULL,
    closed_at     TEXT COLLATE "C" NOT NULL,
    clerk         TEXT COLLATE "C" NOT NULL,
    note          TEXT COLLATE "C" NOT NULL DEFAULT '',
    last_entry_id BIGINT NOT NULL DEFAULT 0,
    reopened_at   TEXT COLLATE "C",
    reopen_reason TEXT COLLATE "C" NOT NULL DEFAULT '',
    CHECK (start <= "end")
);

CREATE TABLE integrity_checks (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    at   TEXT COLLATE "C" NOT NULL,
    head TEXT COLLATE "C" NOT NULL
);

INSERT INTO visit_reasons (id, code, name, category_id, needs_relation, can_stay_open, sort_order)
VALUES (1, 'illness', '生病住院', NULL, 0, 1, 0),
       (2, 'marriage', '结婚', NULL, 0, 0, 1),
       (3, 'childbirth', '生育', NULL, 0, 0, 2),
       (4, 'death_self', '本人去世', NULL, 0, 0, 3),
       (5, 'death_relative', '直系亲属去世', NULL, 1, 0, 4),
       (6, 'retirement', '退休', NULL, 0, 0, 5),
       (7, 'hardship', '困难', NULL, 0, 0, 6),
       (8, 'birthday', '生日', NULL, 0, 0, 7);

"#;

/// The kept totals added up from the rows of `rows` (the statement's new rows in the
/// trigger, all the entries when a copy fills them with the trigger off): one text, so
/// the rule is written once for both.
fn add_totals_from(rows: &str) -> String {
    format!(
        "INSERT INTO fund_year_totals AS t (fund_id, year, income_fen, spending_fen)
         SELECT fund_id, year,
                sum(CASE WHEN kind = 'income' THEN delta_fen ELSE 0 END),
                sum(CASE WHEN kind = 'disbursement' THEN -delta_fen ELSE 0 END)
         FROM {rows} GROUP BY fund_id, year
         ON CONFLICT (fund_id, year) DO UPDATE SET
             income_fen = t.income_fen + excluded.income_fen,
             spending_fen = t.spending_fen + excluded.spending_fen;
         INSERT INTO spending_day_totals AS t (date, category_id, payouts, amount_fen)
         SELECT date, category_id,
                sum(CASE WHEN reverses_entry_id IS NULL THEN 1 ELSE -1 END), sum(-delta_fen)
         FROM {rows} WHERE kind = 'disbursement' GROUP BY date, category_id
         ON CONFLICT (date, category_id) DO UPDATE SET
             payouts = t.payouts + excluded.payouts,
             amount_fen = t.amount_fen + excluded.amount_fen;
         INSERT INTO entry_day_counts AS t (fund_id, kind, date, entry_count, delta_fen)
         SELECT fund_id, kind, date, count(*), sum(delta_fen)
         FROM {rows} GROUP BY date, fund_id, kind
         ON CONFLICT (date, fund_id, kind) DO UPDATE SET
             entry_count = t.entry_count + excluded.entry_count,
             delta_fen = t.delta_fen + excluded.delta_fen;"
    )
}

/// The kept totals made from all the entries at once (after a copy).
pub(super) fn totals_from_entries() -> String {
    add_totals_from("entries")
}

/// The totals kept from the entries, as the file's triggers keep them, once per
/// statement from the rows it inserted: a holiday batch of ten thousand entries is one
/// statement and updates each total once (a row trigger would update the same total row
/// ten thousand times in one transaction, each time walking the chain of its versions).
fn totals_trigger() -> String {
    format!(
        "CREATE FUNCTION entries_totals() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
             {}
             RETURN NULL;
         END $$;
         CREATE TRIGGER entries_totals AFTER INSERT ON entries
             REFERENCING NEW TABLE AS new_rows
             FOR EACH STATEMENT EXECUTE FUNCTION entries_totals();\n",
        add_totals_from("new_rows")
    )
}

/// The tables whose `id` is given as SQLite gives a rowid: the largest plus one. The
/// entries are not among them: their one writing path (`append`) gives their ids.
const ID_TABLES: &[&str] = &[
    "funds",
    "categories",
    "income_sources",
    "members",
    "rules",
    "approvals",
    "visit_reasons",
    "visits",
    "batches",
    "plans",
    "claims",
    "claim_files",
    "change_log",
    "closed_periods",
    "integrity_checks",
];

/// The role names a union grants to its people (see the README).
pub const CLERK_ROLE: &str = "union_ledger_clerk";
pub const AUDITOR_ROLE: &str = "union_ledger_auditor";

/// What `ledger_schema.application` holds in a ledger database.
const APPLICATION: &str = "union-ledger";

/// Each server migration, oldest first; index `v - 1` brings the ledger to version `v`.
/// Versions 1 to 6 never existed on a server: a new server ledger starts at 7.
fn server_migration(version: i64) -> Option<String> {
    match version {
        7 => Some(format!(
            "{SERVER_V7}\n{}\nINSERT INTO ledger_schema (application, version) VALUES ('{APPLICATION}', 7);",
            id_triggers() + &totals_trigger()
        )),
        _ => None,
    }
}

/// The triggers that give ids as SQLite does and tell the program which id it got.
fn id_triggers() -> String {
    let mut sql = String::new();
    for table in ID_TABLES {
        sql.push_str(&format!(
            "CREATE FUNCTION {table}_next_id() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
                 IF NEW.id IS NULL THEN
                     SELECT coalesce(max(id), 0) + 1 INTO NEW.id FROM {table};
                 END IF;
                 PERFORM set_config('union_ledger.last_id', NEW.id::text, true);
                 RETURN NEW;
             END $$;
             CREATE TRIGGER {table}_next_id BEFORE INSERT ON {table}
                 FOR EACH ROW EXECUTE FUNCTION {table}_next_id();\n"
        ));
    }
    sql
}

/// How a server ledger is being opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Opening {
    /// `init`, or the window's default: an empty database becomes a ledger.
    Create,
    /// A command on a ledger that must exist.
    Existing,
    /// For the audit committee: nothing is written, not even an upgrade.
    ReadOnly,
}

/// What is in the server's database now.
enum Found {
    /// No tables: a new ledger is made here.
    Empty,
    Ledger(i64),
    Foreign(String),
}

fn look(conn: &Connection) -> Result<Found> {
    let has_marker: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM information_schema.tables
                        WHERE table_schema = current_schema() AND table_name = 'ledger_schema')",
        [],
        |row| row.get(0),
    )?;
    if has_marker {
        let (application, version): (String, i64) = conn.query_row(
            "SELECT application, version FROM ledger_schema",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        return Ok(if application == APPLICATION {
            Found::Ledger(version)
        } else {
            Found::Foreign(format!("ledger_schema 标记为“{application}”"))
        });
    }
    let tables: Vec<String> = {
        let mut statement = conn.prepare(
            "SELECT table_name FROM information_schema.tables
             WHERE table_schema = current_schema() ORDER BY table_name LIMIT 3",
        )?;
        statement
            .query_map([], |row| row.get(0))?
            .collect::<super::sql::Result<_>>()?
    };
    Ok(if tables.is_empty() {
        Found::Empty
    } else {
        Found::Foreign(format!("已有其他表：{}", tables.join("、")))
    })
}

/// Brings the server's schema up to date (under the ledger's advisory lock, so two
/// programs opening a new database do not both create it); returns the version it
/// had (0 for a new ledger). A database holding anything else is refused untouched.
pub(super) fn prepare(conn: &Connection, describe: &str, how: Opening) -> Result<i64> {
    let Some(pg) = conn.pg() else {
        return Ok(schema::LATEST_VERSION);
    };
    let not_ledger = |detail: String| StoreError::NotALedger {
        path: describe.into(),
        detail,
    };
    // Reading first: an up-to-date ledger is opened without taking the lock.
    match look(conn)? {
        Found::Ledger(version) if version == schema::LATEST_VERSION => return Ok(version),
        Found::Empty if how != Opening::Create => {
            return Err(StoreError::CannotOpen {
                path: describe.into(),
                detail: "这个数据库里还没有台账。新建请先运行 union-ledger init --db 该地址，或检查数据库名"
                    .into(),
            });
        }
        Found::Ledger(version) if how == Opening::ReadOnly => {
            return Err(StoreError::CannotOpen {
                path: describe.into(),
                detail: format!(
                    "台账版本 {version} 需要先以可写方式打开一次完成升级，才能只读查阅"
                ),
            });
        }
        Found::Ledger(version) if version > schema::LATEST_VERSION => {
            return Err(StoreError::TooNew {
                path: describe.into(),
                found: version,
                supported: schema::LATEST_VERSION,
            });
        }
        Found::Foreign(detail) => return Err(not_ledger(detail)),
        _ => {}
    }
    pg.begin(true)?;
    let result = (|| {
        let from = match look(conn)? {
            Found::Empty => 0,
            Found::Ledger(version) => version,
            Found::Foreign(detail) => return Err(not_ledger(detail)),
        };
        migrate(conn, from)?;
        Ok(from)
    })();
    match result {
        Ok(from) => {
            conn.execute_batch("COMMIT")?;
            Ok(from)
        }
        Err(error) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(error)
        }
    }
}

/// Brings a server ledger at version `from` (0: an empty database) to this build's
/// version, inside the caller's transaction: the migrations, then the capture
/// triggers and the grants made again from the tables as they now are.
pub(super) fn migrate(conn: &Connection, from: i64) -> Result<()> {
    let start = if from == 0 { 7 } else { from + 1 };
    for version in start..=schema::LATEST_VERSION {
        let Some(sql) = server_migration(version) else {
            continue;
        };
        conn.execute_batch(&sql)?;
        if version > 7 {
            conn.execute("UPDATE ledger_schema SET version = ?1", [version])?;
        }
    }
    conn.execute_batch(&capture_triggers(conn)?)?;
    conn.execute_batch(&grants())?;
    Ok(())
}

/// Whether the server's database holds nothing yet (the target of a copy).
pub(super) fn is_empty(conn: &Connection) -> Result<bool> {
    Ok(matches!(look(conn)?, Found::Empty))
}

/// Connects to the server ledger at `url`; the connection and where it is
/// (`user@host:port/db`, no password).
pub(super) fn connect(url: &str) -> Result<(Connection, String)> {
    let address = super::sql::pg::Address::parse(url).map_err(|detail| StoreError::CannotOpen {
        path: url.into(),
        detail,
    })?;
    let described = address.describe();
    let pg =
        super::sql::PgConnection::connect(&address).map_err(|detail| StoreError::CannotOpen {
            path: described.clone().into(),
            detail,
        })?;
    Ok((Connection::Pg(Box::new(pg)), described))
}

/// The schema version of a server ledger.
pub(super) fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT version FROM ledger_schema", [], |row| row.get(0))?)
}

/// The covered tables' columns, and which hold bytes.
pub(super) fn columns(conn: &Connection, table: &str) -> Result<Vec<(String, bool)>> {
    let mut statement = conn.prepare_cached(
        "SELECT column_name, data_type = 'bytea' FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = ?1 ORDER BY ordinal_position",
    )?;
    let columns = statement
        .query_map([table], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<super::sql::Result<Vec<_>>>()?;
    Ok(columns)
}

/// Every table of the ledger but the schema marker, by name.
pub(super) fn tables(conn: &Connection) -> Result<Vec<String>> {
    let mut statement = conn.prepare_cached(
        "SELECT table_name FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
           AND table_name <> 'ledger_schema'
         ORDER BY table_name",
    )?;
    let tables = statement
        .query_map([], |row| row.get(0))?
        .collect::<super::sql::Result<Vec<_>>>()?;
    Ok(tables)
}

/// A table's primary-key columns, in key order.
pub(super) fn key_columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    // From the catalog, which every role may read (the information schema shows
    // constraints only to roles that may change the table).
    let mut statement = conn.prepare_cached(
        "SELECT a.attname::text FROM pg_index i
         JOIN pg_class c ON c.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position)
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
         WHERE i.indisprimary AND n.nspname = current_schema() AND c.relname = ?1
         ORDER BY k.position",
    )?;
    let names = statement
        .query_map([table], |row| row.get(0))?
        .collect::<super::sql::Result<Vec<_>>>()?;
    Ok(names)
}

/// The SQL expression that renders a row as the change log records it (a blob as its
/// length), the same JSON the file's capture makes.
pub(super) fn row_json(columns: &[(String, bool)], row: &str) -> String {
    let pairs: Vec<String> = columns
        .iter()
        .map(|(column, bytes)| {
            if *bytes {
                format!("'{column}', '<' || octet_length({row}.\"{column}\") || ' 字节>'")
            } else {
                format!("'{column}', {row}.\"{column}\"")
            }
        })
        .collect();
    format!("json_build_object({})", pairs.join(", "))
}

/// The triggers that copy every changed row of every covered table into the writing
/// session's `pg_temp.change_buffer` (made by the program before its first write; a
/// session without one cannot write the covered tables at all). Made from the tables
/// as they are, after every migration.
fn capture_triggers(conn: &Connection) -> Result<String> {
    let mut sql = String::new();
    for table in tables(conn)? {
        if super::changelog::UNLOGGED_TABLES.contains(&table.as_str()) {
            continue;
        }
        let columns = columns(conn, &table)?;
        let new = row_json(&columns, "NEW");
        let old = row_json(&columns, "OLD");
        sql.push_str(&format!(
            "CREATE OR REPLACE FUNCTION log_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
                 IF TG_OP = 'INSERT' THEN
                     INSERT INTO pg_temp.change_buffer (tbl, op, before, after)
                     VALUES ('{table}', 'insert', NULL, ({new})::text);
                     RETURN NEW;
                 ELSIF TG_OP = 'UPDATE' THEN
                     INSERT INTO pg_temp.change_buffer (tbl, op, before, after)
                     VALUES ('{table}', 'update', ({old})::text, ({new})::text);
                     RETURN NEW;
                 ELSE
                     INSERT INTO pg_temp.change_buffer (tbl, op, before, after)
                     VALUES ('{table}', 'delete', ({old})::text, NULL);
                     RETURN OLD;
                 END IF;
             END $$;
             DROP TRIGGER IF EXISTS log_{table} ON {table};
             CREATE TRIGGER log_{table} AFTER INSERT OR UPDATE OR DELETE ON {table}
                 FOR EACH ROW EXECUTE FUNCTION log_{table}();\n"
        ));
    }
    Ok(sql)
}

/// The two roles and what each may do: a clerk writes through the program but can
/// never change or delete an entry, an entry's hash or the change log (the server
/// refuses, whatever program asks); an auditor only reads. Roles made once per server;
/// the grants again after every migration.
fn grants() -> String {
    format!(
        "DO $$ BEGIN
             IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{CLERK_ROLE}') THEN
                 CREATE ROLE {CLERK_ROLE} NOLOGIN;
             END IF;
             IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{AUDITOR_ROLE}') THEN
                 CREATE ROLE {AUDITOR_ROLE} NOLOGIN;
             END IF;
         EXCEPTION
             WHEN insufficient_privilege THEN
                 RAISE NOTICE 'roles not created: no CREATEROLE privilege';
             -- Another program made them at the same moment.
             WHEN duplicate_object OR unique_violation THEN NULL;
         END $$;
         DO $$ BEGIN
             IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{AUDITOR_ROLE}') THEN
                 EXECUTE 'GRANT USAGE ON SCHEMA ' || quote_ident(current_schema()) || ' TO {AUDITOR_ROLE}';
                 EXECUTE 'GRANT SELECT ON ALL TABLES IN SCHEMA ' || quote_ident(current_schema()) || ' TO {AUDITOR_ROLE}';
             END IF;
             IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{CLERK_ROLE}') THEN
                 EXECUTE 'GRANT USAGE ON SCHEMA ' || quote_ident(current_schema()) || ' TO {CLERK_ROLE}';
                 EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA '
                     || quote_ident(current_schema()) || ' TO {CLERK_ROLE}';
                 REVOKE UPDATE, DELETE, TRUNCATE ON entries, entry_hashes, change_log,
                     entry_breaches, ledger_schema FROM {CLERK_ROLE};
                 REVOKE INSERT ON ledger_schema FROM {CLERK_ROLE};
                 -- An entry dated before later ones moves their running totals on.
                 GRANT UPDATE (fund_cumulative_fen) ON entries TO {CLERK_ROLE};
             END IF;
         END $$;"
    )
}
