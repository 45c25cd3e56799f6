//! The `agora` binary as a newcomer runs it: `serve` with no configuration answers health, readiness and
//! metrics, stops cleanly on SIGTERM, and refuses bad settings naming the key.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The built binary, without any of this environment's Agora settings.
pub fn agora() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_agora"));
    for (key, _) in std::env::vars() {
        if key.starts_with("AGORA_") || key == "DATABASE_URL" || key == "KAFKA_BROKERS" {
            command.env_remove(key);
        }
    }
    command
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

struct Server {
    child: Child,
    addr: String,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let addr = format!("127.0.0.1:{}", free_port());
        let child = agora()
            .args(["serve", "--listen", &addr, "--data-dir"])
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        Server { child, addr, _dir: dir }
    }

    async fn wait_until_up(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while reqwest::get(format!("http://{}/healthz", self.addr)).await.is_err() {
            assert!(Instant::now() < deadline, "agora serve did not come up");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Server {
    /// Sends SIGTERM and waits for the process to exit.
    async fn terminate(&mut self) -> std::process::ExitStatus {
        let status = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(exit) = self.child.try_wait().unwrap() {
                return exit;
            }
            assert!(Instant::now() < deadline, "agora did not stop on SIGTERM");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

#[tokio::test]
async fn serve_answers_health_readiness_and_metrics_then_stops_on_sigterm() {
    let mut server = Server::start();
    server.wait_until_up().await;
    let base = format!("http://{}", server.addr);
    assert_eq!(reqwest::get(format!("{base}/healthz")).await.unwrap().status(), 200);
    let ready = reqwest::get(format!("{base}/readyz")).await.unwrap();
    assert_eq!(ready.status(), 200);
    let metrics = reqwest::get(format!("{base}/metrics")).await.unwrap();
    assert_eq!(metrics.status(), 200);
    assert!(metrics.text().await.unwrap().contains("agora_http_requests_total"));

    let exit = server.terminate().await;
    assert!(exit.success(), "exit status {exit}");
    let mut log = String::new();
    std::io::Read::read_to_string(server.child.stderr.as_mut().unwrap(), &mut log).unwrap();
    assert!(log.contains("agora stopped"), "{log}");
}

#[test]
fn a_malformed_setting_exits_non_zero_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let output = agora()
        .args(["serve", "--data-dir"])
        .arg(dir.path())
        .env("AGORA_HTTP__REQUEST_TIMEOUT_SECS", "soon")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("http.request_timeout_secs"), "{stderr}");
}

#[test]
fn an_unknown_service_or_bad_listen_address_is_refused() {
    let output = agora().args(["serve", "--services", "nonsense"]).output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("services") && stderr.contains("nonsense"), "{stderr}");

    let output = agora().args(["serve"]).env("AGORA_LISTEN", "not-an-address").output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("listen"));
}

#[test]
fn help_lists_the_commands() {
    let output = agora().arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for command in ["serve", "migrate", "topics", "dlq", "schemas"] {
        assert!(help.contains(command), "{command} missing from --help:\n{help}");
    }
}

#[tokio::test]
async fn sigterm_stops_serve_even_when_its_log_pipe_is_closed() {
    let mut server = Server::start();
    server.wait_until_up().await;
    // Whoever read the logs went away.
    drop(server.child.stderr.take());
    let exit = server.terminate().await;
    assert!(exit.success(), "exit status {exit}");
}
