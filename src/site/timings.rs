//! How long each build phase took, for `--verbose` and the benchmark.

use std::time::{Duration, Instant};

#[derive(Debug, Clone, Default)]
pub struct Timings {
    phases: Vec<(&'static str, Duration)>,
}

impl Timings {
    /// Run `work` and record its duration under `phase`.
    pub fn time<T>(&mut self, phase: &'static str, work: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let result = work();
        self.phases.push((phase, start.elapsed()));
        result
    }

    pub fn record(&mut self, phase: &'static str, duration: Duration) {
        self.phases.push((phase, duration));
    }

    pub fn phases(&self) -> &[(&'static str, Duration)] {
        &self.phases
    }

    pub fn total(&self) -> Duration {
        self.phases.iter().map(|(_, d)| *d).sum()
    }

    /// One line per phase, aligned, e.g. `  markdown   12.3 ms`.
    pub fn table(&self) -> String {
        let width = self.phases.iter().map(|(p, _)| p.len()).max().unwrap_or(0);
        self.phases
            .iter()
            .map(|(phase, duration)| format!("  {phase:<width$}  {}\n", format_duration(*duration)))
            .collect()
    }
}

pub fn format_duration(duration: Duration) -> String {
    let ms = duration.as_secs_f64() * 1000.0;
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else if ms >= 10.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_durations_readably() {
        assert_eq!(format_duration(Duration::from_micros(1500)), "1.5 ms");
        assert_eq!(format_duration(Duration::from_millis(41)), "41 ms");
        assert_eq!(format_duration(Duration::from_millis(1250)), "1.25 s");
    }
}
