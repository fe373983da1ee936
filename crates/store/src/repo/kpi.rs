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
}

const SUMS: &str = "CAST(COALESCE(SUM(r.supplied_qty), 0) AS BIGINT) AS qty, \
     CAST(COALESCE(SUM(r.amount_fen), 0) AS BIGINT) AS amount_fen, \
     CAST(COALESCE(SUM(r.demanded_qty), 0) AS BIGINT) AS demanded, \
     CAST(COALESCE(SUM(CASE WHEN p.is_key_brand = TRUE THEN r.supplied_qty ELSE 0 END), 0) AS BIGINT) AS key_qty, \
     CAST(COALESCE(SUM(CASE WHEN p.price_class IN ('CLASS_1', 'CLASS_2') THEN r.supplied_qty ELSE 0 END), 0) AS BIGINT) AS class12_qty";

/// A scope's months grouped by `place`, from the roll-ups (buyers from `sales_reach`).
pub async fn place_months(
    db: &Db, scope: ScopeIds, place: Place, months: &[String],
) -> Result<Vec<PlaceMonth>> {
    let (s, k) = (scope.sql(), place.sql());
    let mut out = Vec::new();
    for m in months {
        let q = format!(
            "SELECT {k} AS place, r.month, {SUMS}, CAST(0 AS BIGINT) AS buyers \
             FROM sales_cell r JOIN product p ON p.id = r.product_id WHERE {s} AND r.month = $4 GROUP BY {k}, r.month"
        );
        let mut rows = on_db!(db, c => sqlx::query_as::<_, PlaceMonth>(&q)
            .bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(m).fetch_all(c).await)?;
        let q = format!(
            "SELECT {k}, CAST(COALESCE(SUM(r.retailers), 0) AS BIGINT) FROM sales_reach r \
             WHERE {s} AND r.month = $4 AND r.dim = 'TOTAL' GROUP BY {k}"
        );
        let buyers: Vec<(i64, i64)> = on_db!(db, c => sqlx::query_as(&q)
            .bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(m).fetch_all(c).await)?;
        // Demand from every retailer's month: `sales_cell` keeps lines with a purchase only, and
        // demand that got nothing is what order fill must count.
        let q = format!(
            "SELECT {k}, CAST(COALESCE(SUM(t.demanded_qty), 0) AS BIGINT) FROM retailer_month_total t \
             JOIN retailer r ON r.id = t.retailer_id WHERE {s} AND t.month = $4 GROUP BY {k}"
        );
        let demanded: Vec<(i64, i64)> = on_db!(db, c => sqlx::query_as(&q)
            .bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(m).fetch_all(c).await)?;
        for r in rows.iter_mut() {
            let of =
                |v: &[(i64, i64)]| v.iter().find(|(p, _)| *p == r.place).map_or(0, |(_, n)| *n);
            r.buyers = of(&buyers);
            r.demanded = of(&demanded);
        }
        out.extend(rows);
    }
    Ok(out)
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

/// Per retailer (`place` = the retailer's id) of a rep, or one retailer, from `sales_month`.
pub async fn retailer_months(
    db: &Db, rep_id: Option<i64>, retailer_id: Option<i64>, months: &[String],
) -> Result<Vec<PlaceMonth>> {
    let sums = SUMS.replace("r.", "s.");
    let mut out = Vec::new();
    for m in months {
        let q = format!(
            "SELECT t.id AS place, s.month, {sums}, CAST(COUNT(DISTINCT CASE WHEN s.supplied_qty > 0 THEN s.retailer_id END) AS BIGINT) AS buyers \
             FROM retailer t JOIN sales_month s ON s.retailer_id = t.id JOIN product p ON p.id = s.product_id \
             WHERE (CAST($1 AS BIGINT) IS NULL OR t.account_manager_id = $1) AND (CAST($2 AS BIGINT) IS NULL OR t.id = $2) \
             AND s.month = $3 GROUP BY t.id, s.month"
        );
        out.extend(on_db!(db, c => sqlx::query_as::<_, PlaceMonth>(&q)
            .bind(rep_id).bind(retailer_id).bind(m).fetch_all(c).await)?);
    }
    Ok(out)
}
