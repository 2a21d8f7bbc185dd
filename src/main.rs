//! The `nianbao` binary: parse the flags, run the command, print the error chain once.
//!
//! Exit codes: 0 success, 1 some inputs failed (e.g. a file could not be read), 2 the command
//! could not run (usage error, archive locked …).

mod cli;

use clap::Parser;

/// mimalloc instead of glibc's malloc: an import allocates millions of small strings on the
/// parsing threads (records, tokens, checks) that other threads free, and glibc spent a quarter
/// of the import's CPU in malloc/free (profile of a 10k import); with mimalloc the import takes
/// about 25 % less CPU. It is built without transparent huge pages (Cargo.toml: `no_thp`):
/// with them, every thread's heap of a loaded server was backed by 2 MB pages (peak RSS 422 MB
/// instead of 302 MB at 100k reports). glibc's allocator still serves the C libraries (zstd),
/// hence the arena limit below.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    limit_malloc_arenas();
    let args = cli::Cli::parse();
    let code = match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`nianbao export | head`) is not an error.
            let broken_pipe =
                |kind: Option<std::io::ErrorKind>| kind == Some(std::io::ErrorKind::BrokenPipe);
            if err.chain().any(|e| {
                broken_pipe(e.downcast_ref::<std::io::Error>().map(|io| io.kind()))
                    || broken_pipe(
                        e.downcast_ref::<serde_json::Error>()
                            .and_then(|j| j.io_error_kind()),
                    )
            }) {
                std::process::exit(0);
            }
            eprintln!("nianbao: {err:#}");
            2
        }
    };
    std::process::exit(code);
}

/// glibc gives every thread that allocates its own arena; parse threads allocate what the main
/// thread frees, and actix's workers and blocking threads each keep arenas, so freed memory
/// stays fragmented per thread. Two arenas measured ~200 MB less RSS in a 100k import.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; it is called before any other thread
    // exists, and a refused value (return 0) leaves the default in place.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}
