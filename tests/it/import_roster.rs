//! Reading roster files as HR systems and clerks produce them: GBK CSV with title rows,
//! UTF-8 CSV with a BOM, and Excel workbooks with number and date cells.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use union_ledger::core::model::{Gender, HardshipFile, HardshipLevel, MemberStatus};
use union_ledger::import::{
    ImportError, RosterPreview, SheetChoice, read_roster, read_roster_bytes, read_roster_from,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn d(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn employee_nos(preview: &RosterPreview) -> Vec<&str> {
    preview
        .rows
        .iter()
        .map(|row| row.draft.employee_no.as_str())
        .collect()
}

fn error_places(preview: &RosterPreview) -> Vec<(usize, &str, &str)> {
    preview
        .errors
        .iter()
        .map(|error| (error.row_number, error.field.as_str(), error.value.as_str()))
        .collect()
}

#[test]
fn messy_gbk_csv_from_chinese_windows() {
    let bytes = std::fs::read(fixture("roster_messy_gbk.csv")).unwrap();
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture must really be GBK"
    );
    let preview = read_roster(&fixture("roster_messy_gbk.csv")).unwrap();

    assert_eq!(preview.header_row, 4);
    let matched: Vec<(&str, &str)> = preview
        .matched_columns
        .iter()
        .map(|(header, field)| (header.as_str(), field.as_str()))
        .collect();
    assert_eq!(
        matched,
        vec![
            ("工号", "工号"),
            ("姓名", "姓名"),
            ("性别", "性别"),
            ("科室", "部门"),
            ("状态", "状态"),
            ("出生年月", "出生日期"),
            ("入会日期", "入会日期"),
            ("手机号", "电话"),
        ]
    );
    assert_eq!(preview.ignored_columns, vec!["序号", "备注"]);

    assert_eq!(
        employee_nos(&preview),
        vec!["A1024", "1003", "1006", "1007", "1008", "1009"]
    );
    // 工号 1002 on rows 6 and 10: both named, neither imported.
    assert_eq!(
        error_places(&preview),
        vec![
            (6, "工号", "1002"),
            (8, "入会日期", "2026-02-30"),
            (9, "姓名", ""),
            (10, "工号", "1002")
        ]
    );
    assert_eq!(
        preview.errors[1].to_string(),
        "第 8 行，入会日期“2026-02-30”：日期不存在：2 月没有 30 日（应为真实存在的日期）"
    );
    assert!(
        preview.errors[0].message.contains("与第 10 行的工号相同"),
        "{}",
        preview.errors[0]
    );
    assert!(
        preview.errors[3].message.contains("与第 6 行的工号相同"),
        "{}",
        preview.errors[3]
    );

    let drafts = preview.drafts();
    let zhang = &drafts[0];
    assert_eq!(
        (zhang.name.as_str(), zhang.gender),
        ("张三丰", Some(Gender::Male))
    );
    assert_eq!(zhang.department, "内科");
    assert_eq!(zhang.birth_date, Some(d(1965, 3, 12)));
    assert_eq!(zhang.join_date, Some(d(1990, 7, 1)));
    assert_eq!(zhang.phone, "13800138000");
    assert!(zhang.is_union_member && zhang.dues_paid);

    // Year.month, an Excel serial and 年月日 text (李秀英's 1980年5月 and spaced phone
    // number are on a row whose 工号 is repeated, so it is not imported; see
    // `year_month_and_spaced_phone_numbers` below).
    assert_eq!(drafts[1].birth_date, Some(d(1958, 11, 1)));
    assert_eq!(drafts[1].status, MemberStatus::Retired);
    assert_eq!(drafts[1].join_date, Some(d(1985, 3, 1)));
    assert_eq!(drafts[2].birth_date, Some(d(1988, 6, 1)));
    assert_eq!(drafts[2].join_date, Some(d(1990, 1, 1)));
    assert_eq!(drafts[3].birth_date, Some(d(1990, 1, 1)));
    assert_eq!(drafts[3].join_date, Some(d(2015, 6, 1)));
    assert_eq!(drafts[4].birth_date, Some(d(1995, 12, 8)));
    assert_eq!(drafts[4].status, MemberStatus::InService);
    assert_eq!(drafts[4].join_date, None);
    assert_eq!(drafts[5].birth_date, Some(d(1970, 3, 1)));
    assert_eq!(drafts[5].phone, "0571-88888888");
}

#[test]
fn year_month_and_spaced_phone_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("roster.csv");
    std::fs::write(
        &path,
        "工号,姓名,出生年月,手机号\n1002,李秀英,1980年5月,139 0013 9000\n",
    )
    .unwrap();
    let preview = read_roster(&path).unwrap();
    assert!(preview.errors.is_empty(), "{:?}", preview.errors);
    let drafts = preview.drafts();
    assert_eq!(drafts[0].birth_date, Some(d(1980, 5, 1)));
    assert_eq!(drafts[0].phone, "13900139000");
}

#[test]
fn utf8_csv_with_bom() {
    let preview = read_roster(&fixture("roster_utf8_bom.csv")).unwrap();
    assert_eq!(preview.header_row, 1);
    assert!(
        preview.ignored_columns.is_empty(),
        "{:?}",
        preview.ignored_columns
    );
    assert_eq!(employee_nos(&preview), vec!["2001", "2002", "2003"]);
    assert_eq!(
        error_places(&preview),
        vec![(5, "银行卡号", "12345"), (5, "困难等级", "")]
    );
    assert!(preview.errors[0].message.contains("12 到 19 位数字"));
    assert!(preview.errors[1].message.contains("家中失火"));

    let drafts = preview.drafts();
    assert_eq!(
        drafts[0].employee_no, "2001",
        "the BOM must not stick to the first header"
    );
    assert_eq!(drafts[0].bank_card, "6222021234567890123");
    assert_eq!(drafts[1].birth_date, Some(d(1985, 2, 3)));
    assert!(!drafts[1].is_union_member && !drafts[1].dues_paid);
    assert!(drafts[2].is_union_member && !drafts[2].dues_paid);
    assert_eq!(
        drafts[2].hardship,
        Some(HardshipFile {
            level: HardshipLevel::Deep,
            reason: "配偶重病，子女上学".into(),
            reviewed_on: Some(d(2026, 1, 10)),
        })
    );
}

#[test]
fn utf16_tab_separated_unicode_text() {
    let text = "工号\t姓名\t部门\n1001\t张三\t内科\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let preview = read_roster_bytes("导出.txt", &bytes).unwrap();
    assert_eq!(employee_nos(&preview), vec!["1001"]);
    assert_eq!(preview.rows[0].draft.department, "内科");
}

/// A workbook as a clerk would have it: a title row, a blank row, 工号 typed as numbers,
/// real date cells beside text dates.
fn sample_workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    sheet.write_string(0, 0, "XX医院2026年职工花名册").unwrap();
    let headers = [
        "工号",
        "姓名",
        "性别",
        "部门",
        "状态",
        "出生日期",
        "入会日期",
        "手机",
        "是否会员",
    ];
    for (column, header) in headers.iter().enumerate() {
        sheet.write_string(2, column as u16, *header).unwrap();
    }
    sheet.write_string(3, 0, "A1024").unwrap();
    sheet.write_string(3, 1, "张三丰").unwrap();
    sheet.write_string(3, 2, "男").unwrap();
    sheet.write_string(3, 3, "内科").unwrap();
    sheet.write_string(3, 4, "在职").unwrap();
    sheet
        .write_datetime_with_format(
            3,
            5,
            ExcelDateTime::from_ymd(1965, 3, 12).unwrap(),
            &date_format,
        )
        .unwrap();
    sheet.write_string(3, 6, "1990-07-01").unwrap();
    sheet.write_number(3, 7, 13800138000.0).unwrap();

    sheet.write_number(4, 0, 1024.0).unwrap();
    sheet.write_string(4, 1, "李秀英").unwrap();
    sheet.write_string(4, 2, "女").unwrap();
    sheet.write_string(4, 3, "外科").unwrap();
    sheet.write_number(4, 5, 1980.05).unwrap();
    sheet
        .write_datetime_with_format(
            4,
            6,
            ExcelDateTime::from_ymd(2005, 9, 1).unwrap(),
            &date_format,
        )
        .unwrap();

    sheet.write_number(5, 0, 1025.0).unwrap();
    sheet.write_string(5, 1, "王建国").unwrap();
    sheet.write_string(5, 2, "男").unwrap();
    sheet.write_string(5, 3, "后勤科").unwrap();
    sheet.write_string(5, 4, "退休").unwrap();
    sheet.write_string(5, 5, "1958年11月").unwrap();
    sheet.write_number(5, 6, 31048.0).unwrap();

    sheet.write_number(6, 0, 1026.0).unwrap();
    sheet.write_string(6, 1, "赵敏").unwrap();
    sheet.write_string(6, 2, "女").unwrap();
    sheet.write_string(6, 3, "儿科").unwrap();
    sheet.write_string(6, 5, "1992/8/15").unwrap();
    sheet.write_boolean(6, 8, false).unwrap();

    sheet.write_number(7, 0, 1027.0).unwrap();
    sheet.write_string(7, 1, "孙丽").unwrap();
    sheet.write_string(7, 2, "女").unwrap();
    sheet.write_string(7, 3, "内科").unwrap();
    sheet.write_string(7, 5, "19951208").unwrap();
    sheet.write_string(7, 8, "是").unwrap();

    // Row 10 (index 9): a typo the clerk must fix.
    sheet.write_number(9, 0, 1028.0).unwrap();
    sheet.write_string(9, 1, "钱芳").unwrap();
    sheet.write_string(9, 2, "未知").unwrap();
    workbook.save_to_buffer().unwrap()
}

#[test]
fn xlsx_with_number_and_date_cells() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("花名册.xlsx");
    std::fs::write(&path, sample_workbook()).unwrap();
    let preview = read_roster(&path).unwrap();

    assert_eq!(preview.header_row, 3);
    assert_eq!(
        employee_nos(&preview),
        vec!["A1024", "1024", "1025", "1026", "1027"]
    );
    assert_eq!(error_places(&preview), vec![(10, "性别", "未知")]);
    assert!(preview.errors[0].message.contains("应为 男、女 之一"));

    let drafts = preview.drafts();
    assert_eq!(drafts[0].birth_date, Some(d(1965, 3, 12)));
    assert_eq!(drafts[0].join_date, Some(d(1990, 7, 1)));
    assert_eq!(drafts[0].phone, "13800138000");
    assert_eq!(drafts[1].birth_date, Some(d(1980, 5, 1)));
    assert_eq!(drafts[1].join_date, Some(d(2005, 9, 1)));
    assert_eq!(drafts[2].birth_date, Some(d(1958, 11, 1)));
    assert_eq!(drafts[2].join_date, Some(d(1985, 1, 1)));
    assert_eq!(drafts[2].status, MemberStatus::Retired);
    assert_eq!(drafts[3].birth_date, Some(d(1992, 8, 15)));
    assert!(!drafts[3].is_union_member);
    assert_eq!(drafts[4].birth_date, Some(d(1995, 12, 8)));
}

#[test]
fn committed_xlsx_fixture_has_the_members_other_tests_rely_on() {
    let preview = read_roster(&fixture("roster.xlsx")).unwrap();
    assert!(preview.rows.len() >= 5);
    let zhang = preview
        .rows
        .iter()
        .find(|row| row.draft.employee_no == "A1024")
        .unwrap();
    assert_eq!(zhang.draft.name, "张三丰");
    assert_eq!(zhang.draft.gender, Some(Gender::Male));
    assert_eq!(zhang.draft.department, "内科");
}

/// Regenerates tests/fixtures/roster.xlsx: `cargo test --test import_roster -- --ignored`.
#[test]
#[ignore = "writes the committed fixture"]
fn generate_roster_xlsx_fixture() {
    std::fs::write(fixture("roster.xlsx"), sample_workbook()).unwrap();
}

#[test]
fn corrupt_xlsx_is_an_error_not_a_panic() {
    let mut bytes = b"PK\x03\x04".to_vec();
    bytes.extend((0u32..4000).map(|index| (index.wrapping_mul(2_654_435_761) >> 13) as u8));
    let error = read_roster_bytes("花名册.xlsx", &bytes).unwrap_err();
    assert!(
        matches!(error, ImportError::NotSpreadsheet { .. }),
        "{error}"
    );

    let random: Vec<u8> = (0u32..4000)
        .map(|index| (index.wrapping_mul(40_503) >> 7) as u8)
        .collect();
    let error = read_roster_bytes("花名册.xlsx", &random).unwrap_err();
    assert!(
        matches!(error, ImportError::NotSpreadsheet { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("花名册.xlsx"));

    let error = read_roster_bytes("花名册.xls", &random).unwrap_err();
    assert!(
        matches!(error, ImportError::NotSpreadsheet { .. }),
        "{error}"
    );
}

#[test]
fn file_without_employee_no_and_name_header() {
    let text = "职工福利发放表\n序号,名字,金额\n1,张三,300\n";
    let error = read_roster_bytes("发放表.csv", text.as_bytes()).unwrap_err();
    assert!(matches!(error, ImportError::NoHeader { .. }), "{error}");
    let message = error.to_string();
    assert!(
        message.contains("工号") && message.contains("职工福利发放表"),
        "{message}"
    );
}

#[test]
fn unsupported_extension_and_empty_and_missing_files() {
    let error = read_roster_bytes("花名册.docx", b"whatever").unwrap_err();
    assert!(matches!(error, ImportError::UnsupportedExtension { .. }));
    assert!(error.to_string().contains(".xlsx"));

    let error = read_roster_bytes("花名册.csv", b"").unwrap_err();
    assert!(matches!(error, ImportError::Empty { .. }), "{error}");
    let error = read_roster_bytes("花名册.csv", b"\xEF\xBB\xBF\r\n,,\r\n").unwrap_err();
    assert!(matches!(error, ImportError::Empty { .. }), "{error}");

    let error = read_roster(Path::new("/nonexistent/花名册.xlsx")).unwrap_err();
    assert!(matches!(error, ImportError::Read { .. }));
    assert!(error.to_string().contains("/nonexistent/花名册.xlsx"));
}

#[test]
fn undecodable_text_is_an_error() {
    let error = read_roster_bytes("花名册.csv", b"\xFF\xFE\x00\xD8").unwrap_err();
    assert!(matches!(error, ImportError::Undecodable { .. }), "{error}");
}

#[test]
fn reimporting_a_narrower_roster_keeps_what_it_has_no_column_for() {
    use union_ledger::core::date::FixedClock;
    use union_ledger::store::Ledger;

    let clock = FixedClock::at_date(chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
    let mut ledger = Ledger::open_in_memory(&clock).unwrap();
    let full = union_ledger::import::read_roster_bytes(
        "full.csv",
        "工号,姓名,部门,状态,困难等级,困难原因,银行卡号\nA1024,张三丰,内科,退休,特别困难,本人患重病,6222021234567890123\n".as_bytes(),
    )
    .unwrap();
    ledger
        .upsert_members(&full.drafts_over(&[]), &clock)
        .unwrap();

    // The HR system's export: only 工号, 姓名 and a new department.
    let narrow = union_ledger::import::read_roster_bytes(
        "hr.csv",
        "工号,姓名,部门\nA1024,张三丰,外科\n".as_bytes(),
    )
    .unwrap();
    let registered: Vec<_> = ledger
        .members()
        .unwrap()
        .into_iter()
        .map(|m| m.draft)
        .collect();
    let summary = ledger
        .upsert_members(&narrow.drafts_over(&registered), &clock)
        .unwrap();
    assert_eq!(summary.updated, 1);
    let member = ledger.member_by_employee_no("A1024").unwrap().unwrap();
    assert_eq!(member.department, "外科");
    assert_eq!(member.status, MemberStatus::Retired);
    assert_eq!(
        member.hardship.as_ref().unwrap().level,
        HardshipLevel::Special
    );
    assert_eq!(member.bank_card, "6222021234567890123");
}

/// A workbook as WPS saves one where the HR office keeps 在职 and 退休 apart: a sheet
/// each, 工号 as text with a leading zero except one typed in as a number (so Excel
/// dropped its zero), 合计 in the first column of the closing row, one 工号 on both
/// sheets, and a third sheet of notes.
fn two_sheet_workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let headers = ["序号", "工号", "姓名", "性别", "部门", "状态"];
    let serving = workbook.add_worksheet().set_name("在职").unwrap();
    for (column, header) in headers.iter().enumerate() {
        serving.write_string(0, column as u16, *header).unwrap();
    }
    let rows: [(&str, Option<f64>, &str, &str, &str); 4] = [
        ("010001", None, "张三丰", "男", "内科"),
        ("", Some(10002.0), "李秀英", "女", "外科"),
        ("010003", None, "王建国", "男", "后勤科"),
        ("020002", None, "赵敏", "女", "儿科"),
    ];
    for (index, (text_no, number_no, name, gender, department)) in rows.iter().enumerate() {
        let row = index as u32 + 1;
        serving.write_number(row, 0, f64::from(row)).unwrap();
        match number_no {
            Some(number) => serving.write_number(row, 1, *number).unwrap(),
            None => serving.write_string(row, 1, *text_no).unwrap(),
        };
        serving.write_string(row, 2, *name).unwrap();
        serving.write_string(row, 3, *gender).unwrap();
        serving.write_string(row, 4, *department).unwrap();
        serving.write_string(row, 5, "在职").unwrap();
    }
    serving.write_string(5, 0, "合计").unwrap();
    serving.write_string(5, 2, "4人").unwrap();

    let retired = workbook.add_worksheet().set_name("退休").unwrap();
    for (column, header) in headers.iter().enumerate() {
        retired.write_string(0, column as u16, *header).unwrap();
    }
    for (index, (no, name, gender)) in [
        ("020001", "孙丽", "女"),
        ("020002", "赵敏", "女"),
        ("020003", "周强", "男"),
    ]
    .iter()
    .enumerate()
    {
        let row = index as u32 + 1;
        retired.write_number(row, 0, f64::from(row)).unwrap();
        retired.write_string(row, 1, *no).unwrap();
        retired.write_string(row, 2, *name).unwrap();
        retired.write_string(row, 3, *gender).unwrap();
        retired.write_string(row, 4, "离退休办").unwrap();
        retired.write_string(row, 5, "退休").unwrap();
    }
    retired.write_string(4, 0, "合计").unwrap();

    let notes = workbook.add_worksheet().set_name("说明").unwrap();
    notes
        .write_string(0, 0, "本表由人事科导出，2026年11月")
        .unwrap();
    workbook.save_to_buffer().unwrap()
}

/// Regenerates tests/fixtures/roster_two_sheets.xlsx:
/// `cargo test --test it generate_two_sheet_fixture -- --ignored`.
#[test]
#[ignore = "writes the committed fixture"]
fn generate_two_sheet_fixture() {
    std::fs::write(fixture("roster_two_sheets.xlsx"), two_sheet_workbook()).unwrap();
}

#[test]
fn every_sheet_with_a_header_is_read_and_named_beside_its_bad_rows() {
    let preview = read_roster(&fixture("roster_two_sheets.xlsx")).unwrap();
    // Every sheet is listed: two read, the notes not.
    let sheets: Vec<String> = preview
        .sheets
        .iter()
        .map(|sheet| sheet.describe())
        .collect();
    assert_eq!(
        sheets,
        vec![
            "在职：表头在第 1 行，可导入 3 人，有错误 1 行",
            "退休：表头在第 1 行，可导入 2 人，有错误 1 行",
            "说明：没有找到表头（应有“工号”“姓名”两列），未读取",
        ]
    );
    // Both sheets' members, the 合计 rows skipped; 赵敏 is on both sheets under one
    // 工号, so both rows are named (with their sheets) and neither is imported.
    assert_eq!(
        employee_nos(&preview),
        vec!["010001", "10002", "010003", "020001", "020003"]
    );
    let errors: Vec<String> = preview.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        vec![
            "工作表“在职”第 5 行，工号“020002”：与工作表“退休”第 3 行的工号相同：每个工号只能出现一次，这几行都未导入，请核对后只保留正确的一行",
            "工作表“退休”第 3 行，工号“020002”：与工作表“在职”第 5 行的工号相同：每个工号只能出现一次，这几行都未导入，请核对后只保留正确的一行",
        ]
    );
    // The 工号 Excel kept as a number is imported, with a warning to check it.
    let warnings: Vec<String> = preview.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with("工作表“在职”第 3 行，工号“10002”：在表格中是数字，可能丢了开头的 0（其他工号如“010001”）"),
        "{warnings:?}"
    );
    // Each sheet's rows keep their status.
    let retired = preview
        .rows
        .iter()
        .find(|row| row.draft.employee_no == "020003")
        .unwrap();
    assert_eq!(retired.draft.status, MemberStatus::Retired);
    assert_eq!(retired.sheet.as_deref(), Some("退休"));
}

#[test]
fn one_sheet_can_be_chosen_and_a_missing_one_is_named_with_those_there() {
    let path = fixture("roster_two_sheets.xlsx");
    let preview = read_roster_from(&path, &SheetChoice::Named("退休".into())).unwrap();
    assert_eq!(employee_nos(&preview), vec!["020001", "020002", "020003"]);
    // One sheet read: no sheet named beside its rows, and no duplicate across sheets.
    assert!(preview.errors.is_empty());
    assert_eq!(preview.rows[0].sheet, None);
    assert_eq!(preview.sheets[0].describe(), "在职：未选择，未读取");
    let error = read_roster_from(&path, &SheetChoice::Named("离休".into())).unwrap_err();
    assert_eq!(
        error.to_string(),
        "文件“roster_two_sheets.xlsx”中没有名为“离休”的工作表（有：在职、退休、说明）"
    );
}
