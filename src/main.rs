//! The `nianbao` binary: parse the flags, run the command, print the error chain once.
//!
//! Exit codes: 0 success, 1 some inputs failed (e.g. a file could not be read), 2 the command
//! could not run (usage error, archive locked …).

mod cli;

use clap::Parser;

fn main() {
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
