//! Totals of a month's forecast in the person's scope: by SKU, brand or price class against last
//! month's and last year's demand, and per rep (summed in the database).
use super::working_month;
use crate::{App, AppError, AppResult, CurrentUser, Scope};
use domain::Month;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use store::repo::forecasts as repo;
use store::repo::product::ProductName;
use store::repo::sales;

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
    app: &App, user: &CurrentUser, target: Month, by: TotalsBy,
) -> AppResult<Vec<TotalRow>> {
    let all = totals_all(app, user, target).await?;
    Ok(match by {
        TotalsBy::Sku => all.by_sku,
        TotalsBy::Brand => all.by_brand,
        TotalsBy::PriceClass => all.by_class,
    })
}

/// The three groupings of [`totals`] at once (the forecast page shows them all).
#[derive(Debug, Clone, Serialize)]
pub struct AllTotals {
    pub by_sku: Vec<TotalRow>,
    pub by_brand: Vec<TotalRow>,
    pub by_class: Vec<TotalRow>,
}

/// [`totals`] by SKU, brand and price class from one read of the month's forecast per SKU and
/// one of the demand per SKU (the brand and class rows are sums of their SKUs').
pub async fn totals_all(app: &App, user: &CurrentUser, target: Month) -> AppResult<AllTotals> {
    let products = store::repo::product::names(&app.db).await?;
    totals_of(app, user, target, &products).await
}

/// [`totals_all`] over the SKU list `products` the caller has already read (the forecast page
/// labels its rows from the same list).
pub async fn totals_of(
    app: &App, user: &CurrentUser, target: Month, products: &[ProductName],
) -> AppResult<AllTotals> {
    let scope = Scope::of(&app.db, user).await?.ids();
    let by_id: HashMap<i64, &ProductName> = products.iter().map(|p| (p.id, p)).collect();
    let by_code: HashMap<&str, &ProductName> =
        products.iter().map(|p| (p.sku_code.as_str(), p)).collect();
    let sums = repo::product_sums(&app.db, scope, &target.to_string()).await?;
    let lm = working_month(target).prev().to_string();
    let ly = target.same_month_last_year().to_string();
    let demand = sales::by_key(
        &app.db,
        scope,
        sales::SalesKey::Sku,
        &[lm.clone(), ly.clone()],
        false,
    )
    .await?;
    let group = |key: fn(&ProductName) -> &str| {
        let mut map: BTreeMap<String, TotalRow> = BTreeMap::new();
        for s in &sums {
            let Some(p) = by_id.get(&s.product_id) else {
                continue;
            };
            let e = entry(&mut map, key(p));
            e.forecast += s.quantity;
            e.pairs += s.records;
        }
        for km in &demand {
            let k = by_code
                .get(km.key.as_str())
                .map_or(km.key.as_str(), |p| key(p));
            let e = entry(&mut map, k);
            if km.month == lm {
                e.last_month_demand += km.demanded;
            } else {
                e.last_year_demand += km.demanded;
            }
        }
        let mut v: Vec<TotalRow> = map.into_values().collect();
        v.sort_by(|a, b| b.forecast.cmp(&a.forecast).then(a.key.cmp(&b.key)));
        v
    };
    Ok(AllTotals {
        by_sku: group(|p| &p.sku_code),
        by_brand: group(|p| &p.brand),
        by_class: group(|p| &p.price_class),
    })
}

fn entry<'a>(map: &'a mut BTreeMap<String, TotalRow>, k: &str) -> &'a mut TotalRow {
    map.entry(k.to_string()).or_insert_with(|| TotalRow {
        key: k.to_string(),
        forecast: 0,
        pairs: 0,
        last_month_demand: 0,
        last_year_demand: 0,
    })
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
    Ok(repo::rep_sums(&app.db, scope, &target.to_string())
        .await?
        .into_iter()
        .map(|s| RepSum {
            rep_id: s.rep_id,
            quantity: s.quantity,
            records: s.records,
            retailers: s.retailers,
        })
        .collect())
}

/// The records of a month the person may see.
pub async fn list(
    app: &App, user: &CurrentUser, target: Month,
) -> AppResult<Vec<store::repo::forecasts::ForecastView>> {
    let scope = Scope::of(&app.db, user).await?.ids();
    Ok(repo::list(&app.db, scope, &target.to_string()).await?)
}

/// The records of a month the person may see, summed per retailer (by customer code).
pub async fn retailer_sums(
    app: &App, user: &CurrentUser, target: Month,
) -> AppResult<Vec<store::repo::forecasts::RetailerForecastSum>> {
    let scope = Scope::of(&app.db, user).await?.ids();
    Ok(repo::retailer_sums(&app.db, scope, &target.to_string()).await?)
}

/// Forecast records on one page of the API when the caller does not say.
pub const DEFAULT_PER_PAGE: i64 = 1_000;

/// Most forecast records one page of the API answers.
pub const MAX_PER_PAGE: i64 = 20_000;

/// One page (from 1) of [`list`], with the number of records in all: the API's answer, so a
/// company-wide list (200,000 records in the default city) never goes out in one body.
pub async fn list_page(
    app: &App, user: &CurrentUser, target: Month, page: i64, per_page: i64,
) -> AppResult<(Vec<store::repo::forecasts::ForecastView>, i64)> {
    if page < 1 {
        return Err(AppError::invalid("page", "页码从 1 开始"));
    }
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(AppError::invalid(
            "per_page",
            format!("每页条数应在 1–{MAX_PER_PAGE} 之间"),
        ));
    }
    let scope = Scope::of(&app.db, user).await?.ids();
    let m = target.to_string();
    let total = repo::count(&app.db, scope, &m).await?;
    let offset = (page - 1).saturating_mul(per_page);
    let rows = repo::list_page(&app.db, scope, &m, per_page, offset).await?;
    Ok((rows, total))
}
