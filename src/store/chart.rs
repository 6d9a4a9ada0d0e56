//! Funds, opening balances, the category tree and income sources.

use super::sql::{OptionalExtension, Row};

use super::codec::parse_code;
use super::{Ledger, Result, StoreError};
use crate::core::model::{Category, Fund, IncomeSource, PaymentForm};
use crate::core::report::{self, FundBalance, FundOpening, FundYearTotal};

/// The fund ids (in display order), the openings set and the kept totals.
pub(super) type BalanceInputs = (Vec<i64>, Vec<FundOpening>, Vec<FundYearTotal>);

/// The columns [`category_from_row`] reads, in its order.
const CATEGORY_COLUMNS: &str =
    "id, parent_id, name, default_fund_id, standard_amount_fen, account_code,
    default_payment_form, requires_member, is_active, sort_order";

fn category_from_row(row: &Row<'_>) -> super::sql::Result<Category> {
    let form: Option<String> = row.get(6)?;
    Ok(Category {
        id: row.get(0)?,
        parent_id: row.get(1)?,
        name: row.get(2)?,
        default_fund_id: row.get(3)?,
        standard_amount_fen: row.get(4)?,
        account_code: row.get(5)?,
        default_payment_form: form
            .map(|f| parse_code(6, &f, PaymentForm::parse))
            .transpose()?,
        requires_member: row.get(7)?,
        is_active: row.get(8)?,
        sort_order: row.get(9)?,
    })
}

/// The editable parts of a category.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CategoryEdit {
    pub name: String,
    pub default_fund_id: Option<i64>,
    pub standard_amount_fen: Option<i64>,
    pub account_code: String,
    pub default_payment_form: Option<PaymentForm>,
    pub requires_member: bool,
    pub is_active: bool,
}

impl CategoryEdit {
    pub fn from_category(category: &Category) -> Self {
        Self {
            name: category.name.clone(),
            default_fund_id: category.default_fund_id,
            standard_amount_fen: category.standard_amount_fen,
            account_code: category.account_code.clone(),
            default_payment_form: category.default_payment_form,
            requires_member: category.requires_member,
            is_active: category.is_active,
        }
    }
}

impl Ledger {
    /// Every fund, in the clerk's order.
    pub fn funds(&self) -> Result<Vec<Fund>> {
        let mut statement = self.conn().prepare_cached(
            "SELECT id, name, is_active, sort_order FROM funds ORDER BY sort_order, id",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(Fund {
                id: row.get(0)?,
                name: row.get(1)?,
                is_active: row.get(2)?,
                sort_order: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<super::sql::Result<Vec<_>>>()?)
    }

    pub fn add_fund(&mut self, name: &str) -> Result<i64> {
        let name = name.trim().to_string();
        if name.is_empty() {
            return Err(StoreError::invalid("资金名称", "不能为空"));
        }
        self.write(|tx| {
            let exists: bool =
                tx.query_row("SELECT EXISTS (SELECT 1 FROM funds WHERE name = ?1)", [&name], |r| r.get(0))?;
            if exists {
                return Err(StoreError::invalid("资金名称", format!("“{name}”已存在")));
            }
            tx.execute(
                "INSERT INTO funds (name, sort_order) VALUES (?1, (SELECT ifnull(max(sort_order), 0) + 1 FROM funds))",
                [&name],
            )?;
            Ok(tx.last_insert_rowid()?)
        })
    }

    /// Renames a fund or takes it out of use. A fund is never deleted: entries refer to it.
    pub fn update_fund(&mut self, id: i64, name: &str, is_active: bool) -> Result<()> {
        let name = name.trim().to_string();
        if name.is_empty() {
            return Err(StoreError::invalid("资金名称", "不能为空"));
        }
        self.write(|tx| {
            let clash: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM funds WHERE name = ?1 AND id <> ?2)",
                (&name, id),
                |r| r.get(0),
            )?;
            if clash {
                return Err(StoreError::invalid("资金名称", format!("“{name}”已存在")));
            }
            let changed = tx.execute(
                "UPDATE funds SET name = ?1, is_active = ?2 WHERE id = ?3",
                (&name, is_active, id),
            )?;
            if changed == 0 {
                return Err(StoreError::not_found(format!("资金（编号 {id}）")));
            }
            Ok(())
        })
    }

    /// The opening balances the clerk has set, by fund and year.
    pub fn fund_openings(&self) -> Result<Vec<FundOpening>> {
        let mut statement = self.conn().prepare_cached(
            "SELECT fund_id, year, opening_fen FROM fund_openings ORDER BY fund_id, year",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(FundOpening {
                fund_id: row.get(0)?,
                year: row.get(1)?,
                opening_fen: row.get(2)?,
            })
        })?;
        Ok(rows.collect::<super::sql::Result<Vec<_>>>()?)
    }

    /// Sets (or, with `None`, clears) a fund's opening balance for a year. A year with no
    /// opening set starts from the previous year's closing balance.
    pub fn set_fund_opening(
        &mut self,
        fund_id: i64,
        year: i32,
        opening_fen: Option<i64>,
    ) -> Result<()> {
        if !(1900..=2200).contains(&year) {
            return Err(StoreError::invalid("年度", format!("{year} 不是有效年份")));
        }
        self.write(|tx| {
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM funds WHERE id = ?1)",
                [fund_id],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(StoreError::not_found(format!("资金（编号 {fund_id}）")));
            }
            match opening_fen {
                Some(fen) => tx.execute(
                    "INSERT INTO fund_openings (fund_id, year, opening_fen) VALUES (?1, ?2, ?3)
                     ON CONFLICT (fund_id, year) DO UPDATE SET opening_fen = excluded.opening_fen",
                    (fund_id, year, fen),
                )?,
                None => tx.execute(
                    "DELETE FROM fund_openings WHERE fund_id = ?1 AND year = ?2",
                    (fund_id, year),
                )?,
            };
            Ok(())
        })
    }

    /// Income and spending per fund and year, as kept by trigger.
    pub fn fund_year_totals(&self) -> Result<Vec<FundYearTotal>> {
        let mut statement = self
            .conn()
            .prepare_cached("SELECT fund_id, year, income_fen, spending_fen FROM fund_year_totals ORDER BY fund_id, year")?;
        let rows = statement.query_map([], |row| {
            Ok(FundYearTotal {
                fund_id: row.get(0)?,
                year: row.get(1)?,
                income_fen: row.get(2)?,
                spending_fen: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<super::sql::Result<Vec<_>>>()?)
    }

    /// [`Ledger::balance_inputs`] as of change-log row `version` (read with the rows
    /// they are for): kept from the last read while no write came since, so a page of
    /// the ledger is one round trip to a server.
    pub(super) fn balance_inputs_at(&self, version: i64) -> Result<BalanceInputs> {
        if let Some((seen, inputs)) = self.balance_cache.borrow().as_ref()
            && *seen == version
        {
            return Ok(inputs.clone());
        }
        let inputs = self.balance_inputs()?;
        *self.balance_cache.borrow_mut() = Some((version, inputs.clone()));
        Ok(inputs)
    }

    /// The fund ids, the openings set and the kept totals, in one read (one round trip
    /// to a server): what running balances start from.
    pub(super) fn balance_inputs(&self) -> Result<BalanceInputs> {
        let mut statement = self.conn().prepare_cached(
            "SELECT 0, id, 0, 0, 0, sort_order FROM funds
             UNION ALL SELECT 1, fund_id, year, opening_fen, 0, 0 FROM fund_openings
             UNION ALL SELECT 2, fund_id, year, income_fen, spending_fen, 0 FROM fund_year_totals",
        )?;
        let mut funds: Vec<(i64, i64)> = Vec::new();
        let mut openings = Vec::new();
        let mut totals = Vec::new();
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let fund_id: i64 = row.get(1)?;
            match row.get::<_, i64>(0)? {
                0 => funds.push((row.get(5)?, fund_id)),
                1 => openings.push(FundOpening {
                    fund_id,
                    year: row.get(2)?,
                    opening_fen: row.get(3)?,
                }),
                _ => totals.push(FundYearTotal {
                    fund_id,
                    year: row.get(2)?,
                    income_fen: row.get(3)?,
                    spending_fen: row.get(4)?,
                }),
            }
        }
        funds.sort();
        openings.sort_by_key(|opening: &FundOpening| (opening.fund_id, opening.year));
        totals.sort_by_key(|total: &FundYearTotal| (total.fund_id, total.year));
        Ok((
            funds.into_iter().map(|(_, id)| id).collect(),
            openings,
            totals,
        ))
    }

    /// Each fund's opening, income, spending and closing balance for a year.
    pub fn fund_balances(&self, year: i32) -> Result<Vec<FundBalance>> {
        Ok(report::fund_balances(
            &self.funds()?,
            &self.fund_openings()?,
            &self.fund_year_totals()?,
            year,
        ))
    }

    /// The whole category tree, groups and items, in the clerk's order.
    pub fn categories(&self) -> Result<Vec<Category>> {
        categories_in(self.conn())
    }

    pub fn category(&self, id: i64) -> Result<Category> {
        self.conn()
            .query_row(
                &format!("SELECT {CATEGORY_COLUMNS} FROM categories WHERE id = ?1"),
                [id],
                category_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::not_found(format!("类别（编号 {id}）")))
    }

    /// Adds a category: a group when `parent_id` is `None`, otherwise an item under it.
    pub fn add_category(&mut self, parent_id: Option<i64>, edit: &CategoryEdit) -> Result<i64> {
        validate_category(edit)?;
        self.write(|tx| {
            if let Some(parent) = parent_id {
                let parent_of_parent: Option<Option<i64>> = tx
                    .query_row("SELECT parent_id FROM categories WHERE id = ?1", [parent], |r| r.get(0))
                    .optional()?;
                match parent_of_parent {
                    None => return Err(StoreError::not_found(format!("上级类别（编号 {parent}）"))),
                    Some(Some(_)) => return Err(StoreError::invalid("上级类别", "类别只有两级，不能挂在明细类别下")),
                    Some(None) => {}
                }
            }
            // One parameter, one type: PostgreSQL cannot type a parameter used both as
            // a column's value and inside ifnull(…, 0).
            let siblings = match parent_id {
                Some(_) => "parent_id = ?1",
                None => "parent_id IS NULL AND CAST(?1 AS BIGINT) IS NULL",
            };
            let clash: bool = tx.query_row(
                &format!("SELECT EXISTS (SELECT 1 FROM categories WHERE {siblings} AND name = ?2)"),
                (parent_id, edit.name.trim()),
                |r| r.get(0),
            )?;
            if clash {
                return Err(StoreError::invalid("类别名称", format!("“{}”已存在", edit.name.trim())));
            }
            tx.execute(
                &format!(
                    "INSERT INTO categories (parent_id, name, default_fund_id, standard_amount_fen, account_code,
                        default_payment_form, requires_member, is_active, sort_order)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,
                        (SELECT ifnull(max(sort_order), 0) + 1 FROM categories WHERE {siblings}))"
                ),
                (
                    parent_id,
                    edit.name.trim(),
                    edit.default_fund_id,
                    edit.standard_amount_fen,
                    edit.account_code.trim(),
                    edit.default_payment_form.map(PaymentForm::code),
                    edit.requires_member,
                    edit.is_active,
                ),
            )?;
            Ok(tx.last_insert_rowid()?)
        })
    }

    /// Changes a category's name, standard amount, account code and defaults. Saved
    /// entries keep their amounts: a new standard only prefills new entries.
    pub fn update_category(&mut self, id: i64, edit: &CategoryEdit) -> Result<()> {
        validate_category(edit)?;
        self.write(|tx| {
            let clash: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM categories c, categories me
                   WHERE me.id = ?1 AND c.id <> me.id AND ifnull(c.parent_id, 0) = ifnull(me.parent_id, 0) AND c.name = ?2)",
                (id, edit.name.trim()),
                |r| r.get(0),
            )?;
            if clash {
                return Err(StoreError::invalid("类别名称", format!("“{}”已存在", edit.name.trim())));
            }
            let changed = tx.execute(
                "UPDATE categories SET name = ?1, default_fund_id = ?2, standard_amount_fen = ?3, account_code = ?4,
                    default_payment_form = ?5, requires_member = ?6, is_active = ?7
                 WHERE id = ?8",
                (
                    edit.name.trim(),
                    edit.default_fund_id,
                    edit.standard_amount_fen,
                    edit.account_code.trim(),
                    edit.default_payment_form.map(PaymentForm::code),
                    edit.requires_member,
                    edit.is_active,
                    id,
                ),
            )?;
            if changed == 0 {
                return Err(StoreError::not_found(format!("类别（编号 {id}）")));
            }
            Ok(())
        })
    }

    /// Moves an item category to another group, at the end of it. Its entries move
    /// with it: every report from now on adds them up under the new group.
    pub fn move_category(&mut self, id: i64, group_id: i64) -> Result<()> {
        self.write(|tx| {
            let parent_of = |id: i64, what: &str| -> Result<Option<i64>> {
                tx.query_row("SELECT parent_id FROM categories WHERE id = ?1", [id], |r| r.get(0))
                    .optional()?
                    .ok_or_else(|| StoreError::not_found(format!("{what}（编号 {id}）")))
            };
            if parent_of(id, "类别")?.is_none() {
                return Err(StoreError::invalid("类别", "分组本身不能移动，只能移动分组下的明细类别"));
            }
            if parent_of(group_id, "分组")?.is_some() {
                return Err(StoreError::invalid("分组", "类别只有两级，只能移到分组下，不能挂在明细类别下"));
            }
            let clash: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM categories c, categories me
                   WHERE me.id = ?1 AND c.id <> me.id AND c.parent_id = ?2 AND c.name = me.name)",
                (id, group_id),
                |r| r.get(0),
            )?;
            if clash {
                return Err(StoreError::invalid("分组", "该分组下已有同名类别"));
            }
            tx.execute(
                "UPDATE categories SET parent_id = ?1,
                    sort_order = (SELECT ifnull(max(sort_order), 0) + 1 FROM categories WHERE parent_id = ?1)
                 WHERE id = ?2 AND parent_id <> ?1",
                (group_id, id),
            )?;
            Ok(())
        })
    }

    /// Adds an income source (e.g. 院工会拨款 in a branch's ledger), at the end.
    pub fn add_income_source(
        &mut self,
        name: &str,
        default_fund_id: Option<i64>,
        account_code: &str,
    ) -> Result<i64> {
        let name = name.trim().to_string();
        if name.is_empty() {
            return Err(StoreError::invalid("收入来源", "名称不能为空"));
        }
        self.write(|tx| {
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM income_sources WHERE name = ?1)",
                [&name],
                |r| r.get(0),
            )?;
            if exists {
                return Err(StoreError::invalid("收入来源", format!("“{name}”已存在")));
            }
            tx.execute(
                "INSERT INTO income_sources (name, default_fund_id, account_code, sort_order)
                 VALUES (?1, ?2, ?3, (SELECT ifnull(max(sort_order), 0) + 1 FROM income_sources))",
                (&name, default_fund_id, account_code.trim()),
            )?;
            Ok(tx.last_insert_rowid()?)
        })
    }

    /// Renames an income source or changes its default fund and account code. Saved
    /// entries keep their source: every report from now on shows them under the new name.
    pub fn update_income_source(
        &mut self,
        id: i64,
        name: &str,
        default_fund_id: Option<i64>,
        account_code: &str,
    ) -> Result<()> {
        let name = name.trim().to_string();
        if name.is_empty() {
            return Err(StoreError::invalid("收入来源", "名称不能为空"));
        }
        self.write(|tx| {
            let clash: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM income_sources WHERE name = ?1 AND id <> ?2)",
                (&name, id),
                |r| r.get(0),
            )?;
            if clash {
                return Err(StoreError::invalid("收入来源", format!("“{name}”已存在")));
            }
            let changed = tx.execute(
                "UPDATE income_sources SET name = ?1, default_fund_id = ?2, account_code = ?3 WHERE id = ?4",
                (&name, default_fund_id, account_code.trim(), id),
            )?;
            if changed == 0 {
                return Err(StoreError::not_found(format!("收入来源（编号 {id}）")));
            }
            Ok(())
        })
    }

    /// Every income source, in the clerk's order.
    pub fn income_sources(&self) -> Result<Vec<IncomeSource>> {
        let mut statement = self.conn().prepare_cached(
            "SELECT id, name, default_fund_id, account_code, sort_order FROM income_sources ORDER BY sort_order, id",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(IncomeSource {
                id: row.get(0)?,
                name: row.get(1)?,
                default_fund_id: row.get(2)?,
                account_code: row.get(3)?,
                sort_order: row.get(4)?,
            })
        })?;
        Ok(rows.collect::<super::sql::Result<Vec<_>>>()?)
    }
}

fn validate_category(edit: &CategoryEdit) -> Result<()> {
    if edit.name.trim().is_empty() {
        return Err(StoreError::invalid("类别名称", "不能为空"));
    }
    if !edit
        .account_code
        .trim()
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    {
        return Err(StoreError::invalid(
            "会计科目代码",
            "只能包含数字、字母、点或横线（如 50105）",
        ));
    }
    Ok(())
}

/// The category tree, each group followed by its items, through any connection.
pub(super) fn categories_in(conn: &super::sql::Connection) -> Result<Vec<Category>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {CATEGORY_COLUMNS} FROM categories
         ORDER BY ifnull(parent_id, id), parent_id IS NOT NULL, sort_order, id"
    ))?;
    let rows = statement.query_map([], category_from_row)?;
    Ok(rows.collect::<super::sql::Result<Vec<_>>>()?)
}
