//! The store's SQL is written once, in SQLite's dialect; this rewrites a statement for
//! PostgreSQL. Each rule is small and tested below:
//!
//! - parameters: `?1` → `$1`, a bare `?` → the next number;
//! - `ifnull(a, b)` → `coalesce(a, b)`; `max(a, b)`/`min(a, b)` → `greatest`/`least`;
//!   `group_concat(x, s)` → `string_agg(x::text, s)`; `printf('%d-%06d', a, b)` → text
//!   built with `lpad`; `julianday(d)` → a day number; `substr(s, -n)` → `right(s, n)`;
//!   `json_extract(j, '$.k')` → `j::json ->> 'k'`; `CAST(… AS INTEGER)` → `BIGINT`;
//! - `LIKE` → `ILIKE` (SQLite's LIKE ignores the case of ASCII letters);
//! - `INSERT OR IGNORE` → `INSERT … ON CONFLICT DO NOTHING`.
//!
//! NULLs sort first in SQLite and last on the server, and that is not rewritten: an
//! `ORDER BY x NULLS FIRST` cannot be read from an ordinary index, so every ordered page
//! would sort the table. The store never sorts on a value that may be NULL (a nullable
//! column or a LEFT JOIN's is wrapped, e.g. `CASE WHEN g.name = … THEN 1 ELSE 0 END`).
//!
//! Strings, quoted names and comments are copied untouched.

/// One lexical piece of a statement.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    /// A string literal or quoted name, with its quotes.
    Quoted(String),
    Param(usize),
    Open,
    Close,
    Comma,
    Space(String),
    Other(String),
}

fn tokenize(sql: &str) -> Vec<Tok> {
    let chars: Vec<char> = sql.chars().collect();
    let mut tokens = Vec::new();
    let mut next_param = 0usize;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' || c == '"' {
            let start = i;
            i += 1;
            while i < chars.len() {
                if chars[i] == c {
                    if chars.get(i + 1) == Some(&c) {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i = (i + 1).min(chars.len());
            tokens.push(Tok::Quoted(chars[start..i].iter().collect()));
        } else if c == '-' && chars.get(i + 1) == Some(&'-') {
            let start = i;
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            tokens.push(Tok::Space(chars[start..i].iter().collect()));
        } else if c == '?' {
            i += 1;
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let number = if i > start {
                chars[start..i]
                    .iter()
                    .collect::<String>()
                    .parse()
                    .unwrap_or(next_param + 1)
            } else {
                next_param + 1
            };
            next_param = next_param.max(number);
            tokens.push(Tok::Param(number));
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(Tok::Word(chars[start..i].iter().collect()));
        } else if c.is_whitespace() {
            let start = i;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            tokens.push(Tok::Space(chars[start..i].iter().collect()));
        } else {
            i += 1;
            tokens.push(match c {
                '(' => Tok::Open,
                ')' => Tok::Close,
                ',' => Tok::Comma,
                other => Tok::Other(other.to_string()),
            });
        }
    }
    tokens
}

/// A piece of the rewritten statement: a word (kept for the rules that look at
/// keywords), a bracketed group already rewritten, or other text.
#[derive(Debug, Clone)]
enum Item {
    Word(String),
    Comma,
    Space,
    Text(String),
}

impl Item {
    fn text(&self) -> &str {
        match self {
            Item::Word(text) | Item::Text(text) => text,
            Item::Comma => ",",
            Item::Space => " ",
        }
    }

    fn is_word(&self, word: &str) -> bool {
        matches!(self, Item::Word(text) if text.eq_ignore_ascii_case(word))
    }
}

/// Rewrites one SQLite statement for PostgreSQL.
pub fn to_postgres(sql: &str) -> String {
    let tokens = tokenize(sql);
    let mut items = items_of(&tokens);
    // INSERT OR IGNORE INTO … → INSERT INTO … ON CONFLICT DO NOTHING.
    let words: Vec<usize> = (0..items.len())
        .filter(|&at| matches!(items[at], Item::Word(_)))
        .collect();
    if words.len() >= 3
        && items[words[0]].is_word("INSERT")
        && items[words[1]].is_word("OR")
        && items[words[2]].is_word("IGNORE")
    {
        items[words[1]] = Item::Text(String::new());
        items[words[2]] = Item::Text(String::new());
        let mut text = join(&items);
        let trimmed = text.trim_end().trim_end_matches(';').to_string();
        text = format!("{trimmed} ON CONFLICT DO NOTHING");
        return squeeze_insert(&text);
    }
    join(&items)
}

/// `INSERT   INTO` left by removing `OR IGNORE` becomes `INSERT INTO`.
fn squeeze_insert(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    if let Some(at) = rest.to_ascii_uppercase().find("INSERT") {
        out.push_str(&rest[..at + 6]);
        rest = rest[at + 6..].trim_start();
        out.push(' ');
    }
    out.push_str(rest);
    out
}

fn join(items: &[Item]) -> String {
    let mut out = String::new();
    for item in items {
        out.push_str(item.text());
    }
    out
}

/// The items of a run of tokens, bracketed groups rewritten (function calls by their
/// rules), then the `ORDER BY` and word rules applied.
fn items_of(tokens: &[Tok]) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Tok::Open => {
                let close = matching(tokens, i);
                let args: Vec<String> = split_args(&tokens[i + 1..close])
                    .into_iter()
                    .map(|arg| join(&items_of(arg)))
                    .collect();
                // A function call: the name is the previous item, with no space between.
                let function = match items.last() {
                    Some(Item::Word(name)) => Some(name.to_ascii_lowercase()),
                    _ => None,
                };
                match function.and_then(|name| call(&name, &args)) {
                    Some(text) => {
                        items.pop();
                        items.push(Item::Text(text));
                    }
                    None => items.push(Item::Text(format!("({})", args.join(",")))),
                }
                i = close + 1;
                continue;
            }
            Tok::Close => items.push(Item::Text(")".into())),
            Tok::Comma => items.push(Item::Comma),
            Tok::Word(word) => items.push(Item::Word(word_rule(word))),
            Tok::Quoted(text) | Tok::Other(text) => items.push(Item::Text(text.clone())),
            Tok::Param(number) => items.push(Item::Text(format!("${number}"))),
            Tok::Space(_) => items.push(Item::Space),
        }
        i += 1;
    }
    cross_join_on(is_equality(schema_prefixes(items)))
}

/// SQLite's `a CROSS JOIN b ON …` (a join-order hint) is a plain `JOIN` on the server.
fn cross_join_on(mut items: Vec<Item>) -> Vec<Item> {
    for at in 0..items.len() {
        if !items[at].is_word("CROSS") {
            continue;
        }
        let mut next = at + 1;
        let mut seen_join = false;
        while next < items.len() {
            match &items[next] {
                Item::Space => {}
                Item::Text(text) if text == "." => {}
                item if item.is_word("JOIN") => seen_join = true,
                item if item.is_word("ON") => {
                    if seen_join {
                        items[at] = Item::Text(String::new());
                    }
                    break;
                }
                Item::Word(_) if seen_join => {}
                _ => break,
            }
            next += 1;
        }
    }
    items
}

/// SQLite's `a IS b` (equal, NULLs equal) and `a IS NOT b` are the server's
/// `IS NOT DISTINCT FROM` and `IS DISTINCT FROM`; `IS NULL`, `IS TRUE` and the like stay.
fn is_equality(mut items: Vec<Item>) -> Vec<Item> {
    let next_word = |items: &[Item], from: usize| -> Option<usize> {
        (from..items.len()).find(|&at| !matches!(items[at], Item::Space))
    };
    let keeps = |item: &Item| {
        ["NULL", "TRUE", "FALSE", "UNKNOWN", "DISTINCT"]
            .iter()
            .any(|word| item.is_word(word))
    };
    let mut at = 0;
    while at < items.len() {
        if items[at].is_word("IS")
            && let Some(next) = next_word(&items, at + 1)
        {
            if items[next].is_word("NOT") {
                if let Some(after) = next_word(&items, next + 1)
                    && !keeps(&items[after])
                {
                    items[at] = Item::Text("IS DISTINCT FROM".into());
                    for item in &mut items[at + 1..=next] {
                        *item = Item::Text(String::new());
                    }
                    items.insert(next + 1, Item::Space);
                }
            } else if !keeps(&items[next]) {
                items[at] = Item::Text("IS NOT DISTINCT FROM".into());
            }
        }
        at += 1;
    }
    items
}

/// `temp.t` is `pg_temp.t` on the server; `main.t` is the table in the ledger's own
/// schema; a bare `end` (a column, outside `CASE … END`) is quoted.
fn schema_prefixes(items: Vec<Item>) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::with_capacity(items.len());
    let mut open_cases = 0usize;
    for (at, item) in items.iter().enumerate() {
        let dotted = matches!(items.get(at + 1), Some(Item::Text(text)) if text == ".");
        let after_dot = matches!(out.last(), Some(Item::Text(text)) if text == ".");
        if item.is_word("CASE") {
            open_cases += 1;
        }
        match item {
            Item::Word(_) if dotted && item.is_word("temp") => {
                out.push(Item::Word("pg_temp".into()));
            }
            Item::Word(_) if dotted && item.is_word("main") => {
                // Drop `main` and its dot.
                out.push(Item::Text(String::new()));
            }
            Item::Text(text)
                if text == "." && matches!(out.last(), Some(Item::Text(t)) if t.is_empty()) => {}
            Item::Word(_) if item.is_word("END") && !after_dot && open_cases > 0 => {
                open_cases -= 1;
                out.push(item.clone());
            }
            Item::Word(_) if item.is_word("END") && !after_dot => {
                out.push(Item::Text("\"end\"".into()));
            }
            _ => out.push(item.clone()),
        }
    }
    out
}

fn word_rule(word: &str) -> String {
    match word.to_ascii_uppercase().as_str() {
        "LIKE" => "ILIKE".to_string(),
        "ROWID" => "id".to_string(),
        _ => word.to_string(),
    }
}

/// The index of the `)` matching the `(` at `open` (the end when unbalanced).
fn matching(tokens: &[Tok], open: usize) -> usize {
    let mut depth = 0usize;
    for (at, token) in tokens.iter().enumerate().skip(open) {
        match token {
            Tok::Open => depth += 1,
            Tok::Close => {
                depth -= 1;
                if depth == 0 {
                    return at;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

/// The comma-separated parts of a bracket's contents.
fn split_args(tokens: &[Tok]) -> Vec<&[Tok]> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (at, token) in tokens.iter().enumerate() {
        match token {
            Tok::Open => depth += 1,
            Tok::Close => depth = depth.saturating_sub(1),
            Tok::Comma if depth == 0 => {
                parts.push(&tokens[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&tokens[start..]);
    parts
}

/// A SQLite function call rewritten, or `None` to keep it as it is.
fn call(name: &str, args: &[String]) -> Option<String> {
    let arg = |at: usize| args.get(at).map(|text| text.trim()).unwrap_or("");
    Some(match (name, args.len()) {
        ("ifnull", _) => format!("coalesce({})", args.join(",")),
        ("max", 2..) => format!("greatest({})", args.join(",")),
        ("min", 2..) => format!("least({})", args.join(",")),
        ("group_concat", 1) => format!("string_agg(({})::text, ',')", arg(0)),
        ("group_concat", 2) => format!("string_agg(({})::text, {})", arg(0), arg(1)),
        ("julianday", 1) => format!("(({})::date - DATE '2000-01-01')", arg(0)),
        ("substr", 2) if arg(1).starts_with('-') => {
            format!("right({}, {})", arg(0), arg(1).trim_start_matches('-'))
        }
        ("json_extract", 2) => {
            let path = arg(1).trim_matches('\'');
            let key = path.strip_prefix("$.")?;
            format!("(({})::json ->> '{key}')", arg(0))
        }
        ("printf", 1..) => printf(arg(0), &args[1..])?,
        ("cast", 1) => {
            let inner = arg(0);
            let upper = inner.to_ascii_uppercase();
            let at = upper.rfind(" AS ")?;
            let target = upper[at + 4..].trim();
            let target = match target {
                "INTEGER" | "INT" => "BIGINT",
                "REAL" => "DOUBLE PRECISION",
                other => other,
            };
            format!("CAST({} AS {target})", &inner[..at])
        }
        _ => return None,
    })
}

/// `printf` with `%d`, `%s` and `%0Nd` (the forms the store uses) as concatenated text.
fn printf(format: &str, args: &[String]) -> Option<String> {
    let format = format.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut parts: Vec<String> = Vec::new();
    let mut literal = String::new();
    let mut args = args.iter().map(|arg| arg.trim());
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            literal.push(c);
            continue;
        }
        let mut width = String::new();
        while let Some(&digit) = chars.peek() {
            if digit.is_ascii_digit() {
                width.push(digit);
                chars.next();
            } else {
                break;
            }
        }
        let conversion = chars.next()?;
        if conversion == '%' {
            literal.push('%');
            continue;
        }
        if !literal.is_empty() {
            parts.push(format!(
                "'{}'",
                std::mem::take(&mut literal).replace('\'', "''")
            ));
        }
        let value = args.next()?;
        parts.push(match (conversion, width.strip_prefix('0')) {
            ('d' | 's', None) if width.is_empty() => format!("({value})::text"),
            ('d', Some(pad)) => format!("lpad(({value})::text, {pad}, '0')"),
            _ => return None,
        });
    }
    if !literal.is_empty() {
        parts.push(format!("'{}'", literal.replace('\'', "''")));
    }
    Some(format!("({})", parts.join(" || ")))
}

#[cfg(test)]
mod tests {
    use super::to_postgres;

    fn squash(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn parameters_are_numbered() {
        assert_eq!(
            to_postgres("SELECT a FROM t WHERE b = ?1 AND c = ?2 OR d = ?1"),
            "SELECT a FROM t WHERE b = $1 AND c = $2 OR d = $1"
        );
        assert_eq!(
            to_postgres("INSERT INTO t (a, b) VALUES (?, ?)"),
            "INSERT INTO t (a, b) VALUES ($1, $2)"
        );
        // A question mark in a string is text.
        assert_eq!(to_postgres("SELECT '?1' || ?1"), "SELECT '?1' || $1");
    }

    #[test]
    fn functions_take_the_servers_names() {
        assert_eq!(
            squash(&to_postgres("SELECT ifnull(max(id), 0) FROM entries")),
            "SELECT coalesce(max(id), 0) FROM entries"
        );
        assert_eq!(
            squash(&to_postgres("SELECT max(a, b), min(a, 0), max(c) FROM t")),
            "SELECT greatest(a, b), least(a, 0), max(c) FROM t"
        );
        assert_eq!(
            squash(&to_postgres(
                "SELECT group_concat(printf('%d-%06d', e.voucher_year, e.voucher_seq), ' ') FROM e"
            )),
            "SELECT string_agg((((e.voucher_year)::text || '-' || lpad((e.voucher_seq)::text, 6, '0')))::text, ' ') FROM e"
        );
        assert_eq!(
            squash(&to_postgres(
                "SELECT CAST(julianday(e.date) - julianday(p.date) AS INTEGER)"
            )),
            "SELECT CAST(((e.date)::date - DATE '2000-01-01') - ((p.date)::date - DATE '2000-01-01') AS BIGINT)"
        );
        assert_eq!(
            squash(&to_postgres(
                "SELECT 1 WHERE substr(value, -length(?2)) <> ?2"
            )),
            "SELECT 1 WHERE right(value, length($2)) <> $2"
        );
        assert_eq!(
            squash(&to_postgres(
                "SELECT ifnull(json_extract(r.rule_check, '$.kind'), '')"
            )),
            "SELECT coalesce(((r.rule_check)::json ->> 'kind'), '')"
        );
    }

    #[test]
    fn like_ignores_ascii_case_as_in_sqlite() {
        assert_eq!(
            to_postgres("SELECT 1 WHERE name LIKE ?1 ESCAPE '\\'"),
            "SELECT 1 WHERE name ILIKE $1 ESCAPE '\\'"
        );
    }

    #[test]
    fn sqlite_schema_names_and_the_end_column() {
        assert_eq!(
            to_postgres("DELETE FROM temp.change_buffer"),
            "DELETE FROM pg_temp.change_buffer"
        );
        assert_eq!(
            to_postgres("SELECT x FROM main.\"members\""),
            "SELECT x FROM \"members\""
        );
        assert_eq!(
            squash(&to_postgres(
                "SELECT start, end, CASE WHEN p.end > ?1 THEN 1 ELSE 0 END FROM closed_periods p ORDER BY end"
            )),
            "SELECT start, \"end\", CASE WHEN p.end > $1 THEN 1 ELSE 0 END FROM closed_periods p ORDER BY \"end\""
        );
    }

    #[test]
    fn is_compares_with_nulls_equal() {
        assert_eq!(
            squash(&to_postgres(
                "SELECT 1 WHERE batch_id IS ?4 AND a IS NOT NULL AND b IS NOT ?1 AND c IS NULL"
            )),
            "SELECT 1 WHERE batch_id IS NOT DISTINCT FROM $4 AND a IS NOT NULL AND b IS DISTINCT FROM $1 AND c IS NULL"
        );
    }

    #[test]
    fn a_cross_join_with_on_is_a_join() {
        assert_eq!(
            squash(&to_postgres(
                "SELECT 1 FROM members m CROSS JOIN entries e ON e.member_id = m.id CROSS JOIN funds f"
            )),
            "SELECT 1 FROM members m JOIN entries e ON e.member_id = m.id CROSS JOIN funds f"
        );
    }

    #[test]
    fn insert_or_ignore_becomes_on_conflict_do_nothing() {
        assert_eq!(
            squash(&to_postgres(
                "INSERT OR IGNORE INTO settings (key, value) VALUES (?1, ?2)"
            )),
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        );
    }
}
