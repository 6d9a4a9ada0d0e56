//! The charts a union committee reads at its meetings, as values: this year's
//! spending per month by category group, each fund's balance through the year,
//! visits per month by reason, mutual-insurance payouts per month by plan.
//!
//! One value is drawn by every renderer: the window (egui_plot, with the figures on
//! hover), the PDF (typst, vector, Chinese labels), and as a plain table in text and
//! spreadsheets, so the window and the paper show the same figures from the same
//! query.

use serde::Serialize;

use super::model::{Category, Fund};
use super::money::format_fen;

/// How a chart draws its series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// Bars per label, the series stacked on one another.
    StackedBars,
    /// One line per series.
    Lines,
}

/// What the values count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartUnit {
    /// Fen, shown in 元.
    Money,
    /// People or visits.
    Count,
}

/// One series: a category group, a fund, a visit reason or a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Series {
    pub name: String,
    /// What it stands for (the category group's, fund's, reason's or plan's id): a
    /// click on its bar opens the entries behind it.
    pub key: i64,
    /// One value per label.
    pub values: Vec<i64>,
}

/// A chart as every renderer draws it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chart {
    pub caption: String,
    pub kind: ChartKind,
    pub unit: ChartUnit,
    pub year: i32,
    /// The labels along the bottom: "1月" … "12月".
    pub labels: Vec<String>,
    pub series: Vec<Series>,
}

impl Chart {
    /// A value as the chart's unit writes it: "1,200.00" or "12".
    pub fn value_text(&self, value: i64) -> String {
        match self.unit {
            ChartUnit::Money => format_fen(value),
            ChartUnit::Count => value.to_string(),
        }
    }

    /// The unit's name for an axis or a column head.
    pub fn unit_text(&self) -> &'static str {
        match self.unit {
            ChartUnit::Money => "元",
            ChartUnit::Count => "人次",
        }
    }

    /// Whether there is nothing to draw (every value zero).
    pub fn is_empty(&self) -> bool {
        self.series
            .iter()
            .all(|series| series.values.iter().all(|value| *value == 0))
    }

    /// The total of each label over the series (a stacked bar's height).
    pub fn label_totals(&self) -> Vec<i64> {
        (0..self.labels.len())
            .map(|index| self.series.iter().map(|s| s.values[index]).sum())
            .collect()
    }

    /// The hover text of one value: "3月 五必访：1,200.00 元".
    pub fn describe(&self, series: usize, label: usize) -> Option<String> {
        let line = self.series.get(series)?;
        let value = *line.values.get(label)?;
        Some(format!(
            "{} {}：{} {}",
            self.labels.get(label)?,
            line.name,
            self.value_text(value),
            self.unit_text()
        ))
    }
}

/// The colours of the series, in order, as the window and the paper both draw them
/// (distinguishable in grey print too: dark and light alternate).
pub const PALETTE: [(u8, u8, u8); 8] = [
    (31, 95, 168),
    (230, 140, 40),
    (60, 150, 80),
    (200, 60, 60),
    (120, 90, 170),
    (150, 110, 80),
    (210, 120, 180),
    (110, 110, 110),
];

/// The colour of series `index` as `#rrggbb`.
pub fn colour_hex(index: usize) -> String {
    let (r, g, b) = PALETTE[index % PALETTE.len()];
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The value axis: from `low` to `high` (round figures that hold every value, 0
/// included), with a tick at each of `ticks`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scale {
    pub low: i64,
    pub high: i64,
    pub ticks: Vec<i64>,
}

impl Scale {
    /// Where `value` sits between low (0.0) and high (1.0).
    pub fn fraction(&self, value: i64) -> f64 {
        (value - self.low) as f64 / (self.high - self.low).max(1) as f64
    }
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
fn round_step(raw: i64) -> i64 {
    let mut power = 1i64;
    while power.saturating_mul(10) <= raw.max(1) {
        power *= 10;
    }
    [1, 2, 5, 10]
        .iter()
        .map(|factor| factor * power)
        .find(|step| *step >= raw)
        .unwrap_or(10 * power)
}

impl Chart {
    /// The value axis for the figures drawn: stacked totals for bars, every point for
    /// lines; four or five ticks at round figures (whole 元 for money).
    pub fn scale(&self) -> Scale {
        let values: Vec<i64> = match self.kind {
            ChartKind::StackedBars => self.label_totals(),
            ChartKind::Lines => self.series.iter().flat_map(|s| s.values.clone()).collect(),
        };
        let low = values.iter().copied().min().unwrap_or(0).min(0);
        let high = values.iter().copied().max().unwrap_or(0).max(0);
        let unit = match self.unit {
            ChartUnit::Money => 100,
            ChartUnit::Count => 1,
        };
        let step = round_step(((high - low) / 4).max(unit)).max(unit);
        let low = low.div_euclid(step) * step;
        let high = (high + step - 1).div_euclid(step) * step;
        let high = if high == low { low + step } else { high };
        let ticks = (0..)
            .map(|index| low + index * step)
            .take_while(|tick| *tick <= high)
            .collect();
        Scale { low, high, ticks }
    }

    /// A tick's text: money in whole 元 ("12,000"), counts as digits.
    pub fn tick_text(&self, value: i64) -> String {
        match self.unit {
            ChartUnit::Money => format_fen(value).trim_end_matches(".00").to_string(),
            ChartUnit::Count => value.to_string(),
        }
    }
}

/// An amount (or a count) in one month of the year for one thing (a category, a
/// fund, a reason, a plan), as the store sums them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthValue {
    /// 1 to 12.
    pub month: u32,
    pub key: i64,
    pub value: i64,
}

/// "1月" … "12月".
fn month_labels() -> Vec<String> {
    (1..=12).map(|month| format!("{month}月")).collect()
}

/// One series per key that has any value, in the order of `named`.
fn series_of(
    named: &[(i64, String)],
    values: &[MonthValue],
    key_of: impl Fn(i64) -> i64,
) -> Vec<Series> {
    named
        .iter()
        .filter_map(|(key, name)| {
            let mut months = vec![0; 12];
            for value in values.iter().filter(|value| key_of(value.key) == *key) {
                if let Some(slot) = months.get_mut(value.month as usize - 1) {
                    *slot += value.value;
                }
            }
            months.iter().any(|value| *value != 0).then(|| Series {
                name: name.clone(),
                key: *key,
                values: months,
            })
        })
        .collect()
}

/// This year's spending per month, stacked by category group (五必访, 节日慰问 …):
/// `spending` is per item category and month.
pub fn monthly_spending(year: i32, categories: &[Category], spending: &[MonthValue]) -> Chart {
    let group_of = |id: i64| {
        categories
            .iter()
            .find(|c| c.id == id)
            .map_or(id, |c| c.parent_id.unwrap_or(c.id))
    };
    let groups: Vec<(i64, String)> = categories
        .iter()
        .filter(|c| c.parent_id.is_none())
        .map(|c| (c.id, c.name.clone()))
        .collect();
    Chart {
        caption: format!("{year} 年各月支出（按类别）"),
        kind: ChartKind::StackedBars,
        unit: ChartUnit::Money,
        year,
        labels: month_labels(),
        series: series_of(&groups, spending, group_of),
    }
}

/// Each fund's balance at the end of every month of the year: its opening balance
/// plus the year's income less spending so far. `openings` are (fund id, the year's
/// opening balance); `flows` the net of each fund and month. Months after `through`
/// (the current month, this year) are left out.
pub fn fund_balances(
    year: i32,
    funds: &[Fund],
    openings: &[(i64, i64)],
    flows: &[MonthValue],
    through: u32,
) -> Chart {
    let months = through.clamp(1, 12) as usize;
    let series = funds
        .iter()
        .filter_map(|fund| {
            let opening = openings
                .iter()
                .find(|(id, _)| *id == fund.id)
                .map_or(0, |(_, opening)| *opening);
            let mut balance = opening;
            let values: Vec<i64> = (1..=months as u32)
                .map(|month| {
                    balance += flows
                        .iter()
                        .filter(|flow| flow.key == fund.id && flow.month == month)
                        .map(|flow| flow.value)
                        .sum::<i64>();
                    balance
                })
                .collect();
            (fund.is_active || values.iter().any(|value| *value != 0)).then(|| Series {
                name: fund.name.clone(),
                key: fund.id,
                values,
            })
        })
        .collect();
    Chart {
        caption: format!("{year} 年各项资金月末余额"),
        kind: ChartKind::Lines,
        unit: ChartUnit::Money,
        year,
        labels: month_labels().into_iter().take(months).collect(),
        series,
    }
}

/// Visits per month by reason (人次).
pub fn monthly_visits(year: i32, reasons: &[(i64, String)], visits: &[MonthValue]) -> Chart {
    Chart {
        caption: format!("{year} 年各月走访人次（按事由）"),
        kind: ChartKind::StackedBars,
        unit: ChartUnit::Count,
        year,
        labels: month_labels(),
        series: series_of(reasons, visits, |key| key),
    }
}

/// Mutual-insurance payouts per month by plan.
pub fn monthly_payouts(year: i32, plans: &[(i64, String)], payouts: &[MonthValue]) -> Chart {
    Chart {
        caption: format!("{year} 年各月互助保障赔付（按计划）"),
        kind: ChartKind::StackedBars,
        unit: ChartUnit::Money,
        year,
        labels: month_labels(),
        series: series_of(plans, payouts, |key| key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn category(id: i64, parent_id: Option<i64>, name: &str) -> Category {
        Category {
            id,
            parent_id,
            name: name.to_string(),
            default_fund_id: None,
            standard_amount_fen: None,
            account_code: String::new(),
            default_payment_form: None,
            requires_member: false,
            is_active: true,
            sort_order: id,
        }
    }

    #[test]
    fn spending_is_stacked_by_group_and_groups_without_spending_are_left_out() {
        let categories = [
            category(1, None, "五必访"),
            category(2, Some(1), "生病住院"),
            category(3, Some(1), "结婚"),
            category(4, None, "节日慰问"),
            category(5, Some(4), "中秋"),
            category(6, None, "其他"),
        ];
        let spending = [
            MonthValue {
                month: 3,
                key: 2,
                value: 50_000,
            },
            MonthValue {
                month: 3,
                key: 3,
                value: 20_000,
            },
            MonthValue {
                month: 9,
                key: 5,
                value: 900_000,
            },
        ];
        let chart = monthly_spending(2026, &categories, &spending);
        let names: Vec<&str> = chart.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["五必访", "节日慰问"]);
        assert_eq!(chart.series[0].values[2], 70_000);
        assert_eq!(chart.label_totals()[8], 900_000);
        assert_eq!(chart.describe(0, 2).unwrap(), "3月 五必访：700.00 元");
    }

    #[test]
    fn the_scale_holds_every_figure_at_round_ticks() {
        let chart = Chart {
            caption: String::new(),
            kind: ChartKind::Lines,
            unit: ChartUnit::Money,
            year: 2026,
            labels: vec!["1月".into(), "2月".into()],
            series: vec![Series {
                name: "慰问金".into(),
                key: 1,
                values: vec![-30_000, 1_234_500],
            }],
        };
        let scale = chart.scale();
        assert!(scale.low <= -30_000 && scale.high >= 1_234_500, "{scale:?}");
        assert_eq!(scale.ticks.first(), Some(&scale.low));
        assert_eq!(scale.ticks.last(), Some(&scale.high));
        assert!(scale.ticks.len() <= 7, "{scale:?}");
        assert_eq!(chart.tick_text(500_000), "5,000");
    }

    #[test]
    fn a_fund_balance_runs_from_its_opening_through_the_months_so_far() {
        let funds = [Fund {
            id: 1,
            name: "慰问金".into(),
            is_active: true,
            sort_order: 1,
        }];
        let flows = [
            MonthValue {
                month: 1,
                key: 1,
                value: 2_000_000,
            },
            MonthValue {
                month: 3,
                key: 1,
                value: -500_000,
            },
        ];
        let chart = fund_balances(2026, &funds, &[(1, 100_000)], &flows, 4);
        assert_eq!(chart.labels.len(), 4);
        assert_eq!(
            chart.series[0].values,
            [2_100_000, 2_100_000, 1_600_000, 1_600_000]
        );
    }
}
