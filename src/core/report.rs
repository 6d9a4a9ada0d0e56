//! Report values: pure functions from stored figures to the rows the screen, the command
//! line and (later) the printed forms all show.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::core::model::{Category, Fund};

/// One fund's movement over a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundBalance {
    pub fund_id: i64,
    pub fund_name: String,
    pub year: i32,
    pub opening_fen: i64,
    pub income_fen: i64,
    pub spending_fen: i64,
    pub closing_fen: i64,
}

/// A fund's four figures: opening balance, income, spending, closing balance.
pub trait FundFigures {
    fn figures(&self) -> [i64; 4];
}

impl FundFigures for FundBalance {
    fn figures(&self) -> [i64; 4] {
        [
            self.opening_fen,
            self.income_fen,
            self.spending_fen,
            self.closing_fen,
        ]
    }
}

/// The 合计 row under every fund table — 首页, `balance`, the quarterly tally and the
/// annual statement — summed here once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FundTotals {
    pub opening_fen: i64,
    pub income_fen: i64,
    pub spending_fen: i64,
    pub closing_fen: i64,
}

impl FundTotals {
    pub fn of<T: FundFigures>(funds: &[T]) -> Self {
        let mut sum = [0i64; 4];
        for fund in funds {
            for (total, fen) in sum.iter_mut().zip(fund.figures()) {
                *total += fen;
            }
        }
        let [opening_fen, income_fen, spending_fen, closing_fen] = sum;
        Self {
            opening_fen,
            income_fen,
            spending_fen,
            closing_fen,
        }
    }

    pub fn figures(&self) -> [i64; 4] {
        [
            self.opening_fen,
            self.income_fen,
            self.spending_fen,
            self.closing_fen,
        ]
    }
}

/// Income and spending of one fund in one year, as kept by the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FundYearTotal {
    pub fund_id: i64,
    pub year: i32,
    pub income_fen: i64,
    pub spending_fen: i64,
}

/// An opening balance the clerk set for a fund and year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FundOpening {
    pub fund_id: i64,
    pub year: i32,
    pub opening_fen: i64,
}

/// The opening balance of every fund in every year from the first year with data up
/// to `year`: an opening the clerk set wins; otherwise a year opens with the previous
/// year's closing balance (zero before any data).
pub fn opening_balances(
    fund_ids: &[i64],
    openings: &[FundOpening],
    totals: &[FundYearTotal],
    year: i32,
) -> BTreeMap<(i64, i32), i64> {
    let explicit: BTreeMap<(i64, i32), i64> = openings
        .iter()
        .map(|o| ((o.fund_id, o.year), o.opening_fen))
        .collect();
    let movement: BTreeMap<(i64, i32), i64> = totals
        .iter()
        .map(|t| ((t.fund_id, t.year), t.income_fen - t.spending_fen))
        .collect();
    let first_year = openings
        .iter()
        .map(|o| o.year)
        .chain(totals.iter().map(|t| t.year))
        .min()
        .unwrap_or(year)
        .min(year);
    let mut result = BTreeMap::new();
    for &fund_id in fund_ids {
        let mut balance = 0i64;
        for current in first_year..=year {
            if let Some(&set) = explicit.get(&(fund_id, current)) {
                balance = set;
            }
            result.insert((fund_id, current), balance);
            balance += movement.get(&(fund_id, current)).copied().unwrap_or(0);
        }
    }
    result
}

/// Each fund's opening, income, spending and closing balance for a year, in the funds'
/// order. Closing = opening + income − spending, recomputed here, never stored.
pub fn fund_balances(
    funds: &[Fund],
    openings: &[FundOpening],
    totals: &[FundYearTotal],
    year: i32,
) -> Vec<FundBalance> {
    let fund_ids: Vec<i64> = funds.iter().map(|f| f.id).collect();
    let opening = opening_balances(&fund_ids, openings, totals, year);
    funds
        .iter()
        .map(|fund| {
            let total = totals
                .iter()
                .find(|t| t.fund_id == fund.id && t.year == year);
            let opening_fen = opening.get(&(fund.id, year)).copied().unwrap_or(0);
            let income_fen = total.map_or(0, |t| t.income_fen);
            let spending_fen = total.map_or(0, |t| t.spending_fen);
            FundBalance {
                fund_id: fund.id,
                fund_name: fund.name.clone(),
                year,
                opening_fen,
                income_fen,
                spending_fen,
                closing_fen: opening_fen + income_fen - spending_fen,
            }
        })
        .collect()
}

/// Spending of one category in a period: the number of payouts (人次, reversals
/// subtracted) and the net amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategoryAmount {
    pub category_id: i64,
    pub count: i64,
    pub amount_fen: i64,
}

/// A row of the spending-by-category table: a group with its subtotal, or an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryTotalRow {
    pub category_id: i64,
    pub name: String,
    pub account_code: String,
    pub is_group: bool,
    pub count: i64,
    pub amount_fen: i64,
}

/// The category tree with each item's spending and each group's subtotal, groups
/// followed by their items, in the chart's order. Items with nothing spent are left
/// out unless `include_empty`; a group is kept if any of its items is.
pub fn category_totals(
    categories: &[Category],
    amounts: &[CategoryAmount],
    include_empty: bool,
) -> Vec<CategoryTotalRow> {
    let by_id: BTreeMap<i64, CategoryAmount> =
        amounts.iter().map(|a| (a.category_id, *a)).collect();
    let mut groups: Vec<&Category> = categories
        .iter()
        .filter(|c| c.parent_id.is_none())
        .collect();
    groups.sort_by_key(|c| (c.sort_order, c.id));
    let mut rows = Vec::new();
    for group in groups {
        let mut items: Vec<&Category> = categories
            .iter()
            .filter(|c| c.parent_id == Some(group.id))
            .collect();
        items.sort_by_key(|c| (c.sort_order, c.id));
        let mut item_rows = Vec::new();
        // Spending booked on the group itself (possible for a custom chart) counts too.
        let own = by_id.get(&group.id).copied();
        let mut count = own.map_or(0, |a| a.count);
        let mut amount_fen = own.map_or(0, |a| a.amount_fen);
        for item in items {
            let amount = by_id.get(&item.id).copied();
            let row = CategoryTotalRow {
                category_id: item.id,
                name: item.name.clone(),
                account_code: item.account_code.clone(),
                is_group: false,
                count: amount.map_or(0, |a| a.count),
                amount_fen: amount.map_or(0, |a| a.amount_fen),
            };
            count += row.count;
            amount_fen += row.amount_fen;
            if include_empty || row.count != 0 || row.amount_fen != 0 {
                item_rows.push(row);
            }
        }
        if include_empty || !item_rows.is_empty() || count != 0 || amount_fen != 0 {
            rows.push(CategoryTotalRow {
                category_id: group.id,
                name: group.name.clone(),
                account_code: group.account_code.clone(),
                is_group: true,
                count,
                amount_fen,
            });
            rows.extend(item_rows);
        }
    }
    rows
}

/// The grand total of a category table (groups only, so items are not counted twice).
pub fn category_grand_total(rows: &[CategoryTotalRow]) -> (i64, i64) {
    rows.iter()
        .filter(|r| r.is_group)
        .fold((0, 0), |(count, amount), r| {
            (count + r.count, amount + r.amount_fen)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fund(id: i64, name: &str) -> Fund {
        Fund {
            id,
            name: name.into(),
            is_active: true,
            sort_order: id,
        }
    }

    fn category(id: i64, parent_id: Option<i64>, name: &str) -> Category {
        Category {
            id,
            parent_id,
            name: name.into(),
            default_fund_id: Some(1),
            standard_amount_fen: None,
            account_code: "50105".into(),
            default_payment_form: None,
            requires_member: true,
            is_active: true,
            sort_order: id,
        }
    }

    #[test]
    fn a_year_without_an_opening_carries_the_previous_closing() {
        let funds = [fund(1, "慰问金"), fund(2, "帮扶资金")];
        let openings = [FundOpening {
            fund_id: 1,
            year: 2025,
            opening_fen: 100_000,
        }];
        let totals = [
            FundYearTotal {
                fund_id: 1,
                year: 2025,
                income_fen: 50_000,
                spending_fen: 30_000,
            },
            FundYearTotal {
                fund_id: 1,
                year: 2026,
                income_fen: 10_000,
                spending_fen: 45_000,
            },
            FundYearTotal {
                fund_id: 2,
                year: 2026,
                income_fen: 7_000,
                spending_fen: 0,
            },
        ];
        let balances = fund_balances(&funds, &openings, &totals, 2026);
        assert_eq!(balances[0].opening_fen, 120_000);
        assert_eq!(balances[0].closing_fen, 85_000);
        assert_eq!(balances[1].opening_fen, 0);
        assert_eq!(balances[1].closing_fen, 7_000);
        // A set opening overrides the carried one.
        let openings = [
            openings[0],
            FundOpening {
                fund_id: 1,
                year: 2026,
                opening_fen: 1_000,
            },
        ];
        assert_eq!(
            fund_balances(&funds, &openings, &totals, 2026)[0].closing_fen,
            -34_000
        );
    }

    #[test]
    fn groups_sum_their_items() {
        let categories = [
            category(1, None, "五必访"),
            category(2, Some(1), "生病住院"),
            category(3, Some(1), "结婚"),
            category(4, None, "节日慰问"),
            category(5, Some(4), "春节"),
        ];
        let amounts = [
            CategoryAmount {
                category_id: 2,
                count: 3,
                amount_fen: 150_000,
            },
            CategoryAmount {
                category_id: 3,
                count: 1,
                amount_fen: 50_000,
            },
        ];
        let rows = category_totals(&categories, &amounts, false);
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["五必访", "生病住院", "结婚"]);
        assert_eq!((rows[0].count, rows[0].amount_fen), (4, 200_000));
        assert_eq!(category_grand_total(&rows), (4, 200_000));
        assert_eq!(category_totals(&categories, &amounts, true).len(), 5);
    }
}
