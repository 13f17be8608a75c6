//! A chainable harness for driving the `signposter` binary against a site in
//! a temporary folder: set up files, run a command, edit, run again, inspect.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub mod limits;
pub mod serve;

/// Runs a prepared command without colour, with nothing on standard input.
fn finish(mut command: Command) -> Run {
    let output = command.env("NO_COLOR", "1").output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A site in a temporary folder.
pub struct TestSite {
    dir: tempfile::TempDir,
}

/// What one run of the binary did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn assert_success(&self) -> &Self {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn assert_failure(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn assert_stderr_contains(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        self
    }

    pub fn assert_stdout_contains(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}:\n{}",
            self.stdout
        );
        self
    }
}

/// The path of a fixture under `tests/fixtures`.
pub fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let relative = entry.path().strip_prefix(from).unwrap();
        let target = to.join(relative);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

impl TestSite {
    /// An empty folder.
    pub fn empty() -> TestSite {
        TestSite {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// A minimal valid site: a config and a home page.
    pub fn minimal() -> TestSite {
        TestSite::empty()
            .file(
                "site.yml",
                "title: Test site\nbase_url: https://example.org\n",
            )
            .file("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n")
    }

    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> TestSite {
        let site = TestSite::empty();
        copy_dir(&fixture_path(name), site.root());
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root().join(relative)
    }

    /// Write a file, creating folders as needed.
    pub fn file(self, relative: &str, text: &str) -> TestSite {
        self.write(relative, text.as_bytes());
        self
    }

    pub fn bytes(self, relative: &str, bytes: &[u8]) -> TestSite {
        self.write(relative, bytes);
        self
    }

    pub fn write(&self, relative: &str, bytes: &[u8]) {
        let path = self.path(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    /// Date every source file a minute back, as if saved well before the
    /// next build: builds only trust settled files to their up-to-date check.
    pub fn settle(&self) {
        let then = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
        for entry in walkdir::WalkDir::new(self.root()) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() && !entry.path().starts_with(self.path("public")) {
                fs::File::options()
                    .write(true)
                    .open(entry.path())
                    .and_then(|file| file.set_modified(then))
                    .unwrap();
            }
        }
    }

    pub fn remove(&self, relative: &str) {
        let path = self.path(relative);
        if path.is_dir() {
            fs::remove_dir_all(path).unwrap();
        } else {
            fs::remove_file(path).unwrap();
        }
    }

    pub fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.path(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
    }

    pub fn exists(&self, relative: &str) -> bool {
        self.path(relative).exists()
    }

    /// Run `signposter <args> --root <site>`.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_env(args, &[])
    }

    /// Run `signposter <args> --root <site>` with extra environment variables.
    pub fn run_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command = Command::cargo_bin("signposter").unwrap();
        command.args(args).arg("--root").arg(self.root());
        command.envs(env.iter().copied());
        finish(command)
    }

    /// Run `signposter <args>` from inside the site's folder, with no `--root`.
    pub fn run_inside(&self, args: &[&str]) -> Run {
        let mut command = Command::cargo_bin("signposter").unwrap();
        command.args(args).current_dir(self.root());
        finish(command)
    }

    pub fn build(&self) -> Run {
        self.run(&["build"])
    }

    /// Every file under `relative` with its bytes and modification time.
    pub fn snapshot_tree(
        &self,
        relative: &str,
    ) -> BTreeMap<String, (Vec<u8>, std::time::SystemTime)> {
        let root = self.path(relative);
        let mut files = BTreeMap::new();
        if !root.exists() {
            return files;
        }
        for entry in walkdir::WalkDir::new(&root) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let key = entry
                    .path()
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                let meta = entry.metadata().unwrap();
                files.insert(
                    key,
                    (fs::read(entry.path()).unwrap(), meta.modified().unwrap()),
                );
            }
        }
        files
    }

    /// HTML files of the output folder, by path.
    pub fn html_files(&self, output: &str) -> BTreeMap<String, String> {
        self.snapshot_tree(output)
            .into_iter()
            .filter(|(path, _)| path.ends_with(".html"))
            .map(|(path, (bytes, _))| (path, String::from_utf8(bytes).unwrap()))
            .collect()
    }
}
