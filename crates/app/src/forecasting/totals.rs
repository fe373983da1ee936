//! Totals of a month's forecast in the person's scope: by SKU, brand or price class against last
//! month's and last year's demand, and per rep (summed in the database).
use super::working_month;
use crate::{App, AppError, AppResult, CurrentUser, Scope};
use domain::Month;
use serde::Serialize;
use store::repo::forecasts as repo;
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

/// Most forecast records one page of the API answers.
pub const MAX_PER_PAGE: i64 = 20_000;

/// One page (from 1) of [`list`], with the number of records in all: the API's answer, so a
/// company-wide list (200,000 records in the default city) never goes out in one body.
pub async fn list_page(
    app: &App,
    user: &CurrentUser,
    target: Month,
    page: i64,
    per_page: i64,
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
