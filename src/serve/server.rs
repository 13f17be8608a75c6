//! The dev server's HTTP side: files from the in-memory site, an event stream
//! for live reload, and the script that listens to it.
//!
//! Requests are answered from memory only, so no path, however encoded, can
//! reach a file outside the built site.

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::{BroadcastStream, WatchStream};

use super::state::{Event, Files, Live};

/// Where the live reload script and its event stream live; nothing a site builds starts with this.
pub const LIVE_PREFIX: &str = "/__signposter/";
const LIVE_SCRIPT: &str = include_str!("live.js");
/// Longer request paths are refused outright.
pub const MAX_PATH_LENGTH: usize = 2048;

pub fn router(live: Arc<Live>) -> Router {
    Router::new()
        .route("/__signposter/events", get(events))
        .route("/__signposter/live.js", get(script))
        .fallback(get(file))
        .with_state(live)
}

/// How a request path maps onto the built site.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    File(String),
    /// A folder asked for without its trailing slash.
    Redirect(String),
    NotFound,
}

/// Map a request path (still percent-encoded) to a built file. Anything that
/// could climb out of the site (`..`, backslashes, NUL) is not found.
pub fn resolve(raw_path: &str, files: &Files) -> Resolved {
    if raw_path.len() > MAX_PATH_LENGTH || !raw_path.starts_with('/') {
        return Resolved::NotFound;
    }
    let Some(decoded) = percent_decode(raw_path) else {
        return Resolved::NotFound;
    };
    if decoded.contains(['\\', '\0']) {
        return Resolved::NotFound;
    }
    let segments: Vec<&str> = decoded.split('/').filter(|s| !s.is_empty()).collect();
    if segments.iter().any(|s| *s == "." || *s == "..") {
        return Resolved::NotFound;
    }
    let relative = segments.join("/");
    let wants_folder = decoded.ends_with('/') || relative.is_empty();
    let candidate = match (wants_folder, relative.is_empty()) {
        (true, true) => "index.html".to_string(),
        (true, false) => format!("{relative}/index.html"),
        (false, _) => relative.clone(),
    };
    if files.contains_key(&candidate) {
        return Resolved::File(candidate);
    }
    if !wants_folder && files.contains_key(&format!("{relative}/index.html")) {
        // One leading slash: `//guide/` would send the browser to a host named "guide".
        return Resolved::Redirect(format!("/{}/", raw_path.trim_start_matches('/')));
    }
    Resolved::NotFound
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Add the live reload script to an HTML page, just before `</body>`.
pub fn inject_script(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{LIVE_PREFIX}live.js\" defer></script>");
    let at = memchr::memmem::rfind(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn respond(status: StatusCode, path: &str, bytes: &[u8]) -> Response {
    let body = if path.ends_with(".html") {
        inject_script(bytes)
    } else {
        bytes.to_vec()
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    // Editors always want the latest build.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn file(State(live): State<Arc<Live>>, request: Request) -> Response {
    let files = live.files();
    match resolve(request.uri().path(), &files) {
        Resolved::File(path) => respond(StatusCode::OK, &path, &files[&path]),
        Resolved::Redirect(location) => {
            let mut response = StatusCode::MOVED_PERMANENTLY.into_response();
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
        Resolved::NotFound => match files.get("404.html") {
            Some(page) => respond(StatusCode::NOT_FOUND, "404.html", page),
            None => (StatusCode::NOT_FOUND, "not found").into_response(),
        },
    }
}

async fn script() -> Response {
    respond(StatusCode::OK, "live.js", LIVE_SCRIPT.as_bytes())
}

fn sse_event(event: &Event) -> SseEvent {
    let kind = match event {
        Event::Reload { .. } => "reload",
        Event::Css { .. } => "css",
        Event::Errors { .. } => "errors",
        Event::Ok => "ok",
    };
    let data = serde_json::to_string(event).unwrap_or_default();
    SseEvent::default().event(kind).data(data)
}

async fn events(State(live): State<Arc<Live>>) -> impl IntoResponse {
    let problems = live.problems();
    let mut first = vec![SseEvent::default().event("connected").data("{}")];
    if !problems.is_empty() {
        first.push(sse_event(&Event::Errors { problems }));
    }
    let updates = BroadcastStream::new(live.subscribe())
        .filter_map(|event| event.ok().map(|e| Some(sse_event(&e))));
    // Ends the stream when the server stops; otherwise open pages would hold it up.
    let stop = WatchStream::new(live.stopping()).filter_map(|stopping| stopping.then_some(None));
    let stream = tokio_stream::iter(first.into_iter().map(Some))
        .chain(updates.merge(stop))
        .take_while(Option::is_some)
        .filter_map(|event| event.map(Ok::<_, Infallible>));
    Sse::new(stream).keep_alive(KeepAlive::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Files {
        [
            "index.html",
            "research/index.html",
            "research/review/index.html",
            "style.css",
            "My File.pdf",
        ]
        .iter()
        .map(|p| (p.to_string(), Arc::from(&b"x"[..])))
        .collect()
    }

    #[test]
    fn serves_files_folders_and_redirects() {
        let files = site();
        assert_eq!(resolve("/", &files), Resolved::File("index.html".into()));
        assert_eq!(
            resolve("/research/", &files),
            Resolved::File("research/index.html".into())
        );
        assert_eq!(
            resolve("/research", &files),
            Resolved::Redirect("/research/".into())
        );
        assert_eq!(
            resolve("/style.css", &files),
            Resolved::File("style.css".into())
        );
        assert_eq!(
            resolve("/My%20File.pdf", &files),
            Resolved::File("My File.pdf".into())
        );
        assert_eq!(resolve("/nope/", &files), Resolved::NotFound);
    }

    #[test]
    fn traversal_in_any_encoding_is_not_found() {
        let files = site();
        for path in [
            "/../site.yml",
            "/%2e%2e/site.yml",
            "/%2E%2E%2Fsite.yml",
            "/research/..%2f..%2fsite.yml",
            "/..%5csite.yml",
            "/research\\..\\index.html",
            "/%00index.html",
            "/./index.html",
            "/%ff",
            "/%2",
            "//etc/passwd",
            "etc/passwd",
        ] {
            assert!(
                !matches!(resolve(path, &files), Resolved::File(f) if f != "index.html"),
                "{path}"
            );
            assert_ne!(resolve(path, &files), Resolved::File("site.yml".into()));
        }
        assert_eq!(
            resolve(&format!("/{}", "a".repeat(MAX_PATH_LENGTH)), &files),
            Resolved::NotFound
        );
    }

    #[test]
    fn a_folder_redirect_never_names_another_host() {
        // `//research` redirected to `//research/`, which a browser reads
        // as the host "research".
        let files = site();
        for path in ["//research", "///research"] {
            assert_eq!(
                resolve(path, &files),
                Resolved::Redirect("/research/".into()),
                "{path}"
            );
        }
    }

    #[test]
    fn the_script_goes_before_the_last_body_tag() {
        let out = inject_script(b"<html><body><p>&lt;/body&gt;</p></body></html>");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<html><body><p>&lt;/body&gt;</p><script src=\"/__signposter/live.js\" defer></script></body></html>"
        );
    }
}
