//! The forecast pages (需求预测, domain.md §5.1, §7 ①–②): the rep's territory list and the
//! supervisor's read-only cards, the retailer's phone sheet, the center's MODEL panel.
use crate::forecasting::TotalRow;
use crate::{App, AppResult, CurrentUser};
use chrono::{DateTime, Utc};
use domain::Month;
use domain::org::Role;
use std::collections::{BTreeMap, HashMap};
use store::repo;

pub use repo::forecasts::{FeedbackItem, ForecastView, MonthJob};
pub use repo::visits::StockRow;

/// One retailer's line on the rep's list.
pub struct RetailerLine {
    pub code: String,
    pub name: String,
    pub tier: i64,
    pub key: bool,
    pub skus: usize,
    pub quantity: i64,
    pub model: i64,
    pub interactive: usize,
    pub self_report: usize,
    pub state: String,
}

/// One rep's submission as the supervisor sees it.
pub struct RepLine {
    pub username: String,
    pub name: String,
    pub retailers: usize,
    pub pairs: usize,
    pub quantity: i64,
    pub status: String,
    /// (author's name, text)
    pub comments: Vec<(String, String)>,
}

/// The MODEL forecast panel: the running or latest job, or the latest recorded run.
pub struct ModelPanel {
    pub job: Option<crate::jobs::Job>,
    pub last: Option<MonthJob>,
    /// When the latest run started but never finished (the service stopped during it) and none
    /// runs now: its start. Nothing of it was written; it can be run again.
    pub interrupted: Option<chrono::DateTime<chrono::Utc>>,
}

/// The forecast page of a target month in the person's scope.
pub struct ForecastsView {
    pub is_rep: bool,
    pub can_supervise: bool,
    /// The rep's submission state (DRAFT, SUBMITTED, RETURNED).
    pub status: String,
    pub retailers: Vec<RetailerLine>,
    pub reps: Vec<RepLine>,
    /// By SKU, with the key shown as code, brand and spec (`13010211 黄鹤楼(1916)`).
    pub by_sku: Vec<TotalRow>,
    pub by_brand: Vec<TotalRow>,
    pub by_class: Vec<TotalRow>,
    pub total: i64,
    /// The rep's own comments from supervisors.
    pub comments: Vec<(String, String)>,
    pub model: Option<ModelPanel>,
}

const DRAFT: &str = "DRAFT";

/// `code brand(spec)` per SKU code, for people to read.
pub async fn sku_labels(app: &App) -> AppResult<HashMap<String, String>> {
    Ok(labels_of(&repo::product::names(&app.db).await?))
}

/// [`sku_labels`] of a SKU list already read.
fn labels_of(products: &[repo::product::ProductName]) -> HashMap<String, String> {
    products
        .iter()
        .map(|p| {
            let label = format!("{} {}({})", p.sku_code, p.brand, p.spec_name);
            (p.sku_code.clone(), label)
        })
        .collect()
}

/// Supervisors' comments of a month per rep: (author's name, body), oldest first.
async fn comments_by_rep(
    app: &App, month: &str, names: &HashMap<i64, (String, String)>,
) -> AppResult<HashMap<i64, Vec<(String, String)>>> {
    let mut out: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    for c in repo::forecasts::comments_of_month(&app.db, month).await? {
        out.entry(c.rep_id).or_default().push(authored(c, names));
    }
    Ok(out)
}

/// A comment as (author's name, body).
fn authored(
    c: repo::forecasts::Comment, names: &HashMap<i64, (String, String)>,
) -> (String, String) {
    let who = names.get(&c.author_id).map(|n| n.1.clone());
    (who.unwrap_or_default(), c.body)
}

pub async fn page(app: &App, u: &CurrentUser, target: Month) -> AppResult<ForecastsView> {
    let tm = target.to_string();
    let products = repo::product::names(&app.db).await?;
    // Sums are computed in the database: on the whole city the month has 140 000 records.
    let crate::forecasting::AllTotals {
        mut by_sku,
        by_brand,
        by_class,
    } = crate::forecasting::totals_of(app, u, target, &products).await?;
    let labels = labels_of(&products);
    for r in &mut by_sku {
        if let Some(l) = labels.get(&r.key) {
            r.key = l.clone();
        }
    }
    let total = by_class.iter().map(|t| t.forecast).sum();
    let subs = repo::forecasts::submissions(&app.db, &tm).await?;
    let status_of = |rep: i64| {
        subs.iter()
            .find(|x| x.rep_id == rep)
            .map(|x| x.status.clone())
            .unwrap_or_else(|| DRAFT.into())
    };
    let names: HashMap<i64, (String, String)> = repo::staff::list(&app.db, None, None)
        .await?
        .into_iter()
        .map(|p| (p.id, (p.username, p.name)))
        .collect();
    let is_rep = u.role == Role::AccountManager;
    let mut retailers = Vec::new();
    let mut reps = Vec::new();
    let mut status = String::new();
    let mut comments = Vec::new();
    if is_rep {
        let keys = crate::forecasting::key_customers(app, u.id, target).await?;
        retailers = crate::forecasting::retailer_sums(app, u, target)
            .await?
            .into_iter()
            .map(|f| RetailerLine {
                key: keys.contains(&f.retailer_id),
                code: f.customer_code,
                name: f.retailer_name,
                tier: f.tier,
                skus: f.records as usize,
                quantity: f.quantity,
                model: f.model,
                interactive: f.interactive as usize,
                self_report: f.self_report as usize,
                state: f.state,
            })
            .collect();
        retailers.sort_by(|a, b| b.key.cmp(&a.key).then(b.quantity.cmp(&a.quantity)));
        status = status_of(u.id);
        comments = repo::forecasts::comments(&app.db, &tm, u.id)
            .await?
            .into_iter()
            .map(|c| authored(c, &names))
            .collect();
    } else {
        let mut by_rep = comments_by_rep(app, &tm, &names).await?;
        for r in crate::forecasting::rep_sums(app, u, target).await? {
            let (username, name) = names.get(&r.rep_id).cloned().unwrap_or_default();
            reps.push(RepLine {
                username,
                name,
                retailers: r.retailers as usize,
                pairs: r.records as usize,
                quantity: r.quantity,
                status: status_of(r.rep_id),
                comments: by_rep.remove(&r.rep_id).unwrap_or_default(),
            });
        }
    }
    let model = if matches!(u.role, Role::MarketingCenter | Role::Admin) {
        let job = app.jobs.latest(crate::forecasting::MODEL_JOB, &tm);
        let running = job
            .as_ref()
            .is_some_and(|j| j.state == crate::jobs::JobState::Running);
        let trail = store::audit::for_entity(&app.db, "forecast", &tm, 50).await?;
        let latest = trail.iter().find(|e| {
            e.action == crate::forecasting::MODEL_START || e.action == "forecast.model_run"
        });
        let interrupted = latest
            .filter(|e| e.action == crate::forecasting::MODEL_START && !running)
            .map(|e| e.at);
        Some(ModelPanel {
            job,
            last: repo::forecasts::last_job(&app.db, crate::forecasting::MODEL_JOB, &tm).await?,
            interrupted,
        })
    } else {
        None
    };
    Ok(ForecastsView {
        is_rep,
        can_supervise: matches!(u.role, Role::MarketManager | Role::MarketingDirector),
        status,
        retailers,
        reps,
        by_sku,
        by_brand,
        by_class,
        total,
        comments,
        model,
    })
}

/// One SKU on the retailer's phone page.
pub struct SkuInput {
    pub f: ForecastView,
    /// `brand(spec)` of the SKU.
    pub name: String,
    /// Demand of the last three complete months, oldest first.
    pub history: Vec<i64>,
    /// Tier quota: this month's ladder cap after balancing (`本月 N`), else last month's quota
    /// from the order lines (`上月 N`); empty when released on demand.
    pub quota: String,
}

/// Stock observations of one source and day.
pub struct StockGroup {
    /// 样本点采集 or 拜访观察.
    pub source: &'static str,
    pub collected_at: DateTime<Utc>,
    pub rows: Vec<StockRow>,
}

/// The retailer's phone sheet (双向互动) of a target month.
pub struct RetailerSheet {
    pub code: String,
    pub name: String,
    pub tier: i64,
    pub key: bool,
    pub sample_point: bool,
    pub info_reporter: bool,
    pub editable: bool,
    /// The three complete months before the working month, oldest first.
    pub months: Vec<String>,
    pub lines: Vec<SkuInput>,
    /// The latest stock observations.
    pub stock: Vec<StockGroup>,
}

pub async fn retailer_sheet(
    app: &App, u: &CurrentUser, target: Month, code: &domain::CustomerCode,
) -> AppResult<RetailerSheet> {
    // Row-level access: the retailer's detail refuses what the person may not see.
    let d = crate::retailers::detail(app, u, code).await?;
    let list: Vec<ForecastView> = crate::forecasting::list(app, u, target)
        .await?
        .into_iter()
        .filter(|f| f.customer_code == code.as_str())
        .collect();
    let last = crate::forecasting::working_month(target).prev();
    let months: Vec<String> = (0..3).rev().map(|i| last.plus(-i).to_string()).collect();
    // This retailer's demand per SKU code and month, and the SKU's name.
    let mut hist: HashMap<String, BTreeMap<String, i64>> = HashMap::new();
    let mut names: HashMap<String, String> = HashMap::new();
    for r in
        repo::forecasts::retailer_demand(&app.db, d.retailer.id, &months[0], &months[2]).await?
    {
        names
            .entry(r.sku_code.clone())
            .or_insert_with(|| format!("{}({})", r.brand, r.spec_name));
        hist.entry(r.sku_code)
            .or_default()
            .insert(r.month, r.demanded);
    }
    let labels = sku_labels(app).await?;
    let key = match d.retailer.account_manager_id {
        Some(rep) => crate::forecasting::key_customers(app, rep, target)
            .await?
            .contains(&d.retailer.id),
        None => false,
    };
    let mut stock: Vec<StockGroup> = Vec::new();
    for r in repo::visits::latest_stock(&app.db, d.retailer.id, app.clock.now()).await? {
        let source = if r.source == "SAMPLE" {
            "样本点采集"
        } else {
            "拜访观察"
        };
        match stock.last_mut() {
            Some(g) if g.source == source => g.rows.push(r),
            _ => stock.push(StockGroup {
                source,
                collected_at: r.collected_at,
                rows: vec![r],
            }),
        }
    }
    // Tier quota (§4.3): the month's ladder once balanced, else what the orders of the last
    // complete month were allowed.
    let caps = crate::balancing::retailer_caps(app, target, &d.retailer).await?;
    let last_quota: HashMap<i64, i64> =
        repo::forecasts::retailer_quota(&app.db, d.retailer.id, last.first_day(), last.last_day())
            .await?
            .into_iter()
            .collect();
    let lines = list
        .into_iter()
        .map(|f| {
            let h = hist.get(&f.sku_code);
            let history = months
                .iter()
                .map(|m| h.and_then(|h| h.get(m)).copied().unwrap_or(0))
                .collect();
            let quota = match (caps.get(&f.sku_code), last_quota.get(&f.product_id)) {
                (Some(c), _) => format!("本月 {c}"),
                (None, Some(q)) => format!("上月 {q}"),
                (None, None) => String::new(),
            };
            let name = names.get(&f.sku_code).cloned().unwrap_or_else(|| {
                labels
                    .get(&f.sku_code)
                    .and_then(|l| l.split_once(' ').map(|x| x.1.to_string()))
                    .unwrap_or_default()
            });
            SkuInput {
                f,
                name,
                history,
                quota,
            }
        })
        .collect();
    Ok(RetailerSheet {
        code: d.retailer.customer_code.clone(),
        name: d.retailer.name.clone(),
        tier: d.retailer.tier,
        key,
        sample_point: d.retailer.is_sample_point,
        info_reporter: d.retailer.is_info_reporter,
        editable: u.role == Role::AccountManager,
        months,
        lines,
        stock,
    })
}
