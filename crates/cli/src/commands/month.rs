//! `m135 month run --until PHASE`: drive the platform's month on a database (demo city) for demos
//! and benchmarks — MODEL forecast, every rep's submission, supply entry, balancing, publish —
//! with the platform clock set to each phase's day (domain.md §7), never by editing data.
use anyhow::Context;
use app::{App, CurrentUser};
use clap::{Args, Subcommand, ValueEnum};
use domain::Month;
use domain::org::Role;
use std::time::Instant;

#[derive(Subcommand, Debug)]
pub enum MonthCmd {
    /// 按月度日历推进一个月：模型预测 → 提交 → 修正平衡 → 发布
    Run(RunArgs),
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum Until {
    Model,
    Submit,
    Balance,
    Publish,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    pub db: super::platform::DbArgs,
    /// 预测月 YYYY-MM（默认：最近有销量的月份 + 2，即当前工作月的下月）
    #[arg(long)]
    pub month: Option<String>,
    /// 推进到哪一步为止
    #[arg(long, value_enum, default_value = "publish")]
    pub until: Until,
    /// 紧俏规格的货源占预测的比例（其余规格按预测足量供应）
    #[arg(long, default_value_t = 0.9)]
    pub tight_supply_share: f64,
}

pub fn run(c: MonthCmd) -> anyhow::Result<()> {
    // M135_LOG=debug shows each step's timing breakdown.
    super::platform::init_tracing();
    match c {
        MonthCmd::Run(a) => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .context("无法启动运行时")?
            .block_on(run_month(a)),
    }
}

fn set_day(app: &App, month: Month, day: u32) {
    let d = month.day(day.min(month.days()));
    app.clock.set(d.and_hms_opt(2, 0, 0).map(|t| t.and_utc()));
}

async fn user_of(app: &App, role: Role) -> anyhow::Result<CurrentUser> {
    let s = store::repo::staff::list(&app.db, Some(role.code()), None)
        .await?
        .into_iter()
        .next()
        .with_context(|| format!("数据库中没有{}账号", role.zh()))?;
    Ok(CurrentUser::from_staff(&s)?)
}

async fn run_month(a: RunArgs) -> anyhow::Result<()> {
    let db = store::Db::connect(&a.db.database_url)
        .await
        .with_context(|| format!("无法连接数据库 {}", a.db.database_url))?;
    db.migrate().await.context("数据库迁移失败")?;
    let app = App::new(db);
    let target = match &a.month {
        Some(m) => Month::parse(m)?,
        None => {
            let last = store::repo::sales::latest_month(&app.db)
                .await?
                .context("数据库中没有销量数据")?;
            Month::parse(&last)?.plus(2)
        }
    };
    let work = app::forecasting::working_month(target);
    let cal = app.policy().await?.month_calendar;
    println!("工作月 {work}，预测月 {target}");
    let total_t = Instant::now();

    set_day(&app, work, cal.forecast_from + 1);
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "模型预测 {bar:40} {pos}/{len} {per_sec} 剩余 {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let b = bar.clone();
    let progress: app::forecasting::SharedProgress =
        std::sync::Arc::new(move |done: usize, total: usize| {
            b.set_length(total as u64);
            b.set_position(done as u64);
        });
    let t = Instant::now();
    let actor = store::audit::Actor::system("m135 month run");
    let r = app::forecasting::run_model(&app, &actor, target, Default::default(), progress).await?;
    bar.finish_and_clear();
    println!(
        "① 模型预测：{} 对（历史 {}–{}），写入 {}，失败 {}，用时 {:.1}s",
        r.pairs,
        r.history_from,
        r.history_to,
        r.written,
        r.failed,
        t.elapsed().as_secs_f64()
    );
    if a.until == Until::Model {
        return Ok(());
    }

    set_day(&app, work, cal.submit_day);
    let t = Instant::now();
    let reps = store::repo::staff::list(&app.db, Some(Role::AccountManager.code()), None).await?;
    let mut locked = 0;
    for s in &reps {
        let u = CurrentUser::from_staff(s)?;
        locked += app::forecasting::submit(&app, &u, target).await?.locked_now;
    }
    println!(
        "② 提交：{} 名客户经理，锁定 {locked} 条，用时 {:.1}s",
        reps.len(),
        t.elapsed().as_secs_f64()
    );
    if a.until == Until::Submit {
        return Ok(());
    }

    set_day(&app, work, cal.balancing_from);
    let t = Instant::now();
    let center = user_of(&app, Role::MarketingCenter).await?;
    let list =
        store::repo::forecasts::list(&app.db, Default::default(), &target.to_string()).await?;
    let mut demand: std::collections::BTreeMap<(String, String), i64> = Default::default();
    for f in &list {
        *demand
            .entry((f.sku_code.clone(), f.supply_status.clone()))
            .or_default() += f.quantity;
    }
    let lines: Vec<app::balancing::SupplyInput> = demand
        .iter()
        .map(|((sku, status), d)| app::balancing::SupplyInput {
            row: sku.clone(),
            sku: sku.clone(),
            quantity: if status == "TIGHT" {
                (*d as f64 * a.tight_supply_share).floor() as i64
            } else {
                *d
            },
        })
        .collect();
    app::balancing::set_supply(&app, &center, target, &lines).await?;
    let review = app::balancing::run(&app, &center, target).await?;
    let cut: i64 = review.skus.iter().map(|s| s.cut).sum();
    println!(
        "④ 修正平衡：{} 个规格，{} 户，{} 条记录，削减 {cut} 条，{} 条预警，用时 {:.1}s",
        review.skus.len(),
        review.retailers,
        review.lines,
        review.flagged.len(),
        t.elapsed().as_secs_f64()
    );
    if a.until == Until::Balance {
        return Ok(());
    }
    let t = Instant::now();
    let p = app::balancing::publish(&app, &center, target).await?;
    println!(
        "④ 发布：写入 {} 条{}，用时 {:.1}s",
        p.written,
        if p.already_published {
            "（此前已发布）"
        } else {
            ""
        },
        t.elapsed().as_secs_f64()
    );
    println!("合计用时 {:.1}s", total_t.elapsed().as_secs_f64());
    Ok(())
}
