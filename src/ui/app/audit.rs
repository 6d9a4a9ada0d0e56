//! 审计: verify, the change log, closing periods, backups.

use super::*;

impl LedgerApp {
    /// 审计: verify, the change log, closing and reopening periods, a backup now.
    pub(super) fn apply_audit(&mut self, command: AuditCommand) -> Outcome {
        let Some(session) = self.session.as_mut() else {
            return Outcome::Quiet;
        };
        let clock = self.clock.as_ref();
        let result = match command {
            AuditCommand::Verify => match session.ledger.verify() {
                Ok(report) => {
                    let message = report.summary();
                    session.take_check(&report);
                    self.audit.chain = Some(report);
                    self.audit.chain_outdated = false;
                    Ok(message)
                }
                Err(error) => Err(error),
            },
            AuditCommand::LoadLog(text) => {
                let filter = crate::store::LogFilter {
                    text,
                    limit: 500,
                    ..Default::default()
                };
                match session.ledger.change_log(&filter) {
                    Ok(rows) => {
                        self.audit.message = Some(format!("共 {} 条（最新的在前）", rows.len()));
                        self.audit.log = Some(rows);
                        return Outcome::Quiet;
                    }
                    Err(error) => Err(error),
                }
            }
            AuditCommand::Close { period, note } => {
                session.ledger.close_period(period, &note).map(|closed| {
                    // The log has a new row: the head shown is no longer the head.
                    self.audit.chain_outdated = true;
                    format!("已结账：{}", closed.period.label_with_dates())
                })
            }
            AuditCommand::Reopen { id, reason } => {
                session.ledger.reopen_period(id, &reason).map(|opened| {
                    self.audit.reopen_reason.clear();
                    self.audit.chain_outdated = true;
                    format!("已反结账：{}", opened.period.label())
                })
            }
            // A copy of a file found damaged must not push a good backup out.
            AuditCommand::BackupNow
                if session
                    .data
                    .chain
                    .as_ref()
                    .is_some_and(|chain| chain.damaged.is_some()) =>
            {
                Err(crate::store::StoreError::invalid(
                    "备份",
                    "文件已损坏，不做备份（以免挤掉完好的备份）；请从 backups 文件夹中的备份恢复",
                ))
            }
            AuditCommand::BackupNow => {
                session
                    .ledger
                    .automatic_backup("手动", clock.now())
                    .map(|path| match path {
                        Some(path) => format!("已备份到：{}", path.display()),
                        None => "内存中的台账无需备份".to_string(),
                    })
            }
        };
        Outcome::of(result.map_err(|e| e.to_string()))
    }
}
