//! The binary: no subcommand opens the window; a subcommand runs headless.

use std::process::ExitCode;

use union_ledger::cli::{self, Cli};
use union_ledger::core::date::SystemClock;

// glibc's allocator grows each thread's arena a few pages at a time: typst's layout
// threads spent a third of a large sign-off sheet's first PDF in page faults and
// mprotect. mimalloc takes memory in large segments and reuses it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The window's timings for `bench`, handed to the command line, which does not depend
/// on the window itself.
struct WindowFrames;

impl cli::bench::WindowBench for WindowFrames {
    fn ledger_frame_times(
        &self,
        path: &std::path::Path,
        clock: std::sync::Arc<dyn union_ledger::core::date::Clock>,
        frames: usize,
        deep_row: i64,
    ) -> Vec<std::time::Duration> {
        union_ledger::ui::bench::ledger_frame_times(path, clock, frames, deep_row)
    }

    fn open_to_first_frame(
        &self,
        path: &std::path::Path,
        clock: std::sync::Arc<dyn union_ledger::core::date::Clock>,
        runs: usize,
    ) -> Vec<(std::time::Duration, std::time::Duration)> {
        union_ledger::ui::bench::open_to_first_frame(path, clock, runs)
    }
}

static WINDOW_FRAMES: WindowFrames = WindowFrames;

fn main() -> ExitCode {
    cli::bench::register_window_bench(&WINDOW_FRAMES);
    // `--version` names the ledger schema too, which clap's attribute cannot.
    let matches = <Cli as clap::CommandFactory>::command()
        .version(&*Box::leak(cli::version_text().into_boxed_str()))
        .get_matches();
    let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    let result = if cli.command.is_none() {
        match cli.db.clone().map_or_else(cli::default_db_path, Ok) {
            Ok(path) => union_ledger::ui::run_window(path, cli.read_only),
            Err(error) => Err(error),
        }
    } else {
        let mut stdout = std::io::stdout().lock();
        let mut stderr = std::io::stderr().lock();
        cli::run(cli, &SystemClock, &mut stdout, &mut stderr)
    };
    // For `bench --consolidation`: the process's peak memory, read as it ends.
    if std::env::var_os(cli::bench_consolidation::PEAK_VAR).is_some()
        && let Some(kb) = cli::bench_consolidation::peak_rss_kb()
    {
        eprintln!("{}{kb}", cli::bench_consolidation::PEAK_LINE);
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if is_broken_pipe(&error) => {
            // The reader went away (`| head`); what it wanted was written.
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("错误：{error:#}");
            ExitCode::from(1)
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}
