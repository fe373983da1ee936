//! `m135 month run --until PHASE`: drive the platform's month on a database (demo city) for demos
//! and benchmarks — MODEL forecast, every rep's submission, supply entry, balancing, publish —
//! with the platform clock set to each phase's day (domain.md §7), never by editing data. The
//! steps are `app::month_run`'s, which the demo city's history uses too.
use anyhow::Context;
use app::month_run;
use clap::{Args, Subcommand, ValueEnum};
use domain::Month;
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

async fn run_month(a: RunArgs) -> anyhow::Result<()> {
    let app = super::platform::open(&a.db.database_url).await?;
    let target = match &a.month {
        Some(m) => Month::parse(m)?,
        None => month_run::default_target(&app).await?,
    };
    let work = app::forecasting::working_month(target);
    println!("工作月 {work}，预测月 {target}");
    let total_t = Instant::now();

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
    let r = month_run::model(&app, "m135 month run", target, progress).await?;
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

    let t = Instant::now();
    let s = month_run::submit_all(&app, target).await?;
    println!(
        "② 提交：{} 名客户经理，锁定 {} 条，用时 {:.1}s",
        s.reps,
        s.locked,
        t.elapsed().as_secs_f64()
    );
    if a.until == Until::Submit {
        return Ok(());
    }

    let t = Instant::now();
    let review = month_run::balance(&app, target, a.tight_supply_share).await?;
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
    let p = month_run::publish(&app, target).await?;
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
