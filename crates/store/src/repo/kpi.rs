//! The monthly sums the §6 KPIs are ratios of (`domain::kpi::KpiSums`), for a scope grouped by
//! a place (company, county, area, rep) from the roll-ups `sales_cell` and `sales_reach`, or per
//! retailer from `sales_month` (a rep's retailers, one retailer).
use super::ScopeIds;
use crate::{Db, Result, on_db};

/// The level a scope's figures are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Company,
    County,
    Area,
    Rep,
}

impl Place {
    /// The place's id on the owner cell `r` (0 for the company; a cell without a rep is 0).
    fn sql(self) -> &'static str {
        match self {
            Place::Company => "CAST(0 AS BIGINT)",
            Place::County => "r.county_id",
            Place::Area => "r.area_id",
            Place::Rep => "CAST(COALESCE(r.account_manager_id, 0) AS BIGINT)",
        }
    }
}

/// Which SKUs a KPI figure counts: all, one brand's, or one SKU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut<'a> {
    All,
    Brand(&'a str),
    Sku(i64),
}

/// One place's (or retailer's) month.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct PlaceMonth {
    pub place: i64,
    pub month: String,
    pub qty: i64,
    pub amount_fen: i64,
    pub demanded: i64,
    pub key_qty: i64,
    pub class12_qty: i64,
    pub buyers: i64,
    /// Retailers with a demand record (需求量 > 0) in the month.
    pub demand_retailers: i64,
    /// Retailers that bought in the three months before.
    pub prev3_buyers: i64,
}

const SUMS: &str = "CAST(COALESCE(SUM(r.supplied_qty), 0) AS BIGINT) AS qty, \
     CAST(COALESCE(SUM(r.amount_fen), 0) AS BIGINT) AS amount_fen, \
     CAST(COALESCE(SUM(r.demanded_qty), 0) AS BIGINT) AS demanded, \
     CAST(COALESCE(SUM(CASE WHEN p.is_key_brand = TRUE THEN r.supplied_qty ELSE 0 END), 0) AS BIGINT) AS key_qty, \
     CAST(COALESCE(SUM(CASE WHEN p.price_class IN ('CLASS_1', 'CLASS_2') THEN r.supplied_qty ELSE 0 END), 0) AS BIGINT) AS class12_qty";

/// Months as an SQL list of literals (checked `YYYY-MM` strings only).
fn month_list(months: &[String]) -> String {
    let ok: Vec<String> = months
        .iter()
        .filter(|m| domain::Month::parse(m).is_ok())
        .map(|m| format!("'{m}'"))
        .collect();
    if ok.is_empty() {
        "(NULL)".into()
    } else {
        format!("({})", ok.join(", "))
    }
}

/// A scope's months grouped by `place`, from the roll-up `kpi_cell` in one query.
pub async fn place_months(
    db: &Db, scope: ScopeIds, place: Place, months: &[String],
) -> Result<Vec<PlaceMonth>> {
    let (s, k) = (scope.sql(), place.sql());
    let q = format!(
        "SELECT {k} AS place, r.month, CAST(SUM(r.qty) AS BIGINT) AS qty, CAST(SUM(r.amount_fen) AS BIGINT) AS amount_fen, \
         CAST(SUM(r.demanded_qty) AS BIGINT) AS demanded, CAST(SUM(r.key_qty) AS BIGINT) AS key_qty, \
         CAST(SUM(r.class12_qty) AS BIGINT) AS class12_qty, CAST(SUM(r.buyers) AS BIGINT) AS buyers, \
         CAST(SUM(r.demand_retailers) AS BIGINT) AS demand_retailers, CAST(SUM(r.prev3_buyers) AS BIGINT) AS prev3_buyers \
         FROM kpi_cell r WHERE {s} AND r.month IN {} GROUP BY {k}, r.month",
        month_list(months)
    );
    Ok(on_db!(db, c => sqlx::query_as::<_, PlaceMonth>(&q)
        .bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).fetch_all(c).await)?)
}

/// Σ|A − F| and ΣA of a scope's closed months (those with an accuracy roll-up) grouped by
/// `place`, from the per-cell totals `accuracy_total`: (place, month, abs_err, actual).
pub async fn accuracy_months(
    db: &Db, scope: ScopeIds, place: Place, months: &[String],
) -> Result<Vec<(i64, String, i64, i64)>> {
    let (s, k) = (scope.sql(), place.sql());
    let q = format!(
        "SELECT {k}, r.month, CAST(SUM(r.abs_err) AS BIGINT), CAST(SUM(r.actual) AS BIGINT) FROM accuracy_total r \
         WHERE {s} AND r.month IN {} AND r.month IN (SELECT month FROM accuracy_month) GROUP BY {k}, r.month",
        month_list(months)
    );
    Ok(on_db!(db, c => sqlx::query_as(&q)
        .bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).fetch_all(c).await)?)
}

/// Retailers in business of a scope per place.
pub async fn active_by_place(db: &Db, scope: ScopeIds, place: Place) -> Result<Vec<(i64, i64)>> {
    let k = place.sql();
    let q = format!(
        "SELECT {k}, COUNT(*) FROM retailer r WHERE {} AND r.business_status <> 'CLOSED' GROUP BY {k}",
        scope.sql()
    );
    Ok(on_db!(db, c => sqlx::query_as(&q)
        .bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).fetch_all(c).await)?)
}

/// The month of each of these retailers (`place` = the retailer's id), from `sales_month`.
pub async fn retailers_month(db: &Db, ids: &[i64], month: &str) -> Result<Vec<PlaceMonth>> {
    let sums = SUMS.replace("r.", "s.");
    let q = format!(
        "SELECT s.retailer_id AS place, s.month, {sums}, \
         CAST(COUNT(DISTINCT CASE WHEN s.supplied_qty > 0 THEN s.retailer_id END) AS BIGINT) AS buyers, \
         CAST(0 AS BIGINT) AS demand_retailers, CAST(0 AS BIGINT) AS prev3_buyers \
         FROM sales_month s JOIN product p ON p.id = s.product_id \
         WHERE s.retailer_id IN {} AND s.month = $1 GROUP BY s.retailer_id, s.month",
        super::id_list(ids)
    );
    Ok(on_db!(db, c => sqlx::query_as::<_, PlaceMonth>(&q).bind(month).fetch_all(c).await)?)
}

/// Per retailer (`place` = the retailer's id) of a rep, or one retailer, from `sales_month`.
/// Under a cut, the cut's SKUs only (the KPI page's brand and SKU cuts).
pub async fn retailer_months(
    db: &Db, rep_id: Option<i64>, retailer_id: Option<i64>, months: &[String], cut: Cut<'_>,
) -> Result<Vec<PlaceMonth>> {
    let sums = SUMS.replace("r.", "s.");
    let (of_brand, brand, product) = match cut {
        Cut::All => (
            "CAST($4 AS TEXT) IS NULL AND CAST($5 AS BIGINT) IS NULL",
            None,
            None,
        ),
        Cut::Brand(b) => ("p.brand = $4 AND CAST($5 AS BIGINT) IS NULL", Some(b), None),
        Cut::Sku(id) => (
            "CAST($4 AS TEXT) IS NULL AND s.product_id = $5",
            None,
            Some(id),
        ),
    };
    // Only the restriction given, as a plain comparison an index serves.
    let cond = match (rep_id, retailer_id) {
        (Some(_), Some(_)) => "t.account_manager_id = $1 AND t.id = $2",
        (None, Some(_)) => "CAST($1 AS BIGINT) IS NULL AND t.id = $2",
        (Some(_), None) => "t.account_manager_id = $1 AND CAST($2 AS BIGINT) IS NULL",
        (None, None) => "CAST($1 AS BIGINT) IS NULL AND CAST($2 AS BIGINT) IS NULL",
    };
    let mut out = Vec::new();
    for m in months {
        let q = format!(
            "SELECT t.id AS place, s.month, {sums}, CAST(COUNT(DISTINCT CASE WHEN s.supplied_qty > 0 THEN s.retailer_id END) AS BIGINT) AS buyers, \
             CAST(0 AS BIGINT) AS demand_retailers, CAST(0 AS BIGINT) AS prev3_buyers \
             FROM retailer t JOIN sales_month s ON s.retailer_id = t.id JOIN product p ON p.id = s.product_id \
             WHERE {cond} AND s.month = $3 AND {of_brand} GROUP BY t.id, s.month"
        );
        out.extend(on_db!(db, c => sqlx::query_as::<_, PlaceMonth>(&q)
            .bind(rep_id).bind(retailer_id).bind(m).bind(brand).bind(product).fetch_all(c).await)?);
    }
    Ok(out)
}

/// A brand's months of a scope grouped by `place` (the KPI page's brand cut): volume, amount,
/// demand and class 1–2 volume of the brand's SKUs from `sales_cell`, its buying retailers from
/// `sales_reach` (dimension BRAND) and, as the 动销率 denominator, the retailers that bought it
/// in the three months before from `sales_listing` of the month before (kept for the last
/// `rollup::LISTING_MONTHS` months). Key-brand volume and the demand records stay 0: those
/// KPIs do not apply to one brand.
pub async fn brand_months(
    db: &Db, scope: ScopeIds, place: Place, months: &[String], brand: &str,
) -> Result<Vec<PlaceMonth>> {
    let (s, k) = (scope.sql(), place.sql());
    let q = format!(
        "SELECT {k} AS place, r.month, CAST(SUM(r.supplied_qty) AS BIGINT) AS qty, CAST(SUM(r.amount_fen) AS BIGINT) AS amount_fen, \
         CAST(SUM(r.demanded_qty) AS BIGINT) AS demanded, CAST(0 AS BIGINT) AS key_qty, \
         CAST(SUM(CASE WHEN p.price_class IN ('CLASS_1', 'CLASS_2') THEN r.supplied_qty ELSE 0 END) AS BIGINT) AS class12_qty, \
         CAST(0 AS BIGINT) AS buyers, CAST(0 AS BIGINT) AS demand_retailers, CAST(0 AS BIGINT) AS prev3_buyers \
         FROM sales_cell r JOIN product p ON p.id = r.product_id \
         WHERE {s} AND r.month IN {} AND p.brand = $4 GROUP BY {k}, r.month",
        month_list(months)
    );
    let mut rows: Vec<PlaceMonth> = on_db!(db, c => sqlx::query_as::<_, PlaceMonth>(&q)
        .bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(brand).fetch_all(c).await)?;
    fn at(rows: &mut Vec<PlaceMonth>, place: i64, month: &str) -> usize {
        match rows
            .iter()
            .position(|r| r.place == place && r.month == month)
        {
            Some(i) => i,
            None => {
                rows.push(PlaceMonth {
                    place,
                    month: month.to_string(),
                    ..PlaceMonth::default()
                });
                rows.len() - 1
            }
        }
    }
    let q = format!(
        "SELECT {k}, r.month, CAST(SUM(r.retailers) AS BIGINT) FROM sales_reach r \
         WHERE {s} AND r.month IN {} AND r.dim = 'BRAND' AND r.key = $4 GROUP BY {k}, r.month",
        month_list(months)
    );
    let buyers: Vec<(i64, String, i64)> = on_db!(db, c => sqlx::query_as(&q)
        .bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(brand).fetch_all(c).await)?;
    for (place, month, n) in buyers {
        let i = at(&mut rows, place, &month);
        rows[i].buyers = n;
    }
    // The window ending the month before each month.
    let before: Vec<String> = months
        .iter()
        .filter_map(|m| domain::Month::parse(m).ok())
        .map(|m| m.prev().to_string())
        .collect();
    let q = format!(
        "SELECT {k}, r.month, CAST(SUM(r.retailers) AS BIGINT) FROM sales_listing r \
         WHERE {s} AND r.month IN {} AND r.brand = $4 GROUP BY {k}, r.month",
        month_list(&before)
    );
    let prev: Vec<(i64, String, i64)> = on_db!(db, c => sqlx::query_as(&q)
        .bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(brand).fetch_all(c).await)?;
    for (place, month, n) in prev {
        let Ok(m) = domain::Month::parse(&month) else {
            continue;
        };
        let next = m.next().to_string();
        if months.contains(&next) {
            let i = at(&mut rows, place, &next);
            rows[i].prev3_buyers = n;
        }
    }
    Ok(rows)
}

/// One SKU's months of a scope grouped by `place` (the KPI page's SKU cut), from `sales_cell`:
/// volume, amount, demand of the lines with a purchase, and its buying retailers (each retailer
/// counted in its one owner cell, so the cells add up).
pub async fn sku_months(
    db: &Db, scope: ScopeIds, place: Place, months: &[String], product_id: i64,
) -> Result<Vec<PlaceMonth>> {
    let (s, k) = (scope.sql(), place.sql());
    let q = format!(
        "SELECT {k} AS place, r.month, CAST(SUM(r.supplied_qty) AS BIGINT) AS qty, CAST(SUM(r.amount_fen) AS BIGINT) AS amount_fen, \
         CAST(SUM(r.demanded_qty) AS BIGINT) AS demanded, CAST(0 AS BIGINT) AS key_qty, CAST(0 AS BIGINT) AS class12_qty, \
         CAST(SUM(r.retailers) AS BIGINT) AS buyers, CAST(0 AS BIGINT) AS demand_retailers, CAST(0 AS BIGINT) AS prev3_buyers \
         FROM sales_cell r WHERE {s} AND r.month IN {} AND r.product_id = $4 GROUP BY {k}, r.month",
        month_list(months)
    );
    Ok(on_db!(db, c => sqlx::query_as::<_, PlaceMonth>(&q)
        .bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(product_id).fetch_all(c).await)?)
}
