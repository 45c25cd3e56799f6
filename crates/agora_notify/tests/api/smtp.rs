//! A minimal SMTP server for tests, speaking just enough of the protocol for one client (220, EHLO → 250,
//! MAIL/RCPT → 250, DATA → 354, "." → 250, QUIT → 221). While "down" it answers every connection with
//! 421 and hangs up, as a relay out of service does.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One email as received.
#[derive(Debug, Clone, Default)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The DATA, dot-unstuffed, lines joined by `\n`.
    pub data: String,
}

impl Received {
    /// A header's value (the first with that name).
    pub fn header(&self, name: &str) -> Option<String> {
        let (head, _) = self.data.split_once("\n\n")?;
        let prefix = format!("{}:", name.to_ascii_lowercase());
        head.lines().find(|l| l.to_ascii_lowercase().starts_with(&prefix)).map(|l| l[prefix.len()..].trim().to_owned())
    }

    pub fn subject(&self) -> String {
        self.header("subject").unwrap_or_default()
    }

    /// The body, with quoted-printable undone when the sender used it.
    pub fn body(&self) -> String {
        let body = self.data.split_once("\n\n").map(|(_, b)| b).unwrap_or_default();
        let quoted =
            self.header("content-transfer-encoding").is_some_and(|e| e.eq_ignore_ascii_case("quoted-printable"));
        if quoted { unquote(body) } else { body.to_owned() }
    }
}

fn unquote(text: &str) -> String {
    let joined = text.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 3 <= bytes.len()
            && let Ok(byte) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Default)]
struct State {
    up: AtomicBool,
    connections: AtomicUsize,
    refused: AtomicUsize,
    received: Mutex<Vec<Received>>,
}

/// The server; it runs until the test ends.
#[derive(Clone)]
pub struct SmtpServer {
    pub addr: std::net::SocketAddr,
    state: Arc<State>,
}

impl SmtpServer {
    /// A server on a free port, up (answering) or down (421 to everyone).
    pub async fn start(up: bool) -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(State::default());
        state.up.store(up, Ordering::SeqCst);
        let shared = state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, shared.clone()));
            }
        });
        SmtpServer { addr, state }
    }

    /// The relay's URL as notify's settings take it.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    pub fn set_up(&self, up: bool) {
        self.state.up.store(up, Ordering::SeqCst);
    }

    /// Connections made so far (refused ones included).
    pub fn connections(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }

    /// Connections answered with 421.
    pub fn refused(&self) -> usize {
        self.state.refused.load(Ordering::SeqCst)
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.received.lock().unwrap().clone()
    }
}

async fn session(stream: TcpStream, state: Arc<State>) {
    state.connections.fetch_add(1, Ordering::SeqCst);
    let (read, mut write) = stream.into_split();
    if !state.up.load(Ordering::SeqCst) {
        state.refused.fetch_add(1, Ordering::SeqCst);
        let _ = write.write_all(b"421 4.3.2 service not available\r\n").await;
        return;
    }
    let mut lines = BufReader::new(read).lines();
    let _ = write.write_all(b"220 test.smtp ESMTP\r\n").await;
    let mut current = Received::default();
    while let Ok(Some(line)) = lines.next_line().await {
        let command = line.to_ascii_uppercase();
        let answer: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
            b"250 test.smtp\r\n"
        } else if command.starts_with("MAIL FROM:") {
            current = Received { from: address(&line), ..Received::default() };
            b"250 2.1.0 ok\r\n"
        } else if command.starts_with("RCPT TO:") {
            current.to.push(address(&line));
            b"250 2.1.5 ok\r\n"
        } else if command == "DATA" {
            let _ = write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await;
            let mut data = Vec::new();
            while let Ok(Some(line)) = lines.next_line().await {
                if line == "." {
                    break;
                }
                data.push(line.strip_prefix('.').map(str::to_owned).unwrap_or(line));
            }
            current.data = data.join("\n");
            state.received.lock().unwrap().push(std::mem::take(&mut current));
            b"250 2.0.0 queued\r\n"
        } else if command == "QUIT" {
            let _ = write.write_all(b"221 2.0.0 bye\r\n").await;
            return;
        } else if command == "RSET" || command == "NOOP" {
            b"250 2.0.0 ok\r\n"
        } else {
            b"502 5.5.2 not implemented\r\n"
        };
        if write.write_all(answer).await.is_err() {
            return;
        }
    }
}

/// `MAIL FROM:<a@b> SIZE=..` → `a@b`.
fn address(line: &str) -> String {
    let start = line.find('<').map_or(0, |i| i + 1);
    let end = line[start..].find('>').map_or(line.len(), |i| start + i);
    line[start..end].to_owned()
}
