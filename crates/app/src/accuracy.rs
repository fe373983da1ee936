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
use store::repo::ScopeIds;
use store::repo::accuracy::{AccCell, AccDims, AccPair, PairSums};

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
    pub county_id: i64,
    pub product_id: i64,
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

/// The group a cell falls in: the rep's username, the area's name, the SKU, the method, the
/// retailer's code, or the total.
fn group_key(
    by: AccuracyBy, names: &GroupNames, rep_id: Option<i64>, area_id: i64, sku: &str, method: &str,
    customer_code: &str,
) -> String {
    match by {
        AccuracyBy::Rep => rep_id
            .and_then(|i| names.reps.get(&i).cloned())
            .unwrap_or_else(|| "-".into()),
        AccuracyBy::Area => names
            .units
            .get(&area_id)
            .cloned()
            .unwrap_or_else(|| area_id.to_string()),
        AccuracyBy::Sku => sku.to_string(),
        AccuracyBy::Method => method.to_string(),
        AccuracyBy::Retailer => customer_code.to_string(),
        AccuracyBy::Total => "total".into(),
    }
}

/// Group cells and compute each group's figures with `forecast::metrics`.
pub fn group(cells: &[Cell], by: AccuracyBy, names: &GroupNames) -> Vec<AccuracyRow> {
    let mut g: BTreeMap<String, Vec<&Cell>> = BTreeMap::new();
    for c in cells {
        let k = group_key(
            by,
            names,
            c.rep_id,
            c.area_id,
            &c.sku,
            &c.method,
            &c.customer_code,
        );
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
    closed(app, target)?;
    let scope = Scope::of(&app.db, user).await?.ids();
    read_cells(app, scope, target).await
}

/// The refusal while a month's orders are not all in (accuracy needs the whole month).
fn closed(app: &App, target: Month) -> AppResult<()> {
    if app.clock.today() <= target.last_day() {
        return Err(AppError::Conflict(format!(
            "{target} 的订单尚未全部到齐（月末之后才能计算准确率）"
        )));
    }
    Ok(())
}

/// The cells of `target` in a scope, whatever the date.
async fn read_cells(app: &App, scope: ScopeIds, target: Month) -> AppResult<Vec<Cell>> {
    let m = target.to_string();
    let fs = store::repo::forecasts::cells(&app.db, scope, &m).await?;
    let acts = store::repo::forecasts::actuals(&app.db, scope, &m).await?;
    let retailers = store::repo::forecasts::retailer_keys(&app.db, scope).await?;
    let products: HashMap<i64, String> = store::repo::product::names(&app.db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.sku_code))
        .collect();
    let mut act: HashMap<(i64, i64), (i64, i64)> = acts
        .iter()
        .map(|a| ((a.retailer_id, a.product_id), (a.demanded, a.supplied)))
        .collect();
    let cell = |r: i64, p: i64, method: String| {
        let info = retailers.get(&r);
        Cell {
            retailer_id: r,
            customer_code: info.map(|i| i.customer_code.clone()).unwrap_or_default(),
            rep_id: info.and_then(|i| i.rep_id),
            area_id: info.map(|i| i.area_id).unwrap_or_default(),
            county_id: info.map(|i| i.county_id).unwrap_or_default(),
            product_id: p,
            sku: products.get(&p).cloned().unwrap_or_default(),
            method,
            forecast: 0,
            model: None,
            interactive: None,
            actual: 0,
            supplied: 0,
        }
    };
    let mut out: Vec<Cell> = Vec::with_capacity(fs.len() + act.len() / 8);
    for f in fs {
        let (a, s) = act.remove(&(f.retailer_id, f.product_id)).unwrap_or((0, 0));
        out.push(Cell {
            forecast: f.quantity,
            model: f.model_qty,
            interactive: f.interactive_qty,
            actual: a,
            supplied: s,
            ..cell(f.retailer_id, f.product_id, f.method)
        });
    }
    // Demand without a forecast: F = 0, method "NONE".
    for ((r, p), (a, s)) in act {
        if a == 0 && s == 0 {
            continue;
        }
        out.push(Cell {
            actual: a,
            supplied: s,
            ..cell(r, p, "NONE".into())
        });
    }
    Ok(out)
}

/// Accuracy and order fill of `target` grouped by `by`.
pub async fn accuracy(
    app: &App, user: &CurrentUser, target: Month, by: AccuracyBy,
) -> AppResult<AccuracyOut> {
    let mut out = accuracy_by(app, user, target, &[by]).await?;
    Ok(out.remove(0))
}

/// Accuracy and order fill of `target` grouped each way of `bys`, from one read of the month's
/// cells (the meeting page shows three groupings of the same company-wide month).
pub async fn accuracy_by(
    app: &App, user: &CurrentUser, target: Month, bys: &[AccuracyBy],
) -> AppResult<Vec<AccuracyOut>> {
    if !bys.contains(&AccuracyBy::Retailer) {
        closed(app, target)?;
        let scope = Scope::of(&app.db, user).await?.ids();
        let dims = AccDims {
            area: bys.contains(&AccuracyBy::Area),
            rep: bys.contains(&AccuracyBy::Rep),
            product: bys.contains(&AccuracyBy::Sku),
            method: bys.contains(&AccuracyBy::Method),
        };
        let (cells, pairs) = rolled(app, scope, target, dims).await?;
        let names = group_names(app).await?;
        let skus: HashMap<i64, String> = store::repo::product::names(&app.db)
            .await?
            .into_iter()
            .map(|p| (p.id, p.sku_code))
            .collect();
        return Ok(bys
            .iter()
            .map(|&by| AccuracyOut {
                month: target.to_string(),
                by: format!("{by:?}").to_lowercase(),
                definitions: DEFINITIONS.to_vec(),
                rows: group_rolled(&cells, by, &names, &skus),
                comparison: compare_rolled(pairs),
            })
            .collect());
    }
    let cells = cells(app, user, target).await?;
    let mut out = Vec::with_capacity(bys.len());
    for &by in bys {
        out.push(of_cells(app, &cells, target, by).await?);
    }
    Ok(out)
}

/// Names of the groups: reps by username, areas by name.
pub struct GroupNames {
    reps: HashMap<i64, String>,
    units: HashMap<i64, String>,
}

async fn group_names(app: &App) -> AppResult<GroupNames> {
    Ok(GroupNames {
        reps: store::repo::staff::list(&app.db, Some("account_manager"), None)
            .await?
            .into_iter()
            .map(|s| (s.id, s.username))
            .collect(),
        units: store::repo::staff::org_units(&app.db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect(),
    })
}

/// The month's roll-up in a scope summed to `dims`, written first when missing (never written,
/// or marked out of date by a forecast write or a sales rebuild).
async fn rolled(
    app: &App, scope: ScopeIds, target: Month, dims: AccDims,
) -> AppResult<(Vec<AccCell>, PairSums)> {
    let m = target.to_string();
    if let Some(found) = store::repo::accuracy::month(&app.db, scope, &m, dims).await? {
        return Ok(found);
    }
    refresh(app, target).await?;
    Ok(store::repo::accuracy::month(&app.db, scope, &m, dims)
        .await?
        .unwrap_or_default())
}

/// Write the accuracy roll-up of `target` (company-wide) from its cells: the additive parts of
/// each figure per owner cell × SKU × method, and each retailer's interactive and model errors.
/// The city load's history and the start-up write the closed months'; a month's forecast
/// changes or a new load of its orders clear it (see `store::repo::accuracy`).
pub async fn refresh(app: &App, target: Month) -> AppResult<()> {
    let cells = read_cells(app, ScopeIds::default(), target).await?;
    let mut agg: HashMap<(i64, i64, Option<i64>, i64, &str), AccCell> = HashMap::new();
    let mut pairs: BTreeMap<i64, AccPair> = BTreeMap::new();
    for c in &cells {
        let e = agg
            .entry((
                c.county_id,
                c.area_id,
                c.rep_id,
                c.product_id,
                c.method.as_str(),
            ))
            .or_insert_with(|| AccCell {
                county_id: c.county_id,
                area_id: c.area_id,
                account_manager_id: c.rep_id,
                product_id: c.product_id,
                method: c.method.clone(),
                cells: 0,
                actual: 0,
                forecast: 0,
                supplied: 0,
                abs_err: 0,
                cell_acc_sum: 0.0,
            });
        e.cells += 1;
        e.actual += c.actual;
        e.forecast += c.forecast;
        e.supplied += c.supplied;
        e.abs_err += (c.actual - c.forecast).abs();
        e.cell_acc_sum += metrics::cell_accuracy(c.actual, c.forecast);
        if let (Some(i), Some(mo)) = (c.interactive, c.model) {
            let p = pairs.entry(c.retailer_id).or_insert_with(|| AccPair {
                county_id: c.county_id,
                area_id: c.area_id,
                account_manager_id: c.rep_id,
                retailer_id: c.retailer_id,
                actual: 0,
                err_interactive: 0,
                err_model: 0,
            });
            p.actual += c.actual;
            p.err_interactive += (c.actual - i).abs();
            p.err_model += (c.actual - mo).abs();
        }
    }
    let rows: Vec<AccCell> = agg.into_values().collect();
    let pairs: Vec<AccPair> = pairs.into_values().collect();
    store::repo::accuracy::replace_month(
        &app.db,
        &target.to_string(),
        &rows,
        &pairs,
        app.clock.now(),
    )
    .await?;
    Ok(())
}

/// Write the roll-ups of the months with forecasts that ended before today and have none.
pub async fn refresh_missing(app: &App) -> AppResult<usize> {
    let this = Month::of(app.clock.today()).to_string();
    let months = store::repo::accuracy::months_missing(&app.db, &this).await?;
    for m in &months {
        refresh(app, Month::parse(m)?).await?;
    }
    Ok(months.len())
}

/// [`group`] over the roll-up's rows (every grouping but by retailer).
fn group_rolled(
    cells: &[AccCell], by: AccuracyBy, names: &GroupNames, skus: &HashMap<i64, String>,
) -> Vec<AccuracyRow> {
    let mut g: BTreeMap<String, [i64; 5]> = BTreeMap::new();
    let mut acc_sum: HashMap<String, f64> = HashMap::new();
    for c in cells {
        let sku = skus.get(&c.product_id).map_or("", String::as_str);
        // The roll-up has no retailer rows: grouping by retailer reads the cells instead.
        let k = group_key(
            by,
            names,
            c.account_manager_id,
            c.area_id,
            sku,
            &c.method,
            "total",
        );
        *acc_sum.entry(k.clone()).or_default() += c.cell_acc_sum;
        let e = g.entry(k).or_default();
        e[0] += c.cells;
        e[1] += c.actual;
        e[2] += c.forecast;
        e[3] += c.supplied;
        e[4] += c.abs_err;
    }
    g.into_iter()
        .map(
            |(key, [cells, actual, forecast, supplied, abs_err])| AccuracyRow {
                cells: cells as usize,
                actual,
                forecast,
                supplied,
                weighted_accuracy: metrics::weighted_accuracy_of_sums(
                    abs_err as f64,
                    actual as f64,
                ),
                total_accuracy: metrics::total_accuracy_of_sums(actual as f64, forecast as f64),
                mean_cell_accuracy: (cells > 0).then(|| acc_sum[&key] / cells as f64),
                order_fill_rate: (actual > 0).then(|| supplied as f64 / actual as f64),
                key,
            },
        )
        .collect()
}

/// [`compare`] over the roll-up's retailer rows, summed in the database.
fn compare_rolled(p: PairSums) -> MethodComparison {
    MethodComparison {
        retailers: p.retailers as usize,
        interactive_better: p.interactive_better as usize,
        model_better: p.model_better as usize,
        ties: p.ties as usize,
        interactive_accuracy: metrics::weighted_accuracy_of_sums(
            p.err_interactive as f64,
            p.actual as f64,
        ),
        model_accuracy: metrics::weighted_accuracy_of_sums(p.err_model as f64, p.actual as f64),
    }
}

async fn of_cells(
    app: &App, cells: &[Cell], target: Month, by: AccuracyBy,
) -> AppResult<AccuracyOut> {
    let names = group_names(app).await?;
    Ok(AccuracyOut {
        month: target.to_string(),
        by: format!("{by:?}").to_lowercase(),
        definitions: DEFINITIONS.to_vec(),
        rows: group(cells, by, &names),
        comparison: compare(cells),
    })
}
