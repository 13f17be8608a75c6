//! `check --external`: links to other sites, asked for concurrently, each
//! host at most `requests_per_second`, each request within a timeout; links
//! that worked are remembered for `cache_hours`, so a second run asks again
//! only about the rest.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::config::ExternalConfig;
use crate::diagnostics::{Code, Diagnostic, Location};

use super::source::ExternalLink;

/// At most this many hosts are asked at once.
const MOST_HOSTS_AT_ONCE: usize = 8;

/// What checking the external links found.
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Diagnostic>,
    /// Distinct addresses asked about in this run.
    pub checked: usize,
    /// Distinct addresses trusted from the cache.
    pub cached: usize,
}

/// Why an address failed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Failure {
    Status(u16),
    Timeout,
    Unreachable(String),
}

/// Addresses that worked, with when they were last seen working.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Cache {
    version: u32,
    /// Seconds since 1970 at which each address last answered well.
    worked: BTreeMap<String, u64>,
}

/// Check every link, reading and updating the cache at `cache_file`.
pub fn check(
    links: &[ExternalLink],
    config: &ExternalConfig,
    cache_file: Option<&Path>,
) -> Outcome {
    let mut places: BTreeMap<&str, Vec<&Location>> = BTreeMap::new();
    for link in links {
        places
            .entry(link.url.as_str())
            .or_default()
            .push(&link.location);
    }
    let now = unix_seconds(SystemTime::now());
    let mut cache = cache_file.map(read_cache).unwrap_or_default();
    let fresh_for = config.cache_hours as u64 * 3600;
    let (cached, to_ask): (Vec<&str>, Vec<&str>) = places.keys().partition(|url| {
        cache
            .worked
            .get(**url)
            .is_some_and(|at| now.saturating_sub(*at) < fresh_for)
    });

    let results = ask_all(&to_ask, config);
    let mut outcome = Outcome {
        checked: to_ask.len(),
        cached: cached.len(),
        ..Outcome::default()
    };
    for (url, result) in results {
        match result {
            Ok(()) => {
                cache.worked.insert(url.to_string(), now);
            }
            Err(failure) => {
                cache.worked.remove(url);
                for location in &places[url] {
                    outcome
                        .findings
                        .push(finding(url, &failure, config, location));
                }
            }
        }
    }
    if let Some(path) = cache_file {
        // A cache that cannot be written only costs time next run.
        let _ = write_cache(path, &cache);
    }
    outcome
}

/// Ask about every address: hosts in parallel, each host's addresses in turn.
fn ask_all<'u>(urls: &[&'u str], config: &ExternalConfig) -> Vec<(&'u str, Result<(), Failure>)> {
    let mut by_host: HashMap<String, Vec<&'u str>> = HashMap::new();
    for url in urls {
        by_host.entry(host_of(url)).or_default().push(url);
    }
    let queue = Mutex::new(by_host.into_values().collect::<Vec<_>>());
    let results = Mutex::new(Vec::with_capacity(urls.len()));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(config.timeout_seconds as u64)))
        .http_status_as_error(false)
        .user_agent(concat!("signposter-link-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let interval = Duration::from_secs_f64(1.0 / config.requests_per_second);
    let workers = MOST_HOSTS_AT_ONCE.min(urls.len());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().ok().and_then(|mut q| q.pop());
                    let Some(host_urls) = next else { break };
                    let mut pacer = Pacer {
                        interval,
                        last: None,
                    };
                    for url in host_urls {
                        let result = ask(&agent, &mut pacer, url);
                        if let Ok(mut results) = results.lock() {
                            results.push((url, result));
                        }
                    }
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by(|a, b| a.0.cmp(b.0));
    results
}

/// Spaces the requests to one host.
struct Pacer {
    interval: Duration,
    last: Option<Instant>,
}

impl Pacer {
    /// Wait until the next request may start.
    fn wait(&mut self) {
        if let Some(last) = self.last {
            std::thread::sleep(self.interval.saturating_sub(last.elapsed()));
        }
        self.last = Some(Instant::now());
    }
}

/// One address: `HEAD`, then `GET` for servers that refuse `HEAD`.
fn ask(agent: &ureq::Agent, pacer: &mut Pacer, url: &str) -> Result<(), Failure> {
    let status = |response: Result<ureq::http::Response<ureq::Body>, ureq::Error>| match response {
        Ok(response) => Ok(response.status().as_u16()),
        Err(ureq::Error::Timeout(_)) => Err(Failure::Timeout),
        Err(error) => Err(Failure::Unreachable(error.to_string())),
    };
    pacer.wait();
    let mut code = status(agent.head(url).call())?;
    if matches!(code, 403 | 405 | 501) {
        pacer.wait();
        code = status(agent.get(url).call())?;
    }
    if code < 400 {
        Ok(())
    } else {
        Err(Failure::Status(code))
    }
}

fn finding(
    url: &str,
    failure: &Failure,
    config: &ExternalConfig,
    location: &Location,
) -> Diagnostic {
    let (message, hint) = match failure {
        Failure::Status(404 | 410) => (
            format!("external link is broken: {url} answers {} (not found)", status_text(failure)),
            "find where the page moved to, or link to the site's home page".to_string(),
        ),
        Failure::Status(429) => (
            format!("external link not checked: {url} asked us to slow down (429)"),
            "try again later, or lower `check.external.requests_per_second`".to_string(),
        ),
        Failure::Status(_) => (
            format!("external link fails: {url} answers {}", status_text(failure)),
            "open it in a browser; if it works there, the site may refuse automated checks".to_string(),
        ),
        Failure::Timeout => (
            format!(
                "external link did not answer within {} seconds: {url}",
                config.timeout_seconds
            ),
            "the site may be down or slow; try again later, or raise `check.external.timeout_seconds`".to_string(),
        ),
        Failure::Unreachable(error) => (
            format!("external link could not be reached: {url}"),
            format!("check the address is right ({error})"),
        ),
    };
    Diagnostic::warning(Code::ExternalLink, message)
        .at(location.clone())
        .hint(hint)
}

fn status_text(failure: &Failure) -> String {
    match failure {
        Failure::Status(code) => match ureq::http::StatusCode::from_u16(*code)
            .ok()
            .and_then(|s| s.canonical_reason())
        {
            Some(reason) => format!("{code} {reason}"),
            None => code.to_string(),
        },
        _ => String::new(),
    }
}

/// `https://example.org:8443/a` → `example.org:8443`.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?', '#'])
        .next()
        .unwrap_or(rest)
        .rsplit('@')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn read_cache(path: &Path) -> Cache {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_json::from_str::<Cache>(&text).ok())
        .filter(|cache| cache.version == 1)
        .unwrap_or_default()
}

fn write_cache(path: &Path, cache: &Cache) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let text = serde_json::to_string_pretty(&Cache {
        version: 1,
        worked: cache.worked.clone(),
    })
    .map_err(std::io::Error::other)?;
    // Written aside and renamed, so a killed run never leaves half a file.
    let temporary: PathBuf = path.with_extension("json.partial");
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_include_the_port_and_drop_credentials() {
        assert_eq!(host_of("https://Example.org/a?b#c"), "example.org");
        assert_eq!(host_of("http://127.0.0.1:8080/x"), "127.0.0.1:8080");
        assert_eq!(host_of("https://user:pw@example.org/"), "example.org");
    }

    #[test]
    fn a_damaged_or_foreign_cache_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("links.json");
        std::fs::write(&path, "{ not json").unwrap();
        assert!(read_cache(&path).worked.is_empty());
        std::fs::write(
            &path,
            r#"{"version": 9, "worked": {"https://a.example/": 1}}"#,
        )
        .unwrap();
        assert!(read_cache(&path).worked.is_empty());
    }
}
