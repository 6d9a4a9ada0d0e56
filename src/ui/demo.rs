//! Loading the demo data from the window.

use crate::core::date::Clock;
use crate::store::{Ledger, Result};

/// Fills an empty ledger with the standard demo (300 members, two years).
pub fn load_demo(ledger: &mut Ledger, clock: &dyn Clock) -> Result<String> {
    let summary = ledger.fill_demo(300, 2, 1, clock)?;
    Ok(format!(
        "已载入演示数据：{} 名会员，{} 笔凭证",
        summary.members, summary.entries
    ))
}
