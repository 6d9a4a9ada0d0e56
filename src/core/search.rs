//! Finding a member the way a clerk types: part of the name, part of the 工号, pinyin
//! initials ("zsf" finds 张三丰) or full pinyin ("zhangsan"), mixed freely.

use pinyin::ToPinyinMulti;

/// A key that sorts Chinese text the way a reader expects, by pinyin (儿科 before 放射科
/// before 内科), rather than by character code. Ties keep the text itself as the
/// last word.
pub fn pinyin_sort_key(text: &str) -> String {
    use pinyin::ToPinyin;
    let mut key: String = text
        .chars()
        .map(|ch| match ch.to_pinyin() {
            Some(reading) => format!("{} ", reading.plain()),
            None => ch.to_lowercase().collect(),
        })
        .collect();
    key.push('\u{0}');
    key.push_str(text);
    key
}

/// A member's name and number, prepared once so that matching a query is cheap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchKey {
    name_lower: String,
    employee_no_lower: String,
    /// For each character of the name, every plain pinyin reading (heteronyms
    /// included, so 曾 matches both "z" and "c"); a non-Chinese character is its own
    /// lowercase reading.
    readings: Vec<Vec<String>>,
}

impl SearchKey {
    pub fn new(name: &str, employee_no: &str) -> Self {
        let readings = name
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '·')
            .map(|ch| {
                let mut readings: Vec<String> = match ch.to_pinyin_multi() {
                    Some(multi) => multi.into_iter().map(|p| p.plain().to_string()).collect(),
                    None => vec![ch.to_lowercase().collect()],
                };
                readings.dedup();
                readings
            })
            .collect();
        Self {
            name_lower: name.to_lowercase(),
            employee_no_lower: employee_no.to_lowercase(),
            readings,
        }
    }

    /// Whether the query finds this member. An empty query finds everyone.
    pub fn matches(&self, query: &str) -> bool {
        let query: String = query
            .trim()
            .chars()
            .map(crate::core::money::to_half_width)
            .flat_map(char::to_lowercase)
            .filter(|c| !c.is_whitespace())
            .collect();
        if query.is_empty() {
            return true;
        }
        if self.name_lower.contains(&query) || self.employee_no_lower.contains(&query) {
            return true;
        }
        if !query.chars().all(|c| c.is_ascii_alphabetic()) {
            return false;
        }
        (0..self.readings.len()).any(|start| self.matches_from(start, &query))
    }

    /// Whether the query can be spelled by the name's characters from `index` on, each
    /// character contributing its initial or its whole syllable (the last one may be
    /// cut short).
    fn matches_from(&self, index: usize, query: &str) -> bool {
        if query.is_empty() {
            return true;
        }
        let Some(readings) = self.readings.get(index) else {
            return false;
        };
        readings.iter().any(|syllable| {
            if syllable.starts_with(query) {
                return true;
            }
            if let Some(rest) = query.strip_prefix(syllable.as_str())
                && self.matches_from(index + 1, rest)
            {
                return true;
            }
            let initial_len = syllable.chars().next().map_or(0, char::len_utf8);
            initial_len > 0
                && query.starts_with(&syllable[..initial_len])
                && self.matches_from(index + 1, &query[initial_len..])
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn departments_sort_by_pinyin() {
        let mut departments = ["内科", "儿科", "中医科", "放射科", "急诊科"];
        departments.sort_by_key(|d| pinyin_sort_key(d));
        assert_eq!(departments, ["儿科", "放射科", "急诊科", "内科", "中医科"]);
    }

    #[test]
    fn initials_find_the_name() {
        let key = SearchKey::new("张三丰", "A1024");
        for query in [
            "zsf",
            "ZSF",
            "zs",
            "sf",
            "zhangsan",
            "zhangsf",
            "zhangsanfeng",
            "zsfeng",
            "三丰",
            "a10",
            "1024",
            "zhan",
        ] {
            assert!(key.matches(query), "{query}");
        }
        for query in ["zsx", "lsf", "李", "9999", "fz"] {
            assert!(!key.matches(query), "{query}");
        }
    }

    #[test]
    fn heteronyms_match_every_reading() {
        let key = SearchKey::new("曾小单", "7");
        assert!(key.matches("zxd"));
        assert!(key.matches("zxs"));
        assert!(key.matches("zengxiaoshan"));
    }

    #[test]
    fn empty_query_finds_everyone_and_latin_names_work() {
        assert!(SearchKey::new("王五", "1").matches("  "));
        assert!(SearchKey::new("Anna Li", "2").matches("anna"));
        assert!(SearchKey::new("阿依古丽·买买提", "3").matches("aygl"));
    }
}
