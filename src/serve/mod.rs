//! `signposter serve`: build the site into memory, serve it on 127.0.0.1,
//! watch the sources, rebuild on every save and update open pages.
//!
//! The output folder is never touched: the site is served from memory. A
//! failed rebuild keeps the last good site and shows its errors over the page.

mod server;
mod state;
mod watch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use crate::diagnostics::{Diagnostics, Palette, render_all, render_diagnostic};
use crate::site::{self, SiteOptions, format_duration};

pub use server::{MAX_PATH_LENGTH, Resolved, inject_script, resolve};
pub use state::{Event, Files, Live, changed_paths};
pub use watch::{SourceWatcher, WATCHED_FOLDERS, is_relevant};

/// The port tried first when none is given.
pub const DEFAULT_PORT: u16 = 1111;
/// How many ports after the default are tried when it is taken.
const PORTS_TO_TRY: u16 = 100;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub site: SiteOptions,
    /// A fixed port (0 for any free one), or `None` for 1111 or the next free.
    pub port: Option<u16>,
    pub bind: IpAddr,
    pub open: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            site: SiteOptions::default(),
            port: None,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            open: false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: String,
        source: std::io::Error,
    },
    #[error("no free port from {first} to {last} on {bind}")]
    NoFreePort { bind: IpAddr, first: u16, last: u16 },
    #[error("cannot watch the site's files: {0}")]
    Watch(#[from] notify::Error),
    #[error("the server stopped: {0}")]
    Io(#[from] std::io::Error),
}

fn bind(options: &ServeOptions) -> Result<TcpListener, ServeError> {
    match options.port {
        Some(port) => TcpListener::bind(SocketAddr::new(options.bind, port)).map_err(|source| {
            ServeError::Bind {
                address: SocketAddr::new(options.bind, port).to_string(),
                source,
            }
        }),
        None => (DEFAULT_PORT..DEFAULT_PORT + PORTS_TO_TRY)
            .find_map(|port| TcpListener::bind(SocketAddr::new(options.bind, port)).ok())
            .ok_or(ServeError::NoFreePort {
                bind: options.bind,
                first: DEFAULT_PORT,
                last: DEFAULT_PORT + PORTS_TO_TRY - 1,
            }),
    }
}

/// Build the whole site into memory.
pub fn build_in_memory(options: &SiteOptions) -> Result<(Files, site::BuildReport), Diagnostics> {
    let start = Instant::now();
    let mut site = site::Site::load(options)?;
    let sink = site::MemorySink::new();
    let rendering = site.render(&sink);
    if site.has_errors() {
        return Err(site.findings());
    }
    let warnings = site
        .findings()
        .into_iter()
        .filter(|d| !d.is_error())
        .collect();
    let report = site::BuildReport {
        pages: site.model.tree.pages.len(),
        sections: site.model.tree.sections.len(),
        files: rendering.written.len(),
        drafts_skipped: site.model.tree.drafts.len(),
        kept: 0,
        output: PathBuf::new(),
        warnings,
        timings: site.timings.clone(),
        elapsed: start.elapsed(),
    };
    Ok((sink.into_files().into_iter().collect(), report))
}

/// Run the dev server until Ctrl-C.
pub fn serve(options: ServeOptions, palette: Palette) -> Result<(), ServeError> {
    let listener = bind(&options)?;
    let address = listener.local_addr()?;
    let host = if options.bind.is_unspecified() {
        "localhost".to_string()
    } else {
        address.ip().to_string()
    };
    let url = format!("http://{host}:{}/", address.port());
    let mut site_options = options.site.clone();
    site_options.base_url = Some(url.clone());

    let live = Arc::new(Live::new(Files::new()));
    match build_in_memory(&site_options) {
        Ok((files, report)) => {
            print_warnings(&report.warnings, palette);
            println!("{}", report.summary());
            live.publish(files);
        }
        Err(problems) => {
            eprintln!("{}", render_all(&problems, palette));
            eprintln!("The site has errors; pages will show them until they are fixed.");
            live.fail(problem_texts(&problems));
        }
    }

    let output = options.site.root.join(site::DEFAULT_OUTPUT_DIR);
    let mut watcher = SourceWatcher::start(&options.site.root, &output)?;
    let rebuild_live = live.clone();
    std::thread::spawn(move || {
        while let Some(changed) = watcher.next_batch() {
            rebuild(&site_options, &rebuild_live, changed.len(), palette);
        }
    });

    println!("Serving at {url}  (press Ctrl-C to stop)");
    if options.bind.is_unspecified() {
        println!(
            "Listening on every network interface of this machine: others on your network can see the site."
        );
    }
    if options.open {
        open_browser(&url);
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let stopping = live.clone();
        axum::serve(listener, server::router(live))
            .with_graceful_shutdown(async move {
                shutdown_signal().await;
                stopping.stop();
            })
            .await
    })?;
    println!("Stopped. Nothing was written to disk.");
    Ok(())
}

fn rebuild(options: &SiteOptions, live: &Live, changes: usize, palette: Palette) {
    match build_in_memory(options) {
        Ok((files, report)) => {
            print_warnings(&report.warnings, palette);
            let changed = live.publish(files);
            println!(
                "Rebuilt in {} after {changes} {}: {} {} changed",
                format_duration(report.elapsed),
                site::plural(changes, "change", "changes"),
                changed.len(),
                site::plural(changed.len(), "file", "files"),
            );
        }
        Err(problems) => {
            eprintln!("{}", render_all(&problems, palette));
            eprintln!(
                "build failed: {} {}; still serving the last good site",
                problems.error_count(),
                site::plural(problems.error_count(), "error", "errors")
            );
            live.fail(problem_texts(&problems));
        }
    }
}

fn print_warnings(warnings: &Diagnostics, palette: Palette) {
    if !warnings.is_empty() {
        eprintln!("{}", render_all(warnings, palette));
    }
}

/// Each finding as the text the terminal shows, for the in-page overlay.
fn problem_texts(problems: &Diagnostics) -> Vec<String> {
    problems
        .iter()
        .map(|d| {
            render_diagnostic(d, Palette::plain())
                .trim_end()
                .to_string()
        })
        .collect()
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}

fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(command)
        .arg(url)
        .spawn()
        .is_err()
    {
        eprintln!("Could not open a browser; open {url} yourself.");
    }
}
