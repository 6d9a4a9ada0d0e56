//! What a payout may carry on the command line besides its figures: the approval (the
//! 工会委员会 decision) and, when it breaks one of the union's rules, the written reason
//! to save it anyway (超标准说明). Also how the rules' findings are shown: warnings on
//! the warning writer, a refusal with every breach, and the note on a saved override.

use std::io::Write;

use anyhow::{anyhow, bail};
use chrono::NaiveDate;
use clap::Args;

use super::parse_date_option;
use crate::core::date::format_date;
use crate::core::model::{Approval, EntryExtras};
use crate::core::policy::Finding;
use crate::store::StoreError;

/// The options naming the decision that approved a payout.
#[derive(Debug, Args)]
pub struct ApprovalArgs {
    /// 审批：工会委员会决议日期（approval: decision date）
    #[arg(long, value_name = "DATE")]
    pub approval_date: Option<String>,
    /// 审批：会议纪要编号，如 2026-05（approval: minutes number）
    #[arg(long, value_name = "NO")]
    pub minutes: Option<String>,
    /// 审批：批准人，如 张主席（approver）
    #[arg(long, value_name = "NAME")]
    pub approver: Option<String>,
}

/// How to write the approval options in a hint.
const APPROVAL_USAGE: &str = "--approval-date 决议日期 --minutes 纪要编号 [--approver 批准人]";

impl ApprovalArgs {
    /// The approval given, if any. A decision date needs its minutes number and the
    /// other way round; a decision cannot be dated after today.
    pub fn approval(&self, today: NaiveDate) -> anyhow::Result<Option<Approval>> {
        let minutes = self
            .minutes
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty());
        match (&self.approval_date, minutes) {
            (None, None) if self.approver.is_none() => Ok(None),
            (Some(date), Some(minutes)) => {
                let decided_on = parse_date_option("--approval-date", date)?;
                if decided_on > today {
                    bail!(
                        "--approval-date：决议日期 {} 晚于今天（{}）",
                        format_date(decided_on),
                        format_date(today)
                    );
                }
                Ok(Some(Approval {
                    decided_on,
                    minutes_no: minutes.to_string(),
                    approver: self.approver.as_deref().unwrap_or("").trim().to_string(),
                }))
            }
            (Some(_), None) => {
                bail!("--minutes：审批须同时填写会议纪要编号（{APPROVAL_USAGE}）")
            }
            (None, _) => bail!("--approval-date：审批须同时填写决议日期（{APPROVAL_USAGE}）"),
        }
    }

    /// The approval, which the command cannot do without (a holiday batch).
    pub fn required(&self, today: NaiveDate, what: &str) -> anyhow::Result<Approval> {
        self.approval(today)?.ok_or_else(|| {
            anyhow!("--approval-date：{what}必须注明工会委员会的审批（{APPROVAL_USAGE}）")
        })
    }
}

/// The options for saving a payout that breaks a rule, with its approval.
#[derive(Debug, Args)]
pub struct OverrideArgs {
    /// 超标准说明：违反发放规则仍要发放时必填，并须注明审批（written reason to save over a rule）
    #[arg(long, value_name = "TEXT")]
    pub override_reason: Option<String>,
    #[command(flatten)]
    pub approval: ApprovalArgs,
}

impl OverrideArgs {
    /// Looks at what the rules found before saving: warnings go to `err` and do not
    /// stop anything; a breach refuses unless a reason and an approval are given.
    /// Returns what the payout carries.
    pub fn extras(
        &self,
        event: &str,
        findings: &[Finding],
        today: NaiveDate,
        err: &mut dyn Write,
    ) -> anyhow::Result<EntryExtras> {
        write_warnings(err, findings)?;
        let approval = self.approval.approval(today)?;
        let reason = self.override_reason.as_deref().unwrap_or("").trim();
        let breaches: Vec<Finding> = findings.iter().filter(|f| f.is_breach()).cloned().collect();
        if breaches.is_empty() {
            if !reason.is_empty() {
                writeln!(err, "提醒：没有违反发放规则，--override-reason 不作记录")?;
            }
        } else if reason.is_empty() {
            return Err(breach_refusal(&breaches));
        } else if approval.is_none() {
            bail!(
                "--approval-date：超标准发放必须注明审批依据（{APPROVAL_USAGE}）；违反的规则：{}",
                findings_line(&breaches)
            );
        }
        Ok(EntryExtras {
            event: event.trim().to_string(),
            approval,
            override_reason: reason.to_string(),
        })
    }
}

/// Writes every warning (a possible duplicate) as its own line.
pub fn write_warnings(err: &mut dyn Write, findings: &[Finding]) -> anyhow::Result<()> {
    for finding in findings.iter().filter(|f| !f.is_breach()) {
        writeln!(err, "提醒：{finding}")?;
    }
    Ok(())
}

fn findings_line(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(Finding::to_string)
        .collect::<Vec<_>>()
        .join("；")
}

/// The refusal of a payout that breaks the rules: every breach on its own numbered
/// line with its figures, then how to save it anyway.
pub fn breach_refusal(breaches: &[Finding]) -> anyhow::Error {
    let listed: Vec<String> = breaches
        .iter()
        .enumerate()
        .map(|(index, finding)| format!("  {}. {finding}", index + 1))
        .collect();
    anyhow!(
        "违反发放规则（{} 条），未保存：\n{}\n如确需发放，请加 --override-reason “超标准说明” {APPROVAL_USAGE} 重新运行；该笔将标记为超标准，保留说明和违反的规则备查。",
        breaches.len(),
        listed.join("\n")
    )
}

/// Turns the store's refusal over the rules (it checks again inside its transaction)
/// into the same message; other errors pass through.
pub fn refusal(error: StoreError) -> anyhow::Error {
    match error {
        StoreError::PolicyBreach { findings } => breach_refusal(&findings),
        other => other.into(),
    }
}

/// Writes the approval, and when the payout was saved over the rules, that it was
/// marked 超标准 with the reason and the rules it broke.
pub fn write_extras(
    out: &mut dyn Write,
    extras: &EntryExtras,
    findings: &[Finding],
) -> anyhow::Result<()> {
    if let Some(approval) = &extras.approval {
        writeln!(out, "审批：{}", approval.describe())?;
    }
    let breaches: Vec<Finding> = findings.iter().filter(|f| f.is_breach()).cloned().collect();
    if !breaches.is_empty() {
        writeln!(
            out,
            "已标记为超标准，说明：{}；违反的规则：{}",
            extras.override_reason,
            findings_line(&breaches)
        )?;
    }
    Ok(())
}

/// What `--check` prints: each finding of the union's rules on the payout as typed, or
/// that it keeps to all of them; nothing is written.
pub fn write_check(out: &mut dyn Write, findings: &[Finding]) -> anyhow::Result<()> {
    if findings.is_empty() {
        writeln!(out, "规则检查：符合全部发放规则")?;
    } else {
        writeln!(out, "规则检查：")?;
        for finding in findings {
            let kind = if finding.is_breach() {
                "违反"
            } else {
                "提醒"
            };
            writeln!(out, "  {kind}{finding}")?;
        }
    }
    writeln!(out, "（--check：只检查，未写入任何数据）")?;
    Ok(())
}

/// `approval …`
#[derive(Debug, clap::Subcommand)]
pub enum ApprovalCommand {
    /// 列出已记录的决议，最新的在前（list the decisions, newest first）
    List {
        /// 输出格式（output format）
        #[arg(long, value_enum, default_value_t)]
        format: super::OutputFormat,
    },
}

/// A decision as `approval list --format json` writes it.
#[derive(Debug, serde::Serialize)]
struct ApprovalJson {
    approval_id: i64,
    decided_on: String,
    minutes_no: String,
    approver: String,
}

/// Runs an `approval` subcommand.
pub fn run(
    command: ApprovalCommand,
    path: &std::path::Path,
    clock: &dyn crate::core::date::Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let ledger = super::open_ledger(path, clock)?;
    match command {
        ApprovalCommand::List { format } => {
            let approvals = ledger.approvals()?;
            match format {
                super::OutputFormat::Json => super::write_json(
                    out,
                    &approvals
                        .iter()
                        .map(|(id, approval)| ApprovalJson {
                            approval_id: *id,
                            decided_on: format_date(approval.decided_on),
                            minutes_no: approval.minutes_no.clone(),
                            approver: approval.approver.clone(),
                        })
                        .collect::<Vec<_>>(),
                ),
                super::OutputFormat::Text => {
                    if approvals.is_empty() {
                        writeln!(out, "还没有记录任何审批决议")?;
                    }
                    for (_, approval) in &approvals {
                        writeln!(out, "{}", approval.describe())?;
                    }
                    writeln!(
                        out,
                        "录入时写同一决议（日期、纪要编号和批准人都相同）即沿用，不会重复记录"
                    )?;
                    Ok(())
                }
            }
        }
    }
}
