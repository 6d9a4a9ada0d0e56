//! 互助保障: plans, enrolment, claims and their scans.

use super::jobs::{LONG_WORK, Work};
use super::*;
use crate::core::money::format_fen;
use crate::ui::screens::insurance::{claim_text, enrol_text};

impl LedgerApp {
    /// 互助保障: a scan picked or typed is read here (the file dialog and the disk
    /// belong to the app); everything else is applied by the insurance screen.
    pub(super) fn apply_insurance(&mut self, command: InsuranceCommand) -> Outcome {
        match command {
            InsuranceCommand::PickAttachment { claim_id, kind } => {
                match self.dialogs.pick_attachment() {
                    Some(path) => {
                        return self.apply_insurance(InsuranceCommand::AttachFrom {
                            claim_id,
                            kind,
                            path,
                        });
                    }
                    // No system dialog on this desktop (or cancelled): typed instead.
                    None => {
                        self.insurance.claims.attach_path =
                            Some(crate::ui::screens::insurance_claims::AttachPath {
                                claim_id,
                                kind,
                                path: String::new(),
                                error: None,
                            });
                    }
                }
                Outcome::Quiet
            }
            InsuranceCommand::AttachFrom {
                claim_id,
                kind,
                path,
            } => match std::fs::read(&path) {
                Ok(bytes) => {
                    let file_name = path.file_name().map_or_else(
                        || path.display().to_string(),
                        |name| name.to_string_lossy().into_owned(),
                    );
                    self.apply_insurance(InsuranceCommand::Attach {
                        claim_id,
                        kind,
                        file_name,
                        bytes,
                    })
                }
                Err(error) => {
                    self.error_dialog = Some(format!(
                        "无法读取“{}”：{}",
                        path.display(),
                        crate::print::io_error_text(&error)
                    ));
                    Outcome::Quiet
                }
            },
            command => self.apply_claims(command),
        }
    }

    /// Plans, enrolment and claims: errors also show beside the form they came from.
    fn apply_claims(&mut self, command: InsuranceCommand) -> Outcome {
        let today = self.clock.today();
        let handler = self.handler();
        match command {
            InsuranceCommand::Load => {
                let query = self.insurance.view_query();
                self.lend(
                    Work::read("正在读取互助保障", false),
                    move |ledger, _, _| query.read(ledger, today),
                    move |app, result| match result {
                        Ok(read) => {
                            app.insurance.take_view(read, today);
                            Outcome::Quiet
                        }
                        Err(error) => Outcome::Failed(error.to_string()),
                    },
                )
            }
            InsuranceCommand::AddPlan(draft) => {
                let name = draft.name.trim().to_string();
                self.lend(
                    Work::write("正在添加计划", false),
                    move |ledger, clock, _| ledger.add_plan(&draft, clock),
                    move |app, result| match result {
                        Ok(_) => {
                            app.insurance.plan_added();
                            Outcome::Done(format!("已添加互助保障计划“{name}”"))
                        }
                        Err(error) => {
                            app.insurance.plan_form.error = Some(error.to_string());
                            Outcome::Failed(error.to_string())
                        }
                    },
                )
            }
            InsuranceCommand::Enrol(spec) => {
                // A whole staff enrolled at once is long work even on a file.
                let long = self.insurance.enrol.group.picked.len() >= LONG_WORK
                    || self
                        .session
                        .as_ref()
                        .is_some_and(|s| s.data.members.len() >= LONG_WORK);
                self.lend(
                    Work::write("正在办理参保", long),
                    move |ledger, clock, progress| ledger.enrol_counted(&spec, clock, progress),
                    |app, result| match result {
                        Ok(summary) => {
                            let message = enrol_text(&summary);
                            app.insurance.enrolled(summary);
                            Outcome::Done(message)
                        }
                        Err(error) => {
                            app.insurance.enrol.error = Some(error.to_string());
                            Outcome::Failed(error.to_string())
                        }
                    },
                )
            }
            InsuranceCommand::AddClaim(claim) => self.lend(
                Work::write("正在登记理赔", false),
                move |ledger, clock, _| ledger.add_claim(&claim, clock),
                |app, result| match result {
                    Ok(saved) => {
                        app.insurance.claims.registered(&saved);
                        Outcome::Done(format!(
                            "已登记理赔：{} {}，计算赔付 {} 元",
                            saved.name,
                            saved.facts.illness,
                            format_fen(saved.computed.amount_fen)
                        ))
                    }
                    Err(error) => {
                        app.insurance.claims.form.error = Some(error.to_string());
                        Outcome::Failed(error.to_string())
                    }
                },
            ),
            InsuranceCommand::SetDocument {
                claim_id,
                kind,
                present,
            } => self.claim_action(move |ledger, _| {
                ledger
                    .set_claim_document(claim_id, kind, present)
                    .map(|()| {
                        if present {
                            format!("已勾选材料：{}", kind.label())
                        } else {
                            format!("已取消材料：{}", kind.label())
                        }
                    })
            }),
            // Read from the disk by `apply_insurance` first.
            InsuranceCommand::PickAttachment { .. } | InsuranceCommand::AttachFrom { .. } => {
                Outcome::Quiet
            }
            InsuranceCommand::Attach {
                claim_id,
                kind,
                file_name,
                bytes,
            } => self.claim_action(move |ledger, clock| {
                ledger
                    .attach_claim_file(claim_id, kind, &file_name, &bytes, clock)
                    .map(|_| format!("已附加扫描件“{file_name}”（{}）", kind.label()))
            }),
            InsuranceCommand::Submit { claim_id, date } => {
                self.claim_action(move |ledger, clock| {
                    ledger
                        .submit_claim(claim_id, date, clock)
                        .map(|claim| claim_text("已提交", &claim))
                })
            }
            InsuranceCommand::Approve {
                claim_id,
                amount_fen,
                date,
            } => self.claim_action(move |ledger, clock| {
                ledger
                    .approve_claim(claim_id, amount_fen, date, clock)
                    .map(|claim| claim_text("已核定", &claim))
            }),
            InsuranceCommand::Pay { claim_id, date } => self.claim_action(move |ledger, clock| {
                ledger
                    .pay_claim(claim_id, date, &handler, clock)
                    .map(|claim| {
                        format!(
                            "{}，凭证 {}",
                            claim_text("已支付", &claim),
                            claim.paid_voucher
                        )
                    })
            }),
            InsuranceCommand::Reject {
                claim_id,
                reason,
                date,
            } => self.claim_action(move |ledger, clock| {
                ledger
                    .reject_claim(claim_id, &reason, date, clock)
                    .map(|claim| format!("已驳回 {} {} 的理赔", claim.name, claim.facts.illness))
            }),
        }
    }

    /// A step on a claim (documents, scans, submit, approve, pay, reject); its error
    /// shows in the claim's detail panel.
    fn claim_action(
        &mut self,
        step: impl FnOnce(&mut Ledger, &dyn Clock) -> crate::store::Result<String> + Send + 'static,
    ) -> Outcome {
        self.lend(
            Work::write("正在办理理赔", false),
            move |ledger, clock, _| step(ledger, clock),
            |app, result| claim_outcome(&mut app.insurance, result),
        )
    }
}

/// A claim action's result; its error shows in the claim's detail panel.
fn claim_outcome(screen: &mut InsuranceScreen, result: crate::store::Result<String>) -> Outcome {
    match result {
        Ok(message) => {
            screen.claims.actions.error = None;
            Outcome::Done(message)
        }
        Err(error) => {
            screen.claims.actions.error = Some(error.to_string());
            Outcome::Failed(error.to_string())
        }
    }
}
