//! Sales aggregates over the monthly roll-up (`sales_month`) and the roll-ups derived from it
//! ([`crate::rollup`]), always under a [`ScopeIds`].
//! Volumes are supplied 条 (actual purchases); demand is reported separately where it matters.
use super::ScopeIds;
use crate::{Db, Result, on_db};
use std::collections::HashMap;

/// Volume and amount of one key (price class, brand, county, …) in one month.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct KeyMonth {
    pub key: String,
    pub month: String,
    pub demanded: i64,
    pub qty: i64,
    pub amount_fen: i64,
    /// Distinct retailers with a purchase.
    pub retailers: i64,
}

/// What to group a [`by_key`] aggregate on (a closed set: never user text in SQL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SalesKey {
    PriceClass,
    Brand,
    County,
    Area,
    Rep,
    Sku,
    Manufacturer,
    Total,
}

impl SalesKey {
    fn sql(self) -> &'static str {
        match self {
            SalesKey::PriceClass => "p.price_class",
            SalesKey::Brand => "p.brand",
            SalesKey::County => "CAST(r.county_id AS TEXT)",
            SalesKey::Area => "CAST(r.area_id AS TEXT)",
            SalesKey::Rep => "CAST(COALESCE(r.account_manager_id, 0) AS TEXT)",
            SalesKey::Sku => "p.sku_code",
            SalesKey::Manufacturer => "CAST(p.manufacturer_id AS TEXT)",
            SalesKey::Total => "'total'",
        }
    }
}

impl SalesKey {
    /// Where this key's distinct buying retailers are kept in `sales_reach` (aliased `r`):
    /// (dim, SQL of the key); `None` for SKUs, whose count `sales_cell` holds.
    fn reach(self) -> Option<(&'static str, &'static str)> {
        match self {
            SalesKey::Brand => Some(("BRAND", "r.key")),
            SalesKey::PriceClass => Some(("PRICE_CLASS", "r.key")),
            SalesKey::Manufacturer => Some(("MANUFACTURER", "r.key")),
            SalesKey::Rep | SalesKey::Area | SalesKey::County | SalesKey::Total => {
                Some(("TOTAL", self.sql()))
            }
            SalesKey::Sku => None,
        }
    }

    /// True for the keys of the retailer's owner cell (the roll-ups' rows).
    fn is_place(self) -> bool {
        matches!(
            self,
            SalesKey::Rep | SalesKey::Area | SalesKey::County | SalesKey::Total
        )
    }
}

/// Distinct buying retailers of one month by a key (and a place key first, for two keys), from
/// `sales_reach`: ((place key, key), retailers).
async fn reach(
    db: &Db, scope: ScopeIds, place: Option<SalesKey>, key: SalesKey, month: &str,
    key_brands_only: bool,
) -> Result<HashMap<(String, String), i64>> {
    let Some((dim, k)) = key.reach() else {
        return Ok(HashMap::new());
    };
    let p = place.map_or("'-'", SalesKey::sql);
    let mut group: Vec<&str> = Vec::new();
    if place.is_some_and(|p| p != SalesKey::Total) {
        group.push(p);
    }
    if key != SalesKey::Total {
        group.push(k);
    }
    let group = if group.is_empty() {
        String::new()
    } else {
        format!(" GROUP BY {}", group.join(", "))
    };
    let col = if key_brands_only {
        "key_retailers"
    } else {
        "retailers"
    };
    let q = format!(
        "SELECT {p} AS place, {k} AS key, CAST(COALESCE(SUM(r.{col}), 0) AS BIGINT) AS retailers FROM sales_reach r \
         WHERE {} AND r.month = $4 AND r.dim = $5{group}",
        scope.sql()
    );
    let rows: Vec<(String, String, i64)> = on_db!(db, c => sqlx::query_as(&q)
        .bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(month).bind(dim)
        .fetch_all(c).await)?;
    Ok(rows.into_iter().map(|(p, k, n)| ((p, k), n)).collect())
}

/// Aggregate the months given (each `YYYY-MM`) by one key, optionally only key brands, from the
/// roll-ups (`sales_cell`, `sales_reach`): the same answer as [`by_key_scan`] without reading
/// the city's purchases line by line.
pub async fn by_key(
    db: &Db, scope: ScopeIds, key: SalesKey, months: &[String], key_brands_only: bool,
) -> Result<Vec<KeyMonth>> {
    let mut out = Vec::new();
    for m in months {
        let mut rows = key_month(db, scope, key, m, key_brands_only, Source::Rollup).await?;
        if key != SalesKey::Sku {
            let counts = reach(db, scope, None, key, m, key_brands_only).await?;
            for r in rows.iter_mut() {
                r.retailers = counts
                    .get(&("-".to_string(), r.key.clone()))
                    .copied()
                    .unwrap_or(0);
            }
        }
        out.extend(rows);
    }
    Ok(out)
}

/// [`by_key`] computed from `sales_month` row by row: the reference the roll-ups are tested
/// against.
pub async fn by_key_scan(
    db: &Db, scope: ScopeIds, key: SalesKey, months: &[String], key_brands_only: bool,
) -> Result<Vec<KeyMonth>> {
    let mut out = Vec::new();
    for m in months {
        out.extend(key_month(db, scope, key, m, key_brands_only, Source::Scan).await?);
    }
    Ok(out)
}

/// What [`key_month`] sums: the roll-up (`sales_cell`, aliased `r` like the retailer so the
/// scope applies) or the monthly lines (`sales_month` joined to the retailer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Rollup,
    Scan,
}

/// One month of [`by_key`] from a source; the roll-up leaves `retailers` to [`reach`] but for SKUs.
async fn key_month(
    db: &Db, scope: ScopeIds, key: SalesKey, month: &str, key_brands_only: bool, src: Source,
) -> Result<Vec<KeyMonth>> {
    let k = key.sql();
    // PostgreSQL refuses a constant in GROUP BY: the total groups by month alone.
    let group = if key == SalesKey::Total {
        String::new()
    } else {
        format!("{k}, ")
    };
    let (a, from, retailers, bought) = match src {
        Source::Rollup => (
            "r",
            "sales_cell r JOIN product p ON p.id = r.product_id",
            if key == SalesKey::Sku {
                "CAST(COALESCE(SUM(r.retailers), 0) AS BIGINT)"
            } else {
                "CAST(0 AS BIGINT)"
            },
            "",
        ),
        Source::Scan => (
            "s",
            "sales_month s JOIN retailer r ON r.id = s.retailer_id JOIN product p ON p.id = s.product_id",
            "COUNT(DISTINCT s.retailer_id)",
            " AND s.supplied_qty > 0",
        ),
    };
    let q = format!(
        "SELECT {k} AS key, {a}.month AS month, CAST(COALESCE(SUM({a}.demanded_qty), 0) AS BIGINT) AS demanded, \
         CAST(COALESCE(SUM({a}.supplied_qty), 0) AS BIGINT) AS qty, CAST(COALESCE(SUM({a}.amount_fen), 0) AS BIGINT) AS amount_fen, \
         {retailers} AS retailers FROM {from} \
         WHERE {} AND {a}.month = $4 AND ($5 = FALSE OR p.is_key_brand = TRUE){bought} \
         GROUP BY {group}{a}.month ORDER BY qty DESC",
        scope.sql()
    );
    Ok(on_db!(db, p => sqlx::query_as::<_, KeyMonth>(&q)
        .bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(month).bind(key_brands_only)
        .fetch_all(p).await)?)
}

/// Per-retailer monthly totals (all SKUs) with the retailer's warning group
/// (county, business format, market type), for the months given.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct RetailerMonth {
    pub retailer_id: i64,
    pub customer_code: String,
    pub name: String,
    pub account_manager_id: Option<i64>,
    pub area_id: i64,
    pub county_id: i64,
    pub business_format: String,
    pub market_type: String,
    pub month: String,
    pub qty: i64,
    pub amount_fen: i64,
}

pub async fn retailer_months(
    db: &Db, scope: ScopeIds, months: &[String],
) -> Result<Vec<RetailerMonth>> {
    let scope_sql = scope.sql();
    let mut out = Vec::new();
    for m in months {
        let q = format!(
            "SELECT r.id AS retailer_id, r.customer_code, r.name, r.account_manager_id, r.area_id, r.county_id, r.business_format, r.market_type, s.month, \
             CAST(COALESCE(SUM(s.supplied_qty), 0) AS BIGINT) AS qty, CAST(COALESCE(SUM(s.amount_fen), 0) AS BIGINT) AS amount_fen \
             FROM retailer_month_total s JOIN retailer r ON r.id = s.retailer_id \
             WHERE {scope_sql} AND s.month = $4 \
             GROUP BY r.id, r.customer_code, r.name, r.account_manager_id, r.area_id, r.county_id, r.business_format, r.market_type, s.month"
        );
        out.extend(on_db!(db, p => sqlx::query_as::<_, RetailerMonth>(&q)
            .bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(m).fetch_all(p).await)?);
    }
    Ok(out)
}

/// Monthly totals of the warning groups (county × format × market type) over all retailers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct GroupMonth {
    pub county_id: i64,
    pub business_format: String,
    pub market_type: String,
    pub month: String,
    pub qty: i64,
}

pub async fn group_months(db: &Db, scope: ScopeIds, months: &[String]) -> Result<Vec<GroupMonth>> {
    // The counties the scope's retailers are in first, then every retailer of those counties:
    // as a list of ids both planners see how few retailers that is (a sub-select of the
    // scope's counties made PostgreSQL read the whole month).
    let q = format!(
        "SELECT DISTINCT r.county_id FROM retailer r WHERE {} ORDER BY r.county_id",
        scope.sql()
    );
    let counties: Vec<i64> = on_db!(db, p => sqlx::query_scalar(&q)
        .bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).fetch_all(p).await)?;
    // The groups' months from their roll-up (store::rollup): a few rows per county and month.
    // A group without purchases in the month has no row, as if it had been absent.
    let q = format!(
        "SELECT g.county_id, g.business_format, g.market_type, g.month, g.supplied_qty AS qty \
         FROM sales_group_month g WHERE g.month = $1 AND g.county_id IN {} \
         ORDER BY g.county_id, g.business_format, g.market_type",
        super::id_list(&counties)
    );
    let mut out = Vec::new();
    for m in months {
        out.extend(
            on_db!(db, p => sqlx::query_as::<_, GroupMonth>(&q).bind(m).fetch_all(p).await)?,
        );
    }
    Ok(out)
}

/// Volume of two keys at once (e.g. rep × price class, area × brand) in one month.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct TwoKeyMonth {
    pub key1: String,
    pub key2: String,
    pub month: String,
    pub qty: i64,
    pub amount_fen: i64,
    pub retailers: i64,
}

/// Aggregate the months given by two keys in one query per month: from the roll-ups when the
/// first key is a place (rep, area, county, total) and the second a product key, else from
/// `sales_month`.
pub async fn by_two_keys(
    db: &Db, scope: ScopeIds, k1: SalesKey, k2: SalesKey, months: &[String],
) -> Result<Vec<TwoKeyMonth>> {
    if !k1.is_place() || k2.is_place() {
        return by_two_keys_scan(db, scope, k1, k2, months).await;
    }
    let scope_sql = scope.sql();
    let (a, b) = (k1.sql(), k2.sql());
    let group = if k1 == SalesKey::Total {
        format!("{b}, r.month")
    } else {
        format!("{a}, {b}, r.month")
    };
    let retailers = if k2 == SalesKey::Sku {
        "CAST(COALESCE(SUM(r.retailers), 0) AS BIGINT)"
    } else {
        "CAST(0 AS BIGINT)"
    };
    let mut out = Vec::new();
    for m in months {
        let q = format!(
            "SELECT {a} AS key1, {b} AS key2, r.month AS month, CAST(COALESCE(SUM(r.supplied_qty), 0) AS BIGINT) AS qty, \
             CAST(COALESCE(SUM(r.amount_fen), 0) AS BIGINT) AS amount_fen, {retailers} AS retailers \
             FROM sales_cell r JOIN product p ON p.id = r.product_id \
             WHERE {scope_sql} AND r.month = $4 GROUP BY {group}"
        );
        let mut rows = on_db!(db, p => sqlx::query_as::<_, TwoKeyMonth>(&q)
            .bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(m).fetch_all(p).await)?;
        if k2 != SalesKey::Sku {
            let counts = reach(db, scope, Some(k1), k2, m, false).await?;
            for r in rows.iter_mut() {
                r.retailers = counts
                    .get(&(r.key1.clone(), r.key2.clone()))
                    .copied()
                    .unwrap_or(0);
            }
        }
        out.extend(rows);
    }
    Ok(out)
}

/// [`by_two_keys`] computed from `sales_month` row by row (any pair of keys; the reference the
/// roll-ups are tested against).
pub async fn by_two_keys_scan(
    db: &Db, scope: ScopeIds, k1: SalesKey, k2: SalesKey, months: &[String],
) -> Result<Vec<TwoKeyMonth>> {
    let scope_sql = scope.sql();
    let (a, b) = (k1.sql(), k2.sql());
    let mut out = Vec::new();
    for m in months {
        let q = format!(
            "SELECT {a} AS key1, {b} AS key2, s.month AS month, CAST(COALESCE(SUM(s.supplied_qty), 0) AS BIGINT) AS qty, \
             CAST(COALESCE(SUM(s.amount_fen), 0) AS BIGINT) AS amount_fen, COUNT(DISTINCT s.retailer_id) AS retailers \
             FROM sales_month s JOIN retailer r ON r.id = s.retailer_id JOIN product p ON p.id = s.product_id \
             WHERE {scope_sql} AND s.month = $4 AND s.supplied_qty > 0 GROUP BY {a}, {b}, s.month"
        );
        out.extend(on_db!(db, p => sqlx::query_as::<_, TwoKeyMonth>(&q)
            .bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(m).fetch_all(p).await)?);
    }
    Ok(out)
}

/// How many retailers of an area bought a brand (see [`brand_listing_by_area`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct AreaBrandListing {
    pub area_id: i64,
    pub brand: String,
    pub retailers: i64,
}

/// Distinct retailers per area that bought each brand over a month range (上柜 / listing).
pub async fn brand_listing_by_area(db: &Db, from: &str, to: &str) -> Result<Vec<AreaBrandListing>> {
    // The three months to `to` are kept in `sales_listing` for recent months.
    let window = domain::Month::parse(to).map(|m| m.plus(-2).to_string());
    if window.is_ok_and(|w| w == from) {
        let q = "SELECT COUNT(*) FROM sales_listing WHERE month = $1";
        let n: i64 = on_db!(db, p => sqlx::query_scalar(q).bind(to).fetch_one(p).await)?;
        if n > 0 {
            let q = "SELECT area_id, brand, CAST(SUM(retailers) AS BIGINT) AS retailers FROM sales_listing \
                     WHERE month = $1 GROUP BY area_id, brand";
            return Ok(on_db!(db, p => sqlx::query_as(q).bind(to).fetch_all(p).await)?);
        }
    }
    brand_listing_scan(db, from, to).await
}

/// [`brand_listing_by_area`] from `sales_month` (any range; the reference of the roll-up).
pub async fn brand_listing_scan(db: &Db, from: &str, to: &str) -> Result<Vec<AreaBrandListing>> {
    let q = "SELECT r.area_id, p.brand, COUNT(DISTINCT s.retailer_id) AS retailers FROM sales_month s JOIN retailer r ON r.id = s.retailer_id \
             JOIN product p ON p.id = s.product_id WHERE s.month >= $1 AND s.month <= $2 AND s.supplied_qty > 0 GROUP BY r.area_id, p.brand";
    Ok(on_db!(db, p => sqlx::query_as(q).bind(from).bind(to).fetch_all(p).await)?)
}

/// One month of one retailer's purchases (see [`retailer_history`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct RetailerMonthTotals {
    pub month: String,
    pub demanded: i64,
    pub supplied: i64,
    pub amount_fen: i64,
}

/// One retailer's months over `from..=to`, by month.
pub async fn retailer_history(
    db: &Db, retailer_id: i64, from: &str, to: &str,
) -> Result<Vec<RetailerMonthTotals>> {
    let q = "SELECT month, CAST(SUM(demanded_qty) AS BIGINT) AS demanded, CAST(SUM(supplied_qty) AS BIGINT) AS supplied, \
             CAST(SUM(amount_fen) AS BIGINT) AS amount_fen \
             FROM sales_month WHERE retailer_id = $1 AND month >= $2 AND month <= $3 GROUP BY month ORDER BY month";
    Ok(
        on_db!(db, p => sqlx::query_as::<_, RetailerMonthTotals>(q).bind(retailer_id).bind(from).bind(to).fetch_all(p).await)?,
    )
}

/// One SKU of one retailer summed over a month range (see [`retailer_skus`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct RetailerSkuTotals {
    pub sku_code: String,
    pub brand: String,
    pub spec_name: String,
    pub price_class: String,
    pub demanded: i64,
    pub supplied: i64,
    pub amount_fen: i64,
}

/// A retailer's `limit` largest SKUs (by supplied) over a month range.
pub async fn retailer_skus(
    db: &Db, retailer_id: i64, from: &str, to: &str, limit: i64,
) -> Result<Vec<RetailerSkuTotals>> {
    let q = "SELECT p.sku_code, p.brand, p.spec_name, p.price_class, CAST(SUM(s.demanded_qty) AS BIGINT) AS demanded, \
             CAST(SUM(s.supplied_qty) AS BIGINT) AS supplied, CAST(SUM(s.amount_fen) AS BIGINT) AS amount_fen \
             FROM sales_month s JOIN product p ON p.id = s.product_id WHERE s.retailer_id = $1 AND s.month >= $2 AND s.month <= $3 \
             GROUP BY p.sku_code, p.brand, p.spec_name, p.price_class ORDER BY 6 DESC LIMIT $4";
    Ok(
        on_db!(db, p => sqlx::query_as(q).bind(retailer_id).bind(from).bind(to).bind(limit).fetch_all(p).await)?,
    )
}

/// Distinct retailers in scope that bought each brand over a month range (上柜 / listing).
pub async fn brand_listing(
    db: &Db, scope: ScopeIds, from: &str, to: &str,
) -> Result<Vec<(String, i64)>> {
    let scope_sql = scope.sql();
    let q = format!(
        "SELECT p.brand, COUNT(DISTINCT s.retailer_id) FROM sales_month s JOIN retailer r ON r.id = s.retailer_id \
         JOIN product p ON p.id = s.product_id WHERE {scope_sql} AND s.month >= $4 AND s.month <= $5 AND s.supplied_qty > 0 GROUP BY p.brand"
    );
    Ok(
        on_db!(db, p => sqlx::query_as(&q).bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(from).bind(to).fetch_all(p).await)?,
    )
}

/// The latest month that has sales, if any.
pub async fn latest_month(db: &Db) -> Result<Option<String>> {
    Ok(
        on_db!(db, p => sqlx::query_scalar("SELECT MAX(month) FROM sales_month").fetch_one(p).await)?,
    )
}
