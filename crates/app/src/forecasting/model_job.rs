//! The MODEL forecast (模型预测, domain.md §5.1): demand history → the forecast engine → model
//! figures, run while the page waits or as a background job that reports progress.
use super::working_month;
use crate::{App, AppError, AppResult, CurrentUser};
use domain::Month;
use domain::org::Role;
use serde::Serialize;
use store::audit::{self, Actor};
use store::repo::ScopeIds;
use store::repo::forecasts::{self as repo, DemandPoint, ModelFigure};

/// Progress callback of a batch job: (done, total).
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// A progress callback a job can hand to the engine's worker threads.
pub type SharedProgress = std::sync::Arc<dyn Fn(usize, usize) + Send + Sync>;

/// What a model run did.
#[derive(Debug, Clone, Serialize)]
pub struct ModelRun {
    pub month: String,
    /// Pairs forecast (retailer × SKU with demand in the last 12 months of history).
    pub pairs: usize,
    /// Records written or changed (0 on an identical re-run).
    pub written: u64,
    pub history_from: String,
    pub history_to: String,
    pub failed: usize,
    pub seconds: f64,
}

/// Pure part of the MODEL job: demand history rows (sorted by retailer, product, month) →
/// one forecast per pair for `target`, using the forecast engine in a rayon batch.
/// History ends with the last complete month before the working month, so the target is two
/// steps ahead. Returns (one figure per pair, failures).
pub fn model_forecasts(
    history: &[DemandPoint], target: Month, progress: Progress<'_>,
) -> (Vec<ModelFigure>, usize) {
    let last = working_month(target).prev();
    let first = last.plus(-23);
    let n = 24usize;
    let mut keys: Vec<(i64, i64)> = Vec::new();
    let mut values: Vec<f64> = Vec::new();
    let recent_from = (n - 12) as i32;
    let mut i = 0;
    while i < history.len() {
        let (r, p) = (history[i].retailer_id, history[i].product_id);
        let mut series = vec![f64::NAN; n];
        let mut first_idx = n;
        let mut recent = 0i64;
        while i < history.len() && history[i].retailer_id == r && history[i].product_id == p {
            let idx = history[i].month_index - first.index();
            if (0..n as i32).contains(&idx) {
                series[idx as usize] = history[i].demanded as f64;
                first_idx = first_idx.min(idx as usize);
                if idx >= recent_from {
                    recent += history[i].demanded;
                }
            }
            i += 1;
        }
        if recent <= 0 || first_idx >= n {
            continue;
        }
        // After the first order, a month without a line is a month without demand.
        for v in series.iter_mut().skip(first_idx) {
            if v.is_nan() {
                *v = 0.0;
            }
        }
        keys.push((r, p));
        values.extend_from_slice(&series);
    }
    let inputs: Vec<forecast::SeriesInput<'_>> = values
        .chunks(n)
        .map(|v| forecast::SeriesInput {
            values: v,
            start: Some((first.year(), first.month())),
        })
        .collect();
    let mut cfg = forecast::Config::new(2);
    cfg.festival = true;
    cfg.levels = vec![80.0];
    let total = inputs.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let tick = |k: usize| {
        let d = done.fetch_add(k, std::sync::atomic::Ordering::Relaxed) + k;
        progress(d, total);
    };
    let results = forecast::forecast_batch(&inputs, &cfg, Some(&tick));
    let mut failed = 0;
    let rows = keys
        .iter()
        .zip(results)
        .filter_map(|(&(r, p), res)| match res {
            Ok(f) => Some(ModelFigure {
                retailer_id: r,
                product_id: p,
                quantity: f.mean.get(1).copied().unwrap_or(0.0).max(0.0).round() as i64,
            }),
            Err(_) => {
                failed += 1;
                None
            }
        })
        .collect();
    (rows, failed)
}

/// The audit action of a MODEL run's start (its end is `forecast.model_run`).
pub const MODEL_START: &str = "forecast.model_start";

/// The MODEL job (模型预测): fill every pair with demand history in `scope` for `target` from
/// demand (not quota-cut purchases), in one transaction, reporting progress. Higher-precedence
/// figures and submitted records are kept (§5.1). An identical re-run writes nothing.
pub async fn run_model(
    app: &App, actor: &Actor, target: Month, scope: ScopeIds, progress: SharedProgress,
) -> AppResult<ModelRun> {
    run_model_phased(app, actor, target, scope, progress, &|_| {}).await
}

/// [`run_model`], naming each phase as it starts.
pub async fn run_model_phased(
    app: &App, actor: &Actor, target: Month, scope: ScopeIds, progress: SharedProgress,
    phase: &(dyn Fn(&str) + Sync),
) -> AppResult<ModelRun> {
    phase("读取需求历史");
    let started = app.clock.now();
    // Started, in the audit trail: a run that never reaches its commit (the process killed) is
    // shown as interrupted on the forecast page, where it can be run again; its results are
    // written in one transaction with its `forecast.model_run` entry, so none are half there.
    let mut tx = app.db.begin().await?;
    audit::record(
        &mut tx,
        actor,
        MODEL_START,
        "forecast",
        &target.to_string(),
        None::<&()>,
        Some(&serde_json::json!({"scope": format!("{scope:?}")})),
    )
    .await?;
    tx.commit().await?;
    let t0 = std::time::Instant::now();
    let last = working_month(target).prev();
    let first = last.plus(-23);
    let history =
        repo::demand_history(&app.db, scope, &first.to_string(), &last.to_string()).await?;
    let t_fetch = t0.elapsed().as_secs_f64();
    phase("模型预测");
    // The engine keeps both cores busy for seconds: off the async workers, so pages stay served.
    let (rows, failed) =
        tokio::task::spawn_blocking(move || model_forecasts(&history, target, &*progress))
            .await
            .map_err(|e| AppError::Conflict(format!("模型预测异常中止: {e}")))?;
    let t_engine = t0.elapsed().as_secs_f64();
    phase("写入预测");
    let mut tx = app.db.begin().await?;
    let written =
        repo::put_model_batch(&mut tx, &target.to_string(), &rows, app.clock.now()).await?;
    tracing::debug!(
        "model timing: fetch {t_fetch:.1}s engine {:.1}s write {:.1}s",
        t_engine - t_fetch,
        t0.elapsed().as_secs_f64() - t_engine
    );
    audit::record(
        &mut tx,
        actor,
        "forecast.model_run",
        "forecast",
        &target.to_string(),
        None::<&()>,
        Some(&serde_json::json!({"pairs": rows.len(), "written": written, "scope": format!("{scope:?}")})),
    )
    .await?;
    repo::record_job(
        &mut tx,
        "MODEL_FORECAST",
        &target.to_string(),
        &format!("{scope:?}"),
        rows.len() as i64,
        written as i64,
        started,
        app.clock.now(),
        &actor.username,
    )
    .await?;
    tx.commit().await?;
    Ok(ModelRun {
        month: target.to_string(),
        pairs: rows.len(),
        written,
        history_from: first.to_string(),
        history_to: last.to_string(),
        failed,
        seconds: t0.elapsed().as_secs_f64(),
    })
}

/// The marketing center (or admin) runs the model for the whole company, waiting for it.
pub async fn run_model_as(app: &App, user: &CurrentUser, target: Month) -> AppResult<ModelRun> {
    user.require(&[Role::MarketingCenter, Role::Admin])?;
    if app
        .jobs
        .latest(MODEL_JOB, &target.to_string())
        .is_some_and(|j| j.state == crate::jobs::JobState::Running)
    {
        return Err(AppError::Conflict(format!(
            "{target} 的模型预测正在后台运行，请等待其完成"
        )));
    }
    run_model(
        app,
        &user.actor(),
        target,
        ScopeIds::default(),
        std::sync::Arc::new(|_, _| {}),
    )
    .await
}

/// Kind of the MODEL forecast job.
pub const MODEL_JOB: &str = "MODEL_FORECAST";

/// Start the company-wide MODEL forecast as a background job (§5.1 "a job that reports
/// progress"). Returns the job and whether it was newly started: while one runs for the month,
/// starting again returns that one.
pub async fn start_model_job(
    app: &App, user: &CurrentUser, target: Month,
) -> AppResult<(crate::jobs::Job, bool)> {
    user.require(&[Role::MarketingCenter, Role::Admin])?;
    let (job, new) = app.jobs.start(
        MODEL_JOB,
        &target.to_string(),
        &user.username,
        app.clock.now(),
    );
    if new {
        let app = app.clone();
        let actor = user.actor();
        let id = job.id;
        tokio::spawn(async move {
            let jobs = app.jobs.clone();
            let progress: SharedProgress = std::sync::Arc::new(move |done, total| {
                jobs.progress(id, done, total);
            });
            let out = run_model_phased(&app, &actor, target, ScopeIds::default(), progress, &|p| {
                app.jobs.phase(id, p)
            })
            .await;
            let outcome = match out {
                Ok(r) => serde_json::to_value(&r).map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            if let Err(e) = &outcome {
                tracing::error!("model forecast job {id} failed: {e}");
            }
            app.jobs.finish(id, app.clock.now(), outcome);
        });
    }
    Ok((job, new))
}

/// A job of the MODEL kind, for the center (or the person who started it).
pub fn model_job(app: &App, user: &CurrentUser, id: u64) -> AppResult<crate::jobs::Job> {
    // The right first, then the lookup: others learn nothing of which jobs exist.
    user.require(&[Role::MarketingCenter, Role::Admin])?;
    app.jobs
        .get(id)
        .ok_or_else(|| AppError::NotFound(format!("后台任务 {id} 不存在（或已过期）")))
}
