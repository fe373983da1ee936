//! Driving a month on the platform clock (domain.md §7), for demos, benchmarks and the demo
//! city's history: the MODEL forecast (phase ①), every rep's submission (②, day 8), supply and
//! balancing (④), publication. Each step sets the clock to its phase's day and calls the same
//! application functions a person's page calls, as the person who would act (the first
//! marketing-center account for the center's steps); data is never edited behind their back.
use crate::balancing::{self, PublishOut, Review, SupplyInput};
use crate::forecasting::{self, ModelRun, SharedProgress, SubmitOut};
use crate::{App, AppError, AppResult, CurrentUser};
use domain::Month;
use domain::org::Role;
use serde::Serialize;
use std::collections::BTreeMap;

/// The steps of a month run, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Step {
    Model,
    Submit,
    Balance,
    Publish,
}

/// Set the platform clock to `day` of `month` (clamped to the month's last day), 10:00 in China.
pub fn set_day(app: &App, month: Month, day: u32) {
    let d = month.day(day.clamp(1, month.days()));
    app.clock.set(d.and_hms_opt(2, 0, 0).map(|t| t.and_utc()));
}

/// The month the reps forecast now on a city whose sales end at its latest month: the latest
/// month with sales + 2 (its working month is the month after the last complete one).
pub async fn default_target(app: &App) -> AppResult<Month> {
    let last = store::repo::sales::latest_month(&app.db)
        .await?
        .ok_or_else(|| AppError::NotFound("数据库中没有销量数据".into()))?;
    Ok(Month::parse(&last)?.plus(2))
}

/// The first account of `role` (by username), as the person who acts in a run.
pub async fn first_of(app: &App, role: Role) -> AppResult<CurrentUser> {
    let s = store::repo::staff::list(&app.db, Some(role.code()), None)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::NotFound(format!("数据库中没有{}账号", role.zh())))?;
    CurrentUser::from_staff(&s)
}

/// Every account manager, as signed-in users.
pub async fn reps(app: &App) -> AppResult<Vec<CurrentUser>> {
    store::repo::staff::list(&app.db, Some(Role::AccountManager.code()), None)
        .await?
        .iter()
        .map(CurrentUser::from_staff)
        .collect()
}

/// ① The company-wide MODEL forecast of `target`, on day `forecast_from + 1` of its working
/// month, by the system actor `actor`.
pub async fn model(
    app: &App, actor: &str, target: Month, progress: SharedProgress,
) -> AppResult<ModelRun> {
    let cal = app.policy().await?.month_calendar;
    set_day(
        app,
        forecasting::working_month(target),
        cal.forecast_from + 1,
    );
    forecasting::run_model(
        app,
        &store::audit::Actor::system(actor),
        target,
        Default::default(),
        progress,
    )
    .await
}

/// What every rep's submission did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SubmitAll {
    pub reps: usize,
    /// Records locked by these submissions.
    pub locked: u64,
    pub outs: Vec<SubmitOut>,
}

/// ② Every rep submits `target` on the submission day.
pub async fn submit_all(app: &App, target: Month) -> AppResult<SubmitAll> {
    let cal = app.policy().await?.month_calendar;
    set_day(app, forecasting::working_month(target), cal.submit_day);
    let mut out = SubmitAll::default();
    for u in reps(app).await? {
        let s = forecasting::submit(app, &u, target).await?;
        out.locked += s.locked_now;
        out.reps += 1;
        out.outs.push(s);
    }
    Ok(out)
}

/// ④ The center enters supply and runs balancing on the first balancing day: tight SKUs get
/// `tight_supply_share` of their forecast demand, every other SKU its whole demand.
pub async fn balance(app: &App, target: Month, tight_supply_share: f64) -> AppResult<Review> {
    let cal = app.policy().await?.month_calendar;
    set_day(app, forecasting::working_month(target), cal.balancing_from);
    let center = first_of(app, Role::MarketingCenter).await?;
    let list = forecasting::list(app, &center, target).await?;
    let mut demand: BTreeMap<(String, String), i64> = BTreeMap::new();
    for f in &list {
        *demand
            .entry((f.sku_code.clone(), f.supply_status.clone()))
            .or_default() += f.quantity;
    }
    let tight = domain::product::SupplyStatus::Tight.code();
    let lines: Vec<SupplyInput> = demand
        .iter()
        .map(|((sku, status), d)| SupplyInput {
            row: sku.clone(),
            sku: sku.clone(),
            quantity: if status == tight {
                (*d as f64 * tight_supply_share).floor() as i64
            } else {
                *d
            },
        })
        .collect();
    balancing::set_supply(app, &center, target, &lines).await?;
    balancing::run(app, &center, target).await
}

/// ④ The center publishes the balanced forecast (same day as balancing).
pub async fn publish(app: &App, target: Month) -> AppResult<PublishOut> {
    let cal = app.policy().await?.month_calendar;
    set_day(app, forecasting::working_month(target), cal.balancing_from);
    let center = first_of(app, Role::MarketingCenter).await?;
    balancing::publish(app, &center, target).await
}
