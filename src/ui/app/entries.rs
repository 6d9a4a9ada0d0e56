//! 登记 and 台账: saving, checking and reversing entries.

use super::*;

impl LedgerApp {
    /// 登记 and 台账: saving, checking and reversing entries.
    pub(super) fn apply_entries(&mut self, command: Command) -> Outcome {
        let Some(session) = self.session.as_mut() else {
            return Outcome::Quiet;
        };
        let clock = self.clock.as_ref();
        match command {
            Command::AddEntry(entry, extras) => {
                match session.ledger.add_entry_with(&entry, &extras, clock) {
                    Ok(saved) => {
                        self.entry.saved(&saved);
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
                        self.entry.failed(&error);
                        Outcome::Failed(error.to_string())
                    }
                }
            }
            Command::CheckEntry { entry, event } => {
                let findings = session
                    .ledger
                    .check_entry(&entry, &event)
                    .map_err(|e| e.to_string());
                self.entry.checked(findings);
                Outcome::Quiet
            }
            Command::ReverseEntry {
                entry_id,
                reason,
                date,
            } => {
                let handler = session.data.handler.clone();
                match session
                    .ledger
                    .reverse_entry(entry_id, &reason, date, &handler, clock)
                {
                    Ok(reversal) => {
                        self.ledger_view.reversal = None;
                        Outcome::Done(format!("已冲销，冲销凭证 {}", reversal.voucher_no()))
                    }
                    Err(error) => {
                        if let Some(dialog) = self.ledger_view.reversal.as_mut() {
                            dialog.error = Some(error.to_string());
                        }
                        Outcome::Failed(error.to_string())
                    }
                }
            }
            // Routed to their own domains by `apply`.
            _ => Outcome::Quiet,
        }
    }
}
