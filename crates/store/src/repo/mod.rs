//! Repositories by domain word. Each function is one query (or one transaction) on either backend.
//!
//! Row-level access: functions over retailers take a [`ScopeIds`] and put its three binds first
//! (`$1` rep, `$2` area, `$3` county) through [`ScopeIds::sql`]; `None` means "not restricted
//! on that level".
pub mod accuracy;
pub mod benchmark;
pub mod config;
pub mod cultivation;
pub mod exam;
pub mod forecasts;
pub mod inventory;
pub mod kpi;
pub mod listing;
pub mod people;
pub mod product;
pub mod profit;
pub mod report;
pub mod retailer;
pub mod sales;
pub mod satisfaction;
pub mod sheets;
pub mod staff;
pub mod supply;
pub mod visits;
pub mod warnings;

/// Ids as an SQL list of numbers (`(1, 2, 3)`): integers, so written into the text. A list of
/// values lets both planners see how few rows it selects, where a sub-select (a county's reps,
/// a scope's counties) is estimated at every value and PostgreSQL then walks the whole table.
/// No ids is `(NULL)`, which `IN` matches with no row, so callers need no case of their own.
pub(crate) fn id_list(ids: &[i64]) -> String {
    if ids.is_empty() {
        return "(NULL)".into();
    }
    let v: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("({})", v.join(", "))
}

/// `INDEXED BY name` on SQLite, nothing on PostgreSQL: for a partial index SQLite's planner
/// passes over although it answers from the index alone (its statistics count the index's
/// entries per key, not that the table's rows need not be visited). `name` is a literal of ours.
pub(crate) fn sqlite_index(db: &crate::Db, name: &str) -> String {
    match db.backend() {
        crate::Backend::Sqlite => format!("INDEXED BY {name}"),
        crate::Backend::Postgres => String::new(),
    }
}

/// The retailers a query may see.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScopeIds {
    pub rep_id: Option<i64>,
    pub area_id: Option<i64>,
    pub county_id: Option<i64>,
}

impl ScopeIds {
    /// The SQL condition of this scope on the retailer alias `r`, binds `$1..$3`. Only the
    /// active restriction is a comparison, so the database can use its index (a generic
    /// `($1 IS NULL OR col = $1)` makes SQLite scan); the inactive binds are still referenced,
    /// as `CAST($n AS BIGINT) IS NULL`, so every query binds the same three values.
    pub fn sql(&self) -> String {
        let part = |v: Option<i64>, n: u8, col: &str| match v {
            Some(_) => format!("r.{col} = ${n}"),
            None => format!("CAST(${n} AS BIGINT) IS NULL"),
        };
        format!(
            "{} AND {} AND {}",
            part(self.rep_id, 1, "account_manager_id"),
            part(self.area_id, 2, "area_id"),
            part(self.county_id, 3, "county_id")
        )
    }

    /// `forecast f` and `retailer r` for a query scoped by [`ScopeIds::sql`], which must add
    /// `f.retailer_id = r.id` to its conditions: the scope's retailers first when the scope
    /// names some (their records through `forecast_retailer`), else the month's records first.
    /// `CROSS JOIN` keeps that order on SQLite, whose planner would otherwise walk the whole
    /// month (its statistics make `forecast.month` look selective); PostgreSQL plans it as any
    /// inner join.
    pub fn forecasts_from(&self) -> &'static str {
        if self.is_company() {
            "forecast f CROSS JOIN retailer r"
        } else {
            "retailer r CROSS JOIN forecast f"
        }
    }

    /// No restriction: every retailer of the company.
    pub fn is_company(&self) -> bool {
        *self == ScopeIds::default()
    }
}

#[cfg(test)]
mod tests {
    use super::id_list;

    #[test]
    fn id_list_is_a_literal_list_and_no_ids_match_nothing() {
        assert_eq!(id_list(&[3, 14, 15]), "(3, 14, 15)");
        assert_eq!(id_list(&[]), "(NULL)");
    }
}
