//! The one path that writes entries. A single entry, a visit's money, a claim
//! payment, a reversal, a holiday batch to ten thousand members, a bulk import and
//! the demo all come here, inside their writing transaction (so the next voucher
//! number and every running total follow the previous writer's commit).
//!
//! **The running-balance rule**, kept only here: an entry's `fund_cumulative_fen` is
//! the cumulative total of the latest entry of its fund and year dated on or before
//! it (same-day entries in the order written) plus its own delta; entries of that
//! fund and year dated after it move on by its delta. Voucher numbers run on per
//! year in the order written.
//!
//! Rows are written with one `INSERT … SELECT FROM json_each(?)` per run of rows: with
//! triggers on the table, SQLite keeps a statement journal per statement, and one
//! statement instead of ten thousand makes a batch several times faster. Rows dated
//! at or after the latest entry of their fund and year (the usual case) need no
//! query beyond the first; a run of rows dated earlier moves the later entries once,
//! by the run's total.

use crate::core::progress::Progress;
use std::collections::HashMap;

use super::sql::{OptionalExtension, Transaction};
use chrono::{Datelike, NaiveDate};
use serde_json::{Value, json};

use super::Result;
use super::codec::date_text;
use crate::core::model::{NewEntry, delta_fen};

/// What links an entry to the rest of the books.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct EntryLinks<'a> {
    /// The entry this one reverses, and why.
    pub reverses: Option<(i64, &'a str)>,
    pub approval_id: Option<i64>,
    pub batch_id: Option<i64>,
    pub visit_id: Option<i64>,
    pub event: &'a str,
    pub override_reason: &'a str,
}

/// One entry to write (already validated and checked against the rules).
#[derive(Debug, Clone, Copy)]
pub(super) struct NewRow<'a> {
    pub entry: &'a NewEntry,
    pub links: EntryLinks<'a>,
}

/// Rows buffered for one statement before the buffer is written.
const ROWS_PER_STATEMENT: usize = 2_000;

/// The latest entry of a fund and year: its date and the cumulative total after it.
#[derive(Debug, Clone, Copy)]
struct Tail {
    date: NaiveDate,
    cumulative: i64,
}

/// Writes `rows` in order and returns their ids.
pub(super) fn append(
    tx: &Transaction<'_>,
    rows: &[NewRow<'_>],
    created_at: &str,
) -> Result<Vec<i64>> {
    append_counted(tx, rows, created_at, &Progress::none())
}

/// [`append`], counting the rows into `progress` as each statement writes them.
pub(super) fn append_counted(
    tx: &Transaction<'_>,
    rows: &[NewRow<'_>],
    created_at: &str,
    progress: &Progress,
) -> Result<Vec<i64>> {
    let mut writer = Writer {
        tx,
        progress,
        created_at,
        next_seq: HashMap::new(),
        tails: HashMap::new(),
        pending: Vec::new(),
        ids: Vec::with_capacity(rows.len()),
    };
    let mut start = 0;
    while start < rows.len() {
        // A run: consecutive rows of one fund on one date.
        let first = rows[start].entry;
        let end = rows[start..]
            .iter()
            .position(|row| row.entry.fund_id != first.fund_id || row.entry.date != first.date)
            .map_or(rows.len(), |offset| start + offset);
        writer.run(&rows[start..end])?;
        start = end;
    }
    writer.flush()?;
    Ok(writer.ids)
}

struct Writer<'t, 'c, 'a> {
    tx: &'t Transaction<'c>,
    progress: &'a Progress,
    created_at: &'a str,
    next_seq: HashMap<i32, i64>,
    /// `None` for a fund and year with no entries yet.
    tails: HashMap<(i64, i32), Option<Tail>>,
    pending: Vec<Value>,
    ids: Vec<i64>,
}

impl Writer<'_, '_, '_> {
    /// Writes a run of rows of one fund on one date.
    fn run(&mut self, rows: &[NewRow<'_>]) -> Result<()> {
        let first = rows[0].entry;
        let (fund, date, year) = (first.fund_id, first.date, first.date.year());
        let total: i64 = rows.iter().map(|row| delta(row)).sum();
        let tail = self.tail(fund, year)?;
        let base = match tail {
            None => 0,
            Some(tail) if tail.date <= date => tail.cumulative,
            // Dated before later entries of the fund and year: what the buffer holds
            // must be in the table first, then the later entries move on once.
            Some(tail) => {
                self.flush()?;
                let (year_start, year_end) = (year_start(year), year_end(year));
                let text = date_text(date);
                let base: i64 = self
                    .tx
                    .prepare_cached(
                        "SELECT fund_cumulative_fen FROM entries
                         WHERE fund_id = ?1 AND date >= ?2 AND date <= ?3
                         ORDER BY date DESC, id DESC LIMIT 1",
                    )?
                    .query_row((fund, &year_start, &text), |row| row.get(0))
                    .optional()?
                    .unwrap_or(0);
                self.tx
                    .prepare_cached(
                        "UPDATE entries SET fund_cumulative_fen = fund_cumulative_fen + ?1
                         WHERE fund_id = ?2 AND date > ?3 AND date <= ?4",
                    )?
                    .execute((total, fund, &text, &year_end))?;
                self.tails.insert(
                    (fund, year),
                    Some(Tail {
                        date: tail.date,
                        cumulative: tail.cumulative + total,
                    }),
                );
                base
            }
        };
        if tail.is_none_or(|tail| tail.date <= date) {
            self.tails.insert(
                (fund, year),
                Some(Tail {
                    date,
                    cumulative: base + total,
                }),
            );
        }
        let mut cumulative = base;
        for row in rows {
            let voucher_year = row.entry.date.year();
            let seq = self.next_seq(voucher_year)?;
            let delta = delta(row);
            cumulative += delta;
            self.pending
                .push(row_json(row, delta, seq, cumulative, self.created_at));
            if self.pending.len() >= ROWS_PER_STATEMENT {
                self.flush()?;
            }
        }
        Ok(())
    }

    /// The latest entry of a fund and year, read once per call.
    fn tail(&mut self, fund: i64, year: i32) -> Result<Option<Tail>> {
        if let Some(tail) = self.tails.get(&(fund, year)) {
            return Ok(*tail);
        }
        let found: Option<(String, i64)> = self
            .tx
            .prepare_cached(
                "SELECT date, fund_cumulative_fen FROM entries
                 WHERE fund_id = ?1 AND date >= ?2 AND date <= ?3
                 ORDER BY date DESC, id DESC LIMIT 1",
            )?
            .query_row((fund, year_start(year), year_end(year)), |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?;
        let tail = match found {
            Some((date, cumulative)) => Some(Tail {
                date: super::codec::parse_date(0, &date)?,
                cumulative,
            }),
            None => None,
        };
        self.tails.insert((fund, year), tail);
        Ok(tail)
    }

    /// The next voucher number of a year.
    fn next_seq(&mut self, year: i32) -> Result<i64> {
        let seq = match self.next_seq.get(&year) {
            Some(seq) => *seq,
            None => self
                .tx
                .prepare_cached(
                    "SELECT ifnull(max(voucher_seq), 0) + 1 FROM entries WHERE voucher_year = ?1",
                )?
                .query_row([year], |row| row.get(0))?,
        };
        self.next_seq.insert(year, seq + 1);
        Ok(seq)
    }

    /// Writes the buffered rows with one statement; their ids follow the last one.
    fn flush(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut self.pending);
        let count = rows.len() as i64;
        let sql = if self.tx.is_server() {
            INSERT_ROWS_SERVER
        } else {
            INSERT_ROWS
        };
        // The ids are given here, as the table would give them (the largest plus one),
        // so no row has to look them up.
        let first: i64 = self
            .tx
            .prepare_cached("SELECT ifnull(max(id), 0) + 1 FROM entries")?
            .query_row([], |row| row.get(0))?;
        self.tx
            .prepare_cached(sql)?
            .execute((Value::Array(rows).to_string(), first))?;
        let last = first + count - 1;
        self.ids.extend(last - count + 1..=last);
        self.progress.advance(count as u64);
        Ok(())
    }
}

/// The entry columns the rows below fill, in the order `row_json` lists them.
const INSERT_ROWS: &str = "INSERT INTO entries (id, kind, date, year, fund_id, category_id,
        source_id, member_id, amount_fen, delta_fen, payment_form, voucher_year, voucher_seq,
        handler, note, created_at, reverses_entry_id, reversal_reason, fund_cumulative_fen,
        approval_id, batch_id, visit_id, event, override_reason)
     SELECT ?2 + r.key, r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3, r.value ->> 4,
        r.value ->> 5, r.value ->> 6, r.value ->> 7, r.value ->> 8, r.value ->> 9,
        r.value ->> 2, r.value ->> 10, r.value ->> 11, r.value ->> 12, r.value ->> 13,
        r.value ->> 14, r.value ->> 15, r.value ->> 16, r.value ->> 17, r.value ->> 18,
        r.value ->> 19, r.value ->> 20, r.value ->> 21
     FROM json_each(?1) r ORDER BY r.key";

/// The same on the server, whose `->>` gives text: each column cast to its type.
const INSERT_ROWS_SERVER: &str = "INSERT INTO entries (id, kind, date, year, fund_id,
        category_id, source_id, member_id, amount_fen, delta_fen, payment_form, voucher_year,
        voucher_seq, handler, note, created_at, reverses_entry_id, reversal_reason,
        fund_cumulative_fen, approval_id, batch_id, visit_id, event, override_reason)
     SELECT ?2 + r.key - 1, r.value ->> 0, r.value ->> 1, (r.value ->> 2)::bigint, (r.value ->> 3)::bigint,
        (r.value ->> 4)::bigint, (r.value ->> 5)::bigint, (r.value ->> 6)::bigint,
        (r.value ->> 7)::bigint, (r.value ->> 8)::bigint, r.value ->> 9,
        (r.value ->> 2)::bigint, (r.value ->> 10)::bigint, r.value ->> 11, r.value ->> 12,
        r.value ->> 13, (r.value ->> 14)::bigint, r.value ->> 15, (r.value ->> 16)::bigint,
        (r.value ->> 17)::bigint, (r.value ->> 18)::bigint, (r.value ->> 19)::bigint,
        r.value ->> 20, r.value ->> 21
     FROM json_array_elements(?1::json) WITH ORDINALITY AS r(value, key) ORDER BY r.key";

fn delta(row: &NewRow<'_>) -> i64 {
    delta_fen(
        row.entry.kind,
        row.entry.amount_fen,
        row.links.reverses.is_some(),
    )
}

/// A row's columns in the order the INSERT above reads them.
fn row_json(row: &NewRow<'_>, delta: i64, seq: i64, cumulative: i64, created_at: &str) -> Value {
    let entry = row.entry;
    let links = row.links;
    json!([
        entry.kind.code(),
        date_text(entry.date),
        entry.date.year(),
        entry.fund_id,
        entry.category_id,
        entry.source_id,
        entry.member_id,
        entry.amount_fen,
        delta,
        entry.payment_form.code(),
        seq,
        entry.handler.trim(),
        entry.note.trim(),
        created_at,
        links.reverses.map(|(id, _)| id),
        links.reverses.map_or("", |(_, reason)| reason.trim()),
        cumulative,
        links.approval_id,
        links.batch_id,
        links.visit_id,
        links.event.trim(),
        links.override_reason.trim(),
    ])
}

fn year_start(year: i32) -> String {
    format!("{year:04}-01-01")
}

fn year_end(year: i32) -> String {
    format!("{year:04}-12-31")
}
