//! The printed forms as files: every form of a demo ledger rendered to PDF and read
//! back with poppler (`pdftotext`, `pdfinfo`), and to XLSX read back with calamine,
//! with the totals compared against the form value the screen shows.
//!
//! Needs poppler-utils (`apt-get install poppler-utils`); `.ci/run` installs it.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{Data, Reader};
use chrono::NaiveDate;
use clap::Parser;
use union_ledger::cli::{self, Cli};
use union_ledger::core::date::{FixedClock, Period};
use union_ledger::core::forms::{Block, Cell, Form, FormRequest, RowStyle};
use union_ledger::print::{self, OutputFormat, PrintOptions};
use union_ledger::store::Ledger;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 20).unwrap()
}

fn run(db: &Path, args: &[&str]) -> String {
    let mut argv = vec!["union-ledger", "--db", db.to_str().unwrap()];
    argv.extend_from_slice(args);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    cli::run(
        Cli::try_parse_from(argv).unwrap(),
        &FixedClock::at_date(today()),
        &mut out,
        &mut err,
    )
    .unwrap_or_else(|error| panic!("{args:?} failed: {error:#}"));
    String::from_utf8(out).unwrap()
}

/// A demo ledger of `members` people with a New Year batch for those in service.
fn demo_ledger(members: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    run(
        &db,
        &["demo", "--members", members, "--years", "1", "--seed", "7"],
    );
    run(
        &db,
        &[
            "batch",
            "commit",
            "--category",
            "元旦",
            "--date",
            "2026-12-18",
            "--amount",
            "200",
            "--item",
            "大米一袋",
            "--status",
            "在职",
            "--approval-date",
            "2026-12-01",
            "--minutes",
            "2026-12",
        ],
    );
    (dir, db)
}

/// One request per form, on the demo ledger.
fn every_form(ledger: &Ledger) -> Vec<FormRequest> {
    let batch = ledger
        .batches()
        .unwrap()
        .into_iter()
        .find(|b| b.category_name == "元旦")
        .unwrap();
    let recipients = ledger.batch_recipients(batch.id).unwrap();
    let member_id = recipients[0].member_id;
    let year = Period::year(2026);
    vec![
        FormRequest::Quarterly {
            year: 2026,
            quarter: 4,
        },
        FormRequest::Annual { year: 2026 },
        FormRequest::Member {
            member_id,
            period: year,
        },
        FormRequest::Signoff { batch_id: batch.id },
        FormRequest::Voucher {
            entry_id: recipients[0].entry_id,
        },
        FormRequest::Visits { period: year },
        FormRequest::Claims { period: year },
        FormRequest::Audit { year: 2026 },
    ]
}

fn pdf_text(path: &Path, page: Option<usize>) -> String {
    let mut command = Command::new("pdftotext");
    if let Some(page) = page {
        command.args(["-f", &page.to_string(), "-l", &page.to_string()]);
    }
    let output = command
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(output.status.success(), "pdftotext failed on {path:?}");
    String::from_utf8(output.stdout).unwrap()
}

fn pdf_pages(path: &Path) -> usize {
    let output = Command::new("pdfinfo")
        .arg(path)
        .output()
        .expect("pdfinfo (poppler-utils) must be installed");
    let info = String::from_utf8(output.stdout).unwrap();
    info.lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap()
}

/// The figures a reader checks first: every total row and every fact.
fn key_texts(form: &Form) -> Vec<String> {
    let mut texts = vec![form.union_name.clone(), form.title.clone()];
    for (_, value) in &form.facts {
        texts.push(value.clone());
    }
    for block in &form.blocks {
        match block {
            Block::Table(table) => {
                for row in table.rows.iter().filter(|r| r.style == RowStyle::Total) {
                    texts.extend(row.cells.iter().map(Cell::display));
                }
            }
            Block::Fields { fields } => {
                texts.extend(fields.iter().map(|f| f.value.display()));
            }
            // A chart on paper: its caption, its legend and its value axis.
            Block::Chart(chart) => {
                texts.push(chart.caption.clone());
                texts.extend(chart.series.iter().map(|s| s.name.clone()));
                texts.extend(chart.scale().ticks.iter().map(|t| chart.tick_text(*t)));
            }
        }
    }
    texts.retain(|t| !t.trim().is_empty());
    texts
}

/// pdftotext breaks lines where the layout wraps; compare without whitespace.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn every_form_prints_to_a_pdf_that_reads_back_with_its_title_names_and_totals() {
    let (dir, db) = demo_ledger("40");
    let ledger = Ledger::open_existing(&db, &FixedClock::at_date(today())).unwrap();
    for request in every_form(&ledger) {
        let form = ledger.form(&request, today()).unwrap();
        let bytes = print::render(&form, OutputFormat::Pdf, &PrintOptions::default()).unwrap();
        let path = dir.path().join(format!("{}.pdf", form.kind.code()));
        std::fs::write(&path, &bytes).unwrap();
        let pages = pdf_pages(&path);
        let text = squeeze(&pdf_text(&path, None));
        for expected in key_texts(&form) {
            assert!(
                text.contains(&squeeze(&expected)),
                "{}: “{expected}” not found in the PDF text:\n{text}",
                form.title
            );
        }
        assert!(
            text.contains(&format!("第1页共{pages}页")),
            "{}: page numbers",
            form.title
        );
        assert!(text.contains("打印日期：2026-12-20"), "{}", form.title);
        // The glyphs numbered above 32,767 in the full font (表 院 金 节 ：) print.
        if form.title == "季度汇总表" {
            for word in ["季度汇总表", "生病住院", "金额", "节日慰问", "统计期间："]
            {
                assert!(text.contains(word), "{word} missing:\n{text}");
            }
        }
    }
}

#[test]
fn a_long_sign_off_sheet_repeats_its_head_and_numbers_every_page() {
    let (dir, db) = demo_ledger("300");
    let ledger = Ledger::open_existing(&db, &FixedClock::at_date(today())).unwrap();
    let batch = ledger
        .batches()
        .unwrap()
        .into_iter()
        .find(|b| b.category_name == "元旦")
        .unwrap();
    let recipients = ledger.batch_recipients(batch.id).unwrap();
    assert!(recipients.len() > 60, "{}", recipients.len());
    let form = ledger
        .form(&FormRequest::Signoff { batch_id: batch.id }, today())
        .unwrap();
    let path = dir.path().join("signoff.pdf");
    std::fs::write(
        &path,
        print::render(&form, OutputFormat::Pdf, &PrintOptions::default()).unwrap(),
    )
    .unwrap();
    let pages = pdf_pages(&path);
    assert!(pages >= 3, "{pages} pages for {} people", recipients.len());
    let mut all = String::new();
    for page in 1..=pages {
        let text = squeeze(&pdf_text(&path, Some(page)));
        assert!(
            text.contains("领取人签字"),
            "page {page} lacks the table head"
        );
        assert!(
            text.contains(&format!("第{page}页共{pages}页")),
            "page {page} numbering"
        );
        all.push_str(&text);
    }
    for recipient in &recipients {
        assert!(all.contains(&recipient.name), "{} missing", recipient.name);
    }
    let total: i64 = recipients.iter().map(|r| r.amount_fen).sum();
    assert!(all.contains(&union_ledger::core::money::chinese_capitals(total)));
    // The signature block comes once, after the table, on the last page.
    let last = squeeze(&pdf_text(&path, Some(pages)));
    assert!(last.contains("工会主席："), "{last}");
}

fn number(cell: &Data) -> Option<f64> {
    match cell {
        Data::Float(value) => Some(*value),
        Data::Int(value) => Some(*value as f64),
        _ => None,
    }
}

#[test]
fn every_form_saves_as_xlsx_with_numbers_that_sum_to_its_totals() {
    let (_dir, db) = demo_ledger("40");
    let ledger = Ledger::open_existing(&db, &FixedClock::at_date(today())).unwrap();
    for request in every_form(&ledger) {
        let form = ledger.form(&request, today()).unwrap();
        let bytes = print::render(&form, OutputFormat::Xlsx, &PrintOptions::default()).unwrap();
        let mut workbook =
            calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(Cursor::new(bytes)).unwrap();
        let sheet = workbook.worksheet_range_at(0).unwrap().unwrap();
        let rows: Vec<&[Data]> = sheet.rows().collect();
        assert_eq!(rows[1][0], Data::String(form.title.clone()));
        for table in form.tables() {
            // Each row of the table appears in the sheet in order, with money as
            // numbers in yuan and counts as numbers.
            let mut cursor = 0usize;
            for row in &table.rows {
                let first = row.cells[0].display();
                let position = rows[cursor..]
                    .iter()
                    .position(|sheet_row| {
                        row.cells.iter().enumerate().all(|(index, cell)| {
                            let found = sheet_row.get(index).unwrap_or(&Data::Empty);
                            match cell {
                                Cell::Money(fen) => {
                                    number(found).map(|v| (v * 100.0).round() as i64) == Some(*fen)
                                }
                                Cell::Count(count) => number(found) == Some(*count as f64),
                                Cell::Text(text) if text.is_empty() => true,
                                Cell::Text(text) => *found == Data::String(text.clone()),
                                Cell::Blank => true,
                            }
                        })
                    })
                    .unwrap_or_else(|| panic!("{}: row “{first}” not in the sheet", form.title));
                cursor += position + 1;
            }
            // Totals in the sheet equal the sum of its item rows.
            for (index, column) in table.columns.iter().enumerate() {
                if column.kind != union_ledger::core::forms::ColumnKind::Money {
                    continue;
                }
                let items = table.column_sum(index, RowStyle::Item);
                let total = table.column_sum(index, RowStyle::Total);
                let grouped = table.rows.iter().any(|r| r.style == RowStyle::Group);
                if total != 0 && !grouped {
                    assert_eq!(items, total, "{} column {}", form.title, column.title);
                }
            }
        }
    }
}

#[test]
fn text_and_json_render_the_same_value() {
    let (_dir, db) = demo_ledger("40");
    let ledger = Ledger::open_existing(&db, &FixedClock::at_date(today())).unwrap();
    let request = FormRequest::Quarterly {
        year: 2026,
        quarter: 4,
    };
    let form = ledger.form(&request, today()).unwrap();
    let json: serde_json::Value = serde_json::from_slice(
        &print::render(&form, OutputFormat::Json, &PrintOptions::default()).unwrap(),
    )
    .unwrap();
    let text = print::render_text(&form);
    let table = &json["blocks"][0];
    let total = table["rows"].as_array().unwrap().last().unwrap();
    let fen = total["cells"][3]["money"].as_i64().unwrap();
    let spent: i64 = ledger
        .spending_by_category(Period::quarter(2026, 4))
        .unwrap()
        .iter()
        .map(|a| a.amount_fen)
        .sum();
    assert_eq!(fen, spent);
    assert!(text.contains(&union_ledger::core::money::format_fen(spent)));
}

#[test]
fn a_union_template_beside_the_ledger_replaces_the_letterhead() {
    let (dir, db) = demo_ledger("40");
    let templates = dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(
        templates.join("letterhead.typ"),
        print::LETTERHEAD_TEMPLATE.replace("#data.union_name]", "#data.union_name（盖章）]"),
    )
    .unwrap();
    let out = dir.path().join("annual.pdf");
    run(
        &db,
        &[
            "report",
            "annual",
            "--year",
            "2026",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(squeeze(&pdf_text(&out, None)).contains("本单位工会（盖章）"));
    // A broken template is reported, and nothing is written.
    std::fs::write(templates.join("form.typ"), "#let x = (").unwrap();
    let broken = dir.path().join("broken.pdf");
    let mut argv = vec!["union-ledger", "--db", db.to_str().unwrap()];
    argv.extend_from_slice(&["report", "annual", "--out", broken.to_str().unwrap()]);
    let error = cli::run(
        Cli::try_parse_from(argv).unwrap(),
        &FixedClock::at_date(today()),
        &mut Vec::new(),
        &mut Vec::new(),
    )
    .unwrap_err();
    assert!(format!("{error:#}").contains("报表模板有错"), "{error:#}");
    assert!(!broken.exists());
}

#[test]
fn the_annual_statements_charts_add_up_to_its_spending_and_its_closing_balances() {
    let (_dir, db) = demo_ledger("40");
    let clock = FixedClock::at_date(today());
    let ledger = Ledger::open_existing(&db, &clock).unwrap();
    let form = ledger
        .form(&FormRequest::Annual { year: 2026 }, today())
        .unwrap();
    let charts: Vec<_> = form.charts().collect();
    assert_eq!(charts.len(), 2);
    // Spending per month, summed over the year and the groups: the year's spending.
    let spent: i64 = charts[0].label_totals().iter().sum();
    let year = ledger.fund_flows(Period::year(2026)).unwrap();
    assert_eq!(
        spent,
        year.iter().map(|flow| flow.spending_fen).sum::<i64>()
    );
    // The last month's balance of each fund: its balance now.
    let balances = union_ledger::core::report::fund_balances(
        &ledger.funds().unwrap(),
        &ledger.fund_openings().unwrap(),
        &ledger.fund_year_totals().unwrap(),
        2026,
    );
    for series in &charts[1].series {
        let balance = balances.iter().find(|b| b.fund_id == series.key).unwrap();
        assert_eq!(
            series.values.last().copied(),
            Some(balance.closing_fen),
            "{}",
            series.name
        );
    }
    // The window's 首页 draws the same values.
    assert_eq!(charts[0], &ledger.spending_chart(2026).unwrap());
}
