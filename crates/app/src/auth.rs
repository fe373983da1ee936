//! Passwords (argon2) and sign-in.
use crate::{App, AppError, AppResult, CurrentUser};
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};

/// Hash a password with argon2id (PHC string).
pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::invalid("密码", format!("无法处理密码: {e}")))
}

fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Check a username and password; the same answer for an unknown user and a wrong password.
pub async fn login(app: &App, username: &str, password: &str) -> AppResult<CurrentUser> {
    let username = username.trim();
    if username.is_empty() {
        return Err(AppError::invalid("username", "请输入用户名"));
    }
    if password.is_empty() {
        return Err(AppError::invalid("password", "请输入密码"));
    }
    let staff = store::repo::staff::by_username(&app.db, username).await?;
    match staff {
        Some(s) if s.active && verify(password, &s.password_hash) => CurrentUser::from_staff(&s),
        _ => Err(AppError::Unauthorized),
    }
}

/// The signed-in person again from a session's staff id (inactive accounts are signed out).
pub async fn current(app: &App, staff_id: i64) -> AppResult<CurrentUser> {
    match store::repo::staff::by_id(&app.db, staff_id).await? {
        Some(s) if s.active => CurrentUser::from_staff(&s),
        _ => Err(AppError::Unauthorized),
    }
}

/// `bytes` random bytes from the operating system, as lowercase hex.
pub fn random_hex(bytes: usize) -> String {
    use argon2::password_hash::rand_core::RngCore;
    let mut buf = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}
