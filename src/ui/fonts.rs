//! The bundled Noto Sans CJK SC, so every Chinese character renders on any machine.

use std::sync::Arc;

/// The font bytes, shared with anything else that needs to draw Chinese (e.g. PDFs).
pub use crate::print::NOTO_SANS_SC;

/// Makes Noto Sans CJK SC the first choice for proportional and monospace text; egui's
/// own fonts stay as fallbacks for symbols.
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "noto_sans_sc".to_owned(),
        Arc::new(egui::FontData::from_static(NOTO_SANS_SC)),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .insert(0, "noto_sans_sc".to_owned());
    }
    ctx.set_fonts(fonts);
}
