//! Every table the program writes is covered by the change log, not only the entries.
//!
//! Each log row records the before and after of every row its write touched (see
//! `changelog::install_capture`). A *baseline* row — written when a ledger is created
//! and whenever its schema is upgraded — records every row of every covered table as
//! it then was. Replaying the rows after the newest baseline onto it gives what each
//! table must hold now; `verify` reads the tables (rendered exactly as the capture
//! renders them) and names every difference: a member's hardship level, a claim's
//! approved amount, a rule, an approval or a visit changed, added or deleted outside
//! the program (`会员 010003 的“困难等级”在程序之外被改动`).
//!
//! The entries are not replayed: each has its own hash in the chain. The totals kept
//! from them by triggers are checked against sums of the entries instead.

use std::collections::{BTreeMap, HashMap};

use super::sql::Connection;
use serde_json::{Map, Value};

use super::Result;
use super::changelog::{UNLOGGED_TABLES, column_names, label};

/// The action text that marks a baseline row (its detail is `{"baseline": {...}}`).
pub(super) const BASELINE_ACTION: &str = "记下各表现状";

/// The tables covered row by row: every table but the unlogged ones.
pub(super) fn covered_tables(conn: &Connection) -> Result<Vec<String>> {
    if conn.is_server() {
        return Ok(super::server::tables(conn)?
            .into_iter()
            .filter(|table| !UNLOGGED_TABLES.contains(&table.as_str()))
            .collect());
    }
    let mut statement = conn.prepare_cached(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
         ORDER BY name",
    )?;
    let tables = statement
        .query_map([], |row| row.get::<_, String>(0))?
        .collect::<super::sql::Result<Vec<String>>>()?;
    Ok(tables
        .into_iter()
        .filter(|table| !UNLOGGED_TABLES.contains(&table.as_str()))
        .collect())
}

/// The columns of a table's primary key, in key order.
pub(super) fn key_columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    if conn.is_server() {
        return super::server::key_columns(conn, table);
    }
    let mut statement =
        conn.prepare_cached("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk")?;
    let names = statement
        .query_map([table], |row| row.get::<_, String>(0))?
        .collect::<super::sql::Result<Vec<_>>>()?;
    Ok(names)
}

/// The SQL expression that renders a row (`NEW`, `OLD`, or a table's own name) as the
/// JSON object the change log records: a blob as its length, everything else as is.
pub(super) fn row_json(columns: &[String], row: &str) -> String {
    let pairs: Vec<String> = columns
        .iter()
        .map(|column| {
            format!(
                "'{column}', CASE typeof({row}.\"{column}\") WHEN 'blob' THEN '<' || length({row}.\"{column}\") || ' 字节>' ELSE {row}.\"{column}\" END"
            )
        })
        .collect();
    format!("json_object({})", pairs.join(", "))
}

/// Every row of every covered table, as the capture renders rows.
fn current_state(conn: &Connection) -> Result<BTreeMap<String, Vec<Map<String, Value>>>> {
    let mut state = BTreeMap::new();
    for table in covered_tables(conn)? {
        let select = if conn.is_server() {
            let columns = super::server::columns(conn, &table)?;
            format!(
                "SELECT ({})::text FROM \"{table}\"",
                super::server::row_json(&columns, &format!("\"{table}\""))
            )
        } else {
            let columns = column_names(conn, &table)?;
            format!(
                "SELECT {} FROM main.\"{table}\"",
                row_json(&columns, &format!("\"{table}\""))
            )
        };
        let mut statement = conn.prepare(&select)?;
        let rows = statement
            .query_map([], |row| row.get::<_, String>(0))?
            .collect::<super::sql::Result<Vec<_>>>()?
            .into_iter()
            .filter_map(|text| serde_json::from_str::<Value>(&text).ok())
            .filter_map(|value| value.as_object().cloned())
            .collect();
        state.insert(table, rows);
    }
    Ok(state)
}

/// The detail of a baseline row: every covered table, every row.
pub(super) fn baseline_detail(conn: &Connection) -> Result<String> {
    let tables: Map<String, Value> = current_state(conn)?
        .into_iter()
        .map(|(table, rows)| {
            (
                table,
                Value::Array(rows.into_iter().map(Value::Object).collect()),
            )
        })
        .collect();
    let mut detail = Map::new();
    detail.insert("baseline".into(), Value::Object(tables));
    Ok(Value::Object(detail).to_string())
}

type Rows = HashMap<String, Map<String, Value>>;

/// A row's key: its primary-key values, in key order.
fn key_of(row: &Map<String, Value>, keys: &[String]) -> Option<String> {
    let parts: Option<Vec<String>> = keys
        .iter()
        .map(|key| row.get(key).map(Value::to_string))
        .collect();
    parts.map(|parts| parts.join("|"))
}

/// Replays the log after its newest baseline and compares with the tables; the
/// differences, in the clerk's words (at most a few), or none. A log without a
/// baseline (it cannot be after an upgrade) is not compared.
pub(super) fn outside_changes(conn: &Connection) -> Result<Vec<String>> {
    let start_id: Option<i64> = conn.query_row(
        &format!("SELECT max(id) FROM change_log WHERE action LIKE '{BASELINE_ACTION}%'"),
        [],
        |row| row.get(0),
    )?;
    let Some(start_id) = start_id else {
        return Ok(Vec::new());
    };
    let rows: Vec<(i64, String)> = {
        let mut statement =
            conn.prepare("SELECT id, detail FROM change_log WHERE id >= ?1 ORDER BY id")?;
        statement
            .query_map([start_id], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<super::sql::Result<Vec<_>>>()?
    };
    let start = 0;
    let mut keys: HashMap<String, Vec<String>> = HashMap::new();
    for table in covered_tables(conn)? {
        let columns = key_columns(conn, &table)?;
        keys.insert(table, columns);
    }
    let mut expected: HashMap<String, Rows> = HashMap::new();
    let baseline: Value = serde_json::from_str(&rows[start].1).unwrap_or(Value::Null);
    let Some(tables) = baseline.get("baseline").and_then(Value::as_object) else {
        return Ok(vec![format!(
            "第 {} 条日志的各表现状无法读取",
            rows[start].0
        )]);
    };
    for (table, table_rows) in tables {
        let Some(table_keys) = keys.get(table) else {
            continue;
        };
        let slot = expected.entry(table.clone()).or_default();
        for row in table_rows.as_array().into_iter().flatten() {
            if let Some(row) = row.as_object()
                && let Some(key) = key_of(row, table_keys)
            {
                slot.insert(key, row.clone());
            }
        }
    }
    for (_, detail) in &rows[start + 1..] {
        let changes: Value = serde_json::from_str(detail).unwrap_or(Value::Null);
        for change in changes.as_array().into_iter().flatten() {
            let table = change["table"].as_str().unwrap_or_default();
            let Some(table_keys) = keys.get(table) else {
                continue;
            };
            let before = change.get("before").and_then(Value::as_object);
            let after = change.get("after").and_then(Value::as_object);
            let slot = expected.entry(table.to_string()).or_default();
            match change["op"].as_str().unwrap_or_default() {
                "insert" => {
                    if let Some(after) = after
                        && let Some(key) = key_of(after, table_keys)
                    {
                        slot.insert(key, after.clone());
                    }
                }
                "update" => {
                    let (Some(before), Some(after)) = (before, after) else {
                        continue;
                    };
                    let (Some(old_key), Some(new_key)) =
                        (key_of(before, table_keys), key_of(after, table_keys))
                    else {
                        continue;
                    };
                    let mut merged = slot.remove(&old_key).unwrap_or_default();
                    for (column, value) in after {
                        merged.insert(column.clone(), value.clone());
                    }
                    slot.insert(new_key, merged);
                }
                _ => {
                    if let Some(before) = before
                        && let Some(key) = key_of(before, table_keys)
                    {
                        slot.remove(&key);
                    }
                }
            }
        }
    }
    let mut problems = Vec::new();
    for (table, now_rows) in current_state(conn)? {
        let table_keys = &keys[&table];
        let mut wanted = expected.remove(&table).unwrap_or_default();
        for row in now_rows {
            let Some(key) = key_of(&row, table_keys) else {
                continue;
            };
            match wanted.remove(&key) {
                None => problems.push(format!(
                    "{}{}在程序之外被加入",
                    label(&table),
                    row_name(&table, &row, table_keys)
                )),
                Some(logged) => {
                    let mut changed: Vec<&str> = row
                        .iter()
                        .filter(|(column, value)| logged.get(*column) != Some(*value))
                        .map(|(column, _)| column.as_str())
                        .collect();
                    changed.sort_unstable();
                    if !changed.is_empty() {
                        let names: Vec<String> = changed
                            .iter()
                            .map(|column| format!("“{}”", column_label(column)))
                            .collect();
                        problems.push(format!(
                            "{}{}的{}在程序之外被改动",
                            label(&table),
                            row_name(&table, &logged, table_keys),
                            names.join("、")
                        ));
                    }
                }
            }
        }
        let mut gone: Vec<_> = wanted.into_values().collect();
        gone.sort_by_key(|row| key_of(row, table_keys));
        for row in gone {
            problems.push(format!(
                "{}{}在程序之外被删除",
                label(&table),
                row_name(&table, &row, table_keys)
            ));
        }
    }
    Ok(problems)
}

/// How the clerk knows a row, to follow the table's name: a member by 工号, a setting
/// by its key, a fund or a category by name (` 010003 `), anything else by its number
/// (`（编号 3）`).
fn row_name(table: &str, row: &Map<String, Value>, keys: &[String]) -> String {
    let text = |column: &str| {
        row.get(column).map(|value| match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        })
    };
    let named = match table {
        "members" => text("employee_no"),
        "settings" => text("key"),
        "funds" | "categories" | "income_sources" | "plans" | "visit_reasons" => text("name"),
        _ => None,
    };
    match named {
        Some(name) => format!(" {name} "),
        None => {
            let parts: Vec<String> = keys.iter().filter_map(|key| text(key)).collect();
            format!("（编号 {}）", parts.join("/"))
        }
    }
}

/// A column's name as the clerk knows it; the column's own name when there is none.
fn column_label(column: &str) -> &str {
    match column {
        "name" => "名称",
        "employee_no" => "工号",
        "gender" => "性别",
        "department" => "部门",
        "status" => "身份",
        "birth_date" => "出生日期",
        "join_date" => "入会日期",
        "retirement_date" => "退休日期",
        "phone" => "电话",
        "bank_card" => "银行卡号",
        "is_union_member" => "是否会员",
        "dues_paid" => "会费",
        "hardship_level" => "困难等级",
        "hardship_reason" => "困难原因",
        "value" => "值",
        "amount_fen" | "money_fen" => "金额",
        "approved_fen" => "核定金额",
        "computed_fen" => "计算赔付",
        "state" => "状态",
        "date" | "visit_date" => "日期",
        "note" => "备注",
        "reason" => "事由",
        "minutes_no" => "纪要编号",
        "approver" => "批准人",
        "decided_on" => "决议日期",
        "standard_amount_fen" => "标准金额",
        "opening_fen" => "年初余额",
        "limit_fen" | "cap_fen" => "上限",
        "is_active" => "启用",
        "benefits" => "给付规则",
        "eligibility" => "参保条件",
        "sort_order" => "排序",
        "created_at" => "创建时间",
        "updated_at" => "修改时间",
        "added_at" => "添加时间",
        "reversal_reason" => "冲销原因",
        "reopen_reason" => "反结账原因",
        "is_present" => "是否已备齐",
        "premium_entry_id" => "保费凭证",
        "message" => "说明",
        other => other,
    }
}
