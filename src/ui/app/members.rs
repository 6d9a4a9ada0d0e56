//! 会员: the register and roster imports.

use super::*;

impl LedgerApp {
    /// 会员: the register and roster imports.
    pub(super) fn apply_members(&mut self, command: Command) -> Outcome {
        match command {
            Command::PickRoster => {
                if let Some(path) = self.dialogs.pick_roster() {
                    self.members.import.path = path.display().to_string();
                    return self.apply_members(Command::PreviewRoster(path));
                }
                return Outcome::Quiet;
            }
            Command::PreviewRoster(path) => {
                self.members.import.preview =
                    Some(crate::import::read_roster(&path).map_err(|e| e.to_string()));
                return Outcome::Quiet;
            }
            _ => {}
        }
        let Some(session) = self.session.as_mut() else {
            return Outcome::Quiet;
        };
        let clock = self.clock.as_ref();
        let result =
            match command {
                Command::AddMember(draft) => session.ledger.add_member(&draft, clock).map(|_| {
                    self.members.editor = None;
                    format!("已添加会员 {}（{}）", draft.name, draft.employee_no)
                }),
                Command::UpdateMember(id, draft) => {
                    session.ledger.update_member(id, &draft, clock).map(|()| {
                        self.members.editor = None;
                        format!("已保存会员 {}", draft.name)
                    })
                }
                Command::ImportMembers(drafts) => session
                    .ledger
                    .upsert_members(&drafts, clock)
                    .map(|summary| {
                        self.members.import = Default::default();
                        format!(
                            "名册已导入：新增 {} 人，更新 {} 人，未变 {} 人",
                            summary.added, summary.updated, summary.unchanged
                        )
                    }),
                // Routed to their own domains by `apply`.
                _ => return Outcome::Quiet,
            };
        Outcome::of(result.map_err(|e| e.to_string()))
    }
}
