//! 互助保障: plans, enrolment, claims and their scans.

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
        let Some(session) = self.session.as_mut() else {
            return Outcome::Quiet;
        };
        let ledger = &mut session.ledger;
        let clock = self.clock.as_ref();
        let screen = &mut self.insurance;
        match command {
            InsuranceCommand::Load => match screen.load(ledger, today) {
                Ok(()) => Outcome::Quiet,
                Err(error) => Outcome::Failed(error.to_string()),
            },
            InsuranceCommand::AddPlan(draft) => match ledger.add_plan(&draft, clock) {
                Ok(_) => {
                    screen.plan_added();
                    Outcome::Done(format!("已添加互助保障计划“{}”", draft.name.trim()))
                }
                Err(error) => {
                    screen.plan_form.error = Some(error.to_string());
                    Outcome::Failed(error.to_string())
                }
            },
            InsuranceCommand::Enrol(spec) => match ledger.enrol(&spec, clock) {
                Ok(summary) => {
                    let message = enrol_text(&summary);
                    screen.enrolled(summary);
                    Outcome::Done(message)
                }
                Err(error) => {
                    screen.enrol.error = Some(error.to_string());
                    Outcome::Failed(error.to_string())
                }
            },
            InsuranceCommand::AddClaim(claim) => match ledger.add_claim(&claim, clock) {
                Ok(saved) => {
                    screen.claims.registered(&saved);
                    Outcome::Done(format!(
                        "已登记理赔：{} {}，计算赔付 {} 元",
                        saved.name,
                        saved.facts.illness,
                        format_fen(saved.computed.amount_fen)
                    ))
                }
                Err(error) => {
                    screen.claims.form.error = Some(error.to_string());
                    Outcome::Failed(error.to_string())
                }
            },
            InsuranceCommand::SetDocument {
                claim_id,
                kind,
                present,
            } => claim_action(
                screen,
                ledger
                    .set_claim_document(claim_id, kind, present)
                    .map(|()| {
                        if present {
                            format!("已勾选材料：{}", kind.label())
                        } else {
                            format!("已取消材料：{}", kind.label())
                        }
                    }),
            ),
            // Read from the disk by `apply_insurance` first.
            InsuranceCommand::PickAttachment { .. } | InsuranceCommand::AttachFrom { .. } => {
                Outcome::Quiet
            }
            InsuranceCommand::Attach {
                claim_id,
                kind,
                file_name,
                bytes,
            } => claim_action(
                screen,
                ledger
                    .attach_claim_file(claim_id, kind, &file_name, &bytes, clock)
                    .map(|_| format!("已附加扫描件“{file_name}”（{}）", kind.label())),
            ),
            InsuranceCommand::Submit { claim_id, date } => claim_action(
                screen,
                ledger
                    .submit_claim(claim_id, date, clock)
                    .map(|claim| claim_text("已提交", &claim)),
            ),
            InsuranceCommand::Approve {
                claim_id,
                amount_fen,
                date,
            } => claim_action(
                screen,
                ledger
                    .approve_claim(claim_id, amount_fen, date, clock)
                    .map(|claim| claim_text("已核定", &claim)),
            ),
            InsuranceCommand::Pay { claim_id, date } => claim_action(
                screen,
                ledger
                    .pay_claim(claim_id, date, &session.data.handler, clock)
                    .map(|claim| {
                        format!(
                            "{}，凭证 {}",
                            claim_text("已支付", &claim),
                            claim.paid_voucher
                        )
                    }),
            ),
            InsuranceCommand::Reject {
                claim_id,
                reason,
                date,
            } => claim_action(
                screen,
                ledger
                    .reject_claim(claim_id, &reason, date, clock)
                    .map(|claim| format!("已驳回 {} {} 的理赔", claim.name, claim.facts.illness)),
            ),
        }
    }
}

/// A claim action's result; its error shows in the claim's detail panel.
fn claim_action(screen: &mut InsuranceScreen, result: crate::store::Result<String>) -> Outcome {
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
