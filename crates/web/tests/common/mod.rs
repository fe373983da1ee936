//! Test harness: the real app on port 0 over a fresh database per test.
//!
//! A small synthetic city is generated once per test binary into a template (an SQLite file, or a
//! PostgreSQL template database when `TEST_POSTGRES_URL` is set); each test gets its own copy.
#![allow(dead_code)]

use app::{App, Clock};
use chrono::{TimeZone, Utc};
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use store::Db;

pub const PASSWORD: &str = "test-pw-135";
/// The last month of the test city's history; the clock stands in the month after it.
pub const END_MONTH: &str = "2026-10";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

fn city_config() -> sim::SimConfig {
    // One argon2 hash for every account of every test.
    static HASH: OnceLock<String> = OnceLock::new();
    let hash = HASH
        .get_or_init(|| app::auth::hash_password(PASSWORD).expect("hash"))
        .clone();
    let mut cfg = sim::SimConfig::new(domain::Month::parse(END_MONTH).expect("month"), hash);
    cfg.retailers = 420;
    cfg.months = 14;
    cfg.seed = 7;
    cfg
}

/// Run a future to completion on a private runtime (for the once-per-binary template).
fn block_on<F, Fut>(make: F) -> Fut::Output
where
    F: FnOnce() -> Fut + Send,
    Fut: std::future::Future,
    Fut::Output: Send,
{
    std::thread::scope(|s| {
        s.spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("rt")
                .block_on(make())
        })
        .join()
        .expect("template thread")
    })
}

fn sqlite_template() -> &'static PathBuf {
    static T: OnceLock<PathBuf> = OnceLock::new();
    T.get_or_init(|| {
        let path =
            std::env::temp_dir().join(format!("m135-web-template-{}.db", std::process::id()));
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
        }
        block_on(|| async {
            let db = Db::connect(&format!("sqlite:{}", path.display()))
                .await
                .expect("connect");
            db.migrate().await.expect("migrate");
            store::repo::config::seed_defaults(&db)
                .await
                .expect("config");
            sim::generate_into(&db, &city_config(), &sim::no_progress)
                .await
                .expect("city");
            // Fold the WAL into the main file so a plain copy is complete.
            if let Db::Sqlite(p) = &db {
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(p)
                    .await
                    .expect("checkpoint");
            }
            db.close().await;
        });
        path
    })
}

fn pg_admin_url() -> Option<String> {
    std::env::var("TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

/// Replace the database name of a PostgreSQL URL.
fn with_db(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let cut = base
        .rfind('/')
        .filter(|&i| i > "postgres://".len())
        .unwrap_or(base.len());
    format!("{}/{name}{query}", &base[..cut])
}

fn pg_template() -> &'static String {
    static T: OnceLock<String> = OnceLock::new();
    T.get_or_init(|| {
        let admin = pg_admin_url().expect("TEST_POSTGRES_URL");
        let name = format!("m135_tmpl_{}", std::process::id());
        block_on(|| async {
            let a = sqlx::PgPool::connect(&admin).await.expect("admin connect");
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&a)
                .await
                .expect("drop");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&a)
                .await
                .expect("create");
            let db = Db::connect(&with_db(&admin, &name)).await.expect("connect");
            db.migrate().await.expect("migrate");
            store::repo::config::seed_defaults(&db)
                .await
                .expect("config");
            sim::generate_into(&db, &city_config(), &sim::no_progress)
                .await
                .expect("city");
            db.close().await;
            a.close().await;
        });
        name
    })
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A running app on its own database.
pub struct TestApp {
    pub base: String,
    pub app: App,
    pub backend: Backend,
    pg_name: Option<String>,
    sqlite_path: Option<PathBuf>,
}

impl TestApp {
    /// `None` when the backend is PostgreSQL and `TEST_POSTGRES_URL` is not set.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let (db, pg_name, sqlite_path) = match backend {
            Backend::Sqlite => {
                let tmpl = sqlite_template();
                let path =
                    std::env::temp_dir().join(format!("m135-web-{}-{n}.db", std::process::id()));
                std::fs::copy(tmpl, &path).expect("copy template");
                let db = Db::connect(&format!("sqlite:{}", path.display()))
                    .await
                    .expect("connect");
                (db, None, Some(path))
            }
            Backend::Postgres => {
                let admin = pg_admin_url()?;
                let tmpl = pg_template();
                let name = format!("m135_t_{}_{n}", std::process::id());
                let a = sqlx::PgPool::connect(&admin).await.expect("admin connect");
                sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE {tmpl}"))
                    .execute(&a)
                    .await
                    .expect("create from template");
                a.close().await;
                let db = Db::connect(&with_db(&admin, &name)).await.expect("connect");
                (db, Some(name), None)
            }
        };
        db.migrate().await.expect("migrate");
        let mut app = App::new(db);
        app.clock = Clock::fixed(
            Utc.with_ymd_and_hms(2026, 11, 16, 2, 0, 0)
                .single()
                .expect("time"),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let router = web::router(app.clone()).await.expect("router");
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Some(TestApp {
            base: format!("http://{addr}"),
            app,
            backend,
            pg_name,
            sqlite_path,
        })
    }

    pub fn db(&self) -> &Db {
        &self.app.db
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client with its own cookie jar, not following redirects.
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// A client signed in through the API.
    pub async fn login(&self, username: &str) -> Client {
        let c = self.client();
        let r = c
            .post(self.url("/api/v1/session"))
            .json(&serde_json::json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .expect("login");
        assert_eq!(r.status(), StatusCode::OK, "login {username}");
        c
    }

    /// A client signed in through the login form (with its CSRF token).
    pub async fn login_form(&self, username: &str) -> Client {
        let c = self.client();
        let page = c
            .get(self.url("/login"))
            .send()
            .await
            .expect("login page")
            .text()
            .await
            .expect("text");
        let csrf = hidden(&page, "csrf");
        let r = c
            .post(self.url("/login"))
            .form(&[
                ("username", username),
                ("password", PASSWORD),
                ("csrf", &csrf),
                ("next", "/"),
            ])
            .send()
            .await
            .expect("post login");
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "form login {username}");
        c
    }

    pub async fn get_json(&self, c: &Client, path: &str) -> (StatusCode, Value) {
        let r = c.get(self.url(path)).send().await.expect("get");
        json_of(r).await
    }

    pub async fn get_html(&self, c: &Client, path: &str) -> (StatusCode, String) {
        let r = c.get(self.url(path)).send().await.expect("get");
        let s = r.status();
        (s, r.text().await.expect("text"))
    }

    /// A username of the given role (the first in order).
    pub async fn user_of_role(&self, role: &str) -> String {
        self.users_of_role(role).await.remove(0)
    }

    pub async fn users_of_role(&self, role: &str) -> Vec<String> {
        store::repo::staff::list(self.db(), Some(role), None)
            .await
            .expect("staff")
            .into_iter()
            .map(|s| s.username)
            .collect()
    }

    /// Run one SQL scalar on the test database (for independent checks).
    pub async fn scalar_i64(&self, sql: &str, binds: &[i64]) -> i64 {
        store::on_db!(self.db(), p => {
            let mut q = sqlx::query_scalar::<_, i64>(sql);
            for b in binds {
                q = q.bind(*b);
            }
            q.fetch_one(p).await.expect("scalar")
        })
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(path) = &self.sqlite_path {
            for ext in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
            }
        }
        if let (Some(name), Some(admin)) = (self.pg_name.take(), pg_admin_url()) {
            std::thread::spawn(move || {
                if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    rt.block_on(async {
                        if let Ok(a) = sqlx::PgPool::connect(&admin).await {
                            let _ = sqlx::query(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .execute(&a)
                            .await;
                            a.close().await;
                        }
                    });
                }
            });
        }
    }
}

pub async fn json_of(r: Response) -> (StatusCode, Value) {
    let s = r.status();
    let text = r.text().await.expect("text");
    let v = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (s, v)
}

/// The value of a hidden input in a page.
pub fn hidden(page: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let i = page
        .find(&key)
        .unwrap_or_else(|| panic!("no hidden {name} in page"))
        + key.len();
    page[i..].split('"').next().unwrap_or_default().to_string()
}

/// Declare a scenario once; it runs on SQLite always and on PostgreSQL when configured.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let t = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
                ($body)(t).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                match TestApp::spawn(Backend::Postgres).await {
                    Some(t) => ($body)(t).await,
                    None => eprintln!("TEST_POSTGRES_URL not set: PostgreSQL run skipped"),
                }
            }
        }
    };
}

/// Poll a background job (`/api/v1/jobs/{id}`) until it has finished; its last state.
pub async fn poll_job(t: &TestApp, c: &Client, location: &str) -> Value {
    for _ in 0..600 {
        let (s, job) = t.get_json(c, location).await;
        assert_eq!(s, StatusCode::OK, "{job}");
        if job["state"] != "RUNNING" {
            return job;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("job {location} did not finish in 60 s");
}
