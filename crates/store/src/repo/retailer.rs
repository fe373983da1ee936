//! Retailers (零售客户): search, detail, history — always under a [`ScopeIds`].
use super::ScopeIds;
use crate::model::{ClassHistory, Retailer, TierHistory};
use crate::{Db, Result, on_db};

/// Search and filters of the retailer list; every field optional.
#[derive(Debug, Clone, Default)]
pub struct RetailerFilter {
    /// Matches code, licence number, name, owner or address.
    pub q: Option<String>,
    pub tier_min: Option<i64>,
    pub tier_max: Option<i64>,
    pub business_format: Option<String>,
    pub market_type: Option<String>,
    pub county_id: Option<i64>,
    pub area_id: Option<i64>,
    pub rep_id: Option<i64>,
    pub sample_point: Option<bool>,
}

/// A row of the retailer list, with the names the list shows.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct RetailerListRow {
    pub id: i64,
    pub customer_code: String,
    pub license_no: String,
    pub name: String,
    pub owner_name: String,
    pub address: String,
    pub tier: i64,
    pub business_format: String,
    pub market_type: String,
    pub business_scale: String,
    pub order_cycle: String,
    pub business_status: String,
    pub is_sample_point: bool,
    pub county_name: String,
    pub area_name: String,
    pub rep_username: Option<String>,
    pub rep_name: Option<String>,
}

const FILTER_SQL: &str = "($4 IS NULL OR r.customer_code LIKE $4 OR r.license_no LIKE $4 OR r.name LIKE $4 OR r.owner_name LIKE $4 OR r.address LIKE $4) \
    AND ($5 IS NULL OR r.tier >= $5) AND ($6 IS NULL OR r.tier <= $6) AND ($7 IS NULL OR r.business_format = $7) \
    AND ($8 IS NULL OR r.market_type = $8) AND ($9 IS NULL OR r.county_id = $9) AND ($10 IS NULL OR r.area_id = $10) \
    AND ($11 IS NULL OR r.account_manager_id = $11) AND ($12 IS NULL OR r.is_sample_point = $12)";

/// One page of retailers (ordered by tier desc, then code) and the total count.
pub async fn search(
    db: &Db, scope: ScopeIds, f: &RetailerFilter, limit: i64, offset: i64,
) -> Result<(Vec<RetailerListRow>, i64)> {
    let scope_sql = scope.sql();
    let like = f.q.as_ref().map(|s| format!("%{}%", s.trim()));
    let list_q = format!(
        "SELECT r.id, r.customer_code, r.license_no, r.name, r.owner_name, r.address, r.tier, r.business_format, r.market_type, \
         r.business_scale, r.order_cycle, r.business_status, r.is_sample_point, c.name AS county_name, a.name AS area_name, \
         s.username AS rep_username, s.name AS rep_name \
         FROM retailer r JOIN org_unit c ON c.id = r.county_id JOIN org_unit a ON a.id = r.area_id \
         LEFT JOIN staff s ON s.id = r.account_manager_id \
         WHERE {scope_sql} AND {FILTER_SQL} ORDER BY r.tier DESC, r.customer_code LIMIT $13 OFFSET $14"
    );
    let count_q = format!("SELECT COUNT(*) FROM retailer r WHERE {scope_sql} AND {FILTER_SQL}");
    macro_rules! binds {
        ($q:expr) => {
            $q.bind(scope.rep_id)
                .bind(scope.area_id)
                .bind(scope.county_id)
                .bind(&like)
                .bind(f.tier_min)
                .bind(f.tier_max)
                .bind(&f.business_format)
                .bind(&f.market_type)
                .bind(f.county_id)
                .bind(f.area_id)
                .bind(f.rep_id)
                .bind(f.sample_point)
        };
    }
    let rows = on_db!(db, p => binds!(sqlx::query_as::<_, RetailerListRow>(&list_q)).bind(limit).bind(offset).fetch_all(p).await)?;
    let total: i64 = on_db!(db, p => binds!(sqlx::query_scalar(&count_q)).fetch_one(p).await)?;
    Ok((rows, total))
}

pub async fn by_code(db: &Db, code: &str) -> Result<Option<Retailer>> {
    let q = "SELECT * FROM retailer WHERE customer_code = $1";
    Ok(on_db!(db, p => sqlx::query_as::<_, Retailer>(q).bind(code).fetch_optional(p).await)?)
}

/// Whether the retailer with this id lies inside the scope.
pub async fn by_id(db: &Db, id: i64) -> Result<Option<Retailer>> {
    Ok(
        on_db!(db, p => sqlx::query_as::<_, Retailer>("SELECT * FROM retailer WHERE id = $1").bind(id).fetch_optional(p).await)?,
    )
}

/// A rep's retailers in business, by code (id, code, name).
pub async fn of_rep(db: &Db, rep_id: i64) -> Result<Vec<RetailerName>> {
    let q = "SELECT id, customer_code, name FROM retailer WHERE account_manager_id = $1 AND business_status <> 'CLOSED' ORDER BY customer_code";
    Ok(on_db!(db, p => sqlx::query_as::<_, RetailerName>(q).bind(rep_id).fetch_all(p).await)?)
}

/// A retailer's id, code and name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct RetailerName {
    pub id: i64,
    pub customer_code: String,
    pub name: String,
}

pub async fn in_scope(db: &Db, scope: ScopeIds, retailer_id: i64) -> Result<bool> {
    let scope_sql = scope.sql();
    let q = format!("SELECT COUNT(*) FROM retailer r WHERE {scope_sql} AND r.id = $4");
    let n: i64 = on_db!(db, p => sqlx::query_scalar(&q).bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(retailer_id).fetch_one(p).await)?;
    Ok(n > 0)
}

pub async fn tier_history(db: &Db, retailer_id: i64) -> Result<Vec<TierHistory>> {
    let q =
        "SELECT * FROM retailer_tier_history WHERE retailer_id = $1 ORDER BY period DESC, id DESC";
    Ok(on_db!(db, p => sqlx::query_as::<_, TierHistory>(q).bind(retailer_id).fetch_all(p).await)?)
}

pub async fn class_history(db: &Db, retailer_id: i64) -> Result<Vec<ClassHistory>> {
    let q = "SELECT * FROM retailer_class_history WHERE retailer_id = $1 ORDER BY effective_on DESC, id DESC";
    Ok(on_db!(db, p => sqlx::query_as::<_, ClassHistory>(q).bind(retailer_id).fetch_all(p).await)?)
}

/// Counts of retailers in scope by one grouping column (`tier`, `business_format`, `market_type`, …).
pub async fn count_by(db: &Db, scope: ScopeIds, column: GroupColumn) -> Result<Vec<(String, i64)>> {
    let scope_sql = scope.sql();
    let col = column.sql();
    let q = format!(
        "SELECT CAST({col} AS TEXT) AS k, COUNT(*) AS n FROM retailer r WHERE {scope_sql} AND r.business_status <> 'CLOSED' GROUP BY {col} ORDER BY {col}"
    );
    Ok(
        on_db!(db, p => sqlx::query_as::<_, (String, i64)>(&q).bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).fetch_all(p).await)?,
    )
}

/// The grouping columns [`count_by`] accepts (a closed set: never user text in SQL).
#[derive(Debug, Clone, Copy)]
pub enum GroupColumn {
    Tier,
    Rep,
    Area,
    BusinessFormat,
    MarketType,
    BusinessScale,
}

impl GroupColumn {
    fn sql(self) -> &'static str {
        match self {
            GroupColumn::Tier => "r.tier",
            GroupColumn::Rep => "COALESCE(r.account_manager_id, 0)",
            GroupColumn::Area => "r.area_id",
            GroupColumn::BusinessFormat => "r.business_format",
            GroupColumn::MarketType => "r.market_type",
            GroupColumn::BusinessScale => "r.business_scale",
        }
    }
}

/// Names of a retailer's territory and route.
pub async fn place_names(
    db: &Db, territory_id: i64, route_id: Option<i64>,
) -> Result<(String, Option<String>)> {
    let t: Option<String> = on_db!(db, p => sqlx::query_scalar("SELECT name FROM territory WHERE id = $1").bind(territory_id).fetch_optional(p).await)?;
    let r: Option<String> = match route_id {
        Some(id) => {
            on_db!(db, p => sqlx::query_scalar("SELECT name FROM sales_route WHERE id = $1").bind(id).fetch_optional(p).await)?
        }
        None => None,
    };
    Ok((t.unwrap_or_default(), r))
}

/// Active retailers under one pair of grouping values (see [`count_by_two`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct TwoKeyCount {
    #[sqlx(rename = "k1")]
    pub first: String,
    #[sqlx(rename = "k2")]
    pub second: String,
    pub retailers: i64,
}

/// Active retailers per (grouping value, key column) in scope, e.g. per rep and market type.
pub async fn count_by_two(
    db: &Db, scope: ScopeIds, first: GroupColumn, second: GroupColumn,
) -> Result<Vec<TwoKeyCount>> {
    let scope_sql = scope.sql();
    let (a, b) = (first.sql(), second.sql());
    let q = format!(
        "SELECT CAST({a} AS TEXT) AS k1, CAST({b} AS TEXT) AS k2, COUNT(*) AS retailers FROM retailer r WHERE {scope_sql} AND r.business_status <> 'CLOSED' GROUP BY {a}, {b}"
    );
    Ok(
        on_db!(db, p => sqlx::query_as(&q).bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).fetch_all(p).await)?,
    )
}
