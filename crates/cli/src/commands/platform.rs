//! The platform commands: `demo`, `serve`, `migrate`, `sim`, `user add`.
use anyhow::{Context, bail};
use app::App;
use clap::{Args, Subcommand};
use domain::Month;
use domain::org::Role;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use store::Db;

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
    #[arg(long, env = "M135_DEMO_PASSWORD", default_value = "m135demo")]
    pub password: String,
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
    /// Password (at least 6 characters)
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
    let filter = tracing_subscriber::EnvFilter::try_from_env("M135_LOG")
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

async fn open(url: &str) -> anyhow::Result<Db> {
    let db = Db::connect(url)
        .await
        .with_context(|| format!("无法连接数据库 {url}"))?;
    db.migrate().await.context("数据库迁移失败")?;
    db.optimize().await.context("数据库维护失败")?;
    store::repo::config::seed_defaults(&db)
        .await
        .context("写入默认配置失败")?;
    Ok(db)
}

pub fn migrate(a: DbArgs) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        open(&a.database_url).await?;
        println!("数据库已迁移到最新结构: {}", a.database_url);
        Ok(())
    })
}

pub fn serve(c: ServeCmd) -> anyhow::Result<()> {
    init_tracing();
    runtime()?.block_on(async {
        let db = open(&c.db.database_url).await?;
        let listener = tokio::net::TcpListener::bind(&c.listen)
            .await
            .with_context(|| format!("无法监听 {}", c.listen))?;
        println!("m135 已启动: http://{}/", listener.local_addr()?);
        web::serve(listener, App::new(db))
            .await
            .context("服务异常退出")
    })
}

/// Generate a city into `db` with a progress bar on a terminal (plain lines otherwise).
async fn generate(db: &Db, city: &CityArgs) -> anyhow::Result<()> {
    let end = match &city.end_month {
        Some(m) => Month::parse(m).map_err(|e| anyhow::anyhow!("--end-month: {}", e.message))?,
        None => sim::SimConfig::last_complete_month(),
    };
    if city.retailers < 20 {
        bail!("--retailers 至少为 20");
    }
    if !(13..=120).contains(&city.months) {
        bail!("--months 应在 13–120 之间（首页需要去年同期）");
    }
    let hash = app::auth::hash_password(&city.password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut cfg = sim::SimConfig::new(end, hash);
    cfg.retailers = city.retailers;
    cfg.months = city.months;
    cfg.seed = city.seed;
    let bar = ProgressBar::new(0);
    if std::io::stderr().is_terminal() {
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg:<12} [{bar:30}] {pos}/{len} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
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
    let t0 = std::time::Instant::now();
    let stats = sim::generate_into(db, &cfg, &progress)
        .await
        .context("生成模拟城市失败")?;
    progress("更新统计信息", 0, 1);
    db.analyze().await.context("更新统计信息失败")?;
    bar.finish_and_clear();
    eprintln!(
        "模拟城市已生成（{:.1} 秒）: {stats:?}",
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

pub fn sim(c: SimCmd) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        let db = open(&c.db.database_url).await?;
        if !db.is_empty().await? {
            bail!("数据库不是空的：模拟城市只能生成到空数据库中");
        }
        generate(&db, &c.city).await?;
        db.close().await;
        Ok(())
    })
}

pub fn demo(c: DemoCmd) -> anyhow::Result<()> {
    init_tracing();
    runtime()?.block_on(async {
        let db = open(&format!("sqlite:{}", c.db)).await?;
        if db.is_empty().await? {
            eprintln!(
                "正在生成模拟城市到 {}（{} 户零售客户，{} 个月订单）…",
                c.db, c.city.retailers, c.city.months
            );
            generate(&db, &c.city).await?;
        } else {
            eprintln!("使用已有的演示数据库 {}", c.db);
        }
        let listener = tokio::net::TcpListener::bind(&c.listen)
            .await
            .with_context(|| format!("无法监听 {}", c.listen))?;
        let addr = listener.local_addr()?;
        print_accounts(&db, &c.city.password).await?;
        println!("\nm135 演示已启动: http://{addr}/   （Ctrl-C 停止）");
        web::serve(listener, App::new(db))
            .await
            .context("服务异常退出")
    })
}

/// The demo accounts, one of each role plus the counts.
async fn print_accounts(db: &Db, password: &str) -> anyhow::Result<()> {
    let staff = store::repo::staff::list(db, None, None).await?;
    println!("\n演示账号（密码均为 {password}）:");
    for role in Role::ALL {
        let of_role: Vec<_> = staff.iter().filter(|s| s.role == role.code()).collect();
        if let Some(first) = of_role.first() {
            let more = if of_role.len() > 1 {
                format!(
                    "（共 {} 人，如 {} …）",
                    of_role.len(),
                    of_role
                        .iter()
                        .skip(1)
                        .take(3)
                        .map(|s| s.username.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                )
            } else {
                String::new()
            };
            println!(
                "  {:<8} {:<10} {}{}",
                role.zh(),
                first.username,
                first.name,
                more
            );
        }
    }
    Ok(())
}

pub fn user(c: UserCmd) -> anyhow::Result<()> {
    match c {
        UserCmd::Add(a) => runtime()?.block_on(async {
            let db = open(&a.db.database_url).await?;
            let app = App::new(db);
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
            app::staff::add(&app, &store::audit::Actor::system("m135 user add"), &n)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("已新增{} {}", role.zh(), a.username);
            Ok(())
        }),
    }
}
