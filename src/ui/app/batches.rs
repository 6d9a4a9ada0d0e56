//! 节日慰问: previewing, committing and reversing batches.

use super::jobs::{LONG_WORK, Work};
use super::*;
use crate::core::money::format_fen;

impl LedgerApp {
    /// Errors also show beside the batch form, or in the reversal dialog.
    pub(super) fn apply_batch(&mut self, command: BatchCommand) -> Outcome {
        match command {
            BatchCommand::Preview(spec) => self.lend(
                Work::read("正在预览批次", false),
                {
                    let spec = spec.clone();
                    move |ledger, clock, _| {
                        let preview = ledger.preview_batch(&spec, clock)?;
                        Ok((preview, ledger.duplicate_window_days()?))
                    }
                },
                move |app, result| match result {
                    Ok((preview, window_days)) => {
                        app.batches.error = None;
                        app.batches.set_preview(spec, preview, window_days);
                        Outcome::Quiet
                    }
                    Err(error) => {
                        app.batches.error = Some(error.to_string());
                        Outcome::Failed(error.to_string())
                    }
                },
            ),
            BatchCommand::Commit(spec) => {
                self.batches.confirm = false;
                // A batch to thousands is long work even on a file.
                let long = self
                    .batches
                    .preview_count()
                    .is_some_and(|count| count >= LONG_WORK);
                self.lend(
                    Work::write("正在提交批次", long),
                    move |ledger, clock, progress| {
                        ledger.commit_batch_counted(&spec, clock, progress)
                    },
                    |app, result| match result {
                        Ok(batch) => {
                            app.batches.committed();
                            Outcome::Done(format!(
                                "已提交批次 {}：发放 {} 人，合计 {} 元，凭证 {} 至 {}",
                                batch.number(),
                                batch.recipient_count,
                                format_fen(batch.total_fen),
                                batch.first_voucher,
                                batch.last_voucher
                            ))
                        }
                        Err(error) => {
                            app.batches.error = Some(error.to_string());
                            Outcome::Failed(error.to_string())
                        }
                    },
                )
            }
            BatchCommand::Reverse {
                batch_id,
                reason,
                date,
            } => {
                let handler = self.handler();
                self.lend(
                    Work::write("正在整批冲销", false),
                    move |ledger, clock, _| {
                        ledger.reverse_batch(batch_id, &reason, date, &handler, clock)
                    },
                    |app, result| match result {
                        Ok(batch) => {
                            app.batches.reversal = None;
                            Outcome::Done(format!("已整批冲销批次 {}", batch.number()))
                        }
                        Err(error) => {
                            if let Some(dialog) = app.batches.reversal.as_mut() {
                                dialog.error = Some(error.to_string());
                            }
                            Outcome::Failed(error.to_string())
                        }
                    },
                )
            }
            BatchCommand::ShowRecipients(batch_id) => self.lend(
                Work::read("正在读取发放名单", false),
                move |ledger, _, _| ledger.batch_recipients(batch_id),
                move |app, result| match result {
                    Ok(rows) => {
                        app.batches.show_recipients(batch_id, rows);
                        Outcome::Quiet
                    }
                    Err(error) => Outcome::Failed(error.to_string()),
                },
            ),
        }
    }
}
