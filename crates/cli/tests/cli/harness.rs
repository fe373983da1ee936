//! What every CLI test does: run the `m135` binary, keep its files in a temporary folder.
use std::path::PathBuf;
use std::process::{Command, Output};

/// The `m135` binary, to be given arguments and run.
pub fn m135_command() -> Command {
    Command::new(env!("CARGO_BIN_EXE_m135"))
}

/// Run `m135` with arguments to completion.
pub fn m135(args: &[&str]) -> Output {
    m135_command().args(args).output().expect("run m135")
}

/// A file in this run's temporary folder of an area (`allocate`, `forecast`).
pub fn tmp_in(area: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("m135-{area}-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}
