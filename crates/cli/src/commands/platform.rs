//! The platform commands: `demo`, `serve`, `migrate`, `sim`, `user add`.
use anyhow::{Context, bail};
use app::App;
use clap::{Args, Subcommand};
use domain::Month;
use domain::org::Role;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;

/// Where the database is.
#[derive(Args, Debug)]
pub struct DbArgs {
    /// `sqlite:PATH` or `postgres://user@host/db`
    #[arg(long, env = "M135_DATABASE_URL", default_value = "sqlite:m135.db")]
    pub database_url: String,
}

#[derive(Args, Debug)]
pub struct ServeCmd {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address to listen on
    #[arg(long, env = "M135_LISTEN", default_value = "127.0.0.1:8135")]
    pub listen: String,
    /// Serve even though accounts still have the demo city's password (a staging copy of the
    /// demo, a benchmark); without it `serve` refuses to start while any account has it
    #[arg(long)]
    pub allow_demo_passwords: bool,
    #[command(flatten)]
    pub web: WebArgs,
}

/// How the web server runs (`web::Options`).
#[derive(Args, Debug, Clone)]
pub struct WebArgs {
    /// Mark the cookies Secure: set it when the platform is reached over HTTPS (behind a TLS
    /// proxy), never over plain HTTP (the variable takes 1/0, true/false, yes/no, on/off)
    #[arg(long, env = "M135_SECURE_COOKIES", value_parser = clap::builder::BoolishValueParser::new())]
    pub secure_cookies: bool,
    /// Seconds a request may take before it is answered 503
    #[arg(long, env = "M135_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout: u64,
    /// Seconds the long requests may take (the model forecast run with ?wait=true, Excel exports)
    #[arg(long, env = "M135_LONG_REQUEST_TIMEOUT", default_value_t = 1800)]
    pub long_request_timeout: u64,
    /// Requests handled at once; the others wait their turn
    #[arg(long, env = "M135_MAX_CONCURRENT_REQUESTS", default_value_t = 256)]
    pub max_concurrent_requests: usize,
    /// Behind a reverse proxy that appends the client's address to X-Forwarded-For: count
    /// sign-in failures per that address, not the proxy's (which every client shares)
    #[arg(long, env = "M135_TRUSTED_PROXY", value_parser = clap::builder::BoolishValueParser::new())]
    pub trusted_proxy: bool,
    /// Seconds the role homes' figures are kept before they are computed again (0: never kept)
    #[arg(long, env = "M135_CACHE_SECS", default_value_t = 600)]
    pub cache_secs: u64,
}

impl WebArgs {
    fn options(&self) -> anyhow::Result<web::Options> {
        if self.request_timeout == 0 || self.long_request_timeout == 0 {
            bail!("--request-timeout 与 --long-request-timeout 应大于 0 秒");
        }
        if self.max_concurrent_requests == 0 {
            bail!("--max-concurrent-requests 应大于 0");
        }
        Ok(web::Options {
            secure_cookies: self.secure_cookies,
            request_timeout: std::time::Duration::from_secs(self.request_timeout),
            long_request_timeout: std::time::Duration::from_secs(self.long_request_timeout),
            max_concurrent_requests: self.max_concurrent_requests,
            trusted_proxy: self.trusted_proxy,
        })
    }
}

/// Size of a synthetic city.
#[derive(Args, Debug, Clone)]
pub struct CityArgs {
    /// Number of retailers
    #[arg(long, default_value_t = 10_000)]
    pub retailers: usize,
    /// Months of order history
    #[arg(long, default_value_t = 36)]
    pub months: u32,
    /// Random seed (the same seed gives the same city)
    #[arg(long, default_value_t = 135)]
    pub seed: u64,
    /// Last month of history, YYYY-MM (default: last month)
    #[arg(long)]
    pub end_month: Option<String>,
    /// Password of every demo account
    #[arg(long, env = "M135_DEMO_PASSWORD", default_value = app::auth::DEMO_PASSWORD)]
    pub password: String,
    /// Past months worked through the platform (forecasts of all three methods, submission,
    /// balancing, publication, feedback), plus the current month's model forecast; 0 = none
    #[arg(long, default_value_t = 3)]
    pub history_months: u32,
}

#[derive(Args, Debug)]
pub struct DemoCmd {
    /// SQLite file of the demo city
    #[arg(long, default_value = "m135-demo.db")]
    pub db: String,
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1:8135")]
    pub listen: String,
    #[command(flatten)]
    pub city: CityArgs,
    #[command(flatten)]
    pub web: WebArgs,
}

#[derive(Args, Debug)]
pub struct SimCmd {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub city: CityArgs,
}

#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// 新增人员（含角色）
    Add(UserAdd),
}

#[derive(Args, Debug)]
pub struct UserAdd {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long)]
    pub username: String,
    /// 姓名
    #[arg(long)]
    pub name: String,
    /// account_manager | market_manager | brand_manager | marketing_center | monopoly_officer | marketing_director | admin
    #[arg(long)]
    pub role: String,
    /// Org unit code (required for reps, market managers and county roles)
    #[arg(long)]
    pub org: Option<String>,
    /// Supervisor's username
    #[arg(long)]
    pub supervisor: Option<String>,
    /// Password (at least 10 characters by default policy; changed by its owner at the first
    /// sign-in)
    #[arg(long, env = "M135_NEW_PASSWORD")]
    pub password: String,
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("无法启动运行时")
}

pub(crate) fn init_tracing() {
    // Library details (sqlx's statements, tower's requests) are for M135_LOG=debug.
    let filter = tracing_subscriber::EnvFilter::try_from_env("M135_LOG")
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .try_init();
}

/// Open the platform on `url` (connect, migrate, default configuration).
pub(crate) async fn open(url: &str) -> anyhow::Result<App> {
    app::open(url)
        .await
        .with_context(|| format!("无法打开数据库 {url}"))
}

pub fn migrate(a: DbArgs) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        open(&a.database_url).await?.close().await;
        println!("数据库已迁移到最新结构: {}", a.database_url);
        Ok(())
    })
}

pub fn serve(c: ServeCmd) -> anyhow::Result<()> {
    init_tracing();
    let options = c.web.options()?;
    runtime()?.block_on(async {
        let app = open(&c.db.database_url)
            .await?
            .with_cache_ttl(std::time::Duration::from_secs(c.web.cache_secs));
        if !c.allow_demo_passwords {
            let demo = app::auth::accounts_with_shared_password(&app, app::auth::DEMO_PASSWORD)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if demo > 0 {
                bail!(
                    "有 {demo} 个账号仍使用演示密码 {}，正式服务前须修改（演示请用 m135 demo；确需以演示数据服务时加 --allow-demo-passwords）",
                    app::auth::DEMO_PASSWORD
                );
            }
        }
        let listener = tokio::net::TcpListener::bind(&c.listen)
            .await
            .with_context(|| format!("无法监听 {}", c.listen))?;
        println!("m135 已启动: http://{}/", listener.local_addr()?);
        web::serve(listener, app, &options)
            .await
            .context("服务异常退出")
    })
}

/// Generate a city (and its history) into the app's database with a progress bar on a terminal
/// (plain stage lines otherwise), then print one summary line.
async fn generate(app: &App, city: &CityArgs) -> anyhow::Result<()> {
    let end = match &city.end_month {
        Some(m) => Month::parse(m).map_err(|e| anyhow::anyhow!("--end-month: {}", e.message))?,
        None => app::demo::SimConfig::last_complete_month(),
    };
    if city.retailers < 20 {
        bail!("--retailers 至少为 20");
    }
    if !(13..=120).contains(&city.months) {
        bail!("--months 应在 13–120 之间（首页需要去年同期）");
    }
    if city.history_months > 12 {
        bail!("--history-months 应在 0–12 之间");
    }
    let hash = app::auth::hash_password(&city.password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut cfg = app::demo::SimConfig::new(end, hash);
    cfg.retailers = city.retailers;
    cfg.months = city.months;
    cfg.seed = city.seed;
    let hist = app::demo::DemoHistory {
        months: city.history_months,
        ..Default::default()
    };
    let bar = ProgressBar::new(0);
    if std::io::stderr().is_terminal() {
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg:<14} [{bar:30}] {pos}/{len} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
    } else {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    let stage = Mutex::new(String::new());
    let progress = |name: &str, done: u64, total: u64| {
        if let Ok(mut s) = stage.lock()
            && *s != name
        {
            *s = name.to_string();
            bar.set_message(name.to_string());
            if bar.is_hidden() {
                eprintln!("{name}…");
            }
        }
        bar.set_length(total);
        bar.set_position(done);
    };
    let out = app::demo::city(app, &cfg, &hist, &progress)
        .await
        .context("生成模拟城市失败")?;
    bar.finish_and_clear();
    eprintln!("{}", out.summary_zh());
    Ok(())
}

pub fn sim(c: SimCmd) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        let app = open(&c.db.database_url).await?;
        if !app.is_empty().await? {
            bail!("数据库不是空的：模拟城市只能生成到空数据库中");
        }
        generate(&app, &c.city).await?;
        app.close().await;
        Ok(())
    })
}

pub fn demo(c: DemoCmd) -> anyhow::Result<()> {
    init_tracing();
    let options = c.web.options()?;
    runtime()?.block_on(async {
        let app = open(&format!("sqlite:{}", c.db))
            .await?
            .with_cache_ttl(std::time::Duration::from_secs(c.web.cache_secs));
        if app.is_empty().await? {
            eprintln!(
                "正在生成模拟城市到 {}（{} 户零售客户，{} 个月订单，{} 个月历史预测）…",
                c.db, c.city.retailers, c.city.months, c.city.history_months
            );
            generate(&app, &c.city).await?;
        } else {
            eprintln!("使用已有的演示数据库 {}", c.db);
        }
        let listener = tokio::net::TcpListener::bind(&c.listen)
            .await
            .with_context(|| format!("无法监听 {}", c.listen))?;
        let addr = listener.local_addr()?;
        print_accounts(&app, &c.city.password).await?;
        println!("\nm135 演示已启动: http://{addr}/   （Ctrl-C 停止）");
        web::serve(listener, app, &options)
            .await
            .context("服务异常退出")
    })
}

/// The demo accounts, one of each role plus the counts.
async fn print_accounts(app: &App, password: &str) -> anyhow::Result<()> {
    println!("\n演示账号（密码均为 {password}）:");
    for group in app::demo::accounts(app).await? {
        let Some(first) = group.accounts.first() else {
            continue;
        };
        let more = if group.accounts.len() > 1 {
            format!(
                "（共 {} 人，如 {} …）",
                group.accounts.len(),
                group
                    .accounts
                    .iter()
                    .skip(1)
                    .take(3)
                    .map(|a| a.username.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            )
        } else {
            String::new()
        };
        println!(
            "  {:<8} {:<10} {}{}",
            group.role.zh(),
            first.username,
            first.name,
            more
        );
    }
    Ok(())
}

pub fn user(c: UserCmd) -> anyhow::Result<()> {
    match c {
        UserCmd::Add(a) => runtime()?.block_on(async {
            let app = open(&a.db.database_url).await?;
            let role =
                Role::parse(&a.role).map_err(|e| anyhow::anyhow!("--role: {}", e.message))?;
            let n = app::staff::NewStaff {
                username: a.username.clone(),
                name: a.name,
                role,
                org_unit_code: a.org,
                supervisor_username: a.supervisor,
                password: a.password,
            };
            app::staff::add(&app, &app::bootstrap::system_actor("m135 user add"), &n)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("已新增{} {}", role.zh(), a.username);
            Ok(())
        }),
    }
}
