//! Fund movements

use super::*;

/// One fund's balance over a period: opening, income, spending, closing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundMovement {
    pub fund_id: i64,
    pub fund_name: String,
    pub opening_fen: i64,
    pub income_fen: i64,
    pub spending_fen: i64,
    pub closing_fen: i64,
}

impl crate::core::report::FundFigures for FundMovement {
    fn figures(&self) -> [i64; 4] {
        [
            self.opening_fen,
            self.income_fen,
            self.spending_fen,
            self.closing_fen,
        ]
    }
}

/// Income and spending of one fund inside some span of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FundFlow {
    pub fund_id: i64,
    pub income_fen: i64,
    pub spending_fen: i64,
}

/// Each fund's movement over a period inside one year: the year's opening balance
/// plus what moved between 1 January and the day before the period opens, then the
/// period's own income and spending. Closing is recomputed, never stored.
pub fn fund_movements(
    year_balances: &[FundBalance],
    before_period: &[FundFlow],
    in_period: &[FundFlow],
) -> Vec<FundMovement> {
    let find = |flows: &[FundFlow], fund_id: i64| {
        flows
            .iter()
            .find(|flow| flow.fund_id == fund_id)
            .copied()
            .unwrap_or_default()
    };
    year_balances
        .iter()
        .map(|balance| {
            let before = find(before_period, balance.fund_id);
            let within = find(in_period, balance.fund_id);
            let opening_fen = balance.opening_fen + before.income_fen - before.spending_fen;
            FundMovement {
                fund_id: balance.fund_id,
                fund_name: balance.fund_name.clone(),
                opening_fen,
                income_fen: within.income_fen,
                spending_fen: within.spending_fen,
                closing_fen: opening_fen + within.income_fen - within.spending_fen,
            }
        })
        .collect()
}

pub(super) fn fund_table(caption: &str, movements: &[FundMovement]) -> Table {
    let mut rows: Vec<Row> = movements
        .iter()
        .map(|m| {
            Row::new(
                RowStyle::Item,
                vec![
                    Cell::text(&m.fund_name),
                    Cell::Money(m.opening_fen),
                    Cell::Money(m.income_fen),
                    Cell::Money(m.spending_fen),
                    Cell::Money(m.closing_fen),
                ],
            )
        })
        .collect();
    let total = crate::core::report::FundTotals::of(movements);
    rows.push(Row::new(
        RowStyle::Total,
        vec![
            Cell::text("合计"),
            Cell::Money(total.opening_fen),
            Cell::Money(total.income_fen),
            Cell::Money(total.spending_fen),
            Cell::Money(total.closing_fen),
        ],
    ));
    Table {
        caption: caption.to_string(),
        page_breaks: Vec::new(),
        columns: vec![
            Column::text("经费", 10),
            Column::money("期初余额"),
            Column::money("本期收入"),
            Column::money("本期支出"),
            Column::money("期末余额"),
        ],
        rows,
    }
}
