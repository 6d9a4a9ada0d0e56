//! The union's rule set as stored, approvals, and the history a rule check needs.

use std::collections::HashMap;

use super::sql::{Connection, OptionalExtension, Transaction};
use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

use super::chart::categories_in;
use super::codec::{date_text, parse_date};
use super::members::member_in;
use super::{Ledger, Result, StoreError};
use crate::core::model::{Approval, Category, EntryKind, NewEntry, voucher_no};
use crate::core::policy::{
    self as rules, DEFAULT_DUPLICATE_WINDOW_DAYS, Finding, PastPayout, Payout, Policy, Rule,
    RuleCheck,
};

/// The setting holding the name of the preset the rule set started from.
const RULE_SET_KEY: &str = "rule_set_name";
/// Appended to the preset's name once a rule is added, changed or deleted.
const EDITED_MARK: &str = "（已修改）";

/// What the empty preset becomes once the clerk adds rules to it.
const CUSTOM_SET: &str = "自定义规则集";

/// After a rule is added, changed or deleted the set is no longer the preset as
/// shipped: its name says so ("示例一（已修改）"); the empty set with rules added is
/// the union's own ("自定义规则集").
fn mark_rule_set_edited(tx: &super::sql::Transaction<'_>) -> Result<()> {
    tx.execute(
        "UPDATE settings
         SET value = CASE WHEN value LIKE '空规则集%' THEN ?3 ELSE value || ?2 END
         WHERE key = ?1 AND value <> '' AND value <> ?3
           AND substr(value, -length(?2)) <> ?2",
        (RULE_SET_KEY, EDITED_MARK, CUSTOM_SET),
    )?;
    Ok(())
}
const DUPLICATE_WINDOW_KEY: &str = "duplicate_window_days";

/// The rule set and everything a check reads, loaded once per operation.
pub(super) struct LoadedPolicy {
    pub rules: Vec<Rule>,
    pub categories: Vec<Category>,
    pub duplicate_window_days: i64,
}

impl LoadedPolicy {
    pub fn policy(&self) -> Policy<'_> {
        Policy {
            rules: &self.rules,
            categories: &self.categories,
            duplicate_window_days: self.duplicate_window_days,
        }
    }
}

pub(super) fn load_in(conn: &Connection) -> Result<LoadedPolicy> {
    Ok(LoadedPolicy {
        rules: rules_in(conn)?,
        categories: categories_in(conn)?,
        duplicate_window_days: duplicate_window_in(conn)?,
    })
}

fn duplicate_window_in(conn: &Connection) -> Result<i64> {
    let value: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [DUPLICATE_WINDOW_KEY],
            |row| row.get(0),
        )
        .optional()?;
    Ok(value
        .and_then(|text| text.parse().ok())
        .unwrap_or(DEFAULT_DUPLICATE_WINDOW_DAYS))
}

fn rules_in(conn: &Connection) -> Result<Vec<Rule>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, name, category_ids, rule_check, is_active FROM rules ORDER BY sort_order, id",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, bool>(4)?,
        ))
    })?;
    let mut found = Vec::new();
    for row in rows {
        let (id, name, category_ids, check, is_active) = row?;
        let category_ids: Vec<i64> = serde_json::from_str(&category_ids).map_err(|error| {
            StoreError::invalid("发放规则", format!("规则“{name}”的类别无法读取：{error}"))
        })?;
        let check: RuleCheck = serde_json::from_str(&check).map_err(|error| {
            StoreError::invalid("发放规则", format!("规则“{name}”的内容无法读取：{error}"))
        })?;
        found.push(Rule {
            id,
            name,
            category_ids,
            check,
            is_active,
        });
    }
    Ok(found)
}

/// The member's payouts that are neither reversed nor reversals, in the given
/// categories, dated from `from` to `to`.
pub(super) fn history_in(
    conn: &Connection,
    member_id: i64,
    categories: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<PastPayout>> {
    let mut statement = conn.prepare_cached(
        "SELECT e.id, e.voucher_year, e.voucher_seq, e.date, e.category_id, e.amount_fen, e.event, e.visit_id
         FROM entries e
         WHERE e.member_id = ?1 AND e.kind = 'disbursement' AND +e.reverses_entry_id IS NULL
           AND e.date >= ?2 AND e.date <= ?3
           AND NOT EXISTS (SELECT 1 FROM entries r WHERE r.reverses_entry_id = e.id)
         ORDER BY e.date, e.id",
    )?;
    let rows = statement.query_map((member_id, date_text(from), date_text(to)), |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, i32>(1)?,
            row.get::<_, i64>(2)?,
            parse_date(3, &row.get::<_, String>(3)?)?,
            row.get::<_, i64>(4)?,
            row.get::<_, i64>(5)?,
            row.get::<_, String>(6)?,
            row.get::<_, Option<i64>>(7)?,
        ))
    })?;
    let mut found = Vec::new();
    for row in rows {
        let (entry_id, year, seq, date, category_id, amount_fen, event, visit_id) = row?;
        if categories.contains(&category_id) {
            found.push((
                visit_id,
                PastPayout {
                    entry_id,
                    voucher_no: voucher_no(year, seq),
                    date,
                    category_id,
                    amount_fen,
                    event,
                },
            ));
        }
    }
    Ok(merge_visits(found))
}

/// One visit's money and goods are one payout: rows of the same visit are merged
/// (amounts added, the first voucher kept), so counting rules count visits.
fn merge_visits(rows: Vec<(Option<i64>, PastPayout)>) -> Vec<PastPayout> {
    let mut merged: Vec<PastPayout> = Vec::with_capacity(rows.len());
    let mut by_visit: HashMap<i64, usize> = HashMap::new();
    for (visit_id, payout) in rows {
        match visit_id.and_then(|id| by_visit.get(&id).copied()) {
            Some(index) => merged[index].amount_fen += payout.amount_fen,
            None => {
                if let Some(id) = visit_id {
                    by_visit.insert(id, merged.len());
                }
                merged.push(payout);
            }
        }
    }
    merged
}

/// The dates a payout's history spans: its calendar year, widened by the duplicate
/// window on either side.
pub(super) fn history_span(date: NaiveDate, window_days: i64) -> (NaiveDate, NaiveDate) {
    let year_start = NaiveDate::from_ymd_opt(date.year(), 1, 1).unwrap_or(date);
    let year_end = NaiveDate::from_ymd_opt(date.year(), 12, 31).unwrap_or(date);
    let window = Duration::days(window_days.max(0));
    (year_start.min(date - window), year_end.max(date + window))
}

/// Checks an entry against the rules through any connection (inside a transaction it
/// sees what the transaction has written).
pub(super) fn check_in(conn: &Connection, entry: &NewEntry, event: &str) -> Result<Vec<Finding>> {
    let (EntryKind::Disbursement, Some(category_id)) = (entry.kind, entry.category_id) else {
        return Ok(Vec::new());
    };
    let loaded = load_in(conn)?;
    let policy = loaded.policy();
    let member = entry.member_id.map(|id| member_in(conn, id)).transpose()?;
    let history = match &member {
        Some(member) => {
            let (from, to) = history_span(entry.date, loaded.duplicate_window_days);
            history_in(
                conn,
                member.id,
                &policy.history_categories(category_id),
                from,
                to,
            )?
        }
        None => Vec::new(),
    };
    let payout = Payout {
        category_id,
        member: member.as_ref().map(|member| &member.draft),
        date: entry.date,
        amount_fen: entry.amount_fen,
        payment_form: entry.payment_form,
        event,
    };
    Ok(policy.check(&payout, &history))
}

/// Every member's payouts in the given categories and dates, by member, for checking
/// a batch in one query.
///
/// Here and in the other queries over entries, `+e.reverses_entry_id IS NULL` keeps
/// SQLite from choosing the unique index on that column (where nearly every row is
/// NULL, so it would scan the whole table) over the category, member or batch index.
pub(super) fn histories_in(
    conn: &Connection,
    categories: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<i64, Vec<PastPayout>>> {
    let mut statement = conn.prepare_cached(
        "SELECT e.member_id, e.id, e.voucher_year, e.voucher_seq, e.date, e.amount_fen, e.event, e.visit_id
         FROM entries e
         WHERE e.category_id = ?1 AND e.date >= ?2 AND e.date <= ?3
           AND e.member_id IS NOT NULL AND +e.reverses_entry_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM entries r WHERE r.reverses_entry_id = e.id)",
    )?;
    let mut found: HashMap<i64, Vec<(Option<i64>, PastPayout)>> = HashMap::new();
    for category_id in categories {
        let rows = statement.query_map((category_id, date_text(from), date_text(to)), |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, Option<i64>>(7)?,
                PastPayout {
                    entry_id: row.get(1)?,
                    voucher_no: voucher_no(row.get(2)?, row.get(3)?),
                    date: parse_date(4, &row.get::<_, String>(4)?)?,
                    category_id: *category_id,
                    amount_fen: row.get(5)?,
                    event: row.get(6)?,
                },
            ))
        })?;
        for row in rows {
            let (member_id, visit_id, payout) = row?;
            found.entry(member_id).or_default().push((visit_id, payout));
        }
    }
    Ok(found
        .into_iter()
        .map(|(member_id, rows)| (member_id, merge_visits(rows)))
        .collect())
}

/// The id of an approval, recorded the first time it is referenced.
pub(super) fn approval_id_in(tx: &Transaction<'_>, approval: &Approval) -> Result<i64> {
    let minutes_no = approval.minutes_no.trim();
    if minutes_no.is_empty() {
        return Err(StoreError::invalid(
            "审批",
            "纪要编号不能为空（工会委员会会议纪要的编号）",
        ));
    }
    let decided_on = date_text(approval.decided_on);
    let approver = approval.approver.trim();
    tx.execute(
        "INSERT OR IGNORE INTO approvals (decided_on, minutes_no, approver) VALUES (?1, ?2, ?3)",
        (&decided_on, minutes_no, approver),
    )?;
    Ok(tx.query_row(
        "SELECT id FROM approvals WHERE decided_on = ?1 AND minutes_no = ?2 AND approver = ?3",
        (&decided_on, minutes_no, approver),
        |row| row.get(0),
    )?)
}

pub(super) fn approval_in(conn: &Connection, id: i64) -> Result<Approval> {
    conn.query_row(
        "SELECT decided_on, minutes_no, approver FROM approvals WHERE id = ?1",
        [id],
        |row| {
            Ok(Approval {
                decided_on: parse_date(0, &row.get::<_, String>(0)?)?,
                minutes_no: row.get(1)?,
                approver: row.get(2)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found(format!("审批（编号 {id}）")))
}

/// A rule an entry was saved over, as it read at the time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordedBreach {
    pub rule_name: String,
    pub message: String,
}

/// What applying a preset did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PresetSummary {
    pub name: String,
    pub rule_count: usize,
    /// Category names the preset uses that this ledger's chart lacks.
    pub missing_categories: Vec<String>,
}

fn validate_rule(rule: &Rule, categories: &[Category]) -> Result<()> {
    if rule.name.trim().is_empty() {
        return Err(StoreError::invalid("规则名称", "不能为空"));
    }
    if rule.category_ids.is_empty() {
        return Err(StoreError::invalid(
            "适用类别",
            format!("规则“{}”至少要选择一个类别", rule.name.trim()),
        ));
    }
    for id in &rule.category_ids {
        if !categories.iter().any(|category| category.id == *id) {
            return Err(StoreError::invalid(
                "适用类别",
                format!("编号 {id} 的类别不存在"),
            ));
        }
    }
    rule.check
        .validate()
        .map_err(|message| StoreError::invalid(rule.check.kind().label(), message))
}

fn insert_rule(tx: &Transaction<'_>, rule: &Rule) -> Result<i64> {
    let order: i64 = tx.query_row(
        "SELECT ifnull(max(sort_order), 0) + 1 FROM rules",
        [],
        |r| r.get(0),
    )?;
    tx.execute(
        "INSERT INTO rules (name, category_ids, rule_check, is_active, sort_order) VALUES (?1, ?2, ?3, ?4, ?5)",
        (
            rule.name.trim(),
            to_json(&rule.category_ids)?,
            to_json(&rule.check)?,
            rule.is_active,
            order,
        ),
    )?;
    Ok(tx.last_insert_rowid()?)
}

fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|error| StoreError::invalid("发放规则", format!("无法保存：{error}")))
}

impl Ledger {
    /// The rule set, in the order the clerk arranged it.
    pub fn rules(&self) -> Result<Vec<Rule>> {
        rules_in(self.conn())
    }

    /// Adds a rule and returns its id. Saved entries are never re-judged.
    pub fn add_rule(&mut self, rule: &Rule) -> Result<i64> {
        self.write(|tx| {
            validate_rule(rule, &categories_in(tx)?)?;
            mark_rule_set_edited(tx)?;
            insert_rule(tx, rule)
        })
    }

    /// Replaces a rule's name, categories, check and whether it is active.
    pub fn update_rule(&mut self, rule: &Rule) -> Result<()> {
        self.write(|tx| {
            validate_rule(rule, &categories_in(tx)?)?;
            let changed = tx.execute(
                "UPDATE rules SET name = ?1, category_ids = ?2, rule_check = ?3, is_active = ?4 WHERE id = ?5",
                (
                    rule.name.trim(),
                    to_json(&rule.category_ids)?,
                    to_json(&rule.check)?,
                    rule.is_active,
                    rule.id,
                ),
            )?;
            if changed == 0 {
                return Err(StoreError::not_found(format!("规则（编号 {}）", rule.id)));
            }
            mark_rule_set_edited(tx)
        })
    }

    /// Deletes a rule. Entries saved over it keep the rule's name and message.
    pub fn delete_rule(&mut self, id: i64) -> Result<()> {
        self.write(|tx| {
            if tx.execute("DELETE FROM rules WHERE id = ?1", [id])? == 0 {
                return Err(StoreError::not_found(format!("规则（编号 {id}）")));
            }
            mark_rule_set_edited(tx)
        })
    }

    /// Replaces the whole rule set with a shipped preset (by code or name).
    pub fn apply_preset(&mut self, preset: &str) -> Result<PresetSummary> {
        let all = rules::presets();
        let Some(preset) = all
            .iter()
            .find(|candidate| candidate.code == preset.trim() || candidate.name == preset.trim())
        else {
            return Err(StoreError::invalid(
                "规则示例",
                format!(
                    "没有“{preset}”，可选：{}",
                    all.iter()
                        .map(|preset| preset.code)
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            ));
        };
        self.write(|tx| {
            let (resolved, missing) = rules::resolve_preset(preset, &categories_in(tx)?);
            tx.execute("DELETE FROM rules", [])?;
            for rule in &resolved {
                insert_rule(tx, rule)?;
            }
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (RULE_SET_KEY, preset.name),
            )?;
            Ok(PresetSummary {
                name: preset.name.to_string(),
                rule_count: resolved.len(),
                missing_categories: missing,
            })
        })
    }

    /// The name of the preset the rule set started from, if any.
    pub fn rule_set_name(&self) -> Result<Option<String>> {
        self.setting(RULE_SET_KEY)
    }

    /// Payouts to one member in one category this close together are flagged.
    pub fn duplicate_window_days(&self) -> Result<i64> {
        duplicate_window_in(self.conn())
    }

    pub fn set_duplicate_window_days(&mut self, days: i64) -> Result<()> {
        if !(0..=366).contains(&days) {
            return Err(StoreError::invalid(
                "重复提醒天数",
                format!("{days} 不在 0 到 366 之间（0 表示不提醒）"),
            ));
        }
        self.set_setting(DUPLICATE_WINDOW_KEY, &days.to_string())
    }

    /// The approval with this id.
    pub fn approval(&self, id: i64) -> Result<Approval> {
        approval_in(self.conn(), id)
    }

    /// Approvals already referenced, newest decision first, for picking one again.
    pub fn approvals(&self) -> Result<Vec<(i64, Approval)>> {
        let mut statement = self.conn().prepare_cached(
            "SELECT id, decided_on, minutes_no, approver FROM approvals ORDER BY decided_on DESC, id DESC",
        )?;
        let rows = statement.query_map([], |row| {
            Ok((
                row.get(0)?,
                Approval {
                    decided_on: parse_date(1, &row.get::<_, String>(1)?)?,
                    minutes_no: row.get(2)?,
                    approver: row.get(3)?,
                },
            ))
        })?;
        Ok(rows.collect::<super::sql::Result<Vec<_>>>()?)
    }

    /// The rules an entry was saved over, as they read at the time.
    pub fn entry_breaches(&self, entry_id: i64) -> Result<Vec<RecordedBreach>> {
        let mut statement = self.conn().prepare_cached(
            "SELECT rule_name, message FROM entry_breaches WHERE entry_id = ?1 ORDER BY seq",
        )?;
        let rows = statement.query_map([entry_id], |row| {
            Ok(RecordedBreach {
                rule_name: row.get(0)?,
                message: row.get(1)?,
            })
        })?;
        Ok(rows.collect::<super::sql::Result<Vec<_>>>()?)
    }
}
