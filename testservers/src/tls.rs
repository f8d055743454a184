//! The HTTP routes over TLS, with certificates generated when the server starts.
//!
//! Each server makes its own CA with `rcgen` and a leaf certificate of the chosen
//! [`CertKind`]; the server presents the leaf and the CA. Tests trust [`TlsServer::ca_der`]
//! (or deliberately do not, for the unknown-CA case).

use std::sync::Arc;
use std::time::Duration;

use rcgen::{
    date_time_ymd, BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

use crate::{spawn_server, ServerHandle};

/// How long a TLS handshake may take on the server side.
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(10);

/// Which leaf certificate the server presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertKind {
    /// Valid now, for `localhost` and `127.0.0.1`.
    Valid,
    /// For `localhost` and `127.0.0.1`, but expired (valid only during 2000).
    Expired,
    /// Valid now, but only for `wrong.example`.
    WrongName,
}

/// A CA and a leaf certificate with its key, all DER.
#[derive(Debug, Clone)]
pub struct TestCertificates {
    /// The CA certificate (the trust anchor for tests).
    pub ca: CertificateDer<'static>,
    /// The leaf certificate.
    pub leaf: CertificateDer<'static>,
    /// The leaf's PKCS#8 private key.
    pub leaf_key: Vec<u8>,
}

/// Generates a CA and a leaf of `kind`. Panics only if `rcgen` cannot sign (not input-driven).
pub fn generate(kind: CertKind) -> TestCertificates {
    let ca_key = KeyPair::generate().expect("generate CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "hinternet test CA");
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params.self_signed(&ca_key).expect("self-sign CA");
    let issuer = Issuer::new(ca_params, ca_key);

    let names = match kind {
        CertKind::Valid | CertKind::Expired => {
            vec!["localhost".to_string(), "127.0.0.1".to_string()]
        }
        CertKind::WrongName => vec!["wrong.example".to_string()],
    };
    let leaf_key = KeyPair::generate().expect("generate leaf key");
    let mut leaf_params = CertificateParams::new(names).expect("leaf params");
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, "hinternet test server");
    if kind == CertKind::Expired {
        leaf_params.not_before = date_time_ymd(2000, 1, 1);
        leaf_params.not_after = date_time_ymd(2000, 12, 31);
    }
    let leaf_cert = leaf_params
        .signed_by(&leaf_key, &issuer)
        .expect("sign leaf");
    TestCertificates {
        ca: ca_cert.der().clone(),
        leaf: leaf_cert.der().clone(),
        leaf_key: leaf_key.serialize_der(),
    }
}

/// A running TLS server and the CA that signed its certificate.
#[derive(Debug)]
pub struct TlsServer {
    /// The server handle (drop to stop).
    pub handle: ServerHandle,
    /// The certificates in use.
    pub certificates: TestCertificates,
}

impl TlsServer {
    /// The CA certificate to trust.
    pub fn ca_der(&self) -> CertificateDer<'static> {
        self.certificates.ca.clone()
    }
}

/// Starts the HTTP routes of [`crate::http`] over TLS on 127.0.0.1:0 with a `kind`
/// certificate.
pub fn start(kind: CertKind) -> TlsServer {
    let certificates = generate(kind);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certificates.leaf_key.clone()));
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![certificates.leaf.clone(), certificates.ca.clone()],
            key,
        )
        .expect("generated key matches its certificate");
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let handle = spawn_server(
        "tls",
        Arc::new(move |stream, _, _| {
            let acceptor = acceptor.clone();
            Box::pin(async move {
                if let Ok(Ok(tls)) =
                    tokio::time::timeout(HANDSHAKE_LIMIT, acceptor.accept(stream)).await
                {
                    crate::http::serve(tls).await;
                }
            })
        }),
    );
    TlsServer {
        handle,
        certificates,
    }
}
