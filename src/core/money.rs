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
}
