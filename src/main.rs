use std::process::ExitCode;

/// The walk's threads allocate and free all the time, often what another
/// thread allocated; glibc's allocator made them wait on each other's
/// arenas (the most frequent reason a walk thread slept on a real
/// handbook). Where jemalloc is not well supported, the system's allocator.
#[cfg(all(
    not(target_os = "windows"),
    not(target_os = "openbsd"),
    not(target_os = "freebsd"),
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "powerpc64"
    )
))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    match handbook_lint::run(std::env::args_os()) {
        Ok(code) => code,
        Err(error) => {
            // Exit 2: the tool could not run. Every cause in the chain helps.
            eprintln!("handbook-lint: error: {error}");
            for cause in error.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}
