//! Shared test helpers: where the seeds are, fresh temp dirs, running the built binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// ../shared/corpus/seeds beside the repository.
pub fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/seeds")
}

/// The seed report files, sorted (000 … 004).
pub fn seed_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(seeds_dir())
        .expect("../shared/corpus/seeds must exist beside the repository")
        .map(|e| e.expect("readable dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
}

/// The agency of each seed, by its number (see ../shared/corpus/seeds/README.md).
pub const SEED_AGENCIES: [&str; 5] = [
    "高青县工业和信息化局",
    "卫东区工业和信息化局",
    "淄博市工业和信息化局",
    "清河县科技和工业信息化局",
    "聊城市工业和信息化局",
];

/// Runs the built `nianbao` binary with `args` in `dir`.
pub fn nianbao(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the nianbao binary runs")
}

/// Standard output as text, failing with both streams when the exit code is not `code`.
pub fn expect_code(out: &Output, code: i32) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(code),
        "exit code\nstdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}
