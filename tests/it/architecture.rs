//! The shape STYLE.md asks for, checked: the domain core knows nothing of the window
//! or the database, and storage never depends on the UI.

use std::path::Path;

fn rust_files(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

fn offending_lines(dir: &str, forbidden: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(!files.is_empty(), "no sources under {dir}");
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for word in forbidden {
                if code.contains(word) {
                    found.push(format!(
                        "{}:{}: {}",
                        file.display(),
                        number + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    found
}

#[test]
fn core_is_free_of_egui_and_sqlite() {
    let found = offending_lines(
        "src/core",
        &["egui", "eframe", "rusqlite", "crate::store", "crate::ui"],
    );
    assert!(
        found.is_empty(),
        "src/core must stay pure:\n{}",
        found.join("\n")
    );
}

#[test]
fn store_and_import_never_depend_on_the_window() {
    let mut found = offending_lines("src/store", &["egui", "eframe", "crate::ui", "crate::cli"]);
    found.extend(offending_lines(
        "src/import",
        &["egui", "eframe", "rusqlite", "crate::ui", "crate::store"],
    ));
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn sql_lives_only_in_the_store() {
    let mut found = offending_lines("src/ui", &["rusqlite", "SELECT ", "INSERT "]);
    found.extend(offending_lines(
        "src/cli",
        &["rusqlite", "SELECT ", "INSERT "],
    ));
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_command_line_and_the_window_never_depend_on_each_other() {
    // What both need (writing a file whole, the bench's window timings) lives below
    // them or is handed over by the binary, which alone may use both.
    let mut found = offending_lines("src/cli", &["crate::ui", "egui", "eframe"]);
    found.extend(offending_lines("src/ui", &["crate::cli"]));
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn printing_reads_form_values_only() {
    let found = offending_lines(
        "src/print",
        &[
            "crate::ui",
            "crate::cli",
            "crate::store",
            "egui",
            "eframe",
            "rusqlite",
        ],
    );
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn screens_depend_on_the_commands_not_on_the_app() {
    // The screens emit `Command`s (ui/command.rs) and never reach into the app that
    // applies them; the commands know no screen.
    // The app module, not a sibling whose name starts the same (`ui::appearance`).
    let found = offending_lines(
        "src/ui/screens",
        &[
            "ui::app::",
            "ui::app;",
            "ui::app,",
            "ui::app}",
            "super::app::",
            "super::app;",
            "super::super::app::",
        ],
    );
    assert!(found.is_empty(), "{}", found.join("\n"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui/command.rs");
    let text = std::fs::read_to_string(root).unwrap();
    let imports_screens: Vec<&str> = text
        .lines()
        .filter(|line| line.trim_start().starts_with("use ") && line.contains("screens"))
        .collect();
    assert!(imports_screens.is_empty(), "{imports_screens:?}");
}

#[test]
fn only_the_apps_dispatch_writes_to_the_ledger() {
    // Screens may read (`&Ledger`) to fill their views, but every write is a command
    // applied by one `apply_*` function per domain in src/ui/app/.
    let found = offending_lines("src/ui/screens", &["&mut Ledger", "mut ledger"]);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The variants of the window's command enums, as `Enum::Variant`, read from the source.
fn window_actions() -> Vec<String> {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui/command.rs"))
            .unwrap();
    let mut actions = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(name) = line
            .strip_prefix("pub enum ")
            .and_then(|rest| rest.strip_suffix(" {"))
        {
            current = name.ends_with("Command").then(|| name.to_string());
        } else if line == "}" {
            current = None;
        } else if let Some(enum_name) = &current
            && let Some(rest) = line.strip_prefix("    ")
            && rest.starts_with(|c: char| c.is_ascii_uppercase())
        {
            let variant: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            actions.push(format!("{enum_name}::{variant}"));
        }
    }
    actions
}

/// Whether the command line has `words` (subcommands, then options of the last one, or
/// a global option alone).
fn command_line_has(words: &str) -> Result<(), String> {
    use clap::CommandFactory;
    let mut command = union_ledger::cli::Cli::command();
    command.build();
    let mut current = &command;
    for word in words.split_whitespace() {
        if let Some(long) = word.strip_prefix("--") {
            let known = current
                .get_arguments()
                .chain(command.get_arguments())
                .any(|arg| arg.get_long() == Some(long));
            if !known {
                return Err(format!(
                    "“{words}”：{} 没有选项 --{long}",
                    current.get_name()
                ));
            }
        } else {
            current = current
                .find_subcommand(word)
                .ok_or_else(|| format!("“{words}”：{} 没有子命令 {word}", current.get_name()))?;
        }
    }
    Ok(())
}

#[test]
fn every_window_action_has_its_command() {
    use union_ledger::ui::command::{ON_THE_COMMAND_LINE, OnTheCommandLine};
    let actions = window_actions();
    assert!(actions.len() > 50, "the enums were not read: {actions:?}");
    let listed: Vec<&str> = ON_THE_COMMAND_LINE.iter().map(|(name, _)| *name).collect();
    let missing: Vec<&String> = actions
        .iter()
        .filter(|action| !listed.contains(&action.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "window actions with no command named in ON_THE_COMMAND_LINE: {missing:?}"
    );
    let stale: Vec<&&str> = listed
        .iter()
        .filter(|name| !actions.iter().any(|action| action == *name))
        .collect();
    assert!(
        stale.is_empty(),
        "rows for actions that are gone: {stale:?}"
    );
    let mut problems = Vec::new();
    for (name, equivalent) in ON_THE_COMMAND_LINE {
        match equivalent {
            OnTheCommandLine::Command(words) => {
                if let Err(problem) = command_line_has(words) {
                    problems.push(format!("{name}: {problem}"));
                }
            }
            OnTheCommandLine::Group(group) => {
                if !actions
                    .iter()
                    .any(|action| action.starts_with(&format!("{group}::")))
                {
                    problems.push(format!("{name}: no enum {group}"));
                }
            }
            OnTheCommandLine::WindowOnly(why) => assert!(!why.is_empty()),
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
