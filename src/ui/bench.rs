//! Frame timing of the ledger screen without a window, for `union-ledger bench`.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::core::date::Clock;
use crate::ui::app::{Command, LedgerApp, Screen};
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
