//! The command line as a clerk uses it: each test runs a short session of commands
//! in-process against a fresh ledger file and compares the transcript (commands,
//! output, error messages) with a golden file in `tests/golden/`.
//!
//! Run with `UPDATE_GOLDEN=1 cargo test --test cli` to rewrite the golden files after
//! an intended change, then review the diff.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use clap::Parser;
use union_ledger::cli::{self, Cli};
use union_ledger::core::date::FixedClock;

fn clock() -> FixedClock {
    FixedClock::at_date(NaiveDate::from_ymd_opt(2026, 6, 30).unwrap())
}

/// A fresh ledger file in a temporary directory and the transcript of commands run on it.
struct Session {
    _dir: tempfile::TempDir,
    db: PathBuf,
    transcript: String,
}

impl Session {
    /// A session on a ledger created with `init`.
    fn new() -> Self {
        let session = Self::without_ledger();
        // Every command but `init` and `demo` needs an existing ledger.
        session.try_run(&["init"]).unwrap();
        session
    }

    /// A session whose ledger file does not exist yet.
    fn without_ledger() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("ledger.db");
        Self {
            _dir: dir,
            db,
            transcript: String::new(),
        }
    }

    /// Runs one command, returning its output or its error as `main` would print it.
    fn try_run(&self, args: &[&str]) -> Result<String, String> {
        let mut argv = vec!["union-ledger", "--db", self.db.to_str().unwrap()];
        argv.extend_from_slice(args);
        let cli = Cli::try_parse_from(argv).map_err(|error| error.to_string())?;
        let mut out = Vec::new();
        let result = cli::run(cli, &clock(), &mut out);
        let text = String::from_utf8(out).unwrap();
        let text = text
            .replace(self.db.to_str().unwrap(), "<DB>")
            .replace(concat!(env!("CARGO_MANIFEST_DIR"), "/"), "");
        match result {
            Ok(()) => Ok(text),
            Err(error) => {
                Err(format!("{text}错误：{error:#}\n").replace(self.db.to_str().unwrap(), "<DB>"))
            }
        }
    }

    /// Runs a command and records it and its output (or error) in the transcript.
    fn run(&mut self, args: &[&str]) -> &mut Self {
        let _ = self.record(args);
        self
    }

    /// Runs a command, records it, and returns what it printed or its error.
    fn record(&mut self, args: &[&str]) -> Result<String, String> {
        let result = self.try_run(args);
        let command = args
            .join(" ")
            .replace(concat!(env!("CARGO_MANIFEST_DIR"), "/"), "");
        self.transcript
            .push_str(&format!("$ union-ledger {command}\n"));
        match &result {
            Ok(text) => self.transcript.push_str(text),
            Err(text) => {
                self.transcript.push_str(text);
                self.transcript.push_str("[exit 1]\n");
            }
        }
        self.transcript.push('\n');
        result
    }

    /// Runs a command that must succeed, without recording it.
    fn setup(&mut self, args: &[&str]) -> &mut Self {
        if let Err(error) = self.try_run(args) {
            panic!("setup command {args:?} failed: {error}");
        }
        self
    }

    /// Runs a command that must fail and returns its error line.
    fn error(&mut self, args: &[&str]) -> String {
        match self.record(args) {
            Ok(text) => panic!("{args:?} should have failed, printed:\n{text}"),
            Err(text) => text.trim_end().to_string(),
        }
    }

    fn check(&self, name: &str) {
        assert_golden(name, &self.transcript);
    }
}

/// Compares `actual` with `tests/golden/<name>.txt`, or writes it when UPDATE_GOLDEN=1.
fn assert_golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "golden file {} is missing; run with UPDATE_GOLDEN=1 to create it",
            path.display()
        )
    });
    if expected != actual {
        let mut diff = String::new();
        let expected_lines: Vec<&str> = expected.lines().collect();
        let actual_lines: Vec<&str> = actual.lines().collect();
        for index in 0..expected_lines.len().max(actual_lines.len()) {
            let (want, got) = (expected_lines.get(index), actual_lines.get(index));
            if want != got {
                if let Some(want) = want {
                    diff.push_str(&format!("{:>4} - {want}\n", index + 1));
                }
                if let Some(got) = got {
                    diff.push_str(&format!("{:>4} + {got}\n", index + 1));
                }
            }
        }
        panic!(
            "output differs from {} (- golden, + actual); run with UPDATE_GOLDEN=1 to accept:\n{diff}",
            path.display()
        );
    }
}

const ZHANG: &[&str] = &[
    "member",
    "add",
    "--employee-no",
    "A1024",
    "--name",
    "张三丰",
    "--gender",
    "男",
    "--department",
    "内科",
    "--birth-date",
    "1975/3/8",
    "--phone",
    "13800000000",
];

#[test]
fn init_and_members() {
    let mut session = Session::without_ledger();
    // A mistyped --db must not quietly start a new ledger.
    assert!(
        session
            .error(&["balance"])
            .contains("文件不存在。新建台账请先运行 union-ledger init")
    );
    session
        .run(&["init"])
        .run(&["init"])
        .run(ZHANG)
        .run(&[
            "member",
            "add",
            "--employee-no",
            "A0002",
            "--name",
            "李秀英",
            "--gender",
            "女",
            "--department",
            "外科",
            "--status",
            "退休",
            "--retirement-date",
            "2024年5月1日",
            "--hardship-level",
            "特困",
            "--hardship-reason",
            "因病致困",
            "--hardship-reviewed",
            "2026-01-10",
        ])
        .run(&[
            "member",
            "add",
            "--employee-no",
            "B0100",
            "--name",
            "王五",
            "--department",
            "后勤",
            "--non-member",
            "--dues-unpaid",
        ])
        .run(&["member", "list"])
        .run(&["member", "list", "--search", "zsf"])
        .run(&["member", "list", "--search", "lxy", "--format", "json"])
        .run(&["member", "list", "--status", "退休"])
        .run(&["member", "list", "--department", "后勤", "--format", "json"])
        .run(&["member", "list", "--search", "nobody"]);
    session.check("init_and_members");
}

#[test]
fn entries_running_balance_and_reversal() {
    let mut session = Session::new();
    session.setup(&["init"]).setup(ZHANG);
    session
        .run(&[
            "entry",
            "add",
            "--kind",
            "income",
            "--source",
            "会费",
            "--amount",
            "5,000",
            "--date",
            "2026-01-15",
            "--handler",
            "李会计",
        ])
        .run(&[
            "entry",
            "add",
            "--kind",
            "收入",
            "--source",
            "上级补助",
            "--amount",
            "¥3000",
            "--date",
            "2026-02-01",
            "--note",
            "送温暖补助",
        ])
        .run(&[
            "entry",
            "add",
            "--kind",
            "支出",
            "--category",
            "生病住院",
            "--member",
            "A1024",
            "--amount",
            "500",
            "--date",
            "2026-03-02",
            "--handler",
            "李会计",
        ])
        .run(&[
            "entry",
            "add",
            "--kind",
            "disbursement",
            "--category",
            "送温暖",
            "--member",
            "A1024",
            "--amount",
            "1234.5",
            "--payment-form",
            "转账",
            "--date",
            "2026-04-08",
        ])
        .run(&[
            "entry",
            "add",
            "--kind",
            "支出",
            "--category",
            "五必访/生日",
            "--member",
            "A1024",
            "--amount",
            "300",
        ])
        .run(&["balance"])
        .run(&["balance", "--format", "json"])
        .run(&["entry", "list"])
        .run(&["entry", "list", "--fund", "慰问金", "--quarter", "2026Q1"])
        .run(&["entry", "list", "--category", "五必访", "--newest-first"])
        .run(&[
            "entry",
            "list",
            "--text",
            "张三丰",
            "--limit",
            "1",
            "--offset",
            "1",
        ])
        .run(&["entry", "list", "--kind", "收入", "--format", "json"])
        .run(&[
            "entry",
            "reverse",
            "2026-000003",
            "--reason",
            "重复录入",
            "--date",
            "2026-06-01",
        ])
        .run(&["entry", "list", "--year", "2026", "--fund", "慰问金"])
        .run(&["balance"])
        .run(&["balance", "--year", "2025"]);
    session.check("entries");
}

#[test]
fn errors_name_the_option_and_what_was_expected() {
    let mut session = Session::new();
    session.setup(&["init"]).setup(ZHANG);
    let disburse = |extra: &[&'static str]| -> Vec<&'static str> {
        let mut args = vec!["entry", "add", "--kind", "支出"];
        args.extend_from_slice(extra);
        args
    };
    assert_eq!(
        session.error(&disburse(&[
            "--category",
            "生病住院",
            "--member",
            "A1024",
            "--amount",
            "1.234"
        ])),
        "错误：--amount：金额“1.234”超过两位小数（最小单位为分）"
    );
    let unknown = session.error(&disburse(&["--category", "看电影", "--amount", "10"]));
    assert!(
        unknown.starts_with("错误：--category：找不到支出类别“看电影”，可选：生病住院、结婚"),
        "{unknown}"
    );
    assert_eq!(
        session.error(&disburse(&["--category", "生病住院", "--amount", "500"])),
        "错误：--member：“生病住院”发放到个人，必须用 --member 指定会员工号"
    );
    assert_eq!(
        session.error(&disburse(&[
            "--category",
            "生病住院",
            "--member",
            "A1024",
            "--amount",
            "500",
            "--date",
            "2026-07-01"
        ])),
        "错误：--date：2026-07-01 晚于今天（2026-06-30），台账只记已发生的收支"
    );
    assert_eq!(
        session.error(&disburse(&[
            "--category",
            "生病住院",
            "--member",
            "Z9",
            "--amount",
            "500"
        ])),
        "错误：--member：找不到工号为“Z9”的会员"
    );
    assert_eq!(
        session.error(&[
            "member",
            "add",
            "--employee-no",
            "A2",
            "--name",
            "赵六",
            "--gender",
            "x"
        ]),
        "错误：--gender：“x”无法识别，应为 男、女 之一"
    );
    assert_eq!(
        session.error(&[
            "member",
            "add",
            "--employee-no",
            "A2",
            "--name",
            "赵六",
            "--birth-date",
            "1980-02-30"
        ]),
        "错误：--birth-date：日期“1980-02-30”无法识别（应为如 2026-03-08、2026/3/8 或 2026年3月8日 的日期）"
    );
    assert_eq!(
        session.error(&["member", "add", "--employee-no", "A1024", "--name", "重名"]),
        "错误：工号：“A1024”已被会员 张三丰 使用"
    );
    session.error(&["entry", "add", "--kind", "转出", "--amount", "1"]);
    session.error(&[
        "entry", "add", "--kind", "收入", "--source", "彩票", "--amount", "1",
    ]);
    session.error(&["entry", "list", "--quarter", "2026Q5"]);
    session.error(&["member", "list", "--status", "在逃"]);
    // Reversing twice: the second attempt names the reversal already made.
    session.setup(&disburse(&[
        "--category",
        "结婚",
        "--member",
        "A1024",
        "--amount",
        "500",
    ]));
    session.run(&["entry", "reverse", "2026-000001", "--reason", "录错金额"]);
    assert_eq!(
        session.error(&["entry", "reverse", "2026-000001", "--reason", "再来一次"]),
        "错误：凭证：2026-000001 已被 2026-000002 冲销"
    );
    session.error(&["entry", "reverse", "2026-000002", "--reason", "冲销冲销"]);
    session.error(&["entry", "reverse", "2026-000099", "--reason", "不存在"]);
    session.error(&["entry", "reverse", "abc", "--reason", "格式错"]);
    // Nothing above left a half-written entry behind.
    session.run(&["entry", "list"]);
    session.check("errors");
}

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn member_count(session: &Session) -> usize {
    let json = session
        .try_run(&["member", "list", "--format", "json"])
        .unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    value["count"].as_u64().unwrap() as usize
}

#[test]
fn roster_import_previews_refuses_bad_rows_and_skips_them_on_request() {
    let mut session = Session::new();
    session.setup(&["init"]).setup(ZHANG);
    let messy = fixture("roster_messy_gbk.csv");
    session.run(&["member", "import", &messy, "--dry-run"]);
    assert_eq!(member_count(&session), 1, "--dry-run wrote nothing");
    let refused = session.error(&["member", "import", &messy]);
    assert!(
        refused.ends_with("错误：共 3 行有错误，未导入任何数据；改正后重新导入，或用 --dry-run 查看（加 --skip-bad-rows 可只导入无误的行）"),
        "{refused}"
    );
    assert_eq!(member_count(&session), 1, "a refused import wrote nothing");
    session
        .run(&["member", "import", &messy, "--skip-bad-rows"])
        .run(&["member", "import", &messy, "--skip-bad-rows"])
        .run(&["member", "list", "--search", "zsf"]);
    assert_eq!(member_count(&session), 7);
    session.run(&[
        "member",
        "import",
        &fixture("roster_utf8_bom.csv"),
        "--dry-run",
        "--format",
        "json",
    ]);
    session.check("import");
}

#[test]
fn the_binary_exits_1_with_the_message_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let output = Command::new(env!("CARGO_BIN_EXE_union-ledger"))
        .args(["member", "add", "--employee-no", "A1", "--name", "赵六"])
        .args(["--gender", "x"])
        .env("UNION_LEDGER_DB", &db)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "错误：--gender：“x”无法识别，应为 男、女 之一\n"
    );
    assert!(output.stdout.is_empty());

    let output = Command::new(env!("CARGO_BIN_EXE_union-ledger"))
        .arg("--db")
        .arg(&db)
        .args(["entry", "add", "--kind", "支出", "--category", "结婚"])
        .args(["--amount", "abc"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "错误：--amount：金额“abc”不是数字（应为如 1,234.50 的金额）\n"
    );
}

#[test]
fn help_works_and_usage_errors_exit_2() {
    let output = Command::new(env!("CARGO_BIN_EXE_union-ledger"))
        .arg("--help")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let help = String::from_utf8_lossy(&output.stdout);
    for word in [
        "init", "member", "entry", "balance", "demo", "bench", "--db",
    ] {
        assert!(help.contains(word), "{word} missing from:\n{help}");
    }
    let output = Command::new(env!("CARGO_BIN_EXE_union-ledger"))
        .args(["entry", "add", "--help"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains("--payment-form"));

    let output = Command::new(env!("CARGO_BIN_EXE_union-ledger"))
        .args(["entry", "frobnicate"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn demo_fills_an_empty_ledger_deterministically() {
    let mut session = Session::without_ledger();
    session
        .run(&["demo", "--members", "50", "--years", "1", "--seed", "7"])
        .run(&["balance"])
        .run(&["entry", "list", "--limit", "5", "--newest-first"]);
    let refused = session.error(&["demo"]);
    assert!(refused.ends_with("笔凭证，demo 只写入空台账"), "{refused}");
    session.check("demo");
}

#[test]
fn settings_funds_and_categories_headless() {
    let mut session = Session::new();
    session
        .run(&[
            "settings",
            "--union-name",
            "示例市人民医院工会",
            "--handler",
            "李会计",
        ])
        .run(&[
            "fund",
            "opening",
            "--fund",
            "慰问金",
            "--year",
            "2026",
            "--amount",
            "12,000",
        ])
        .run(&["fund", "list", "--year", "2026"])
        .run(&[
            "category",
            "set",
            "生病住院",
            "--standard",
            "800",
            "--payment-form",
            "转账",
        ])
        .run(&["category", "set", "五必访/生日", "--disable"])
        .run(&["category", "list"]);
    // The new standard prefills nothing on the command line, but the new default form
    // is used when none is given, and the clerk's name is recorded.
    session
        .run(&[
            "member",
            "add",
            "--employee-no",
            "A1024",
            "--name",
            "张三丰",
        ])
        .run(&[
            "entry",
            "add",
            "--kind",
            "支出",
            "--category",
            "生病住院",
            "--member",
            "A1024",
            "--amount",
            "800",
        ])
        .run(&["entry", "list", "--format", "json"])
        .run(&[
            "fund",
            "opening",
            "--fund",
            "慰问金",
            "--year",
            "2026",
            "--carry",
        ])
        .run(&["balance"]);
    assert!(
        session
            .error(&[
                "fund", "opening", "--fund", "慰问", "--year", "2026", "--amount", "1"
            ])
            .contains("找不到资金“慰问”")
    );
    assert!(
        session
            .error(&["fund", "opening", "--fund", "慰问金", "--year", "2026"])
            .contains("--carry")
    );
    assert!(
        session
            .error(&["category", "set", "生病住院", "--standard", "8.888"])
            .contains("--standard：金额“8.888”超过两位小数")
    );
    assert!(
        session
            .error(&["settings", "--union-name", " "])
            .contains("工会名称：不能为空")
    );
    session.check("settings_funds_categories");
}
