//! What a union office installs: a portable copy that keeps its data beside itself,
//! `--version`, and the Debian package's contents (when CI has built it).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The program, placed in `folder` as a copy of its own (a hard link when possible).
fn program_in(folder: &Path) -> PathBuf {
    let built = Path::new(env!("CARGO_BIN_EXE_union-ledger"));
    let placed = folder.join(built.file_name().unwrap());
    if std::fs::hard_link(built, &placed).is_err() {
        std::fs::copy(built, &placed).unwrap();
    }
    placed
}

fn run(program: &Path, args: &[&str]) -> (bool, String) {
    let output = Command::new(program)
        .args(args)
        .env_remove("UNION_LEDGER_DB")
        // Not the tester's own data folder, should the marker be missed.
        .env("HOME", program.parent().unwrap().join("home"))
        .env("XDG_DATA_HOME", program.parent().unwrap().join("home/data"))
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn a_portable_copy_keeps_its_ledger_in_the_data_folder_beside_it() {
    let stick = tempfile::tempdir().unwrap();
    let program = program_in(stick.path());
    std::fs::write(stick.path().join("portable"), "").unwrap();
    let (ok, text) = run(&program, &["init"]);
    assert!(ok, "{text}");
    let ledger = stick.path().join("data/ledger.db");
    assert!(ledger.is_file(), "{text}");
    assert!(text.contains("data"), "{text}");
    // The backup goes beside it, inside the copy too.
    let (ok, text) = run(&program, &["backup"]);
    assert!(ok, "{text}");
    assert!(stick.path().join("data/backups").is_dir(), "{text}");
    assert!(!stick.path().join("home/data/union-ledger").exists());

    // Without the marker the same program uses the user's data folder.
    std::fs::remove_file(stick.path().join("portable")).unwrap();
    let (ok, text) = run(&program, &["init"]);
    assert!(ok, "{text}");
    assert!(
        stick
            .path()
            .join("home/data/union-ledger/ledger.db")
            .is_file(),
        "{text}"
    );
}

#[test]
fn the_version_names_the_program_and_the_ledger_schema() {
    let (ok, text) = run(
        Path::new(env!("CARGO_BIN_EXE_union-ledger")),
        &["--version"],
    );
    assert!(ok);
    assert_eq!(
        text.trim(),
        format!(
            "union-ledger {}（台账结构版本 {}）",
            env!("CARGO_PKG_VERSION"),
            union_ledger::store::schema::LATEST_VERSION
        )
    );
}

/// What the Debian package must hold: a file missing from it fails here.
const PACKAGED: &[&str] = &[
    "./usr/bin/union-ledger",
    "./usr/share/applications/union-ledger.desktop",
    "./usr/share/icons/hicolor/32x32/apps/union-ledger.png",
    "./usr/share/icons/hicolor/48x48/apps/union-ledger.png",
    "./usr/share/icons/hicolor/128x128/apps/union-ledger.png",
    "./usr/share/icons/hicolor/256x256/apps/union-ledger.png",
    "./usr/share/icons/hicolor/scalable/apps/union-ledger.svg",
    "./usr/share/doc/union-ledger/copyright",
    "./usr/share/doc/union-ledger/LICENSE-MIT",
    "./usr/share/doc/union-ledger/LICENSE-APACHE",
    "./usr/share/doc/union-ledger/fonts/OFL.txt",
];

/// The package `packaging/make-deb` built, named by `UNION_LEDGER_DEB` (`.ci/run` builds
/// it and sets it); without it the check says so and passes, except under `CI=true`.
#[test]
fn the_debian_package_lists_its_program_desktop_entry_icon_and_licences() {
    let Some(package) = std::env::var_os("UNION_LEDGER_DEB") else {
        assert!(
            std::env::var("CI").map_or(true, |ci| ci != "true"),
            "CI must build the package first (packaging/make-deb) and set UNION_LEDGER_DEB"
        );
        eprintln!("skipped: no package built (packaging/make-deb, then UNION_LEDGER_DEB=its path)");
        return;
    };
    let listing = Command::new("dpkg-deb")
        .arg("-c")
        .arg(&package)
        .output()
        .unwrap();
    assert!(listing.status.success());
    let files: Vec<String> = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().last().map(str::to_string))
        .collect();
    let missing: Vec<&&str> = PACKAGED
        .iter()
        .filter(|file| !files.iter().any(|listed| listed == *file))
        .collect();
    assert!(
        missing.is_empty(),
        "not in the package: {missing:?}\n{files:#?}"
    );
    // The desktop entry names the program by its Chinese name and icon.
    let desktop = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/union-ledger.desktop"),
    )
    .unwrap();
    assert!(desktop.contains("Name=工会慰问台账"));
    assert!(desktop.contains("Icon=union-ledger"));
    assert!(desktop.contains("Exec=union-ledger"));
    // The control file names the version the program reports.
    let control = Command::new("dpkg-deb")
        .args(["-f"])
        .arg(&package)
        .arg("Version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&control.stdout).trim(),
        env!("CARGO_PKG_VERSION")
    );
}
