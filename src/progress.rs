//! Build progress for people watching: a redrawn bar on a terminal, plain
//! lines in CI logs and pipes. Shown only once a build has run long enough
//! for someone to wonder whether it is stuck.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::site::{BUILD_PHASES, Observer, PhaseObserver, format_duration};

/// How progress is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressStyle {
    /// One line, redrawn in place and cleared at the end (a terminal).
    Bar,
    /// One line per finished phase (CI logs, pipes, files).
    Lines,
}

impl ProgressStyle {
    /// A bar when stdout is a terminal that understands redrawing, else lines.
    pub fn for_stdout() -> Self {
        use std::io::IsTerminal;
        let dumb = std::env::var_os("TERM").is_some_and(|term| term == "dumb");
        if std::io::stdout().is_terminal() && !dumb {
            ProgressStyle::Bar
        } else {
            ProgressStyle::Lines
        }
    }
}

/// Reports a build's phases to `out`. Hand [`BuildProgress::observer`] to
/// the build, then call [`BuildProgress::finish`] before printing anything else.
pub struct BuildProgress {
    shared: Arc<Shared>,
    redraw: Option<JoinHandle<()>>,
}

struct Shared {
    out: Mutex<Box<dyn Write + Send>>,
    style: ProgressStyle,
    started: Instant,
    /// Nothing is shown until the build has run this long.
    show_after: Duration,
    state: Mutex<State>,
    done: AtomicBool,
}

#[derive(Default)]
struct State {
    /// The phase under way, and when it started.
    current: Option<(&'static str, Instant)>,
    /// Whether the current phase has been announced as still running.
    announced: bool,
    finished: Vec<(&'static str, Duration)>,
    /// How many of `finished` have been printed as lines.
    printed: usize,
    /// Whether a bar is on screen and must be cleared.
    bar_shown: bool,
}

const BAR_WIDTH: usize = 24;
const REDRAW_EVERY: Duration = Duration::from_millis(100);
/// In plain lines, a phase still running after this long is announced, so a
/// CI log never goes quiet without saying what is under way.
const LONG_PHASE: Duration = Duration::from_secs(2);

impl BuildProgress {
    pub fn new(out: Box<dyn Write + Send>, style: ProgressStyle, show_after: Duration) -> Self {
        let shared = Arc::new(Shared {
            out: Mutex::new(out),
            style,
            started: Instant::now(),
            show_after,
            state: Mutex::new(State::default()),
            done: AtomicBool::new(false),
        });
        // A long phase starts no new one, so progress needs its own clock to
        // appear (and the bar's elapsed time to move) while the phase runs.
        let clock = shared.clone();
        let redraw = Some(std::thread::spawn(move || {
            while !clock.done.load(Ordering::Acquire) {
                std::thread::park_timeout(REDRAW_EVERY);
                clock.show();
            }
        }));
        BuildProgress { shared, redraw }
    }

    pub fn observer(&self) -> Observer {
        Observer(self.shared.clone())
    }

    /// Stop drawing and clear the bar, so the build's own summary follows.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.shared.done.store(true, Ordering::Release);
        if let Some(redraw) = self.redraw.take() {
            redraw.thread().unpark();
            let _ = redraw.join();
        }
        let mut state = lock(&self.shared.state);
        if state.bar_shown {
            state.bar_shown = false;
            let mut out = lock(&self.shared.out);
            let _ = write!(out, "\r\x1b[2K");
            let _ = out.flush();
        }
    }
}

impl Drop for BuildProgress {
    fn drop(&mut self) {
        self.stop();
    }
}

impl PhaseObserver for Shared {
    fn started(&self, phase: &'static str) {
        {
            let mut state = lock(&self.state);
            state.current = Some((phase, Instant::now()));
            state.announced = false;
        }
        self.show();
    }

    fn finished(&self, phase: &'static str, took: Duration) {
        {
            let mut state = lock(&self.state);
            state.current = None;
            state.finished.push((phase, took));
        }
        self.show();
    }
}

impl Shared {
    fn show(&self) {
        if self.done.load(Ordering::Acquire) || self.started.elapsed() < self.show_after {
            return;
        }
        let mut state = lock(&self.state);
        let mut out = lock(&self.out);
        match self.style {
            ProgressStyle::Lines => {
                // Phases that finished before the build counted as long are
                // printed too, so the log always has the whole list.
                for (phase, took) in &state.finished[state.printed..] {
                    let _ = writeln!(
                        out,
                        "[{:>2}/{}] {phase:<10} {}",
                        step_of(phase),
                        BUILD_PHASES.len(),
                        format_duration(*took)
                    );
                }
                state.printed = state.finished.len();
                let running_long = state
                    .current
                    .filter(|(_, since)| since.elapsed() >= LONG_PHASE);
                if let (Some((phase, _)), false) = (running_long, state.announced) {
                    let _ = writeln!(
                        out,
                        "[{:>2}/{}] {phase:<10} running…",
                        step_of(phase),
                        BUILD_PHASES.len()
                    );
                    state.announced = true;
                }
            }
            ProgressStyle::Bar => {
                let phase = state
                    .current
                    .map(|(phase, _)| phase)
                    .or_else(|| state.finished.last().map(|(phase, _)| *phase));
                let Some(phase) = phase else { return };
                let step = step_of(phase);
                let filled = BAR_WIDTH * step.saturating_sub(1) / BUILD_PHASES.len();
                let _ = write!(
                    out,
                    "\r\x1b[2K  building [{}{}] {step}/{} {phase} {}",
                    "=".repeat(filled),
                    " ".repeat(BAR_WIDTH - filled),
                    BUILD_PHASES.len(),
                    format_duration(self.started.elapsed())
                );
                state.bar_shown = true;
            }
        }
        let _ = out.flush();
    }
}

/// A phase's place in a full build, counting from 1.
fn step_of(phase: &str) -> usize {
    BUILD_PHASES
        .iter()
        .position(|known| *known == phase)
        .map_or(BUILD_PHASES.len(), |index| index + 1)
}

/// Progress is best effort: a panic elsewhere must not stop the build
/// reporting its result, so a poisoned lock is used as it stands.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer the test can read back after the progress has finished.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Captured {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    /// Progress drawn into a buffer the test reads back.
    fn capture(style: ProgressStyle, show_after: Duration) -> (Captured, BuildProgress) {
        let captured = Captured::default();
        let progress = BuildProgress::new(Box::new(captured.clone()), style, show_after);
        (captured, progress)
    }

    fn run_phases(progress: &BuildProgress, phases: &[&'static str]) {
        let Observer(observer) = progress.observer();
        for phase in phases {
            observer.started(phase);
            observer.finished(phase, Duration::from_millis(12));
        }
    }

    #[test]
    fn lines_name_each_phase_with_its_step_and_time() {
        let (captured, progress) = capture(ProgressStyle::Lines, Duration::ZERO);
        run_phases(&progress, &["config", "markdown", "commit"]);
        progress.finish();
        assert_eq!(
            captured.text(),
            "[ 1/11] config     12 ms\n[ 4/11] markdown   12 ms\n[11/11] commit     12 ms\n"
        );
    }

    #[test]
    fn lines_announce_a_phase_that_runs_long() {
        let (captured, progress) = capture(ProgressStyle::Lines, Duration::ZERO);
        let Observer(observer) = progress.observer();
        observer.started("render");
        // The progress clock notices the phase has run long, without any
        // event from the build.
        std::thread::sleep(LONG_PHASE + Duration::from_millis(400));
        observer.finished("render", LONG_PHASE);
        progress.finish();
        assert_eq!(
            captured.text(),
            "[ 9/11] render     running…\n[ 9/11] render     2.00 s\n"
        );
    }

    #[test]
    fn a_short_build_shows_nothing() {
        let (captured, progress) = capture(ProgressStyle::Bar, Duration::from_secs(3600));
        run_phases(&progress, BUILD_PHASES);
        progress.finish();
        assert_eq!(captured.text(), "");
    }

    #[test]
    fn the_bar_redraws_in_place_and_is_cleared_at_the_end() {
        let (captured, progress) = capture(ProgressStyle::Bar, Duration::ZERO);
        run_phases(&progress, &["config", "render"]);
        progress.finish();
        let text = captured.text();
        assert!(text.contains("\r\x1b[2K  building ["), "{text:?}");
        assert!(text.contains("] 9/11 render "), "{text:?}");
        assert!(text.ends_with("\r\x1b[2K"), "the bar is cleared: {text:?}");
        assert!(
            !text.contains('\n'),
            "a bar never scrolls the terminal: {text:?}"
        );
    }
}
