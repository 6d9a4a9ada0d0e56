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
            Ok(Box::new(match appearance::default_file() {
                Some(file) => app.with_appearance_file(file),
                None => app,
            }))
        }),
    )
    .map_err(|error| anyhow::anyhow!("无法打开窗口：{error}"))
}
