//! `signposter check` end to end: the fixture with one true positive and one
//! near miss per rule, the text and JSON reports, turning rules off, the
//! review list, and external links against a local server.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::TestSite;

const TODAY: &str = "2026-11-21";

fn check_fixture(extra: &[&str]) -> common::Run {
    let site = TestSite::fixture("check");
    let mut args = vec!["check", "--today", TODAY];
    args.extend_from_slice(extra);
    site.run(&args)
}

/// (rule, path, line) of every finding in a JSON report.
fn findings(json: &serde_json::Value) -> Vec<(String, String, u64)> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn every_rule_flags_its_true_positive_and_spares_its_near_miss() {
    let run = check_fixture(&["--format", "json"]);
    run.assert_failure(1);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let found = findings(&json);
    let expected = [
        ("reviewer-missing", "content/guidance/due-soon.md", 5),
        ("review-due-soon", "content/guidance/due-soon.md", 5),
        ("review-overdue", "content/guidance/overdue.md", 5),
        ("single-h1", "content/pages/accessibility.md", 5),
        ("image-alt", "content/pages/accessibility.md", 7),
        ("image-alt", "content/pages/accessibility.md", 9),
        ("link-text", "content/pages/accessibility.md", 11),
        ("link-text", "content/pages/accessibility.md", 13),
        ("empty-link", "content/pages/accessibility.md", 15),
        ("heading-order", "content/pages/accessibility.md", 19),
        ("table-header", "content/pages/accessibility.md", 21),
        ("reading-ease", "content/pages/dense.md", 2),
        ("orphan-page", "content/pages/orphan.md", 2),
        ("pdf-link-label", "content/pages/pdf.md", 5),
        ("duplicate-title", "content/pages/peer-b.md", 2),
        ("duplicate-description", "content/pages/peer-b.md", 3),
    ];
    let mut expected: Vec<(String, String, u64)> = expected
        .iter()
        .map(|(r, p, l)| (r.to_string(), p.to_string(), *l))
        .collect();
    let mut sorted = found.clone();
    sorted.sort();
    expected.sort();
    assert_eq!(sorted, expected);
    // The near misses: nothing on these pages.
    for clean in [
        "content/pages/accessible.md",
        "content/pages/plain.md",
        "content/guidance/later.md",
        "content/guidance/reviewed.md",
        "content/pages/exempt.md",
    ] {
        assert!(
            found.iter().all(|(_, path, _)| path != clean),
            "{clean} was flagged"
        );
    }
    assert_eq!(json["summary"]["errors"], 4);
    assert_eq!(json["summary"]["warnings"], 12);
}

#[test]
fn text_report_snapshot() {
    let run = check_fixture(&[]);
    run.assert_failure(1);
    insta::assert_snapshot!("check_text_report", run.stdout);
}

#[test]
fn json_report_snapshot() {
    let run = check_fixture(&["--format", "json"]);
    insta::assert_snapshot!("check_json_report", run.stdout);
}

#[test]
fn due_lists_pages_by_review_date_and_does_not_fail() {
    let run = check_fixture(&["--due"]);
    run.assert_success();
    insta::assert_snapshot!("check_due_report", run.stdout);
    let json = check_fixture(&["--due", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let days: Vec<i64> = json["due"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["days"].as_i64().unwrap())
        .collect();
    assert_eq!(days, [-51, 10, 31, 345]);
}

#[test]
fn a_clean_site_exits_zero_and_today_changes_what_is_due() {
    let site = TestSite::minimal()
        .file(
            "site.yml",
            "title: T\nbase_url: https://example.org\nschemas:\n  guidance:\n    fields:\n      next_review: { type: date }\n      reviewed_by: { type: string }\n",
        )
        .file(
            "content/_index.md",
            "---\ntitle: Home\n---\nSee [the guidance](@/guidance/a.md).\n",
        )
        .file(
            "content/guidance/_index.md",
            "---\ntitle: Guidance\npage_schema: guidance\n---\nGuidance.\n",
        )
        .file(
            "content/guidance/a.md",
            "---\ntitle: A\nnext_review: 2027-01-31\nreviewed_by: Dr A\n---\nText.\n",
        );
    site.run(&["check", "--today", "2026-11-21"])
        .assert_success()
        .assert_stdout_contains("0 errors, 0 warnings");
    site.run(&["check", "--today", "2027-01-10"])
        .assert_success()
        .assert_stdout_contains("warning[review-due-soon]");
    site.run(&["check", "--today", "2027-02-01"])
        .assert_failure(1)
        .assert_stdout_contains(
            "error[review-overdue]: this page was due for review on 31 January 2027 (1 day ago)",
        );
}

#[test]
fn rules_turn_off_for_the_site_with_a_reason_and_never_silently() {
    let site = TestSite::minimal()
        .file(
            "site.yml",
            "title: T\nbase_url: https://example.org\ncheck:\n  disable:\n    orphan-page: \"Every page is reached from its section's listing\"\n",
        )
        .file("content/a.md", "---\ntitle: A\n---\nText.\n");
    let run = site.run(&["check"]);
    run.assert_success();
    assert!(!run.stdout.contains("orphan-page]"), "{}", run.stdout);
    run.assert_stdout_contains(
        "Rule orphan-page is off in site.yml: Every page is reached from its section's listing",
    );

    // No reason, an unknown rule, or a build error: all refused.
    let site = TestSite::minimal()
        .file(
            "site.yml",
            "title: T\nbase_url: https://example.org\ncheck:\n  disable:\n    orphan-page:\n    link-txt: \"typo\"\n    broken-link: \"hide it\"\n",
        );
    let run = site.run(&["check"]);
    run.assert_failure(1);
    run.assert_stderr_contains(
        "site.yml:5:17: error[check-config]: turning off `orphan-page` needs a reason",
    );
    run.assert_stderr_contains(
        "error[check-config]: `link-txt` is not a rule of `signposter check`",
    );
    run.assert_stderr_contains("did you mean `link-text`?");
    run.assert_stderr_contains(
        "error[check-config]: `broken-link` is a build error, which cannot be turned off",
    );
}

#[test]
fn a_page_can_turn_a_rule_off_only_for_itself() {
    let site = TestSite::minimal()
        .file(
            "content/_index.md",
            "---\ntitle: Home\n---\n[Click here](@/a.md) and [click here](@/b.md).\n",
        )
        .file(
            "content/a.md",
            "---\ntitle: A\ncheck:\n  disable:\n    link-text: \"Quoting a campaign name\"\n---\n[Click here](@/b.md)\n",
        )
        .file("content/b.md", "---\ntitle: B\n---\n[Click here](@/a.md)\n");
    let run = site.run(&["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let flagged: Vec<String> = findings(&json)
        .into_iter()
        .filter(|(rule, _, _)| rule == "link-text")
        .map(|(_, path, _)| path)
        .collect();
    assert_eq!(
        flagged,
        ["content/_index.md", "content/_index.md", "content/b.md"]
    );
    assert_eq!(json["disabled"][0]["rule"], "link-text");
    assert_eq!(json["disabled"][0]["path"], "content/a.md");
}

#[test]
fn check_writes_nothing() {
    let site = TestSite::fixture("check");
    site.run(&["check", "--today", TODAY]);
    assert!(!site.exists("public"));
}

/// A local web server that answers by path and records each request.
struct TestServer {
    address: String,
    requests: Arc<Mutex<Vec<(String, String, Instant)>>>,
}

impl TestServer {
    fn start() -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let log = log.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut request_line = String::new();
                    if reader.read_line(&mut request_line).is_err() {
                        return;
                    }
                    let mut line = String::new();
                    while reader.read_line(&mut line).is_ok() && line.trim() != "" {
                        line.clear();
                    }
                    let mut parts = request_line.split_whitespace();
                    let method = parts.next().unwrap_or_default().to_string();
                    let path = parts.next().unwrap_or_default().to_string();
                    log.lock()
                        .unwrap()
                        .push((method.clone(), path.clone(), Instant::now()));
                    let status = match (method.as_str(), path.as_str()) {
                        (_, "/ok") | (_, "/ok-too") => "200 OK",
                        ("HEAD", "/no-head") => "405 Method Not Allowed",
                        ("GET", "/no-head") => "200 OK",
                        (_, "/slow") => {
                            std::thread::sleep(Duration::from_secs(3));
                            "200 OK"
                        }
                        _ => "404 Not Found",
                    };
                    let _ = write!(
                        stream,
                        "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    );
                });
            }
        });
        TestServer { address, requests }
    }

    fn count(&self, path: &str) -> usize {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, p, _)| p == path)
            .count()
    }
}

#[test]
fn external_links_are_fetched_with_a_timeout_a_rate_limit_and_a_cache() {
    let server = TestServer::start();
    let base = format!("http://{}", server.address);
    let site = TestSite::minimal()
        .file(
            "site.yml",
            "title: T\nbase_url: https://example.org\ncheck:\n  external:\n    timeout_seconds: 1\n    requests_per_second: 5\n",
        )
        .file(
            "content/_index.md",
            &format!(
                "---\ntitle: Home\n---\n[The first group]({base}/ok), [the second group]({base}/ok-too),\n[a moved page]({base}/missing), [a server that refuses HEAD]({base}/no-head)\nand [a slow server]({base}/slow). Again: [the first group]({base}/ok).\n"
            ),
        );
    let run = site.run(&["check", "--external", "--format", "json"]);
    run.assert_success();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let external: Vec<(String, u64)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "external-link")
        .map(|f| {
            (
                f["message"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(external.len(), 2, "{external:#?}");
    assert!(
        external[0].0.contains("/missing answers 404 Not Found"),
        "{external:?}"
    );
    assert_eq!(external[0].1, 5);
    assert!(
        external[1].0.contains("did not answer within 1 seconds"),
        "{external:?}"
    );
    assert_eq!(json["external"]["checked"], 5);
    assert_eq!(server.count("/ok"), 1, "each address is asked once");
    assert_eq!(server.count("/no-head"), 2, "HEAD refused, then GET");

    // No two requests to the one host start closer than 1/5 s apart.
    let mut times: Vec<Instant> = server
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.2)
        .collect();
    times.sort();
    for pair in times.windows(2) {
        assert!(
            pair[1] - pair[0] >= Duration::from_millis(180),
            "requests {:?} apart",
            pair[1] - pair[0]
        );
    }

    // A second run trusts what worked and asks again about the rest.
    let again = site.run(&["check", "--external", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(json["external"]["cached"], 3);
    assert_eq!(json["external"]["checked"], 2);
    assert_eq!(server.count("/ok"), 1);
    assert_eq!(server.count("/missing"), 2);
    assert!(site.exists(".signposter-cache/external-links.json"));
}

#[test]
fn the_bundled_site_passes() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = assert_cmd::Command::cargo_bin("signposter")
        .unwrap()
        .args(["check", "--format", "json", "--root"])
        .arg(root)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let problems: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error" || f["category"] == "accessibility")
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(output.status.success());
    let counts: HashMap<&str, usize> =
        HashMap::from([("pages", json["pages"].as_array().unwrap().len())]);
    assert!(counts["pages"] >= 20, "{counts:?}");
}
