//! The statutory holidays (法定节假日) and their dates. The lunar festivals follow the
//! Chinese calendar, tabulated here for 2020 to 2040 (checked against the published
//! calendar); 清明 follows the solar term, computed by the usual formula.

use chrono::{Datelike, NaiveDate};

/// A statutory holiday, named as its category is in the default chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Holiday {
    NewYear,
    SpringFestival,
    Qingming,
    LabourDay,
    DragonBoat,
    MidAutumn,
    NationalDay,
}

impl Holiday {
    pub const ALL: &'static [Holiday] = &[
        Holiday::NewYear,
        Holiday::SpringFestival,
        Holiday::Qingming,
        Holiday::LabourDay,
        Holiday::DragonBoat,
        Holiday::MidAutumn,
        Holiday::NationalDay,
    ];

    /// The name, which is also the holiday's category name in the default chart.
    pub fn name(self) -> &'static str {
        match self {
            Holiday::NewYear => "元旦",
            Holiday::SpringFestival => "春节",
            Holiday::Qingming => "清明",
            Holiday::LabourDay => "劳动节",
            Holiday::DragonBoat => "端午",
            Holiday::MidAutumn => "中秋",
            Holiday::NationalDay => "国庆",
        }
    }

    /// The holiday's date in `year`, or `None` outside the tabulated years.
    pub fn date_in(self, year: i32) -> Option<NaiveDate> {
        let fixed = |month, day| NaiveDate::from_ymd_opt(year, month, day);
        match self {
            Holiday::NewYear => fixed(1, 1),
            Holiday::LabourDay => fixed(5, 1),
            Holiday::NationalDay => fixed(10, 1),
            Holiday::Qingming => {
                if !(2000..2100).contains(&year) {
                    return None;
                }
                // The 21st-century formula for the 清明 solar term: ⌊Y·0.2422 + 4.81⌋ − ⌊Y/4⌋.
                let y = (year % 100) as f64;
                let day = (y * 0.2422 + 4.81).floor() as u32 - (year % 100 / 4) as u32;
                fixed(4, day)
            }
            Holiday::SpringFestival | Holiday::DragonBoat | Holiday::MidAutumn => {
                let index = usize::try_from(year - FIRST_LUNAR_YEAR).ok()?;
                let (month, day) = match self {
                    Holiday::SpringFestival => SPRING_FESTIVAL.get(index)?,
                    Holiday::DragonBoat => DRAGON_BOAT.get(index)?,
                    _ => MID_AUTUMN.get(index)?,
                };
                fixed(*month, *day)
            }
        }
    }

    /// Every holiday dated from `from` to `to` (inclusive), in date order.
    pub fn between(from: NaiveDate, to: NaiveDate) -> Vec<(Holiday, NaiveDate)> {
        let mut found: Vec<(Holiday, NaiveDate)> = (from.year()..=to.year())
            .flat_map(|year| {
                Holiday::ALL
                    .iter()
                    .filter_map(move |holiday| Some((*holiday, holiday.date_in(year)?)))
            })
            .filter(|(_, date)| *date >= from && *date <= to)
            .collect();
        found.sort_by_key(|(holiday, date)| (*date, holiday.name()));
        found
    }
}

const FIRST_LUNAR_YEAR: i32 = 2020;

/// 正月初一, 2020 to 2040.
const SPRING_FESTIVAL: &[(u32, u32)] = &[
    (1, 25),
    (2, 12),
    (2, 1),
    (1, 22),
    (2, 10),
    (1, 29),
    (2, 17),
    (2, 6),
    (1, 26),
    (2, 13),
    (2, 3),
    (1, 23),
    (2, 11),
    (1, 31),
    (2, 19),
    (2, 8),
    (1, 28),
    (2, 15),
    (2, 4),
    (1, 24),
    (2, 12),
];

/// 五月初五, 2020 to 2040.
const DRAGON_BOAT: &[(u32, u32)] = &[
    (6, 25),
    (6, 14),
    (6, 3),
    (6, 22),
    (6, 10),
    (5, 31),
    (6, 19),
    (6, 9),
    (5, 28),
    (6, 16),
    (6, 5),
    (6, 24),
    (6, 12),
    (6, 1),
    (6, 20),
    (6, 10),
    (5, 30),
    (6, 18),
    (6, 7),
    (5, 27),
    (6, 14),
];

/// 八月十五, 2020 to 2040.
const MID_AUTUMN: &[(u32, u32)] = &[
    (10, 1),
    (9, 21),
    (9, 10),
    (9, 29),
    (9, 17),
    (10, 6),
    (9, 25),
    (9, 15),
    (10, 3),
    (9, 22),
    (9, 12),
    (10, 1),
    (9, 19),
    (9, 8),
    (9, 27),
    (9, 16),
    (10, 4),
    (9, 24),
    (9, 13),
    (10, 2),
    (9, 20),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn known_dates() {
        assert_eq!(
            Holiday::SpringFestival.date_in(2026),
            Some(date(2026, 2, 17))
        );
        assert_eq!(
            Holiday::SpringFestival.date_in(2027),
            Some(date(2027, 2, 6))
        );
        assert_eq!(Holiday::MidAutumn.date_in(2025), Some(date(2025, 10, 6)));
        assert_eq!(Holiday::DragonBoat.date_in(2026), Some(date(2026, 6, 19)));
        assert_eq!(Holiday::Qingming.date_in(2024), Some(date(2024, 4, 4)));
        assert_eq!(Holiday::Qingming.date_in(2026), Some(date(2026, 4, 5)));
        assert_eq!(Holiday::SpringFestival.date_in(2041), None);
        assert_eq!(SPRING_FESTIVAL.len(), 21);
        assert_eq!(DRAGON_BOAT.len(), 21);
        assert_eq!(MID_AUTUMN.len(), 21);
    }

    #[test]
    fn holidays_in_a_window_cross_the_year() {
        let found = Holiday::between(date(2026, 12, 20), date(2027, 2, 10));
        let names: Vec<&str> = found.iter().map(|(holiday, _)| holiday.name()).collect();
        assert_eq!(names, vec!["元旦", "春节"]);
    }
}
