//! Conversions between model values and their stored text.

use chrono::{NaiveDate, NaiveDateTime};

/// Dates are stored as ISO text (`2026-03-08`), which sorts in date order.
pub fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

pub fn datetime_text(moment: NaiveDateTime) -> String {
    moment.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// Reads a stored date; a malformed one is reported as a conversion error on that
/// column rather than silently replaced.
pub fn parse_date(column: usize, text: &str) -> super::sql::Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|error| super::sql::Error::conversion(column, format!("日期“{text}”：{error}")))
}

pub fn parse_optional_date(
    column: usize,
    text: Option<String>,
) -> super::sql::Result<Option<NaiveDate>> {
    text.map(|text| parse_date(column, &text)).transpose()
}

pub fn parse_datetime(column: usize, text: &str) -> super::sql::Result<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .map_err(|error| super::sql::Error::conversion(column, format!("时间“{text}”：{error}")))
}

/// Reads a stored enum code with the enum's parser.
pub fn parse_code<T>(
    column: usize,
    text: &str,
    parse: fn(&str) -> Option<T>,
) -> super::sql::Result<T> {
    parse(text)
        .ok_or_else(|| super::sql::Error::conversion(column, format!("unknown code {text:?}")))
}
