//! A ledger on a server reached over an encrypted connection, as libpq's `sslmode`
//! has it: the server's certificate made out to `localhost` by a certificate authority
//! of the union's own. `require` encrypts without checking the certificate,
//! `verify-ca` checks it against the authority, `verify-full` its name too; a wrong
//! authority or name is refused in the clerk's words, and `disable` stays plain.
//!
//! This test reconfigures its server, so it starts a cluster of its own (see
//! `support/cluster.rs`); it also needs `openssl` to make the certificates.

#![cfg(unix)]

#[path = "support/cluster.rs"]
mod cluster;

use std::path::Path;
use std::process::Command;

use cluster::Cluster;

/// Runs `openssl` with `args` in `dir`.
fn openssl(dir: &Path, args: &[&str]) {
    let status = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("openssl");
    assert!(status.success(), "openssl {args:?}");
}

/// An authority (`NAME.pem`, `NAME.key`) in `dir`.
fn authority(dir: &Path, name: &str) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "30",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.pem"),
            "-subj",
            &format!("/CN={name}"),
        ],
    );
}

/// Whether the connection at `url` is encrypted, or why it failed.
fn encrypted(url: &str) -> Result<bool, String> {
    let mut client = union_ledger::store::sql::pg::connect_client(url)?;
    let row = client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .map_err(|error| error.to_string())?;
    Ok(row.get(0))
}

#[test]
fn sslmodes_encrypt_and_check_the_certificate_as_libpq_does() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let tls = Path::new(&cluster.dir).join("tls");
    std::fs::create_dir_all(&tls).unwrap();
    authority(&tls, "union-ca");
    authority(&tls, "other-ca");
    openssl(
        &tls,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ],
    );
    std::fs::write(tls.join("san.cnf"), "subjectAltName=DNS:localhost\n").unwrap();
    openssl(
        &tls,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "union-ca.pem",
            "-CAkey",
            "union-ca.key",
            "-CAcreateserial",
            "-days",
            "30",
            "-extfile",
            "san.cnf",
            "-out",
            "server.crt",
        ],
    );
    // The server reads its key only when the key is its own and private.
    for file in ["server.crt", "server.key"] {
        let status = Command::new("chown")
            .args(["union_ledger_pg", &tls.join(file).display().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }
    let status = Command::new("chmod")
        .args(["600", &tls.join("server.key").display().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    // A free port on the loopback.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    cluster.pg_ctl(&["-m", "fast", "-w", "stop"]);
    cluster.start_with(&format!(
        "-c listen_addresses=127.0.0.1 -p {port} -c ssl=on -c ssl_cert_file={0}/server.crt -c ssl_key_file={0}/server.key",
        tls.display()
    ));
    let at = |host: &str, query: &str| {
        format!("postgres://union_ledger_pg@{host}:{port}/postgres?{query}")
    };
    let ca = tls.join("union-ca.pem").display().to_string();
    let other = tls.join("other-ca.pem").display().to_string();

    // Encrypted whenever the server offers it, by default too.
    assert_eq!(encrypted(&at("localhost", "sslmode=require")), Ok(true));
    assert_eq!(encrypted(&at("localhost", "connect_timeout=10")), Ok(true));
    assert_eq!(encrypted(&at("localhost", "sslmode=disable")), Ok(false));
    // The certificate against the union's authority, and its name.
    assert_eq!(
        encrypted(&at(
            "localhost",
            &format!("sslmode=verify-full&sslrootcert={ca}")
        )),
        Ok(true)
    );
    assert_eq!(
        encrypted(&at(
            "127.0.0.1",
            &format!("sslmode=verify-ca&sslrootcert={ca}")
        )),
        Ok(true)
    );
    let wrong_name = encrypted(&at(
        "127.0.0.1",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    ))
    .unwrap_err();
    assert!(
        wrong_name.contains("服务器的证书未通过核对"),
        "{wrong_name}"
    );
    let wrong_authority = encrypted(&at(
        "localhost",
        &format!("sslmode=verify-ca&sslrootcert={other}"),
    ))
    .unwrap_err();
    assert!(
        wrong_authority.contains("服务器的证书未通过核对"),
        "{wrong_authority}"
    );
    let no_file = encrypted(&at("localhost", "sslmode=verify-full")).unwrap_err();
    assert!(no_file.contains("需要 sslrootcert"), "{no_file}");

    // The program itself keeps a ledger there over the checked connection.
    let db = at(
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    );
    for args in [&["init"][..], &["balance"][..]] {
        let output = Command::new(env!("CARGO_BIN_EXE_union-ledger"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
