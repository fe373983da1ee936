//! Rebuild when a migration is added: `sqlx::migrate!` embeds the files it found, but cargo
//! only sees a change to the files, not a new file in the directories.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
