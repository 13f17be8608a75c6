//! Driving a real `signposter serve` process: start it, fetch pages, listen
//! to its event stream and stop it with a signal.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a test waits for the server to react before failing.
pub const PATIENCE: Duration = Duration::from_secs(20);

pub struct ServeProcess {
    child: Child,
    pub base: String,
    pub address: String,
    /// Every line printed so far, stdout and stderr.
    pub output: Arc<Mutex<Vec<String>>>,
}

/// One server-sent event.
#[derive(Debug, Clone)]
pub struct ServerEvent {
    pub kind: String,
    pub data: serde_json::Value,
}

/// A status line and body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: String,
    pub body: String,
}

impl ServeProcess {
    pub fn start(root: &Path, extra: &[&str]) -> ServeProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_signposter"))
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .args(extra)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let output = Arc::new(Mutex::new(Vec::new()));
        let (url_sender, url_receiver) = channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let output = output.clone();
            let url_sender = url_sender.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if let Some(url) = line
                        .strip_prefix("Serving at ")
                        .and_then(|r| r.split_whitespace().next())
                    {
                        let _ = url_sender.send(url.to_string());
                    }
                    output.lock().unwrap().push(line);
                }
            });
        }
        let base = url_receiver.recv_timeout(PATIENCE).unwrap_or_else(|_| {
            panic!(
                "serve did not start:\n{}",
                output.lock().unwrap().join("\n")
            )
        });
        let address = base
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        ServeProcess {
            child,
            base,
            address,
            output,
        }
    }

    pub fn get(&self, path: &str) -> Reply {
        get(&self.address, path)
    }

    /// Fetch `path` until `accept` likes the reply, as a page does while
    /// the preview catches up; fails with `waiting_for` after [`PATIENCE`].
    pub fn get_until(
        &self,
        path: &str,
        waiting_for: &str,
        accept: impl Fn(&Reply) -> bool,
    ) -> Reply {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let reply = self.get(path);
            if accept(&reply) {
                return reply;
            }
            assert!(Instant::now() < deadline, "{waiting_for}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn events(&self) -> EventStream {
        EventStream::connect(&self.address)
    }

    /// Whether the server process is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// How many files the server process holds open (sockets included).
    pub fn open_files(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id()))
            .map(|entries| entries.count())
            .unwrap_or(0)
    }

    pub fn printed(&self) -> String {
        self.output.lock().unwrap().join("\n")
    }

    /// Send SIGINT (Ctrl-C) and wait for the exit code.
    pub fn interrupt(mut self) -> i32 {
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGINT);
        }
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(start.elapsed() < PATIENCE, "serve did not stop on Ctrl-C");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A plain HTTP/1.1 GET.
pub fn get(address: &str, path: &str) -> Reply {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Reply {
        status,
        headers: head.to_string(),
        body: body.to_string(),
    }
}

/// The server's live reload stream, read on a background thread.
pub struct EventStream {
    events: Receiver<ServerEvent>,
}

impl EventStream {
    pub fn connect(address: &str) -> EventStream {
        let mut stream = TcpStream::connect(address).unwrap();
        write!(stream, "GET /__signposter/events HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\n\r\n").unwrap();
        let (sender, events) = channel();
        std::thread::spawn(move || {
            let mut kind = String::new();
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if let Some(k) = line.strip_prefix("event:") {
                    kind = k.trim().to_string();
                } else if let Some(data) = line.strip_prefix("data:") {
                    let data = serde_json::from_str(data.trim()).unwrap_or(serde_json::Value::Null);
                    if sender
                        .send(ServerEvent {
                            kind: kind.clone(),
                            data,
                        })
                        .is_err()
                    {
                        return;
                    }
                }
            }
        });
        let stream = EventStream { events };
        stream.wait_for("connected", |_| true);
        stream
    }

    /// Wait for an event of `kind` that `accept` likes; earlier ones are dropped.
    pub fn wait_for(&self, kind: &str, accept: impl Fn(&ServerEvent) -> bool) -> ServerEvent {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(event) if event.kind == kind && accept(&event) => return event,
                Ok(_) => {}
                Err(_) => panic!("no `{kind}` event arrived"),
            }
        }
    }

    /// A reload event that lists `path`.
    pub fn reload_of(&self, path: &str) -> ServerEvent {
        self.wait_for("reload", |e| {
            e.data["changed"]
                .as_array()
                .is_some_and(|c| c.iter().any(|p| p == path))
        })
    }

    /// Every event that arrives within `quiet`.
    pub fn drain(&self, quiet: Duration) -> Vec<ServerEvent> {
        let mut seen = Vec::new();
        while let Ok(event) = self.events.recv_timeout(quiet) {
            seen.push(event);
        }
        seen
    }
}
