//! Running the binary under resource limits: CPU seconds enforced by the
//! kernel, a wall-clock watchdog, and the peak memory read back afterwards,
//! so a test of hostile input fails when a change makes it slow or greedy.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{Run, TestSite};

/// What a run may use before it counts as a failure.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// CPU time across all threads; the kernel kills the process past it.
    pub cpu_seconds: u64,
    /// Wall time; a watchdog kills the process past it.
    pub wall: Duration,
    /// Peak resident memory, checked after the run.
    pub memory_mib: u64,
    /// The largest file the process may write: a write past it fails as
    /// it would on a full disk (`EFBIG`), a fault without any test hook.
    pub file_bytes: Option<u64>,
}

/// A run and what it used.
pub struct Measured {
    pub run: Run,
    pub peak_mib: u64,
    pub wall: Duration,
}

impl Measured {
    /// Fail unless the run stayed within `limits`.
    pub fn assert_within(&self, limits: Limits) -> &Self {
        // Shown with `--nocapture`, to see how much headroom a limit leaves.
        eprintln!("used: {} MiB peak, {:?} wall", self.peak_mib, self.wall);
        assert!(
            self.run.code >= 0,
            "killed (over {} CPU s or {:?} wall?) after {:?}\n{}",
            limits.cpu_seconds,
            limits.wall,
            self.wall,
            self.run.stderr
        );
        assert!(
            self.peak_mib <= limits.memory_mib,
            "peak memory {} MiB over the limit of {} MiB",
            self.peak_mib,
            limits.memory_mib
        );
        self
    }
}

impl TestSite {
    /// `signposter build` under `limits`, failing the test past them.
    pub fn build_within(&self, limits: Limits) -> Run {
        let measured = self.run_measured(&["build"], limits, false);
        measured.assert_within(limits);
        measured.run
    }

    /// Run `signposter <args> --root <site>` under `limits`. With
    /// `unprivileged`, a root test process runs it as `nobody`, for whom
    /// file permissions apply.
    pub fn run_measured(&self, args: &[&str], limits: Limits, unprivileged: bool) -> Measured {
        let binary = assert_cmd::cargo::cargo_bin("signposter");
        let mut command = Command::new(binary);
        command
            .args(args)
            .arg("--root")
            .arg(self.root())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if unprivileged && running_as_root() {
            give_to_nobody(self.root());
            // std drops the supplementary groups too when it changes user.
            command.uid(NOBODY).gid(NOBODY);
        }
        let cpu = cpu_limit(limits.cpu_seconds);
        let file_bytes = limits.file_bytes;
        // SAFETY: between fork and exec only async-signal-safe calls are made
        // (setrlimit and signal are plain system calls; nothing allocates).
        unsafe {
            command.pre_exec(move || {
                if libc::setrlimit(libc::RLIMIT_CPU, &cpu) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                if let Some(bytes) = file_bytes {
                    let limit = libc::rlimit {
                        rlim_cur: bytes,
                        rlim_max: bytes,
                    };
                    // Ignored, SIGXFSZ turns an oversized write into an error
                    // the build must handle, instead of killing it.
                    if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0
                        || libc::signal(libc::SIGXFSZ, libc::SIG_IGN) == libc::SIG_ERR
                    {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                Ok(())
            });
        }
        let start = Instant::now();
        // Reaped below by wait4, which also reports the child's peak memory.
        #[allow(clippy::zombie_processes)]
        let mut child = command.spawn().expect("start signposter");
        let pid = child.id() as libc::pid_t;
        let stdout = drain(child.stdout.take().unwrap());
        let stderr = drain(child.stderr.take().unwrap());
        let (finished, watched) = mpsc::channel::<()>();
        let wall = limits.wall;
        let watchdog = std::thread::spawn(move || {
            if watched.recv_timeout(wall).is_err() {
                // SAFETY: the child is reaped only after this thread is joined,
                // so the pid cannot have been reused.
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
        });
        // Wait for the exit without reaping, so the pid stays the child's
        // until the watchdog has stopped; then reap it and read its usage.
        // SAFETY: plain FFI out-parameters.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        let waited = unsafe {
            libc::waitid(
                libc::P_PID,
                pid as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WNOWAIT,
            )
        };
        assert_eq!(waited, 0, "waitid failed");
        let elapsed = start.elapsed();
        let _ = finished.send(());
        watchdog.join().unwrap();
        let mut status = 0;
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        assert_eq!(reaped, pid, "wait4 failed");
        let code = if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            -1
        };
        Measured {
            run: Run {
                code,
                stdout: stdout.join().unwrap(),
                stderr: stderr.join().unwrap(),
            },
            // Linux reports ru_maxrss in KiB.
            peak_mib: usage.ru_maxrss as u64 / 1024,
            wall: elapsed,
        }
    }
}

const NOBODY: libc::uid_t = 65534;

/// `seconds` of CPU, within the hard limit this process already has (only
/// root may raise a hard limit).
fn cpu_limit(seconds: u64) -> libc::rlimit {
    let mut current = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: a plain FFI out-parameter.
    unsafe { libc::getrlimit(libc::RLIMIT_CPU, &mut current) };
    let seconds = seconds.min(current.rlim_max);
    libc::rlimit {
        rlim_cur: seconds,
        rlim_max: seconds,
    }
}

pub fn running_as_root() -> bool {
    // SAFETY: no arguments, no failure mode.
    unsafe { libc::geteuid() == 0 }
}

/// Hand the site to `nobody`, keeping each file's mode.
fn give_to_nobody(root: &Path) {
    use std::os::unix::ffi::OsStrExt;
    for entry in walkdir::WalkDir::new(root).follow_links(false) {
        let entry = entry.unwrap();
        let path = std::ffi::CString::new(entry.path().as_os_str().as_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        let changed = unsafe { libc::lchown(path.as_ptr(), NOBODY, NOBODY) };
        assert_eq!(changed, 0, "chown {}", entry.path().display());
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}
