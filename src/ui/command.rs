//! What the screens ask the app to do, and what the app says back: the navigation's
//! screens, the [`Command`]s a screen emits while drawing (applied by `app` after the
//! frame, outside drawing code) and the [`Notice`] in the status bar. In a module of its
//! own so the screens depend on it, not on the app that draws them; the sub-commands of
//! 节日慰问, 互助保障, 审计, 报表 and the rules live here too, so it depends on no screen.

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::core::batch::BatchSpec;
use crate::core::date::Period;
use crate::core::forms::FormRequest;
use crate::core::insurance::{DocumentKind, NewClaim, PlanDraft};
use crate::core::model::{EntryExtras, MemberDraft, NewEntry};
use crate::core::policy::Rule;
use crate::core::visit::{NewVisit, VisitReason};
use crate::print::OutputFormat;
use crate::store::{CategoryEdit, EnrolSpec, VisitFilter};

/// The screens, in the order of the navigation bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Home,
    Members,
    Entry,
    Visits,
    Batches,
    Insurance,
    Ledger,
    Reports,
    Audit,
    /// 汇总: the union above's book of branch snapshots and its consolidated forms.
    Consolidation,
    Settings,
}

impl Screen {
    pub const ALL: [Screen; 11] = [
        Screen::Home,
        Screen::Members,
        Screen::Entry,
        Screen::Visits,
        Screen::Batches,
        Screen::Insurance,
        Screen::Ledger,
        Screen::Reports,
        Screen::Audit,
        Screen::Consolidation,
        Screen::Settings,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Screen::Home => "首页",
            Screen::Members => "会员",
            Screen::Entry => "登记",
            Screen::Visits => "走访",
            Screen::Batches => "节日慰问",
            Screen::Insurance => "互助保障",
            Screen::Ledger => "台账",
            Screen::Reports => "报表",
            Screen::Audit => "审计",
            Screen::Consolidation => "汇总",
            Screen::Settings => "设置",
        }
    }
}

/// Something a screen asks the app to do. Applied after the frame, outside drawing code.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    GoTo(Screen),
    AddMember(MemberDraft),
    UpdateMember(i64, MemberDraft),
    PickRoster,
    /// Read a roster file into the import preview, the worksheets as chosen.
    PreviewRoster(PathBuf, crate::import::SheetChoice),
    ImportMembers(Vec<MemberDraft>),
    /// Save an entry with its event, approval and, over a rule, the written reason.
    AddEntry(NewEntry, EntryExtras),
    /// Check the entry being typed against the rules (when its fields changed).
    CheckEntry {
        entry: NewEntry,
        event: String,
    },
    /// Open 节日慰问 on a new batch for this category and date.
    OpenBatch {
        category_id: Option<i64>,
        date: NaiveDate,
    },
    Batch(BatchCommand),
    /// 报表: preview, save and print the forms.
    Report(ReportCommand),
    /// 审计: verify, close and reopen periods, back up, read the change log.
    Audit(AuditCommand),
    /// 汇总: the consolidation book (a file of its own, not the ledger).
    Consolidation(ConsolidationCommand),
    /// 互助保障: plans, enrolment and claims.
    Insurance(InsuranceCommand),
    Policy(PolicyCommand),
    ReverseEntry {
        entry_id: i64,
        reason: String,
        date: NaiveDate,
    },
    /// Open the ledger screen on one member's entries.
    ShowMemberLedger(i64),
    /// Open the ledger screen on one month's entries, of one category (or group).
    ShowLedgerMonth {
        year: i32,
        month: u32,
        category_id: Option<i64>,
    },
    SetUnionName(String),
    SetHandler(String),
    AddFund(String),
    UpdateFund {
        id: i64,
        name: String,
        is_active: bool,
    },
    SetFundOpening {
        fund_id: i64,
        year: i32,
        opening_fen: Option<i64>,
    },
    AddCategory {
        parent_id: Option<i64>,
        edit: CategoryEdit,
    },
    /// Save a category's row; `internal` tags it 内部拨付 (money paid to a branch or
    /// the union above, eliminated when the union above consolidates) or takes the tag
    /// off, once the row is saved.
    UpdateCategory {
        id: i64,
        edit: CategoryEdit,
        internal: Option<bool>,
    },
    /// Move an item category to another group.
    MoveCategory {
        id: i64,
        group_id: i64,
    },
    AddIncomeSource {
        name: String,
        default_fund_id: Option<i64>,
        account_code: String,
    },
    /// Save an income source's row; `internal` as for a category (money received from
    /// the union above or a branch).
    UpdateIncomeSource {
        id: i64,
        name: String,
        default_fund_id: Option<i64>,
        account_code: String,
        internal: Option<bool>,
    },
    LoadDemo,
    /// The guided start on a new ledger is done (or skipped): it does not show again.
    FinishGuidedStart,
    /// The window's look: light or dark, and the text size (the clerk's own).
    SetAppearance(crate::ui::appearance::Appearance),
    /// Show the 打开或新建台账 dialog.
    ShowOpenDialog,
    /// Ask the native dialog for a ledger file, into the open dialog's path.
    PickLedger,
    /// Open (or create) the ledger at this path; the current one stays open on failure.
    OpenLedger(PathBuf),
    /// Open an existing ledger read-only, for the audit committee.
    OpenLedgerReadOnly(PathBuf),
    /// Check a visit against the rules for the 走访 form (before saving).
    CheckVisit(NewVisit),
    AddVisit {
        visit: NewVisit,
        extras: EntryExtras,
    },
    /// Read the visits and their totals for the 走访 list.
    LoadVisits(VisitFilter),
    /// Open 走访 asking for the discharge date of an open visit.
    AskCloseVisit(i64),
    CloseVisit {
        visit_id: i64,
        date: NaiveDate,
    },
    /// Open the 走访 form for a member, with a reason by code (`visit::reason_code`).
    StartVisit {
        member_id: i64,
        reason_code: Option<String>,
    },
}

impl Command {
    /// Whether the command reads or writes the ledger (and so waits while work on a
    /// worker thread has it); moving between screens and opening dialogs do not.
    pub fn needs_ledger(&self) -> bool {
        !matches!(
            self,
            Command::GoTo(_)
                | Command::ShowOpenDialog
                | Command::PickLedger
                | Command::PickRoster
                | Command::PreviewRoster(..)
                | Command::OpenBatch { .. }
                | Command::StartVisit { .. }
                | Command::ShowMemberLedger(_)
                | Command::ShowLedgerMonth { .. }
                | Command::SetAppearance(_)
                | Command::Consolidation(_)
        )
    }
}

/// What happened after a command, shown in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    Info(String),
    Error(String),
}

/// What the batches screen asks the app to do with the ledger.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchCommand {
    /// Decide who would receive; nothing is written.
    Preview(BatchSpec),
    Commit(BatchSpec),
    Reverse {
        batch_id: i64,
        reason: String,
        date: NaiveDate,
    },
    /// Read a batch's recipients for the list under the batches.
    ShowRecipients(i64),
}

/// What the insurance screen asks the app to do with the ledger.
#[derive(Debug, Clone, PartialEq)]
pub enum InsuranceCommand {
    /// Read the plans, the year's totals, the chosen plan's enrolment lists, the claims
    /// and the selected claim's details.
    Load,
    AddPlan(PlanDraft),
    Enrol(EnrolSpec),
    AddClaim(NewClaim),
    SetDocument {
        claim_id: i64,
        kind: DocumentKind,
        present: bool,
    },
    /// Ask the clerk for a scanned file (the app owns the dialogs), then attach it.
    PickAttachment {
        claim_id: i64,
        kind: DocumentKind,
    },
    /// Attach the file at a typed path (where the system dialog gave none).
    AttachFrom {
        claim_id: i64,
        kind: DocumentKind,
        path: std::path::PathBuf,
    },
    Attach {
        claim_id: i64,
        kind: DocumentKind,
        file_name: String,
        bytes: Vec<u8>,
    },
    Submit {
        claim_id: i64,
        date: NaiveDate,
    },
    Approve {
        claim_id: i64,
        amount_fen: i64,
        date: NaiveDate,
    },
    Pay {
        claim_id: i64,
        date: NaiveDate,
    },
    Reject {
        claim_id: i64,
        reason: String,
        date: NaiveDate,
    },
}

/// What the clerk asks of the 审计 screen.
#[derive(Debug, Clone, PartialEq)]
pub enum AuditCommand {
    Verify,
    LoadLog(String),
    Close {
        period: Period,
        note: String,
    },
    Reopen {
        id: i64,
        reason: String,
    },
    BackupNow,
    /// A closed period's sealed snapshot for the union above, into 上报 beside the ledger.
    ExportSnapshot(Period),
}

/// What the clerk asks of the 报表 screen.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportCommand {
    /// Make the form and show it.
    Preview(FormRequest),
    /// Find the voucher by its number, then make its 支出凭单.
    PreviewVoucher(String),
    /// Save the previewed form, asking where (the system dialog, or a typed path when
    /// it gives none).
    Save(OutputFormat),
    /// Save the previewed form to this file.
    SaveTo(OutputFormat, PathBuf),
    /// Lay the previewed form out as PDF and open it in the system viewer.
    OpenPdf,
}

/// What the rules and visit-reason editors ask the app to write.
#[derive(Debug, Clone, PartialEq)]
pub enum PolicyCommand {
    /// Replace the rule set with a shipped preset (by code).
    ApplyPreset(String),
    AddRule(Rule),
    UpdateRule(Rule),
    DeleteRule(i64),
    SetDuplicateWindow(i64),
    AddVisitReason(VisitReason),
    UpdateVisitReason(VisitReason),
}

/// 汇总's actions, on the consolidation book at `book`.
#[derive(Debug, Clone, PartialEq)]
pub enum ConsolidationCommand {
    /// Read the registrations.
    Load(PathBuf),
    /// Check a branch's snapshot and register it.
    Register { book: PathBuf, snapshot: PathBuf },
    /// Choose a snapshot with the system's dialog, then check and register it.
    PickSnapshot { book: PathBuf },
    /// The consolidated form (`quarterly`, `annual` or `audit`) for a period.
    Report {
        book: PathBuf,
        kind: String,
        period: Period,
    },
    /// The entries behind a figure of a branch's own table, read from the book's copy
    /// of its snapshot.
    Entries {
        book: PathBuf,
        branch: String,
        period: Period,
        target: crate::core::forms::FigureTarget,
    },
    /// Open a branch's snapshot read-only in the window, at the entries of `filter`.
    OpenSnapshot {
        snapshot: PathBuf,
        filter: crate::store::LedgerFilter,
    },
    /// Back from a branch's snapshot to the ledger open before it, at 汇总 as it was.
    BackFromSnapshot,
}

/// What a window action is on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnTheCommandLine {
    /// The subcommand (words) and the options that make it this action
    /// (`"entry add --check"`); a bare option is a global one (`"--db"`).
    Command(&'static str),
    /// A group of actions: each variant of the named enum has its own row.
    Group(&'static str),
    /// Only the window has it, and why: moving between screens, the system's file
    /// dialogs, a form opened prefilled from a reminder.
    WindowOnly(&'static str),
}

/// Every action of the window (each variant of [`Command`] and of the screens'
/// sub-commands) and what it is on the command line. `tests/it/architecture.rs` reads
/// the enums above and fails when a variant has no row here, or when a row names a
/// subcommand or an option the command line does not have: a new window action must
/// come with its command.
pub const ON_THE_COMMAND_LINE: &[(&str, OnTheCommandLine)] = {
    use OnTheCommandLine::{Command as Cli, Group, WindowOnly};
    &[
        ("Command::GoTo", WindowOnly("moving between screens")),
        ("Command::AddMember", Cli("member add")),
        ("Command::UpdateMember", Cli("member update")),
        (
            "Command::PickRoster",
            WindowOnly("the system's file dialog; the command line takes the path"),
        ),
        (
            "Command::PreviewRoster",
            Cli("member import --dry-run --sheet"),
        ),
        ("Command::ImportMembers", Cli("member import")),
        ("Command::AddEntry", Cli("entry add")),
        ("Command::CheckEntry", Cli("entry add --check")),
        (
            "Command::OpenBatch",
            WindowOnly("opens 节日慰问 prefilled from a reminder"),
        ),
        ("Command::Batch", Group("BatchCommand")),
        ("Command::Report", Group("ReportCommand")),
        ("Command::Audit", Group("AuditCommand")),
        ("Command::Insurance", Group("InsuranceCommand")),
        ("Command::Policy", Group("PolicyCommand")),
        ("Command::Consolidation", Group("ConsolidationCommand")),
        ("ConsolidationCommand::Load", Cli("consolidate list --book")),
        (
            "ConsolidationCommand::Register",
            Cli("consolidate add --book"),
        ),
        (
            "ConsolidationCommand::Report",
            Cli("consolidate report --period --book"),
        ),
        (
            "ConsolidationCommand::Entries",
            Cli("consolidate entries --branch --period --book"),
        ),
        ("ConsolidationCommand::OpenSnapshot", Cli("--read-only")),
        (
            "ConsolidationCommand::PickSnapshot",
            WindowOnly("the system's file dialog; the command line takes the path"),
        ),
        (
            "ConsolidationCommand::BackFromSnapshot",
            WindowOnly(
                "going back to the ledger open before a snapshot; the command line names its ledger with --db",
            ),
        ),
        ("Command::ReverseEntry", Cli("entry reverse")),
        ("Command::ShowMemberLedger", Cli("entry list --member")),
        (
            "Command::ShowLedgerMonth",
            Cli("entry list --from --to --category"),
        ),
        ("Command::SetUnionName", Cli("settings --union-name")),
        ("Command::SetHandler", Cli("settings --handler")),
        ("Command::AddFund", Cli("fund add")),
        (
            "Command::UpdateFund",
            Cli("fund set --rename --disable --enable"),
        ),
        ("Command::SetFundOpening", Cli("fund opening")),
        ("Command::AddCategory", Cli("category add --group")),
        (
            "Command::UpdateCategory",
            Cli("category set --rename --disable --internal --not-internal"),
        ),
        ("Command::MoveCategory", Cli("category set --group")),
        ("Command::AddIncomeSource", Cli("source add")),
        (
            "Command::UpdateIncomeSource",
            Cli("source set --rename --fund --code --internal --not-internal"),
        ),
        ("Command::LoadDemo", Cli("demo")),
        (
            "Command::FinishGuidedStart",
            WindowOnly(
                "the window's guided start; its steps are settings, member import, fund opening and rules preset",
            ),
        ),
        (
            "Command::SetAppearance",
            WindowOnly("the window's own look, kept per user, not in the ledger"),
        ),
        (
            "Command::ShowOpenDialog",
            WindowOnly("the 打开台账 dialog; the command line takes --db"),
        ),
        (
            "Command::PickLedger",
            WindowOnly("the system's file dialog; the command line takes --db"),
        ),
        ("Command::OpenLedger", Cli("--db")),
        ("Command::OpenLedgerReadOnly", Cli("--read-only")),
        ("Command::CheckVisit", Cli("visit add --check")),
        ("Command::AddVisit", Cli("visit add")),
        ("Command::LoadVisits", Cli("visit list")),
        (
            "Command::AskCloseVisit",
            WindowOnly("opens the discharge dialog from a reminder"),
        ),
        ("Command::CloseVisit", Cli("visit close")),
        (
            "Command::StartVisit",
            WindowOnly("opens the visit form prefilled from a reminder"),
        ),
        ("BatchCommand::Preview", Cli("batch preview")),
        ("BatchCommand::Commit", Cli("batch commit")),
        ("BatchCommand::Reverse", Cli("batch reverse")),
        ("BatchCommand::ShowRecipients", Cli("batch show")),
        ("InsuranceCommand::Load", Cli("plan list")),
        ("InsuranceCommand::AddPlan", Cli("plan add")),
        ("InsuranceCommand::Enrol", Cli("enrol")),
        ("InsuranceCommand::AddClaim", Cli("claim add")),
        ("InsuranceCommand::SetDocument", Cli("claim doc")),
        (
            "InsuranceCommand::PickAttachment",
            WindowOnly("the system's file dialog; the command line takes the path"),
        ),
        ("InsuranceCommand::AttachFrom", Cli("claim attach")),
        ("InsuranceCommand::Attach", Cli("claim attach")),
        ("InsuranceCommand::Submit", Cli("claim submit")),
        ("InsuranceCommand::Approve", Cli("claim approve")),
        ("InsuranceCommand::Pay", Cli("claim pay")),
        ("InsuranceCommand::Reject", Cli("claim reject")),
        ("AuditCommand::Verify", Cli("verify")),
        ("AuditCommand::LoadLog", Cli("log")),
        ("AuditCommand::Close", Cli("period close")),
        ("AuditCommand::Reopen", Cli("period reopen")),
        ("AuditCommand::BackupNow", Cli("backup")),
        ("AuditCommand::ExportSnapshot", Cli("export --period --out")),
        ("ReportCommand::Preview", Cli("report quarterly")),
        ("ReportCommand::PreviewVoucher", Cli("report voucher")),
        (
            "ReportCommand::Save",
            WindowOnly("the system's save dialog; every report takes --out"),
        ),
        (
            "ReportCommand::SaveTo",
            Cli("report quarterly --out --format"),
        ),
        (
            "ReportCommand::OpenPdf",
            WindowOnly("hands the PDF to the system's viewer to print"),
        ),
        ("PolicyCommand::ApplyPreset", Cli("rules preset")),
        ("PolicyCommand::AddRule", Cli("rules add")),
        ("PolicyCommand::UpdateRule", Cli("rules set")),
        ("PolicyCommand::DeleteRule", Cli("rules remove")),
        ("PolicyCommand::SetDuplicateWindow", Cli("rules window")),
        ("PolicyCommand::AddVisitReason", Cli("visit reason add")),
        ("PolicyCommand::UpdateVisitReason", Cli("visit reason set")),
    ]
};
