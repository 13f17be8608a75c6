//! How long each build phase took, for `--verbose` and the benchmark, and
//! who is told as phases start and finish (the progress display).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The phases of a full `signposter build`, in the order they run. A
/// rebuild in `serve` runs a subset of them.
pub const BUILD_PHASES: &[&str] = &[
    "config",
    "templates",
    "content",
    "markdown",
    "taxonomies",
    "related",
    "backlinks",
    "search",
    "values",
    "routes",
    "output",
    "render",
    "links",
    "commit",
];

/// Told as each build phase starts and finishes. Called from the thread
/// running the build, never from the parallel workers inside a phase.
pub trait PhaseObserver: Send + Sync {
    fn started(&self, phase: &'static str);
    fn finished(&self, phase: &'static str, took: Duration);
}

/// A shared [`PhaseObserver`], cheap to clone into options.
#[derive(Clone)]
pub struct Observer(pub Arc<dyn PhaseObserver>);

impl fmt::Debug for Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Observer")
    }
}

#[derive(Debug, Clone, Default)]
pub struct Timings {
    phases: Vec<(&'static str, Duration)>,
    observer: Option<Observer>,
}

/// A phase under way; hand it back to [`Timings::finish`].
#[must_use = "a started phase is only recorded by Timings::finish"]
pub struct StartedPhase {
    phase: &'static str,
    at: Instant,
}

impl Timings {
    /// Timings that also tell `observer` about every phase.
    pub fn observed(observer: Option<Observer>) -> Self {
        Timings {
            phases: Vec::new(),
            observer,
        }
    }

    /// Forget the recorded phases (for the next rebuild), keeping the observer.
    pub fn reset(&mut self) {
        self.phases.clear();
    }

    pub fn start(&self, phase: &'static str) -> StartedPhase {
        if let Some(Observer(observer)) = &self.observer {
            observer.started(phase);
        }
        StartedPhase {
            phase,
            at: Instant::now(),
        }
    }

    pub fn finish(&mut self, started: StartedPhase) {
        let took = started.at.elapsed();
        self.phases.push((started.phase, took));
        if let Some(Observer(observer)) = &self.observer {
            observer.finished(started.phase, took);
        }
    }

    /// Run `work` and record its duration under `phase`.
    pub fn time<T>(&mut self, phase: &'static str, work: impl FnOnce() -> T) -> T {
        let started = self.start(phase);
        let result = work();
        self.finish(started);
        result
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

    #[derive(Default)]
    struct Recorder(std::sync::Mutex<Vec<String>>);

    impl PhaseObserver for Recorder {
        fn started(&self, phase: &'static str) {
            self.0.lock().unwrap().push(format!("start {phase}"));
        }
        fn finished(&self, phase: &'static str, _took: Duration) {
            self.0.lock().unwrap().push(format!("finish {phase}"));
        }
    }

    #[test]
    fn observer_hears_each_phase_start_and_finish_and_survives_reset() {
        let recorder = Arc::new(Recorder::default());
        let mut timings = Timings::observed(Some(Observer(recorder.clone())));
        let phase = timings.start("content");
        timings.finish(phase);
        timings.reset();
        assert!(timings.phases().is_empty());
        assert_eq!(timings.time("render", || 7), 7);
        assert_eq!(timings.phases().len(), 1);
        assert_eq!(
            *recorder.0.lock().unwrap(),
            [
                "start content",
                "finish content",
                "start render",
                "finish render"
            ]
        );
    }

    #[test]
    fn formats_durations_readably() {
        assert_eq!(format_duration(Duration::from_micros(1500)), "1.5 ms");
        assert_eq!(format_duration(Duration::from_millis(41)), "41 ms");
        assert_eq!(format_duration(Duration::from_millis(1250)), "1.25 s");
    }
}
