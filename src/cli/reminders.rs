//! `reminders`: what the clerk should do soon (待办), as 首页 shows it.

use std::io::Write;
use std::path::Path;

use clap::Args;
use serde::Serialize;

use super::{OutputFormat, write_json};
use crate::core::date::{Clock, format_date};
use crate::core::reminders::Reminder;

/// The options of `reminders`.
#[derive(Debug, Args)]
pub struct RemindersArgs {
    /// 输出格式（output format）
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// A reminder as `reminders --format json` writes it: its kind and figures, and the
/// line the clerk reads.
#[derive(Debug, Serialize)]
struct ReminderJson<'a> {
    text: String,
    #[serde(flatten)]
    reminder: &'a Reminder,
}

/// Runs `reminders` for today.
pub fn run(
    args: &RemindersArgs,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let today = clock.today();
    let ledger = super::open_ledger(path, clock)?;
    let reminders = ledger.reminders(today)?;
    match args.format {
        OutputFormat::Json => {
            let rows: Vec<ReminderJson> = reminders
                .iter()
                .map(|reminder| ReminderJson {
                    text: reminder.text(today),
                    reminder,
                })
                .collect();
            write_json(out, &rows)
        }
        OutputFormat::Text => {
            if reminders.is_empty() {
                writeln!(out, "{} 没有待办事项。", format_date(today))?;
                return Ok(());
            }
            writeln!(
                out,
                "待办（{}，共 {} 项）：",
                format_date(today),
                reminders.len()
            )?;
            for (index, reminder) in reminders.iter().enumerate() {
                writeln!(out, "{}. {}", index + 1, reminder.text(today))?;
            }
            Ok(())
        }
    }
}
