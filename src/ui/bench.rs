//! Frame timing of the ledger screen without a window, for `union-ledger bench`.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::core::date::Clock;
use crate::ui::app::LedgerApp;
use crate::ui::command::{Command, Screen};
use crate::ui::dialogs::ScriptedDialogs;

/// Frame times of the ledger screen on the ledger at `path`: `frames` frames showing
/// the newest rows, then `frames` frames scrolled to row `deep_row`. The first frame of
/// each position (which also fetches its page) is included.
pub fn ledger_frame_times(
    path: &Path,
    clock: Arc<dyn Clock>,
    frames: usize,
    deep_row: i64,
) -> Vec<Duration> {
    let ctx = egui::Context::default();
    crate::ui::fonts::install_fonts(&ctx);
    let mut app = LedgerApp::new(
        path.to_path_buf(),
        clock,
        Box::new(ScriptedDialogs::default()),
    );
    app.push_command(Command::GoTo(Screen::Ledger));
    let input = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        ..Default::default()
    };
    // Warm up: fonts, the first index of two million entries.
    for _ in 0..3 {
        let _ = ctx.run_ui(input(), |ui| app.show(ui));
    }
    // The check of the whole file started at opening runs on the other core for
    // seconds on the stress ledger: let it finish, so it slows none of the frames
    // measured here nor the operations the bench times after them.
    while app.poll_chain_check() {
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut times = Vec::with_capacity(frames * 2);
    for position in [None, Some(deep_row)] {
        app.ledger_view.scroll_to_row = position;
        for _ in 0..frames {
            let start = Instant::now();
            let output = ctx.run_ui(input(), |ui| app.show(ui));
            // Tessellation is part of every real frame; only the GPU upload is left out.
            let _ = ctx.tessellate(output.shapes, output.pixels_per_point);
            times.push(start.elapsed());
        }
    }
    times
}

/// The time from opening the ledger at `path` to the window's first frame of 首页
/// drawn and tessellated, `runs` times, as (opening the ledger and reading what the
/// screens show, the first frame). Each run starts on a fresh context with the bundled
/// font installed (as eframe's creator does) and opens the ledger as the window does;
/// the opening checks it starts on a worker thread are waited for after the frame
/// (not timed), so one run's check does not slow the next.
pub fn open_to_first_frame(
    path: &Path,
    clock: Arc<dyn Clock>,
    runs: usize,
) -> Vec<(Duration, Duration)> {
    let input = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        ..Default::default()
    };
    let mut times = Vec::with_capacity(runs);
    // One untimed run first: the process's lazy tables, the file in the page cache.
    for run in 0..=runs {
        let start = Instant::now();
        let ctx = egui::Context::default();
        crate::ui::fonts::install_fonts(&ctx);
        let mut app = LedgerApp::new(
            path.to_path_buf(),
            clock.clone(),
            Box::new(ScriptedDialogs::default()),
        );
        let opened = start.elapsed();
        let output = ctx.run_ui(input(), |ui| app.show(ui));
        let _ = ctx.tessellate(output.shapes, output.pixels_per_point);
        if run > 0 {
            times.push((opened, start.elapsed() - opened));
        }
        while app.poll_chain_check() {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    times
}
