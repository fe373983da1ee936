//! Passwords (argon2) and sign-in.
use crate::{App, AppError, AppResult, CurrentUser};
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use std::net::IpAddr;
use store::audit::Actor;

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

/// A hash no password matches, checked for an unknown or inactive user name so that its answer
/// takes the same work as a wrong password for a real one (user names cannot be told apart).
fn decoy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password(&random_hex(16)).unwrap_or_default())
}

/// argon2 on a blocking thread, so a burst of sign-ins does not stall the pages being served.
async fn verify_off_thread(password: &str, hash: Option<String>) -> bool {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || {
        let hash = hash.unwrap_or_else(|| decoy_hash().to_string());
        verify(&password, &hash)
    })
    .await
    .unwrap_or(false)
}

/// Longest user name and password a sign-in reads (argon2 over megabytes would be a weapon).
const MAX_USERNAME_CHARS: usize = 64;
const MAX_PASSWORD_BYTES: usize = 256;

/// Check a username and password; the same answer, after the same work, for an unknown user and
/// a wrong password. After `signin.max_failed_per_user` wrong passwords for a user name, or
/// `signin.max_failed_per_address` from one client address, within `signin.lockout_minutes`,
/// sign-in is refused (429, with the minutes to wait) until the window ends, even with the
/// right password. Failed and successful sign-ins are written to the audit trail.
pub async fn login(
    app: &App, username: &str, password: &str, client: Option<IpAddr>,
) -> AppResult<CurrentUser> {
    let username = username.trim();
    if username.is_empty() {
        return Err(AppError::invalid("username", "请输入用户名"));
    }
    if password.is_empty() {
        return Err(AppError::invalid("password", "请输入密码"));
    }
    if username.chars().count() > MAX_USERNAME_CHARS || password.len() > MAX_PASSWORD_BYTES {
        return Err(AppError::Unauthorized);
    }
    let policy = app.policy().await?.signin;
    let window = lockout_window(&policy);
    let now = app.clock.now();
    let user_key = user_key(username);
    let addr_key = client.map(|a| format!("addr:{a}"));
    let fails = &app.signin_failures;
    let locked = fails
        .locked(&user_key, now, policy.max_failed_per_user, window)
        .or_else(|| {
            let k = addr_key.as_deref()?;
            fails.locked(k, now, policy.max_failed_per_address, window)
        });
    if let Some(left) = locked {
        return Err(locked_out("登录失败", left));
    }
    let staff = store::repo::staff::by_username(&app.db, username)
        .await?
        .filter(|s| s.active);
    let ok = verify_off_thread(password, staff.as_ref().map(|s| s.password_hash.clone())).await;
    let address = client.map(|a| a.to_string());
    match staff {
        Some(s) if ok => {
            fails.clear(&user_key);
            let user = CurrentUser::from_staff(&s)?;
            trace_signin(app, &user.actor(), "auth.login", username, address).await?;
            Ok(user)
        }
        _ => {
            fails.fail(&user_key, now, window);
            if let Some(k) = &addr_key {
                fails.fail(k, now, window);
            }
            let who = Actor::system(&format!("anonymous@{}", address.as_deref().unwrap_or("?")));
            trace_signin(app, &who, "auth.login_failed", username, address).await?;
            Err(AppError::Unauthorized)
        }
    }
}

/// The key a user name's failures are counted under (sign-in and password change alike).
fn user_key(username: &str) -> String {
    format!("user:{}", username.to_lowercase())
}

/// How long failures are counted, and a lockout lasts.
fn lockout_window(policy: &domain::config::SignInPolicy) -> chrono::Duration {
    chrono::Duration::minutes(i64::from(policy.lockout_minutes))
}

/// The 429 of a lockout with `left` to wait; `what` failed too often.
fn locked_out(what: &str, left: chrono::Duration) -> AppError {
    AppError::TooManyRequests(format!(
        "{what}次数过多，已暂时锁定，请 {} 分钟后再试",
        crate::throttle::minutes_left(left)
    ))
}

/// A sign-in in the audit trail: the user name as typed and the client's address.
async fn trace_signin(
    app: &App, actor: &Actor, action: &str, username: &str, address: Option<String>,
) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    store::audit::record(
        &mut tx,
        actor,
        action,
        "staff",
        username,
        None::<&()>,
        Some(&serde_json::json!({"username": username, "address": address})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The password the demo city's accounts share (`m135 demo --password` changes it).
pub const DEMO_PASSWORD: &str = "m135demo";

/// A password a person may set: at least `signin.min_password_chars` characters, not the user
/// name, not the demo city's password.
pub fn check_new_password(
    policy: &domain::config::SignInPolicy, username: &str, password: &str,
) -> AppResult<()> {
    let n = password.chars().count();
    if n < policy.min_password_chars {
        return Err(AppError::invalid(
            "new_password",
            format!("密码至少 {} 个字符", policy.min_password_chars),
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(AppError::invalid("new_password", "密码过长"));
    }
    if password.eq_ignore_ascii_case(username) || password == DEMO_PASSWORD {
        return Err(AppError::invalid(
            "new_password",
            "密码不能与用户名或演示密码相同",
        ));
    }
    Ok(())
}

/// A person changes their own password: the current one first (throttled like a sign-in), then
/// the new one within the policy. The change clears a pending first-sign-in change and is
/// written to the audit trail (without the passwords).
pub async fn change_password(
    app: &App, user: &CurrentUser, current: &str, new: &str,
) -> AppResult<()> {
    let policy = app.policy().await?.signin;
    if current.is_empty() {
        return Err(AppError::invalid("current_password", "请输入当前密码"));
    }
    let staff = store::repo::staff::by_id(&app.db, user.id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let window = lockout_window(&policy);
    let now = app.clock.now();
    let key = user_key(&staff.username);
    if let Some(left) = app
        .signin_failures
        .locked(&key, now, policy.max_failed_per_user, window)
    {
        return Err(locked_out("密码错误", left));
    }
    if current.len() > MAX_PASSWORD_BYTES
        || !verify_off_thread(current, Some(staff.password_hash.clone())).await
    {
        app.signin_failures.fail(&key, now, window);
        return Err(AppError::invalid("current_password", "当前密码不正确"));
    }
    check_new_password(&policy, &staff.username, new)?;
    if current == new {
        return Err(AppError::invalid(
            "new_password",
            "新密码不能与当前密码相同",
        ));
    }
    let new = new.to_string();
    let hash = tokio::task::spawn_blocking(move || hash_password(&new))
        .await
        .map_err(|e| AppError::invalid("new_password", e.to_string()))??;
    let mut tx = app.db.begin().await?;
    store::repo::staff::set_password_hash(&mut tx, user.id, &hash, false).await?;
    store::audit::record(
        &mut tx,
        &user.actor(),
        "auth.password_change",
        "staff",
        &staff.username,
        Some(&serde_json::json!({"must_change_password": staff.must_change_password})),
        Some(&serde_json::json!({"must_change_password": false})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Active accounts that still sign in with `password` (checked against the password hashes
/// several accounts share, as a generated demo city's do): `m135 serve` refuses to start while
/// any account has the demo password.
pub async fn accounts_with_shared_password(app: &App, password: &str) -> AppResult<i64> {
    let mut n = 0;
    for (hash, count) in store::repo::staff::shared_password_hashes(&app.db).await? {
        if verify_off_thread(password, Some(hash)).await {
            n += count;
        }
    }
    Ok(n)
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
