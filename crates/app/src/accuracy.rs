//! Forecast accuracy and order fill once a month's orders are in (domain.md §5.2, §6), per rep,
//! area, SKU, method and retailer, and each method's accuracy against the model's for the same
//! retailers. The formulas are `forecast::metrics`' (written once); this module only groups.
//!
//! Definitions (stated on the page too):
//! - A = demand-side actual (`sales_month.demanded_qty`, not quota-cut purchases), F = the
//!   submitted forecast in force (`forecast.quantity`); a pair with demand but no forecast counts
//!   with F = 0, a forecast without demand with A = 0;
//! - weighted accuracy `1 − Σ|A − F| / ΣA` (the appraisal KPI), total-level `1 − |ΣA − ΣF| / ΣA`,
//!   mean cell accuracy (cell: 1 if A = F = 0, 0 if A = 0 < F, else `max(0, 1 − |A − F|/A)`);
//! - order fill `order_fill_rate = Σ supplied / Σ demanded` (§6).
use crate::{App, AppError, AppResult, CurrentUser, Scope};
use domain::Month;
use forecast::metrics;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccuracyBy {
    Rep,
    Area,
    Sku,
    Method,
    Retailer,
    Total,
}

/// One cell of the comparison.
#[derive(Debug, Clone)]
pub struct Cell {
    pub retailer_id: i64,
    pub customer_code: String,
    pub rep_id: Option<i64>,
    pub area_id: i64,
    pub sku: String,
    pub method: String,
    pub forecast: i64,
    pub model: Option<i64>,
    pub interactive: Option<i64>,
    pub actual: i64,
    pub supplied: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccuracyRow {
    pub key: String,
    pub cells: usize,
    pub actual: i64,
    pub forecast: i64,
    pub supplied: i64,
    pub weighted_accuracy: Option<f64>,
    pub total_accuracy: Option<f64>,
    pub mean_cell_accuracy: Option<f64>,
    pub order_fill_rate: Option<f64>,
}

/// Does the interactive forecast beat the model for the same retailers?
#[derive(Debug, Clone, Serialize)]
pub struct MethodComparison {
    /// Retailers with both an interactive and a model figure on some SKU.
    pub retailers: usize,
    pub interactive_better: usize,
    pub model_better: usize,
    pub ties: usize,
    /// Weighted accuracy over those cells, interactive figures vs model figures.
    pub interactive_accuracy: Option<f64>,
    pub model_accuracy: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccuracyOut {
    pub month: String,
    pub by: String,
    pub definitions: Vec<&'static str>,
    pub rows: Vec<AccuracyRow>,
    pub comparison: MethodComparison,
}

pub const DEFINITIONS: [&str; 4] = [
    "A = 需求量（需求记录，非按货源截断后的购进量），F = 已提交的预测数；有需求无预测按 F = 0，有预测无需求按 A = 0",
    "加权准确率 = 1 − Σ|A − F| / ΣA（考核口径）；总量准确率 = 1 − |ΣA − ΣF| / ΣA",
    "单元准确率：A = F = 0 为 1，A = 0 < F 为 0，否则 max(0, 1 − |A − F| / A)；表中为单元准确率的平均",
    "订单满足率 = Σ 实际购进量 / Σ 需求量",
];

/// Group cells and compute each group's figures with `forecast::metrics`.
pub fn group(cells: &[Cell], by: AccuracyBy, names: &HashMap<i64, String>) -> Vec<AccuracyRow> {
    let mut g: BTreeMap<String, Vec<&Cell>> = BTreeMap::new();
    for c in cells {
        let k = match by {
            AccuracyBy::Rep => c
                .rep_id
                .and_then(|i| names.get(&i).cloned())
                .unwrap_or_else(|| "-".into()),
            AccuracyBy::Area => names
                .get(&c.area_id)
                .cloned()
                .unwrap_or_else(|| c.area_id.to_string()),
            AccuracyBy::Sku => c.sku.clone(),
            AccuracyBy::Method => c.method.clone(),
            AccuracyBy::Retailer => c.customer_code.clone(),
            AccuracyBy::Total => "total".into(),
        };
        g.entry(k).or_default().push(c);
    }
    g.into_iter()
        .map(|(key, cs)| {
            let a: Vec<i64> = cs.iter().map(|c| c.actual).collect();
            let f: Vec<i64> = cs.iter().map(|c| c.forecast).collect();
            let cell = metrics::cell_accuracies(&a, &f);
            let supplied: i64 = cs.iter().map(|c| c.supplied).sum();
            let actual: i64 = a.iter().sum();
            AccuracyRow {
                key,
                cells: cs.len(),
                actual,
                forecast: f.iter().sum(),
                supplied,
                weighted_accuracy: metrics::weighted_accuracy(&a, &f),
                total_accuracy: metrics::total_accuracy(&a, &f),
                mean_cell_accuracy: (!cell.is_empty())
                    .then(|| cell.iter().sum::<f64>() / cell.len() as f64),
                order_fill_rate: (actual > 0).then(|| supplied as f64 / actual as f64),
            }
        })
        .collect()
}

/// Interactive vs model on the cells that have both figures, retailer by retailer.
pub fn compare(cells: &[Cell]) -> MethodComparison {
    let both: Vec<&Cell> = cells
        .iter()
        .filter(|c| c.interactive.is_some() && c.model.is_some())
        .collect();
    let mut by_r: BTreeMap<i64, Vec<&Cell>> = BTreeMap::new();
    for c in &both {
        by_r.entry(c.retailer_id).or_default().push(c);
    }
    let acc = |cs: &[&Cell], pick: fn(&Cell) -> i64| {
        let a: Vec<i64> = cs.iter().map(|c| c.actual).collect();
        let f: Vec<i64> = cs.iter().map(|c| pick(c)).collect();
        metrics::weighted_accuracy(&a, &f)
    };
    let inter = |c: &Cell| c.interactive.unwrap_or(0);
    let model = |c: &Cell| c.model.unwrap_or(0);
    let (mut ib, mut mb, mut ties) = (0, 0, 0);
    for cs in by_r.values() {
        // Compare absolute errors (defined even where ΣA = 0).
        let ei: i64 = cs.iter().map(|c| (c.actual - inter(c)).abs()).sum();
        let em: i64 = cs.iter().map(|c| (c.actual - model(c)).abs()).sum();
        match ei.cmp(&em) {
            std::cmp::Ordering::Less => ib += 1,
            std::cmp::Ordering::Greater => mb += 1,
            std::cmp::Ordering::Equal => ties += 1,
        }
    }
    MethodComparison {
        retailers: by_r.len(),
        interactive_better: ib,
        model_better: mb,
        ties,
        interactive_accuracy: acc(&both, inter),
        model_accuracy: acc(&both, model),
    }
}

/// The cells of `target` in the person's scope.
pub async fn cells(app: &App, user: &CurrentUser, target: Month) -> AppResult<Vec<Cell>> {
    if app.clock.today() <= target.last_day() {
        return Err(AppError::Conflict(format!(
            "{target} 的订单尚未全部到齐（月末之后才能计算准确率）"
        )));
    }
    let scope = Scope::of(&app.db, user).await?.ids();
    let m = target.to_string();
    let fs = store::repo::forecasts::list(&app.db, scope, &m).await?;
    let acts = store::repo::forecasts::actuals(&app.db, scope, &m).await?;
    let mut act: HashMap<(i64, i64), (i64, i64)> = acts
        .iter()
        .map(|a| ((a.retailer_id, a.product_id), (a.demanded, a.supplied)))
        .collect();
    let mut out: Vec<Cell> = fs
        .iter()
        .map(|f| {
            let (a, s) = act.remove(&(f.retailer_id, f.product_id)).unwrap_or((0, 0));
            Cell {
                retailer_id: f.retailer_id,
                customer_code: f.customer_code.clone(),
                rep_id: f.rep_id,
                area_id: f.area_id,
                sku: f.sku_code.clone(),
                method: f.method.clone(),
                forecast: f.quantity,
                model: f.model_qty,
                interactive: f.interactive_qty,
                actual: a,
                supplied: s,
            }
        })
        .collect();
    if !act.is_empty() {
        // Demand without a forecast: F = 0, method "NONE".
        let retailers = store::repo::forecasts::retailer_keys(&app.db, scope).await?;
        let products: HashMap<i64, String> =
            store::repo::product::list(&app.db, &Default::default())
                .await?
                .into_iter()
                .map(|p| (p.id, p.sku_code))
                .collect();
        for ((r, p), (a, s)) in act {
            if a == 0 && s == 0 {
                continue;
            }
            let info = retailers.get(&r);
            out.push(Cell {
                retailer_id: r,
                customer_code: info.map(|i| i.customer_code.clone()).unwrap_or_default(),
                rep_id: info.and_then(|i| i.rep_id),
                area_id: info.map(|i| i.area_id).unwrap_or_default(),
                sku: products.get(&p).cloned().unwrap_or_default(),
                method: "NONE".into(),
                forecast: 0,
                model: None,
                interactive: None,
                actual: a,
                supplied: s,
            });
        }
    }
    Ok(out)
}

/// Accuracy and order fill of `target` grouped by `by`.
pub async fn accuracy(
    app: &App,
    user: &CurrentUser,
    target: Month,
    by: AccuracyBy,
) -> AppResult<AccuracyOut> {
    let cells = cells(app, user, target).await?;
    of_cells(app, &cells, target, by).await
}

/// Accuracy and order fill of `target` grouped each way of `bys`, from one read of the month's
/// cells (the meeting page shows three groupings of the same company-wide month).
pub async fn accuracy_by(
    app: &App,
    user: &CurrentUser,
    target: Month,
    bys: &[AccuracyBy],
) -> AppResult<Vec<AccuracyOut>> {
    let cells = cells(app, user, target).await?;
    let mut out = Vec::with_capacity(bys.len());
    for &by in bys {
        out.push(of_cells(app, &cells, target, by).await?);
    }
    Ok(out)
}

async fn of_cells(
    app: &App,
    cells: &[Cell],
    target: Month,
    by: AccuracyBy,
) -> AppResult<AccuracyOut> {
    let mut names: HashMap<i64, String> = HashMap::new();
    for s in store::repo::staff::list(&app.db, Some("account_manager"), None).await? {
        names.insert(s.id, s.username);
    }
    for u in store::repo::staff::org_units(&app.db).await? {
        names.entry(u.id).or_insert(u.name);
    }
    let names = if by == AccuracyBy::Area {
        store::repo::staff::org_units(&app.db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect()
    } else {
        names
    };
    Ok(AccuracyOut {
        month: target.to_string(),
        by: format!("{by:?}").to_lowercase(),
        definitions: DEFINITIONS.to_vec(),
        rows: group(cells, by, &names),
        comparison: compare(cells),
    })
}
