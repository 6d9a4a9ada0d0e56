//! The change log's hash chain, as pure functions: how a log row and an entry are
//! hashed, and how a chain is checked. Every write appends one row whose SHA-256
//! covers the previous row's hash and its own content; the entries a write creates
//! are covered by a digest of their own hashes. A row changed, removed or inserted
//! outside the program, or an entry edited, breaks the chain at that point.

use chrono::NaiveDateTime;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash the first row links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One row of the change log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogRow {
    pub id: i64,
    pub at: NaiveDateTime,
    /// The clerk who made the change.
    pub clerk: String,
    /// What happened, in a short Chinese phrase ("会员：新增 1").
    pub action: String,
    /// Before and after of every changed row, as JSON.
    pub detail: String,
    /// The entries this change wrote, if any (ids are consecutive within one change).
    pub first_entry_id: Option<i64>,
    pub last_entry_id: Option<i64>,
    /// SHA-256 over those entries' hashes, in id order.
    pub entries_digest: String,
    pub prev_hash: String,
    pub hash: String,
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

/// SHA-256 of text, as 64 hex digits.
pub fn sha256_hex(text: &[u8]) -> String {
    hex(&Sha256::digest(text))
}

/// The hash of a log row from its content and the previous row's hash. Fields are
/// separated by a unit separator so no two different rows hash the same text.
pub fn row_hash(prev_hash: &str, row: &LogRow) -> String {
    let mut hasher = Sha256::new();
    for part in [
        prev_hash.to_string(),
        row.id.to_string(),
        row.at.format("%Y-%m-%d %H:%M:%S").to_string(),
        row.clerk.clone(),
        row.action.clone(),
        row.detail.clone(),
        row.first_entry_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        row.last_entry_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        row.entries_digest.clone(),
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0x1f]);
    }
    hex(&hasher.finalize())
}

/// The hash of an entry from its stored columns (every column but the running total,
/// which moves when an earlier-dated entry is added), given as text in schema order.
pub fn entry_hash(columns: &[String]) -> String {
    entry_hash_of(columns.iter().map(String::as_bytes))
}

/// [`entry_hash`] over the columns' text as bytes, without making a `String` of each
/// (`verify` hashes millions of entries).
pub fn entry_hash_of<'a>(columns: impl IntoIterator<Item = &'a [u8]>) -> String {
    hex_digest(&entry_digest_of(columns))
}

/// The SHA-256 behind [`entry_hash_of`], as bytes.
pub fn entry_digest_of<'a>(columns: impl IntoIterator<Item = &'a [u8]>) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for column in columns {
        hasher.update(column);
        hasher.update([0x1f]);
    }
    hasher.finalize().into()
}

/// A SHA-256 as the 64 lowercase hex digits every stored hash is written in.
pub fn hex_digest(digest: &[u8; 32]) -> String {
    hex(digest)
}

/// [`hex_digest`] without an allocation, for comparing millions of stored hashes.
pub fn hex64(digest: &[u8; 32]) -> [u8; 64] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = [0u8; 64];
    for (index, byte) in digest.iter().enumerate() {
        text[index * 2] = DIGITS[usize::from(byte >> 4)];
        text[index * 2 + 1] = DIGITS[usize::from(byte & 0x0f)];
    }
    text
}

/// The digest over the hashes of the entries one change wrote.
pub fn entries_digest<'a>(hashes: impl IntoIterator<Item = &'a str>) -> String {
    let mut hasher = Sha256::new();
    for hash in hashes {
        hasher.update(hash.as_bytes());
        hasher.update(b"\n");
    }
    hex(&hasher.finalize())
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    pub log_rows: i64,
    pub entries: i64,
    /// The last row's hash: noted down by the audit committee, it also shows a chain
    /// cut short at its end.
    pub head: String,
    /// The first problem, in Chinese, naming the row or the entry; none when intact.
    pub broken: Option<String>,
    /// What SQLite's full `integrity_check` reported when the file is damaged; none
    /// when it passed.
    pub damaged: Option<String>,
    /// Whether the pages themselves were checked (a file); a server keeps its own.
    #[serde(skip)]
    pub pages_checked: bool,
}

impl ChainReport {
    pub fn is_intact(&self) -> bool {
        self.broken.is_none() && self.damaged.is_none()
    }

    /// The problem to report first: a damaged file, then a broken chain.
    pub fn problem(&self) -> Option<String> {
        match (&self.damaged, &self.broken) {
            (Some(damage), _) => Some(format!(
                "数据库文件已损坏（完整性检查：{damage}），请从备份恢复"
            )),
            (None, Some(problem)) => Some(format!("变更日志校验失败：{problem}")),
            (None, None) => None,
        }
    }

    /// One line for 首页 and the command line.
    pub fn summary(&self) -> String {
        self.problem().unwrap_or_else(|| {
            format!(
                "{}变更日志完整：{} 条日志，{} 笔凭证均与记录一致；链头 {}",
                if self.pages_checked {
                    "文件完整，"
                } else {
                    ""
                },
                self.log_rows,
                self.entries,
                &self.head[..self.head.len().min(16)]
            )
        })
    }
}

/// Checks the rows' links and hashes in order; the first row whose link or hash does
/// not match is named.
pub fn check_rows(rows: &[LogRow]) -> Result<(), String> {
    let mut previous = GENESIS.to_string();
    let mut previous_id = 0i64;
    for row in rows {
        if row.id != previous_id + 1 {
            return Err(format!(
                "第 {} 条日志之后缺少第 {} 条（日志被删除）",
                previous_id,
                previous_id + 1
            ));
        }
        if row.prev_hash != previous {
            return Err(format!(
                "第 {} 条日志与上一条不衔接（日志被改动、删除或插入）",
                row.id
            ));
        }
        if row_hash(&previous, row) != row.hash {
            return Err(format!("第 {} 条日志的内容被改动", row.id));
        }
        previous = row.hash.clone();
        previous_id = row.id;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_the_known_sha256_in_lowercase_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        // An entry's hash: each column's text followed by a unit separator.
        assert_eq!(
            entry_hash(&["1".to_string(), "income".to_string()]),
            sha256_hex("1\u{1f}income\u{1f}".as_bytes())
        );
        let digest = entry_digest_of([b"1".as_slice(), b"income".as_slice()]);
        assert_eq!(
            std::str::from_utf8(&hex64(&digest)).unwrap(),
            entry_hash(&["1".to_string(), "income".to_string()])
        );
    }

    fn chain(n: i64) -> Vec<LogRow> {
        let mut rows = Vec::new();
        let mut prev = GENESIS.to_string();
        for id in 1..=n {
            let mut row = LogRow {
                id,
                at: chrono::NaiveDate::from_ymd_opt(2026, 3, 1)
                    .unwrap()
                    .and_hms_opt(9, 0, 0)
                    .unwrap(),
                clerk: "李会计".into(),
                action: format!("会员：新增 {id}"),
                detail: "[]".into(),
                first_entry_id: None,
                last_entry_id: None,
                entries_digest: String::new(),
                prev_hash: prev.clone(),
                hash: String::new(),
            };
            row.hash = row_hash(&prev, &row);
            prev = row.hash.clone();
            rows.push(row);
        }
        rows
    }

    #[test]
    fn an_intact_chain_checks() {
        assert_eq!(check_rows(&chain(5)), Ok(()));
    }

    #[test]
    fn a_changed_removed_or_inserted_row_is_named() {
        let mut rows = chain(5);
        rows[2].action = "会员：新增 99".into();
        assert_eq!(check_rows(&rows), Err("第 3 条日志的内容被改动".into()));

        let mut rows = chain(5);
        rows.remove(2);
        assert_eq!(
            check_rows(&rows),
            Err("第 2 条日志之后缺少第 3 条（日志被删除）".into())
        );

        // A row rewritten with a fresh hash still breaks the next row's link.
        let mut rows = chain(5);
        rows[1].action = "伪造".into();
        rows[1].hash = row_hash(&rows[1].prev_hash.clone(), &rows[1]);
        assert_eq!(
            check_rows(&rows),
            Err("第 3 条日志与上一条不衔接（日志被改动、删除或插入）".into())
        );
    }
}
