//! The roll-up tables (migration 0008) that company-wide pages read instead of scanning the
//! city's purchases: `sales_cell` (owner cell × SKU × month), `sales_reach` (distinct buying
//! retailers per owner cell × product dimension × month), `retailer_month_total` (retailer ×
//! month), `sales_day` (owner cell × order day), `sales_listing` (owner cell × brand, bought
//! in the three months to a month) and `sales_group_month` (the customer warning's groups ×
//! month, migration 0012). An owner cell is a retailer's
//! (county, area, account manager): every retailer has exactly one, so sums and distinct counts
//! of cells add up to any scope above them, and [`crate::repo::ScopeIds::sql`] filters a roll-up
//! aliased `r` as it filters the retailer table.
//!
//! The accuracy roll-up of closed months ([`crate::repo::accuracy`]) reads the same purchases:
//! a rebuild marks it out of date.
//!
//! They are derived data: [`rebuild`] recomputes them all from `sales_month`, `order_line`,
//! `retailer` and `product` in one transaction. Whoever writes those sources (the city load;
//! later an order import or a change of a retailer's owner) calls it; [`ensure`] at start-up
//! fills them for a database loaded before they existed.
use crate::{Db, Result, on_db, on_tx};

/// The product dimensions of `sales_reach`: (dim, SQL of the key on product `p`).
const REACH_DIMS: [(&str, &str); 4] = [
    ("BRAND", "p.brand"),
    ("PRICE_CLASS", "p.price_class"),
    ("MANUFACTURER", "CAST(p.manufacturer_id AS TEXT)"),
    ("TOTAL", "'total'"),
];

/// Recompute every roll-up from its sources, atomically (readers see the old or the new).
pub async fn rebuild(db: &Db) -> Result<()> {
    let mut stmts: Vec<String> = vec![
        "DELETE FROM sales_cell".into(),
        "DELETE FROM sales_reach".into(),
        "DELETE FROM retailer_month_total".into(),
        "DELETE FROM sales_day".into(),
        "DELETE FROM sales_listing".into(),
        "DELETE FROM sales_group_month".into(),
        "DELETE FROM kpi_cell".into(),
        // Accuracy reads the months' demand: every month's accuracy roll-up is written anew.
        "DELETE FROM accuracy_month".into(),
        "INSERT INTO sales_cell (month, county_id, area_id, account_manager_id, product_id, demanded_qty, ordered_qty, \
         supplied_qty, amount_fen, retailers) \
         SELECT s.month, r.county_id, r.area_id, r.account_manager_id, s.product_id, SUM(s.demanded_qty), SUM(s.ordered_qty), \
         SUM(s.supplied_qty), SUM(s.amount_fen), COUNT(*) \
         FROM sales_month s JOIN retailer r ON r.id = s.retailer_id WHERE s.supplied_qty > 0 \
         GROUP BY s.month, r.county_id, r.area_id, r.account_manager_id, s.product_id"
            .into(),
        "INSERT INTO retailer_month_total (month, retailer_id, demanded_qty, supplied_qty, amount_fen) \
         SELECT month, retailer_id, SUM(demanded_qty), SUM(supplied_qty), SUM(amount_fen) FROM sales_month GROUP BY month, retailer_id"
            .into(),
        // After retailer_month_total, which it sums per warning group.
        "INSERT INTO sales_group_month (month, county_id, business_format, market_type, supplied_qty) \
         SELECT t.month, r.county_id, r.business_format, r.market_type, SUM(t.supplied_qty) \
         FROM retailer_month_total t JOIN retailer r ON r.id = t.retailer_id \
         GROUP BY t.month, r.county_id, r.business_format, r.market_type"
            .into(),
        "INSERT INTO sales_day (order_date, county_id, area_id, account_manager_id, supplied_qty, key_brand_qty, amount_fen) \
         SELECT o.order_date, r.county_id, r.area_id, r.account_manager_id, SUM(o.supplied_qty), \
         SUM(CASE WHEN p.is_key_brand THEN o.supplied_qty ELSE 0 END), SUM(o.amount_fen) \
         FROM order_line o JOIN retailer r ON r.id = o.retailer_id JOIN product p ON p.id = o.product_id \
         GROUP BY o.order_date, r.county_id, r.area_id, r.account_manager_id"
            .into(),
    ];
    // The KPIs' sums per cell (after sales_cell and retailer_month_total): two rows per cell and
    // month, each carrying its own columns and zeros in the other's.
    stmts.push(
        "INSERT INTO kpi_cell (month, county_id, area_id, account_manager_id, qty, amount_fen, demanded_qty, key_qty, class12_qty, buyers, \
         demand_retailers, prev3_buyers) \
         SELECT t.month, r.county_id, r.area_id, r.account_manager_id, SUM(t.supplied_qty), SUM(t.amount_fen), SUM(t.demanded_qty), 0, 0, \
         SUM(CASE WHEN t.supplied_qty > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN t.demanded_qty > 0 THEN 1 ELSE 0 END), 0 \
         FROM retailer_month_total t JOIN retailer r ON r.id = t.retailer_id GROUP BY t.month, r.county_id, r.area_id, r.account_manager_id"
            .into(),
    );
    stmts.push(
        "INSERT INTO kpi_cell (month, county_id, area_id, account_manager_id, qty, amount_fen, demanded_qty, key_qty, class12_qty, buyers) \
         SELECT c.month, c.county_id, c.area_id, c.account_manager_id, 0, 0, 0, \
         SUM(CASE WHEN p.is_key_brand THEN c.supplied_qty ELSE 0 END), \
         SUM(CASE WHEN p.price_class IN ('CLASS_1', 'CLASS_2') THEN c.supplied_qty ELSE 0 END), 0 \
         FROM sales_cell c JOIN product p ON p.id = c.product_id GROUP BY c.month, c.county_id, c.area_id, c.account_manager_id"
            .into(),
    );
    for (dim, key) in REACH_DIMS {
        // PostgreSQL refuses a constant in GROUP BY: the total groups by cell alone.
        let group = if dim == "TOTAL" {
            String::new()
        } else {
            format!(", {key}")
        };
        stmts.push(format!(
            "INSERT INTO sales_reach (month, county_id, area_id, account_manager_id, dim, key, retailers, key_retailers) \
             SELECT s.month, r.county_id, r.area_id, r.account_manager_id, '{dim}', {key}, COUNT(DISTINCT s.retailer_id), \
             COUNT(DISTINCT CASE WHEN p.is_key_brand THEN s.retailer_id END) \
             FROM sales_month s JOIN retailer r ON r.id = s.retailer_id JOIN product p ON p.id = s.product_id \
             WHERE s.supplied_qty > 0 GROUP BY s.month, r.county_id, r.area_id, r.account_manager_id{group}"
        ));
    }
    let mut tx = db.begin().await?;
    for q in &stmts {
        on_tx!(&mut tx, c => sqlx::query(q).execute(c).await.map(|_| ()))?;
    }
    // 上柜 windows of the last LISTING_MONTHS months with purchases.
    let q = "SELECT DISTINCT month FROM sales_month ORDER BY month DESC";
    let months: Vec<String> = on_tx!(&mut tx, c => sqlx::query_scalar(q).fetch_all(c).await)?;
    let q = "INSERT INTO sales_listing (month, county_id, area_id, account_manager_id, brand, retailers) \
             SELECT $1, r.county_id, r.area_id, r.account_manager_id, p.brand, COUNT(DISTINCT s.retailer_id) \
             FROM sales_month s JOIN retailer r ON r.id = s.retailer_id JOIN product p ON p.id = s.product_id \
             WHERE s.month >= $2 AND s.month <= $1 AND s.supplied_qty > 0 \
             GROUP BY r.county_id, r.area_id, r.account_manager_id, p.brand";
    for m in months.iter().take(LISTING_MONTHS) {
        let Ok(month) = domain::Month::parse(m) else {
            continue;
        };
        let from = month.plus(-2).to_string();
        on_tx!(&mut tx, c => sqlx::query(q).bind(m).bind(&from).execute(c).await.map(|_| ()))?;
    }
    // 动销率 and 需求旺盛度's denominator: per cell, the retailers that bought in the three months
    // before each month (a row of its own in kpi_cell, zeros elsewhere).
    let q = "INSERT INTO kpi_cell (month, county_id, area_id, account_manager_id, qty, amount_fen, demanded_qty, key_qty, \
             class12_qty, buyers, demand_retailers, prev3_buyers) \
             SELECT $1, r.county_id, r.area_id, r.account_manager_id, 0, 0, 0, 0, 0, 0, 0, COUNT(DISTINCT t.retailer_id) \
             FROM retailer_month_total t JOIN retailer r ON r.id = t.retailer_id \
             WHERE t.month >= $2 AND t.month <= $3 AND t.supplied_qty > 0 \
             GROUP BY r.county_id, r.area_id, r.account_manager_id";
    for m in &months {
        let Ok(month) = domain::Month::parse(m) else {
            continue;
        };
        let (from, to) = (month.plus(-3).to_string(), month.prev().to_string());
        on_tx!(&mut tx, c => sqlx::query(q).bind(m).bind(&from).bind(&to).execute(c).await.map(|_| ()))?;
    }
    tx.commit().await
}

/// How many months back `sales_listing` holds: the KPI trend (a year and the month before it)
/// and the month before the trend's first (the brand cut's 动销率 reads the window ending the
/// month before).
pub const LISTING_MONTHS: usize = 14;

/// Fill the roll-ups when they are empty while purchases exist (a database loaded before
/// migration 0008, or before 0012 added `sales_group_month`); a no-op otherwise.
pub async fn ensure(db: &Db) -> Result<()> {
    let q = "SELECT CAST(CASE WHEN EXISTS (SELECT 1 FROM sales_month) AND (NOT EXISTS (SELECT 1 FROM sales_cell) \
             OR NOT EXISTS (SELECT 1 FROM sales_group_month) OR NOT EXISTS (SELECT 1 FROM kpi_cell)) THEN 1 ELSE 0 END AS BIGINT)";
    let stale: i64 = on_db!(db, p => sqlx::query_scalar(q).fetch_one(p).await)?;
    if stale == 1 {
        rebuild(db).await?;
    }
    Ok(())
}
