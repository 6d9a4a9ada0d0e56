//! The ledger file's schema and its migrations, keyed on `PRAGMA user_version`.
//! Old migrations are never edited: a change is a new migration appended to the list.

use rusqlite_migration::{M, Migrations};

/// Identifies a union-ledger file in the SQLite header (`PRAGMA application_id`), so a
/// foreign SQLite file is never mistaken for a ledger. ASCII "ULDG".
pub const APPLICATION_ID: i32 = 0x554C_4447;

/// Version 1: members, funds with yearly openings, the category tree, income sources,
/// and append-only entries with per-fund running totals.
const V1: &str = r#"
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE funds (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    is_active  INTEGER NOT NULL DEFAULT 1,
    sort_order INTEGER NOT NULL DEFAULT 0
) STRICT;

-- The balance a fund starts a year with, when the clerk has set one. A year without
-- a row starts from the previous year's closing balance.
CREATE TABLE fund_openings (
    fund_id     INTEGER NOT NULL REFERENCES funds(id),
    year        INTEGER NOT NULL,
    opening_fen INTEGER NOT NULL,
    PRIMARY KEY (fund_id, year)
) STRICT;

CREATE TABLE categories (
    id                   INTEGER PRIMARY KEY,
    parent_id            INTEGER REFERENCES categories(id),
    name                 TEXT NOT NULL CHECK (length(trim(name)) > 0),
    default_fund_id      INTEGER REFERENCES funds(id),
    standard_amount_fen  INTEGER CHECK (standard_amount_fen IS NULL OR standard_amount_fen >= 0),
    account_code         TEXT NOT NULL DEFAULT '',
    default_payment_form TEXT,
    requires_member      INTEGER NOT NULL DEFAULT 0,
    is_active            INTEGER NOT NULL DEFAULT 1,
    sort_order           INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX categories_parent_name ON categories (ifnull(parent_id, 0), name);
CREATE INDEX categories_parent ON categories (parent_id);
CREATE INDEX categories_default_fund ON categories (default_fund_id);

CREATE TABLE income_sources (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    default_fund_id INTEGER REFERENCES funds(id),
    account_code    TEXT NOT NULL DEFAULT '',
    sort_order      INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX income_sources_default_fund ON income_sources (default_fund_id);

CREATE TABLE members (
    id                   INTEGER PRIMARY KEY,
    employee_no          TEXT NOT NULL UNIQUE CHECK (length(trim(employee_no)) > 0),
    name                 TEXT NOT NULL CHECK (length(trim(name)) > 0),
    gender               TEXT,
    department           TEXT NOT NULL DEFAULT '',
    status               TEXT NOT NULL,
    birth_date           TEXT,
    join_date            TEXT,
    retirement_date      TEXT,
    phone                TEXT NOT NULL DEFAULT '',
    bank_card            TEXT NOT NULL DEFAULT '',
    is_union_member      INTEGER NOT NULL DEFAULT 1,
    dues_paid            INTEGER NOT NULL DEFAULT 1,
    hardship_level       TEXT,
    hardship_reason      TEXT NOT NULL DEFAULT '',
    hardship_reviewed_on TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
) STRICT;
CREATE INDEX members_department ON members (department);
CREATE INDEX members_status ON members (status);

-- Entries are append-only. `delta_fen` is the signed effect on the fund's balance and
-- `fund_cumulative_fen` the sum of `delta_fen` over the same fund and year up to and
-- including this entry in (date, id) order, so a ledger row's running balance is the
-- year's opening balance plus this column, without summing millions of rows.
CREATE TABLE entries (
    id                  INTEGER PRIMARY KEY,
    kind                TEXT NOT NULL CHECK (kind IN ('income', 'disbursement')),
    date                TEXT NOT NULL,
    year                INTEGER NOT NULL,
    fund_id             INTEGER NOT NULL REFERENCES funds(id),
    category_id         INTEGER REFERENCES categories(id),
    source_id           INTEGER REFERENCES income_sources(id),
    member_id           INTEGER REFERENCES members(id),
    amount_fen          INTEGER NOT NULL CHECK (amount_fen > 0),
    delta_fen           INTEGER NOT NULL,
    payment_form        TEXT NOT NULL,
    voucher_year        INTEGER NOT NULL,
    voucher_seq         INTEGER NOT NULL CHECK (voucher_seq > 0),
    handler             TEXT NOT NULL DEFAULT '',
    note                TEXT NOT NULL DEFAULT '',
    created_at          TEXT NOT NULL,
    reverses_entry_id   INTEGER UNIQUE REFERENCES entries(id),
    reversal_reason     TEXT NOT NULL DEFAULT '',
    fund_cumulative_fen INTEGER NOT NULL,
    CHECK ((kind = 'income') = (source_id IS NOT NULL)),
    CHECK ((kind = 'disbursement') = (category_id IS NOT NULL)),
    UNIQUE (voucher_year, voucher_seq)
) STRICT;
CREATE INDEX entries_date ON entries (date);
CREATE INDEX entries_fund_date ON entries (fund_id, date);
CREATE INDEX entries_category_date ON entries (category_id, date);
CREATE INDEX entries_source_date ON entries (source_id, date);
CREATE INDEX entries_member_date ON entries (member_id, date);
CREATE INDEX entries_kind_date ON entries (kind, date);

-- Income and spending per fund and year, kept by trigger so balances never need a
-- scan of the entries table.
CREATE TABLE fund_year_totals (
    fund_id      INTEGER NOT NULL REFERENCES funds(id),
    year         INTEGER NOT NULL,
    income_fen   INTEGER NOT NULL DEFAULT 0,
    spending_fen INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (fund_id, year)
) STRICT;

CREATE TRIGGER entries_totals AFTER INSERT ON entries BEGIN
    INSERT INTO fund_year_totals (fund_id, year, income_fen, spending_fen)
    VALUES (NEW.fund_id, NEW.year,
            CASE WHEN NEW.kind = 'income' THEN NEW.delta_fen ELSE 0 END,
            CASE WHEN NEW.kind = 'disbursement' THEN -NEW.delta_fen ELSE 0 END)
    ON CONFLICT (fund_id, year) DO UPDATE SET
        income_fen = income_fen + excluded.income_fen,
        spending_fen = spending_fen + excluded.spending_fen;
END;

-- A saved entry is never deleted or edited; only the derived running total moves when
-- an earlier-dated entry is inserted before it.
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries BEGIN
    SELECT RAISE(ABORT, 'entries are append-only: record a reversal instead');
END;
CREATE TRIGGER entries_no_update
BEFORE UPDATE OF id, kind, date, year, fund_id, category_id, source_id, member_id,
    amount_fen, delta_fen, payment_form, voucher_year, voucher_seq, handler, note,
    created_at, reverses_entry_id, reversal_reason ON entries
BEGIN
    SELECT RAISE(ABORT, 'entries are append-only: record a reversal instead');
END;
CREATE TRIGGER fund_totals_no_delete BEFORE DELETE ON fund_year_totals BEGIN
    SELECT RAISE(ABORT, 'fund totals follow the entries and cannot be deleted');
END;
"#;

/// Version 2, for ledgers with millions of entries: spending per category and day,
/// and the number of entries per fund, kind and day, are kept by trigger, so a
/// quarter's totals and the ledger screen's count of a period or a fund read a few
/// thousand rows instead of scanning the entries.
const V2: &str = r#"
CREATE TABLE spending_day_totals (
    date        TEXT NOT NULL,
    category_id INTEGER NOT NULL REFERENCES categories(id),
    payouts     INTEGER NOT NULL,
    amount_fen  INTEGER NOT NULL,
    PRIMARY KEY (date, category_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX spending_day_totals_category ON spending_day_totals (category_id);

INSERT INTO spending_day_totals (date, category_id, payouts, amount_fen)
    SELECT date, category_id, sum(CASE WHEN reverses_entry_id IS NULL THEN 1 ELSE -1 END), sum(-delta_fen)
    FROM entries WHERE kind = 'disbursement' GROUP BY date, category_id;

CREATE TRIGGER entries_spending_day_totals AFTER INSERT ON entries
WHEN NEW.kind = 'disbursement' BEGIN
    INSERT INTO spending_day_totals (date, category_id, payouts, amount_fen)
    VALUES (NEW.date, NEW.category_id, CASE WHEN NEW.reverses_entry_id IS NULL THEN 1 ELSE -1 END, -NEW.delta_fen)
    ON CONFLICT (date, category_id) DO UPDATE SET
        payouts = payouts + excluded.payouts,
        amount_fen = amount_fen + excluded.amount_fen;
END;
CREATE TRIGGER spending_day_totals_no_delete BEFORE DELETE ON spending_day_totals BEGIN
    SELECT RAISE(ABORT, 'spending totals follow the entries and cannot be deleted');
END;

CREATE TABLE entry_day_counts (
    fund_id     INTEGER NOT NULL REFERENCES funds(id),
    kind        TEXT NOT NULL,
    date        TEXT NOT NULL,
    entry_count INTEGER NOT NULL,
    PRIMARY KEY (date, fund_id, kind)
) STRICT, WITHOUT ROWID;
CREATE INDEX entry_day_counts_fund ON entry_day_counts (fund_id, date);

INSERT INTO entry_day_counts (fund_id, kind, date, entry_count)
    SELECT fund_id, kind, date, count(*) FROM entries GROUP BY date, fund_id, kind;

CREATE TRIGGER entries_day_counts AFTER INSERT ON entries BEGIN
    INSERT INTO entry_day_counts (fund_id, kind, date, entry_count)
    VALUES (NEW.fund_id, NEW.kind, NEW.date, 1)
    ON CONFLICT (date, fund_id, kind) DO UPDATE SET entry_count = entry_count + 1;
END;
CREATE TRIGGER entry_day_counts_no_delete BEFORE DELETE ON entry_day_counts BEGIN
    SELECT RAISE(ABORT, 'entry counts follow the entries and cannot be deleted');
END;
"#;

/// Version 3, the union's rules and what they govern: the editable rule set, approvals
/// (工会委员会 decisions), visits (五必访) with an editable list of reasons, holiday
/// batches, and on each entry the approval, batch and visit it belongs to, the event it
/// pays for, and, when it was saved over a rule, the written reason and the rules broken
/// as they read at the time.
const V3: &str = r#"
CREATE TABLE rules (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL CHECK (length(trim(name)) > 0),
    category_ids TEXT NOT NULL,
    rule_check   TEXT NOT NULL,
    is_active    INTEGER NOT NULL DEFAULT 1,
    sort_order   INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE approvals (
    id         INTEGER PRIMARY KEY,
    decided_on TEXT NOT NULL,
    minutes_no TEXT NOT NULL CHECK (length(trim(minutes_no)) > 0),
    approver   TEXT NOT NULL DEFAULT '',
    UNIQUE (decided_on, minutes_no, approver)
) STRICT;

CREATE TABLE visit_reasons (
    id             INTEGER PRIMARY KEY,
    code           TEXT UNIQUE,
    name           TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    category_id    INTEGER REFERENCES categories(id),
    needs_relation INTEGER NOT NULL DEFAULT 0,
    can_stay_open  INTEGER NOT NULL DEFAULT 0,
    is_active      INTEGER NOT NULL DEFAULT 1,
    sort_order     INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX visit_reasons_category ON visit_reasons (category_id);

INSERT INTO visit_reasons (code, name, category_id, needs_relation, can_stay_open, sort_order)
SELECT r.code, r.name,
       (SELECT c.id FROM categories c JOIN categories g ON g.id = c.parent_id
        WHERE c.name = r.name AND g.name = '五必访'),
       r.needs_relation, r.can_stay_open, r.sort_order
FROM (SELECT 'illness' AS code, '生病住院' AS name, 0 AS needs_relation, 1 AS can_stay_open, 0 AS sort_order
      UNION ALL SELECT 'marriage', '结婚', 0, 0, 1
      UNION ALL SELECT 'childbirth', '生育', 0, 0, 2
      UNION ALL SELECT 'death_self', '本人去世', 0, 0, 3
      UNION ALL SELECT 'death_relative', '直系亲属去世', 1, 0, 4
      UNION ALL SELECT 'retirement', '退休', 0, 0, 5
      UNION ALL SELECT 'hardship', '困难', 0, 0, 6
      UNION ALL SELECT 'birthday', '生日', 0, 0, 7) r;

CREATE TABLE visits (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members(id),
    reason_id  INTEGER NOT NULL REFERENCES visit_reasons(id),
    relation   TEXT NOT NULL DEFAULT '',
    date       TEXT NOT NULL,
    place      TEXT NOT NULL DEFAULT '',
    visitors   TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    goods      TEXT NOT NULL DEFAULT '',
    is_open    INTEGER NOT NULL DEFAULT 0,
    closed_on  TEXT,
    handler    TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX visits_member ON visits (member_id, date);
CREATE INDEX visits_reason ON visits (reason_id, date);
CREATE INDEX visits_date ON visits (date);
CREATE INDEX visits_open ON visits (is_open) WHERE is_open = 1;

CREATE TABLE batches (
    id              INTEGER PRIMARY KEY,
    category_id     INTEGER NOT NULL REFERENCES categories(id),
    fund_id         INTEGER NOT NULL REFERENCES funds(id),
    date            TEXT NOT NULL,
    item            TEXT NOT NULL DEFAULT '',
    amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
    payment_form    TEXT NOT NULL,
    approval_id     INTEGER NOT NULL REFERENCES approvals(id),
    group_text      TEXT NOT NULL,
    group_spec      TEXT NOT NULL,
    recipient_count INTEGER NOT NULL,
    total_fen       INTEGER NOT NULL,
    handler         TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    reversed_on     TEXT,
    reversal_reason TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX batches_category ON batches (category_id, date);
CREATE INDEX batches_fund ON batches (fund_id);
CREATE INDEX batches_approval ON batches (approval_id);

ALTER TABLE entries ADD COLUMN approval_id INTEGER REFERENCES approvals(id);
ALTER TABLE entries ADD COLUMN batch_id INTEGER REFERENCES batches(id);
ALTER TABLE entries ADD COLUMN visit_id INTEGER REFERENCES visits(id);
ALTER TABLE entries ADD COLUMN event TEXT NOT NULL DEFAULT '';
ALTER TABLE entries ADD COLUMN override_reason TEXT NOT NULL DEFAULT '';
CREATE INDEX entries_approval ON entries (approval_id);
CREATE INDEX entries_batch ON entries (batch_id);
CREATE INDEX entries_visit ON entries (visit_id);

DROP TRIGGER entries_no_update;
CREATE TRIGGER entries_no_update
BEFORE UPDATE OF id, kind, date, year, fund_id, category_id, source_id, member_id,
    amount_fen, delta_fen, payment_form, voucher_year, voucher_seq, handler, note,
    created_at, reverses_entry_id, reversal_reason, approval_id, batch_id, visit_id,
    event, override_reason ON entries
BEGIN
    SELECT RAISE(ABORT, 'entries are append-only: record a reversal instead');
END;

-- The rules an entry was saved over, as they read when it was saved: editing or
-- deleting a rule later never changes what the audit sees.
CREATE TABLE entry_breaches (
    entry_id  INTEGER NOT NULL REFERENCES entries(id),
    seq       INTEGER NOT NULL,
    rule_id   INTEGER,
    rule_name TEXT NOT NULL,
    message   TEXT NOT NULL,
    PRIMARY KEY (entry_id, seq)
) STRICT;
CREATE TRIGGER entry_breaches_no_update BEFORE UPDATE ON entry_breaches BEGIN
    SELECT RAISE(ABORT, 'recorded rule breaches cannot be changed');
END;
CREATE TRIGGER entry_breaches_no_delete BEFORE DELETE ON entry_breaches BEGIN
    SELECT RAISE(ABORT, 'recorded rule breaches cannot be deleted');
END;
"#;

/// Version 4, mutual insurance (职工互助保障): plans with their terms and benefit rules,
/// enrolments (each with the union's premium entry), claims through their states with
/// the computed and the approved payout, the documents checklist, and scanned files
/// kept inside the ledger.
const V4: &str = r#"
CREATE TABLE plans (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    society              TEXT NOT NULL DEFAULT '',
    starts_on            TEXT NOT NULL,
    ends_on              TEXT NOT NULL,
    premium_union_fen    INTEGER NOT NULL CHECK (premium_union_fen >= 0),
    premium_worker_fen   INTEGER NOT NULL CHECK (premium_worker_fen >= 0),
    enrol_from           TEXT NOT NULL,
    enrol_until          TEXT NOT NULL,
    claim_days_after_end INTEGER NOT NULL,
    eligibility          TEXT NOT NULL,
    benefits             TEXT NOT NULL,
    fund_id              INTEGER NOT NULL REFERENCES funds(id),
    created_at           TEXT NOT NULL
) STRICT;
CREATE INDEX plans_fund ON plans (fund_id);

CREATE TABLE enrolments (
    plan_id          INTEGER NOT NULL REFERENCES plans(id),
    member_id        INTEGER NOT NULL REFERENCES members(id),
    enrolled_on      TEXT NOT NULL,
    premium_entry_id INTEGER REFERENCES entries(id),
    PRIMARY KEY (plan_id, member_id)
) STRICT;
CREATE INDEX enrolments_member ON enrolments (member_id);
CREATE INDEX enrolments_entry ON enrolments (premium_entry_id);

CREATE TABLE claims (
    id                   INTEGER PRIMARY KEY,
    plan_id              INTEGER NOT NULL REFERENCES plans(id),
    member_id            INTEGER NOT NULL REFERENCES members(id),
    illness              TEXT NOT NULL CHECK (length(trim(illness)) > 0),
    hospital             TEXT NOT NULL DEFAULT '',
    admission            TEXT NOT NULL,
    discharge            TEXT,
    total_cost_fen       INTEGER NOT NULL CHECK (total_cost_fen >= 0),
    eligible_cost_fen    INTEGER NOT NULL CHECK (eligible_cost_fen >= 0),
    social_insurance_fen INTEGER NOT NULL CHECK (social_insurance_fen >= 0),
    other_aid_fen        INTEGER NOT NULL CHECK (other_aid_fen >= 0),
    grade                TEXT NOT NULL DEFAULT '',
    computed_fen         INTEGER NOT NULL,
    computation          TEXT NOT NULL,
    approved_fen         INTEGER,
    state                TEXT NOT NULL,
    reject_reason        TEXT NOT NULL DEFAULT '',
    registered_on        TEXT NOT NULL,
    submitted_on         TEXT,
    decided_on           TEXT,
    paid_on              TEXT,
    paid_entry_id        INTEGER REFERENCES entries(id),
    received_entry_id    INTEGER REFERENCES entries(id),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
) STRICT;
CREATE INDEX claims_plan ON claims (plan_id, admission);
CREATE INDEX claims_member ON claims (member_id);
CREATE INDEX claims_paid_entry ON claims (paid_entry_id);
CREATE INDEX claims_received_entry ON claims (received_entry_id);

CREATE TABLE claim_documents (
    claim_id   INTEGER NOT NULL REFERENCES claims(id),
    kind       TEXT NOT NULL,
    is_present INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (claim_id, kind)
) STRICT;

CREATE TABLE claim_files (
    id        INTEGER PRIMARY KEY,
    claim_id  INTEGER NOT NULL REFERENCES claims(id),
    kind      TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content   BLOB NOT NULL,
    added_at  TEXT NOT NULL
) STRICT;
CREATE INDEX claim_files_claim ON claim_files (claim_id);

-- Payouts from the society pass through the mutual-aid fund: they come in from this
-- source and go out to the member. A ledger not yet seeded gets it from the seed.
INSERT INTO income_sources (name, default_fund_id, account_code, sort_order)
SELECT '互助保障赔款', (SELECT id FROM funds WHERE name = '互助保障金'), '407',
       (SELECT ifnull(max(sort_order), 0) + 1 FROM income_sources)
WHERE EXISTS (SELECT 1 FROM settings WHERE key = 'seeded')
  AND NOT EXISTS (SELECT 1 FROM income_sources WHERE name = '互助保障赔款');
"#;

/// Every migration, oldest first. Never edit one that has shipped.
/// Version 5, books that cannot be quietly changed: the hash-chained change log with
/// each entry's own hash, and closed periods. Entries dated inside a closed period
/// cannot be inserted, and such entries cannot be reversed, by any path: the triggers
/// refuse it below the application.
const V5: &str = r#"
CREATE TABLE change_log (
    id             INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    clerk          TEXT NOT NULL,
    action         TEXT NOT NULL,
    detail         TEXT NOT NULL,
    first_entry_id INTEGER,
    last_entry_id  INTEGER,
    entries_digest TEXT NOT NULL DEFAULT '',
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL
) STRICT;
CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only');
END;
CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only');
END;

-- Each entry's content hash as written, covered in turn by its change-log row.
CREATE TABLE entry_hashes (
    entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
    hash     TEXT NOT NULL
) STRICT;

CREATE TABLE closed_periods (
    id            INTEGER PRIMARY KEY,
    start         TEXT NOT NULL,
    end           TEXT NOT NULL,
    closed_at     TEXT NOT NULL,
    clerk         TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    -- The newest entry when the period was closed: any entry above it dated inside
    -- the period was written after the close (during a reopening).
    last_entry_id INTEGER NOT NULL DEFAULT 0,
    reopened_at   TEXT,
    reopen_reason TEXT NOT NULL DEFAULT '',
    CHECK (start <= end)
) STRICT;

CREATE TRIGGER entries_closed_period BEFORE INSERT ON entries
WHEN EXISTS (SELECT 1 FROM closed_periods p
             WHERE p.reopened_at IS NULL AND NEW.date BETWEEN p.start AND p.end)
BEGIN
    SELECT RAISE(ABORT, 'closed period: the entry is dated inside a closed period');
END;
CREATE TRIGGER entries_reverse_closed BEFORE INSERT ON entries
WHEN NEW.reverses_entry_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM closed_periods p JOIN entries o ON o.id = NEW.reverses_entry_id
    WHERE p.reopened_at IS NULL AND o.date BETWEEN p.start AND p.end)
BEGIN
    SELECT RAISE(ABORT, 'closed period: the entry to reverse is dated inside a closed period');
END;
CREATE TRIGGER visits_closed_period BEFORE UPDATE ON visits
WHEN EXISTS (SELECT 1 FROM closed_periods p
             WHERE p.reopened_at IS NULL
               AND (OLD.date BETWEEN p.start AND p.end
                    OR NEW.closed_on BETWEEN p.start AND p.end))
BEGIN
    SELECT RAISE(ABORT, 'closed period: the visit is dated inside a closed period');
END;
CREATE TRIGGER closed_periods_no_delete BEFORE DELETE ON closed_periods BEGIN
    SELECT RAISE(ABORT, 'a closed period is reopened with a reason, never deleted');
END;
"#;

/// Version 6: when SQLite's full integrity check last passed (the check reads every
/// page, so it is no longer made on every open; the time it last passed is kept and
/// shown instead: one row, not part of the books, so not in the change log), and the
/// per-day entry counts also carry the sum of their effect on the fund, so a period's
/// income and spending per fund (the tally's fund section) reads a few hundred day
/// rows instead of every entry of the year.
const V6: &str = r#"
ALTER TABLE entry_day_counts ADD COLUMN delta_fen INTEGER NOT NULL DEFAULT 0;
UPDATE entry_day_counts SET delta_fen = (
    SELECT ifnull(sum(e.delta_fen), 0) FROM entries e
    WHERE e.fund_id = entry_day_counts.fund_id AND e.date = entry_day_counts.date
      AND e.kind = entry_day_counts.kind);
DROP TRIGGER entries_day_counts;
CREATE TRIGGER entries_day_counts AFTER INSERT ON entries BEGIN
    INSERT INTO entry_day_counts (fund_id, kind, date, entry_count, delta_fen)
    VALUES (NEW.fund_id, NEW.kind, NEW.date, 1, NEW.delta_fen)
    ON CONFLICT (date, fund_id, kind) DO UPDATE SET
        entry_count = entry_count + 1,
        delta_fen = delta_fen + excluded.delta_fen;
END;

CREATE TABLE integrity_checks (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    at      TEXT NOT NULL,
    -- The change log's head when the check passed.
    head    TEXT NOT NULL
) STRICT;
"#;

/// Version 7 changes no table: the upgrade to it writes the change log's first
/// baseline (every row of every table the program writes), from which `verify`
/// replays the log and finds rows changed outside the program.
const V7: &str = "-- version 7: no table changes; see the comment above.";

pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(V1),
        M::up(V2),
        M::up(V3),
        M::up(V4),
        M::up(V5),
        M::up(V6),
        M::up(V7),
    ])
}

/// The schema version this build writes.
pub const LATEST_VERSION: i64 = 7;
