//! 设置: the union, the clerk, funds, categories, the rules and the demo data.

use super::jobs::Work;
use super::*;
use crate::ui::command::PolicyCommand;

impl LedgerApp {
    /// 设置: the union's name, the clerk, funds and opening balances, categories, the
    /// rules, and the demo data.
    pub(super) fn apply_settings(&mut self, command: Command) -> Outcome {
        let policy = matches!(command, Command::Policy(_));
        let work = match command {
            Command::LoadDemo => Work::write("正在生成示例数据", true),
            _ => Work::write("正在保存设置", false),
        };
        self.lend(
            work,
            move |ledger, clock, _| write_setting(command, ledger, clock),
            move |app, result| {
                if policy && result.is_ok() {
                    // The rule's dialog closes once saved.
                    app.settings.rules.saved();
                }
                Outcome::of(result.map_err(|e| e.to_string()))
            },
        )
    }
}

/// The setting that marks a ledger's guided start as done.
pub const GUIDED_START_KEY: &str = "guided_start";

/// Writes one setting; the message tells the clerk what happened.
fn write_setting(
    command: Command,
    ledger: &mut Ledger,
    clock: &dyn Clock,
) -> crate::store::Result<String> {
    match command {
        Command::Policy(command) => apply_policy(command, ledger),
        Command::SetUnionName(name) => ledger
            .set_union_name(&name)
            .map(|()| "已保存工会名称".to_string()),
        Command::SetHandler(name) => ledger
            .set_setting("handler", name.trim())
            .map(|()| "已保存经办人".to_string()),
        Command::AddFund(name) => ledger
            .add_fund(&name)
            .map(|_| format!("已添加资金“{}”", name.trim())),
        Command::UpdateFund {
            id,
            name,
            is_active,
        } => ledger
            .update_fund(id, &name, is_active)
            .map(|()| format!("已保存资金“{}”", name.trim())),
        Command::SetFundOpening {
            fund_id,
            year,
            opening_fen,
        } => ledger
            .set_fund_opening(fund_id, year, opening_fen)
            .map(|()| format!("已保存 {year} 年初余额")),
        Command::AddCategory { parent_id, edit } => ledger
            .add_category(parent_id, &edit)
            .map(|_| format!("已添加类别“{}”", edit.name.trim())),
        // The tag only once the row is saved: a refused row tags nothing.
        Command::UpdateCategory { id, edit, internal } => {
            ledger.update_category(id, &edit)?;
            match internal {
                Some(internal) => {
                    ledger.set_category_internal(id, internal)?;
                    Ok(crate::store::tag_message(edit.name.trim(), internal))
                }
                None => Ok(format!("已保存类别“{}”", edit.name.trim())),
            }
        }
        Command::MoveCategory { id, group_id } => {
            ledger.move_category(id, group_id)?;
            let categories = ledger.categories()?;
            let name = |id: i64| {
                categories
                    .iter()
                    .find(|c| c.id == id)
                    .map_or_else(String::new, |c| c.name.clone())
            };
            Ok(format!("已把“{}”移到分组“{}”", name(id), name(group_id)))
        }
        Command::AddIncomeSource {
            name,
            default_fund_id,
            account_code,
        } => ledger
            .add_income_source(&name, default_fund_id, &account_code)
            .map(|_| format!("已添加收入来源“{}”", name.trim())),
        Command::UpdateIncomeSource {
            id,
            name,
            default_fund_id,
            account_code,
            internal,
        } => {
            ledger.update_income_source(id, &name, default_fund_id, &account_code)?;
            match internal {
                Some(internal) => {
                    ledger.set_source_internal(id, internal)?;
                    Ok(crate::store::tag_message(name.trim(), internal))
                }
                None => Ok(format!("已保存收入来源“{}”", name.trim())),
            }
        }
        // Demo data is for trying the program: no guided start over it.
        Command::LoadDemo => {
            let message = crate::ui::demo::load_demo(ledger, clock)?;
            ledger.set_setting(GUIDED_START_KEY, "done")?;
            Ok(message)
        }
        Command::FinishGuidedStart => ledger
            .set_setting(GUIDED_START_KEY, "done")
            .map(|()| "可以开始记账了：设置随时可在“设置”中修改".to_string()),
        // Routed to their own domains by `apply`; never sent here.
        _ => Ok(String::new()),
    }
}

/// 发放规则 and 走访事由: writes the change; the message tells the clerk what happened.
fn apply_policy(command: PolicyCommand, ledger: &mut Ledger) -> crate::store::Result<String> {
    match command {
        PolicyCommand::ApplyPreset(code) => ledger.apply_preset(&code).map(|summary| {
            let mut message = format!("已套用“{}”：{} 条规则", summary.name, summary.rule_count);
            if !summary.missing_categories.is_empty() {
                message.push_str(&format!(
                    "。本台账没有类别“{}”，涉及这些类别的规则未套用",
                    summary.missing_categories.join("、")
                ));
            }
            message
        }),
        PolicyCommand::AddRule(rule) => ledger
            .add_rule(&rule)
            .map(|_| format!("已添加规则“{}”", rule.name.trim())),
        PolicyCommand::UpdateRule(rule) => ledger
            .update_rule(&rule)
            .map(|()| format!("已保存规则“{}”", rule.name.trim())),
        PolicyCommand::DeleteRule(id) => ledger.delete_rule(id).map(|()| "已删除规则".into()),
        PolicyCommand::SetDuplicateWindow(days) => {
            ledger.set_duplicate_window_days(days).map(|()| {
                if days == 0 {
                    "已关闭重复发放提醒".to_string()
                } else {
                    format!("已保存：相隔 {days} 天内重复发放时提醒")
                }
            })
        }
        PolicyCommand::AddVisitReason(reason) => ledger
            .add_visit_reason(&reason)
            .map(|_| format!("已添加走访事由“{}”", reason.name.trim())),
        PolicyCommand::UpdateVisitReason(reason) => ledger
            .update_visit_reason(&reason)
            .map(|()| format!("已保存走访事由“{}”", reason.name.trim())),
    }
}
