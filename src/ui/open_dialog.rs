//! 打开或新建台账: a ledger file on this computer, or a ledger on the union's
//! PostgreSQL server (host, port, database, user). The password is never asked for
//! here nor kept anywhere by the program: the server's own password file
//! (`~/.pgpass`) or `PGPASSWORD` supplies it, as for every PostgreSQL client.

use std::path::{Path, PathBuf};

use super::command::Command;

/// Which kind of ledger the dialog opens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OpenTab {
    #[default]
    File,
    Server,
}

/// How the connection to the server is encrypted (libpq's `sslmode`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SslMode {
    /// Encrypted when the server offers it.
    #[default]
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
    Disable,
}

impl SslMode {
    pub const ALL: [SslMode; 5] = [
        SslMode::Prefer,
        SslMode::Require,
        SslMode::VerifyCa,
        SslMode::VerifyFull,
        SslMode::Disable,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SslMode::Prefer => "自动（服务器支持即加密）",
            SslMode::Require => "必须加密",
            SslMode::VerifyCa => "加密并核对证书",
            SslMode::VerifyFull => "加密并核对证书和服务器名",
            SslMode::Disable => "不加密",
        }
    }

    /// The `sslmode=` value written in the address (`None`: libpq's default).
    fn value(self) -> Option<&'static str> {
        match self {
            SslMode::Prefer => None,
            SslMode::Require => Some("require"),
            SslMode::VerifyCa => Some("verify-ca"),
            SslMode::VerifyFull => Some("verify-full"),
            SslMode::Disable => Some("disable"),
        }
    }

    fn verifies(self) -> bool {
        matches!(self, SslMode::VerifyCa | SslMode::VerifyFull)
    }
}

/// A file path as a URL query value: `&`, `=`, `%`, spaces and the like escaped.
fn query_value(text: &str) -> String {
    let mut out = String::new();
    for ch in text.chars() {
        if ch.is_ascii_alphanumeric() || "/._-~:\\".contains(ch) {
            out.push(ch);
        } else {
            let mut buffer = [0u8; 4];
            for byte in ch.encode_utf8(&mut buffer).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    out
}

/// The dialog's fields as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenDialog {
    pub tab: OpenTab,
    pub path: String,
    pub host: String,
    pub port: String,
    pub database: String,
    pub user: String,
    /// libpq's sslmode, and the certificate authority's file for the verifying ones.
    pub sslmode: SslMode,
    pub root_cert: String,
    /// Why the server fields do not make an address yet.
    pub error: Option<String>,
}

impl OpenDialog {
    /// The dialog opened on the ledger now open: its file, or its server's fields.
    pub fn for_location(location: &Path) -> Self {
        match crate::store::server_address(location)
            .and_then(|url| crate::store::sql::pg::Address::parse(url).ok())
        {
            Some(address) => {
                use crate::store::sql::tls::Check;
                let (sslmode, root_cert) = match address.tls {
                    Check::Authority(file) => (SslMode::VerifyCa, file.display().to_string()),
                    Check::AuthorityAndName(file) => {
                        (SslMode::VerifyFull, file.display().to_string())
                    }
                    Check::Nothing => (
                        match address.config.get_ssl_mode() {
                            postgres::config::SslMode::Require => SslMode::Require,
                            postgres::config::SslMode::Disable => SslMode::Disable,
                            _ => SslMode::Prefer,
                        },
                        String::new(),
                    ),
                };
                Self {
                    tab: OpenTab::Server,
                    host: address.host,
                    port: address.port.to_string(),
                    database: address.dbname,
                    user: address.user,
                    sslmode,
                    root_cert,
                    ..Self::default()
                }
            }
            None => Self {
                path: location.display().to_string(),
                port: "5432".into(),
                ..Self::default()
            },
        }
    }

    /// The location to open: the file's path, or the server's address (a host that is a
    /// folder is a Unix socket there).
    pub fn location(&self) -> Result<PathBuf, String> {
        match self.tab {
            OpenTab::File => {
                let path = self.path.trim();
                if path.is_empty() {
                    return Err("请填写台账文件的路径".into());
                }
                Ok(PathBuf::from(path))
            }
            OpenTab::Server => {
                let host = self.host.trim();
                let database = self.database.trim();
                let user = self.user.trim();
                if host.is_empty() {
                    return Err("请填写服务器地址（主机名、IP，或 Unix 套接字所在文件夹）".into());
                }
                if database.is_empty() {
                    return Err("请填写数据库名".into());
                }
                if user.is_empty() {
                    return Err("请填写用户名".into());
                }
                let port = match self.port.trim() {
                    "" => 5432,
                    text => text
                        .parse::<u16>()
                        .ok()
                        .filter(|port| *port > 0)
                        .ok_or_else(|| format!("端口“{text}”应是 1 到 65535 之间的整数"))?,
                };
                let bad = |text: &str| text.chars().any(|c| "@/?#:&=' ".contains(c));
                if bad(database) || bad(user) {
                    return Err("数据库名和用户名不能含有 @ / ? # : & = 空格".into());
                }
                let mut query = Vec::new();
                let url = if host.starts_with('/') {
                    query.push(format!("host={host}"));
                    query.push(format!("port={port}"));
                    format!("postgres://{user}@localhost/{database}")
                } else {
                    if host.chars().any(|c| "@/?#".contains(c)) {
                        return Err(format!("服务器地址“{host}”不对"));
                    }
                    format!("postgres://{user}@{host}:{port}/{database}")
                };
                if let Some(mode) = self.sslmode.value() {
                    query.push(format!("sslmode={mode}"));
                }
                if self.sslmode.verifies() {
                    let file = self.root_cert.trim();
                    if file.is_empty() {
                        return Err(
                            "核对证书需要证书颁发机构的证书文件（PEM）：请填写它的路径".into()
                        );
                    }
                    query.push(format!("sslrootcert={}", query_value(file)));
                }
                Ok(PathBuf::from(if query.is_empty() {
                    url
                } else {
                    format!("{url}?{}", query.join("&"))
                }))
            }
        }
    }

    /// Draws the dialog; `true` when the clerk closed it.
    pub fn ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) -> bool {
        let mut close = false;
        egui::Modal::new(egui::Id::unique("open_dialog")).show(ui.ctx(), |ui| {
            ui.set_width(560.0);
            ui.heading("打开或新建台账");
            ui.horizontal(|ui| {
                ui.selectable_value(&mut self.tab, OpenTab::File, "本机文件");
                ui.selectable_value(&mut self.tab, OpenTab::Server, "服务器（多人共用）");
            });
            ui.separator();
            match self.tab {
                OpenTab::File => self.file_ui(ui, commands),
                OpenTab::Server => self.server_ui(ui),
            }
            if let Some(error) = &self.error {
                ui.colored_label(ui.visuals().error_fg_color, error);
            }
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                let mut open = |read_only: bool, this: &mut Self| match this.location() {
                    Ok(location) => {
                        this.error = None;
                        commands.push(if read_only {
                            Command::OpenLedgerReadOnly(location)
                        } else {
                            Command::OpenLedger(location)
                        });
                    }
                    Err(error) => this.error = Some(error),
                };
                if ui.button("打开").clicked() {
                    open(false, self);
                }
                if ui.button("只读打开（审计查阅）").clicked() {
                    open(true, self);
                }
                if self.tab == OpenTab::File && ui.button("浏览…").clicked() {
                    commands.push(Command::PickLedger);
                }
                if ui.button("取消").clicked() {
                    close = true;
                }
            });
        });
        close
    }

    fn file_ui(&mut self, ui: &mut egui::Ui, _commands: &mut Vec<Command>) {
        ui.weak("填写台账文件的路径，或点“浏览…”选择。路径上没有文件时，将新建一本空台账。");
        ui.add_space(6.0);
        ui.add(
            egui::TextEdit::singleline(&mut self.path)
                .id_salt("open_path")
                .hint_text("台账文件路径")
                .desired_width(540.0),
        );
    }

    fn server_ui(&mut self, ui: &mut egui::Ui) {
        ui.weak(
            "工会的 PostgreSQL 服务器上的台账，几位经办人可同时使用。空数据库会新建台账。\
             密码不在这里填写，也不会被保存：请在本机的 ~/.pgpass（Windows：%APPDATA%\\postgresql\\pgpass.conf）\
             中写好，或设置环境变量 PGPASSWORD。",
        );
        ui.add_space(6.0);
        egui::Grid::new("server_fields")
            .num_columns(2)
            .spacing([8.0, 6.0])
            .show(ui, |ui| {
                for (label, value, hint, width) in [
                    (
                        "服务器",
                        &mut self.host,
                        "主机名或 IP，如 192.168.1.20",
                        300.0,
                    ),
                    ("端口", &mut self.port, "5432", 80.0),
                    ("数据库", &mut self.database, "如 union_ledger", 200.0),
                    ("用户名", &mut self.user, "如 clerk_wang", 200.0),
                ] {
                    ui.label(label);
                    ui.add(
                        egui::TextEdit::singleline(value)
                            .id_salt(label)
                            .hint_text(hint)
                            .desired_width(width),
                    );
                    ui.end_row();
                }
                ui.label("加密");
                let combo = egui::ComboBox::from_id_salt("server_sslmode")
                    .selected_text(self.sslmode.label())
                    .width(240.0)
                    .show_ui(ui, |ui| {
                        for mode in SslMode::ALL {
                            ui.selectable_value(&mut self.sslmode, mode, mode.label());
                        }
                    });
                combo.response.accessible_name("加密");
                ui.end_row();
                if self.sslmode.verifies() {
                    ui.label("证书颁发机构");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.root_cert)
                            .id_salt("server_root_cert")
                            .hint_text("证书文件（PEM），如 /etc/union-ledger/ca.pem")
                            .desired_width(300.0),
                    );
                    ui.end_row();
                }
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(host: &str, port: &str, database: &str, user: &str) -> OpenDialog {
        OpenDialog {
            tab: OpenTab::Server,
            host: host.into(),
            port: port.into(),
            database: database.into(),
            user: user.into(),
            ..OpenDialog::default()
        }
    }

    #[test]
    fn server_fields_make_an_address_and_bad_ones_are_named() {
        assert_eq!(
            server("db.union.cn", "5433", "ledger", "clerk").location(),
            Ok(PathBuf::from("postgres://clerk@db.union.cn:5433/ledger"))
        );
        assert_eq!(
            server("/run/postgresql", "", "ledger", "clerk").location(),
            Ok(PathBuf::from(
                "postgres://clerk@localhost/ledger?host=/run/postgresql&port=5432"
            ))
        );
        assert!(
            server("db", "七", "ledger", "clerk")
                .location()
                .unwrap_err()
                .contains("端口")
        );
        assert!(
            server("", "5432", "ledger", "clerk")
                .location()
                .unwrap_err()
                .contains("服务器地址")
        );
        assert!(
            server("db", "5432", "", "clerk")
                .location()
                .unwrap_err()
                .contains("数据库名")
        );
        // Encrypted and checked against the union's own authority.
        let mut checked = server("db.union.cn", "5432", "ledger", "clerk");
        checked.sslmode = SslMode::VerifyFull;
        assert!(checked.location().unwrap_err().contains("证书文件"));
        checked.root_cert = "C:\\工会\\ca 2026.pem".into();
        let url = checked.location().unwrap();
        assert_eq!(
            url,
            PathBuf::from(
                "postgres://clerk@db.union.cn:5432/ledger?sslmode=verify-full&sslrootcert=C:\\%E5%B7%A5%E4%BC%9A\\ca%202026.pem"
            )
        );
        let again = OpenDialog::for_location(&url);
        assert_eq!(
            (again.sslmode, again.root_cert.as_str()),
            (SslMode::VerifyFull, "C:\\工会\\ca 2026.pem")
        );
        // Opened on a server ledger, the dialog shows its fields (no password).
        let dialog =
            OpenDialog::for_location(Path::new("postgres://clerk:secret@db.union.cn:5433/ledger"));
        assert_eq!(
            (
                dialog.tab,
                dialog.host.as_str(),
                dialog.port.as_str(),
                dialog.database.as_str()
            ),
            (OpenTab::Server, "db.union.cn", "5433", "ledger")
        );
    }
}
