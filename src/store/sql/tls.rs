//! Encryption of a server connection, as libpq's `sslmode` has it: `disable`; `prefer`
//! (the default) and `require` encrypt whenever the server offers it, without checking
//! its certificate (so a server with its own self-signed certificate, Debian's default,
//! works at once); `verify-ca` also checks the certificate against the union's own
//! certificate authority (`sslrootcert=FILE`), and `verify-full` the server's name too.
//! rustls with ring: nothing of the system's is linked, the same on Windows.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_postgres_rustls::MakeRustlsConnect;

/// What is checked of the server's certificate.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Check {
    /// Encrypted when the server offers it (and required by `sslmode=require`), the
    /// certificate not checked: libpq's `prefer` and `require`.
    #[default]
    Nothing,
    /// Signed by the authority in the file (`verify-ca`).
    Authority(PathBuf),
    /// That, and made out to the host connected to (`verify-full`).
    AuthorityAndName(PathBuf),
}

/// Takes libpq's `sslmode=verify-ca|verify-full` and `sslrootcert=FILE` out of a URL's
/// query (the driver knows neither), leaving `sslmode=require` in their place: the URL
/// the driver reads and what to check.
pub fn take_checks(url: &str) -> Result<(String, Check), String> {
    let Some((head, query)) = url.split_once('?') else {
        return Ok((url.to_string(), Check::Nothing));
    };
    let mut mode = None;
    let mut root = None;
    let mut kept = Vec::new();
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("sslrootcert", file)) => root = Some(PathBuf::from(decode(file))),
            Some(("sslmode", value @ ("verify-ca" | "verify-full"))) => {
                mode = Some(value.to_string());
                kept.push("sslmode=require".to_string());
            }
            _ => kept.push(pair.to_string()),
        }
    }
    let check = match (mode.as_deref(), root) {
        (Some("verify-ca"), Some(root)) => Check::Authority(root),
        (Some(_), Some(root)) => Check::AuthorityAndName(root),
        (Some(mode), None) => {
            return Err(format!(
                "sslmode={mode} 需要 sslrootcert=证书颁发机构的证书文件（PEM），用来核对服务器的证书"
            ));
        }
        (None, _) => Check::Nothing,
    };
    let url = if kept.is_empty() {
        head.to_string()
    } else {
        format!("{head}?{}", kept.join("&"))
    };
    Ok((url, check))
}

/// `%20` and the like in a query value (a path with spaces or Chinese in it).
fn decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = bytes
            .get(at + 1..at + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[at], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                at += 3;
            }
            (byte, _) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The connector for `check`.
pub fn connector(check: &Check) -> Result<MakeRustlsConnect, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|error| format!("无法准备加密连接：{error}"))?;
    let lenient = |authority| {
        Arc::new(Lenient {
            authority,
            provider: provider.clone(),
        })
    };
    let config = match check {
        Check::Nothing => builder
            .dangerous()
            .with_custom_certificate_verifier(lenient(None))
            .with_no_client_auth(),
        Check::Authority(file) => {
            let authority = WebPkiServerVerifier::builder_with_provider(
                Arc::new(roots(file)?),
                provider.clone(),
            )
            .build()
            .map_err(|error| format!("证书文件“{}”不能用：{error}", file.display()))?;
            builder
                .dangerous()
                .with_custom_certificate_verifier(lenient(Some(authority)))
                .with_no_client_auth()
        }
        Check::AuthorityAndName(file) => builder
            .with_root_certificates(roots(file)?)
            .with_no_client_auth(),
    };
    Ok(MakeRustlsConnect::new(config))
}

/// The certificates in a PEM file.
fn roots(file: &Path) -> Result<RootCertStore, String> {
    let unusable = |detail: String| format!("证书文件“{}”不能用：{detail}", file.display());
    let mut store = RootCertStore::empty();
    let certificates = CertificateDer::pem_file_iter(file)
        .map_err(|error| unusable(error.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| unusable(error.to_string()))?;
    for certificate in certificates {
        store
            .add(certificate)
            .map_err(|error| unusable(error.to_string()))?;
    }
    if store.is_empty() {
        return Err(unusable("其中没有 PEM 格式的证书".to_string()));
    }
    Ok(store)
}

/// libpq's checks short of `verify-full`: with no authority (`prefer`, `require`) any
/// certificate, with one (`verify-ca`) any made out by it, whatever host it names. The
/// handshake's signatures are checked either way.
#[derive(Debug)]
struct Lenient {
    authority: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Lenient {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(authority) = &self.authority else {
            return Ok(ServerCertVerified::assertion());
        };
        match authority.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_modes_are_taken_out_of_the_url_for_the_driver() {
        assert_eq!(
            take_checks("postgres://wang@db/ledger").unwrap(),
            ("postgres://wang@db/ledger".to_string(), Check::Nothing)
        );
        assert_eq!(
            take_checks("postgres://wang@db/ledger?sslmode=require").unwrap(),
            (
                "postgres://wang@db/ledger?sslmode=require".to_string(),
                Check::Nothing
            )
        );
        assert_eq!(
            take_checks(
                "postgres://wang@db/ledger?sslmode=verify-full&sslrootcert=/etc/%E5%B7%A5%E4%BC%9A/ca.pem&port=5433"
            )
            .unwrap(),
            (
                "postgres://wang@db/ledger?sslmode=require&port=5433".to_string(),
                Check::AuthorityAndName(PathBuf::from("/etc/工会/ca.pem"))
            )
        );
        assert_eq!(
            take_checks("postgres://wang@db/ledger?sslrootcert=ca.pem&sslmode=verify-ca")
                .unwrap()
                .1,
            Check::Authority(PathBuf::from("ca.pem"))
        );
        assert!(
            take_checks("postgres://wang@db/ledger?sslmode=verify-full")
                .unwrap_err()
                .contains("需要 sslrootcert")
        );
    }
}
