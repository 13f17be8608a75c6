//! How long each build phase took and how many cores it kept busy, for
//! `--verbose`, and who is told as phases start and finish (the progress
//! display).

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
    "indexes",
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
    phases: Vec<Phase>,
    observer: Option<Observer>,
}

/// One finished phase.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Phase {
    pub name: &'static str,
    /// Wall time.
    pub took: Duration,
    /// The CPU time the whole process spent in it, by every thread (in the
    /// dev server, its HTTP and watcher threads too), where the platform
    /// tells it: beside the wall time, it shows how well the phase kept the
    /// cores busy.
    pub cpu: Option<Duration>,
}

/// A phase under way; hand it back to [`Timings::finish`].
#[must_use = "a started phase is only recorded by Timings::finish"]
pub struct StartedPhase {
    phase: &'static str,
    at: Instant,
    cpu_at: Option<Duration>,
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
            cpu_at: process_cpu_time(),
        }
    }

    pub fn finish(&mut self, started: StartedPhase) {
        let took = started.at.elapsed();
        let cpu = Option::zip(process_cpu_time(), started.cpu_at)
            .map(|(now, then)| now.saturating_sub(then));
        self.phases.push(Phase {
            name: started.phase,
            took,
            cpu,
        });
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

    pub fn phases(&self) -> &[Phase] {
        &self.phases
    }

    pub fn total(&self) -> Duration {
        self.phases.iter().map(|phase| phase.took).sum()
    }

    /// One line per phase, aligned, with how many cores it kept busy on
    /// average where that is known, e.g. `  markdown    640 ms  1.9 cores`.
    pub fn table(&self) -> String {
        let width = (self.phases.iter())
            .map(|phase| phase.name.len())
            .max()
            .unwrap_or(0);
        self.phases
            .iter()
            .map(|&Phase { name, took, cpu }| {
                let shown = format_duration(took);
                match cores_busy(took, cpu) {
                    Some(cores) => format!("  {name:<width$}  {shown:>8}  {cores:.1} cores\n"),
                    None => format!("  {name:<width$}  {shown:>8}\n"),
                }
            })
            .collect()
    }
}

/// The average number of cores a phase kept busy; `None` when unknown or
/// too short to mean anything (the CPU clock ticks more coarsely).
fn cores_busy(wall: Duration, cpu: Option<Duration>) -> Option<f64> {
    const MEANINGFUL: Duration = Duration::from_millis(10);
    cpu.filter(|_| wall >= MEANINGFUL)
        .map(|cpu| cpu.as_secs_f64() / wall.as_secs_f64())
}

/// The CPU time this process has used so far, in user and kernel mode, by
/// all of its threads.
#[cfg(unix)]
fn process_cpu_time() -> Option<Duration> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::uninit();
    // SAFETY: `getrusage` writes the whole struct it is given when it
    // succeeds, and it is read only then.
    let usage = unsafe {
        if libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) != 0 {
            return None;
        }
        usage.assume_init()
    };
    let of = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    Some(of(usage.ru_utime) + of(usage.ru_stime))
}

#[cfg(not(unix))]
fn process_cpu_time() -> Option<Duration> {
    None
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
    fn the_table_shows_the_cores_a_phase_kept_busy_when_it_ran_long_enough() {
        let timings = Timings {
            phases: [
                ("markdown", 400, Some(760)),
                ("routes", 2, Some(0)),
                ("render", 100, None),
            ]
            .map(|(name, took, cpu)| Phase {
                name,
                took: Duration::from_millis(took),
                cpu: cpu.map(Duration::from_millis),
            })
            .to_vec(),
            observer: None,
        };
        assert_eq!(
            timings.table(),
            "  markdown    400 ms  1.9 cores\n  routes      2.0 ms\n  render      100 ms\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_phase_that_works_records_cpu_time() {
        let mut timings = Timings::default();
        timings.time("content", || {
            let start = Instant::now();
            let mut x = 0u64;
            while start.elapsed() < Duration::from_millis(30) {
                x = std::hint::black_box(x.wrapping_add(1));
            }
        });
        let cpu = timings.phases()[0].cpu.expect("getrusage works on unix");
        assert!(cpu > Duration::ZERO, "{cpu:?}");
    }

    #[test]
    fn formats_durations_readably() {
        assert_eq!(format_duration(Duration::from_micros(1500)), "1.5 ms");
        assert_eq!(format_duration(Duration::from_millis(41)), "41 ms");
        assert_eq!(format_duration(Duration::from_millis(1250)), "1.25 s");
    }
}
