//! Dates as clerks type them, the clock the app reads "today" from, and periods
//! (month, quarter, year) for filters and reports.

use chrono::{Datelike, Local, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a typed date was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("日期“{0}”无法识别（应为如 2026-03-08、2026/3/8 或 2026年3月8日 的日期）")]
pub struct DateError(pub String);

/// Parses a date in the forms clerks type and HR systems export: `2026-03-08`,
/// `2026/3/8`, `2026.3.8`, `20260308`, `2026年3月8日`, full-width digits, and a date
/// followed by a time (`2026-03-08 00:00:00`).
pub fn parse_date(input: &str) -> Result<NaiveDate, DateError> {
    let original = input.trim();
    let text: String = original
        .chars()
        .map(crate::core::money::to_half_width)
        .collect();
    let text = text.trim();
    // Drop a trailing time of day.
    let text = text.split([' ', 'T']).next().unwrap_or(text);
    let error = || DateError(original.to_string());
    if text.len() == 8 && text.chars().all(|c| c.is_ascii_digit()) {
        let year = text[0..4].parse().map_err(|_| error())?;
        let month = text[4..6].parse().map_err(|_| error())?;
        let day = text[6..8].parse().map_err(|_| error())?;
        return NaiveDate::from_ymd_opt(year, month, day).ok_or_else(error);
    }
    let parts: Vec<&str> = text
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|part| !part.is_empty())
        .collect();
    if parts.len() != 3 || !parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit())) {
        return Err(error());
    }
    let year: i32 = parts[0].parse().map_err(|_| error())?;
    if parts[0].len() != 4 {
        return Err(error());
    }
    let month: u32 = parts[1].parse().map_err(|_| error())?;
    let day: u32 = parts[2].parse().map_err(|_| error())?;
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(error)
}

/// Converts an Excel serial day number (1900 date system, with its 1900-02-29 bug)
/// to a date. Returns `None` for numbers that cannot be a plausible date.
pub fn date_from_excel_serial(serial: f64) -> Option<NaiveDate> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    // Day 60 is the non-existent 1900-02-29; later serials are one day ahead.
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let days = if days < 60 { days + 1 } else { days };
    base.checked_add_signed(chrono::Duration::days(days))
}

/// Formats a date the way the ledger prints it: `2026-03-08`.
pub fn format_date(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// Where the app reads the current date and time. Tests pass a fixed clock.
pub trait Clock: Send + Sync {
    fn now(&self) -> NaiveDateTime;
    /// The same clock, to keep (the ledger stamps its change log with it).
    fn shared(&self) -> std::sync::Arc<dyn Clock>;
    fn today(&self) -> NaiveDate {
        self.now().date()
    }
}

/// The computer's local clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> NaiveDateTime {
        Local::now().naive_local()
    }

    fn shared(&self) -> std::sync::Arc<dyn Clock> {
        std::sync::Arc::new(*self)
    }
}

/// A clock stopped at one moment, for tests and reproducible runs.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub NaiveDateTime);

impl FixedClock {
    /// A clock stopped at 09:00 on the given day.
    pub fn at_date(date: NaiveDate) -> Self {
        Self(date.and_hms_opt(9, 0, 0).unwrap_or_default())
    }
}

impl Clock for FixedClock {
    fn now(&self) -> NaiveDateTime {
        self.0
    }

    fn shared(&self) -> std::sync::Arc<dyn Clock> {
        std::sync::Arc::new(*self)
    }
}

/// An inclusive range of dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    pub fn new(start: NaiveDate, end: NaiveDate) -> Self {
        Self { start, end }
    }

    /// The calendar year.
    pub fn year(year: i32) -> Self {
        Self::new(ymd(year, 1, 1), ymd(year, 12, 31))
    }

    /// Quarter 1 to 4 of a year.
    pub fn quarter(year: i32, quarter: u32) -> Self {
        let quarter = quarter.clamp(1, 4);
        let first_month = (quarter - 1) * 3 + 1;
        let start = ymd(year, first_month, 1);
        let end = if quarter == 4 {
            ymd(year, 12, 31)
        } else {
            ymd(year, first_month + 3, 1).pred_opt().unwrap_or(start)
        };
        Self::new(start, end)
    }

    /// A calendar month.
    pub fn month(year: i32, month: u32) -> Self {
        let start = ymd(year, month.clamp(1, 12), 1);
        let next = if month >= 12 {
            ymd(year + 1, 1, 1)
        } else {
            ymd(year, month + 1, 1)
        };
        Self::new(start, next.pred_opt().unwrap_or(start))
    }

    /// The quarter containing a date.
    pub fn quarter_of(date: NaiveDate) -> Self {
        Self::quarter(date.year(), quarter_number(date))
    }

    /// The label with its dates, `2026年第1季度（2026-01-01 至 2026-03-31）`: how the
    /// window and the command line both name a period closed or reopened.
    pub fn label_with_dates(&self) -> String {
        format!(
            "{}（{} 至 {}）",
            self.label(),
            format_date(self.start),
            format_date(self.end)
        )
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// A short Chinese description: `2026年第2季度`, `2026年`, or the two dates.
    pub fn label(&self) -> String {
        let year = self.start.year();
        if *self == Self::year(year) {
            return format!("{year}年");
        }
        let quarter = quarter_number(self.start);
        if *self == Self::quarter(year, quarter) {
            return format!("{year}年第{quarter}季度");
        }
        if *self == Self::month(year, self.start.month()) {
            return format!("{year}年{}月", self.start.month());
        }
        format!("{} 至 {}", format_date(self.start), format_date(self.end))
    }
}

/// The quarter (1 to 4) a date falls in.
pub fn quarter_number(date: NaiveDate) -> u32 {
    (date.month() - 1) / 3 + 1
}

/// Builds a date known to be valid; out-of-range parts fall back to 1 January.
fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day)
        .or_else(|| NaiveDate::from_ymd_opt(year, 1, 1))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_the_forms_clerks_type() {
        for text in [
            "2026-03-08",
            "2026/3/8",
            "2026.3.8",
            "20260308",
            "2026年3月8日",
            "２０２６年３月８日",
            "2026-03-08 00:00:00",
            " 2026-3-8 ",
        ] {
            assert_eq!(parse_date(text), Ok(d(2026, 3, 8)), "{text}");
        }
    }

    #[test]
    fn refuses_impossible_dates() {
        for text in [
            "2026-02-30",
            "26-3-8",
            "3/8/2026x",
            "明天",
            "",
            "2026-13-01",
        ] {
            assert!(parse_date(text).is_err(), "{text}");
        }
        assert!(
            parse_date("2026-02-30")
                .unwrap_err()
                .to_string()
                .contains("2026-02-30")
        );
    }

    #[test]
    fn excel_serials() {
        assert_eq!(date_from_excel_serial(46089.0), Some(d(2026, 3, 8)));
        assert_eq!(date_from_excel_serial(1.0), Some(d(1900, 1, 1)));
        assert_eq!(date_from_excel_serial(61.0), Some(d(1900, 3, 1)));
        assert_eq!(date_from_excel_serial(-3.0), None);
    }

    #[test]
    fn periods() {
        assert_eq!(
            Period::quarter(2026, 1),
            Period::new(d(2026, 1, 1), d(2026, 3, 31))
        );
        assert_eq!(
            Period::quarter(2026, 4),
            Period::new(d(2026, 10, 1), d(2026, 12, 31))
        );
        assert_eq!(Period::quarter_of(d(2026, 5, 20)).label(), "2026年第2季度");
        assert_eq!(Period::month(2024, 2).end, d(2024, 2, 29));
        assert_eq!(Period::year(2026).label(), "2026年");
    }
}
