//! `visit add|list|close|reasons`: the five must-visits (五必访) register. Money and
//! goods given at a visit are entries linked to it, checked against the union's rules.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use anyhow::{anyhow, bail};
use chrono::Datelike;
use clap::{Args, Subcommand};
use serde::Serialize;

use super::approval::{OverrideArgs, refusal, write_extras};
use super::entries::{Chart, handler, member_id, past_date};
use super::format::{Align, Table};
use super::{OutputFormat, parse_amount_option, parse_choice, parse_period_option, write_json};
use crate::core::date::{Clock, Period, format_date};
use crate::core::model::PaymentForm;
use crate::core::money::format_fen;
use crate::core::visit::{NewVisit, RELATIONS, Visit, VisitGoods, VisitMoney, VisitReason};
use crate::store::{Ledger, VisitFilter};

/// `visit …`
#[derive(Debug, Subcommand)]
pub enum VisitCommand {
    /// 登记一次走访及所送慰问金、慰问品（record a visit and what was given）
    Add(Box<VisitAddArgs>),
    /// 列出走访，末尾按事由合计人次和金额（list visits with totals per reason）
    List(VisitListArgs),
    /// 结束住院中的走访（出院）（close an open hospital visit）
    Close {
        /// 走访编号，见 visit list（visit id）
        id: i64,
        /// 出院或结束日期（date the member was discharged）
        #[arg(long)]
        date: String,
    },
    /// 列出走访事由（list the visit reasons）
    Reasons {
        /// 输出格式（output format）
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// 新增或修改走访事由（add or change a visit reason）
    Reason {
        #[command(subcommand)]
        command: ReasonCommand,
    },
}

/// `visit reason …`
#[derive(Debug, Subcommand)]
pub enum ReasonCommand {
    /// 新增走访事由（add a visit reason）
    Add {
        /// 事由名称，如 工伤（name）
        name: String,
        /// 慰问金记入的支出类别，如 五必访/生病住院（the category its money is booked to）
        #[arg(long)]
        category: Option<String>,
        /// 须写明亲属关系（names the relative concerned）
        #[arg(long)]
        relation: bool,
        /// 可保持“住院中”直到出院（may stay open until discharge）
        #[arg(long)]
        stay_open: bool,
    },
    /// 修改走访事由：改名、类别、亲属关系、住院中、停用（change a visit reason）
    Set {
        /// 事由名称（name）
        name: String,
        /// 新名称（new name）
        #[arg(long, value_name = "新名称")]
        rename: Option<String>,
        /// 慰问金记入的支出类别（the category its money is booked to）
        #[arg(long)]
        category: Option<String>,
        /// 须写明亲属关系（names the relative concerned）
        #[arg(long, conflicts_with = "no_relation")]
        relation: bool,
        /// 不必写明亲属关系
        #[arg(long)]
        no_relation: bool,
        /// 可保持“住院中”直到出院
        #[arg(long, conflicts_with = "no_stay_open")]
        stay_open: bool,
        /// 不保持“住院中”
        #[arg(long)]
        no_stay_open: bool,
        /// 停用（take out of use）
        #[arg(long, conflicts_with = "enable")]
        disable: bool,
        /// 启用（put back in use）
        #[arg(long)]
        enable: bool,
    },
}

/// The options of `visit add`.
#[derive(Debug, Args)]
pub struct VisitAddArgs {
    /// 会员工号（member's 工号）
    #[arg(long)]
    pub member: String,
    /// 只按发放规则检查这次走访所送的钱物，不写入（check against the rules only）
    #[arg(long)]
    pub check: bool,
    /// 事由，如 生病住院、直系亲属去世（reason; see visit reasons）
    #[arg(long)]
    pub reason: String,
    /// 亲属关系：配偶、父亲、母亲、子女、配偶父母（relation, for a relative's death）
    #[arg(long)]
    pub relation: Option<String>,
    /// 走访日期（date of the visit）
    #[arg(long)]
    pub date: String,
    /// 地点，如 市一院心内科 12 床（place）
    #[arg(long, default_value = "")]
    pub place: String,
    /// 走访人，如 工会主席王强、科主任（who went）
    #[arg(long, default_value = "")]
    pub visitors: String,
    /// 情况：病情或事由（detail; the illness is compared by the once-per-event rule）
    #[arg(long, default_value = "")]
    pub detail: String,
    /// 慰问金（元）（condolence money）
    #[arg(long)]
    pub money: Option<String>,
    /// 慰问金发放形式：现金、转账、提货券、购物卡（form of the money; default the category's, else 现金）
    #[arg(long)]
    pub form: Option<String>,
    /// 慰问品，如 鲜花果篮、花圈（goods given）
    #[arg(long)]
    pub goods: Option<String>,
    /// 慰问品价值（元）（value of the goods）
    #[arg(long)]
    pub goods_value: Option<String>,
    /// 资金，默认为事由所属类别的默认资金（fund）
    #[arg(long)]
    pub fund: Option<String>,
    /// 住院中：出院后用 visit close 结束（the visit stays open until discharge）
    #[arg(long)]
    pub open: bool,
    /// 备注（note）
    #[arg(long, default_value = "")]
    pub note: String,
    /// 经办人，默认取设置 handler（handler）
    #[arg(long)]
    pub handler: Option<String>,
    #[command(flatten)]
    pub override_args: OverrideArgs,
}

/// The options of `visit list`.
#[derive(Debug, Args)]
pub struct VisitListArgs {
    /// 期间：年份 2026、季度 2026Q1 或月份 2026-03；合计默认为今年（period）
    #[arg(long)]
    pub period: Option<String>,
    /// 事由（reason）
    #[arg(long)]
    pub reason: Option<String>,
    /// 会员工号（member's 工号）
    #[arg(long)]
    pub member: Option<String>,
    /// 只列住院中（open visits only）
    #[arg(long)]
    pub open: bool,
    /// 输出格式（output format）
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// Runs a `visit` subcommand.
pub fn run(
    command: VisitCommand,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<()> {
    match command {
        VisitCommand::Add(args) => add(&args, path, clock, out, err),
        VisitCommand::List(args) => list(&args, path, clock, out),
        VisitCommand::Close { id, date } => {
            let date = past_date("--date", Some(&date), clock.today())?;
            let mut ledger = super::open_ledger(path, clock)?;
            let visit = ledger.close_visit(id, date, clock)?;
            writeln!(
                out,
                "已结束走访 {}：{} {}，{} 走访，{}（{} 天）",
                visit.id,
                visit.member_name,
                visit.reason_text(),
                format_date(visit.date),
                visit.status_text(),
                (date - visit.date).num_days()
            )?;
            Ok(())
        }
        VisitCommand::Reasons { format } => {
            let ledger = super::open_ledger(path, clock)?;
            reasons(&ledger, format, out)
        }
        VisitCommand::Reason { command } => reason(command, path, clock, out),
    }
}

/// `visit reason add|set`.
fn reason(
    command: ReasonCommand,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut ledger = super::open_ledger(path, clock)?;
    let chart = Chart::load(&ledger)?;
    let category_id = |name: &Option<String>| {
        name.as_deref()
            .map(|name| chart.category("--category", name, true).map(|c| c.id))
            .transpose()
    };
    match command {
        ReasonCommand::Add {
            name,
            category,
            relation,
            stay_open,
        } => {
            let reason = VisitReason {
                id: 0,
                code: None,
                name: name.trim().to_string(),
                category_id: category_id(&category)?,
                needs_relation: relation,
                can_stay_open: stay_open,
                is_active: true,
                sort_order: 0,
            };
            ledger.add_visit_reason(&reason)?;
            writeln!(out, "已添加走访事由“{}”", reason.name)?;
        }
        ReasonCommand::Set {
            name,
            rename,
            category,
            relation,
            no_relation,
            stay_open,
            no_stay_open,
            disable,
            enable,
        } => {
            let reasons = ledger.visit_reasons()?;
            let mut reason = find_reason(&reasons, "走访事由", &name, false)?.clone();
            if let Some(new_name) = rename {
                reason.name = new_name.trim().to_string();
            }
            if let Some(id) = category_id(&category)? {
                reason.category_id = Some(id);
            }
            if relation || no_relation {
                reason.needs_relation = relation;
            }
            if stay_open || no_stay_open {
                reason.can_stay_open = stay_open;
            }
            if disable || enable {
                reason.is_active = enable;
            }
            ledger.update_visit_reason(&reason)?;
            writeln!(
                out,
                "已保存走访事由“{}”：{}",
                reason.name,
                if reason.is_active { "启用" } else { "停用" }
            )?;
        }
    }
    Ok(())
}

/// A visit reason by name; with `in_use`, only reasons in use are accepted (a reason
/// taken out of use still finds its old visits in a listing).
fn find_reason<'a>(
    reasons: &'a [VisitReason],
    option: &str,
    name: &str,
    in_use: bool,
) -> anyhow::Result<&'a VisitReason> {
    let name = name.trim();
    reasons
        .iter()
        .find(|reason| reason.name == name && (reason.is_active || !in_use))
        .ok_or_else(|| {
            let names: Vec<&str> = reasons
                .iter()
                .filter(|reason| reason.is_active)
                .map(|reason| reason.name.as_str())
                .collect();
            anyhow!(
                "{option}：找不到走访事由“{name}”，可选：{}",
                names.join("、")
            )
        })
}

fn add(
    args: &VisitAddArgs,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<()> {
    let today = clock.today();
    let date = past_date("--date", Some(&args.date), today)?;
    let money_fen = args
        .money
        .as_deref()
        .map(|text| parse_amount_option("--money", text))
        .transpose()?;
    if money_fen == Some(0) {
        bail!("--money：慰问金必须大于 0；只走访不送钱时不填 --money");
    }
    let form = args
        .form
        .as_deref()
        .map(|text| parse_choice("--form", text, PaymentForm::parse, &PaymentForm::expected()))
        .transpose()?;
    if form.is_some() && money_fen.is_none() {
        bail!("--form：说明慰问金的发放形式，须与 --money 一起填写");
    }
    if form == Some(PaymentForm::Goods) {
        bail!("--form：慰问品请用 --goods 和 --goods-value 登记，--form 只说明慰问金的发放形式");
    }
    let goods = match (&args.goods, &args.goods_value) {
        (Some(description), Some(value)) => {
            let value_fen = parse_amount_option("--goods-value", value)?;
            if value_fen == 0 {
                bail!("--goods-value：慰问品价值必须大于 0");
            }
            Some(VisitGoods {
                description: description.trim().to_string(),
                value_fen,
            })
        }
        (None, None) => None,
        (Some(_), None) => bail!("--goods-value：登记慰问品须同时填写其价值（元）"),
        (None, Some(_)) => bail!("--goods：填写了价值，请同时写明慰问品，如 鲜花果篮"),
    };
    let mut ledger = super::open_ledger(path, clock)?;
    let chart = Chart::load(&ledger)?;
    let reasons = ledger.visit_reasons()?;
    let reason = find_reason(&reasons, "--reason", &args.reason, true)?;
    let relation = args.relation.as_deref().unwrap_or("").trim().to_string();
    if reason.needs_relation && relation.is_empty() {
        bail!(
            "--relation：“{}”须注明是哪位亲属，如 {}",
            reason.name,
            RELATIONS.join("、")
        );
    }
    let category = reason
        .category_id
        .and_then(|id| chart.categories.iter().find(|c| c.id == id));
    let money = money_fen.map(|amount_fen| VisitMoney {
        amount_fen,
        // Money given in kind is the goods; the category's form applies only to money.
        payment_form: form.unwrap_or_else(|| {
            category
                .and_then(|c| c.default_payment_form)
                .filter(|form| *form != PaymentForm::Goods)
                .unwrap_or(PaymentForm::Cash)
        }),
    });
    let (member_id, member_label) = member_id(&ledger, "--member", &args.member)?;
    let visit = NewVisit {
        member_id,
        reason_id: reason.id,
        relation,
        date,
        place: args.place.trim().to_string(),
        visitors: args.visitors.trim().to_string(),
        detail: args.detail.trim().to_string(),
        note: args.note.trim().to_string(),
        money,
        goods,
        fund_id: args
            .fund
            .as_deref()
            .map(|name| chart.fund("--fund", name).map(|f| f.id))
            .transpose()?,
        stays_open: args.open,
        handler: handler(&ledger, &args.handler)?,
    };
    let findings = ledger.check_visit(&visit)?;
    if args.check {
        return super::approval::write_check(out, &findings);
    }
    let extras = args
        .override_args
        .extras(&visit.detail, &findings, today, err)?;
    let saved = ledger.add_visit(&visit, &extras, clock).map_err(refusal)?;
    let open = if saved.is_open { "，住院中" } else { "" };
    writeln!(
        out,
        "已登记走访 {}：{} {}（{}）{}{open}",
        saved.id,
        format_date(saved.date),
        member_label,
        saved.department,
        saved.reason_text()
    )?;
    let about: Vec<String> = [
        ("地点", &saved.place),
        ("走访人", &saved.visitors),
        ("情况", &saved.detail),
    ]
    .into_iter()
    .filter(|(_, text)| !text.is_empty())
    .map(|(label, text)| format!("{label}：{text}"))
    .collect();
    if !about.is_empty() {
        writeln!(out, "{}", about.join("；"))?;
    }
    writeln!(out, "{}", given_text(&visit, &saved))?;
    write_extras(out, &extras, &findings)?;
    Ok(())
}

/// What a saved visit gave, with its vouchers: "慰问金 500.00 元（现金）；慰问品 鲜花
/// （价值 200.00 元）；凭证 2026-000004、2026-000005".
fn given_text(visit: &NewVisit, saved: &Visit) -> String {
    let mut parts = Vec::new();
    if let Some(money) = &visit.money {
        parts.push(format!(
            "慰问金 {} 元（{}）",
            format_fen(money.amount_fen),
            money.payment_form.label()
        ));
    }
    if let Some(goods) = &visit.goods {
        parts.push(format!(
            "慰问品 {}（价值 {} 元）",
            goods.description,
            format_fen(goods.value_fen)
        ));
    }
    if parts.is_empty() {
        return "未送慰问金或慰问品".to_string();
    }
    parts.push(format!("凭证 {}", saved.vouchers.join("、")));
    parts.join("；")
}

/// A visit as `visit list --format json` writes it. Field names are stable.
#[derive(Debug, Serialize)]
struct VisitJson {
    id: i64,
    date: String,
    employee_no: String,
    member_name: String,
    department: String,
    reason: String,
    relation: String,
    place: String,
    visitors: String,
    detail: String,
    note: String,
    is_open: bool,
    closed_on: Option<String>,
    money_fen: i64,
    goods: String,
    goods_fen: i64,
    vouchers: Vec<String>,
}

/// Visits per reason in a period, with the period's totals.
#[derive(Debug, Serialize)]
struct TotalsJson {
    period: String,
    reasons: Vec<crate::core::visit::VisitTotal>,
    visits: i64,
    money_fen: i64,
    goods_fen: i64,
}

#[derive(Debug, Serialize)]
struct VisitListJson {
    period: Option<String>,
    count: usize,
    visits: Vec<VisitJson>,
    totals: TotalsJson,
}

fn list(
    args: &VisitListArgs,
    path: &Path,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let period = args
        .period
        .as_deref()
        .map(|text| parse_period_option("--period", text))
        .transpose()?;
    let ledger = super::open_ledger(path, clock)?;
    let reasons = ledger.visit_reasons()?;
    let reason_id = args
        .reason
        .as_deref()
        .map(|name| find_reason(&reasons, "--reason", name, false).map(|r| r.id))
        .transpose()?;
    let filter = VisitFilter {
        period,
        reason_id,
        member_id: args
            .member
            .as_deref()
            .map(|no| member_id(&ledger, "--member", no).map(|(id, _)| id))
            .transpose()?,
        open_only: args.open,
    };
    let visits = ledger.visits(&filter)?;
    let employee_nos: HashMap<i64, String> = ledger
        .members()?
        .into_iter()
        .map(|member| (member.id, member.draft.employee_no))
        .collect();
    // Totals are for the period asked for, else for this year.
    let totals_period = period.unwrap_or_else(|| Period::year(clock.today().year()));
    let reasons = ledger.visit_totals(totals_period)?;
    let totals = TotalsJson {
        period: totals_period.label(),
        visits: reasons.iter().map(|t| t.visits).sum(),
        money_fen: reasons.iter().map(|t| t.money_fen).sum(),
        goods_fen: reasons.iter().map(|t| t.goods_fen).sum(),
        reasons,
    };
    let rows: Vec<VisitJson> = visits
        .iter()
        .map(|visit| VisitJson {
            id: visit.id,
            date: format_date(visit.date),
            employee_no: employee_nos
                .get(&visit.member_id)
                .cloned()
                .unwrap_or_default(),
            member_name: visit.member_name.clone(),
            department: visit.department.clone(),
            reason: visit.reason_name.clone(),
            relation: visit.relation.clone(),
            place: visit.place.clone(),
            visitors: visit.visitors.clone(),
            detail: visit.detail.clone(),
            note: visit.note.clone(),
            is_open: visit.is_open,
            closed_on: visit.closed_on.map(format_date),
            money_fen: visit.money_fen,
            goods: visit.goods.clone(),
            goods_fen: visit.goods_fen,
            vouchers: visit.vouchers.clone(),
        })
        .collect();
    match args.format {
        OutputFormat::Json => write_json(
            out,
            &VisitListJson {
                period: period.map(|p| p.label()),
                count: rows.len(),
                visits: rows,
                totals,
            },
        ),
        OutputFormat::Text => {
            if visits.is_empty() {
                writeln!(out, "没有符合条件的走访。")?;
            } else {
                write!(out, "{}", visit_table(&visits, &rows).render())?;
                writeln!(out, "共 {} 次（金额单位：元）", visits.len())?;
            }
            writeln!(out)?;
            write_totals(out, &totals)
        }
    }
}

fn visit_table(visits: &[Visit], rows: &[VisitJson]) -> Table {
    let mut table = Table::new(&[
        ("编号", Align::Right),
        ("日期", Align::Left),
        ("会员", Align::Left),
        ("部门", Align::Left),
        ("事由", Align::Left),
        ("情况", Align::Left),
        ("地点", Align::Left),
        ("慰问金", Align::Right),
        ("慰问品", Align::Left),
        ("价值", Align::Right),
        ("状态", Align::Left),
        ("凭证", Align::Left),
    ]);
    let amount = |fen: i64| {
        if fen == 0 {
            String::new()
        } else {
            format_fen(fen)
        }
    };
    for (visit, row) in visits.iter().zip(rows) {
        table.push(vec![
            visit.id.to_string(),
            row.date.clone(),
            format!("{} {}", row.employee_no, visit.member_name),
            visit.department.clone(),
            visit.reason_text(),
            visit.detail.clone(),
            visit.place.clone(),
            amount(visit.money_fen),
            visit.goods.clone(),
            amount(visit.goods_fen),
            visit.status_text(),
            visit.vouchers.join(" "),
        ]);
    }
    table
}

/// The period's visits per reason: 人次, money and goods.
fn write_totals(out: &mut dyn Write, totals: &TotalsJson) -> anyhow::Result<()> {
    if totals.visits == 0 {
        writeln!(out, "{}没有走访。", totals.period)?;
        return Ok(());
    }
    writeln!(out, "{}走访合计（按事由，金额单位：元）", totals.period)?;
    let mut table = Table::new(&[
        ("事由", Align::Left),
        ("人次", Align::Right),
        ("慰问金", Align::Right),
        ("慰问品", Align::Right),
        ("合计", Align::Right),
    ]);
    let line = |name: &str, visits: i64, money_fen: i64, goods_fen: i64| {
        vec![
            name.to_string(),
            visits.to_string(),
            format_fen(money_fen),
            format_fen(goods_fen),
            format_fen(money_fen + goods_fen),
        ]
    };
    for total in totals.reasons.iter().filter(|t| t.visits > 0) {
        table.push(line(
            &total.reason_name,
            total.visits,
            total.money_fen,
            total.goods_fen,
        ));
    }
    table.push(line(
        "合计",
        totals.visits,
        totals.money_fen,
        totals.goods_fen,
    ));
    write!(out, "{}", table.render())?;
    Ok(())
}

/// A visit reason as `visit reasons --format json` writes it.
#[derive(Debug, Serialize)]
struct ReasonJson {
    id: i64,
    name: String,
    /// The category the visit's money and goods are booked to, as `组 / 明细`.
    category: Option<String>,
    needs_relation: bool,
    can_stay_open: bool,
    is_active: bool,
}

fn reasons(ledger: &Ledger, format: OutputFormat, out: &mut dyn Write) -> anyhow::Result<()> {
    let chart = Chart::load(ledger)?;
    let rows: Vec<ReasonJson> = ledger
        .visit_reasons()?
        .into_iter()
        .map(|reason| ReasonJson {
            id: reason.id,
            category: reason
                .category_id
                .and_then(|id| chart.categories.iter().find(|c| c.id == id))
                .map(|category| chart.item_label(category)),
            name: reason.name,
            needs_relation: reason.needs_relation,
            can_stay_open: reason.can_stay_open,
            is_active: reason.is_active,
        })
        .collect();
    match format {
        OutputFormat::Json => write_json(out, &rows),
        OutputFormat::Text => {
            let yes = |flag: bool| if flag { "是" } else { "" }.to_string();
            let mut table = Table::new(&[
                ("事由", Align::Left),
                ("支出类别", Align::Left),
                ("注明亲属", Align::Left),
                ("可住院中", Align::Left),
                ("状态", Align::Left),
            ]);
            for row in &rows {
                table.push(vec![
                    row.name.clone(),
                    row.category.clone().unwrap_or_default(),
                    yes(row.needs_relation),
                    yes(row.can_stay_open),
                    if row.is_active { "启用" } else { "停用" }.into(),
                ]);
            }
            write!(out, "{}", table.render())?;
            Ok(())
        }
    }
}
