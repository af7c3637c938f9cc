//! What three-legged tokens cost once they are cached: a call for a user
//! beside a two-legged call, cache lookups with 10 000 users stored, the
//! memory each stored user takes, and one `private_key_jwt` assertion's
//! signing beside one TAAP PoP token's.
//!
//! `cargo bench --bench three_legged` (add `-- --quick` for a shorter run).
//! The figures are printed, never asserted.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use qod::auth::{
    AccessToken, AssertionKey, AuthorizationServer, ClientAuth, ClientCredentials, Subject,
    TokenGrant, UserCredentials,
};
use qod::core::{Client, ClientCore};
use qod::models::SessionId;
use qod::operations::GetSessionOp;
use qod::{CallOptions, Credentials, Endpoint, StdClock, TransportError};

const RSA_PEM: &[u8] = include_bytes!("../crates/qod-core/tests/fixtures/test-rsa-2048.pem");
const EC_PEM: &[u8] = include_bytes!("../crates/qod-core/tests/fixtures/test-ec-p256.pem");
const API: &str = "https://api.example.com/quality-on-demand/v1";
const TOKEN_URL: &str = "https://auth.example.com/token";
const SESSION_JSON: &str = r#"{"sessionId":"3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "qosProfile":"QOS_E","duration":600,"startedAt":"2024-01-01T00:00:00Z",
    "expiresAt":"2024-01-01T00:10:00Z","qosStatus":"AVAILABLE",
    "applicationServer":{"ipv4Address":"198.51.100.10"}}"#;
const USERS: usize = 10_000;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn time_per_op(iterations: u32, mut op: impl FnMut(u32)) -> f64 {
    let started = Instant::now();
    for i in 0..iterations {
        op(i);
    }
    started.elapsed().as_secs_f64() / f64::from(iterations)
}

/// A transport that answers every token request with a token and every
/// other request with a session, at once.
fn in_memory()
-> impl Fn(http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError> + Send + Sync
{
    move |request: http::Request<Vec<u8>>| {
        let body = if request.uri().path().ends_with("/token") {
            br#"{"access_token":"two-legged","token_type":"Bearer","expires_in":86400}"#.to_vec()
        } else {
            SESSION_JSON.as_bytes().to_vec()
        };
        Ok(http::Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .body(body)
            .unwrap())
    }
}

fn client(credentials: Credentials) -> Client<impl qod::core::Transport> {
    let core = ClientCore::new(Endpoint::new(API).unwrap()).with_credentials(credentials);
    Client::new(in_memory(), core, Arc::new(StdClock))
}

fn phone(i: usize) -> Subject {
    Subject::phone_number(&format!("+1425{:07}", i)).unwrap()
}

/// Three-legged credentials holding `users` users' tokens, stored as an
/// application does after the authorization code flow.
fn user_client(users: usize) -> Client<impl qod::core::Transport> {
    let client_auth = ClientAuth::secret_basic("bench", "secret").unwrap();
    let server = AuthorizationServer::new(TOKEN_URL).unwrap();
    let client = client(UserCredentials::authorization_code(client_auth, server).into());
    let auth = client.core().authenticator();
    for i in 0..users {
        let token = AccessToken::new(format!("user-token-{i}"));
        auth.store_user_token(phone(i), TokenGrant::new(token))
            .unwrap();
    }
    client
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let iterations = if quick { 20_000 } else { 200_000 };
    let rounds = if quick { 3 } else { 7 };
    let id: SessionId = "3fa85f64-5717-4562-b3fc-2c963f66afa6".parse().unwrap();
    let op = GetSessionOp::new(id);

    let two_legged = client(
        ClientCredentials::new(TOKEN_URL, "bench", "secret")
            .unwrap()
            .into(),
    );
    let one_user = user_client(1);
    let many_users = user_client(USERS);
    let first = CallOptions::new().with_subject(phone(0));
    let options: Vec<CallOptions> = (0..USERS)
        .map(|i| CallOptions::new().with_subject(phone(i)))
        .collect();
    // Warm every cache: the figures are for cached tokens.
    two_legged.get_session(id).unwrap();
    one_user.execute(&op, &first).unwrap();

    let mut two = Vec::new();
    let mut three = Vec::new();
    let mut spread = Vec::new();
    for _ in 0..rounds {
        two.push(time_per_op(iterations, |_| {
            std::hint::black_box(two_legged.execute(&op, &CallOptions::new()).unwrap());
        }));
        three.push(time_per_op(iterations, |_| {
            std::hint::black_box(one_user.execute(&op, &first).unwrap());
        }));
        spread.push(time_per_op(iterations, |i| {
            let options = &options[i as usize % USERS];
            std::hint::black_box(many_users.execute(&op, options).unwrap());
        }));
    }
    let (two, three, spread) = (median(two), median(three), median(spread));
    println!(
        "a cached token per call, in-memory transport ({iterations} calls, median of {rounds})"
    );
    println!(
        "  two-legged (client credentials)      {:>8.2} us",
        two * 1e6
    );
    println!(
        "  three-legged, one user               {:>8.2} us",
        three * 1e6
    );
    println!(
        "  three-legged, {USERS} users, rotating  {:>8.2} us",
        spread * 1e6
    );
    println!(
        "  three-legged / two-legged            {:>8.2}x (goal: about 1x)",
        three / two
    );
    println!(
        "  {USERS} users / one user              {:>8.2}x",
        spread / three
    );

    // Memory per stored user: the same stores, measured by the process's RSS.
    let before = rss_kib();
    let measured = user_client(USERS);
    let after = rss_kib();
    if let (Some(before), Some(after)) = (before, after) {
        let per_user = (after.saturating_sub(before) * 1024) as f64 / USERS as f64;
        println!(
            "memory: {USERS} users' tokens stored, RSS {before} KiB -> {after} KiB, about {per_user:.0} bytes per user"
        );
    }
    assert_eq!(measured.core().authenticator().cached_subjects(), USERS);

    // Signing: one private_key_jwt assertion (RS256 and ES256) beside one PoP token.
    let signs = if quick { 200 } else { 2_000 };
    let rsa = AssertionKey::from_pkcs8_pem(RSA_PEM).unwrap();
    let ec = AssertionKey::from_pkcs8_pem(EC_PEM).unwrap();
    let claims = serde_json::json!({
        "iss": "bench", "sub": "bench", "aud": TOKEN_URL,
        "jti": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "iat": 1_700_000_000, "exp": 1_700_000_060,
    });
    let rs256 = time_per_op(signs, |_| {
        std::hint::black_box(rsa.sign_jwt("JWT", &claims).unwrap());
    });
    let es256 = time_per_op(signs, |_| {
        std::hint::black_box(ec.sign_jwt("JWT", &claims).unwrap());
    });
    let taap = qod::auth::TaapCredentials::from_pem("bench", "secret", RSA_PEM).unwrap();
    let signer = taap.signer().clone();
    let request = http::Request::post(format!("{API}/sessions"))
        .header("content-type", "application/json")
        .header("authorization", "Bearer abc123")
        .body(SESSION_JSON.as_bytes().to_vec())
        .unwrap();
    let pop = time_per_op(signs, |_| {
        std::hint::black_box(
            signer
                .sign(
                    &request,
                    SystemTime::now(),
                    qod::models::uuid::Uuid::new_v4(),
                )
                .unwrap(),
        );
    });
    println!("signing ({signs} each)");
    println!(
        "  private_key_jwt assertion, RS256     {:>8.1} us",
        rs256 * 1e6
    );
    println!(
        "  private_key_jwt assertion, ES256     {:>8.1} us",
        es256 * 1e6
    );
    println!(
        "  TAAP PoP token, RS256                {:>8.1} us",
        pop * 1e6
    );
}
