//! Money is an integer number of fen (1 元 = 100 分). All parsing and formatting of
//! amounts lives here so every screen, report and command agrees.

use thiserror::Error;

/// The largest amount a single entry may carry: 1 亿元. Anything above is a typing
/// mistake for a grassroots union's ledger, not a real payout.
pub const MAX_AMOUNT_FEN: i64 = 10_000_000_000;

/// Why a typed amount was refused. The messages are shown to the clerk as they are.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MoneyError {
    #[error("金额不能为空")]
    Empty,
    #[error("金额“{0}”不是数字（应为如 1,234.50 的金额）")]
    NotANumber(String),
    #[error("金额“{0}”超过两位小数（最小单位为分）")]
    TooManyDecimals(String),
    #[error("金额“{0}”不能为负数")]
    Negative(String),
    #[error("金额“{0}”过大（单笔上限 1 亿元）")]
    TooLarge(String),
}

/// Parses an amount as a clerk types it: `1,234.50`, `¥1234.5`, `1234.5元`, full-width
/// digits `１２３４．５`, Chinese thousands separators `，`. Returns fen.
pub fn parse_amount_fen(input: &str) -> Result<i64, MoneyError> {
    let original = input.trim();
    let mut text = String::with_capacity(original.len());
    for ch in original.chars() {
        let ch = to_half_width(ch);
        match ch {
            ',' | '，' | ' ' | '\u{3000}' | '_' => {}
            '¥' | '￥' => {}
            _ => text.push(ch),
        }
    }
    let text = text
        .strip_suffix("元整")
        .or_else(|| text.strip_suffix('元'))
        .or_else(|| text.strip_prefix("RMB"))
        .or_else(|| text.strip_prefix("CNY"))
        .unwrap_or(&text)
        .trim()
        .to_string();
    if text.is_empty() {
        return Err(MoneyError::Empty);
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(&text)),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, f),
        None => (digits, ""),
    };
    let is_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !is_digits(whole) || !is_digits(fraction) {
        return Err(MoneyError::NotANumber(original.to_string()));
    }
    if fraction.len() > 2 {
        // Trailing zeros past the fen ("12.500") are harmless; anything else is not.
        if fraction[2..].chars().any(|c| c != '0') {
            return Err(MoneyError::TooManyDecimals(original.to_string()));
        }
    }
    let whole_value: i64 = if whole.is_empty() {
        0
    } else {
        let trimmed = whole.trim_start_matches('0');
        if trimmed.len() > 12 {
            return Err(MoneyError::TooLarge(original.to_string()));
        }
        trimmed.parse::<i64>().unwrap_or(0)
    };
    let mut fraction_fen = 0i64;
    for (index, ch) in fraction.chars().take(2).enumerate() {
        let digit = i64::from(ch.to_digit(10).unwrap_or(0));
        fraction_fen += if index == 0 { digit * 10 } else { digit };
    }
    let fen = whole_value
        .checked_mul(100)
        .and_then(|v| v.checked_add(fraction_fen))
        .ok_or_else(|| MoneyError::TooLarge(original.to_string()))?;
    if negative && fen != 0 {
        return Err(MoneyError::Negative(original.to_string()));
    }
    if fen > MAX_AMOUNT_FEN {
        return Err(MoneyError::TooLarge(original.to_string()));
    }
    Ok(fen)
}

/// Parses an amount that may be negative, such as a fund's opening balance taken over
/// from overdrawn paper books: `-1,200.50`, `－300`. Entries never use this.
pub fn parse_signed_amount_fen(input: &str) -> Result<i64, MoneyError> {
    let trimmed = input.trim();
    match trimmed
        .strip_prefix('-')
        .or_else(|| trimmed.strip_prefix('－'))
    {
        Some(rest) => parse_amount_fen(rest).map(|fen| -fen),
        None => parse_amount_fen(trimmed),
    }
}

/// Formats fen as yuan with thousands separators and two decimals: `1,234.50`,
/// `-300.00`.
pub fn format_fen(fen: i64) -> String {
    let negative = fen < 0;
    let magnitude = fen.unsigned_abs();
    let yuan = magnitude / 100;
    let cents = magnitude % 100;
    let digits = yuan.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, ch) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{}{grouped}.{cents:02}", if negative { "-" } else { "" })
}

/// Formats fen for an input box: no separators, trailing `.00` dropped (`300`,
/// `12.5`), so the clerk can edit it directly.
pub fn format_fen_plain(fen: i64) -> String {
    let negative = if fen < 0 { "-" } else { "" };
    let magnitude = fen.unsigned_abs();
    let (yuan, cents) = (magnitude / 100, magnitude % 100);
    if cents == 0 {
        format!("{negative}{yuan}")
    } else if cents % 10 == 0 {
        format!("{negative}{yuan}.{}", cents / 10)
    } else {
        format!("{negative}{yuan}.{cents:02}")
    }
}

/// Maps full-width ASCII forms (U+FF01..U+FF5E) to their half-width counterparts.
pub fn to_half_width(ch: char) -> char {
    let code = ch as u32;
    if (0xFF01..=0xFF5E).contains(&code) {
        char::from_u32(code - 0xFEE0).unwrap_or(ch)
    } else {
        ch
    }
}

/// An amount in Chinese capital numerals (大写) as written on cheques and vouchers,
/// following the first form of the examples in 《支付结算办法》: 元/角/分; 整 when
/// there is no 分; one 零 for a run of zeros inside the figure; 零 after 元 when the
/// 元 digit is zero and 角 or 分 follow (¥1,680.32 → 壹仟陆佰捌拾元零叁角贰分); 零
/// before 分 when 角 is zero (¥10,000.05 → 壹万元零伍分). Negative amounts get 负.
pub fn chinese_capitals(fen: i64) -> String {
    const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
    const UNITS: [&str; 4] = ["", "拾", "佰", "仟"];
    const GROUPS: [&str; 5] = ["", "万", "亿", "万亿", "亿亿"];
    let negative = fen < 0;
    let magnitude = fen.unsigned_abs();
    let yuan = magnitude / 100;
    let jiao = (magnitude / 10 % 10) as usize;
    let cents = (magnitude % 10) as usize;
    let mut text = String::new();
    if negative {
        text.push('负');
    }
    if yuan > 0 {
        // Groups of four digits, most significant first.
        let mut groups = Vec::new();
        let mut rest = yuan;
        while rest > 0 {
            groups.push((rest % 10_000) as usize);
            rest /= 10_000;
        }
        let mut pending_zero = false;
        let mut written = false;
        for (index, group) in groups.iter().enumerate().rev() {
            if *group == 0 {
                pending_zero = written;
                continue;
            }
            let digits = [group / 1000, group / 100 % 10, group / 10 % 10, group % 10];
            for (position, digit) in digits.iter().enumerate() {
                if *digit == 0 {
                    pending_zero = written;
                    continue;
                }
                if pending_zero {
                    text.push('零');
                    pending_zero = false;
                }
                text.push(DIGITS[*digit]);
                text.push_str(UNITS[3 - position]);
                written = true;
            }
            text.push_str(GROUPS[index]);
            // Zeros at the end of a group are not written: a 零 before the next group
            // comes only from that group's own leading zeros (壹拾万柒仟, 壹拾万零肆佰).
            pending_zero = false;
        }
        text.push('元');
    }
    match (jiao, cents) {
        (0, 0) => {
            if yuan == 0 {
                text.push_str("零元");
            }
            text.push('整');
        }
        (0, cents) => {
            if yuan > 0 {
                text.push('零');
            }
            text.push(DIGITS[cents]);
            text.push('分');
        }
        (jiao, cents) => {
            if yuan > 0 && yuan.is_multiple_of(10) {
                text.push('零');
            }
            text.push(DIGITS[jiao]);
            text.push('角');
            if cents == 0 {
                text.push('整');
            } else {
                text.push(DIGITS[cents]);
                text.push('分');
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_clerks_type() {
        assert_eq!(parse_amount_fen("1,234.50"), Ok(123_450));
        assert_eq!(parse_amount_fen("¥1234.5"), Ok(123_450));
        assert_eq!(parse_amount_fen("1234.5元"), Ok(123_450));
        assert_eq!(parse_amount_fen("１２３４．５"), Ok(123_450));
        assert_eq!(parse_amount_fen("￥１，２００"), Ok(120_000));
        assert_eq!(parse_amount_fen(" 300 "), Ok(30_000));
        assert_eq!(parse_amount_fen(".5"), Ok(50));
        assert_eq!(parse_amount_fen("12.500"), Ok(1_250));
        assert_eq!(parse_amount_fen("500元整"), Ok(50_000));
        assert_eq!(parse_amount_fen("0"), Ok(0));
    }

    #[test]
    fn refuses_what_is_not_money() {
        assert_eq!(parse_amount_fen(""), Err(MoneyError::Empty));
        assert!(matches!(
            parse_amount_fen("abc"),
            Err(MoneyError::NotANumber(_))
        ));
        assert!(matches!(
            parse_amount_fen("1.2.3"),
            Err(MoneyError::NotANumber(_))
        ));
        assert!(matches!(
            parse_amount_fen("."),
            Err(MoneyError::NotANumber(_))
        ));
        assert!(matches!(
            parse_amount_fen("1.234"),
            Err(MoneyError::TooManyDecimals(_))
        ));
        assert!(matches!(
            parse_amount_fen("-5"),
            Err(MoneyError::Negative(_))
        ));
        assert!(matches!(
            parse_amount_fen("100000001"),
            Err(MoneyError::TooLarge(_))
        ));
        assert!(matches!(
            parse_amount_fen("99999999999999999999999"),
            Err(MoneyError::TooLarge(_))
        ));
    }

    #[test]
    fn error_messages_name_the_input() {
        let message = parse_amount_fen("1.234").unwrap_err().to_string();
        assert!(
            message.contains("1.234") && message.contains("两位小数"),
            "{message}"
        );
    }

    #[test]
    fn signed_amounts_for_opening_balances() {
        assert_eq!(parse_signed_amount_fen("-1,200.50"), Ok(-120_050));
        assert_eq!(parse_signed_amount_fen("－300"), Ok(-30_000));
        assert_eq!(parse_signed_amount_fen("300"), Ok(30_000));
        assert!(matches!(
            parse_signed_amount_fen("--3"),
            Err(MoneyError::Negative(_))
        ));
    }

    #[test]
    fn formats_with_thousands_separators() {
        assert_eq!(format_fen(0), "0.00");
        assert_eq!(format_fen(5), "0.05");
        assert_eq!(format_fen(123_450), "1,234.50");
        assert_eq!(format_fen(1_740_000), "17,400.00");
        assert_eq!(format_fen(100_000_000), "1,000,000.00");
        assert_eq!(format_fen(-30_000), "-300.00");
        assert_eq!(format_fen_plain(30_000), "300");
        assert_eq!(format_fen_plain(1_250), "12.5");
        assert_eq!(format_fen_plain(1_205), "12.05");
    }

    #[test]
    fn chinese_capitals_follow_the_cheque_rules() {
        for (fen, text) in [
            (5, "伍分"),
            (0, "零元整"),
            (1_000, "壹拾元整"),
            (1_050, "壹拾元零伍角整"),
            (1_055, "壹拾元零伍角伍分"),
            (140_950, "壹仟肆佰零玖元伍角整"),
            (600_714, "陆仟零柒元壹角肆分"),
            (168_032, "壹仟陆佰捌拾元零叁角贰分"),
            (10_700_053, "壹拾万柒仟元零伍角叁分"),
            (1_000_005, "壹万元零伍分"),
            (10_000_010, "壹拾万元零壹角整"),
            (100_400_000, "壹佰万肆仟元整"),
            (1_740_000, "壹万柒仟肆佰元整"),
            (10_040_000, "壹拾万零肆佰元整"),
            (10_000_000_000, "壹亿元整"),
            (10_000_100_000, "壹亿零壹仟元整"),
            (-50_000, "负伍佰元整"),
        ] {
            assert_eq!(chinese_capitals(fen), text, "{fen}");
        }
    }
}
