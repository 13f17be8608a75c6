//! `signposter serve`: build the site into memory, serve it on 127.0.0.1,
//! watch the sources, rebuild on every save and update open pages.
//!
//! The output folder is never touched: the site is served from memory. A
//! failed rebuild keeps the last good site and shows its errors over the page.

mod connections;
mod server;
mod session;
mod state;
mod watch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;

use crate::diagnostics::{Diagnostics, Palette, Verbosity, render_all, render_diagnostic};
use crate::site::{self, SiteOptions, format_duration};

pub use server::{MAX_PATH_LENGTH, Resolved, inject_script, resolve};
pub use session::{Applied, Session};
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
    /// After every rebuild, also build from scratch and report any difference.
    pub verify: bool,
    /// Quiet prints only errors; verbose adds each rebuild's phase timings.
    pub verbosity: Verbosity,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            site: SiteOptions::default(),
            port: None,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            open: false,
            verify: false,
            verbosity: Verbosity::Normal,
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
    #[error("the site's configuration has errors; fix site.yml and start again")]
    Config,
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
    let (mut session, first) = match Session::start(&site_options) {
        Ok(started) => started,
        Err(problems) => {
            // Without a usable site.yml there is nothing to serve yet.
            eprintln!("{}", render_all(&problems, palette));
            return Err(ServeError::Config);
        }
    };
    match first {
        Ok(applied) => {
            if options.verbosity != Verbosity::Quiet {
                print_warnings(&applied.warnings, palette);
            }
            println!(
                "Built {} {}, {} {} in {}",
                applied.pages,
                site::plural(applied.pages, "page", "pages"),
                applied.sections,
                site::plural(applied.sections, "section", "sections"),
                format_duration(applied.elapsed)
            );
            live.publish(session.files().clone());
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
    let verify = options.verify;
    let verbosity = options.verbosity;
    std::thread::spawn(move || {
        while let Some(changed) = watcher.next_batch() {
            let changed: Vec<PathBuf> = changed.into_iter().collect();
            rebuild(&mut session, &changed, &rebuild_live, palette, verbosity);
            if verify {
                for difference in session.compare_with_full_build() {
                    eprintln!("incremental rebuild differs from a full build: {difference}");
                }
            }
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
        let listener = connections::BoundedListener::new(
            tokio::net::TcpListener::from_std(listener)?,
            connections::MAX_CONNECTIONS,
            connections::Timeouts::default(),
        );
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

fn rebuild(
    session: &mut Session,
    changed: &[PathBuf],
    live: &Live,
    palette: Palette,
    verbosity: Verbosity,
) {
    match session.apply(changed) {
        Ok(applied) => {
            let changed_files = live.update(&applied.changes);
            if verbosity == Verbosity::Quiet {
                return;
            }
            print_warnings(&applied.warnings, palette);
            if verbosity == Verbosity::Verbose {
                print!("{}", applied.timings.table());
            }
            println!(
                "Rebuilt in {} after {} {}: {} {} rendered, {} changed",
                format_duration(applied.elapsed),
                changed.len(),
                site::plural(changed.len(), "change", "changes"),
                applied.rendered,
                site::plural(applied.rendered, "file", "files"),
                changed_files.len(),
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
