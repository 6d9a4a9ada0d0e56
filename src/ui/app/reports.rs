//! 报表: previewing, saving and printing forms.

use super::jobs::Work;
use super::*;

impl LedgerApp {
    /// The form 保存 and 打印 act on: the consolidated one on 汇总, else 报表's preview.
    fn printed_form(&self) -> Option<&crate::core::forms::Form> {
        if self.screen == Screen::Consolidation {
            self.consolidation.form.as_ref()
        } else {
            self.reports.preview.as_ref().map(|(_, form)| form)
        }
    }

    /// Starts laying the previewed form out as PDF on a worker thread.
    pub(super) fn start_pdf(&mut self, target: PathBuf, open_when_done: bool) {
        let Some(form) = self.printed_form() else {
            return;
        };
        let form = form.clone();
        let rows = form.tables().map(|table| table.rows.len()).sum();
        let options = crate::print::PrintOptions::beside(&self.db_path);
        let (sender, done) = std::sync::mpsc::channel();
        let path = target.clone();
        std::thread::spawn(move || {
            let outcome = crate::print::render_pdf(&form, &options)
                .map_err(|error| error.to_string())
                .and_then(|bytes| {
                    crate::print::write_file_whole(&path, &bytes).map_err(|error| error.to_string())
                });
            let _ = sender.send(outcome);
        });
        self.reports.job = Some(RenderJob {
            label: format!(
                "{} PDF",
                self.printed_form().map_or("", |f| f.title.as_str())
            ),
            target,
            open_when_done,
            done,
            rows,
            started: std::time::Instant::now(),
        });
    }

    pub(super) fn apply_report(&mut self, command: ReportCommand) {
        let today = self.clock.today();
        match command {
            ReportCommand::Preview(request) => {
                self.lend(
                    Work::read("正在生成报表", false),
                    move |ledger, _, _| ledger.form(&request, today),
                    move |app, result| {
                        match result {
                            Ok(form) => app.reports.show_form(request, form),
                            Err(error) => app.reports.problem = Some(error.to_string()),
                        }
                        Outcome::Quiet
                    },
                );
            }
            ReportCommand::PreviewVoucher(voucher) => {
                self.lend(
                    Work::read("正在生成凭证", false),
                    move |ledger, _, _| {
                        let entry = ledger.entry_by_voucher(&voucher)?;
                        let request =
                            crate::core::forms::FormRequest::Voucher { entry_id: entry.id };
                        let form = ledger.form(&request, today)?;
                        Ok((request, form))
                    },
                    |app, made| {
                        match made {
                            Ok((request, form)) => {
                                app.reports.problem = None;
                                app.reports.show_form(request, form);
                            }
                            Err(error) => app.reports.problem = Some(error.to_string()),
                        }
                        Outcome::Quiet
                    },
                );
            }
            ReportCommand::Save(format) => {
                let Some(form) = self.printed_form() else {
                    return;
                };
                let stem = form.file_stem();
                match self.dialogs.save_form(&stem, format) {
                    Some(path) => self.apply_report(ReportCommand::SaveTo(format, path)),
                    // No system dialog on this desktop (or the clerk cancelled it): the
                    // path is typed instead, proposed in the documents folder.
                    None => {
                        let folder = directories::UserDirs::new()
                            .and_then(|dirs| dirs.document_dir().map(Path::to_path_buf))
                            .or_else(|| self.db_path.parent().map(Path::to_path_buf))
                            .unwrap_or_default();
                        let file = folder.join(format!("{stem}.{}", format.extension()));
                        self.reports.save_as = Some(SaveAs {
                            format,
                            path: file.display().to_string(),
                            error: None,
                        });
                    }
                }
            }
            ReportCommand::SaveTo(format, path) => {
                let Some(form) = self.printed_form() else {
                    return;
                };
                if format == crate::print::OutputFormat::Pdf {
                    self.reports.save_as = None;
                    self.start_pdf(path, false);
                    return;
                }
                let written =
                    crate::print::render(form, format, &crate::print::PrintOptions::default())
                        .map_err(|error| error.to_string())
                        .and_then(|bytes| {
                            crate::print::write_file_whole(&path, &bytes)
                                .map_err(|error| error.to_string())
                        });
                match written {
                    Ok(()) => {
                        self.notice = Some(Notice::Info(format!(
                            "已保存 {}：{}",
                            form.title,
                            path.display()
                        )));
                        self.reports.saved.push(path);
                        self.reports.save_as = None;
                    }
                    // Said where the path was typed, else in a dialog.
                    Err(error) => match self.reports.save_as.as_mut() {
                        Some(save_as) => save_as.error = Some(error),
                        None => self.error_dialog = Some(error),
                    },
                }
            }
            ReportCommand::OpenPdf => {
                let Some(form) = self.printed_form() else {
                    return;
                };
                let dir = std::env::temp_dir().join("union-ledger");
                if let Err(error) = std::fs::create_dir_all(&dir) {
                    self.error_dialog =
                        Some(format!("无法创建临时文件夹“{}”：{error}", dir.display()));
                    return;
                }
                let target = dir.join(format!("{}.pdf", form.file_stem()));
                self.start_pdf(target, true);
            }
        }
    }
}
