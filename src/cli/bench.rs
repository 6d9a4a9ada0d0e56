//! `bench`: builds a large ledger and times the queries the window relies on.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use crate::core::date::Clock;

/// The options of `bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// 会员人数（members）
    #[arg(long, default_value_t = 10_000)]
    pub members: usize,
    /// 凭证笔数（entries）
    #[arg(long, default_value_t = 2_000_000)]
    pub entries: usize,
    /// 测试台账所在目录，默认系统临时目录（directory for the bench ledger）
    #[arg(long)]
    pub db_dir: Option<PathBuf>,
}

/// Runs `bench`.
pub fn run(_args: &BenchArgs, _clock: &dyn Clock, _out: &mut dyn Write) -> anyhow::Result<()> {
    anyhow::bail!("尚未实现")
}
