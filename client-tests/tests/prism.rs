//! End to end against Prism: each spec in `specs/` is served by a Prism mock on loopback, which
//! validates every request (method, path, parameters, auth) against the spec and, with
//! `--errors`, answers an invalid one with an error instead of a mock response. Every generated
//! operation is called (by the generated code in `calls/`) and must succeed.
//!
//! Prism is installed (pinned) into `tools/prism` by `cargo xtask test`.

// Generated (prettyplease-formatted) by `cargo xtask regenerate`; rustfmt would only fight it.
#[rustfmt::skip]
mod calls;

use std::collections::BTreeSet;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use vendor_apis::runtime::reqwest;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A Prism mock server; stopped when dropped.
struct Prism {
    child: Child,
    url: String,
}

impl Prism {
    fn serve(spec: &str) -> Prism {
        let bin = root().join("tools/prism/node_modules/.bin/prism");
        assert!(
            bin.exists(),
            "Prism is not installed at {}; run `cargo xtask test`, which installs it with `npm ci` in tools/prism",
            bin.display()
        );
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(bin)
            .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string(), "--errors", "--dynamic", "--seed", "1"])
            .arg(root().join(spec))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting Prism");
        let prism = Prism { child, url: format!("http://127.0.0.1:{port}") };
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "Prism did not start serving {spec} within 60 s");
            std::thread::sleep(Duration::from_millis(100));
        }
        prism
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The operations the generator makes from a spec (with its settings and overlay), by method name.
fn generated_operations(spec: &str) -> BTreeSet<String> {
    let input = codegen::SpecInput::read(&root().join(spec), spec).unwrap();
    codegen::build_api(&input).unwrap().operations.into_iter().map(|op| op.name.to_string()).collect()
}

/// Control: a request without credentials is refused by the same Prism, so its acceptance of the
/// generated client's requests means something.
async fn assert_prism_enforces_auth(prism: &Prism, method: reqwest::Method, path: &str) {
    let response = reqwest::Client::new().request(method, format!("{}{path}", prism.url)).send().await.unwrap();
    assert_eq!(response.status(), 401, "Prism should refuse a request without credentials");
}

/// Runs the generated calls of one API and checks that each succeeded and that together they
/// cover every operation the generator produced.
fn assert_all_accepted(outcomes: Vec<(&'static str, Result<(), String>)>, spec: &str) {
    let failures: Vec<String> =
        outcomes.iter().filter_map(|(name, outcome)| outcome.as_ref().err().map(|e| format!("{name}: {e}"))).collect();
    assert!(failures.is_empty(), "{} of {} calls failed:\n{}", failures.len(), outcomes.len(), failures.join("\n"));
    let called: BTreeSet<String> = outcomes.iter().map(|(name, _)| name.to_string()).collect();
    assert_eq!(called, generated_operations(spec), "every operation is called");
}

#[tokio::test]
async fn every_devin_operation_is_valid_for_prism() {
    let prism = Prism::serve("specs/devin-v3.yaml");
    let client = vendor_apis::devin::Client::builder().base_url(&prism.url).bearer_auth("cog_e2e").build().unwrap();
    let outcomes = calls::devin::call_every_operation(&client).await;
    assert_all_accepted(outcomes, "specs/devin-v3.yaml");
    assert_prism_enforces_auth(&prism, reqwest::Method::DELETE, "/v3beta1/enterprise/service-users/u/api-keys/k").await;
}

#[tokio::test]
async fn every_blaxel_operation_is_valid_for_prism() {
    let prism = Prism::serve("specs/blaxel-controlplane.yaml");
    // Each of the two alternatives the spec allows, one at a time.
    let by_api_key =
        vendor_apis::blaxel::Client::builder().base_url(&prism.url).api_key_auth("bl_e2e").build().unwrap();
    let by_oauth = vendor_apis::blaxel::Client::builder().base_url(&prism.url).oauth2_token("jwt_e2e").build().unwrap();
    // With `--errors` Prism answers a request that breaks the spec with an error status, so
    // success is the proof of validity.
    for client in [by_api_key, by_oauth] {
        client.delete_api_key_for_service_account("client-1", "key-1").send().await.unwrap();
    }

    let client = vendor_apis::blaxel::Client::builder().base_url(&prism.url).api_key_auth("bl_e2e").build().unwrap();
    let outcomes = calls::blaxel::call_every_operation(&client).await;
    assert_all_accepted(outcomes, "specs/blaxel-controlplane.yaml");
    assert_prism_enforces_auth(&prism, reqwest::Method::DELETE, "/service_accounts/c/api_keys/k").await;
}
