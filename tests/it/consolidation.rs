//! A branch's sealed snapshot and the union above's consolidation book: only a closed
//! period is sent; a snapshot changed with the sqlite3 tool is refused; a branch that
//! re-made its ledger with another history is flagged on its next submission.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use union_ledger::core::date::{FixedClock, Period};
use union_ledger::store::{ConsolidationBook, Ledger};

fn clock() -> FixedClock {
    FixedClock::at_date(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap())
}

/// A branch ledger of demo data (seed `seed`) named `name`, with 2026Q3 closed when
/// `close` is set.
fn branch(dir: &Path, file: &str, name: &str, seed: u64, close: bool) -> PathBuf {
    let path = dir.join(file);
    let clock = clock();
    let mut ledger = Ledger::open(&path, &clock).unwrap();
    ledger.fill_demo(60, 1, seed, &clock).unwrap();
    ledger.set_union_name(name).unwrap();
    if close {
        ledger.close_period(Period::quarter(2026, 3), "").unwrap();
    }
    path
}

fn export(path: &Path, out: &Path) -> Result<(), String> {
    let clock = clock();
    let ledger = Ledger::open_existing(path, &clock).unwrap();
    ledger
        .export_snapshot(Period::quarter(2026, 3), out, &clock)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[test]
fn only_a_closed_period_is_sent_and_the_snapshot_registers_with_its_head() {
    let dir = tempfile::tempdir().unwrap();
    let open = branch(dir.path(), "open.db", "内科分会", 1, false);
    let refused = export(&open, &dir.path().join("open-q3.db")).unwrap_err();
    assert!(refused.contains("尚未结账"), "{refused}");
    assert!(!dir.path().join("open-q3.db").exists());

    let closed = branch(dir.path(), "closed.db", "外科分会", 2, true);
    let snapshot = dir.path().join("外科分会-2026Q3.db");
    export(&closed, &snapshot).unwrap();
    let mut book = ConsolidationBook::open(&dir.path().join("book/汇总.db")).unwrap();
    let registration = book.register(&snapshot, &clock()).unwrap();
    let head = Ledger::open_read_only(&closed, &clock())
        .unwrap()
        .verify()
        .unwrap()
        .head;
    assert_eq!(registration.head, head);
    assert_eq!(registration.branch, "外科分会");
    assert!(registration.finding.is_empty());
    // The same file twice is refused; the book's own chain verifies.
    assert!(
        book.register(&snapshot, &clock())
            .unwrap_err()
            .to_string()
            .contains("不重复登记")
    );
    assert_eq!(book.verify().unwrap(), None);
    assert!(Path::new(&registration.stored).is_file());
}

#[test]
fn a_snapshot_changed_with_the_sqlite3_tool_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let closed = branch(dir.path(), "closed.db", "外科分会", 2, true);
    let snapshot = dir.path().join("q3.db");
    export(&closed, &snapshot).unwrap();
    let conn = rusqlite::Connection::open(&snapshot).unwrap();
    conn.execute_batch(
        "DROP TRIGGER entries_no_update; UPDATE entries SET amount_fen = amount_fen + 100 WHERE id = 5;",
    )
    .unwrap();
    drop(conn);
    let before = std::fs::read(&snapshot).unwrap();
    let mut book = ConsolidationBook::open(&dir.path().join("汇总.db")).unwrap();
    let refused = book.register(&snapshot, &clock()).unwrap_err().to_string();
    assert!(refused.contains("快照校验未通过"), "{refused}");
    assert!(refused.contains("编号 5"), "{refused}");
    assert_eq!(std::fs::read(&snapshot).unwrap(), before);
    assert!(book.registrations().unwrap().is_empty());
    // A file that is no snapshot at all.
    let refused = book.register(&closed, &clock()).unwrap_err().to_string();
    assert!(refused.contains("不是上报快照"), "{refused}");
    let missing = dir.path().join("没有这个文件.db");
    let refused = book.register(&missing, &clock()).unwrap_err().to_string();
    assert!(refused.contains("文件不存在"), "{refused}");
}

#[test]
fn a_branch_that_remade_its_ledger_is_flagged_on_its_second_submission() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = ConsolidationBook::open(&dir.path().join("汇总.db")).unwrap();
    let first = branch(dir.path(), "first.db", "儿科分会", 3, true);
    let first_q3 = dir.path().join("first-q3.db");
    export(&first, &first_q3).unwrap();
    let registered = book.register(&first_q3, &clock()).unwrap();
    // The same branch, its ledger made again with another history.
    let remade = branch(dir.path(), "remade.db", "儿科分会", 4, true);
    let remade_q3 = dir.path().join("remade-q3.db");
    export(&remade, &remade_q3).unwrap();
    let second = book.register(&remade_q3, &clock()).unwrap();
    assert!(second.finding.contains("历史被重建"), "{}", second.finding);
    assert!(
        second.finding.contains(&registered.head),
        "{}",
        second.finding
    );
    // A branch that only went on writing is no finding.
    let other = branch(dir.path(), "other.db", "眼科分会", 5, true);
    let other_q3 = dir.path().join("other-q3.db");
    export(&other, &other_q3).unwrap();
    book.register(&other_q3, &clock()).unwrap();
    {
        let clock = clock();
        let mut ledger = Ledger::open_existing(&other, &clock).unwrap();
        ledger.close_period(Period::quarter(2026, 4), "").ok();
        ledger.set_setting("handler", "王干事").unwrap();
    }
    let later = dir.path().join("other-q3-again.db");
    export(&other, &later).unwrap();
    let again = book.register(&later, &clock()).unwrap();
    assert!(again.finding.is_empty(), "{}", again.finding);
    assert_eq!(book.verify().unwrap(), None);
}

/// Every figure of the total tables, for the row of that name, code and style.
fn figures(form: &union_ledger::core::forms::Form, tables: usize) -> Vec<(String, Vec<i64>)> {
    use union_ledger::core::forms::Cell;
    form.tables()
        .take(tables)
        .flat_map(|table| {
            table.rows.iter().map(move |row| {
                let texts: Vec<String> = row
                    .cells
                    .iter()
                    .filter_map(|cell| match cell {
                        Cell::Text(text) => Some(text.trim().to_string()),
                        _ => None,
                    })
                    .collect();
                let values = row
                    .cells
                    .iter()
                    .filter_map(|cell| match cell {
                        Cell::Money(value) | Cell::Count(value) => Some(*value),
                        _ => None,
                    })
                    .collect();
                (
                    format!("{}|{:?}|{}", table.caption, row.style, texts.join("|")),
                    values,
                )
            })
        })
        .collect()
}

/// Money the union paid a branch: spending in its 拨付分会经费 (tagged 内部拨付) on
/// `paid`, income from the branch's 院工会拨款 (tagged too) on `received`.
struct Transfer {
    to: usize,
    paid: NaiveDate,
    received: NaiveDate,
    amount_fen: i64,
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Books `transfers` from branch 0 (the union's own ledger) to the others, each side
/// under a category or a source it tags 内部拨付.
fn book_transfers(ledgers: &mut [Ledger], transfers: &[Transfer], clock: &FixedClock) {
    use union_ledger::core::model::{EntryKind, NewEntry, PaymentForm};
    use union_ledger::store::CategoryEdit;
    let group = ledgers[0]
        .categories()
        .unwrap()
        .into_iter()
        .find(|c| c.name == "其他" && c.parent_id.is_none())
        .unwrap();
    let mut edit = CategoryEdit::from_category(&group);
    edit.name = "拨付分会经费".into();
    edit.account_code = "50199".into();
    edit.requires_member = false;
    edit.default_payment_form = None;
    let category = ledgers[0].add_category(Some(group.id), &edit).unwrap();
    ledgers[0].set_category_internal(category, true).unwrap();
    let fund = ledgers[0].funds().unwrap()[0].id;
    let mut sources = vec![None; ledgers.len()];
    for transfer in transfers {
        let ledger = &mut ledgers[transfer.to];
        let source = match sources[transfer.to] {
            Some(id) => id,
            None => {
                let id = ledger
                    .add_income_source("院工会拨款", Some(fund), "403")
                    .unwrap();
                ledger.set_source_internal(id, true).unwrap();
                sources[transfer.to] = Some(id);
                id
            }
        };
        let entry = |kind, date, category_id, source_id| NewEntry {
            kind,
            date,
            fund_id: fund,
            category_id,
            source_id,
            member_id: None,
            amount_fen: transfer.amount_fen,
            payment_form: PaymentForm::Transfer,
            handler: "王干事".into(),
            note: "拨付分会经费".into(),
        };
        ledgers[transfer.to]
            .add_entry(
                &entry(EntryKind::Income, transfer.received, None, Some(source)),
                clock,
            )
            .unwrap();
        ledgers[0]
            .add_entry(
                &entry(EntryKind::Disbursement, transfer.paid, Some(category), None),
                clock,
            )
            .unwrap();
    }
}

/// The figures of the row named `label` in the first table of `form` captioned `caption`.
fn row_figures(form: &union_ledger::core::forms::Form, caption: &str, label: &str) -> Vec<i64> {
    use union_ledger::core::forms::Cell;
    let table = form.tables().find(|t| t.caption == caption).unwrap();
    let row = table
        .rows
        .iter()
        .find(|row| row.cells[0].display().trim() == label)
        .unwrap_or_else(|| panic!("{caption} has no row {label}"));
    row.cells
        .iter()
        .filter_map(|cell| match cell {
            Cell::Money(value) | Cell::Count(value) => Some(*value),
            _ => None,
        })
        .collect()
}

#[test]
fn each_consolidated_figure_is_the_sum_of_the_branches_own_figures_and_a_transfer_counts_once() {
    use union_ledger::core::forms::{ELIMINATION_LABEL, FormRequest, NET_LABEL};
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let mut book = ConsolidationBook::open(&dir.path().join("汇总.db")).unwrap();
    let names = ["院工会", "内科分会", "外科分会", "后勤分会", "儿科分会"];
    let mut ledgers: Vec<Ledger> = names
        .iter()
        .zip(11..)
        .map(|(name, seed)| {
            let mut ledger = Ledger::open(&dir.path().join(format!("{name}.db")), &clock).unwrap();
            ledger.fill_demo(50, 2, seed, &clock).unwrap();
            ledger.set_union_name(name).unwrap();
            ledger
        })
        .collect();
    // The union pays three branches in 2025 and two in 2026Q3; the last payment of
    // September reaches 外科分会 in October (in transit at the quarter's end).
    let transfers = [
        Transfer {
            to: 1,
            paid: day(2025, 3, 10),
            received: day(2025, 3, 12),
            amount_fen: 1_200_000,
        },
        Transfer {
            to: 2,
            paid: day(2025, 3, 10),
            received: day(2025, 3, 11),
            amount_fen: 900_000,
        },
        Transfer {
            to: 3,
            paid: day(2025, 9, 1),
            received: day(2025, 9, 1),
            amount_fen: 450_050,
        },
        Transfer {
            to: 1,
            paid: day(2026, 7, 15),
            received: day(2026, 7, 16),
            amount_fen: 800_000,
        },
        Transfer {
            to: 2,
            paid: day(2026, 9, 30),
            received: day(2026, 10, 8),
            amount_fen: 300_000,
        },
    ];
    book_transfers(&mut ledgers, &transfers, &clock);
    let mut branches = Vec::new();
    for (ledger, name) in ledgers.iter_mut().zip(names) {
        ledger.close_period(Period::year(2025), "").unwrap();
        ledger.close_period(Period::quarter(2026, 3), "").unwrap();
        for (period, file) in [
            (Period::year(2025), "2025"),
            (Period::quarter(2026, 3), "2026Q3"),
        ] {
            let out = dir.path().join(format!("{name}-{file}.db"));
            ledger.export_snapshot(period, &out, &clock).unwrap();
            book.register(&out, &clock).unwrap();
        }
        branches.push(dir.path().join(format!("{name}.db")));
    }
    drop(ledgers);
    // (request, period, money paid, money received inside the period)
    let cases = [
        (
            FormRequest::Quarterly {
                year: 2026,
                quarter: 3,
            },
            Period::quarter(2026, 3),
            1_100_000,
            800_000,
        ),
        (
            FormRequest::Annual { year: 2025 },
            Period::year(2025),
            2_550_050,
            2_550_050,
        ),
    ];
    for (request, period, paid, received) in cases {
        let own: Vec<_> = branches
            .iter()
            .map(|path| {
                Ledger::open_read_only(path, &clock)
                    .unwrap()
                    .form(&request, today)
                    .unwrap()
            })
            .collect();
        let total_tables = own[0].tables().count();
        let made = book
            .consolidated_form("示例市总工会", &request, period, today, &clock)
            .unwrap();
        let total = figures(&made, total_tables);
        assert!(total.len() > 10, "{total:?}");
        let mut checked = 0;
        for (key, values) in &total {
            if key.contains(ELIMINATION_LABEL) || key.contains(NET_LABEL) {
                continue;
            }
            let mut sum = vec![0i64; values.len()];
            for form in &own {
                if let Some((_, theirs)) = figures(form, total_tables)
                    .into_iter()
                    .find(|(k, _)| k == key)
                {
                    for (s, v) in sum.iter_mut().zip(theirs) {
                        *s += v;
                    }
                }
            }
            assert_eq!(values, &sum, "{key}");
            checked += 1;
        }
        assert!(checked > 20, "{checked}");
        // The transfers are taken out once under each total: spending by what the
        // union paid, income by what the branches received, balances untouched.
        let (spending, funds) = match request {
            FormRequest::Quarterly { .. } => ("一、慰问支出", "二、经费收支（本季）"),
            _ => ("二、支出", "三、各项经费收支及结余"),
        };
        let gross = row_figures(&made, spending, "支出合计");
        let net = row_figures(&made, spending, "抵销后支出合计");
        // The year to date holds no other transfer than the period's.
        let payments = transfers.iter().filter(|t| period.contains(t.paid)).count() as i64;
        for (index, taken) in [payments, paid]
            .into_iter()
            .cycle()
            .take(net.len())
            .enumerate()
        {
            assert_eq!(
                net[index],
                gross[index] - taken,
                "{spending} column {index}"
            );
        }
        let fund_total = row_figures(&made, funds, "合计");
        let fund_net = row_figures(&made, funds, "抵销后合计");
        assert_eq!(
            fund_net,
            vec![
                fund_total[0],
                fund_total[1] - received,
                fund_total[2] - paid,
                fund_total[3]
            ],
            "{funds}"
        );
        if let FormRequest::Annual { .. } = request {
            let income = row_figures(&made, "一、收入", "收入合计");
            let income_net = row_figures(&made, "一、收入", "抵销后收入合计");
            assert_eq!(income_net[0], income[0] - received);
            // The monthly spending chart adds up to the spending counted once.
            let charted: i64 = made
                .blocks
                .iter()
                .find_map(|block| match block {
                    union_ledger::core::forms::Block::Chart(chart)
                        if chart.caption.contains("各月支出") =>
                    {
                        Some(chart.series.iter().flat_map(|s| s.values.iter()).sum())
                    }
                    _ => None,
                })
                .expect("the spending chart");
            assert_eq!(charted, net[1]);
        }
        let difference = row_figures(&made, "内部拨付抵销明细", "差额（拨出－拨入）");
        assert_eq!(difference, vec![paid - received]);
        let in_transit = made
            .notes
            .iter()
            .any(|note| note.contains("内部拨付两边不符"));
        assert_eq!(in_transit, paid != received, "{:?}", made.notes);
        // 分会对比: each branch's figure beside the total, which is their sum; five
        // branches fit one table.
        let comparisons: Vec<_> = made
            .tables()
            .filter(|t| t.caption.starts_with("分会对比："))
            .collect();
        assert_eq!(
            comparisons.len(),
            total_tables,
            "{:?}",
            comparisons.iter().map(|t| &t.caption).collect::<Vec<_>>()
        );
        for table in &comparisons {
            assert_eq!(table.columns.len(), 1 + 5 + 1);
            for row in &table.rows {
                let cells: Vec<i64> = row
                    .cells
                    .iter()
                    .skip(1)
                    .map(|cell| match cell {
                        union_ledger::core::forms::Cell::Money(value) => *value,
                        _ => 0,
                    })
                    .collect();
                let (total, each) = cells.split_last().unwrap();
                assert_eq!(each.iter().sum::<i64>(), *total, "{}", table.caption);
            }
        }
        // Each branch's own tables follow, under its name; every figure of them
        // leads to entries of that branch's snapshot adding up to it.
        assert!(made.tables().any(|t| t.caption.starts_with("【外科分会】")));
        assert!(
            made.facts
                .iter()
                .any(|(label, value)| label == "汇总分会" && value.starts_with("5 个"))
        );
        let mut followed = 0;
        for (block_index, block) in made.blocks.iter().enumerate() {
            let union_ledger::core::forms::Block::Table(table) = block else {
                continue;
            };
            for (row_index, row) in table.rows.iter().enumerate() {
                for (column, cell) in row.cells.iter().enumerate() {
                    let union_ledger::core::forms::Cell::Money(figure) = cell else {
                        continue;
                    };
                    let Ok((branch, within, target)) = union_ledger::core::forms::figure_behind(
                        &made,
                        block_index,
                        row_index,
                        column,
                        period,
                    ) else {
                        continue;
                    };
                    let entries = book
                        .branch_entries(&branch, within, target.clone(), None, &clock)
                        .unwrap();
                    assert_eq!(
                        entries.total_fen, *figure,
                        "{} {row_index} {column}: {branch} {target:?}",
                        table.caption
                    );
                    followed += 1;
                }
            }
        }
        assert!(followed > 50, "{followed}");
    }
    // The audit report lists each branch's findings under its name, its subtotal the
    // branch's own total of findings.
    let audit = FormRequest::Audit { year: 2025 };
    let made = book
        .consolidated_form("示例市总工会", &audit, Period::year(2025), today, &clock)
        .unwrap();
    // Matched by caption, not place: the branches' lists of vouchers (each has its own
    // kinds of findings) are not summed, and the charts are the annual statement's.
    let first_own = made
        .tables()
        .position(|t| t.caption.starts_with('【'))
        .unwrap();
    assert!(
        made.tables()
            .take(first_own)
            .all(|t| t.columns[0].title != "凭证号"),
        "a list of vouchers in the total"
    );
    let annual = book
        .consolidated_form(
            "示例市总工会",
            &FormRequest::Annual { year: 2025 },
            Period::year(2025),
            today,
            &clock,
        )
        .unwrap();
    assert_eq!(
        made.charts().collect::<Vec<_>>(),
        annual.charts().collect::<Vec<_>>()
    );
    let by_branch = made
        .tables()
        .find(|t| t.caption == "审计发现（按分会）")
        .expect("findings by branch");
    for (path, name) in branches.iter().zip(names) {
        let own = Ledger::open_read_only(path, &clock)
            .unwrap()
            .form(&audit, today)
            .unwrap();
        let own_total = row_figures(&own, "二、审计发现汇总", "合计");
        assert!(
            by_branch.rows.iter().any(|row| row.cells[0]
                .display()
                .starts_with(&format!("{name}（变更日志："))),
            "{name}"
        );
        assert_eq!(
            row_figures(&made, "审计发现（按分会）", &format!("{name}小计")),
            own_total,
            "{name}"
        );
    }
}
