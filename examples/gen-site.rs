//! Generates a deterministic synthetic resource site of N pages, for the
//! benchmark: `cargo run --release --example gen-site -- 10000 /tmp/site-10k`.

#[path = "support/generator.rs"]
mod generator;

use std::fs;
use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = || -> ! {
        eprintln!("usage: gen-site N DIR");
        std::process::exit(2);
    };
    let count: usize = args
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| usage());
    let dir = PathBuf::from(args.next().unwrap_or_else(|| usage()));
    if dir.exists()
        && fs::read_dir(&dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false)
    {
        eprintln!("{} is not empty; choose a new folder", dir.display());
        std::process::exit(1);
    }
    generator::generate(count, &dir);
    println!("Wrote a {count}-page site to {}", dir.display());
}
