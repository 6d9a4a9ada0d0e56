//! A PostgreSQL cluster of a test's own, for tests that stop or reconfigure their
//! server: started with `.ci/pg-server` (root, Debian's `postgresql` installed);
//! without those the test says so and passes, except under `CI=true`.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Stdio};

pub struct Cluster {
    pub dir: String,
    pub url: String,
}

impl Cluster {
    pub fn start() -> Option<Cluster> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/pg-server");
        let output = Command::new(&script).arg("start").output().ok()?;
        if !output.status.success() {
            assert!(
                std::env::var("CI").map_or(true, |ci| ci != "true"),
                "CI must run this server test: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            eprintln!(
                "skipped: cannot start a PostgreSQL cluster here ({})",
                String::from_utf8_lossy(&output.stderr).trim()
            );
            return None;
        }
        let text = String::from_utf8_lossy(&output.stdout);
        let value = |name: &str| {
            text.lines()
                .find_map(|line| line.strip_prefix(&format!("export {name}=")))
                .map(|value| value.trim_matches('\'').to_string())
                .unwrap()
        };
        Some(Cluster {
            dir: value("UNION_LEDGER_PG_DIR"),
            url: value("UNION_LEDGER_TEST_PG"),
        })
    }

    /// Starts the stopped server again on its socket.
    pub fn restart(&self) {
        self.start_with("");
    }

    /// Starts the stopped server on its socket with more server options
    /// (`-c ssl=on …`).
    pub fn start_with(&self, options: &str) {
        self.pg_ctl(&[
            "-w",
            "-l",
            &format!("{}/server.log", self.dir),
            "-o",
            &format!("-k {} -c listen_addresses='' {options}", self.dir),
            "start",
        ]);
    }

    pub fn pg_ctl(&self, args: &[&str]) {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .unwrap()
            .filter_map(Result::ok)
            .map(|entry| entry.path().join("bin/pg_ctl"))
            .max()
            .unwrap();
        let status = Command::new("runuser")
            .args(["-u", "union_ledger_pg", "--"])
            .arg(bin)
            .args(["-D", &format!("{}/data", self.dir)])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "pg_ctl {args:?}");
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/pg-server");
        let _ = Command::new(script).args(["stop", &self.dir]).status();
    }
}
