//! The demo city (`m135 demo`, `m135 sim`, the tests' cities): the synthetic city of `sim`
//! loaded into the store, then a few past months worked through the platform so every page has
//! history, and the month the reps forecast now opened with its model forecasts run.
//!
//! # History (policy: [`DemoHistory`])
//!
//! For each of the last `months` complete months (default 3) as target month — they have
//! actual sales in the order history, which accuracy compares against (domain.md §5.2) — the
//! month is driven on the platform clock through [`crate::month_run`], as `m135 month run` does:
//!
//! 1. ① the MODEL forecast for every pair with demand history (§5.1 Method 3);
//! 2. ① the people's figures, written in bulk (the entry functions write one record per
//!    transaction, minutes for a city): each rep's key customers ([`forecasting::key_customers`],
//!    §5.1 Method 1 双向互动) get an interactive figure for every SKU — the rep knows the shop,
//!    so it leans towards what the retailer went on to demand: `(0.55·demand + 0.45·model)`
//!    × a normal error of `interactive_error`; of the other retailers with a POS,
//!    `self_report_share` report their own figure (§5.1 Method 2 客户提报): the model's × (1 +
//!    `self_report_bias` + a normal error of `self_report_error`), which their rep reviews to
//!    halfway between the report and the rep's own view. §5.1's precedence settles each
//!    record (`domain::cycle::resolve`). The draws come from the sim's seeded RNG, one stream per
//!    retailer and month, so the same seed gives the same history;
//! 3. ② every rep submits on the 8th;
//! 4. ④ the center enters supply (tight SKUs `tight_supply_share` of their demand) and
//!    balances, then publishes;
//! 5. ⑤ reps tick `feedback_share` of their retailers as fed back, on days 21–25.
//!
//! Then the MODEL forecast of the month the reps forecast now (the last month with sales + 2)
//! is run, so a rep's forecast page opens with the model's figures to review.
//!
//! Cost on the default city (release build): one past month ≈ a `m135 month run` (≈ 14 s), the
//! current month's model ≈ 8 s; with 3 months ≈ 50 s on top of the city itself.
use crate::forecasting::{self, SharedProgress};
use crate::month_run;
use crate::{App, AppResult, Clock};
use domain::Month;
use domain::cycle::{ForecastMethod, ForecastState, MethodFigures};
use domain::org::Role;
use serde::Serialize;
use std::collections::HashSet;
use store::audit::{self, Actor};
use store::history::{DraftRecord, FeedbackTick};
use store::repo::forecasts::ForecastRow;

pub use sim::{LoadStats, Progress, SimConfig, no_progress};

/// The system actor of the demo city's writes in the audit trail.
pub const ACTOR: &str = "m135 demo";

/// How much history the demo city gets, and how people behaved in it.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoHistory {
    /// Past target months worked through (the last complete months); 0 = none, and then the
    /// current month's model forecast is not run either.
    pub months: u32,
    /// Relative error (standard deviation) of a rep's interactive figure.
    pub interactive_error: f64,
    /// Share of non-key retailers with a POS that report their own forecast.
    pub self_report_share: f64,
    /// Retailers' mean over-reporting (they hope for more supply).
    pub self_report_bias: f64,
    /// Relative error (standard deviation) of a self-report.
    pub self_report_error: f64,
    /// Supply of tight SKUs as a share of their forecast demand.
    pub tight_supply_share: f64,
    /// Share of retailers their rep ticks as fed back.
    pub feedback_share: f64,
}

impl Default for DemoHistory {
    fn default() -> DemoHistory {
        DemoHistory {
            months: 3,
            interactive_error: 0.12,
            self_report_share: 0.5,
            self_report_bias: 0.06,
            self_report_error: 0.2,
            tight_supply_share: 0.9,
            feedback_share: 0.95,
        }
    }
}

/// What one past month's history wrote.
#[derive(Debug, Clone, Default, Serialize)]
pub struct HistoryMonth {
    pub target: String,
    pub model_pairs: usize,
    /// Records with an interactive figure (key customers).
    pub interactive: usize,
    /// Records with a (reviewed) self-report.
    pub self_reports: usize,
    pub submitted_reps: usize,
    pub balanced_lines: u64,
    pub published: u64,
    pub ticks: u64,
}

/// What [`history`] wrote.
#[derive(Debug, Clone, Default, Serialize)]
pub struct HistoryOut {
    pub months: Vec<HistoryMonth>,
    /// The month the reps forecast now, with its model pairs (when history was made).
    pub current: Option<(String, usize)>,
}

/// What [`city`] made.
#[derive(Debug, Clone)]
pub struct CityOut {
    pub stats: LoadStats,
    pub months_of_orders: u32,
    pub history: HistoryOut,
    pub seconds: f64,
}

impl CityOut {
    /// One line for a person at a terminal (zh-CN).
    pub fn summary_zh(&self) -> String {
        let s = &self.stats;
        let mut line = format!(
            "已生成: {} 家零售客户, {} 个规格, {} 名员工, {:.2} 百万订单行（{} 个月）",
            s.retailers,
            s.products,
            s.staff,
            s.order_lines as f64 / 1e6,
            self.months_of_orders
        );
        if let (Some(first), Some(last)) = (self.history.months.first(), self.history.months.last())
        {
            let records: usize = self.history.months.iter().map(|m| m.model_pairs).sum();
            line.push_str(&format!(
                "; 历史预测 {} 至 {}（{} 个月, {:.1} 万条预测, 含双向互动、客户提报、提交、修正平衡、发布与反馈）",
                first.target,
                last.target,
                self.history.months.len(),
                records as f64 / 1e4
            ));
        }
        if let Some((m, pairs)) = &self.history.current {
            line.push_str(&format!("; {m} 模型预测已运行（{pairs} 对）"));
        }
        line.push_str(&format!("; 用时 {:.1} 秒", self.seconds));
        line
    }
}

/// Generate the city of `cfg` into the app's database (migrated, empty), refresh the planner's
/// statistics, then make its [`history`] and refresh them again. Progress stages are named in Chinese.
pub async fn city(
    app: &App, cfg: &SimConfig, hist: &DemoHistory, progress: Progress<'_>,
) -> AppResult<CityOut> {
    let t0 = std::time::Instant::now();
    let stats = sim::generate_into(&app.db, cfg, progress).await?;
    let history = history(app, cfg.end_month, cfg.seed, hist, progress).await?;
    // The warnings of the complete months (§6) and how people handled them.
    progress("预警检测", 0, 1);
    crate::warnings::refresh_missing(app).await?;
    if hist.months > 0 {
        crate::warnings::demo_handling(app, &Actor::system(ACTOR)).await?;
        crate::benchmark::demo_history(app, &Actor::system(ACTOR)).await?;
        crate::new_sku::demo_history(app, &Actor::system(ACTOR)).await?;
        crate::inventory::demo_history(app, &Actor::system(ACTOR)).await?;
        crate::profit::demo_history(app, &Actor::system(ACTOR)).await?;
        crate::satisfaction::demo_history(app, &Actor::system(ACTOR)).await?;
        crate::report::demo_history(app).await?;
        crate::people_demo::demo_history(app, &Actor::system(ACTOR)).await?;
    }
    progress("预警检测", 1, 1);
    // Now that the history has filled the forecast and roll-up tables (the load analysed the
    // rest).
    progress("更新统计信息", 0, 1);
    app.analyze().await?;
    progress("更新统计信息", 1, 1);
    Ok(CityOut {
        stats,
        months_of_orders: cfg.months,
        history,
        seconds: t0.elapsed().as_secs_f64(),
    })
}

/// Work the past `hist.months` target months up to `end` (the last month with sales) through
/// the platform, then run the model of `end + 2` (see the module's documentation). Runs on its
/// own clock: the caller's `app.clock` is left as it was.
pub async fn history(
    app: &App, end: Month, seed: u64, hist: &DemoHistory, progress: Progress<'_>,
) -> AppResult<HistoryOut> {
    let mut out = HistoryOut::default();
    if hist.months == 0 {
        return Ok(out);
    }
    let mut run = app.clone();
    run.clock = Clock::system();
    let app = &run;
    let quiet: SharedProgress = std::sync::Arc::new(|_, _| {});
    let n = hist.months;
    for (i, target) in (0..n).map(|k| (k, end.plus(k as i32 - (n as i32 - 1)))) {
        let stage = format!("历史预测 {target}");
        let step = |s: u64| progress(&stage, i as u64 * 6 + s, n as u64 * 6);
        step(0);
        let model = month_run::model(app, ACTOR, target, quiet.clone()).await?;
        step(1);
        let (interactive, self_reports) = enter_figures(app, target, seed, hist).await?;
        step(2);
        let submitted = month_run::submit_all(app, target).await?;
        step(3);
        let review = month_run::balance(app, target, hist.tight_supply_share).await?;
        step(4);
        let published = month_run::publish(app, target).await?;
        step(5);
        let ticks = feedback(app, target, seed, hist).await?;
        step(6);
        out.months.push(HistoryMonth {
            target: target.to_string(),
            model_pairs: model.pairs,
            interactive,
            self_reports,
            submitted_reps: submitted.reps,
            balanced_lines: review.lines as u64,
            published: published.written,
            ticks,
        });
    }
    // The closed months' accuracy roll-up (the meeting and 135 pages read it).
    crate::accuracy::refresh_missing(app).await?;
    let current = end.plus(2);
    progress(&format!("模型预测 {current}"), 0, 1);
    let model = month_run::model(app, ACTOR, current, quiet).await?;
    progress(&format!("模型预测 {current}"), 1, 1);
    out.current = Some((current.to_string(), model.pairs));
    Ok(out)
}

/// The RNG of one retailer in one target month.
fn rng_of(seed: u64, target: Month, retailer_id: i64, stream: u64) -> sim::rng::Rng {
    let month_stream = (target.index() as u64).wrapping_mul(0x1_0000_0001) ^ stream;
    sim::rng::Rng::new(sim::rng::mix(
        sim::rng::mix(seed, month_stream),
        retailer_id as u64,
    ))
}

fn noisy(x: f64, bias: f64, error: f64, rng: &mut sim::rng::Rng) -> i64 {
    (x * (1.0 + bias + error * rng.normal())).round().max(0.0) as i64
}

/// ① Key customers' interactive figures and POS retailers' reviewed self-reports of `target`,
/// in one transaction with one trace. Returns (interactive records, self-report records).
async fn enter_figures(
    app: &App, target: Month, seed: u64, hist: &DemoHistory,
) -> AppResult<(usize, usize)> {
    let cal = app.policy().await?.month_calendar;
    month_run::set_day(
        app,
        forecasting::working_month(target),
        cal.forecast_from + 2,
    );
    let mut key: HashSet<i64> = HashSet::new();
    for rep in month_run::reps(app).await? {
        key.extend(forecasting::key_customers(app, rep.id, target).await?);
    }
    let m = target.to_string();
    let mut tx = app.db.begin().await?;
    let drafts = store::history::draft_records(&mut tx, &m).await?;
    let mut rows = Vec::with_capacity(drafts.len());
    let (mut interactive, mut self_reports) = (0, 0);
    let mut i = 0;
    while i < drafts.len() {
        let rid = drafts[i].retailer_id;
        let j = i + drafts[i..]
            .iter()
            .take_while(|d| d.retailer_id == rid)
            .count();
        let mut rng = rng_of(seed, target, rid, 1);
        let is_key = key.contains(&rid);
        let reports = !is_key && drafts[i].has_pos && rng.chance(hist.self_report_share);
        if is_key || reports {
            for d in &drafts[i..j] {
                let row = figures_of(d, &m, is_key, hist, &mut rng);
                if is_key {
                    interactive += 1;
                } else {
                    self_reports += 1;
                }
                rows.push(row);
            }
        }
        i = j;
    }
    let now = app.clock.now();
    store::history::put_records(&mut tx, &rows, now).await?;
    audit::record(
        &mut tx,
        &Actor::system(ACTOR),
        "demo.forecast_entries",
        "forecast",
        &m,
        None::<&()>,
        Some(&serde_json::json!({"interactive": interactive, "self_report": self_reports})),
    )
    .await?;
    tx.commit().await?;
    Ok((interactive, self_reports))
}

/// One record with the people's figures, settled by §5.1's precedence.
fn figures_of(
    d: &DraftRecord, month: &str, is_key: bool, hist: &DemoHistory, rng: &mut sim::rng::Rng,
) -> ForecastRow {
    let model = d.model_qty.unwrap_or(0) as f64;
    let rep_view = 0.55 * d.demanded_qty as f64 + 0.45 * model;
    let mut f = MethodFigures {
        model: d.model_qty,
        interactive: None,
        self_report: None,
        self_report_reviewed: None,
    };
    let mut reviewed_by = None;
    if is_key {
        f.interactive = Some(noisy(rep_view, 0.0, hist.interactive_error, rng));
    } else {
        let reported = noisy(model, hist.self_report_bias, hist.self_report_error, rng);
        f.self_report = Some(reported);
        f.self_report_reviewed = Some(((reported as f64 + rep_view) / 2.0).round() as i64);
        reviewed_by = d.rep_id;
    }
    let (method, quantity) =
        domain::cycle::resolve(&f).unwrap_or((ForecastMethod::Model, d.model_qty.unwrap_or(0)));
    ForecastRow {
        month: month.to_string(),
        retailer_id: d.retailer_id,
        product_id: d.product_id,
        method: method.code().into(),
        quantity,
        state: ForecastState::Draft.code().into(),
        model_qty: f.model,
        interactive_qty: f.interactive,
        self_report_qty: f.self_report,
        self_report_reviewed_qty: f.self_report_reviewed,
        self_report_reviewed_by: reviewed_by,
        balanced_qty: None,
        updated_by: d.rep_id,
    }
}

/// ⑤ Reps tick `feedback_share` of their retailers with a published forecast, on days 21–25.
async fn feedback(app: &App, target: Month, seed: u64, hist: &DemoHistory) -> AppResult<u64> {
    let cal = app.policy().await?.month_calendar;
    let work = forecasting::working_month(target);
    month_run::set_day(app, work, cal.feedback_to);
    let center = month_run::first_of(app, Role::MarketingCenter).await?;
    let items = crate::balancing::feedback_list(app, &center, target).await?;
    let notes = ["", "", "", "已告知客户，客户认可", "客户表示下月需求偏紧"];
    let span = cal.feedback_to.saturating_sub(cal.feedback_from) as i64;
    let ticks: Vec<FeedbackTick> = items
        .iter()
        .filter_map(|it| {
            let rep = it.rep_id?;
            let mut rng = rng_of(seed, target, it.retailer_id, 2);
            if !rng.chance(hist.feedback_share) {
                return None;
            }
            let day = work.day(cal.feedback_from + rng.int(0, span) as u32);
            // 08:00–17:59 in China
            let at = day.and_hms_opt(rng.int(0, 9) as u32, rng.int(0, 59) as u32, 0)?;
            Some(FeedbackTick {
                month: target.to_string(),
                retailer_id: it.retailer_id,
                rep_id: rep,
                ledger_qty: it.balanced_qty,
                note: rng.pick(&notes).to_string(),
                ticked_at: at.and_utc(),
            })
        })
        .collect();
    let mut tx = app.db.begin().await?;
    let written = store::history::put_feedback_ticks(&mut tx, &ticks).await?;
    audit::record(
        &mut tx,
        &Actor::system(ACTOR),
        "demo.feedback_ticks",
        "forecast_feedback",
        &target.to_string(),
        None::<&()>,
        Some(&serde_json::json!({"ticked": written, "retailers": items.len()})),
    )
    .await?;
    tx.commit().await?;
    Ok(written)
}

/// One account as the demo's welcome lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Account {
    pub username: String,
    pub name: String,
}

/// The accounts of one role.
#[derive(Debug, Clone, Serialize)]
pub struct RoleAccounts {
    pub role: Role,
    pub accounts: Vec<Account>,
}

/// Every active account by role (in `Role::ALL` order, roles without accounts left out), by
/// username: what a person needs to sign in to a demo city.
pub async fn accounts(app: &App) -> AppResult<Vec<RoleAccounts>> {
    let staff = store::repo::staff::list(&app.db, None, None).await?;
    Ok(Role::ALL
        .iter()
        .map(|role| RoleAccounts {
            role: *role,
            accounts: staff
                .iter()
                .filter(|s| s.active && s.role == role.code())
                .map(|s| Account {
                    username: s.username.clone(),
                    name: s.name.clone(),
                })
                .collect(),
        })
        .filter(|g| !g.accounts.is_empty())
        .collect())
}

/// What the demo histories of the month's close start from: the last month with sales and a
/// marketing-centre person to act as (`None` on a city without sales or centre).
pub(crate) async fn close_basis(app: &App) -> AppResult<Option<(Month, crate::CurrentUser)>> {
    let Some(end) = store::repo::sales::latest_month(&app.db).await? else {
        return Ok(None);
    };
    let end = crate::error::month_field("month", &end)?;
    let Some(center) = store::repo::staff::list(
        &app.db,
        Some(domain::org::Role::MarketingCenter.code()),
        None,
    )
    .await?
    .into_iter()
    .next() else {
        return Ok(None);
    };
    Ok(Some((end, crate::CurrentUser::from_staff(&center)?)))
}
