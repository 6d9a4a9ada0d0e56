//! 登记 and 台账: saving, checking and reversing entries.

use super::jobs::Work;
use super::*;

impl LedgerApp {
    /// 登记 and 台账: saving, checking and reversing entries.
    pub(super) fn apply_entries(&mut self, command: Command) -> Outcome {
        match command {
            Command::AddEntry(entry, extras) => self.lend(
                Work::write("正在保存凭证", false),
                move |ledger, clock, _| ledger.add_entry_with(&entry, &extras, clock),
                |app, result| match result {
                    Ok(saved) => {
                        app.entry.saved(&saved);
                        Outcome::Done(if saved.override_reason.is_empty() {
                            format!("已保存凭证 {}", saved.voucher_no())
                        } else {
                            format!(
                                "已保存凭证 {}（超标准发放，已记录说明和审批）",
                                saved.voucher_no()
                            )
                        })
                    }
                    Err(error) => {
                        app.entry.failed(&error);
                        Outcome::Failed(error.to_string())
                    }
                },
            ),
            Command::CheckEntry { entry, event } => self.lend(
                Work::upkeep(),
                move |ledger, _, _| ledger.check_entry(&entry, &event),
                |app, findings| {
                    app.entry.checked(findings.map_err(|e| e.to_string()));
                    Outcome::Quiet
                },
            ),
            Command::ReverseEntry {
                entry_id,
                reason,
                date,
            } => {
                let handler = self.handler();
                self.lend(
                    Work::write("正在冲销", false),
                    move |ledger, clock, _| {
                        ledger.reverse_entry(entry_id, &reason, date, &handler, clock)
                    },
                    |app, result| match result {
                        Ok(reversal) => {
                            app.ledger_view.reversal = None;
                            Outcome::Done(format!("已冲销，冲销凭证 {}", reversal.voucher_no()))
                        }
                        Err(error) => {
                            if let Some(dialog) = app.ledger_view.reversal.as_mut() {
                                dialog.error = Some(error.to_string());
                            }
                            Outcome::Failed(error.to_string())
                        }
                    },
                )
            }
            // Routed to their own domains by `apply`.
            _ => Outcome::Quiet,
        }
    }
}
