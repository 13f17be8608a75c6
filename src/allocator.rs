//! The binary's memory allocator (mimalloc) and its settings, in one place
//! so the allocator can be swapped or tuned without touching anything else.
//! The library never chooses an allocator; the `signposter` binary does,
//! and the profiling example includes this file to measure the same one.

/// Building allocates many short-lived strings from every core at once, which
/// mimalloc serves faster than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Programs with an ELF `.init_array` (Linux, Android, FreeBSD) tune mimalloc
/// before the first allocation; elsewhere it runs with its defaults.
#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
mod arenas {
    /// `mi_option_arena_eager_commit` in mimalloc 3's `mi_option_e`. The Rust
    /// bindings name only a few options, so the number comes from `mimalloc.h`.
    const ARENA_EAGER_COMMIT: std::ffi::c_int = 4;

    unsafe extern "C" {
        fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
        #[cfg(test)]
        fn mi_option_get(option: std::ffi::c_int) -> std::ffi::c_long;
    }

    /// By default mimalloc commits each arena it reserves up front, and the
    /// kernel then backs what is touched with 2 MiB pages (a cold 10,000-page
    /// build took about 1,200 page faults for 500 MiB). Committed on demand,
    /// the same build peaked 60 MiB lower and spent less time in the kernel
    /// zeroing memory (BENCHMARKS.md). Arenas are made at the first
    /// allocation, before `main`, so the option is set from the program's
    /// initialisers instead, before the Rust runtime allocates. It overrides
    /// `MIMALLOC_ARENA_EAGER_COMMIT` from the environment.
    extern "C" fn commit_arenas_on_demand() {
        // SAFETY: setting an option only stores a number; mimalloc reads it when
        // it next reserves an arena.
        unsafe { mi_option_set(ARENA_EAGER_COMMIT, 0) };
    }

    #[used]
    #[unsafe(link_section = ".init_array")]
    static COMMIT_ARENAS_ON_DEMAND: extern "C" fn() = commit_arenas_on_demand;

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn the_initialiser_turns_eager_arena_commit_off() {
            // SAFETY: reading an option has no preconditions.
            assert_eq!(unsafe { mi_option_get(ARENA_EAGER_COMMIT) }, 0);
        }
    }
}
