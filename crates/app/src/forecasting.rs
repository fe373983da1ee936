//! 需求预测 — the three methods, the rep's review, submission, supervision (domain.md §5.1, §2.1).
//!
//! Months: `target` is the month forecast; it is entered in the working month `target − 1`
//! (domain::cycle). Every write a person (or a POS) makes lands in the audit trail in the same
//! transaction as the write.
use crate::{App, AppError, AppResult, CurrentUser, Scope};
use domain::Month;
use domain::cycle::{self, ForecastMethod, ForecastState, MethodFigures};
use domain::org::Role;
use serde::Serialize;
use store::audit::{self, Actor};
use store::repo::forecasts::{self as repo, DemandPoint, ForecastRow, ModelFigure, Submission};
use store::repo::{ScopeIds, sales};

/// The forecast of `target` is entered and submitted in the month before it.
pub fn working_month(target: Month) -> Month {
    target.prev()
}

fn check_window(app: &App, target: Month) -> AppResult<()> {
    let today = Month::of(app.clock.today());
    if today != working_month(target) {
        return Err(AppError::Conflict(format!(
            "{target} 的需求预测只能在 {} 月内录入和提交（今天是 {}）",
            working_month(target),
            app.clock.today()
        )));
    }
    Ok(())
}

async fn retailer(app: &App, code: &str) -> AppResult<store::model::Retailer> {
    store::repo::retailer::by_code(&app.db, code.trim())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("零售客户 {code} 不存在")))
}

async fn product(app: &App, sku: &str) -> AppResult<store::model::Product> {
    store::repo::product::by_code(&app.db, sku.trim())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("卷烟规格 {sku} 不存在")))
}

fn figures(r: &ForecastRow) -> MethodFigures {
    MethodFigures {
        model: r.model_qty,
        interactive: r.interactive_qty,
        self_report: r.self_report_qty,
        self_report_reviewed: r.self_report_reviewed_qty,
    }
}

fn empty_row(target: Month, retailer_id: i64, product_id: i64) -> ForecastRow {
    ForecastRow {
        month: target.to_string(),
        retailer_id,
        product_id,
        method: ForecastMethod::Model.code().into(),
        quantity: 0,
        state: ForecastState::Draft.code().into(),
        model_qty: None,
        interactive_qty: None,
        self_report_qty: None,
        self_report_reviewed_qty: None,
        self_report_reviewed_by: None,
        balanced_qty: None,
        updated_by: None,
    }
}

/// Apply §5.1's precedence to a record's figures.
fn settle(row: &mut ForecastRow) {
    if let Some((m, q)) = cycle::resolve(&figures(row)) {
        row.method = m.code().into();
        row.quantity = q;
    }
}

fn key(target: Month, code: &str, sku: &str) -> String {
    format!("{target}/{code}/{sku}")
}

/// One forecast as the API answers it.
#[derive(Debug, Clone, Serialize)]
pub struct ForecastOut {
    pub month: String,
    pub retailer: String,
    pub sku: String,
    pub method: String,
    pub quantity: i64,
    pub state: String,
    pub model_qty: Option<i64>,
    pub interactive_qty: Option<i64>,
    pub self_report_qty: Option<i64>,
    pub self_report_reviewed_qty: Option<i64>,
    pub balanced_qty: Option<i64>,
}

fn out(r: &ForecastRow, code: &str, sku: &str) -> ForecastOut {
    ForecastOut {
        month: r.month.clone(),
        retailer: code.into(),
        sku: sku.into(),
        method: r.method.clone(),
        quantity: r.quantity,
        state: r.state.clone(),
        model_qty: r.model_qty,
        interactive_qty: r.interactive_qty,
        self_report_qty: r.self_report_qty,
        self_report_reviewed_qty: r.self_report_reviewed_qty,
        balanced_qty: r.balanced_qty,
    }
}

/// A rep enters (双向互动) or reviews (客户提报) the forecast of one of their retailers.
///
/// §2.1: supervisors have no right to change a rep's numbers — their attempt is refused (403) and
/// traced in the audit trail (`forecast.edit_refused`).
pub async fn put(
    app: &App,
    user: &CurrentUser,
    target: Month,
    retailer_code: &str,
    sku: &str,
    quantity: i64,
    method: &str,
) -> AppResult<ForecastOut> {
    let r = retailer(app, retailer_code).await?;
    let p = product(app, sku).await?;
    let k = key(target, &r.customer_code, &p.sku_code);
    if user.role != Role::AccountManager {
        let mut tx = app.db.begin().await?;
        audit::record(
            &mut tx,
            &user.actor(),
            "forecast.edit_refused",
            "forecast",
            &k,
            None::<&()>,
            Some(&serde_json::json!({"quantity": quantity, "method": method, "role": user.role.code()})),
        )
        .await?;
        tx.commit().await?;
        return Err(AppError::Forbidden(format!(
            "{}对客户经理的预测只有监督权，可以评论或退回，不能修改预测数（domain.md §2.1）",
            user.role.zh()
        )));
    }
    if r.account_manager_id != Some(user.id) {
        return Err(AppError::Forbidden(Scope::Rep(user.id).refusal().into()));
    }
    let method = ForecastMethod::parse(method)?;
    if quantity < 0 {
        return Err(AppError::invalid("quantity", "预测数不能为负"));
    }
    check_window(app, target)?;
    let mut tx = app.db.begin().await?;
    let before = repo::get(&mut tx, &target.to_string(), r.id, p.id).await?;
    let mut row = before
        .clone()
        .unwrap_or_else(|| empty_row(target, r.id, p.id));
    if row.state != ForecastState::Draft.code() {
        return Err(AppError::Conflict(format!(
            "{k} 的预测已提交并锁定，只有修正平衡可以改变（domain.md §5.1）"
        )));
    }
    match method {
        ForecastMethod::InteractiveVisit => row.interactive_qty = Some(quantity),
        ForecastMethod::CustomerSelfReport => {
            if row.self_report_qty.is_none() {
                return Err(AppError::invalid(
                    "method",
                    "该客户没有客户提报数，无法审核；请用 INTERACTIVE_VISIT 录入",
                ));
            }
            row.self_report_reviewed_qty = Some(quantity);
            row.self_report_reviewed_by = Some(user.id);
        }
        ForecastMethod::Model => {
            return Err(AppError::invalid(
                "method",
                "模型预测数由系统批量生成，不能手工录入",
            ));
        }
    }
    row.updated_by = Some(user.id);
    settle(&mut row);
    let now = app.clock.now();
    repo::put(&mut tx, &row, now).await?;
    audit::record(
        &mut tx,
        &user.actor(),
        "forecast.put",
        "forecast",
        &k,
        before.as_ref(),
        Some(&row),
    )
    .await?;
    tx.commit().await?;
    Ok(out(&row, &r.customer_code, &p.sku_code))
}

/// One line of a POS self-report.
#[derive(Debug, Clone, serde::Deserialize, Serialize)]
pub struct SelfReportLine {
    pub sku: String,
    pub quantity: i64,
}

/// A retailer's POS submits its own forecast for `target` (客户提报), authenticated by the
/// retailer's credential. All lines or none are written; the rep reviews each afterwards.
pub async fn self_report(
    app: &App,
    retailer_code: &str,
    token: &str,
    target: Month,
    lines: &[SelfReportLine],
) -> AppResult<Vec<ForecastOut>> {
    let r = pos_retailer(app, retailer_code, token).await?;
    if lines.is_empty() {
        return Err(AppError::invalid("lines", "至少提报一个规格"));
    }
    check_window(app, target)?;
    let mut prods = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        if l.quantity < 0 {
            return Err(AppError::invalid(
                format!("lines[{i}].quantity"),
                "预测数不能为负",
            ));
        }
        let p = store::repo::product::by_code(&app.db, l.sku.trim())
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    format!("lines[{i}].sku"),
                    format!("卷烟规格 {} 不存在", l.sku),
                )
            })?;
        prods.push(p);
    }
    let actor = Actor::system(&format!("pos:{}", r.customer_code));
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    let mut outs = Vec::new();
    for (l, p) in lines.iter().zip(&prods) {
        let k = key(target, &r.customer_code, &p.sku_code);
        let before = repo::get(&mut tx, &target.to_string(), r.id, p.id).await?;
        let mut row = before
            .clone()
            .unwrap_or_else(|| empty_row(target, r.id, p.id));
        if row.state != ForecastState::Draft.code() {
            return Err(AppError::Conflict(format!("{k} 的预测已提交并锁定")));
        }
        row.self_report_qty = Some(l.quantity);
        // A new figure from the retailer needs a new review.
        row.self_report_reviewed_qty = None;
        row.self_report_reviewed_by = None;
        settle(&mut row);
        repo::put(&mut tx, &row, now).await?;
        audit::record(
            &mut tx,
            &actor,
            "forecast.self_report",
            "forecast",
            &k,
            before.as_ref(),
            Some(&row),
        )
        .await?;
        outs.push(out(&row, &r.customer_code, &p.sku_code));
    }
    tx.commit().await?;
    Ok(outs)
}

/// Customer code → (failures, first failure of the window).
type FailureMap = std::collections::HashMap<String, (u32, chrono::DateTime<chrono::Utc>)>;

/// Failed POS credential attempts per customer code.
#[derive(Clone, Default)]
pub struct PosFailures {
    inner: std::sync::Arc<std::sync::Mutex<FailureMap>>,
}

impl PosFailures {
    fn with<R>(&self, f: impl FnOnce(&mut FailureMap) -> R) -> R {
        f(&mut self.inner.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// The retailer a POS credential belongs to; an unknown code and a wrong token are refused alike
/// (401), so the answer does not tell which customer codes exist. After
/// `pos_max_failed_attempts` wrong credentials for a code within `pos_lockout_minutes`, the code
/// is refused (429) until that window ends, even with the right token, so tokens cannot be
/// guessed by trying.
async fn pos_retailer(app: &App, code: &str, token: &str) -> AppResult<store::model::Retailer> {
    let policy = app.policy().await?.forecast;
    let key = code.trim().to_uppercase();
    let now = app.clock.now();
    let window = chrono::Duration::minutes(i64::from(policy.pos_lockout_minutes));
    let locked = app.pos_failures.with(|m| match m.get(&key) {
        Some(&(n, since)) if now - since < window => n >= policy.pos_max_failed_attempts.max(1),
        _ => false,
    });
    if locked {
        return Err(AppError::TooManyRequests(format!(
            "客户编码 {} 的凭证连续错误 {} 次，已锁定 {} 分钟，请稍后再试或联系客户经理重新发放凭证",
            code.trim(),
            policy.pos_max_failed_attempts,
            policy.pos_lockout_minutes
        )));
    }
    let found = match store::repo::retailer::by_code(&app.db, code.trim()).await? {
        Some(r) => match repo::credential(&app.db, r.id).await? {
            Some(h) if verify_token(token.trim(), &h) => Some(r),
            _ => None,
        },
        None => None,
    };
    app.pos_failures.with(|m| {
        if found.is_some() {
            m.remove(&key);
            return;
        }
        if m.len() > 10_000 {
            m.retain(|_, (_, since)| now - *since < window);
        }
        let e = m.entry(key).or_insert((0, now));
        if now - e.1 >= window {
            *e = (0, now);
        }
        e.0 += 1;
    });
    found.ok_or(AppError::Unauthorized)
}

/// One SKU on the retailer's self-report page.
#[derive(Debug, Clone, Serialize)]
pub struct PosSheetLine {
    pub sku: String,
    pub name: String,
    /// Demand of the months of [`PosSheet::months`], oldest first.
    pub history: Vec<i64>,
    /// The retailer's current self-report for the target month, if any.
    pub self_report_qty: Option<i64>,
}

/// What the retailer's self-report page (客户提报) shows once its credential is checked: the
/// SKUs it usually buys (demand in the last three complete months, or a forecast record of the
/// target month) with those months' demand for guidance.
#[derive(Debug, Clone, Serialize)]
pub struct PosSheet {
    pub code: String,
    pub name: String,
    pub months: Vec<String>,
    pub lines: Vec<PosSheetLine>,
}

/// The self-report sheet of a retailer, behind its POS credential (401 otherwise).
pub async fn pos_sheet(
    app: &App,
    retailer_code: &str,
    token: &str,
    target: Month,
) -> AppResult<PosSheet> {
    let r = pos_retailer(app, retailer_code, token).await?;
    let last = working_month(target).prev();
    let months: Vec<String> = (0..3).rev().map(|i| last.plus(-i).to_string()).collect();
    let mut by: std::collections::BTreeMap<String, PosSheetLine> = Default::default();
    let line = |sku: &str, brand: &str, spec: &str| PosSheetLine {
        sku: sku.to_string(),
        name: format!("{brand} {spec}"),
        history: vec![0; months.len()],
        self_report_qty: None,
    };
    for d in repo::retailer_demand(&app.db, r.id, &months[0], &months[2]).await? {
        let e = by
            .entry(d.sku_code.clone())
            .or_insert_with(|| line(&d.sku_code, &d.brand, &d.spec_name));
        if let Some(i) = months.iter().position(|x| *x == d.month) {
            e.history[i] += d.demanded;
        }
    }
    for rec in repo::retailer_records(&app.db, r.id, &target.to_string()).await? {
        let e = by
            .entry(rec.sku_code.clone())
            .or_insert_with(|| line(&rec.sku_code, &rec.brand, &rec.spec_name));
        e.self_report_qty = rec.self_report_qty;
    }
    let mut lines: Vec<PosSheetLine> = by.into_values().collect();
    lines.sort_by(|a, b| {
        b.history
            .iter()
            .sum::<i64>()
            .cmp(&a.history.iter().sum::<i64>())
            .then_with(|| a.sku.cmp(&b.sku))
    });
    Ok(PosSheet {
        code: r.customer_code,
        name: r.name,
        months,
        lines,
    })
}

fn verify_token(token: &str, hash: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(hash)
        .map(|h| {
            argon2::Argon2::default()
                .verify_password(token.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Issue (or replace) a retailer's POS credential: the retailer's rep or the marketing center.
/// The token is answered once and only its argon2 hash is kept.
pub async fn issue_pos_token(
    app: &App,
    user: &CurrentUser,
    retailer_code: &str,
) -> AppResult<String> {
    let r = retailer(app, retailer_code).await?;
    let allowed = match user.role {
        Role::AccountManager => r.account_manager_id == Some(user.id),
        Role::MarketingCenter | Role::Admin => true,
        _ => false,
    };
    if !allowed {
        return Err(AppError::Forbidden(
            "只有该客户的客户经理或营销中心可以发放 POS 凭证".into(),
        ));
    }
    let token = crate::auth::random_hex(24);
    let hash = crate::auth::hash_password(&token)?;
    let mut tx = app.db.begin().await?;
    repo::set_credential(&mut tx, r.id, &hash, user.id, app.clock.now()).await?;
    audit::record(
        &mut tx,
        &user.actor(),
        "credential.issue",
        "retailer_credential",
        &r.customer_code,
        None::<&()>,
        Some(&"issued"),
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

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
    history: &[DemandPoint],
    target: Month,
    progress: Progress<'_>,
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

/// The MODEL job (模型预测): fill every pair with demand history in `scope` for `target` from
/// demand (not quota-cut purchases), in one transaction, reporting progress. Higher-precedence
/// figures and submitted records are kept (§5.1). An identical re-run writes nothing.
pub async fn run_model(
    app: &App,
    actor: &Actor,
    target: Month,
    scope: ScopeIds,
    progress: SharedProgress,
) -> AppResult<ModelRun> {
    run_model_phased(app, actor, target, scope, progress, &|_| {}).await
}

/// [`run_model`], naming each phase as it starts.
pub async fn run_model_phased(
    app: &App,
    actor: &Actor,
    target: Month,
    scope: ScopeIds,
    progress: SharedProgress,
    phase: &(dyn Fn(&str) + Sync),
) -> AppResult<ModelRun> {
    phase("读取需求历史");
    let started = app.clock.now();
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
    tx.commit().await?;
    repo::record_job(
        &app.db,
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
    app: &App,
    user: &CurrentUser,
    target: Month,
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
    let job = app
        .jobs
        .get(id)
        .ok_or_else(|| AppError::NotFound(format!("后台任务 {id} 不存在（或已过期）")))?;
    if job.actor != user.username {
        user.require(&[Role::MarketingCenter, Role::Admin])?;
    }
    Ok(job)
}

/// A rep's key customers for `target` (§5.1): the top `key_customer_share` by demand over the
/// last three complete months, plus every sample point and 信息员.
pub async fn key_customers(app: &App, rep_id: i64, target: Month) -> AppResult<Vec<i64>> {
    let policy = app.policy().await?;
    let last = working_month(target).prev();
    let mut v = repo::rep_volumes(
        &app.db,
        rep_id,
        &last.plus(-2).to_string(),
        &last.to_string(),
    )
    .await?;
    v.sort_by(|a, b| {
        b.demanded
            .cmp(&a.demanded)
            .then(a.retailer_id.cmp(&b.retailer_id))
    });
    let n = cycle::key_customer_count(v.len(), policy.forecast.key_customer_share);
    let mut out: Vec<i64> = v
        .iter()
        .enumerate()
        .filter(|(i, r)| *i < n || r.is_sample_point || r.is_info_reporter)
        .map(|(_, r)| r.retailer_id)
        .collect();
    out.sort_unstable();
    Ok(out)
}

/// The rep's submission of `target` (day 8): locks their records. A second submit changes nothing.
#[derive(Debug, Clone, Serialize)]
pub struct SubmitOut {
    pub month: String,
    pub rep: String,
    pub status: String,
    pub pairs: i64,
    pub quantity: i64,
    pub locked_now: u64,
    pub already_submitted: bool,
}

pub async fn submit(app: &App, user: &CurrentUser, target: Month) -> AppResult<SubmitOut> {
    user.require(&[Role::AccountManager])?;
    check_window(app, target)?;
    let m = target.to_string();
    let mut tx = app.db.begin().await?;
    let before = repo::submission(&mut tx, &m, user.id).await?;
    if let Some(s) = before.as_ref().filter(|s| s.status == "SUBMITTED") {
        return Ok(SubmitOut {
            month: m,
            rep: user.username.clone(),
            status: s.status.clone(),
            pairs: s.pairs,
            quantity: s.quantity,
            locked_now: 0,
            already_submitted: true,
        });
    }
    let now = app.clock.now();
    let locked = repo::lock_rep(&mut tx, &m, user.id, now).await?;
    let (pairs, quantity) = repo::rep_totals(&mut tx, &m, user.id).await?;
    let s = Submission {
        month: m.clone(),
        rep_id: user.id,
        status: "SUBMITTED".into(),
        pairs,
        quantity,
        submitted_at: now,
        returned_by: None,
        returned_at: None,
    };
    repo::put_submission(&mut tx, &s).await?;
    audit::record(
        &mut tx,
        &user.actor(),
        "forecast.submit",
        "forecast_submission",
        &format!("{m}/{}", user.username),
        before.as_ref(),
        Some(&s),
    )
    .await?;
    tx.commit().await?;
    Ok(SubmitOut {
        month: m,
        rep: user.username.clone(),
        status: s.status,
        pairs,
        quantity,
        locked_now: locked,
        already_submitted: false,
    })
}

/// May this supervisor supervise this rep (market manager of the rep's area, the county's
/// marketing director)?
async fn supervises(app: &App, user: &CurrentUser, rep: &store::model::Staff) -> AppResult<()> {
    let scope = Scope::of(&app.db, user).await?;
    let ok = match (user.role, scope) {
        (Role::MarketManager, Scope::Area(a)) => {
            rep.org_unit_id == Some(a) || rep.supervisor_id == Some(user.id)
        }
        (Role::MarketingDirector, Scope::County(c)) => {
            let reps = repo::county_reps(&app.db, c).await?;
            reps.iter().any(|r| r.id == rep.id)
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "只有该客户经理的市场经理或营销部主任可以评论或退回其预测".into(),
        ))
    }
}

async fn rep_by_username(app: &App, username: &str) -> AppResult<store::model::Staff> {
    let s = store::repo::staff::by_username(&app.db, username.trim())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("客户经理 {username} 不存在")))?;
    if s.role != Role::AccountManager.code() {
        return Err(AppError::invalid("rep", format!("{username} 不是客户经理")));
    }
    Ok(s)
}

/// A supervisor comments on a rep's forecast (§2.1 supervision).
pub async fn comment(
    app: &App,
    user: &CurrentUser,
    target: Month,
    rep: &str,
    body: &str,
) -> AppResult<i64> {
    let rep = rep_by_username(app, rep).await?;
    supervises(app, user, &rep).await?;
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::invalid("comment", "评论不能为空"));
    }
    let mut tx = app.db.begin().await?;
    let id = repo::add_comment(
        &mut tx,
        &target.to_string(),
        rep.id,
        user.id,
        body,
        app.clock.now(),
    )
    .await?;
    audit::record(
        &mut tx,
        &user.actor(),
        "forecast.comment",
        "forecast_submission",
        &format!("{target}/{}", rep.username),
        None::<&()>,
        Some(&body),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A supervisor returns a rep's submission with a comment: the records reopen for the rep; the
/// numbers stay the rep's. Not after balancing is published.
pub async fn return_submission(
    app: &App,
    user: &CurrentUser,
    target: Month,
    rep: &str,
    body: &str,
) -> AppResult<()> {
    let rep = rep_by_username(app, rep).await?;
    supervises(app, user, &rep).await?;
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::invalid("comment", "退回须写明原因"));
    }
    let m = target.to_string();
    if store::repo::supply::run(&app.db, &m)
        .await?
        .is_some_and(|r| r.state == "PUBLISHED")
    {
        return Err(AppError::Conflict("修正平衡已发布，不能再退回".into()));
    }
    let mut tx = app.db.begin().await?;
    let before = repo::submission(&mut tx, &m, rep.id).await?;
    let Some(mut s) = before.clone().filter(|s| s.status == "SUBMITTED") else {
        return Err(AppError::Conflict(format!(
            "{} 的 {m} 预测尚未提交，无需退回",
            rep.username
        )));
    };
    let now = app.clock.now();
    repo::unlock_rep(&mut tx, &m, rep.id).await?;
    s.status = "RETURNED".into();
    s.returned_by = Some(user.id);
    s.returned_at = Some(now);
    repo::put_submission(&mut tx, &s).await?;
    repo::add_comment(&mut tx, &m, rep.id, user.id, body, now).await?;
    audit::record(
        &mut tx,
        &user.actor(),
        "forecast.return",
        "forecast_submission",
        &format!("{m}/{}", rep.username),
        before.as_ref(),
        Some(&s),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Territory totals by a key against the last complete month's demand and last year's.
#[derive(Debug, Clone, Serialize)]
pub struct TotalRow {
    pub key: String,
    pub forecast: i64,
    pub pairs: i64,
    /// Demand of the last complete month (the working month − 1).
    pub last_month_demand: i64,
    /// Demand of the target month a year earlier.
    pub last_year_demand: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TotalsBy {
    Sku,
    Brand,
    PriceClass,
}

pub async fn totals(
    app: &App,
    user: &CurrentUser,
    target: Month,
    by: TotalsBy,
) -> AppResult<Vec<TotalRow>> {
    let scope = Scope::of(&app.db, user).await?.ids();
    let sum_by = match by {
        TotalsBy::Sku => repo::SumBy::Sku,
        TotalsBy::Brand => repo::SumBy::Brand,
        TotalsBy::PriceClass => repo::SumBy::PriceClass,
    };
    let mut map: std::collections::BTreeMap<String, TotalRow> = Default::default();
    for s in repo::sums(&app.db, scope, &target.to_string(), sum_by).await? {
        map.insert(
            s.key.clone(),
            TotalRow {
                key: s.key,
                forecast: s.quantity,
                pairs: s.records,
                last_month_demand: 0,
                last_year_demand: 0,
            },
        );
    }
    let sk = match by {
        TotalsBy::Sku => sales::SalesKey::Sku,
        TotalsBy::Brand => sales::SalesKey::Brand,
        TotalsBy::PriceClass => sales::SalesKey::PriceClass,
    };
    let lm = working_month(target).prev().to_string();
    let ly = target.same_month_last_year().to_string();
    for km in sales::by_key(&app.db, scope, sk, &[lm.clone(), ly.clone()], false).await? {
        let e = map.entry(km.key.clone()).or_insert(TotalRow {
            key: km.key.clone(),
            forecast: 0,
            pairs: 0,
            last_month_demand: 0,
            last_year_demand: 0,
        });
        if km.month == lm {
            e.last_month_demand += km.demanded;
        } else {
            e.last_year_demand += km.demanded;
        }
    }
    let mut v: Vec<TotalRow> = map.into_values().collect();
    v.sort_by(|a, b| b.forecast.cmp(&a.forecast).then(a.key.cmp(&b.key)));
    Ok(v)
}

/// One rep's forecast of a month summed (see [`rep_sums`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RepSum {
    pub rep_id: i64,
    /// Σ forecast quantity (条).
    pub quantity: i64,
    pub records: i64,
    pub retailers: i64,
}

/// Per rep in the person's scope, by rep id.
pub async fn rep_sums(app: &App, user: &CurrentUser, target: Month) -> AppResult<Vec<RepSum>> {
    let scope = Scope::of(&app.db, user).await?.ids();
    let mut v: Vec<RepSum> = repo::sums(&app.db, scope, &target.to_string(), repo::SumBy::Rep)
        .await?
        .into_iter()
        .filter_map(|s| {
            s.key.parse().ok().map(|rep_id| RepSum {
                rep_id,
                quantity: s.quantity,
                records: s.records,
                retailers: s.retailers,
            })
        })
        .collect();
    v.sort_unstable();
    Ok(v)
}

/// The records of a month the person may see.
pub async fn list(
    app: &App,
    user: &CurrentUser,
    target: Month,
) -> AppResult<Vec<store::repo::forecasts::ForecastView>> {
    let scope = Scope::of(&app.db, user).await?.ids();
    Ok(repo::list(&app.db, scope, &target.to_string()).await?)
}
