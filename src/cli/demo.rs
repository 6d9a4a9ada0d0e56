//! `demo`: fills a new or empty ledger with demo members and entries.

use std::io::Write;
use std::path::Path;

use clap::Args;

use crate::core::date::Clock;

/// The options of `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// 会员人数（number of members）
    #[arg(long, default_value_t = 300)]
    pub members: usize,
    /// 年数（years of entries, ending today）
    #[arg(long, default_value_t = 2)]
    pub years: u32,
    /// 随机种子（random seed）
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Runs `demo`.
pub fn run(
    _args: &DemoArgs,
    _path: &Path,
    _clock: &dyn Clock,
    _out: &mut dyn Write,
) -> anyhow::Result<()> {
    anyhow::bail!("演示数据尚未接入")
}
