//! The live-socket benchmark's client (run by `scripts/bench-live`, which starts the servers): holds
//! `--connections` authenticated chat sockets against one chat process, then posts messages at `--rate` per
//! second for `--seconds` and measures each message's delivery latency, from the moment the sender's frame
//! is written to the moment the recipient's socket receives it (one clock: both ends are in this process).
//! It also reads the chat process's resident memory from /proc.
//!
//! Users: `--pairs` buyers each talk to one of five sellers about one of their products; their sockets are the
//! ones that carry traffic. The other sockets belong to ten idle users, four hundred or so each, so that they
//! are real authenticated sockets that receive nothing, like the many open pages nobody is writing to.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark fails loudly where it unwraps")]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use reqwest::Client;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

const PASSWORD: &str = "correct horse battery staple";
const SELLERS: usize = 5;
const PRODUCTS_PER_SELLER: usize = 10;
const IDLE_USERS: usize = 10;

struct Args {
    front: String,
    chat: String,
    chat_pid: u32,
    admin_email: String,
    admin_password: String,
    connections: usize,
    pairs: usize,
    rate: u64,
    seconds: u64,
    out: Option<String>,
    /// A directory on the chat process's disk, for timing that disk's fsync.
    disk_dir: std::path::PathBuf,
}

fn args() -> Args {
    let mut map: HashMap<String, String> = HashMap::new();
    let mut it = std::env::args().skip(1);
    while let Some(key) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{key} needs a value"));
        map.insert(key.trim_start_matches("--").to_owned(), value);
    }
    let get = |k: &str, default: &str| map.get(k).cloned().unwrap_or_else(|| default.to_owned());
    Args {
        front: get("front", "http://127.0.0.1:8080"),
        chat: get("chat", "http://127.0.0.1:8081"),
        chat_pid: get("chat-pid", "0").parse().expect("--chat-pid"),
        admin_email: get("admin-email", "admin@example.com"),
        admin_password: get("admin-password", PASSWORD),
        connections: get("connections", "10000").parse().expect("--connections"),
        pairs: get("pairs", "100").parse().expect("--pairs"),
        rate: get("rate", "1000").parse().expect("--rate"),
        seconds: get("seconds", "30").parse().expect("--seconds"),
        out: map.get("out").cloned(),
        disk_dir: map.get("disk-dir").map_or_else(std::env::temp_dir, Into::into),
    }
}

/// Resident and peak resident memory of a process, in MiB.
fn memory(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// CPU time since boot in ticks, all of it and the part the hypervisor gave to other machines (steal),
/// from /proc/stat.
fn cpu_ticks() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let ticks: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .take(8)
        .filter_map(|t| t.parse().ok())
        .collect();
    (ticks.iter().sum(), ticks.get(7).copied().unwrap_or(0))
}

/// Percent of the CPU time between two `cpu_ticks` readings that was stolen.
fn steal_percent(from: (u64, u64), to: (u64, u64)) -> f64 {
    let all = to.0.saturating_sub(from.0).max(1) as f64;
    to.1.saturating_sub(from.1) as f64 * 100.0 / all
}

/// How long the disk under `dir` takes to write and fsync 16 KiB, every 5 ms for `seconds`: p50, p99, max
/// in ms. Every delivered message waits for at least one fsync, so this bounds what the run can show.
fn fsync_latency(dir: &std::path::Path, seconds: u64) -> (f64, f64, f64) {
    use std::io::Write;
    let path = dir.join("live-bench-fsync-probe");
    let mut file = std::fs::File::create(&path).unwrap();
    let block = vec![b'x'; 16 * 1024];
    let until = Instant::now() + Duration::from_secs(seconds);
    let mut times = Vec::new();
    while Instant::now() < until {
        let start = Instant::now();
        file.write_all(&block).unwrap();
        file.sync_all().unwrap();
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        std::thread::sleep(Duration::from_millis(5));
    }
    drop(file);
    let _ = std::fs::remove_file(path);
    times.sort_by(f64::total_cmp);
    (percentile(&times, 50.0), percentile(&times, 99.0), times.last().copied().unwrap_or(f64::NAN))
}

async fn post(client: &Client, url: &str, token: Option<&str>, body: &Value) -> Value {
    let mut request = client.post(url).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let reply = request.send().await.unwrap();
    let status = reply.status();
    let body: Value = reply.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "POST {url}: {status} {body}");
    body
}

async fn sign_in(client: &Client, front: &str, email: &str, password: &str) -> (String, String) {
    let body =
        post(client, &format!("{front}/api/identity/sessions"), None, &json!({ "email": email, "password": password }))
            .await;
    let token = body["access_token"].as_str().unwrap().to_owned();
    let me: Value =
        client.get(format!("{front}/api/identity/me")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    (token, me["id"].as_str().unwrap_or_default().to_owned())
}

async fn register(client: &Client, front: &str, email: &str, name: &str) -> String {
    let body = json!({ "email": email, "password": PASSWORD, "display_name": name });
    post(client, &format!("{front}/api/identity/users"), None, &body).await;
    sign_in(client, front, email, PASSWORD).await.0
}

/// An authenticated socket: the writer, and the reader handed to `on_frame`.
async fn connect(
    chat: &str,
    token: &str,
) -> (
    futures::stream::SplitSink<
        tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
        Message,
    >,
    futures::stream::SplitStream<
        tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    >,
) {
    let url = format!("{}/api/chat/ws", chat.replacen("http", "ws", 1));
    // As browsers do, the client sends each frame at once (no Nagle).
    let (socket, _) = tokio_tungstenite::connect_async_with_config(url, None, true).await.expect("connect");
    let (mut sink, mut stream) = socket.split();
    sink.send(Message::text(json!({ "type": "auth", "token": token }).to_string())).await.unwrap();
    loop {
        match stream.next().await {
            Some(Ok(Message::Text(text))) => {
                let frame: Value = serde_json::from_str(&text).unwrap();
                if frame["type"] == "ready" {
                    break;
                }
                assert_ne!(frame["type"], "error", "socket refused: {frame}");
            }
            Some(Ok(_)) => {}
            other => panic!("socket closed before it was ready: {other:?}"),
        }
    }
    (sink, stream)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let args = args();
    let client = Client::new();
    let front = args.front.as_str();
    let (baseline_rss, _) = memory(args.chat_pid);

    // Five approved sellers with ten products each.
    eprintln!("setting up {SELLERS} sellers, {} buyers and {IDLE_USERS} idle users", args.pairs);
    let (admin, _) = sign_in(&client, front, &args.admin_email, &args.admin_password).await;
    let category =
        post(&client, &format!("{front}/api/catalog/categories"), Some(&admin), &json!({ "name": "Bench" })).await;
    let mut products = Vec::new();
    let mut sellers = Vec::new();
    for s in 0..SELLERS {
        let email = format!("seller{s}@bench.example");
        let token = register(&client, front, &email, &format!("Seller {s}")).await;
        let application = json!({ "shop_name": format!("Bench Shop {s}"), "description": "A shop made by the benchmark to talk about its products." });
        let application =
            post(&client, &format!("{front}/api/identity/seller-applications"), Some(&token), &application).await;
        let approve =
            format!("{front}/api/identity/admin/seller-applications/{}/approve", application["id"].as_str().unwrap());
        post(&client, &approve, Some(&admin), &json!({})).await;
        let (token, id) = sign_in(&client, front, &email, PASSWORD).await;
        for p in 0..PRODUCTS_PER_SELLER {
            let product = json!({
                "title": format!("Bench product {s}-{p}"), "description": "Made by the benchmark.",
                "price": { "amount_minor": 1000 + p, "currency": "EUR" }, "category_id": category["id"],
                "attributes": [], "stock": 10,
            });
            let product = post(&client, &format!("{front}/api/catalog/products"), Some(&token), &product).await;
            products.push(product["id"].as_str().unwrap().to_owned());
        }
        sellers.push((token, id));
    }

    // Each buyer opens a conversation about one product (catalog answers chat over REST).
    let chat = args.chat.as_str();
    let mut buyers = Vec::new();
    for b in 0..args.pairs {
        let token = register(&client, front, &format!("buyer{b}@bench.example"), &format!("Buyer {b}")).await;
        let product = &products[b % products.len()];
        let conversation =
            post(&client, &format!("{chat}/api/chat/conversations"), Some(&token), &json!({ "product_id": product }))
                .await;
        buyers.push((token, conversation["id"].as_str().unwrap().to_owned()));
    }
    let mut idle_tokens = Vec::new();
    for i in 0..IDLE_USERS {
        idle_tokens.push(register(&client, front, &format!("idle{i}@bench.example"), &format!("Idle {i}")).await);
    }

    // Sockets: one per seller and buyer carries the traffic; the rest are idle users' open pages.
    let sent_at: Arc<Mutex<HashMap<u64, Instant>>> = Arc::default();
    // (when it arrived, seconds into the run; its latency, ms)
    let latencies: Arc<Mutex<Vec<(f64, f64)>>> = Arc::default();
    let started = Instant::now();
    let mut seller_readers = Vec::new();
    for (token, _) in &sellers {
        let (sink, stream) = connect(chat, token).await;
        seller_readers.push((sink, stream));
    }
    let mut buyer_sinks = Vec::new();
    let mut keep = Vec::new();
    for (token, _) in &buyers {
        let (sink, mut stream) = connect(chat, token).await;
        // The buyer's own socket sees its acks and its own messages; read them so pings get answered.
        keep.push(tokio::spawn(async move { while stream.next().await.is_some() {} }));
        buyer_sinks.push(sink);
    }
    for (_sink, mut stream) in seller_readers {
        let sent_at = sent_at.clone();
        let latencies = latencies.clone();
        keep.push(tokio::spawn(async move {
            let _sink = _sink;
            while let Some(Ok(message)) = stream.next().await {
                let Message::Text(text) = message else { continue };
                let received = Instant::now();
                let frame: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                if frame["type"] != "message" {
                    continue;
                }
                let Some(n) = frame["message"]["body"]
                    .as_str()
                    .and_then(|b| b.strip_prefix("bench "))
                    .and_then(|n| n.parse::<u64>().ok())
                else {
                    continue;
                };
                if let Some(at) = sent_at.lock().unwrap().remove(&n) {
                    let latency = received.duration_since(at).as_secs_f64() * 1000.0;
                    latencies.lock().unwrap().push((received.duration_since(started).as_secs_f64(), latency));
                }
            }
        }));
    }
    let active = SELLERS + args.pairs;
    let idle = args.connections.saturating_sub(active);
    eprintln!("opening {idle} idle sockets");
    let (tx, mut rx) = tokio::sync::mpsc::channel(idle.max(1));
    let idle_tokens = Arc::new(idle_tokens);
    let limit = Arc::new(tokio::sync::Semaphore::new(64));
    for i in 0..idle {
        let (tx, tokens, limit, chat) = (tx.clone(), idle_tokens.clone(), limit.clone(), args.chat.clone());
        tokio::spawn(async move {
            let permit = limit.acquire_owned().await.unwrap();
            let (sink, mut stream) = connect(&chat, &tokens[i % tokens.len()]).await;
            drop(permit);
            tx.send(()).await.unwrap();
            let _sink = sink;
            while stream.next().await.is_some() {}
        });
    }
    drop(tx);
    for _ in 0..idle {
        rx.recv().await.expect("an idle socket failed");
    }
    let connect_secs = started.elapsed().as_secs_f64();
    let disk_dir = args.disk_dir.clone();
    let fsync = tokio::task::spawn_blocking(move || fsync_latency(&disk_dir, 5)).await.unwrap();
    let (held_rss, _) = memory(args.chat_pid);
    eprintln!("{} sockets open in {connect_secs:.1} s; chat process resident {held_rss:.1} MiB", args.connections);

    // Load: `rate` messages a second, round-robin over the buyers, for `seconds`.
    let total = args.rate * args.seconds;
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let per_tick = (args.rate / 100).max(1);
    // The hypervisor's share of each second of the load: a machine shared with others loses its CPUs for
    // whole seconds at a time, and every process on it stalls alike.
    let stolen: Arc<Mutex<Vec<f64>>> = Arc::default();
    let sampler = {
        let stolen = stolen.clone();
        tokio::spawn(async move {
            let mut second = tokio::time::interval(Duration::from_secs(1));
            second.tick().await;
            let mut last = cpu_ticks();
            loop {
                second.tick().await;
                let now = cpu_ticks();
                stolen.lock().unwrap().push(steal_percent(last, now));
                last = now;
            }
        })
    };
    let load_cpu = cpu_ticks();
    let load_started = Instant::now();
    let mut n = 0u64;
    while n < total {
        tick.tick().await;
        for _ in 0..per_tick {
            if n >= total {
                break;
            }
            let b = (n as usize) % buyer_sinks.len();
            let frame =
                json!({ "type": "send", "conversation_id": buyers[b].1, "body": format!("bench {n}") }).to_string();
            sent_at.lock().unwrap().insert(n, Instant::now());
            buyer_sinks[b].send(Message::text(frame)).await.unwrap();
            n += 1;
        }
    }
    let load_secs = load_started.elapsed().as_secs_f64();
    let load_steal = steal_percent(load_cpu, cpu_ticks());
    sampler.abort();
    let stolen = stolen.lock().unwrap().clone();
    let worst_steal = stolen.iter().copied().fold(0.0, f64::max);
    let stolen: Vec<String> = stolen.iter().map(|s| format!("{s:.0}")).collect();
    eprintln!("CPU stolen by the host in each second of the load (%): {}", stolen.join(" "));
    // Let the last messages arrive.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !sent_at.lock().unwrap().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (end_rss, peak_rss) = memory(args.chat_pid);
    let lost = sent_at.lock().unwrap().len();
    let latencies = latencies.lock().unwrap().clone();
    // The slowest delivery of each second, on stderr: a stall shows as one bad second, a queue as a slope.
    let mut worst: std::collections::BTreeMap<u64, f64> = Default::default();
    for (at, latency) in &latencies {
        let slot = worst.entry(*at as u64).or_default();
        *slot = slot.max(*latency);
    }
    let worst: Vec<String> = worst.iter().map(|(s, ms)| format!("{s}s:{ms:.0}")).collect();
    eprintln!("slowest delivery of each second (seconds into the run: ms): {}", worst.join(" "));
    let mut sorted: Vec<f64> = latencies.iter().map(|(_, latency)| *latency).collect();
    sorted.sort_by(f64::total_cmp);
    let (p50, p90, p99, max) = (
        percentile(&sorted, 50.0),
        percentile(&sorted, 90.0),
        percentile(&sorted, 99.0),
        sorted.last().copied().unwrap_or(f64::NAN),
    );
    let report = format!(
        "| measure | value |\n|---|---|\n\
         | sockets held by the chat process | {} ({} carrying traffic, {} idle) |\n\
         | time to open and authenticate them | {connect_secs:.1} s |\n\
         | chat process resident memory before any socket | {baseline_rss:.1} MiB |\n\
         | … with every socket open, before the load | {held_rss:.1} MiB |\n\
         | … after the load (peak during the run) | {end_rss:.1} MiB ({peak_rss:.1} MiB) |\n\
         | messages posted | {total} in {load_secs:.1} s ({:.0}/s) |\n\
         | delivered to the recipient's socket | {} (lost: {lost}) |\n\
         | delivery latency p50 | {p50:.1} ms |\n\
         | delivery latency p90 | {p90:.1} ms |\n\
         | delivery latency p99 | {p99:.1} ms |\n\
         | delivery latency max | {max:.1} ms |\n\
         | CPU taken by the host (steal) during the load | {load_steal:.0}% (worst second {worst_steal:.0}%) |\n\
         | disk: write and fsync 16 KiB, just before the load | p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms |\n",
        args.connections,
        active,
        idle,
        total as f64 / load_secs,
        sorted.len(),
        fsync.0,
        fsync.1,
        fsync.2
    );
    println!("{report}");
    if let Some(out) = args.out {
        std::fs::write(out, report).unwrap();
    }
    let held_ok = held_rss < 200.0 && peak_rss < 200.0;
    let p99_ok = p99 < 50.0 && lost == 0;
    if !(held_ok && p99_ok) {
        eprintln!("targets missed: resident < 200 MiB: {held_ok}; p99 < 50 ms with nothing lost: {p99_ok}");
        std::process::exit(1);
    }
}
