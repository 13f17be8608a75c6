//! The command line around the build: `init`, completions, help, `-q`/`-v`
//! and configuration from the environment.

mod common;

use common::TestSite;
use serde_json::Value;

#[test]
fn init_makes_a_site_that_builds_and_checks_with_no_findings() {
    let folder = TestSite::empty();
    folder
        .run_inside(&[
            "init",
            "new-site",
            "--title",
            "Care: \"what works\"",
            "--base-url",
            "https://example.org/care/",
        ])
        .assert_success()
        .assert_stdout_contains("Created a new site in new-site");
    for file in [
        "site.yml",
        ".gitignore",
        ".github/workflows/publish.yml",
        ".gitlab-ci.yml",
        "content/_index.md",
        "content/support/example-peer-group.md",
        "content/guidance/example-guidance.md",
        "content/research/example-summary.md",
    ] {
        assert!(folder.exists(&format!("new-site/{file}")), "{file}");
    }
    let site = folder.path("new-site");
    let built = folder.run_inside(&["build", "--root", site.to_str().unwrap()]);
    built.assert_success();
    assert!(!built.stderr.contains("warning"), "{}", built.stderr);
    let home = std::fs::read_to_string(site.join("public/index.html")).unwrap();
    assert!(
        home.contains("Care: &quot;what works&quot;"),
        "the title is the one given"
    );
    assert!(home.contains("https://example.org/care/"));
    // Each kind of page rendered with its schema's fields.
    let guidance =
        std::fs::read_to_string(site.join("public/guidance/example-guidance/index.html")).unwrap();
    assert!(guidance.contains("Next review due"));

    let checked = folder.run_inside(&[
        "check",
        "--root",
        site.to_str().unwrap(),
        "--format",
        "json",
    ]);
    checked.assert_success();
    let report: Value = serde_json::from_str(&checked.stdout).unwrap();
    assert_eq!(
        report["findings"].as_array().map(Vec::len),
        Some(0),
        "{}",
        checked.stdout
    );
}

#[test]
fn init_asks_nothing_without_a_terminal_and_uses_defaults() {
    let folder = TestSite::empty();
    folder.run_inside(&["init", "site"]).assert_success();
    let config = std::fs::read_to_string(folder.path("site/site.yml")).unwrap();
    assert!(
        config.contains("title: \"Resources for clinicians\""),
        "{config}"
    );
    assert!(config.contains("base_url: \"https://example.org/\""));
}

#[test]
fn init_refuses_a_folder_that_is_not_empty_and_changes_nothing() {
    let folder = TestSite::empty().file("notes.txt", "mine");
    folder
        .run_inside(&["init", "."])
        .assert_failure(1)
        .assert_stderr_contains("is not empty (it holds `notes.txt`)");
    assert_eq!(folder.read("notes.txt"), "mine");
    assert!(!folder.exists("site.yml"));
    assert!(!folder.exists("content"));
}

#[test]
fn completions_are_printed_for_each_shell() {
    let folder = TestSite::empty();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef signposter"),
        ("fish", "complete -c signposter"),
    ] {
        let run = folder.run_inside(&["completions", shell]);
        run.assert_success();
        assert!(run.stdout.contains(marker), "{shell}: {}", run.stdout);
        for command in ["build", "serve", "check", "init"] {
            assert!(run.stdout.contains(command), "{shell} lacks {command}");
        }
    }
    folder
        .run_inside(&["completions", "nushell-ish"])
        .assert_failure(2);
}

#[test]
fn every_command_has_examples_in_its_help() {
    let folder = TestSite::empty();
    for command in ["build", "serve", "check", "init", "completions"] {
        folder
            .run_inside(&[command, "--help"])
            .assert_success()
            .assert_stdout_contains("Examples:")
            .assert_stdout_contains(&format!("signposter {command}"));
    }
    folder
        .run_inside(&["--version"])
        .assert_success()
        .assert_stdout_contains(env!("CARGO_PKG_VERSION"));
}

#[test]
fn the_base_url_and_output_folder_can_come_from_the_environment() {
    let site = TestSite::minimal();
    site.run_with_env(
        &["build"],
        &[
            ("SIGNPOSTER_BASE_URL", "https://ci.example.net/docs/"),
            ("SIGNPOSTER_OUTPUT", "from-env"),
        ],
    )
    .assert_success();
    let home = site.read("from-env/index.html");
    assert!(
        home.contains("href=\"https://ci.example.net/docs/\""),
        "{home}"
    );
    assert!(!site.exists("public"));
    // A flag beats the environment.
    site.run_with_env(
        &["build", "--base-url", "https://flag.example.net/"],
        &[("SIGNPOSTER_BASE_URL", "https://ci.example.net/docs/")],
    )
    .assert_success();
    assert!(
        site.read("public/index.html")
            .contains("https://flag.example.net/")
    );
}

#[test]
fn quiet_prints_nothing_on_success_and_verbose_prints_phases() {
    let site = TestSite::minimal();
    let quiet = site.run(&["build", "-q"]);
    quiet.assert_success();
    assert_eq!(quiet.stdout, "");
    assert_eq!(quiet.stderr, "");
    let verbose = site.run(&["-v", "build", "--full"]);
    verbose.assert_success().assert_stdout_contains("markdown");
    site.run(&["build", "-q", "-v"]).assert_failure(2);
}

#[test]
fn progress_is_plain_lines_off_a_terminal_and_can_be_turned_off() {
    let site = TestSite::minimal();
    let always = site.run(&["build", "--progress", "always"]);
    always.assert_success();
    let lines: Vec<&str> = always
        .stdout
        .lines()
        .filter(|line| line.starts_with('['))
        .collect();
    let phases: Vec<&str> = lines
        .iter()
        .filter_map(|line| line.split_once("] "))
        .map(|(_, rest)| rest.split_whitespace().next().unwrap_or_default())
        .collect();
    assert_eq!(phases, signposter::site::BUILD_PHASES, "{}", always.stdout);
    assert!(lines[0].starts_with("[ 1/11] config"), "{}", always.stdout);
    assert!(
        !always.stdout.contains('\r') && !always.stdout.contains('\x1b'),
        "no redrawing outside a terminal: {:?}",
        always.stdout
    );
    // (That `auto` waits for a long build is a unit test in src/progress.rs:
    // here it would depend on how fast the machine is.)
    let never = site.run(&["build", "--full", "--progress", "never"]);
    never.assert_success();
    assert!(!never.stdout.contains("[ 1/11]"), "{}", never.stdout);
    let quiet = site.run(&["build", "--full", "-q", "--progress", "always"]);
    quiet.assert_success();
    assert_eq!(quiet.stdout, "");
}

#[test]
fn quiet_check_prints_errors_only() {
    let site = TestSite::minimal().file(
        "content/page.md",
        "---\ntitle: Page\n---\n[click here](https://example.org/) and [gone](missing.md).\n",
    );
    let quiet = site.run(&["check", "-q"]);
    quiet.assert_failure(1);
    assert!(
        quiet.stdout.contains("error[broken-link]"),
        "{}",
        quiet.stdout
    );
    assert!(!quiet.stdout.contains("warning"), "{}", quiet.stdout);
    let normal = site.run(&["check"]);
    assert!(
        normal.stdout.contains("warning[link-text]"),
        "{}",
        normal.stdout
    );
}
