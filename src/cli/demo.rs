//! `demo`: fills a new or empty ledger with the deterministic demo data from
//! `core::demo`, through the same store operation the window's demo button uses.

use std::io::Write;
use std::path::Path;

use anyhow::bail;
use clap::Args;

use crate::core::date::Clock;
use crate::store::Ledger;

/// The options of `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// 会员人数（number of members）
    #[arg(long, default_value_t = 300)]
    pub members: usize,
    /// 年数，截至今天（years of entries, ending today）
    #[arg(long, default_value_t = 2)]
    pub years: u32,
    /// 随机种子，同一种子生成同样的数据（random seed）
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Runs `demo`.
pub fn run(
    args: &DemoArgs,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if args.members == 0 {
        bail!("--members：至少 1 人");
    }
    if args.years == 0 {
        bail!("--years：至少 1 年");
    }
    if args.years > 50 {
        bail!("--years：最多 50 年");
    }
    let mut ledger = Ledger::open_with(path, clock, super::waiting())?;
    let existing = ledger.entry_count()?;
    if existing > 0 {
        bail!("台账中已有 {existing} 笔凭证，demo 只写入空台账");
    }
    let summary = ledger.fill_demo(args.members, args.years, args.seed, clock)?;
    writeln!(
        out,
        "已生成演示数据（种子 {}）：{}",
        args.seed,
        crate::store::location_text(path)
    )?;
    writeln!(out, "会员：{} 人", summary.members)?;
    writeln!(
        out,
        "凭证：{} 笔（{}–{} 年）",
        summary.entries, summary.first_year, summary.last_year
    )?;
    writeln!(out, "期初余额已设在 {} 年。", summary.first_year)?;
    writeln!(out, "近期走访：{} 次。", summary.visits)?;
    writeln!(
        out,
        "互助保障：{} 个计划，本年理赔 {} 笔。",
        ledger.plans()?.len(),
        summary.claims
    )?;
    if let Some(rules) = ledger.rule_set_name()? {
        writeln!(out, "发放规则：{rules}")?;
    }
    Ok(())
}
