//! The benchmark: builds generated sites of several sizes several times and
//! reports medians of wall time, CPU time and peak memory, for a cold build
//! into an empty folder and for a rebuild with nothing changed; and, with
//! `--serve`, the time from saving a file to the dev server serving the
//! result.
//!
//! ```text
//! cargo build --release && cargo run --release --example bench -- --sizes 1000,10000 --runs 5 --serve
//! ```
//!
//! Sites are generated once into `--work` (default `target/bench`); output
//! goes to `/dev/shm` when it exists (a RAM disk), as in the peers' figures.

#[path = "support/generator.rs"]
mod generator;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Options {
    sizes: Vec<usize>,
    runs: usize,
    work: PathBuf,
    serve: bool,
}

fn options() -> Options {
    let mut options = Options {
        sizes: vec![1_000, 10_000],
        runs: 5,
        work: PathBuf::from("target/bench"),
        serve: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sizes" => {
                options.sizes = args
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .filter_map(|s| s.trim().parse().ok())
                    .collect()
            }
            "--runs" => options.runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(5),
            "--work" => options.work = PathBuf::from(args.next().unwrap_or_default()),
            "--serve" => options.serve = true,
            other => {
                eprintln!(
                    "unknown option {other}\nusage: bench [--sizes 1000,10000,100000] [--runs N] [--work DIR] [--serve]"
                );
                std::process::exit(2);
            }
        }
    }
    options
}

/// One run's measurements.
#[derive(Clone)]
struct Sample {
    wall: Duration,
    cpu: Duration,
    peak_kib: u64,
    stdout: String,
}

fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("own path");
    let release = exe.parent().and_then(Path::parent).expect("target/release");
    let binary = release.join("signposter");
    if !binary.exists() {
        eprintln!(
            "{} is missing: run `cargo build --release` first",
            binary.display()
        );
        std::process::exit(1);
    }
    binary
}

/// Run a command to completion, measuring it with the kernel's own accounting.
// The child is reaped by `wait4` (which also reports its CPU time and peak memory).
#[allow(clippy::zombie_processes)]
fn measure(command: &mut Command) -> Sample {
    let start = Instant::now();
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start signposter");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child and fills the plain-data rusage struct.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert_eq!(waited, pid, "wait4 failed");
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        let mut stderr = String::new();
        if let Some(mut pipe) = child.stderr {
            let _ = pipe.read_to_string(&mut stderr);
        }
        panic!("the build failed:\n{stderr}");
    }
    let mut stdout = String::new();
    if let Some(mut pipe) = child.stdout {
        let _ = pipe.read_to_string(&mut stdout);
    }
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    Sample {
        wall,
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
        peak_kib: usage.ru_maxrss as u64,
        stdout,
    }
}

fn median_duration(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn medians(samples: &[Sample]) -> (Duration, Duration, u64) {
    let mut peaks: Vec<u64> = samples.iter().map(|s| s.peak_kib).collect();
    peaks.sort();
    (
        median_duration(samples.iter().map(|s| s.wall).collect()),
        median_duration(samples.iter().map(|s| s.cpu).collect()),
        peaks[peaks.len() / 2],
    )
}

fn output_root(work: &Path) -> PathBuf {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        shm.join("signposter-bench")
    } else {
        work.join("out")
    }
}

fn site(work: &Path, size: usize) -> PathBuf {
    let dir = work.join(format!("site-{size}"));
    if !dir.join("site.yml").exists() {
        let _ = std::fs::remove_dir_all(&dir);
        eprintln!("generating a {size}-page site in {}", dir.display());
        generator::generate(size, &dir);
        // Builds trust only files saved over a second ago to their up-to-date check.
        std::thread::sleep(Duration::from_millis(1100));
    }
    dir
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        format!("{ms:.0} ms")
    }
}

fn main() {
    let options = options();
    let binary = binary();
    std::fs::create_dir_all(&options.work).expect("work folder");
    let out_root = output_root(&options.work);
    std::fs::create_dir_all(&out_root).expect("output folder");

    println!(
        "signposter benchmark: {} runs each, output in {}",
        options.runs,
        out_root.display()
    );
    println!(
        "machine: {}, {} cores",
        cpu_model(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!();
    println!(
        "| pages | cold build (wall) | cold build (CPU) | peak memory | no-change rebuild (wall) | full rebuild over the last output (wall) | its peak memory |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    let mut searches = Vec::new();
    for &size in &options.sizes {
        let site = site(&options.work, size);
        let output = out_root.join(format!("out-{size}"));
        let build = || {
            let mut command = Command::new(&binary);
            command
                .arg("build")
                .arg("--root")
                .arg(&site)
                .arg("--output")
                .arg(&output);
            command
        };
        let mut cold = Vec::new();
        let mut unchanged = Vec::new();
        let mut full = Vec::new();
        for _ in 0..options.runs {
            let _ = std::fs::remove_dir_all(&output);
            cold.push(measure(&mut build()));
            let again = measure(&mut build());
            assert!(
                again.stdout.contains("Up to date"),
                "the no-change rebuild was not recognised as up to date:\n{}",
                again.stdout
            );
            unchanged.push(again);
            full.push(measure(build().arg("--full")));
        }
        let (cold_wall, cold_cpu, cold_peak) = medians(&cold);
        let (unchanged_wall, _, _) = medians(&unchanged);
        let (full_wall, _, full_peak) = medians(&full);
        println!(
            "| {size} | {} | {} | {} MiB | {} | {} | {} MiB |",
            ms(cold_wall),
            ms(cold_cpu),
            cold_peak / 1024,
            ms(unchanged_wall),
            ms(full_wall),
            full_peak / 1024
        );
        searches.push((size, search_transfer(&output)));
        let _ = std::fs::remove_dir_all(&output);
    }
    println!();
    println!(
        "Search: what one query downloads from a cold cache (script, index table, chunks, first 10 results)"
    );
    println!();
    println!("| pages | query | files | raw | gzip |");
    println!("|---:|---|---:|---:|---:|");
    for (size, rows) in &searches {
        for row in rows {
            println!(
                "| {size} | {} | {} | {:.1} kB | {:.1} kB |",
                row.query,
                row.files,
                row.raw as f64 / 1000.0,
                row.gzip as f64 / 1000.0
            );
        }
    }
    if options.serve {
        println!();
        println!(
            "| pages | single-page edit → served | template edit → served | new page → served | serve start-up |"
        );
        println!("|---:|---:|---:|---:|---:|");
        for &size in &options.sizes {
            let site = site(&options.work, size);
            serve_latencies(&binary, &site, size, options.runs);
        }
    }
}

struct SearchTransfer {
    query: &'static str,
    files: usize,
    raw: usize,
    gzip: usize,
}

/// Replays queries the way `search.js` runs them, through the query model the
/// browser test holds the script to, and adds up the files fetched.
fn search_transfer(output: &Path) -> Vec<SearchTransfer> {
    use signposter::search::{encode::Meta, query};
    let read = |path: &str| std::fs::read(output.join(path)).unwrap_or_default();
    let gzip = |bytes: &[u8]| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap().len()
    };
    let index = read("search/index.json");
    let Ok(meta) = serde_json::from_slice::<Meta>(&index) else {
        return Vec::new();
    };
    // A common word, two words, a prefix typed so far, and a rarer word.
    [
        "interpreter",
        "supervision group",
        "facilit",
        "housing uncertainty",
    ]
    .into_iter()
    .map(|text| {
        let mut files = vec![read("search.js"), index.clone()];
        let answer = query::run(
            &meta,
            &mut |name| {
                let bytes = std::fs::read(output.join(format!("search/chunks/{name}.bin"))).ok()?;
                files.push(bytes.clone());
                Some(bytes)
            },
            text,
        );
        for (number, _) in answer.pages.iter().take(10) {
            files.push(read(&format!("search/pages/{number}.json")));
        }
        SearchTransfer {
            query: text,
            files: files.len(),
            raw: files.iter().map(Vec::len).sum(),
            gzip: files.iter().map(|f| gzip(f)).sum(),
        }
    })
    .collect()
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

fn get(address: &str, path: &str) -> (u16, String) {
    let Ok(mut stream) = TcpStream::connect(address) else {
        return (0, String::new());
    };
    let _ = write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    );
    let mut raw = String::new();
    let _ = stream.read_to_string(&mut raw);
    let status = raw
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, raw)
}

/// Time from `change` returning to the served `path` satisfying `done`.
fn latency(
    address: &str,
    path: &str,
    change: impl FnOnce(),
    done: impl Fn(u16, &str) -> bool,
) -> Duration {
    change();
    let start = Instant::now();
    loop {
        let (status, body) = get(address, path);
        if done(status, &body) {
            return start.elapsed();
        }
        if start.elapsed() > Duration::from_secs(120) {
            panic!("{path} never changed");
        }
        std::thread::sleep(Duration::from_micros(500));
    }
}

fn serve_latencies(binary: &Path, site: &Path, size: usize, runs: usize) {
    let started = Instant::now();
    let mut child = Command::new(binary)
        .args(["serve", "--port", "0", "--root"])
        .arg(site)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines.next().and_then(Result::ok).expect("serve stopped");
        if let Some(rest) = line.strip_prefix("Serving at ") {
            break rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
        }
    };
    let startup = started.elapsed();
    std::thread::spawn(move || for _ in lines {});
    let address = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();

    let page_file = site.join("content/section-00/page-000000.md");
    let original = std::fs::read_to_string(&page_file).expect("page");
    let mut edits = Vec::new();
    for run in 0..runs {
        let marker = format!("Benchmark edit {run} {}", started.elapsed().as_nanos());
        let text = original.replacen("\n\n", &format!("\n\n{marker}\n\n"), 1);
        edits.push(latency(
            &address,
            "/section-00/page-000000/",
            || std::fs::write(&page_file, &text).expect("write page"),
            |_, body| body.contains(&marker),
        ));
    }
    std::fs::write(&page_file, &original).expect("restore page");

    let template = site.join("templates/partials/footer.html");
    let mut template_edits = Vec::new();
    for run in 0..runs {
        let marker = format!("Benchmark footer {run}");
        template_edits.push(latency(
            &address,
            "/section-00/page-000000/",
            || {
                std::fs::create_dir_all(template.parent().expect("folder"))
                    .expect("templates folder");
                std::fs::write(&template, format!("<footer><p>{marker}</p></footer>"))
                    .expect("write template");
            },
            |_, body| body.contains(&marker),
        ));
    }
    let _ = std::fs::remove_dir_all(site.join("templates"));

    let mut new_pages = Vec::new();
    for run in 0..runs {
        let name = format!("bench-new-{run}");
        let file = site.join(format!("content/section-00/{name}.md"));
        new_pages.push(latency(
            &address,
            &format!("/section-00/{name}/"),
            || {
                std::fs::write(
                    &file,
                    format!("---\ntitle: New page {run}\n---\nA new page.\n"),
                )
                .expect("write page")
            },
            |status, _| status == 200,
        ));
        std::fs::remove_file(&file).expect("remove page");
    }
    let _ = child.kill();
    let _ = child.wait();
    println!(
        "| {size} | {} | {} | {} | {} |",
        ms(median_duration(edits)),
        ms(median_duration(template_edits)),
        ms(median_duration(new_pages)),
        ms(startup)
    );
}
