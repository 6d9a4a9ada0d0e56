//! The window's look, each clerk's own: light, dark or the system's setting, and the
//! size of everything (100–175 %). Kept in the user's settings folder beside nothing
//! of the ledger's: two clerks of one ledger each keep theirs.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Light or dark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThemeChoice {
    /// Whatever the system is set to (the default).
    #[default]
    System,
    Light,
    Dark,
}

impl ThemeChoice {
    pub const ALL: [ThemeChoice; 3] = [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark];

    pub fn label(self) -> &'static str {
        match self {
            ThemeChoice::System => "跟随系统",
            ThemeChoice::Light => "浅色",
            ThemeChoice::Dark => "深色",
        }
    }

    fn preference(self) -> egui::ThemePreference {
        match self {
            ThemeChoice::System => egui::ThemePreference::System,
            ThemeChoice::Light => egui::ThemePreference::Light,
            ThemeChoice::Dark => egui::ThemePreference::Dark,
        }
    }
}

/// The text sizes offered, in per cent of the standard size.
pub const TEXT_SIZES: [u16; 4] = [100, 125, 150, 175];

/// A clerk's look of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appearance {
    pub theme: ThemeChoice,
    /// Everything's size, 100 to 175 per cent.
    pub text_percent: u16,
}

impl Default for Appearance {
    fn default() -> Self {
        Self {
            theme: ThemeChoice::System,
            text_percent: 100,
        }
    }
}

impl Appearance {
    /// Reads the clerk's look from `path`; a missing or unreadable file gives the
    /// default look (the file is only ever written whole, by [`Appearance::save`]).
    pub fn load(path: &Path) -> Self {
        std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Appearance>(&bytes).ok())
            .map(Appearance::clamped)
            .unwrap_or_default()
    }

    /// Writes it whole: to a file beside, then renamed over the old one.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)?;
        }
        let bytes = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        let beside = path.with_extension("json.new");
        std::fs::write(&beside, bytes)?;
        std::fs::rename(&beside, path)
    }

    /// Within the sizes offered.
    fn clamped(self) -> Self {
        Self {
            text_percent: self.text_percent.clamp(100, 175),
            ..self
        }
    }

    /// Puts the look on the window; a no-op when it is already on.
    pub fn apply(&self, context: &egui::Context) {
        let preference = self.theme.preference();
        if context.options(|options| options.theme_preference) != preference {
            context.set_theme(preference);
        }
        let zoom = f32::from(self.text_percent) / 100.0;
        if (context.zoom_factor() - zoom).abs() > f32::EPSILON {
            context.set_zoom_factor(zoom);
        }
    }
}

/// Where a clerk's look is kept: `appearance.json` in the user's settings folder
/// (`~/.config/union-ledger` on Linux, `%APPDATA%\union-ledger` on Windows).
/// A portable copy keeps it in its `data` folder.
pub fn default_file() -> Option<PathBuf> {
    if let Some(folder) = crate::store::portable_data_dir() {
        return Some(folder.join("appearance.json"));
    }
    directories::ProjectDirs::from("", "", "union-ledger")
        .map(|dirs| dirs.config_dir().join("appearance.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_look_saved_is_read_back_and_a_broken_file_gives_the_default() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings/appearance.json");
        assert_eq!(Appearance::load(&path), Appearance::default());
        let look = Appearance {
            theme: ThemeChoice::Light,
            text_percent: 175,
        };
        look.save(&path).unwrap();
        assert_eq!(Appearance::load(&path), look);
        std::fs::write(&path, "{ not json").unwrap();
        assert_eq!(Appearance::load(&path), Appearance::default());
        std::fs::write(&path, r#"{"theme":"dark","text_percent":400}"#).unwrap();
        assert_eq!(Appearance::load(&path).text_percent, 175);
    }
}
