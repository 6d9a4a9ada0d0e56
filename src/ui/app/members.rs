//! 会员: the register and roster imports.

use super::jobs::{LONG_WORK, Work};
use super::*;

impl LedgerApp {
    /// 会员: the register and roster imports.
    pub(super) fn apply_members(&mut self, command: Command) -> Outcome {
        match command {
            Command::PickRoster => {
                if let Some(path) = self.dialogs.pick_roster() {
                    self.members.import.path = path.display().to_string();
                    // Another file: every sheet with a header again.
                    self.members.import.sheet = crate::import::SheetChoice::Recognised;
                    return self.apply_members(Command::PreviewRoster(
                        path,
                        crate::import::SheetChoice::Recognised,
                    ));
                }
                Outcome::Quiet
            }
            Command::PreviewRoster(path, sheet) => {
                self.members.import.preview =
                    Some(crate::import::read_roster_from(&path, &sheet).map_err(|e| e.to_string()));
                Outcome::Quiet
            }
            Command::AddMember(draft) => self.lend(
                Work::write("正在添加会员", false),
                {
                    let draft = draft.clone();
                    move |ledger, clock, _| ledger.add_member(&draft, clock)
                },
                move |app, result| {
                    Outcome::of(result.map_err(|e| e.to_string()).map(|_| {
                        app.members.editor = None;
                        format!("已添加会员 {}（{}）", draft.name, draft.employee_no)
                    }))
                },
            ),
            Command::UpdateMember(id, draft) => {
                let name = draft.name.clone();
                self.lend(
                    Work::write("正在保存会员", false),
                    move |ledger, clock, _| ledger.update_member(id, &draft, clock),
                    move |app, result| {
                        Outcome::of(result.map_err(|e| e.to_string()).map(|()| {
                            app.members.editor = None;
                            format!("已保存会员 {name}")
                        }))
                    },
                )
            }
            Command::ImportMembers(drafts) => self.lend(
                Work::write("正在导入名册", drafts.len() >= LONG_WORK),
                move |ledger, clock, progress| {
                    ledger.upsert_members_counted(&drafts, clock, progress)
                },
                |app, result| {
                    Outcome::of(result.map_err(|e| e.to_string()).map(|summary| {
                        app.members.import = Default::default();
                        format!(
                            "名册已导入：新增 {} 人，更新 {} 人，未变 {} 人",
                            summary.added, summary.updated, summary.unchanged
                        )
                    }))
                },
            ),
            // Routed to their own domains by `apply`.
            _ => Outcome::Quiet,
        }
    }
}
