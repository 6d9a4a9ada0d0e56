//! The egui window: the app, its screens, widgets, fonts and dialogs.

pub mod app;
pub mod appearance;
pub mod bench;
pub mod chart;
pub mod command;
pub mod data;
pub mod demo;
pub mod dialogs;
pub mod fonts;
pub mod open_dialog;
pub mod screens;
pub mod widgets;

use std::path::PathBuf;
use std::sync::Arc;

use crate::core::date::SystemClock;

/// The app in its native window, which it fits to the screen once: on a 1366×768
/// screen (common on office laptops) the window opened at its usual size would hang
/// its foot, and the status bar, below the screen's edge; there it opens maximized.
struct Window {
    app: app::LedgerApp,
    fitted: bool,
}

impl eframe::App for Window {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        if !self.fitted {
            let (monitor, outer) = ui
                .ctx()
                .input(|input| (input.viewport().monitor_size, input.viewport().outer_rect));
            if let (Some(monitor), Some(outer)) = (monitor, outer) {
                self.fitted = true;
                if hangs_off(monitor, outer.size()) {
                    ui.ctx()
                        .send_viewport_cmd(egui::ViewportCommand::Maximized(true));
                }
            }
        }
        self.app.show(ui);
    }
}

/// Whether a window of `size` (as reported: without its title bar) would not fit on a
/// screen of `monitor` with its title bar and a taskbar.
fn hangs_off(monitor: egui::Vec2, size: egui::Vec2) -> bool {
    const ROOM: f32 = 48.0;
    size.x + ROOM / 2.0 > monitor.x || size.y + ROOM > monitor.y
}

/// Opens the window on the ledger at `db_path`.
pub fn run_window(db_path: PathBuf, read_only: bool) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("工会慰问台账")
            .with_app_id("union-ledger")
            // The taskbar's and alt-tab's icon, from the packaged icon's own drawing.
            .with_icon(
                eframe::icon_data::from_png_bytes(include_bytes!(
                    "../../assets/icon/union-ledger-256.png"
                ))
                .unwrap_or_default(),
            )
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([900.0, 600.0]),
        ..Default::default()
    };
    eframe::run_native(
        "union-ledger",
        options,
        Box::new(move |cc| {
            fonts::install_fonts(&cc.egui_ctx);
            let app = app::LedgerApp::new_with(
                db_path,
                Arc::new(SystemClock),
                Box::new(dialogs::NativeDialogs),
                read_only,
            );
            let app = match appearance::default_file() {
                Some(file) => app.with_appearance_file(file),
                None => app,
            };
            Ok(Box::new(Window { app, fitted: false }))
        }),
    )
    .map_err(|error| anyhow::anyhow!("无法打开窗口：{error}"))
}

#[cfg(test)]
mod tests {
    use super::hangs_off;
    use egui::vec2;

    #[test]
    fn the_window_opens_maximized_only_where_its_usual_size_does_not_fit() {
        // An office laptop: the window manager already cut the height to the screen's.
        assert!(hangs_off(vec2(1366.0, 768.0), vec2(1280.0, 768.0)));
        assert!(hangs_off(vec2(1280.0, 1024.0), vec2(1280.0, 800.0)));
        assert!(!hangs_off(vec2(1440.0, 900.0), vec2(1280.0, 800.0)));
        assert!(!hangs_off(vec2(1920.0, 1080.0), vec2(1280.0, 800.0)));
    }
}
