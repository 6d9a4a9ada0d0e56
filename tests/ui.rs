//! The window, driven as a clerk drives it: add a member, enter a disbursement, see the
//! balance change, reverse it, import a roster. The harness panics on any character
//! the bundled font cannot draw, and on any input without an accessible name.

#[path = "it/common.rs"]
mod common;
#[path = "support/pg.rs"]
mod pg;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{AccessKitNode, NodeT, Queryable};
use union_ledger::core::batch::BatchGroup;
use union_ledger::core::date::{Clock, FixedClock};
use union_ledger::core::insurance::{
    BenefitRule, Claim, ClaimState, NewClaim, PlanDraft, PlanEligibility, Tier,
};
use union_ledger::core::model::{
    Approval, EntryKind, Gender, HardshipFile, HardshipLevel, MemberDraft, MemberStatus, NewEntry,
    PaymentForm,
};
use union_ledger::core::visit::{NewVisit, VisitGoods, VisitMoney, reason_code};
use union_ledger::store::{EnrolSpec, Ledger};
use union_ledger::ui::app::{Command, LedgerApp, Notice, Screen};
use union_ledger::ui::dialogs::ScriptedDialogs;
use union_ledger::ui::fonts::install_fonts;
use union_ledger::ui::screens::insurance::InsuranceCommand;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
}

fn harness_for(path: &Path, dialogs: ScriptedDialogs) -> Harness<'static, LedgerApp> {
    harness_on(path, dialogs, today())
}

fn harness_on(
    path: &Path,
    dialogs: ScriptedDialogs,
    today: NaiveDate,
) -> Harness<'static, LedgerApp> {
    let path = path.to_path_buf();
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            install_fonts(&cc.egui_ctx);
            LedgerApp::new(
                path,
                Arc::new(FixedClock::at_date(today)),
                Box::new(dialogs),
            )
        });
    wait_for_chain_check(&mut harness);
    harness
}

/// Steps the window until the change-log check started at opening has reported (it
/// runs on a worker thread), so that what 首页 and 审计 show is settled.
fn wait_for_chain_check(harness: &mut Harness<'_, LedgerApp>) {
    for _ in 0..600 {
        harness.step();
        let checking = harness
            .state()
            .session
            .as_ref()
            .is_some_and(|session| session.chain_check.is_some());
        if !checking {
            harness.run();
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("the opening change-log check did not finish within half a minute");
}

fn placeholder(text: &'static str) -> impl Fn(&AccessKitNode<'_>) -> bool {
    move |node| node.data().placeholder() == Some(text)
}

/// Clicks a screen in the navigation bar (drawn first, so first of same-named nodes).
fn nav(harness: &mut Harness<'_, LedgerApp>, screen: &str) {
    harness.get_all_by_label(screen).next().unwrap().click();
    harness.run();
}

/// Types into the text field with this hint, the way a clerk does: focus, then type.
fn type_into(harness: &mut Harness<'_, LedgerApp>, hint: &'static str, text: &str) {
    harness.get_by(placeholder(hint)).focus();
    harness.run();
    harness.get_by(placeholder(hint)).type_text(text);
    harness.run();
}

/// Masks the ledger file's path in the status bar: it differs from machine to machine.
fn mask_path(harness: &mut Harness<'_, LedgerApp>) {
    let label = harness.get_by_label_contains("台账文件：").rect();
    // The right half of the status bar, where the (temporary) path is shown.
    let middle = harness.ctx.content_rect().center().x;
    harness.mask(egui::Rect::from_x_y_ranges(
        middle..=4000.0,
        label.y_range(),
    ));
}

/// Replaces the text of the field with this hint.
fn retype(harness: &mut Harness<'_, LedgerApp>, hint: &'static str, text: &str) {
    harness.get_by(placeholder(hint)).focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by(placeholder(hint)).type_text(text);
    harness.run();
}

fn notice(harness: &Harness<'_, LedgerApp>) -> String {
    match &harness.state().notice {
        Some(Notice::Info(text)) | Some(Notice::Error(text)) => text.clone(),
        None => String::new(),
    }
}

fn welfare_balance(harness: &Harness<'_, LedgerApp>) -> i64 {
    let data = &harness.state().session.as_ref().unwrap().data;
    data.balances
        .iter()
        .find(|b| b.fund_name == "慰问金")
        .unwrap()
        .closing_fen
}

fn temp_ledger() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    (dir, path)
}

#[test]
fn add_member_enter_disbursement_and_reverse_it() {
    let (_dir, path) = temp_ledger();
    let mut harness = harness_for(&path, ScriptedDialogs::default());

    // Add a member from the register.
    nav(&mut harness, "会员");
    harness.get_by_label("新增会员").click();
    harness.run();
    type_into(&mut harness, "工号（必填）", "A1024");
    type_into(&mut harness, "姓名（必填）", "张三丰");
    type_into(&mut harness, "如 内科", "内科");
    harness.get_by_label("保存").click();
    harness.run();
    assert_eq!(notice(&harness), "已添加会员 张三丰（A1024）");
    harness.get_by_label("张三丰");

    // Some income first, so the fund has money.
    nav(&mut harness, "登记");
    harness.get_by_label("收入").click();
    harness.run();
    type_into(&mut harness, "如 会费、拨缴经费", "会费");
    harness.run();
    type_into(&mut harness, "如 500", "2000");
    harness.get_by_label("保存（Enter）").click();
    harness.run();
    assert_eq!(notice(&harness), "已保存凭证 2026-000001");
    assert_eq!(welfare_balance(&harness), 200_000);

    // A hospital visit: pinyin initials find the member, the standard amount prefills,
    // Enter saves.
    harness.get_by_label("支出").click();
    harness.run();
    type_into(&mut harness, "姓名、工号或拼音首字母", "zsf");
    harness.run();
    type_into(&mut harness, "如 住院、sbzy、春节", "住院");
    harness.run();
    assert_eq!(harness.state().entry.amount, "500");
    type_into(&mut harness, "如 住院慰问：心内科3床", "住院慰问");
    harness
        .get_by(placeholder("如 住院慰问：心内科3床"))
        .focus();
    harness.key_press(egui::Key::Enter);
    harness.run();
    assert_eq!(notice(&harness), "已保存凭证 2026-000002");
    assert_eq!(welfare_balance(&harness), 150_000);
    harness.get_by_label_contains("已保存凭证 2026-000002。慰问金余额 1,500.00 元");
    let recent = harness.state().recent_rows();
    assert_eq!(recent[0].member_name, "张三丰");
    assert_eq!(recent[0].item_name, "五必访 / 生病住院");

    // Reverse it from the ledger: the reason is required, the balance comes back.
    nav(&mut harness, "台账");
    harness.get_by_label("共 2 笔");
    harness.get_by_label("住院慰问").click();
    harness.run();
    harness.get_by_label("冲销…").click();
    harness.run();
    harness.get_by_label("确认冲销").click();
    harness.run();
    harness.get_by_label("冲销原因：必须填写");
    type_into(&mut harness, "必填，如 金额录错", "重复登记");
    harness.get_by_label("确认冲销").click();
    harness.run();
    assert_eq!(notice(&harness), "已冲销，冲销凭证 2026-000003");
    assert_eq!(welfare_balance(&harness), 200_000);
    harness.get_by_label("共 3 笔");
}

#[test]
fn bad_amount_is_refused_with_the_field_named() {
    let (_dir, path) = temp_ledger();
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    nav(&mut harness, "登记");
    type_into(&mut harness, "如 住院、sbzy、春节", "其他支出");
    type_into(&mut harness, "如 500", "12.345");
    harness.get_by_label("保存（Enter）").click();
    harness.run();
    harness.get_by_label("金额：金额“12.345”超过两位小数（最小单位为分）");
    assert_eq!(
        harness.state().session.as_ref().unwrap().data.entry_count,
        0
    );
}

/// The window on the ledger at `path`, with `roster` picked in 会员 → 导入名册 and
/// previewed.
fn previewing_roster(path: &Path, roster: PathBuf) -> Harness<'static, LedgerApp> {
    let dialogs = ScriptedDialogs {
        rosters: vec![roster],
        ..ScriptedDialogs::default()
    };
    let mut harness = harness_for(path, dialogs);
    nav(&mut harness, "会员");
    harness.get_by_label("导入名册…").click();
    harness.run();
    harness.get_by_label("浏览…").click();
    harness.run();
    harness
}

#[test]
fn import_a_roster_from_the_members_screen() {
    let (_dir, path) = temp_ledger();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/roster_messy_gbk.csv");
    let mut harness = previewing_roster(&path, fixture);
    let preview = harness
        .state()
        .members
        .import
        .preview
        .as_ref()
        .unwrap()
        .as_ref()
        .unwrap();
    let good = preview.rows.len();
    assert!(good >= 5 && !preview.errors.is_empty());
    harness.get_by_label_contains("跳过有错误的行").click();
    harness.run();
    assert_eq!(
        notice(&harness),
        format!("名册已导入：新增 {good} 人，更新 0 人，未变 0 人")
    );
    assert_eq!(
        harness.state().session.as_ref().unwrap().data.members.len(),
        good
    );
    // Search by pinyin initials in the register.
    type_into(
        &mut harness,
        "搜索：姓名、工号或拼音首字母（如 zsf）",
        "zsf",
    );
    harness.run();
    harness.get_by_label_contains("显示 1 人");
    harness.get_by_label("张三丰");
}

#[test]
fn a_workbook_of_two_sheets_lists_them_warns_of_a_lost_zero_and_one_sheet_can_be_chosen() {
    let (_dir, path) = temp_ledger();
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/roster_two_sheets.xlsx");
    let mut harness = previewing_roster(&path, fixture);
    // Every sheet, what became of it, and the row whose 工号 lost its zero.
    harness.get_by_label("在职：表头在第 1 行，可导入 3 人，有错误 1 行");
    harness.get_by_label("退休：表头在第 1 行，可导入 2 人，有错误 1 行");
    harness.get_by_label("说明：没有找到表头（应有“工号”“姓名”两列），未读取");
    harness.get_by_label_contains("工作表“在职”第 3 行，工号“10002”：在表格中是数字");
    harness.get_by_label_contains("工作表“退休”第 3 行，工号“020002”：与工作表“在职”第 5 行");
    // Only the 退休 sheet.
    harness
        .get_by_role_and_label(Role::ComboBox, "工作表")
        .click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "退休").click();
    harness.run();
    harness.get_by_label("在职：未选择，未读取");
    harness.get_by_label("确认导入 3 人").click();
    harness.run();
    assert_eq!(
        notice(&harness),
        "名册已导入：新增 3 人，更新 0 人，未变 0 人"
    );
    let members = &harness.state().session.as_ref().unwrap().data.members;
    assert!(members.iter().all(|m| m.status == MemberStatus::Retired));
}

#[test]
fn a_roster_of_ten_thousand_imports_with_a_progress_bar_while_the_clerk_reads_on() {
    let (dir, path) = temp_ledger();
    let roster = dir.path().join("全院名册.csv");
    let mut text = String::from("工号,姓名,性别,部门,是否会员,会费\n");
    for n in 0..10_000 {
        text.push_str(&format!("P{n:05},职工{n},女,内科,是,已缴\n"));
    }
    std::fs::write(&roster, text).unwrap();
    let mut harness = previewing_roster(&path, roster);
    harness.get_by_label("确认导入 10000 人").click();
    harness.step();
    // The import runs on a worker: the frame came back at once, the status bar
    // shows a bar with the counts, and the members screen waits for it.
    assert!(
        harness.state().is_busy(),
        "the import ran on the window's thread"
    );
    harness.step();
    harness.get_by_label_contains("正在导入名册…");
    assert!(harness.get_by_label("取消").accesskit_node().is_disabled());
    // The counts show once the worker has read how many rows there are.
    step_until(&mut harness, "the counts", |h| {
        h.query_by_label_contains(" / 10000（").is_some() || !h.state().is_busy()
    });
    harness.get_by_label_contains(" / 10000（");
    harness.get_by_role(Role::ProgressIndicator);
    // Meanwhile the clerk reads 首页: moving between screens does not wait for the
    // ledger (the bar stays while the import runs).
    harness.get_all_by_label("首页").next().unwrap().click();
    harness.step();
    assert_eq!(harness.state().screen, Screen::Home);
    if harness.state().is_busy() {
        harness.get_by_label_contains("正在导入名册…");
    }
    settle_work(&mut harness);
    harness.run();
    assert_eq!(
        notice(&harness),
        "名册已导入：新增 10000 人，更新 0 人，未变 0 人"
    );
    assert_eq!(
        harness.state().session.as_ref().unwrap().data.members.len(),
        10_000
    );
}

#[test]
fn a_foreign_file_is_reported_not_replaced() {
    let (dir, _) = temp_ledger();
    let path = dir.path().join("notes.db");
    std::fs::write(&path, "随便一个文件".repeat(30)).unwrap();
    let before = std::fs::read(&path).unwrap();
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    harness.run();
    harness.get_by_label("无法打开台账");
    assert!(
        harness
            .state()
            .open_error
            .as_ref()
            .unwrap()
            .contains("不是工会台账文件")
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(harness.state().screen, Screen::Home);
}

/// Every screen on a demo ledger, compared with the committed snapshots in
/// tests/snapshots (rendered on the CPU through Mesa: WGPU_BACKEND=gl). Update them
/// with UPDATE_SNAPSHOTS=1 after a deliberate change, and look at the new images.
#[test]
fn every_screen_renders_in_chinese() {
    let (_dir, path) = temp_ledger();
    {
        let clock = FixedClock::at_date(today());
        let mut ledger = union_ledger::store::Ledger::open(&path, &clock).unwrap();
        ledger.fill_demo(120, 2, 3, &clock).unwrap();
        ledger.apply_preset("example-strict").unwrap();
        ledger.set_union_name("示例市人民医院工会").unwrap();
        ledger.set_setting("handler", "李会计").unwrap();
        ledger.apply_preset("example-strict").unwrap();
        // Two visits for the 走访 screens: one still in hospital, one retirement gift.
        let members = ledger.members().unwrap();
        let reason = |code: &str| {
            ledger
                .visit_reasons()
                .unwrap()
                .into_iter()
                .find(|r| r.is(code))
                .unwrap()
                .id
        };
        let (illness, retirement) = (
            reason(reason_code::ILLNESS),
            reason(reason_code::RETIREMENT),
        );
        let hospital = NewVisit {
            member_id: members[3].id,
            reason_id: illness,
            relation: String::new(),
            date: NaiveDate::from_ymd_opt(2026, 6, 22).unwrap(),
            place: "市一院 心内科3床".to_string(),
            visitors: "王主席、李会计".to_string(),
            detail: "冠心病".to_string(),
            note: String::new(),
            money: Some(VisitMoney {
                amount_fen: 50_000,
                payment_form: union_ledger::core::model::PaymentForm::Cash,
            }),
            goods: Some(VisitGoods {
                description: "鲜花、水果".to_string(),
                value_fen: 15_000,
            }),
            fund_id: None,
            stays_open: true,
            handler: "李会计".to_string(),
        };
        ledger
            .add_visit(&hospital, &Default::default(), &clock)
            .unwrap();
        let keepsake = NewVisit {
            member_id: members[7].id,
            reason_id: retirement,
            date: NaiveDate::from_ymd_opt(2026, 6, 28).unwrap(),
            place: "工会活动室".to_string(),
            detail: String::new(),
            money: None,
            goods: Some(VisitGoods {
                description: "纪念相册".to_string(),
                value_fen: 40_000,
            }),
            stays_open: false,
            ..hospital
        };
        ledger
            .add_visit(&keepsake, &Default::default(), &clock)
            .unwrap();
    }
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    let mut results = Vec::new();
    for (label, name) in [
        ("首页", "home"),
        ("会员", "members"),
        ("登记", "entry"),
        ("走访", "visits"),
        ("走访记录", "visits_list"),
        ("春节慰问名单", "visits_festival"),
        ("节日慰问", "batches"),
        ("台账", "ledger"),
        ("设置", "settings"),
    ] {
        nav(&mut harness, label);
        if name == "visits_list" {
            // The list is read after the frame that asks for it.
            harness.run();
        }
        if name == "ledger" {
            // Pages load after the first frame that asks for them.
            harness.run();
        }
        mask_path(&mut harness);
        results.push(harness.try_snapshot(name));
    }
    // A holiday batch previewed for every in-service member of the demo.
    nav(&mut harness, "节日慰问");
    harness
        .get_by_role_and_label(Role::ComboBox, "节日类别")
        .click();
    harness.run();
    harness.get_by_label("节日慰问 / 端午").click();
    harness.run();
    type_into(&mut harness, "如 月饼一盒（发钱可不填）", "粽子一盒");
    type_into(&mut harness, "纪要编号，如 2026-05", "2026-06");
    type_into(&mut harness, "决议日期，如 2026-06-01", "2026-06-10");
    harness.get_by_label("预览名单").click();
    harness.run();
    mask_path(&mut harness);
    results.push(harness.try_snapshot("batches_preview"));

    // 互助保障: a plan, the in-service staff enrolled, one claim registered.
    let (plan, member_id) = {
        let session = harness.state().session.as_ref().unwrap();
        let member = session
            .data
            .members
            .iter()
            .find(|m| m.status == MemberStatus::InService && m.is_union_member)
            .unwrap();
        (hospital_plan(session.ledger.as_ref().unwrap()), member.id)
    };
    harness
        .state_mut()
        .push_command(Command::Insurance(InsuranceCommand::AddPlan(plan)));
    harness.run();
    let plan_id = harness
        .state()
        .insurance
        .view
        .plans
        .first()
        .map_or(1, |p| p.id);
    harness
        .state_mut()
        .push_command(Command::Insurance(InsuranceCommand::Enrol(enrol_spec(
            plan_id,
            BatchGroup::in_service(),
        ))));
    harness
        .state_mut()
        .push_command(Command::Insurance(InsuranceCommand::AddClaim(NewClaim {
            plan_id,
            member_id,
            illness: "冠心病".into(),
            hospital: "市一院".into(),
            admission: date(2026, 5, 3),
            discharge: Some(date(2026, 5, 11)),
            total_cost_fen: 1_200_000,
            eligible_cost_fen: 1_000_000,
            social_insurance_fen: 400_000,
            other_aid_fen: 0,
            grade: String::new(),
        })));
    nav(&mut harness, "互助保障");
    harness.run();
    mask_path(&mut harness);
    results.push(harness.try_snapshot("insurance_plans"));
    harness.get_by_label("参保").click();
    harness.run();
    harness.run();
    mask_path(&mut harness);
    results.push(harness.try_snapshot("insurance_enrol"));
    harness.get_by_label("理赔").click();
    harness.run();
    harness.run();
    mask_path(&mut harness);
    results.push(harness.try_snapshot("insurance_claims"));
    nav(&mut harness, "报表");
    harness.get_by_label("生成预览").click();
    harness.run();
    harness.run();
    mask_path(&mut harness);
    results.push(harness.try_snapshot("reports_quarterly"));
    for result in results {
        result.unwrap();
    }
}

#[test]
fn opening_balance_set_in_settings_moves_the_fund_balance() {
    let (_dir, path) = temp_ledger();
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    nav(&mut harness, "设置");
    // The first fund row is 慰问金; a blank opening shows the carried-forward figure.
    harness
        .get_all_by(placeholder("结转 0.00"))
        .next()
        .unwrap()
        .focus();
    harness.run();
    harness
        .get_all_by(placeholder("结转 0.00"))
        .next()
        .unwrap()
        .type_text("12,000");
    harness.run();
    // 保存 buttons in order: union name, handler, then one per fund.
    harness.get_all_by_label("保存").nth(2).unwrap().click();
    harness.run();
    assert_eq!(notice(&harness), "已保存 2026 年初余额");
    assert_eq!(welfare_balance(&harness), 1_200_000);
    // Going back a year shows 2025 with nothing set and nothing carried.
    harness.get_by_label("上一年").click();
    harness.run();
    harness.get_by_label("2025 年");
}

#[test]
fn a_bar_of_the_spending_chart_opens_the_ledger_on_its_month_and_group() {
    let (_dir, path) = temp_ledger();
    {
        let clock = FixedClock::at_date(today());
        let mut ledger = union_ledger::store::Ledger::open(&path, &clock).unwrap();
        ledger.fill_demo(120, 2, 3, &clock).unwrap();
    }
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    // The chart is the same value the annual statement prints.
    let data = &harness.state().session.as_ref().unwrap().data;
    let chart = data.spending_chart.clone().unwrap();
    let printed = harness
        .state()
        .session
        .as_ref()
        .unwrap()
        .ledger
        .as_ref()
        .unwrap()
        .form(
            &union_ledger::core::forms::FormRequest::Annual { year: 2026 },
            today(),
        )
        .unwrap();
    assert_eq!(printed.charts().next(), Some(&chart));
    // The tallest bar: 节日慰问 in some month.
    let bar = *harness
        .state()
        .home
        .chart_bars
        .iter()
        .max_by(|a, b| a.rect.height().total_cmp(&b.rect.height()))
        .unwrap();
    let series = chart.series.iter().find(|s| s.key == bar.key).unwrap();
    let figure = series.values[bar.label];
    assert!(figure > 0);
    harness.hover_at(bar.rect.center());
    harness.run();
    harness.drag_at(bar.rect.center());
    harness.step();
    harness.drop_at(bar.rect.center());
    harness.run();
    assert_eq!(harness.state().screen, Screen::Ledger);
    let month = bar.label as u32 + 1;
    let view = &harness.state().ledger_view;
    assert_eq!(view.category_id, Some(bar.key));
    assert_eq!(view.from, format!("2026-{month:02}-01"));
    // The entries behind the bar add up to it.
    let index = view.index.as_ref().expect("the ledger was read");
    let ledger = harness
        .state()
        .session
        .as_ref()
        .unwrap()
        .ledger
        .as_ref()
        .unwrap();
    let rows = ledger
        .ledger_page(
            index,
            union_ledger::store::LedgerOrder::OldestFirst,
            0,
            index.count,
        )
        .unwrap();
    let spent: i64 = rows.iter().map(|row| -row.delta_fen).sum();
    assert_eq!(spent, figure, "{} 月 {}", month, series.name);
}

#[test]
fn the_look_chosen_in_settings_is_applied_and_remembered_for_the_clerk() {
    use union_ledger::ui::appearance::{Appearance, ThemeChoice};
    let (dir, path) = temp_ledger();
    let file = dir.path().join("config/appearance.json");
    let app_file = file.clone();
    let ledger = path.clone();
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            install_fonts(&cc.egui_ctx);
            LedgerApp::new(
                ledger,
                Arc::new(FixedClock::at_date(today())),
                Box::new(ScriptedDialogs::default()),
            )
            .with_appearance_file(app_file)
        });
    wait_for_chain_check(&mut harness);
    nav(&mut harness, "设置");
    harness.get_by_label("浅色").click();
    harness.run();
    harness.get_by_label("150%").click();
    harness.run();
    assert_eq!(harness.ctx.zoom_factor(), 1.5);
    assert_eq!(harness.ctx.theme(), egui::Theme::Light);
    let kept = Appearance {
        theme: ThemeChoice::Light,
        text_percent: 150,
    };
    assert_eq!(Appearance::load(&file), kept);
    // The next window of this clerk opens with it.
    let app = LedgerApp::new(
        path,
        Arc::new(FixedClock::at_date(today())),
        Box::new(ScriptedDialogs::default()),
    )
    .with_appearance_file(file);
    assert_eq!(app.appearance, kept);
}

/// 首页, 走访 and 互助保障 with their charts, light and dark, at 100 % and at 175 % on a
/// 1366×768 screen: everything reachable (scrolling where needed), nothing cut off.
#[test]
fn the_charted_screens_in_light_and_dark_at_normal_and_large_text() {
    use union_ledger::ui::appearance::{Appearance, ThemeChoice};
    let (_dir, path) = temp_ledger();
    {
        let clock = FixedClock::at_date(today());
        let mut ledger = union_ledger::store::Ledger::open(&path, &clock).unwrap();
        ledger.fill_demo(120, 2, 3, &clock).unwrap();
        ledger.set_union_name("示例市人民医院工会").unwrap();
    }
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    harness.set_size(egui::vec2(1366.0, 768.0));
    let mut results = Vec::new();
    for theme in [ThemeChoice::Light, ThemeChoice::Dark] {
        for text_percent in [100, 175] {
            harness
                .state_mut()
                .push_command(Command::SetAppearance(Appearance {
                    theme,
                    text_percent,
                }));
            harness.run();
            for (screen, name, tab) in [
                (Screen::Home, "home", None),
                (Screen::Visits, "visits", Some("走访记录")),
                (Screen::Insurance, "insurance", None),
            ] {
                harness.state_mut().push_command(Command::GoTo(screen));
                harness.run();
                if let Some(tab) = tab {
                    harness.get_by_label(tab).click();
                    harness.run();
                    harness.run();
                }
                mask_path(&mut harness);
                let theme_name = match theme {
                    ThemeChoice::Light => "light",
                    _ => "dark",
                };
                results.push(harness.try_snapshot(format!("{name}_{theme_name}_{text_percent}")));
            }
        }
    }
    for result in results {
        result.unwrap();
    }
}

#[test]
fn a_new_ledger_walks_the_guided_start_and_every_step_can_be_skipped() {
    let (_dir, path) = temp_ledger();
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    harness.get_by_label_contains("开始使用");
    // 1 工会名称.
    retype(&mut harness, "工会名称", "示例市人民医院工会");
    harness.get_by_label("保存并继续").click();
    harness.run();
    assert_eq!(notice(&harness), "已保存工会名称");
    // 2 经办人.
    type_into(&mut harness, "经办人姓名", "李会计");
    harness.get_by_label("保存并继续").click();
    harness.run();
    // 3 会员名册: skipped (the roster comes later).
    harness.get_by_label_contains("名册中现有 0 人");
    harness.get_by_label("跳过此步").click();
    harness.run();
    // 4 年初余额: 慰问金 only; a bad figure is named first.
    harness
        .get_all_by(placeholder("如 12,000"))
        .next()
        .unwrap()
        .focus();
    harness.run();
    harness
        .get_all_by(placeholder("如 12,000"))
        .next()
        .unwrap()
        .type_text("12.345");
    harness.run();
    harness.get_by_label("保存并继续").click();
    harness.run();
    harness.get_by_label_contains("慰问金：");
    harness
        .get_all_by(placeholder("如 12,000"))
        .next()
        .unwrap()
        .focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run();
    harness
        .get_all_by(placeholder("如 12,000"))
        .next()
        .unwrap()
        .type_text("12,000");
    harness.run();
    harness.get_by_label("保存并继续").click();
    harness.run();
    // 5 发放规则.
    harness.get_by_label_contains("示例一").click();
    harness.run();
    harness.get_by_label("套用并完成").click();
    harness.run();
    assert!(harness.query_by_label_contains("开始使用").is_none());
    let data = &harness.state().session.as_ref().unwrap().data;
    assert_eq!(data.union_name, "示例市人民医院工会");
    assert_eq!(data.handler, "李会计");
    assert_eq!(welfare_balance(&harness), 1_200_000);
    assert!(
        !harness
            .state()
            .session
            .as_ref()
            .unwrap()
            .data
            .rules
            .is_empty()
    );
    // Opened again, the ledger goes straight to work.
    drop(harness);
    let harness = harness_for(&path, ScriptedDialogs::default());
    assert!(harness.query_by_label_contains("开始使用").is_none());
}

#[test]
fn the_guided_start_can_be_skipped_at_once_and_demo_data_needs_none() {
    let (_dir, path) = temp_ledger();
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    harness.get_by_label("全部跳过，直接开始").click();
    harness.run();
    assert!(harness.query_by_label_contains("开始使用").is_none());
    let (_dir, path) = temp_ledger();
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    harness
        .get_all_by_label("载入演示数据")
        .next()
        .unwrap()
        .click();
    harness.step();
    settle_work(&mut harness);
    harness.run();
    assert!(harness.query_by_label_contains("开始使用").is_none());
}

#[test]
fn a_category_moves_to_another_group_from_settings() {
    let (_dir, path) = temp_ledger();
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    // Tall enough for the category table at the foot of 设置.
    harness.set_size(egui::vec2(1280.0, 2400.0));
    nav(&mut harness, "设置");
    // The first item row is 五必访 / 生病住院.
    harness
        .get_all_by_role_and_label(Role::ComboBox, "移到分组")
        .next()
        .unwrap()
        .click();
    harness.run();
    harness.get_by_label("其他").click();
    harness.run();
    assert_eq!(notice(&harness), "已把“生病住院”移到分组“其他”");
    let data = &harness.state().session.as_ref().unwrap().data;
    let moved = data
        .categories
        .iter()
        .find(|c| c.name == "生病住院")
        .unwrap();
    let group = data.category(moved.parent_id.unwrap()).unwrap();
    assert_eq!(group.name, "其他");
}

#[test]
fn a_category_and_a_new_income_source_are_tagged_internal_from_settings() {
    let (_dir, path) = temp_ledger();
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    harness.set_size(egui::vec2(1280.0, 3200.0));
    nav(&mut harness, "设置");
    type_into(&mut harness, "新收入来源", "院工会拨款");
    harness.get_by_label("添加来源").click();
    harness.run();
    assert_eq!(notice(&harness), "已添加收入来源“院工会拨款”");
    // One 内部拨付 box per item category, then one per source: the last category
    // item is 其他 / 其他支出, the last source the one just added.
    let items = {
        let data = &harness.state().session.as_ref().unwrap().data;
        data.categories
            .iter()
            .filter(|c| c.parent_id.is_some())
            .count()
    };
    let boxes: Vec<_> = harness
        .get_all_by_role_and_label(Role::CheckBox, "内部拨付")
        .collect();
    assert_eq!(boxes.len(), items + 8);
    // Both ticked, then one row saved: the other keeps its tick (and a name typed but
    // not saved stays typed).
    boxes.last().unwrap().click();
    boxes[items - 1].click();
    harness.run();
    retype(&mut harness, "工会名称", "示例市人民医院工会（草稿）");
    // The row's 保存 saves the tag with the rest of the row.
    let saves: Vec<_> = harness.get_all_by_label("保存").collect();
    saves.last().unwrap().click();
    harness.run();
    assert_eq!(
        notice(&harness),
        "“院工会拨款”标记为内部拨付：上级汇总时抵销"
    );
    assert!(
        harness
            .get_all_by_role_and_label(Role::CheckBox, "内部拨付")
            .nth(items - 1)
            .unwrap()
            .accesskit_node()
            .toggled()
            == Some(egui::accesskit::Toggled::True),
        "the other row's tick was lost"
    );
    assert!(
        harness
            .get_all_by_value("示例市人民医院工会（草稿）")
            .next()
            .is_some(),
        "the name typed was lost"
    );
    // The last category row's 保存 comes before the eight sources' ones.
    let saves: Vec<_> = harness.get_all_by_label("保存").collect();
    saves[saves.len() - 1 - 8].click();
    harness.run();
    assert_eq!(notice(&harness), "“其他支出”标记为内部拨付：上级汇总时抵销");
    let data = &harness.state().session.as_ref().unwrap().data;
    let id_of = |name: &str| data.categories.iter().find(|c| c.name == name).unwrap().id;
    let source = data
        .sources
        .iter()
        .find(|s| s.name == "院工会拨款")
        .unwrap()
        .id;
    assert_eq!(data.internal.categories, vec![id_of("其他支出")]);
    assert_eq!(data.internal.sources, vec![source]);
}

/// A clock the test can move forward while the window stays open.
#[derive(Clone)]
struct MovableClock(Arc<std::sync::Mutex<chrono::NaiveDateTime>>);

impl union_ledger::core::date::Clock for MovableClock {
    fn now(&self) -> chrono::NaiveDateTime {
        *self.0.lock().unwrap()
    }

    fn shared(&self) -> Arc<dyn union_ledger::core::date::Clock> {
        Arc::new(self.clone())
    }
}

#[test]
fn a_window_left_open_over_new_year_moves_to_the_new_year() {
    let (_dir, path) = temp_ledger();
    let new_years_eve = NaiveDate::from_ymd_opt(2026, 12, 31)
        .unwrap()
        .and_hms_opt(23, 59, 0)
        .unwrap();
    let clock = Arc::new(MovableClock(Arc::new(std::sync::Mutex::new(new_years_eve))));
    let app_clock = clock.clone();
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            install_fonts(&cc.egui_ctx);
            LedgerApp::new(path, app_clock, Box::new(ScriptedDialogs::default()))
        });
    wait_for_chain_check(&mut harness);
    nav(&mut harness, "登记");
    assert_eq!(harness.state().entry.date, "2026-12-31");
    *clock.0.lock().unwrap() = new_years_eve + chrono::Duration::minutes(2);
    nav(&mut harness, "首页");
    harness.get_by_label("2027 年各项资金");
    assert_eq!(harness.state().entry.date, "2027-01-01");
}

#[test]
fn open_another_ledger_by_typed_path_and_refuse_a_foreign_one() {
    let (dir, path) = temp_ledger();
    let mut harness = harness_for(&path, ScriptedDialogs::default());

    // A foreign file: refused with a message, the current ledger stays open.
    let foreign = dir.path().join("照片.db");
    std::fs::write(&foreign, "不是台账".repeat(40)).unwrap();
    harness.get_by_label("打开台账…").click();
    harness.run();
    harness.get_by(placeholder("台账文件路径")).focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_by(placeholder("台账文件路径"))
        .type_text(foreign.to_str().unwrap());
    harness.run();
    harness.get_by_label("打开").click();
    harness.run();
    assert!(
        harness
            .state()
            .error_dialog
            .as_ref()
            .unwrap()
            .contains("不是工会台账文件")
    );
    assert_eq!(harness.state().db_path, path);
    harness.get_by_label("知道了").click();
    harness.run();

    // A path with no file: a new, empty ledger is created there and opened.
    let second = dir.path().join("2027.db");
    harness.get_by(placeholder("台账文件路径")).focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_by(placeholder("台账文件路径"))
        .type_text(second.to_str().unwrap());
    harness.run();
    harness.get_by_label("打开").click();
    // The new ledger's check runs on its worker; its results repaint the window.
    wait_for_chain_check(&mut harness);
    assert_eq!(harness.state().db_path, second);
    assert!(harness.state().open_dialog.is_none());
    harness.get_by_label_contains("这是一本新台账");
}

/// A ledger with the example-strict rules and five members: four in service, of whom
/// 李四 already had 1,400 元 of holiday gifts this year (the example caps holiday gifts
/// at 1,500 a year) and 王五 has not paid his dues; and 钱七, retired.
fn strict_ledger(path: &Path) {
    let clock = FixedClock::at_date(today());
    let mut ledger = Ledger::open(path, &clock).unwrap();
    ledger.apply_preset("example-strict").unwrap();
    ledger.set_setting("handler", "李会计").unwrap();
    let mut li_si = None;
    for (employee_no, name, department, dues_paid, status) in [
        ("A001", "张三", "内科", true, MemberStatus::InService),
        ("A002", "李四", "内科", true, MemberStatus::InService),
        ("A003", "王五", "外科", false, MemberStatus::InService),
        ("A004", "赵六", "外科", true, MemberStatus::InService),
        ("A005", "钱七", "外科", true, MemberStatus::Retired),
    ] {
        let mut draft = MemberDraft::new(employee_no, name);
        draft.department = department.to_string();
        draft.dues_paid = dues_paid;
        draft.status = status;
        let id = ledger.add_member(&draft, &clock).unwrap();
        if name == "李四" {
            li_si = Some(id);
        }
    }
    let spring = ledger
        .categories()
        .unwrap()
        .into_iter()
        .find(|c| c.name == "春节")
        .unwrap();
    let welfare = ledger
        .funds()
        .unwrap()
        .into_iter()
        .find(|f| f.name == "慰问金")
        .unwrap();
    ledger
        .add_entry(
            &NewEntry {
                kind: EntryKind::Disbursement,
                date: NaiveDate::from_ymd_opt(2026, 2, 16).unwrap(),
                fund_id: welfare.id,
                category_id: Some(spring.id),
                source_id: None,
                member_id: li_si,
                amount_fen: 140_000,
                payment_form: PaymentForm::Goods,
                handler: "李会计".to_string(),
                note: "春节慰问".to_string(),
            },
            &clock,
        )
        .unwrap();
}

fn entry_count(harness: &Harness<'_, LedgerApp>) -> i64 {
    harness.state().session.as_ref().unwrap().data.entry_count
}

#[test]
fn holiday_batch_excludes_by_the_rules_commits_and_reverses_as_a_whole() {
    let (_dir, path) = temp_ledger();
    strict_ledger(&path);
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    nav(&mut harness, "节日慰问");
    harness
        .get_by_role_and_label(Role::ComboBox, "节日类别")
        .click();
    harness.run();
    harness.get_by_label("节日慰问 / 端午").click();
    harness.run();
    // The category's standard amount, fund and form are filled in.
    assert_eq!(harness.state().batches.amount, "200");
    assert_eq!(harness.state().batches.payment_form, PaymentForm::Goods);
    type_into(&mut harness, "如 月饼一盒（发钱可不填）", "粽子一盒");

    // No decision, no preview: the field is named.
    harness.get_by_label("预览名单").click();
    harness.run();
    harness.get_by_label_contains("纪要编号：必须填写");
    type_into(&mut harness, "纪要编号，如 2026-05", "2026-06");
    type_into(&mut harness, "决议日期，如 2026-06-01", "2026-06-10");
    type_into(&mut harness, "审批人，如 王主席", "王主席");
    harness.get_by_label("预览名单").click();
    harness.run();

    // The in-service members only; 李四 would pass the yearly cap, 王五 owes dues.
    harness.get_by_label("发放 2 人，排除 2 人，合计 400.00 元");
    harness.get_by_label_contains(
        "李四本年节日慰问已发 1,400.00 元，上限 1,500.00 元，本次 200.00 元将超出 100.00 元",
    );
    harness.get_by_label_contains("王五的会费未缴清");
    assert!(harness.query_by_label("钱七").is_none());

    // A click on a row excludes the member by hand; another click brings them back.
    harness.get_by_label("赵六").click();
    harness.run();
    harness.get_by_label("发放 1 人，排除 3 人，合计 200.00 元");
    harness.get_by_label("手动排除");
    harness.get_by_label("赵六").click();
    harness.run();
    harness.get_by_label("发放 2 人，排除 2 人，合计 400.00 元");

    // Commit after confirming the count and total.
    harness.get_by_label("提交…").click();
    harness.run();
    harness.get_by_label("将向 2 人发放，合计 400.00 元，写入 2 笔凭证。");
    harness.get_by_label("确认提交").click();
    harness.run();
    assert!(
        notice(&harness).starts_with("已提交批次 P2026-0001：发放 2 人，合计 400.00 元"),
        "{}",
        notice(&harness)
    );
    assert_eq!(entry_count(&harness), 3);
    let batches = &harness.state().session.as_ref().unwrap().data.batches;
    assert_eq!(batches.len(), 1);
    assert_eq!(batches[0].recipient_count, 2);
    assert_eq!(batches[0].approval.minutes_no, "2026-06");

    // The list shows the batch; its recipients open below it.
    harness.get_by_label("P2026-0001");
    harness.get_by_label("粽子一盒 200.00 元");
    harness.get_by_label("名单").click();
    harness.run();
    harness.get_by_label("批次 P2026-0001 发放名单（2 人）");
    harness.get_by_label("张三");
    harness.get_by_label("赵六");
    mask_path(&mut harness);
    harness.snapshot("batches_list");

    // Reverse the whole batch: the reason is required.
    harness.get_by_label("整批冲销…").click();
    harness.run();
    harness.get_by_label("确认整批冲销").click();
    harness.run();
    harness.get_by_label("冲销原因：必须填写");
    type_into(
        &mut harness,
        "必填，如 发放名单有误",
        "粽子未到货，改发购物卡",
    );
    harness.get_by_label("确认整批冲销").click();
    harness.run();
    assert_eq!(notice(&harness), "已整批冲销批次 P2026-0001");
    assert_eq!(entry_count(&harness), 5);
    harness.get_by_label("已冲销 2026-06-30");
    assert_eq!(harness.get_all_by_label("已冲销").count(), 2);
}

#[test]
fn a_batch_to_members_paid_the_same_holiday_two_days_ago_says_so_before_it_is_committed() {
    let (_dir, path) = temp_ledger();
    {
        let clock = FixedClock::at_date(today());
        let mut ledger = Ledger::open(&path, &clock).unwrap();
        ledger.set_setting("handler", "李会计").unwrap();
        let dragon_boat = ledger
            .categories()
            .unwrap()
            .into_iter()
            .find(|c| c.name == "端午")
            .unwrap();
        for (employee_no, name, paid_already) in [
            ("A001", "张三", true),
            ("A004", "赵六", true),
            ("A006", "孙八", false),
        ] {
            let mut draft = MemberDraft::new(employee_no, name);
            draft.department = "内科".to_string();
            let id = ledger.add_member(&draft, &clock).unwrap();
            if paid_already {
                // Paid one by one two days before the batch.
                ledger
                    .add_entry(
                        &NewEntry {
                            kind: EntryKind::Disbursement,
                            date: today() - chrono::Duration::days(2),
                            fund_id: dragon_boat.default_fund_id.unwrap(),
                            category_id: Some(dragon_boat.id),
                            source_id: None,
                            member_id: Some(id),
                            amount_fen: 20_000,
                            payment_form: PaymentForm::Goods,
                            handler: "李会计".to_string(),
                            note: "端午慰问".to_string(),
                        },
                        &clock,
                    )
                    .unwrap();
            }
        }
    }
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    nav(&mut harness, "节日慰问");
    harness
        .get_by_role_and_label(Role::ComboBox, "节日类别")
        .click();
    harness.run();
    harness.get_by_label("节日慰问 / 端午").click();
    harness.run();
    type_into(&mut harness, "如 月饼一盒（发钱可不填）", "粽子一盒");
    type_into(&mut harness, "纪要编号，如 2026-05", "2026-06");
    type_into(&mut harness, "决议日期，如 2026-06-01", "2026-06-10");
    harness.get_by_label("预览名单").click();
    harness.run();

    // The header says how many were paid already and what they would get again.
    harness.get_by_label("发放 3 人，排除 0 人，合计 600.00 元");
    let warning = "其中 2 人在 30 天内已领过同一类别，本批再发合计 400.00 元，可能重复发放：请逐一核对，或排除这些人";
    harness.get_by_label(warning);
    // So does the confirmation.
    harness.get_by_label("提交…").click();
    harness.run();
    assert_eq!(harness.get_all_by_label(warning).count(), 2);
    harness.get_by_label("预览名单：发放 3 人，排除 0 人（其中手动排除 0 人）");
    harness.get_by_label("取消").click();
    harness.run();

    // One click excludes them; the rest are paid.
    harness.get_by_label("排除这 2 人").click();
    harness.run();
    harness.get_by_label("发放 1 人，排除 2 人，合计 200.00 元");
    assert!(harness.query_by_label(warning).is_none());
    harness.get_by_label("提交…").click();
    harness.run();
    harness.get_by_label("预览名单：发放 1 人，排除 2 人（其中手动排除 2 人）");
    harness.get_by_label("确认提交").click();
    harness.run();
    assert!(
        notice(&harness).starts_with("已提交批次 P2026-0001：发放 1 人，合计 200.00 元"),
        "{}",
        notice(&harness)
    );
    // The form starts blank: the same batch is not two clicks away.
    let batches = &harness.state().batches;
    assert_eq!(batches.category_id, None);
    assert!(batches.item.is_empty() && batches.amount.is_empty());
    assert!(batches.approval.minutes_no.is_empty());
    assert!(batches.preview.is_none());
}

#[test]
fn a_closed_quarter_is_named_as_the_date_is_typed_and_refused_at_preview_and_reversal() {
    let (_dir, path) = temp_ledger();
    strict_ledger(&path);
    {
        let clock = FixedClock::at_date(today());
        let mut ledger = Ledger::open(&path, &clock).unwrap();
        ledger
            .close_period(union_ledger::core::date::Period::quarter(2026, 1), "")
            .unwrap();
    }
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    let named = "所在的2026年第1季度已结账（2026-06-30 结账）";

    // 台账: an entry in the closed quarter cannot be reversed, and the button says so
    // before any reason is typed.
    nav(&mut harness, "台账");
    harness.get_by_label("春节慰问").click();
    harness.run();
    assert!(harness.get_by_label("冲销…").accesskit_node().is_disabled());
    harness.get_by_label_contains(&format!("2026-02-16 {named}，不能冲销"));

    // 节日慰问: the date is checked as it is typed, and the preview is refused with
    // the period named.
    nav(&mut harness, "节日慰问");
    harness
        .get_by_role_and_label(Role::ComboBox, "节日类别")
        .click();
    harness.run();
    harness.get_by_label("节日慰问 / 端午").click();
    harness.run();
    retype(&mut harness, "发放日期，如 2026-09-25", "2026-03-20");
    harness.get_by_label(&format!("2026-03-20 {named}，不能发放"));
    type_into(&mut harness, "纪要编号，如 2026-05", "2026-03");
    type_into(&mut harness, "决议日期，如 2026-06-01", "2026-03-01");
    harness.get_by_label("预览名单").click();
    harness.run();
    // Beside the form and in the status bar.
    assert!(
        harness
            .get_all_by_label_contains(&format!("2026-03-20 {named}，不能再记账"))
            .count()
            >= 1
    );
    assert!(harness.state().batches.preview.is_none());
    assert!(harness.query_by_label("提交…").is_none());
}

#[test]
fn a_reminder_opens_a_batch_prefilled_with_its_holiday() {
    let (_dir, path) = temp_ledger();
    strict_ledger(&path);
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    let data = &harness.state().session.as_ref().unwrap().data;
    let mid_autumn = data
        .categories
        .iter()
        .find(|c| c.name == "中秋")
        .unwrap()
        .id;
    let date = NaiveDate::from_ymd_opt(2026, 6, 29).unwrap();
    harness.state_mut().push_command(Command::OpenBatch {
        category_id: Some(mid_autumn),
        date,
    });
    harness.run();
    assert_eq!(harness.state().screen, Screen::Batches);
    let batches = &harness.state().batches;
    assert_eq!(batches.category_id, Some(mid_autumn));
    assert_eq!(batches.date, "2026-06-29");
    assert_eq!(batches.amount, "300");
    assert!(batches.fund_id.is_some());
    let combo = harness.get_by_role_and_label(Role::ComboBox, "节日类别");
    assert_eq!(
        combo.accesskit_node().value().as_deref(),
        Some("节日慰问 / 中秋")
    );
}

#[test]
fn an_entry_over_a_rule_needs_a_reason_and_an_approval_and_is_marked() {
    let (_dir, path) = temp_ledger();
    strict_ledger(&path);
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    nav(&mut harness, "登记");
    type_into(&mut harness, "姓名、工号或拼音首字母", "张三");
    type_into(&mut harness, "如 住院、sbzy、春节", "住院");
    assert_eq!(harness.state().entry.amount, "500");
    // Within the standard: no finding, saving is allowed.
    assert!(harness.query_by_label_contains("住院慰问标准").is_none());
    harness.get_by(placeholder("如 500")).focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by(placeholder("如 500")).type_text("1500");
    harness.run();
    harness
        .get_by_label("【住院慰问标准】本次 1,500.00 元超过每次上限 1,000.00 元，超出 500.00 元");
    let save_disabled = |harness: &Harness<'_, LedgerApp>| {
        harness
            .get_by_label("保存（Enter）")
            .accesskit_node()
            .is_disabled()
    };
    assert!(save_disabled(&harness));
    mask_path(&mut harness);
    harness.snapshot("entry_breach");

    // The reason alone is not enough; the decision is needed too.
    type_into(
        &mut harness,
        "必填：为什么超标准发放",
        "重症监护，经工会委员会研究同意",
    );
    assert!(save_disabled(&harness));
    type_into(&mut harness, "纪要编号，如 2026-05", "2026-07");
    type_into(&mut harness, "决议日期，如 2026-06-01", "2026-06-28");
    assert!(!save_disabled(&harness));
    harness.get_by_label("保存（Enter）").click();
    harness.run();
    assert_eq!(
        notice(&harness),
        "已保存凭证 2026-000002（超标准发放，已记录说明和审批）"
    );
    let recent = harness.state().recent_rows();
    assert_eq!(
        recent[0].entry.override_reason,
        "重症监护，经工会委员会研究同意"
    );
    assert!(recent[0].entry.approval_id.is_some());
    // The form is clear for the next entry, findings included.
    assert!(harness.state().entry.findings.is_empty());
    assert!(harness.state().entry.override_reason.is_empty());

    // The ledger marks the entry saved over a rule.
    nav(&mut harness, "台账");
    harness.run();
    harness.get_by_label("超标");
}

#[test]
fn apply_a_preset_and_add_a_rule_in_settings() {
    let (_dir, path) = temp_ledger();
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    nav(&mut harness, "设置");
    harness.get_by_label_contains("还没有规则");
    harness.get_by_label("套用示例…").click();
    harness.run();
    harness.get_by_label("确认套用").click();
    harness.run();
    assert!(
        notice(&harness).starts_with("已套用“示例一"),
        "{}",
        notice(&harness)
    );
    harness.get_by_label("住院慰问标准");
    assert!(
        harness
            .get_all_by_label("每次不超过 1,000.00 元")
            .next()
            .is_some()
    );
    let rules = harness.state().session.as_ref().unwrap().data.rules.len();

    harness.get_by_label("新增规则").click();
    harness.run();
    type_into(&mut harness, "规则名称，如 住院慰问标准", "生日蛋糕券标准");
    type_into(&mut harness, "上限金额，如 1000", "200");
    harness
        .get_by_role_and_label(Role::CheckBox, "生日")
        .click();
    harness.run();
    harness.get_by_label("规则内容：每次不超过 200.00 元");
    mask_path(&mut harness);
    harness.snapshot("settings_rule_editor");
    harness.get_by_label("保存规则").click();
    harness.run();
    assert_eq!(notice(&harness), "已添加规则“生日蛋糕券标准”");
    let data = &harness.state().session.as_ref().unwrap().data;
    assert_eq!(data.rules.len(), rules + 1);
    assert!(harness.state().settings.rules.editor.is_none());

    // A visit reason of the union's own.
    type_into(&mut harness, "新事由名称", "高温慰问");
    // Below the rules, out of view: clicked the way a screen reader does.
    harness.get_by_label("添加事由").click_accesskit();
    harness.run();
    assert_eq!(notice(&harness), "已添加走访事由“高温慰问”");
}

/// A fresh ledger with one member, set up before the window opens.
fn ledger_with_member(path: &Path, draft: &MemberDraft) -> i64 {
    let clock = FixedClock::at_date(today());
    let mut ledger = union_ledger::store::Ledger::open(path, &clock).unwrap();
    ledger.add_member(draft, &clock).unwrap()
}

fn zhang_sanfeng() -> MemberDraft {
    let mut draft = MemberDraft::new("A1024", "张三丰");
    draft.department = "内科".to_string();
    draft
}

fn visit_button_is_disabled(harness: &Harness<'_, LedgerApp>) -> bool {
    harness
        .get_by_label("保存走访")
        .accesskit_node()
        .is_disabled()
}

#[test]
fn record_a_hospital_visit_and_close_it_from_the_reminder() {
    let (_dir, path) = temp_ledger();
    ledger_with_member(&path, &zhang_sanfeng());
    let mut harness = harness_for(&path, ScriptedDialogs::default());

    // Member, reason, place, amount: the reason proposes its standard and 住院中.
    nav(&mut harness, "走访");
    type_into(&mut harness, "姓名、工号或拼音首字母", "zsf");
    type_into(&mut harness, "如 住院、退休、kn", "生病住院");
    assert_eq!(harness.state().visits.form.amount, "500");
    assert!(harness.state().visits.form.stays_open);
    type_into(
        &mut harness,
        "医院/病区，如 市一院 心内科3床",
        "市一院 心内科3床",
    );
    type_into(&mut harness, "如 王主席、李会计", "王主席、李会计");
    type_into(&mut harness, "如 阑尾炎手术", "冠心病支架术后");
    retype(&mut harness, "不发请留空，如 500", "800");
    retype(&mut harness, "如 2026-03-08", "2026-06-25");
    harness.get_by_label("符合发放规则。");
    harness.get_by_label("保存走访").click();
    harness.run();
    assert_eq!(
        notice(&harness),
        "已登记走访：张三丰 生病住院（住院中），凭证 2026-000001"
    );
    assert_eq!(harness.state().visits.form.amount, "");

    // The list shows it in hospital, with its voucher and the period's totals.
    harness.get_by_label("走访记录").click();
    harness.run();
    harness.run();
    harness.get_by_label("2026年走访 1 人次，慰问金 800.00 元，慰问品 0.00 元");
    harness.get_by_label("住院中");
    harness.get_by_label("2026-000001");
    harness.get_by_label("市一院 心内科3床");
    // The illness and the visitors are in the list; a click on the row shows all the
    // visit records under it.
    harness.get_by_label("冠心病支架术后").click();
    harness.run();
    assert_eq!(harness.get_all_by_label("王主席、李会计").count(), 2);
    // 走访人 heads a column and labels the detail.
    assert_eq!(harness.get_all_by_label("走访人").count(), 2);
    harness.get_by_label("800.00 元");

    // 首页 reminds the clerk; the reminder asks for the discharge date.
    nav(&mut harness, "首页");
    harness
        .get_by_label_contains("张三丰住院中（市一院 心内科3床），2026-06-25 探望，已 5 天")
        .click();
    harness.run();
    assert_eq!(harness.state().screen, Screen::Visits);
    harness.get_by_label("结束走访（出院）");
    retype(&mut harness, "出院日期，如 2026-07-02", "2026-07-02");
    harness.get_by_label("确认出院").click();
    harness.run();
    // The error shows in the dialog (and in the status bar).
    assert_eq!(
        harness
            .state()
            .visits
            .close
            .as_ref()
            .unwrap()
            .error
            .as_deref(),
        Some("出院日期：2026-07-02 晚于今天")
    );
    assert!(harness.state().error_dialog.is_none());
    retype(&mut harness, "出院日期，如 2026-07-02", "2026-06-29");
    harness.get_by_label("确认出院").click();
    harness.run();
    assert_eq!(
        notice(&harness),
        "已结束走访：张三丰 生病住院，出院日期 2026-06-29"
    );
    assert!(harness.state().visits.close.is_none());
    harness.run();
    // In the list and in the detail of the selected visit.
    assert_eq!(harness.get_all_by_label("已结束 2026-06-29").count(), 2);
    let data = &harness.state().session.as_ref().unwrap().data;
    assert!(!data.reminders.iter().any(|r| matches!(
        r,
        union_ledger::core::reminders::Reminder::InHospital { .. }
    )));
}

#[test]
fn a_visit_over_the_rules_needs_a_written_reason_and_an_approval() {
    let (_dir, path) = temp_ledger();
    ledger_with_member(&path, &zhang_sanfeng());
    {
        let clock = FixedClock::at_date(today());
        let mut ledger = union_ledger::store::Ledger::open(&path, &clock).unwrap();
        ledger.apply_preset("example-strict").unwrap();
    }
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    nav(&mut harness, "走访");
    type_into(&mut harness, "姓名、工号或拼音首字母", "zsf");
    type_into(&mut harness, "如 住院、退休、kn", "生病住院");
    type_into(&mut harness, "如 阑尾炎手术", "阑尾炎手术");
    retype(&mut harness, "不发请留空，如 500", "1,500");

    // The breach is shown with its numbers, and saving waits for the reason and approval.
    harness.get_by_label_contains("超标准：【住院慰问标准】");
    assert!(visit_button_is_disabled(&harness));
    type_into(
        &mut harness,
        "超标准说明（必填），如 手术费用高，经工会委员会研究同意",
        "手术费用高，经工会委员会研究同意",
    );
    type_into(&mut harness, "纪要编号，如 2026-05", "2026-07");
    type_into(&mut harness, "审批人，如 王主席", "王主席");
    assert!(visit_button_is_disabled(&harness));
    harness.get_by_label_contains("决议日期：必须填写");
    // The form with its findings, as the clerk sees it (the ledger's path is masked).
    let label = harness.get_by_label_contains("台账文件：").rect();
    // The right half of the status bar, where the (temporary) path is shown.
    let middle = harness.ctx.content_rect().center().x;
    harness.mask(egui::Rect::from_x_y_ranges(
        middle..=4000.0,
        label.y_range(),
    ));
    harness.snapshot("visits_breach");
    type_into(&mut harness, "决议日期，如 2026-06-01", "2026-06-28");
    assert!(!visit_button_is_disabled(&harness));
    harness.get_by_label("保存走访").click();
    harness.run();
    assert_eq!(
        notice(&harness),
        "已登记走访：张三丰 生病住院（住院中），凭证 2026-000001"
    );

    // The visit is marked in the list, and its entry keeps the reason and the approval.
    harness.get_by_label("走访记录").click();
    harness.run();
    harness.run();
    harness.get_by_label("超标准");
    let list = harness.state().visits.list.as_ref().unwrap();
    assert_eq!(
        list.visits[0].override_reason,
        "手术费用高，经工会委员会研究同意"
    );
    let clock = FixedClock::at_date(today());
    let ledger = union_ledger::store::Ledger::open(&path, &clock).unwrap();
    let entry = ledger.entry_by_voucher("2026-000001").unwrap();
    assert_eq!(entry.amount_fen, 150_000);
    assert!(entry.approval_id.is_some());
    let breaches = ledger.entry_breaches(entry.id).unwrap();
    assert_eq!(breaches[0].rule_name, "住院慰问标准");
}

#[test]
fn reminders_open_the_forms_prefilled() {
    let (_dir, path) = temp_ledger();
    let mut retiring = MemberDraft::new("B2001", "赵德明");
    retiring.department = "行政科".to_string();
    retiring.retirement_date = NaiveDate::from_ymd_opt(2026, 8, 15);
    let retiring_id = ledger_with_member(&path, &retiring);
    let mut poor = MemberDraft::new("B2002", "钱秀英");
    poor.status = MemberStatus::Retired;
    poor.hardship = Some(HardshipFile {
        level: HardshipLevel::Deep,
        reason: "重病".to_string(),
        reviewed_on: None,
    });
    let poor_id = ledger_with_member(&path, &poor);
    let mut harness = harness_for(&path, ScriptedDialogs::default());

    // A retirement in 46 days: the reminder opens 走访 on that member and reason 退休,
    // whose keepsake is proposed at its standard value.
    harness
        .get_by_label_contains("赵德明（行政科）将于 2026-08-15 退休")
        .click();
    harness.run();
    assert_eq!(harness.state().screen, Screen::Visits);
    let form = &harness.state().visits.form;
    assert_eq!(form.member.selected, Some(retiring_id));
    assert_eq!(form.reason.query, "退休");
    assert_eq!(form.goods_value, "500");
    assert_eq!(form.amount, "");

    // No rules yet: the reminder opens 设置.
    nav(&mut harness, "首页");
    harness.get_by_label_contains("尚未设置发放规则").click();
    harness.run();
    assert_eq!(harness.state().screen, Screen::Settings);

    // The Spring Festival list: the retired hardship household, not yet visited; its
    // row opens the form with reason 困难.
    nav(&mut harness, "走访");
    harness.get_by_label("春节慰问名单").click();
    harness.run();
    harness.get_by_label("2027 年春节（2027-02-06）慰问离退休职工和困难职工");
    harness.get_by_label("退休 · 困难职工（深度困难）");
    harness.get_by_label("未走访");
    // The tab has the same name as the row's button, and is drawn first.
    harness.get_all_by_label("登记走访").last().unwrap().click();
    harness.run();
    let form = &harness.state().visits.form;
    assert_eq!(form.member.selected, Some(poor_id));
    assert_eq!(form.reason.query, "困难");
    assert_eq!(form.amount, "500");
}

#[test]
fn a_holiday_reminder_opens_the_holiday_category() {
    let (_dir, path) = temp_ledger();
    ledger_with_member(&path, &zhang_sanfeng());
    let mut harness = harness_on(
        &path,
        ScriptedDialogs::default(),
        NaiveDate::from_ymd_opt(2026, 9, 10).unwrap(),
    );
    harness
        .get_by_label_contains("中秋（2026-09-25，还有 15 天）")
        .click();
    harness.run();
    // The batch form, on the holiday's category, dated today: the goods go out
    // before the holiday.
    assert_eq!(harness.state().screen, Screen::Batches);
    let batches = &harness.state().batches;
    assert_eq!(batches.date, "2026-09-10");
    assert_eq!(batches.amount, "300");
    let combo = harness.get_by_role_and_label(Role::ComboBox, "节日类别");
    assert_eq!(
        combo.accesskit_node().value().as_deref(),
        Some("节日慰问 / 中秋")
    );
}

/// A hospital-cost plan for 2026 as 市总工会 sells it: half the eligible cost over
/// 1,000 元, and 50 元 a day over three days.
fn hospital_plan(ledger: &Ledger) -> PlanDraft {
    let fund_id = ledger
        .funds()
        .unwrap()
        .into_iter()
        .find(|f| f.name == "互助保障金")
        .unwrap()
        .id;
    PlanDraft {
        name: "2026 职工住院医疗互助保障".into(),
        society: "市总工会职工互助保障会".into(),
        starts_on: date(2026, 1, 1),
        ends_on: date(2026, 12, 31),
        premium_union_fen: 4_000,
        premium_worker_fen: 0,
        enrol_from: date(2025, 12, 1),
        enrol_until: date(2026, 1, 31),
        claim_days_after_end: 90,
        eligibility: PlanEligibility {
            statuses: vec![MemberStatus::InService],
            ..PlanEligibility::default()
        },
        benefits: vec![
            BenefitRule::Ratio {
                ratio_bp: 5_000,
                deductible_fen: 100_000,
                cap_per_claim_fen: Some(2_000_000),
                cap_per_period_fen: Some(3_000_000),
            },
            BenefitRule::PerDay {
                per_day_fen: 5_000,
                over_days: 3,
                cap_fen: Some(450_000),
            },
        ],
        fund_id,
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn enrol_spec(plan_id: i64, group: BatchGroup) -> EnrolSpec {
    EnrolSpec {
        plan_id,
        group,
        enrolled_on: date(2026, 1, 10),
        approval: Approval {
            decided_on: date(2026, 1, 5),
            minutes_no: "2026-01".into(),
            approver: "王主席".into(),
        },
        handler: "李会计".into(),
    }
}

fn selected_claim(harness: &Harness<'_, LedgerApp>) -> Claim {
    harness
        .state()
        .insurance
        .view
        .detail
        .as_ref()
        .expect("a claim is selected")
        .claim
        .clone()
}

#[test]
fn a_claim_from_registration_to_payment() {
    let (dir, path) = temp_ledger();
    {
        let clock = FixedClock::at_date(today());
        let mut ledger = Ledger::open(&path, &clock).unwrap();
        ledger.add_member(&zhang_sanfeng(), &clock).unwrap();
        ledger.set_setting("handler", "李会计").unwrap();
        let plan_id = ledger.add_plan(&hospital_plan(&ledger), &clock).unwrap();
        ledger
            .enrol(&enrol_spec(plan_id, BatchGroup::in_service()), &clock)
            .unwrap();
    }
    let scan = dir.path().join("发票.jpg");
    std::fs::write(&scan, b"scanned invoice").unwrap();
    let dialogs = ScriptedDialogs {
        attachments: vec![scan],
        ..ScriptedDialogs::default()
    };
    let mut harness = harness_for(&path, dialogs);
    nav(&mut harness, "互助保障");
    harness.get_by_label("理赔").click();
    harness.run();

    // Register the claim: the stay's days show as the dates are typed.
    type_into(&mut harness, "姓名、工号或拼音首字母", "zsf");
    type_into(&mut harness, "疾病或诊断，如 冠心病", "冠心病");
    type_into(&mut harness, "医院，如 市一院", "市一院");
    type_into(&mut harness, "入院日期，如 2026-05-03", "2026-05-03");
    type_into(&mut harness, "出院日期（未出院可不填）", "2026-05-11");
    harness.get_by_label("住院 8 天");
    type_into(&mut harness, "住院总费用", "12000");
    type_into(&mut harness, "合规费用（医保范围内）", "10000");
    type_into(&mut harness, "医保已报销", "4000");
    harness.get_by_label("登记理赔").click();
    harness.run();
    harness.run();
    assert_eq!(
        notice(&harness),
        "已登记理赔：张三丰 冠心病，计算赔付 2,900.00 元"
    );

    // The computation, one step a line.
    let claim = selected_claim(&harness);
    assert_eq!(claim.state, ClaimState::Registered);
    assert_eq!(claim.computed.amount_fen, 290_000);
    for step in &claim.computed.steps {
        harness.get_by_label(step);
    }
    harness.get_by_label("计算金额 2,900.00 元");

    // Tick five papers; the invoices come as a scanned file.
    for kind in [
        "申请表",
        "身份证和银行卡",
        "住院结算单",
        "出院记录",
        "诊断证明",
    ] {
        harness.get_by_label(kind).click();
        harness.run();
        harness.run();
    }
    harness
        .get_all_by_label("附加扫描件…")
        .nth(4)
        .unwrap()
        .click();
    harness.run();
    harness.run();
    assert_eq!(notice(&harness), "已附加扫描件“发票.jpg”（发票）");
    let claim = selected_claim(&harness);
    assert!(
        claim.missing_documents().is_empty(),
        "{:?}",
        claim.documents
    );
    assert_eq!(claim.file_count, 1);
    harness.get_by_label_contains("发票.jpg（1 KB）");

    // Submit, approve another amount, pay.
    harness.get_by_label("提交").click();
    harness.run();
    harness.run();
    assert_eq!(selected_claim(&harness).state, ClaimState::Submitted);
    assert!(selected_claim(&harness).warnings.is_empty());
    retype(&mut harness, "核定金额（元）", "2800");
    harness.get_by_label("核定").click();
    harness.run();
    harness.run();
    let claim = selected_claim(&harness);
    assert_eq!(claim.state, ClaimState::Approved);
    assert_eq!(claim.approved_fen, Some(280_000));
    assert_eq!(claim.computed.amount_fen, 290_000);
    harness.get_by_label("核定金额 2,800.00 元");
    harness.get_by_label("支付").click();
    harness.run();
    harness.run();
    let claim = selected_claim(&harness);
    assert_eq!(claim.state, ClaimState::Paid);
    assert!(!claim.paid_voucher.is_empty());
    assert_eq!(
        notice(&harness),
        format!(
            "已支付 张三丰 冠心病 的理赔，金额 2,800.00 元（已支付），凭证 {}",
            claim.paid_voucher
        )
    );
    let paid = harness
        .state()
        .recent_rows()
        .iter()
        .find(|row| row.voucher_no == claim.paid_voucher)
        .expect("the payout is in the ledger");
    assert_eq!(paid.entry.kind, EntryKind::Disbursement);
    assert_eq!(paid.entry.amount_fen, 280_000);
    // The year's totals and the member's usage count the payout.
    harness.get_by_label_contains("赔付 1 人次 · 2,800.00 元");
    harness.get_by_label("2026 职工住院医疗互助保障：1 次，2,800.00 元");
}

/// 张三丰 enrolled in the hospital plan, with a claim registered for a stay in May and
/// none of its papers in.
fn ledger_with_claim(path: &Path) -> (Ledger, Claim) {
    let clock = FixedClock::at_date(today());
    let mut ledger = Ledger::open(path, &clock).unwrap();
    let member_id = ledger.add_member(&zhang_sanfeng(), &clock).unwrap();
    ledger.set_setting("handler", "李会计").unwrap();
    let plan_id = ledger.add_plan(&hospital_plan(&ledger), &clock).unwrap();
    ledger
        .enrol(&enrol_spec(plan_id, BatchGroup::in_service()), &clock)
        .unwrap();
    let claim = ledger
        .add_claim(
            &NewClaim {
                plan_id,
                member_id,
                illness: "冠心病".into(),
                hospital: "市一院".into(),
                admission: date(2026, 5, 3),
                discharge: Some(date(2026, 5, 11)),
                total_cost_fen: 1_200_000,
                eligible_cost_fen: 1_000_000,
                social_insurance_fen: 400_000,
                other_aid_fen: 0,
                grade: String::new(),
            },
            &clock,
        )
        .unwrap();
    (ledger, claim)
}

#[test]
fn paying_a_claim_with_documents_missing_asks_first_and_names_them() {
    let (_dir, path) = temp_ledger();
    {
        let clock = FixedClock::at_date(today());
        let (mut ledger, claim) = ledger_with_claim(&path);
        ledger
            .submit_claim(claim.id, date(2026, 5, 20), &clock)
            .unwrap();
        ledger
            .approve_claim(claim.id, 290_000, date(2026, 5, 25), &clock)
            .unwrap();
    }
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    nav(&mut harness, "互助保障");
    harness.get_by_label("理赔").click();
    harness.run();
    harness.get_by_label_contains("冠心病").click();
    harness.run();
    harness.run();
    assert_eq!(selected_claim(&harness).state, ClaimState::Approved);
    let missing = selected_claim(&harness).missing_documents().len();
    assert!(missing > 0);

    // 支付 asks first, naming every missing paper; 取消 pays nothing.
    harness.get_by_label("支付").click();
    harness.run();
    harness.get_by_label("材料不全，确认支付？");
    let names: Vec<&str> = selected_claim(&harness)
        .missing_documents()
        .iter()
        .map(|kind| kind.label())
        .collect();
    harness.get_by_label(&format!(
        "张三丰 冠心病 的理赔缺少 {missing} 项材料：{}。",
        names.join("、")
    ));
    harness.get_by_label("取消").click();
    harness.run();
    harness.run();
    assert_eq!(selected_claim(&harness).state, ClaimState::Approved);

    // Confirmed, it is paid.
    harness.get_by_label("支付").click();
    harness.run();
    harness.get_by_label("仍然支付").click();
    harness.run();
    harness.run();
    assert_eq!(selected_claim(&harness).state, ClaimState::Paid);
    assert!(
        notice(&harness).starts_with("已支付 张三丰 冠心病 的理赔，金额 2,900.00 元"),
        "{}",
        notice(&harness)
    );
}

#[test]
fn pick_fields_show_what_initials_picked_once_the_field_is_left() {
    let (_dir, path) = temp_ledger();
    {
        let clock = FixedClock::at_date(today());
        let mut ledger = Ledger::open(&path, &clock).unwrap();
        ledger.add_member(&zhang_sanfeng(), &clock).unwrap();
        let mut other = MemberDraft::new("A2048", "张思峰");
        other.department = "外科".to_string();
        ledger.add_member(&other, &clock).unwrap();
        ledger.set_setting("handler", "李会计").unwrap();
        let plan_id = ledger.add_plan(&hospital_plan(&ledger), &clock).unwrap();
        ledger
            .enrol(&enrol_spec(plan_id, BatchGroup::in_service()), &clock)
            .unwrap();
    }
    let mut harness = harness_for(&path, ScriptedDialogs::default());

    // 走访: the reason typed as initials shows its name once the field is left.
    nav(&mut harness, "走访");
    type_into(&mut harness, "如 住院、退休、kn", "sbzy");
    harness.key_press(egui::Key::Tab);
    harness.run();
    harness.get_by_label("已选：生病住院");

    // 互助保障 › 理赔: initials matching two people; the one chosen is shown.
    nav(&mut harness, "互助保障");
    harness.get_by_label("理赔").click();
    harness.run();
    type_into(&mut harness, "姓名、工号或拼音首字母", "zsf");
    harness.key_press(egui::Key::Tab);
    harness.run();
    let chosen = harness.state().insurance.claims.form.member.selected;
    let chosen = harness
        .state()
        .session
        .as_ref()
        .unwrap()
        .data
        .member(chosen.expect("a member is chosen"))
        .unwrap()
        .clone();
    harness.get_by_label_contains(&union_ledger::ui::widgets::member_label(&chosen));

    // 登记: the hint's example selects what it promises.
    nav(&mut harness, "登记");
    type_into(&mut harness, "如 住院、sbzy、春节", "sbzy");
    harness.key_press(egui::Key::Tab);
    harness.run();
    harness.get_by_label_contains("五必访 / 生病住院");
}

#[test]
fn without_a_system_file_dialog_a_scan_is_attached_by_typed_path() {
    let (dir, path) = temp_ledger();
    {
        ledger_with_claim(&path);
    }
    let scan = dir.path().join("发票.jpg");
    std::fs::write(&scan, b"scanned invoice").unwrap();
    // The scripted dialogs give no file, as rfd does where no portal answers.
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    nav(&mut harness, "互助保障");
    harness.get_by_label("理赔").click();
    harness.run();
    harness.get_by_label_contains("冠心病").click();
    harness.run();
    harness.run();
    harness
        .get_all_by_label("附加扫描件…")
        .nth(4)
        .unwrap()
        .click();
    harness.run();
    harness.get_by_label("附加扫描件：发票");
    let hint = "扫描件路径，如 /home/用户/扫描/发票.jpg";
    let missing = dir.path().join("没有这个文件.jpg");
    type_into(&mut harness, hint, &missing.display().to_string());
    harness.get_by_label("附加").click();
    harness.run();
    harness.get_by_label(&format!("扫描件路径：找不到文件“{}”", missing.display()));
    retype(&mut harness, hint, &scan.display().to_string());
    harness.get_by_label("附加").click();
    harness.run();
    harness.run();
    assert_eq!(notice(&harness), "已附加扫描件“发票.jpg”（发票）");
    assert_eq!(selected_claim(&harness).file_count, 1);
}

/// Clicks a button in a long form, scrolled into view first.
fn press(harness: &mut Harness<'_, LedgerApp>, label: &str) {
    harness.get_by_label(label).scroll_to_me();
    harness.run();
    harness.get_by_label(label).click();
    harness.run();
}

#[test]
fn add_a_plan_in_the_window() {
    let (_dir, path) = temp_ledger();
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    nav(&mut harness, "互助保障");
    harness.get_by_label("新增计划").click();
    harness.run();
    type_into(
        &mut harness,
        "如 2026 职工住院医疗互助保障",
        "2026 女职工特殊疾病互助保障",
    );
    type_into(
        &mut harness,
        "如 市总工会职工互助保障会",
        "市总工会职工互助保障会",
    );
    type_into(&mut harness, "保障开始日期，如 2026-01-01", "2026-01-01");
    type_into(&mut harness, "保障结束日期，如 2026-12-31", "2026-12-31");
    type_into(&mut harness, "工会承担保费，如 40", "20");
    type_into(&mut harness, "个人承担保费，如 0", "10");
    type_into(&mut harness, "参保开始日期，如 2025-12-01", "2025-12-01");
    type_into(&mut harness, "参保截止日期，如 2026-01-31", "2026-01-31");
    harness
        .get_by_role_and_label(Role::ComboBox, "性别")
        .click();
    harness.run();
    harness.get_by_label("女").click();
    harness.run();
    type_into(&mut harness, "最低年龄", "16");
    type_into(&mut harness, "最高年龄", "60");

    // No rule yet: the field is named.
    press(&mut harness, "保存计划");
    harness.get_by_label_contains("赔付规则：至少添加一条");

    // A ratio typed as a percentage with a decimal; a wrong one is refused first.
    type_into(&mut harness, "比例，如 50 或 12.5", "百分之十");
    press(&mut harness, "添加这条规则");
    harness.get_by_label_contains("赔付比例：“百分之十”不是百分比");
    retype(&mut harness, "比例，如 50 或 12.5", "12.5");
    type_into(&mut harness, "起付线，如 1000", "500");
    press(&mut harness, "添加这条规则");
    harness.get_by_label_contains("1. 合规费用（扣除医保已报）超过起付线 500 元的部分按 12.5%");

    // Tiers, one grade at a time.
    press(&mut harness, "按诊断等级");
    type_into(&mut harness, "第 1 个等级名称", "一级");
    type_into(&mut harness, "第 1 个等级金额（元）", "10000");
    press(&mut harness, "再加一个等级");
    type_into(&mut harness, "第 2 个等级名称", "二级");
    type_into(&mut harness, "第 2 个等级金额（元）", "5000");
    press(&mut harness, "添加这条规则");

    press(&mut harness, "保存计划");
    harness.run();
    assert_eq!(
        notice(&harness),
        "已添加互助保障计划“2026 女职工特殊疾病互助保障”"
    );
    let plans = &harness.state().insurance.view.plans;
    assert_eq!(plans.len(), 1);
    let plan = &plans[0];
    assert_eq!(plan.premium_union_fen, 2_000);
    assert_eq!(plan.premium_worker_fen, 1_000);
    assert_eq!(plan.eligibility.gender, Some(Gender::Female));
    assert_eq!(plan.eligibility.min_age, Some(16));
    assert_eq!(plan.eligibility.max_age, Some(60));
    assert_eq!(plan.claim_days_after_end, 90);
    assert_eq!(
        plan.benefits,
        vec![
            BenefitRule::Ratio {
                ratio_bp: 1_250,
                deductible_fen: 50_000,
                cap_per_claim_fen: None,
                cap_per_period_fen: None,
            },
            BenefitRule::Tiers {
                tiers: vec![
                    Tier {
                        grade: "一级".into(),
                        amount_fen: 1_000_000
                    },
                    Tier {
                        grade: "二级".into(),
                        amount_fen: 500_000
                    },
                ]
            },
        ]
    );
    // The plan is listed with its terms.
    harness.get_by_label("理赔截止");
    harness.get_by_label("按诊断等级给付：一级 10,000 元、二级 5,000 元");
}

#[test]
fn a_member_who_joins_mid_year_is_enrolled_by_hand() {
    let (_dir, path) = temp_ledger();
    {
        let clock = FixedClock::at_date(today());
        let mut ledger = Ledger::open(&path, &clock).unwrap();
        ledger.add_member(&zhang_sanfeng(), &clock).unwrap();
        let mut retired = MemberDraft::new("A2001", "李四");
        retired.status = MemberStatus::Retired;
        ledger.add_member(&retired, &clock).unwrap();
        ledger.add_plan(&hospital_plan(&ledger), &clock).unwrap();
    }
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    nav(&mut harness, "互助保障");
    harness.get_by_label("参保").click();
    harness.run();
    harness.run();
    // Both are listed as not enrolled; the plan would refuse the retiree, and says why.
    harness.get_by_label("未参保（2 人）");
    harness.get_by_label("李四为退休人员，本计划只保在职");
    harness.get_by_label("符合条件，未参保");

    // A click on the row picks 张三丰 by hand.
    harness.get_by_label("张三丰").click();
    harness.run();
    assert_eq!(harness.state().insurance.enrol.group.picked.len(), 1);
    retype(&mut harness, "参保日期，如 2026-01-10", "2026-06-15");
    type_into(&mut harness, "纪要编号，如 2026-05", "2026-07");
    type_into(&mut harness, "决议日期，如 2026-06-01", "2026-06-12");
    harness.get_by_label("办理参保").click();
    harness.run();
    harness.run();
    assert_eq!(
        notice(&harness),
        "参保 1 人，此前已参保 0 人，不符合条件 0 人；工会承担保费 40.00 元"
    );
    harness.get_by_label("已参保（1 人）");
    harness.get_by_label("未参保（1 人）");
    harness.get_by_label("2026-06-15");
    harness.get_by_label_contains("参保 1 人 · 保费 40.00 元");
}

/// Steps the window until the PDF being laid out is written (or a minute passes).
fn wait_for_render(harness: &mut Harness<'_, LedgerApp>) {
    for _ in 0..600 {
        harness.step();
        if harness.state().reports.job.is_none() {
            harness.run();
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the PDF was not written within a minute");
}

#[test]
fn reports_preview_a_sign_off_sheet_then_save_and_print_it() {
    let (dir, path) = temp_ledger();
    {
        let clock = FixedClock::at_date(today());
        let mut ledger = Ledger::open(&path, &clock).unwrap();
        ledger.fill_demo(60, 1, 3, &clock).unwrap();
    }
    let xlsx = dir.path().join("签领表.xlsx");
    let pdf = dir.path().join("签领表.pdf");
    let text = dir.path().join("签领表.txt");
    let dialogs = ScriptedDialogs {
        saves: vec![xlsx.clone(), pdf.clone(), text.clone()],
        ..ScriptedDialogs::default()
    };
    let opened = dialogs.opened.clone();
    let mut harness = harness_for(&path, dialogs);
    nav(&mut harness, "报表");
    // Nothing to save before a preview.
    assert!(
        harness
            .get_by_label("保存 PDF…")
            .accesskit_node()
            .is_disabled()
    );
    harness.get_by_label("发放签领表").click();
    harness.run();
    harness.get_by_label("生成预览").click();
    harness.run();
    harness.get_by_label("请先选择发放批次");
    harness
        .get_by_role_and_label(Role::ComboBox, "发放批次")
        .click();
    harness.run();
    harness.get_by_label_contains("P2026-0001").click();
    harness.run();
    harness.get_by_label("生成预览").click();
    harness.run();
    harness.run();
    let (_, form) = harness.state().reports.preview.clone().unwrap();
    assert_eq!(form.title, "发放签领表");
    let capitals = form.notes[0].clone();
    assert!(capitals.starts_with("合计人民币（大写）："), "{capitals}");
    harness.get_by_label(&capitals);
    // One page that scrolls, departments in pinyin order with their headings from the
    // left, amounts flush right.
    mask_path(&mut harness);
    harness.snapshot("reports_signoff");
    // Excel is written at once, from the same form.
    harness.get_by_label("保存 Excel…").click();
    harness.run();
    let bytes = std::fs::read(&xlsx).unwrap();
    assert!(bytes.starts_with(b"PK"), "not an xlsx");
    assert!(
        notice(&harness).starts_with("已保存 发放签领表"),
        "{}",
        notice(&harness)
    );
    // The PDF is laid out on a worker thread; the window keeps drawing meanwhile.
    harness.get_by_label("保存 PDF…").click();
    wait_for_render(&mut harness);
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"), "not a pdf");
    assert_eq!(
        harness.state().reports.saved,
        vec![xlsx.clone(), pdf.clone()]
    );
    harness.get_by_label("保存文本…").click();
    harness.run();
    let saved = std::fs::read_to_string(&text).unwrap();
    assert!(saved.contains(&capitals), "{saved}");
    // 打开 PDF 打印 writes a copy and hands it to the system viewer.
    harness.get_by_label("打开 PDF 打印").click();
    wait_for_render(&mut harness);
    let opened = opened.lock().unwrap().clone();
    assert_eq!(opened.len(), 1);
    assert!(std::fs::read(&opened[0]).unwrap().starts_with(b"%PDF"));
    assert!(
        notice(&harness).contains("并用系统程序打开"),
        "{}",
        notice(&harness)
    );
}

#[test]
fn without_a_system_save_dialog_the_path_is_typed_and_a_bad_one_is_refused_in_chinese() {
    let (dir, path) = temp_ledger();
    {
        let clock = FixedClock::at_date(today());
        let mut ledger = Ledger::open(&path, &clock).unwrap();
        ledger.fill_demo(30, 1, 3, &clock).unwrap();
    }
    // The scripted dialogs give no file, as rfd does where no portal answers.
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    nav(&mut harness, "报表");
    harness.get_by_label("生成预览").click();
    harness.run();
    harness.get_by_label("保存 Excel…").click();
    harness.run();
    harness.get_by_label("系统的保存对话框没有打开（或已取消）。请在这里输入保存位置：");
    let hint = "保存位置，如 /home/用户/文档/季度汇总表.pdf";
    // A folder that does not exist is named, and nothing is written.
    let missing = dir.path().join("没有这个文件夹").join("季度汇总表");
    retype(&mut harness, hint, &missing.display().to_string());
    harness.get_by_label("保存").click();
    harness.run();
    harness.get_by_label(&format!(
        "保存位置：文件夹“{}”不存在",
        missing.parent().unwrap().display()
    ));
    // A good path without an extension gets the format's.
    let target = dir.path().join("季度汇总表");
    retype(&mut harness, hint, &target.display().to_string());
    harness.get_by_label("保存").click();
    harness.run();
    let written = dir.path().join("季度汇总表.xlsx");
    assert!(std::fs::read(&written).unwrap().starts_with(b"PK"));
    assert!(harness.state().reports.save_as.is_none());
    assert_eq!(
        notice(&harness),
        format!("已保存 季度汇总表：{}", written.display())
    );
    // The PDF likewise, laid out on the worker thread.
    harness.get_by_label("保存 PDF…").click();
    harness.run();
    let pdf = dir.path().join("汇总.pdf");
    retype(&mut harness, hint, &pdf.display().to_string());
    harness.get_by_label("保存").click();
    wait_for_render(&mut harness);
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
}

#[test]
fn switching_the_form_clears_the_preview_and_changed_conditions_are_flagged() {
    let (_dir, path) = temp_ledger();
    {
        let clock = FixedClock::at_date(today());
        let mut ledger = Ledger::open(&path, &clock).unwrap();
        ledger.fill_demo(30, 1, 3, &clock).unwrap();
    }
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    nav(&mut harness, "报表");
    harness.get_by_label("生成预览").click();
    harness.run();
    harness.run();
    let (_, form) = harness.state().reports.preview.clone().unwrap();
    assert_eq!(form.title, "季度汇总表");
    let stale = "条件已更改：下面仍是上次生成的报表，保存和打印的也是它。点“生成预览”更新。";
    assert!(harness.query_by_label(stale).is_none());
    // Another quarter: the old tally stays on screen, marked as not what is asked for.
    harness
        .get_by_role_and_label(Role::ComboBox, "季度")
        .click();
    harness.run();
    harness.get_by_label("第1季度").click();
    harness.run();
    harness.get_by_label(stale);
    harness.get_by_label("生成预览").click();
    harness.run();
    harness.run();
    assert!(harness.query_by_label(stale).is_none());
    // Another form: nothing left to save under the new form's name.
    harness.get_by_label("收入支出表").click();
    harness.run();
    assert!(harness.state().reports.preview.is_none());
    assert!(
        harness
            .get_by_label("保存 PDF…")
            .accesskit_node()
            .is_disabled()
    );
}

#[test]
fn a_voucher_number_that_is_income_is_refused_on_the_reports_screen() {
    let (_dir, path) = temp_ledger();
    let first_income = {
        let clock = FixedClock::at_date(today());
        let mut ledger = Ledger::open(&path, &clock).unwrap();
        ledger.fill_demo(30, 1, 3, &clock).unwrap();
        (1..)
            .map(|id| ledger.entry(id).unwrap())
            .find(|entry| entry.kind == EntryKind::Income)
            .unwrap()
            .voucher_no()
    };
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    nav(&mut harness, "报表");
    harness.get_by_label("支出凭单").click();
    harness.run();
    harness.get_by_label("生成预览").click();
    harness.run();
    harness.get_by_label("请输入凭证号，如 2026-000123");
    type_into(&mut harness, "如 2026-000123", &first_income);
    harness.get_by_label("生成预览").click();
    harness.run();
    harness.get_by_label(&format!(
        "凭证：{first_income} 是收入，支出凭单只能打印支出凭证"
    ));
    assert!(harness.state().reports.preview.is_none());
}

#[test]
fn a_closed_quarter_is_exported_as_a_sealed_snapshot_from_the_audit_screen() {
    let (dir, path) = temp_ledger();
    {
        let clock = FixedClock::at_date(today());
        let mut ledger = Ledger::open(&path, &clock).unwrap();
        ledger.fill_demo(40, 1, 3, &clock).unwrap();
        ledger.set_union_name("内科分会").unwrap();
        ledger
            .close_period(union_ledger::core::date::Period::quarter(2026, 1), "")
            .unwrap();
    }
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    nav(&mut harness, "审计");
    harness.get_by_label("导出 2026年第1季度 上报快照").click();
    harness.step();
    settle_work(&mut harness);
    harness.run();
    let snapshot = dir.path().join("上报/内科分会-2026年第1季度.db");
    assert!(
        notice(&harness).starts_with(&format!(
            "已导出 2026年第1季度 上报快照：{}",
            snapshot.display()
        )),
        "{}",
        notice(&harness)
    );
    let manifest = union_ledger::store::read_manifest(&snapshot)
        .unwrap()
        .unwrap();
    assert_eq!(manifest.union_name, "内科分会");
    assert_eq!(manifest.period_start, "2026-01-01");
    // The union above takes it.
    let mut book =
        union_ledger::store::ConsolidationBook::open(&dir.path().join("汇总.db")).unwrap();
    let registered = book
        .register(&snapshot, &FixedClock::at_date(today()))
        .unwrap();
    assert_eq!(registered.head, manifest.head);
}

#[test]
fn the_consolidation_screen_lists_branches_with_their_state_and_shows_the_consolidated_tally() {
    let (dir, path) = temp_ledger();
    let clock = FixedClock::at_date(today());
    let period = union_ledger::core::date::Period::quarter(2026, 1);
    let mut snapshots = Vec::new();
    for (seed, name) in [(21, "内科分会"), (22, "外科分会")] {
        let branch = dir.path().join(format!("{name}.db"));
        let mut ledger = Ledger::open(&branch, &clock).unwrap();
        ledger.fill_demo(30, 1, seed, &clock).unwrap();
        ledger.set_union_name(name).unwrap();
        ledger.close_period(period, "").unwrap();
        let snapshot = dir.path().join(format!("{name}-2026Q1.db"));
        ledger.export_snapshot(period, &snapshot, &clock).unwrap();
        snapshots.push(snapshot);
    }
    // The first by its path typed, the second chosen in the system's dialog.
    let saved = dir.path().join("汇总-2026Q1.xlsx");
    let dialogs = ScriptedDialogs {
        snapshots: vec![snapshots[1].clone()],
        saves: vec![saved.clone()],
        ..Default::default()
    };
    let mut harness = harness_for(&path, dialogs);
    nav(&mut harness, "汇总");
    harness.get_by_label_contains("还没有登记任何快照");
    for (index, snapshot) in snapshots.iter().enumerate() {
        if index == 0 {
            type_into(
                &mut harness,
                "分会导出的快照文件路径",
                &snapshot.display().to_string(),
            );
            harness.get_by_label("检查并登记").click();
        } else {
            harness.get_by_label("选择文件…").click();
        }
        harness.step();
        // The check runs on a thread of its own: the window draws meanwhile.
        assert!(harness.state().is_busy());
        settle_work(&mut harness);
        harness.run();
        assert!(
            notice(&harness).starts_with("已登记："),
            "{}",
            notice(&harness)
        );
    }
    // Both branches, each 正常, in the book beside the ledger.
    harness.get_by_label("内科分会");
    harness.get_by_label("外科分会");
    assert_eq!(harness.get_all_by_label("正常").count(), 2);
    assert!(dir.path().join("consolidation.db").is_file());
    // The consolidated tally of the quarter.
    type_into(&mut harness, "期间，如 2026Q3 或 2026", "2026Q1");
    harness.get_by_label("生成汇总").click();
    harness.step();
    settle_work(&mut harness);
    harness.run();
    harness.get_by_label("季度汇总表（汇总）");
    harness.get_by_label_contains("2 个：内科分会、外科分会");
    let form = harness.state().consolidation.form.clone().unwrap();
    assert!(
        form.tables()
            .any(|table| table.caption.starts_with("【外科分会】"))
    );
    // Saved as a workbook from 汇总 itself.
    harness.get_by_label("保存 Excel…").click();
    harness.run();
    assert_eq!(
        notice(&harness),
        format!("已保存 季度汇总表（汇总）：{}", saved.display())
    );
    use calamine::Reader;
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(&saved).unwrap();
    let sheet = workbook.worksheet_range_at(0).unwrap().unwrap();
    assert!(
        sheet
            .rows()
            .any(|row| row.iter().any(|cell| *cell == "支出合计"))
    );
    // Drill down: the first figure of 外科分会's own spending table lists the entries
    // behind it, adding up to it. The same text may stand elsewhere on the form: the
    // cells are drawn in order, so its place among them is its place among the labels.
    use union_ledger::core::forms::Cell;
    let own = form
        .tables()
        .find(|t| t.caption == "【外科分会】一、慰问支出")
        .unwrap();
    let target = own
        .rows
        .iter()
        .flat_map(|row| row.cells.iter())
        .find_map(|cell| match cell {
            Cell::Money(fen) if *fen > 0 => Some((*fen, cell.display())),
            _ => None,
        });
    let mut seen = 0;
    let (figure, text) = target.expect("a figure of 外科分会");
    for table in form.tables() {
        if table.caption == "【外科分会】一、慰问支出" {
            break;
        }
        seen += table
            .rows
            .iter()
            .flat_map(|row| row.cells.iter())
            .filter(|cell| cell.display() == text)
            .count();
    }
    let before_in_table = own
        .rows
        .iter()
        .flat_map(|row| row.cells.iter())
        .take_while(|cell| !matches!(cell, Cell::Money(fen) if *fen == figure))
        .filter(|cell| cell.display() == text)
        .count();
    let nth = seen + before_in_table;
    harness.set_size(egui::vec2(1366.0, 9000.0));
    harness.run();
    harness.get_all_by_label(&text).nth(nth).unwrap().click();
    harness.step();
    settle_work(&mut harness);
    harness.run();
    let found = match &harness.state().consolidation.entries {
        Some(Ok(found)) => found.clone(),
        other => panic!("no entries: {other:?}"),
    };
    assert_eq!(found.branch, "外科分会");
    assert_eq!(found.total_fen, figure);
    assert!(!found.rows.is_empty());
    harness.get_by_label_contains(&format!("合计 {text} 元"));
    // A figure of the total table says where to click instead.
    let total = form.tables().next().unwrap().rows.last().unwrap().cells[3].display();
    harness.get_all_by_label(&total).next().unwrap().click();
    harness.run();
    harness.get_by_label_contains("合计表汇总了各分会");
    // Back to the branch's figure, and its snapshot opened read-only at those entries.
    harness.get_all_by_label(&text).nth(nth).unwrap().click();
    harness.step();
    settle_work(&mut harness);
    harness.run();
    harness.get_by_label("只读打开该快照").click();
    harness.run();
    let app = harness.state();
    assert_eq!(app.db_path, PathBuf::from(&found.registration.stored));
    assert!(matches!(app.screen, union_ledger::ui::app::Screen::Ledger));
    assert!(app.session.as_ref().unwrap().data.read_only.is_some());
    let shown = app.ledger_view.index.as_ref().map(|index| index.count);
    assert_eq!(shown, Some(found.count));
    // 返回 brings back the ledger open before, at 汇总 with its form.
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    harness.get_by_label(&format!("返回 {name}")).click();
    harness.run();
    let app = harness.state();
    assert_eq!(app.db_path, path);
    assert!(matches!(
        app.screen,
        union_ledger::ui::app::Screen::Consolidation
    ));
    assert!(app.session.as_ref().unwrap().data.read_only.is_none());
    assert!(app.consolidation.form.is_some());
    assert!(harness.query_by_label(&format!("返回 {name}")).is_none());
}

#[test]
fn a_consolidation_book_changed_outside_the_program_is_named_in_the_consolidation_screen() {
    let (dir, path) = temp_ledger();
    let clock = FixedClock::at_date(today());
    let period = union_ledger::core::date::Period::quarter(2026, 1);
    let branch = dir.path().join("内科分会.db");
    let mut ledger = Ledger::open(&branch, &clock).unwrap();
    ledger.fill_demo(30, 1, 21, &clock).unwrap();
    ledger.set_union_name("内科分会").unwrap();
    ledger.close_period(period, "").unwrap();
    let snapshot = dir.path().join("内科分会-2026Q1.db");
    ledger.export_snapshot(period, &snapshot, &clock).unwrap();
    let book_path = dir.path().join("consolidation.db");
    union_ledger::store::ConsolidationBook::open(&book_path)
        .unwrap()
        .register(&snapshot, &clock)
        .unwrap();
    let conn = rusqlite::Connection::open(&book_path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER registrations_append_only_update;
         UPDATE registrations SET entries = entries + 1;",
    )
    .unwrap();
    drop(conn);
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    nav(&mut harness, "汇总");
    harness.get_by_label_contains("汇总台账的登记记录被改动过：第 1 条登记（内科分会");
}

#[test]
fn close_a_quarter_from_the_audit_screen_and_read_the_change_log() {
    let (_dir, path) = temp_ledger();
    {
        let clock = FixedClock::at_date(today());
        let mut ledger = Ledger::open(&path, &clock).unwrap();
        ledger.fill_demo(40, 1, 3, &clock).unwrap();
        ledger.set_setting("handler", "李会计").unwrap();
    }
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    nav(&mut harness, "审计");
    harness.get_by_label_contains("变更日志完整");
    harness.state_mut().audit.year = Some(2026);
    harness
        .get_by_role_and_label(Role::ComboBox, "结账期间")
        .click();
    harness.run();
    harness.get_by_label("第1季度").click();
    harness.run();
    // Closing asks first, naming the period and what follows; 取消 closes nothing.
    harness.get_by_label("执行结账…").click();
    harness.run();
    harness.get_by_label("确认结账：2026年第1季度");
    harness.get_by_label_contains("2026-01-01 至 2026-03-31 的凭证不能再新增或冲销");
    harness.get_by_label("取消").click();
    harness.run();
    let closed_now = |harness: &Harness<'_, LedgerApp>| {
        harness
            .state()
            .session
            .as_ref()
            .unwrap()
            .data
            .closed_periods
            .iter()
            .filter(|closed| closed.is_closed())
            .count()
    };
    assert_eq!(closed_now(&harness), 0);
    harness.get_by_label("执行结账…").click();
    harness.run();
    harness.get_by_label("确认结账").click();
    harness.run();
    // The check shown was made before the close: it says so until it is made again.
    harness.get_by_label_contains("以上是此前的校验结果");
    assert!(
        notice(&harness).starts_with("已结账：2026年第1季度"),
        "{}",
        notice(&harness)
    );
    // Nothing can be entered into the closed quarter any more.
    let data = &harness.state().session.as_ref().unwrap().data;
    let category = data
        .categories
        .iter()
        .find(|c| c.name == "生病住院")
        .unwrap()
        .clone();
    let member_id = data.members[0].id;
    let count = entry_count(&harness);
    harness.state_mut().push_command(Command::AddEntry(
        NewEntry {
            kind: EntryKind::Disbursement,
            date: NaiveDate::from_ymd_opt(2026, 2, 3).unwrap(),
            fund_id: category.default_fund_id.unwrap(),
            category_id: Some(category.id),
            source_id: None,
            member_id: Some(member_id),
            amount_fen: 30_000,
            payment_form: PaymentForm::Cash,
            handler: "李会计".into(),
            note: String::new(),
        },
        Default::default(),
    ));
    harness.run();
    assert!(notice(&harness).contains("已结账"), "{}", notice(&harness));
    assert_eq!(entry_count(&harness), count);
    harness.get_by_label("知道了").click();
    harness.run();
    // Reopening needs a reason.
    harness.get_by_label("反结账 2026年第1季度").click();
    harness.run();
    assert!(
        notice(&harness).contains("必须写明原因"),
        "{}",
        notice(&harness)
    );
    harness.get_by_label("知道了").click();
    harness.run();
    type_into(&mut harness, "反结账必须写明原因", "补记漏登的慰问");
    harness.get_by_label("反结账 2026年第1季度").click();
    harness.run();
    assert_eq!(notice(&harness), "已反结账：2026年第1季度");
    // The change log shows both, with the clerk.
    harness.get_by_label("查询日志").click();
    harness.run();
    let log = harness.state().audit.log.clone().unwrap();
    assert!(
        log[0].action.starts_with("反结账 2026年第1季度"),
        "{}",
        log[0].action
    );
    assert!(
        log[1]
            .action
            .starts_with("结账 2026年第1季度（结账：新增 1"),
        "{}",
        log[1].action
    );
    assert_eq!(log[0].clerk, "李会计");
    mask_path(&mut harness);
    harness.snapshot("audit");
}

#[test]
fn a_read_only_window_says_so_and_refuses_changes() {
    let (_dir, path) = temp_ledger();
    {
        let clock = FixedClock::at_date(today());
        let mut ledger = Ledger::open(&path, &clock).unwrap();
        ledger.fill_demo(20, 1, 3, &clock).unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let read_only_path = path.clone();
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            install_fonts(&cc.egui_ctx);
            LedgerApp::new_with(
                read_only_path,
                Arc::new(FixedClock::at_date(today())),
                Box::new(ScriptedDialogs::default()),
                true,
            )
        });
    wait_for_chain_check(&mut harness);
    harness.get_by_label("只读：台账以只读方式打开（审计查阅）。");
    // The screens that only change the ledger have every control disabled.
    nav(&mut harness, "会员");
    assert!(
        harness
            .get_by_label("新增会员")
            .accesskit_node()
            .is_disabled()
    );
    nav(&mut harness, "首页");
    harness
        .state_mut()
        .push_command(Command::SetUnionName("别的工会".into()));
    harness.run();
    // In the error dialog and the status bar.
    assert_eq!(
        harness
            .get_all_by_label("台账以只读方式打开（审计查阅），不能修改。")
            .count(),
        2
    );
    harness.get_by_label("知道了").click();
    harness.run();
    drop(harness);
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn an_entry_changed_outside_the_program_is_flagged_on_home_after_the_background_check() {
    let (_dir, path) = temp_ledger();
    {
        let clock = FixedClock::at_date(today());
        let mut ledger = Ledger::open(&path, &clock).unwrap();
        ledger.fill_demo(30, 1, 3, &clock).unwrap();
    }
    // Intact: the check made at opening is reported once the worker is done.
    let harness = harness_for(&path, ScriptedDialogs::default());
    harness.get_by_label_contains("打开时校验：文件完整，变更日志完整");
    drop(harness);
    // Someone with the sqlite3 tool raises an amount.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER entries_no_update;
         UPDATE entries SET amount_fen = amount_fen + 100 WHERE id = 7;",
    )
    .unwrap();
    drop(conn);
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    harness.get_by_label_contains("（编号 7）的内容在程序之外被改动");
    nav(&mut harness, "审计");
    harness.get_by_label_contains("变更日志校验失败");
}

#[test]
fn a_file_found_damaged_after_opening_stops_taking_writes_and_names_the_newest_backup() {
    let (dir, path) = temp_ledger();
    let clock = FixedClock::at_date(today());
    let good = {
        let mut ledger = Ledger::open(&path, &clock).unwrap();
        ledger.fill_demo(30, 1, 3, &clock).unwrap();
        ledger
            .automatic_backup("手动", clock.now() - chrono::Duration::hours(1))
            .unwrap()
            .unwrap()
    };
    // A page overwritten with garbage where opening does not look: the window opens
    // at once, and the full check on the worker thread finds it.
    common::overwrite_index_page(&path, "enrolments_entry");
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    harness.get_by_label_contains("数据库文件已损坏（完整性检查：");
    let good_name = good.file_name().unwrap().to_string_lossy().into_owned();
    harness.get_by_label_contains(&format!("最近的自动备份：{}", good.display()));
    assert!(good_name.contains("手动"));
    assert!(
        harness
            .state()
            .session
            .as_ref()
            .unwrap()
            .ledger
            .as_ref()
            .unwrap()
            .is_read_only(),
        "a damaged file must not be written to"
    );
    nav(&mut harness, "会员");
    assert!(
        harness
            .get_by_label("新增会员")
            .accesskit_node()
            .is_disabled()
    );
    // No opening backup of the damaged file pushes a good one out of the rotation.
    assert_eq!(union_ledger::store::automatic_backups(&path), vec![good]);
    drop(harness);
    drop(dir);
}

#[test]
fn an_unchanged_ledger_opened_twice_is_backed_up_once_and_the_check_time_shown() {
    let (_dir, path) = temp_ledger();
    {
        let clock = FixedClock::at_date(today());
        let mut ledger = Ledger::open(&path, &clock).unwrap();
        ledger.fill_demo(30, 1, 3, &clock).unwrap();
    }
    let harness = harness_for(&path, ScriptedDialogs::default());
    // The full check passed and its time is kept and shown.
    harness.get_by_label_contains("完整性检查最近一次通过：");
    drop(harness);
    assert_eq!(union_ledger::store::automatic_backups(&path).len(), 1);
    // Opened again the next day, unchanged: no second copy.
    let harness = harness_on(
        &path,
        ScriptedDialogs::default(),
        today() + chrono::Duration::days(1),
    );
    drop(harness);
    assert_eq!(union_ledger::store::automatic_backups(&path).len(), 1);
    // Changed, then opened: backed up again.
    {
        let clock = FixedClock::at_date(today() + chrono::Duration::days(1));
        let mut ledger = Ledger::open(&path, &clock).unwrap();
        ledger.set_union_name("示例市人民医院工会").unwrap();
    }
    let harness = harness_on(
        &path,
        ScriptedDialogs::default(),
        today() + chrono::Duration::days(2),
    );
    drop(harness);
    assert_eq!(union_ledger::store::automatic_backups(&path).len(), 2);
}

#[test]
fn the_clerk_is_asked_once_and_named_in_the_change_log() {
    let (_dir, path) = temp_ledger();
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    // Past the guided start, which would ask for the clerk itself.
    harness.get_by_label("全部跳过，直接开始").click();
    harness.run();
    harness.get_by_label_contains("请填写经办人姓名");
    type_into(&mut harness, "经办人姓名", "李会计");
    harness.get_by_label("记住经办人").click();
    harness.run();
    assert_eq!(notice(&harness), "已保存经办人");
    assert!(
        harness
            .query_by_label_contains("请填写经办人姓名")
            .is_none()
    );
    harness
        .state_mut()
        .push_command(Command::SetUnionName("示例医院工会".into()));
    harness.run();
    let ledger = harness
        .state()
        .session
        .as_ref()
        .unwrap()
        .ledger
        .as_ref()
        .unwrap();
    let last = &ledger
        .change_log(&union_ledger::store::LogFilter::default())
        .unwrap()[0];
    assert_eq!(last.clerk, "李会计");
    assert_eq!(last.action, "设置：修改 1");
}

#[test]
fn an_entry_written_by_another_program_appears_without_a_click() {
    let (_dir, path) = temp_ledger();
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    nav(&mut harness, "台账");
    assert_eq!(entry_count(&harness), 0);
    // Another program writes while the window is open.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_union-ledger"))
        .arg("--db")
        .arg(&path)
        .args([
            "entry", "add", "--kind", "收入", "--source", "会费", "--amount", "123.45",
        ])
        .args(["--date", &today().to_string(), "--note", "别处写入的会费"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // No click, no key: the window only goes on drawing.
    let mut frames = 0;
    while harness.query_by_label_contains("别处写入的会费").is_none() && frames < 40 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        harness.step();
        frames += 1;
    }
    harness.get_by_label_contains("别处写入的会费");
    assert!(frames >= 1, "it was not there before");
    assert_eq!(entry_count(&harness), 1);
    // 首页's figures moved too, and it counts the other program while it has the
    // ledger open.
    let other = Ledger::open_existing(&path, &FixedClock::at_date(today())).unwrap();
    nav(&mut harness, "首页");
    std::thread::sleep(std::time::Duration::from_millis(600));
    harness.step();
    harness.run();
    harness.get_by_label_contains("另有 1 个窗口或命令正在使用本台账");
    assert!(
        harness
            .state()
            .session
            .as_ref()
            .unwrap()
            .data
            .balances
            .iter()
            .any(|b| b.income_fen == 12_345),
        "the income shows in the fund balances"
    );
    drop(other);
}

#[test]
fn a_save_that_waits_for_another_program_says_so_keeps_the_form_and_then_saves() {
    let (_dir, path) = temp_ledger();
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    nav(&mut harness, "登记");
    harness.get_by_label("收入").click();
    harness.run();
    type_into(&mut harness, "如 会费、拨缴经费", "会费");
    harness.run();
    type_into(&mut harness, "如 500", "2000");
    // Another program is in the middle of a write.
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    harness.get_by_label("保存（Enter）").click();
    for _ in 0..3 {
        harness.step();
    }
    assert_eq!(notice(&harness), "正在等待另一处写入完成…");
    harness.get_by_label("正在等待另一处写入完成…");
    assert!(harness.state().error_dialog.is_none());
    assert_eq!(
        harness.state().entry.amount,
        "2000",
        "the typed form is kept"
    );
    assert_eq!(entry_count(&harness), 0);
    // The other write finishes: the save goes through by itself.
    holder.execute_batch("COMMIT").unwrap();
    let mut frames = 0;
    while entry_count(&harness) == 0 && frames < 50 {
        std::thread::sleep(std::time::Duration::from_millis(50));
        harness.step();
        frames += 1;
    }
    harness.run();
    assert_eq!(notice(&harness), "已保存凭证 2026-000001");
    assert_eq!(welfare_balance(&harness), 200_000);
}

#[test]
fn a_yearly_cap_used_by_another_program_shows_in_the_typed_form_before_saving() {
    let (_dir, path) = temp_ledger();
    // 李四 has had 1,400 of the 1,500 a year of holiday money.
    strict_ledger(&path);
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    nav(&mut harness, "登记");
    type_into(&mut harness, "姓名、工号或拼音首字母", "李四");
    type_into(&mut harness, "如 住院、sbzy、春节", "春节");
    harness.get_by(placeholder("如 500")).focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by(placeholder("如 500")).type_text("100");
    harness.run();
    let breach = |harness: &Harness<'_, LedgerApp>| {
        harness
            .state()
            .entry
            .findings
            .iter()
            .any(|finding| finding.is_breach())
    };
    assert!(!breach(&harness), "100 more is within the cap");
    // Meanwhile another clerk pays 李四 the last 100 of the year's holiday money.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_union-ledger"))
        .arg("--db")
        .arg(&path)
        .args([
            "entry",
            "add",
            "--kind",
            "支出",
            "--category",
            "端午",
            "--member",
            "A002",
        ])
        .args([
            "--amount",
            "100",
            "--payment-form",
            "实物",
            "--date",
            "2026-06-01",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Without a click the form shows the cap now exceeded, and keeps what was typed.
    let mut frames = 0;
    while !breach(&harness) && frames < 40 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        harness.step();
        frames += 1;
    }
    assert!(
        breach(&harness),
        "the typed entry now breaks the yearly cap"
    );
    harness.run();
    harness.get_by_label_contains("节日慰问年度上限");
    assert_eq!(harness.state().entry.amount, "100");
    let save_disabled = harness
        .get_by_label("保存（Enter）")
        .accesskit_node()
        .is_disabled();
    assert!(save_disabled, "saving needs a reason and an approval now");
}

#[test]
fn the_open_dialog_opens_a_ledger_on_the_server_and_names_it_in_the_status_bar() {
    let Some(server) = pg::server() else { return };
    // A new database on the test server, reached over its Unix socket.
    let url = pg::fresh_database(&server);
    let name = url
        .split('?')
        .next()
        .and_then(|head| head.rsplit('/').next())
        .unwrap()
        .to_string();
    let socket = server
        .split("host=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .unwrap()
        .to_string();
    let user = server
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('@').next())
        .unwrap()
        .to_string();

    let (_dir, path) = temp_ledger();
    let mut harness = harness_for(&path, ScriptedDialogs::default());
    harness.get_by_label("打开台账…").click();
    harness.run();
    harness.get_by_label("服务器（多人共用）").click();
    harness.run();
    // Incomplete fields are named, and nothing is opened.
    harness.get_by_label("打开").click();
    harness.run();
    harness.get_by_label_contains("请填写服务器地址");
    for (hint, value) in [
        ("主机名或 IP，如 192.168.1.20", socket.as_str()),
        ("如 union_ledger", name.as_str()),
        ("如 clerk_wang", user.as_str()),
    ] {
        harness.get_by(placeholder(hint)).focus();
        harness.run();
        harness.get_by(placeholder(hint)).type_text(value);
        harness.run();
    }
    harness.get_by_label("打开").click();
    // Connecting runs on a worker: the window draws meanwhile and says so.
    harness.step();
    harness.step();
    harness.get_by_label_contains("正在连接服务器");
    step_until(&mut harness, "connecting", |h| {
        h.state().connecting.is_none()
    });
    wait_for_chain_check(&mut harness);
    assert!(harness.state().open_dialog.is_none());
    assert!(
        union_ledger::store::server_address(&harness.state().db_path).is_some(),
        "{:?}",
        harness.state().db_path
    );
    harness.get_by_label_contains(&format!("服务器台账：{user}@{socket}:5432/{name}"));
    harness.get_by_label_contains("这是一本新台账");
    // What the check covered: the books and the log; the pages are the server's own.
    harness.get_by_label_contains("数据页由服务器（PostgreSQL）自行保护和校验");
    // The opening check ran on its worker against the server, and found it whole.
    let session = harness.state().session.as_ref().unwrap();
    assert!(
        session
            .data
            .chain
            .as_ref()
            .is_some_and(|chain| chain.is_intact())
    );

    // Every call to a server runs on a worker: the demo's writes, the figures read
    // again, the 台账 screen's pages and the 互助保障 lists all arrive while the window
    // keeps drawing.
    harness.state_mut().push_command(Command::LoadDemo);
    harness.step();
    assert!(
        harness.state().is_busy(),
        "the demo was written on the window's thread"
    );
    let drawn = settle_work(&mut harness);
    assert!(drawn > 0);
    assert!(
        notice(&harness).contains("已载入演示数据"),
        "{}",
        notice(&harness)
    );
    let newest = harness.state().recent_rows()[0].voucher_no.clone();
    // The rows come from the server after the frame that asked for them: the window
    // is stepped (as it repaints) until they are there.
    harness.get_all_by_label("台账").next().unwrap().click();
    step_until(&mut harness, "the ledger's first page", |h| {
        h.query_by_label_contains(&newest).is_some()
    });
    harness.get_all_by_label("互助保障").next().unwrap().click();
    step_until(&mut harness, "the plans", |h| {
        !h.state().insurance.view.plans.is_empty()
    });
    let plan = harness.state().insurance.view.plans[0].name.clone();
    step_until(&mut harness, "the plan shown", |h| {
        h.query_all_by_label_contains(&plan).next().is_some()
    });
}

/// Steps the window until `done` holds (for at most a minute), as work on a worker
/// thread finishes; returns how many frames were drawn meanwhile.
fn step_until(
    harness: &mut Harness<'_, LedgerApp>,
    what: &str,
    mut done: impl FnMut(&Harness<'_, LedgerApp>) -> bool,
) -> usize {
    let started = std::time::Instant::now();
    let mut frames = 0;
    while !done(harness) {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "{what}: not within a minute"
        );
        harness.step();
        frames += 1;
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    frames
}

/// Steps the window until the work the clerk asked for has finished.
fn settle_work(harness: &mut Harness<'_, LedgerApp>) -> usize {
    step_until(harness, "the work", |h| !h.state().is_busy())
}
