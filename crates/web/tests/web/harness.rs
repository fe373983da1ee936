//! Test harness: the real app on port 0 over a fresh database per test, and typed helpers for
//! what every area's tests do (sign in, read JSON or a page, post a form with its CSRF token,
//! poll a job, set the clock).
//!
//! A small synthetic city is generated once per run into a template (an SQLite file, or a
//! PostgreSQL template database when `TEST_POSTGRES_URL` is set); each test gets its own copy.

use app::{App, Clock};
use chrono::{TimeZone, Utc};
pub use domain::org::Role;
pub use reqwest::{Client, Response, StatusCode};
pub use serde_json::{Value, json};
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

/// Run a future to completion on a private runtime (for the once-per-run template).
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
        sweep_sqlite_leftovers();
        let path =
            std::env::temp_dir().join(format!("m135-web-template-{}.db", std::process::id()));
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
        }
        block_on(|| async {
            let url = format!("sqlite:{}", path.display());
            app::open(&url).await.expect("open").close().await;
            let db = Db::connect(&url).await.expect("connect");
            sim::generate_into(&db, &city_config(), &sim::no_progress)
                .await
                .expect("city");
            long_sessions(&db).await;
            // Opened once more as a start opens it: the complete months' warnings are detected
            // into the template, not in every test.
            app::open(&url).await.expect("open").close().await;
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

/// The test city's sessions last a year, used or not: the walks move the clock by weeks with the same
/// signed-in clients. The `account` tests set the policy's default back.
async fn long_sessions(db: &Db) {
    let actor = store::audit::Actor::system("test");
    let v = json!({"session_absolute_hours": 24 * 365, "session_idle_minutes": 60 * 24 * 365});
    store::repo::config::set_section(db, &actor, "signin", &v)
        .await
        .expect("signin policy");
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
            sweep_pg_leftovers(&a).await;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&a)
                .await
                .expect("drop");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&a)
                .await
                .expect("create");
            let url = with_db(&admin, &name);
            app::open(&url).await.expect("open").close().await;
            let db = Db::connect(&url).await.expect("connect");
            sim::generate_into(&db, &city_config(), &sim::no_progress)
                .await
                .expect("city");
            long_sessions(&db).await;
            // Opened once more as a start opens it: the complete months' warnings are detected
            // into the template, not in every test.
            app::open(&url).await.expect("open").close().await;
            db.close().await;
            a.close().await;
        });
        name
    })
}

/// What a test's database starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// The generated test city.
    City,
    /// The city after the marketing center ran the MODEL forecast of 2026-10 on 2026-09-02
    /// (through HTTP, once per run), for the tests that start from model forecasts.
    CityWithModel,
}

/// The month whose MODEL forecasts `Start::CityWithModel` holds.
pub const MODEL_MONTH: &str = "2026-10";

/// The platform on the database at `url`, opened as the CLI opens it (`app::open`: schema,
/// upkeep, default configuration), its clock fixed at 10:00 (UTC+8) of the day `ymd`.
async fn open_at(url: &str, (y, m, d): (i32, u32, u32)) -> App {
    let mut app = app::open(url).await.expect("open");
    app.clock = Clock::fixed(
        Utc.with_ymd_and_hms(y, m, d, 2, 0, 0)
            .single()
            .expect("time"),
    );
    app
}

/// Run the MODEL forecast of `MODEL_MONTH` on a database through the front door, as the marketing
/// center does on 2026-09-02.
async fn run_model_over_http(url: &str) {
    let app = open_at(url, (2026, 9, 2)).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let router = web::router(app.clone()).await.expect("router");
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    let c = Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let r = c
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": "yxzx01", "password": PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), StatusCode::OK, "template: center login");
    let r = c
        .post(format!(
            "{base}/api/v1/forecasts/{MODEL_MONTH}/model?wait=true"
        ))
        .header("content-type", "application/json")
        .send()
        .await
        .expect("model");
    assert_eq!(r.status(), StatusCode::OK, "template: the MODEL forecast");
    server.abort();
    let _ = server.await;
    // On SQLite closing folds the WAL into the file, so a plain copy is complete.
    app.close().await;
}

fn sqlite_model_template() -> &'static PathBuf {
    static T: OnceLock<PathBuf> = OnceLock::new();
    T.get_or_init(|| {
        let city = sqlite_template();
        let path =
            std::env::temp_dir().join(format!("m135-web-template-{}-model.db", std::process::id()));
        std::fs::copy(city, &path).expect("copy template");
        block_on(|| async {
            let url = format!("sqlite:{}", path.display());
            run_model_over_http(&url).await;
        });
        path
    })
}

fn pg_model_template() -> &'static String {
    static T: OnceLock<String> = OnceLock::new();
    T.get_or_init(|| {
        let admin = pg_admin_url().expect("TEST_POSTGRES_URL");
        let city = pg_template();
        let name = format!("{city}_model");
        block_on(|| async {
            let a = sqlx::PgPool::connect(&admin).await.expect("admin connect");
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&a)
                .await
                .expect("drop");
            sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE {city}"))
                .execute(&a)
                .await
                .expect("create from template");
            run_model_over_http(&with_db(&admin, &name)).await;
            a.close().await;
        });
        name
    })
}

/// Whether the process of a leftover's name has ended (only where `/proc` tells; never this one).
fn ended(pid: &str) -> bool {
    let proc = std::path::Path::new("/proc");
    !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
        && pid != std::process::id().to_string()
        && proc.join("self").exists()
        && !proc.join(pid).exists()
}

/// The process id that follows a prefix in a leftover's name (`m135_t_<pid>_<n>`).
fn pid_after<'a>(name: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = name.strip_prefix(prefix)?;
    rest.split(|c: char| !c.is_ascii_digit()).next()
}

/// Remove the SQLite files earlier runs left behind (a run's template outlives its tests, and an
/// interrupted run leaves its copies).
fn sweep_sqlite_leftovers() {
    let Ok(dir) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for e in dir.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let pid = pid_after(&name, "m135-web-template-").or_else(|| pid_after(&name, "m135-web-"));
        if pid.is_some_and(ended) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Drop the PostgreSQL databases earlier runs left behind (a run's template outlives its tests).
async fn sweep_pg_leftovers(admin: &sqlx::PgPool) {
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname::TEXT FROM pg_database WHERE datname LIKE 'm135\\_t%'")
            .fetch_all(admin)
            .await
            .unwrap_or_default();
    for name in names {
        let pid = pid_after(&name, "m135_tmpl_").or_else(|| pid_after(&name, "m135_t_"));
        if pid.is_some_and(ended) {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(admin)
                .await;
        }
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A running app on its own database.
pub struct TestApp {
    pub base: String,
    pub app: App,
    /// The test's database (its own handle: set-up and independent checks go around the app).
    db: Db,
    pg_name: Option<String>,
    sqlite_path: Option<PathBuf>,
}

impl TestApp {
    /// `None` when the backend is PostgreSQL and `TEST_POSTGRES_URL` is not set.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_from(backend, Start::City).await
    }

    /// A running app on its own copy of a template; `None` as for `spawn`.
    pub async fn spawn_from(backend: Backend, start: Start) -> Option<TestApp> {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let (url, pg_name, sqlite_path) = match backend {
            Backend::Sqlite => {
                let tmpl = match start {
                    Start::City => sqlite_template(),
                    Start::CityWithModel => sqlite_model_template(),
                };
                let path =
                    std::env::temp_dir().join(format!("m135-web-{}-{n}.db", std::process::id()));
                std::fs::copy(tmpl, &path).expect("copy template");
                (format!("sqlite:{}", path.display()), None, Some(path))
            }
            Backend::Postgres => {
                let admin = pg_admin_url()?;
                let tmpl = match start {
                    Start::City => pg_template(),
                    Start::CityWithModel => pg_model_template(),
                };
                let name = format!("m135_t_{}_{n}", std::process::id());
                let a = sqlx::PgPool::connect(&admin).await.expect("admin connect");
                sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE {tmpl}"))
                    .execute(&a)
                    .await
                    .expect("create from template");
                a.close().await;
                (with_db(&admin, &name), Some(name), None)
            }
        };
        let app = open_at(&url, (2026, 11, 16)).await;
        // The test's own handle, for set-up and for reading what the app wrote.
        let db = Db::connect(&url).await.expect("connect");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let router = web::router(app.clone()).await.expect("router");
        tokio::spawn(async move {
            let _ = axum::serve(
                listener,
                router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await;
        });
        Some(TestApp {
            base: format!("http://{addr}"),
            app,
            db,
            pg_name,
            sqlite_path,
        })
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    // ------------------------------------------------------------------ the clock

    /// Set the shared clock to 10:00 China time (02:00 UTC) on a day.
    pub fn at(&self, y: i32, m: u32, d: u32) {
        self.at_utc(y, m, d, 2, 0);
    }

    /// Set the shared clock to a UTC hour and minute of a day.
    pub fn at_utc(&self, y: i32, m: u32, d: u32, h: u32, min: u32) {
        self.app.clock.set(Some(
            Utc.with_ymd_and_hms(y, m, d, h, min, 0)
                .single()
                .expect("time"),
        ));
    }

    // ------------------------------------------------------------------ people and sessions

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
        self.login_with(username, PASSWORD).await
    }

    /// A client signed in through the API with a given password.
    pub async fn login_with(&self, username: &str, password: &str) -> Client {
        let c = self.client();
        let r = c
            .post(self.url("/api/v1/session"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .expect("login");
        assert_eq!(r.status(), StatusCode::OK, "login {username}");
        c
    }

    /// The first person of a role, signed in through the API: (username, client).
    pub async fn login_as(&self, role: Role) -> (String, Client) {
        let u = self.user_of_role(role.code()).await;
        let c = self.login(&u).await;
        (u, c)
    }

    /// The first person of a role, signed in through the login form: (username, client).
    pub async fn login_form_as(&self, role: Role) -> (String, Client) {
        let u = self.user_of_role(role.code()).await;
        let c = self.login_form(&u).await;
        (u, c)
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

    /// A person's staff record.
    pub async fn staff(&self, username: &str) -> store::model::Staff {
        store::repo::staff::by_username(self.db(), username)
            .await
            .expect("staff")
            .unwrap_or_else(|| panic!("no staff {username}"))
    }

    /// A brand manager with at least one assigned brand, and that brand.
    pub async fn brand_manager(&self) -> (String, String) {
        for u in self.users_of_role("brand_manager").await {
            let s = self.staff(&u).await;
            let brands = store::repo::product::brands_of_manager(self.db(), s.id)
                .await
                .unwrap();
            if let Some(b) = brands.first() {
                return (u, b.clone());
            }
        }
        panic!("no brand manager with a brand");
    }

    pub async fn staff_id(&self, username: &str) -> i64 {
        self.staff(username).await.id
    }

    /// The username of a staff id.
    pub async fn username_of(&self, id: i64) -> String {
        store::repo::staff::by_id(self.db(), id)
            .await
            .expect("staff")
            .unwrap_or_else(|| panic!("no staff #{id}"))
            .username
    }

    /// The rep's market manager (the supervisor).
    pub async fn manager_of(&self, rep: &str) -> String {
        let s = self.staff(rep).await;
        self.username_of(s.supervisor_id.expect("supervisor")).await
    }

    /// The first retailer (by customer code) of a rep.
    pub async fn first_retailer_of(&self, rep: &str) -> String {
        let id = self.staff_id(rep).await;
        self.scalar_text(
            "SELECT customer_code FROM retailer WHERE account_manager_id = $1 ORDER BY customer_code LIMIT 1",
            id,
        )
        .await
    }

    // ------------------------------------------------------------------ requests

    pub async fn get_json(&self, c: &Client, path: &str) -> (StatusCode, Value) {
        let r = c.get(self.url(path)).send().await.expect("get");
        json_of(r).await
    }

    pub async fn get_html(&self, c: &Client, path: &str) -> (StatusCode, String) {
        let r = c.get(self.url(path)).send().await.expect("get");
        let s = r.status();
        (s, r.text().await.expect("text"))
    }

    /// A GET without reading the body (for redirects and downloads).
    pub async fn get(&self, c: &Client, path: &str) -> Response {
        c.get(self.url(path)).send().await.expect("get")
    }

    pub async fn put_json(&self, c: &Client, path: &str, body: &Value) -> (StatusCode, Value) {
        json_of(c.put(self.url(path)).json(body).send().await.expect("put")).await
    }

    pub async fn post_json(&self, c: &Client, path: &str, body: &Value) -> (StatusCode, Value) {
        json_of(self.post_json_raw(c, path, body).await).await
    }

    /// A JSON POST whose response the caller reads (headers, status).
    pub async fn post_json_raw(&self, c: &Client, path: &str, body: &Value) -> Response {
        c.post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("post")
    }

    /// A POST without a body, as a script or the pages' JavaScript sends it: marked as JSON, which
    /// another site cannot send without a CORS preflight (the API's CSRF defence).
    pub async fn post_empty(&self, c: &Client, path: &str) -> Response {
        c.post(self.url(path))
            .header("content-type", "application/json")
            .send()
            .await
            .expect("post")
    }

    /// A POST without a body and without any same-site mark, as another site's form would send.
    pub async fn post_cross_site(&self, c: &Client, path: &str) -> Response {
        c.post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", "https://evil.example")
            .send()
            .await
            .expect("post")
    }

    /// A POST without a body, answered in JSON.
    pub async fn post_empty_json(&self, c: &Client, path: &str) -> (StatusCode, Value) {
        json_of(self.post_empty(c, path).await).await
    }

    /// A form POST with the fields as given (the caller supplies `csrf`): status and body.
    pub async fn post_form(
        &self, c: &Client, path: &str, form: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let r = self.post_form_raw(c, path, form).await;
        let s = r.status();
        (s, r.text().await.expect("text"))
    }

    /// A form POST whose response the caller reads (the redirect's location).
    pub async fn post_form_raw<T: serde::Serialize + ?Sized>(
        &self, c: &Client, path: &str, form: &T,
    ) -> Response {
        c.post(self.url(path))
            .form(form)
            .send()
            .await
            .expect("post")
    }

    /// The CSRF token of the page at `page` (every signed-in page has one in its logout form).
    pub async fn csrf_of(&self, c: &Client, page: &str) -> String {
        let (s, html) = self.get_html(c, page).await;
        assert_eq!(s, StatusCode::OK, "{page} for its CSRF token");
        hidden(&html, "csrf")
    }

    /// The session's CSRF token (from a plain page).
    pub async fn csrf(&self, c: &Client) -> String {
        self.csrf_of(c, "/products").await
    }

    /// Submit a form as a person does: read the CSRF token from the page `page`, then POST the
    /// fields with it to `action`. The response is returned unread (status, location, body).
    pub async fn submit_form(
        &self, c: &Client, page: &str, action: &str, fields: &[(&str, &str)],
    ) -> Response {
        let token = self.csrf_of(c, page).await;
        let mut form = vec![("csrf", token.as_str())];
        form.extend_from_slice(fields);
        self.post_form_raw(c, action, &form).await
    }

    /// Follow a redirect: the page its `location` names (status and HTML).
    pub async fn follow(&self, c: &Client, r: &Response) -> (StatusCode, String) {
        assert!(
            r.status().is_redirection(),
            "expected a redirect, got {}",
            r.status()
        );
        self.get_html(c, &location(r)).await
    }

    /// Poll a background job (`/api/v1/jobs/{id}`) until it has finished; its last state.
    pub async fn poll_job(&self, c: &Client, location: &str) -> Value {
        for _ in 0..600 {
            let (s, job) = self.get_json(c, location).await;
            assert_eq!(s, StatusCode::OK, "{job}");
            if job["state"] != "RUNNING" {
                return job;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("job {location} did not finish in 60 s");
    }

    // ------------------------------------------------------------------ independent checks

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

    /// Run one SQL statement with integer binds (to construct a case's data).
    pub async fn exec(&self, sql: &str, binds: &[i64]) {
        store::on_db!(self.db(), p => {
            let mut q = sqlx::query(sql);
            for b in binds {
                q = q.bind(*b);
            }
            q.execute(p).await.expect("exec");
        });
    }

    /// Rows of (integer, text) with integer binds (to find what a case acts on).
    pub async fn pairs(&self, sql: &str, binds: &[i64]) -> Vec<(i64, String)> {
        store::on_db!(self.db(), p => {
            let mut q = sqlx::query_as::<_, (i64, String)>(sql);
            for b in binds {
                q = q.bind(*b);
            }
            q.fetch_all(p).await.expect("pairs")
        })
    }

    /// Run one SQL text scalar with one integer bind.
    pub async fn scalar_text(&self, sql: &str, bind: i64) -> String {
        store::on_db!(self.db(), p => sqlx::query_scalar::<_, String>(sql).bind(bind).fetch_one(p).await.expect("scalar"))
    }

    /// How many audit rows carry an action.
    pub async fn audit_count(&self, action: &str) -> i64 {
        self.scalar_i64(
            &format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}'"),
            &[],
        )
        .await
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
            // On a thread of its own (this one may be inside the test's runtime), waited for so
            // the last test's database does not outlive the run.
            let dropper = std::thread::spawn(move || {
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
            let _ = dropper.join();
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

/// A response's `location` header ("" when there is none).
pub fn location(r: &Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// A supply workbook: a header row, then (SKU, quantity) rows; a quantity that is not a number is
/// written as text (to test the upload's refusal).
pub fn xlsx(rows: &[(&str, &str)]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "卷烟规格代码").expect("xlsx");
    ws.write_string(0, 1, "货源量").expect("xlsx");
    for (i, (sku, q)) in rows.iter().enumerate() {
        let r = (i + 1) as u32;
        ws.write_string(r, 0, *sku).expect("xlsx");
        match q.parse::<f64>() {
            Ok(n) => ws.write_number(r, 1, n).map(|_| ()).expect("xlsx"),
            Err(_) => ws.write_string(r, 1, *q).map(|_| ()).expect("xlsx"),
        }
    }
    wb.save_to_buffer().expect("xlsx")
}

/// A named step of a longer walk: when an assertion inside it fails, the test's output names
/// the step (`let _s = step("…");` at the top of a step function).
pub struct Step(&'static str);

pub fn step(name: &'static str) -> Step {
    Step(name)
}

impl Drop for Step {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("✗ failed in step: {}", self.0);
        }
    }
}

/// Declare a scenario once; it runs on SQLite always and on PostgreSQL when configured. An optional
/// `Start` names the template the test's database is copied from (the city by default).
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        $crate::both_backends!($name, Start::City, $body);
    };
    ($name:ident, $start:expr, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let t = TestApp::spawn_from(Backend::Sqlite, $start)
                    .await
                    .expect("sqlite app");
                ($body)(t).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                match TestApp::spawn_from(Backend::Postgres, $start).await {
                    Some(t) => ($body)(t).await,
                    None => eprintln!("TEST_POSTGRES_URL not set: PostgreSQL run skipped"),
                }
            }
        }
    };
}

/// Print a page's HTML (served by `t`, so its styles load) with Chromium to PDF and count the
/// pages; `None` when /usr/bin/chromium is not installed outside CI (a test then skips), a panic
/// when CI is set without it.
pub async fn pdf_pages(t: &TestApp, html: &str, name: &str) -> Option<usize> {
    let chromium = std::path::Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        if std::env::var_os("CI").is_some() {
            panic!("CI is set but /usr/bin/chromium is missing");
        }
        eprintln!("/usr/bin/chromium not installed: print test of {name} skipped");
        return None;
    }
    let html = html.replacen("<head>", &format!("<head><base href=\"{}/\">", t.base), 1);
    let dir = std::env::temp_dir().join(format!("m135-print-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join(format!("{name}.html"));
    let pdf = dir.join(format!("{name}.pdf"));
    std::fs::write(&page, html).unwrap();
    let args: Vec<String> = vec![
        "--headless".into(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--disable-dev-shm-usage".into(),
        format!("--user-data-dir={}", dir.join("profile").display()),
        "--no-pdf-header-footer".into(),
        format!("--print-to-pdf={}", pdf.display()),
        format!("file://{}", page.display()),
    ];
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(chromium).args(&args).output()
    })
    .await
    .expect("join")
    .expect("run chromium");
    let bytes = std::fs::read(&pdf)
        .unwrap_or_else(|_| panic!("no PDF written: {}", String::from_utf8_lossy(&out.stderr)));
    let text = String::from_utf8_lossy(&bytes);
    let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
    let pages_compact = text.matches("/Type/Page").count() - text.matches("/Type/Pages").count();
    // M135_KEEP_PDF=dir keeps the printed file for a look.
    if let Some(keep) = std::env::var_os("M135_KEEP_PDF") {
        let _ = std::fs::copy(
            &pdf,
            std::path::Path::new(&keep).join(format!("{name}.pdf")),
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    Some(pages + pages_compact)
}

/// A multipart body with the CSRF token and one Excel file: (content type, body).
pub fn multipart(csrf: &str, file: &[u8]) -> (String, Vec<u8>) {
    let b = "m135boundary7d3f";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"supply.xlsx\"\r\n\
             Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}
