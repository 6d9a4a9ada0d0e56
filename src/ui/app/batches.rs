//! 节日慰问: previewing, committing and reversing batches.

use super::*;
use crate::core::money::format_fen;

impl LedgerApp {
    /// Errors also show beside the batch form, or in the reversal dialog.
    pub(super) fn apply_batch(&mut self, command: BatchCommand) -> Outcome {
        let Some(session) = self.session.as_mut() else {
            return Outcome::Quiet;
        };
        let ledger = &mut session.ledger;
        let clock = self.clock.as_ref();
        let screen = &mut self.batches;
        match command {
            BatchCommand::Preview(spec) => match ledger
                .preview_batch(&spec, clock)
                .and_then(|preview| Ok((preview, ledger.duplicate_window_days()?)))
            {
                Ok((preview, window_days)) => {
                    screen.error = None;
                    screen.set_preview(spec, preview, window_days);
                    Outcome::Quiet
                }
                Err(error) => {
                    screen.error = Some(error.to_string());
                    Outcome::Failed(error.to_string())
                }
            },
            BatchCommand::Commit(spec) => {
                screen.confirm = false;
                match ledger.commit_batch(&spec, clock) {
                    Ok(batch) => {
                        screen.committed();
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
                        screen.error = Some(error.to_string());
                        Outcome::Failed(error.to_string())
                    }
                }
            }
            BatchCommand::Reverse {
                batch_id,
                reason,
                date,
            } => {
                match ledger.reverse_batch(batch_id, &reason, date, &session.data.handler, clock) {
                    Ok(batch) => {
                        screen.reversal = None;
                        Outcome::Done(format!("已整批冲销批次 {}", batch.number()))
                    }
                    Err(error) => {
                        if let Some(dialog) = screen.reversal.as_mut() {
                            dialog.error = Some(error.to_string());
                        }
                        Outcome::Failed(error.to_string())
                    }
                }
            }
            BatchCommand::ShowRecipients(batch_id) => match ledger.batch_recipients(batch_id) {
                Ok(rows) => {
                    screen.show_recipients(batch_id, rows);
                    Outcome::Quiet
                }
                Err(error) => Outcome::Failed(error.to_string()),
            },
        }
    }
}
