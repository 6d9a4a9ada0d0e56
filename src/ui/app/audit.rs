//! 审计: verify, the change log, closing periods, backups.

use super::jobs::Work;
use super::*;

impl LedgerApp {
    /// 审计: verify, the change log, closing and reopening periods, a backup now.
    pub(super) fn apply_audit(&mut self, command: AuditCommand) -> Outcome {
        match command {
            AuditCommand::Verify => self.lend(
                Work::read("正在校验变更日志", true),
                |ledger, _, progress| ledger.verify_counted(progress),
                |app, result| match result {
                    Ok(report) => {
                        let message = report.summary();
                        app.take_check(&report);
                        app.audit.chain = Some(report);
                        app.audit.chain_outdated = false;
                        Outcome::Done(message)
                    }
                    Err(error) => Outcome::Failed(error.to_string()),
                },
            ),
            AuditCommand::LoadLog(text) => self.lend(
                Work::read("正在读取变更日志", false),
                move |ledger, _, _| {
                    ledger.change_log(&crate::store::LogFilter {
                        text,
                        limit: 500,
                        ..Default::default()
                    })
                },
                |app, result| match result {
                    Ok(rows) => {
                        app.audit.message = Some(format!("共 {} 条（最新的在前）", rows.len()));
                        app.audit.log = Some(rows);
                        Outcome::Quiet
                    }
                    Err(error) => Outcome::Failed(error.to_string()),
                },
            ),
            AuditCommand::Close { period, note } => self.lend(
                Work::write("正在结账", false),
                move |ledger, _, _| ledger.close_period(period, &note),
                |app, result| {
                    Outcome::of(result.map_err(|e| e.to_string()).map(|closed| {
                        // The log has a new row: the head shown is no longer the head.
                        app.audit.chain_outdated = true;
                        format!("已结账：{}", closed.period.label_with_dates())
                    }))
                },
            ),
            AuditCommand::Reopen { id, reason } => self.lend(
                Work::write("正在反结账", false),
                move |ledger, _, _| ledger.reopen_period(id, &reason),
                |app, result| {
                    Outcome::of(result.map_err(|e| e.to_string()).map(|opened| {
                        app.audit.reopen_reason.clear();
                        app.audit.chain_outdated = true;
                        format!("已反结账：{}", opened.period.label())
                    }))
                },
            ),
            AuditCommand::ExportSnapshot(period) => {
                let target = self.snapshot_target(period);
                self.lend(
                    Work::read("正在导出上报快照", true),
                    move |ledger, clock, _| {
                        ledger.export_snapshot(period, &target, clock).map(|m| (m, target))
                    },
                    |_, result| {
                        Outcome::of(result.map_err(|e| e.to_string()).map(|(manifest, target)| {
                            format!(
                                "已导出 {} 上报快照：{}（链头 {}）",
                                manifest.period_label,
                                target.display(),
                                &manifest.head[..16]
                            )
                        }))
                    },
                )
            }
            // A copy of a file found damaged must not push a good backup out.
            AuditCommand::BackupNow
                if self
                    .session
                    .as_ref()
                    .and_then(|session| session.data.chain.as_ref())
                    .is_some_and(|chain| chain.damaged.is_some()) =>
            {
                Outcome::Failed(
                    crate::store::StoreError::invalid(
                        "备份",
                        "文件已损坏，不做备份（以免挤掉完好的备份）；请从 backups 文件夹中的备份恢复",
                    )
                    .to_string(),
                )
            }
            AuditCommand::BackupNow => self.lend(
                Work::read("正在备份", true),
                |ledger, clock, progress| ledger.automatic_backup_counted("手动", clock.now(), progress),
                |_, result| {
                    Outcome::of(result.map_err(|e| e.to_string()).map(|path| match path {
                        Some(path) => format!("已备份到：{}", path.display()),
                        None => "内存中的台账无需备份".to_string(),
                    }))
                },
            ),
        }
    }

    /// Where a snapshot goes: `上报/工会名-期间.db` beside the ledger file (beside the
    /// documents folder for one on a server), with the time added if that file exists.
    fn snapshot_target(&self, period: Period) -> PathBuf {
        let folder = match crate::store::server_address(&self.db_path) {
            Some(_) => directories::UserDirs::new()
                .and_then(|dirs| dirs.document_dir().map(Path::to_path_buf))
                .unwrap_or_default(),
            None => self
                .db_path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
        }
        .join("上报");
        let union = self
            .session
            .as_ref()
            .map(|s| s.data.union_name.clone())
            .unwrap_or_default()
            .chars()
            .map(|ch| if "/\\:*?\"<>| ".contains(ch) { '_' } else { ch })
            .collect::<String>();
        let stem = format!("{union}-{}", period.label());
        let plain = folder.join(format!("{stem}.db"));
        if !plain.exists() {
            return plain;
        }
        folder.join(format!(
            "{stem}-{}.db",
            self.clock.now().format("%Y%m%d-%H%M%S")
        ))
    }
}
