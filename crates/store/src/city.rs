//! Bulk load of a whole city into an empty, migrated database: the synthetic city of `sim`
//! (and, later, a company's first import) hands over plain row structs, this module owns the SQL.
//!
//! The master data (organisation, staff, products, retailers, histories) is written as
//! multi-row `INSERT … VALUES` statements with literal values in one transaction: it is all
//! there or not at all. Text literals are quoted (`'` doubled), so any text is safe, but the
//! rows are meant for generated or validated data. Order lines and their monthly roll-up follow
//! in one transaction per chunk the caller hands over ([`Loader::write_orders`]), as prepared
//! multi-row statements of ~32,000 bound parameters (SQLite's limit is 32,766), reused from the
//! statement cache, so no value is parsed. The two secondary indexes of the order tables are
//! dropped during the load and rebuilt by [`Loader::finish`]; on SQLite, `synchronous` is OFF
//! during the load and restored to NORMAL after (also by [`Loader::abort`]). A failure after the
//! master commit leaves partial order history (and possibly no order indexes): load again into
//! an empty database. On PostgreSQL the identity sequences are reset after the explicit ids.
use crate::model::{
    BrandAssignment, ClassHistory, Manufacturer, OrderLine, OrgUnit, PriceHistory, Product,
    Retailer, SalesMonth, SalesRoute, SampleCollection, Staff, Territory, TierHistory,
};
use crate::{Backend, Db, Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::pool::PoolConnection;
use sqlx::{Postgres, Sqlite};
use std::fmt::Write;

/// The master data of a city, as stored rows with explicit ids (referencing each other).
#[derive(Debug, Clone, Copy)]
pub struct Master<'a> {
    pub org_units: &'a [OrgUnit],
    pub staff: &'a [Staff],
    pub territories: &'a [Territory],
    pub routes: &'a [SalesRoute],
    pub brand_assignments: &'a [BrandAssignment],
    pub manufacturers: &'a [Manufacturer],
    pub products: &'a [Product],
    pub price_history: &'a [PriceHistory],
    pub retailers: &'a [Retailer],
    pub tier_history: &'a [TierHistory],
    pub class_history: &'a [ClassHistory],
    pub sample_collections: &'a [SampleCollection],
}

type SendFuture<'a, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T>> + Send + 'a>>;

fn run_sqlite<'a>(
    c: &'a mut sqlx::SqliteConnection,
    q: sqlx::query::Query<'a, Sqlite, sqlx::sqlite::SqliteArguments<'a>>,
) -> SendFuture<'a, ()> {
    Box::pin(async move {
        q.execute(c).await?;
        Ok(())
    })
}

fn run_postgres<'a>(
    c: &'a mut sqlx::PgConnection, q: sqlx::query::Query<'a, Postgres, sqlx::postgres::PgArguments>,
) -> SendFuture<'a, ()> {
    Box::pin(async move {
        q.execute(c).await?;
        Ok(())
    })
}

/// One pooled connection held for the whole load (the PRAGMA and the transactions need one).
enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl Conn {
    /// Boxed with an explicit `Send` bound: this pins the executor lifetimes, so the loader's
    /// future stays `Send` (rustc cannot prove it through sqlx's generic executors otherwise).
    fn exec<'a>(&'a mut self, sql: &'a str) -> SendFuture<'a, ()> {
        Box::pin(async move {
            match self {
                Conn::Sqlite(c) => {
                    sqlx::Executor::execute(&mut **c, sql).await?;
                }
                Conn::Postgres(c) => {
                    sqlx::Executor::execute(&mut **c, sql).await?;
                }
            }
            Ok(())
        })
    }

    fn backend(&self) -> Backend {
        match self {
            Conn::Sqlite(_) => Backend::Sqlite,
            Conn::Postgres(_) => Backend::Postgres,
        }
    }

    /// Run `sqls` in one transaction, rolled back on the first failure.
    async fn in_tx(&mut self, sqls: &[String], progress: &(dyn Fn(u64, u64) + Sync)) -> Result<()> {
        self.exec("BEGIN").await?;
        for (i, sql) in sqls.iter().enumerate() {
            if let Err(e) = self.exec(sql).await {
                let _ = self.exec("ROLLBACK").await;
                return Err(e);
            }
            progress(i as u64 + 1, sqls.len() as u64);
        }
        self.exec("COMMIT").await
    }
}

/// An SQL literal.
trait Lit {
    fn lit(&self, s: &mut String);
}
impl Lit for i64 {
    fn lit(&self, s: &mut String) {
        let _ = write!(s, "{self}");
    }
}
impl Lit for bool {
    fn lit(&self, s: &mut String) {
        s.push_str(if *self { "TRUE" } else { "FALSE" });
    }
}
impl Lit for f64 {
    fn lit(&self, s: &mut String) {
        let _ = write!(s, "{self}");
    }
}
impl Lit for str {
    fn lit(&self, s: &mut String) {
        s.push('\'');
        for ch in self.chars() {
            if ch == '\'' {
                s.push('\'');
            }
            s.push(ch);
        }
        s.push('\'');
    }
}
impl Lit for String {
    fn lit(&self, s: &mut String) {
        self.as_str().lit(s)
    }
}
impl Lit for NaiveDate {
    fn lit(&self, s: &mut String) {
        let _ = write!(s, "'{}'", self.format("%Y-%m-%d"));
    }
}
impl Lit for DateTime<Utc> {
    fn lit(&self, s: &mut String) {
        // the text sqlx writes for DateTime<Utc> on SQLite; PostgreSQL reads it as timestamptz
        let _ = write!(
            s,
            "'{}'",
            self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
        );
    }
}
impl<T: Lit> Lit for Option<T> {
    fn lit(&self, s: &mut String) {
        match self {
            Some(v) => v.lit(s),
            None => s.push_str("NULL"),
        }
    }
}

/// Append `(a, b, …)`.
macro_rules! row {
    ($s:expr; $first:expr $(, $rest:expr)* $(,)?) => {{
        $s.push('(');
        Lit::lit(&$first, $s);
        $( $s.push(','); Lit::lit(&$rest, $s); )*
        $s.push(')');
    }};
}

/// Multi-row INSERT statements of at most `per` rows each, concatenated.
fn inserts<T>(
    out: &mut String, head: &str, rows: &[T], per: usize, mut f: impl FnMut(&T, &mut String),
) {
    for chunk in rows.chunks(per.max(1)) {
        out.push_str(head);
        out.push_str(" VALUES ");
        for (i, r) in chunk.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            f(r, out);
        }
        out.push_str(";\n");
    }
}

fn master_sql(city: &Master<'_>) -> Vec<String> {
    let mut v = Vec::new();
    let mut s = String::new();
    inserts(
        &mut s,
        "INSERT INTO org_unit (id, code, name, kind, parent_id, market_type)",
        city.org_units,
        500,
        |o, s| row!(s; o.id, o.code, o.name, o.kind, o.parent_id, o.market_type),
    );
    inserts(
        &mut s,
        "INSERT INTO staff (id, username, name, role, org_unit_id, supervisor_id, employment_type, hired_on, phone, password_hash, active, created_at)",
        city.staff,
        500,
        |x, s| row!(s; x.id, x.username, x.name, x.role, x.org_unit_id, x.supervisor_id, x.employment_type, x.hired_on, x.phone, x.password_hash, x.active, x.created_at),
    );
    inserts(
        &mut s,
        "INSERT INTO territory (id, code, name, area_id, market_type, rep_id)",
        city.territories,
        500,
        |t, s| row!(s; t.id, t.code, t.name, t.area_id, t.market_type, t.rep_id),
    );
    inserts(
        &mut s,
        "INSERT INTO sales_route (id, code, name, territory_id, weekday)",
        city.routes,
        1000,
        |r, s| row!(s; r.id, r.code, r.name, r.territory_id, r.weekday),
    );
    inserts(
        &mut s,
        "INSERT INTO brand_assignment (brand, brand_manager_id)",
        city.brand_assignments,
        500,
        |b, s| row!(s; b.brand, b.brand_manager_id),
    );
    inserts(
        &mut s,
        "INSERT INTO manufacturer (id, code, name, province)",
        city.manufacturers,
        500,
        |m, s| row!(s; m.id, m.code, m.name, m.province),
    );
    inserts(
        &mut s,
        "INSERT INTO product (id, sku_code, barcode_pack, barcode_carton, brand, spec_name, manufacturer_id, price_class, transfer_price_ex_tax_fen, transfer_price_incl_tax_fen, wholesale_price_fen, suggested_retail_price_fen, tar_mg_x10, stick_type, is_in_province, is_key_brand, key_brand_list, is_new, launch_date, cultivation_end_date, brand_position, supply_status, allocation_mode, status, delisted_on)",
        city.products,
        500,
        |p, s| {
            row!(s; p.id, p.sku_code, p.barcode_pack, p.barcode_carton, p.brand, p.spec_name, p.manufacturer_id, p.price_class,
                p.transfer_price_ex_tax_fen, p.transfer_price_incl_tax_fen, p.wholesale_price_fen, p.suggested_retail_price_fen,
                p.tar_mg_x10, p.stick_type, p.is_in_province, p.is_key_brand, p.key_brand_list, p.is_new, p.launch_date,
                p.cultivation_end_date, p.brand_position, p.supply_status, p.allocation_mode, p.status, p.delisted_on)
        },
    );
    inserts(
        &mut s,
        "INSERT INTO product_price_history (id, product_id, effective_from, transfer_price_ex_tax_fen, transfer_price_incl_tax_fen, wholesale_price_fen, suggested_retail_price_fen)",
        city.price_history,
        1000,
        |p, s| row!(s; p.id, p.product_id, p.effective_from, p.transfer_price_ex_tax_fen, p.transfer_price_incl_tax_fen, p.wholesale_price_fen, p.suggested_retail_price_fen),
    );
    v.push(std::mem::take(&mut s));
    inserts(
        &mut s,
        "INSERT INTO retailer (id, customer_code, license_no, name, owner_name, address, phone, lat, lng, business_format, market_type, urban_rural_code, business_scale, business_district, tier, tier_locked_until, order_cycle, order_weekday, credit_grade, compliance_grade, terminal_level, is_info_reporter, is_sample_point, is_integrity_group_member, integrity_group_name, is_online_orderer, has_pos, business_status, store_area_m2, tobacco_area_m2, has_display_fixture, has_aggregated_payment, is_vulnerable_group, is_large_account, licensed_on, county_id, area_id, territory_id, route_id, account_manager_id, created_at, updated_at)",
        city.retailers,
        1000,
        |r, s| {
            row!(s; r.id, r.customer_code, r.license_no, r.name, r.owner_name, r.address, r.phone, r.lat, r.lng,
                r.business_format, r.market_type, r.urban_rural_code, r.business_scale, r.business_district, r.tier,
                r.tier_locked_until, r.order_cycle, r.order_weekday, r.credit_grade, r.compliance_grade, r.terminal_level,
                r.is_info_reporter, r.is_sample_point, r.is_integrity_group_member, r.integrity_group_name,
                r.is_online_orderer, r.has_pos, r.business_status, r.store_area_m2, r.tobacco_area_m2,
                r.has_display_fixture, r.has_aggregated_payment, r.is_vulnerable_group, r.is_large_account,
                r.licensed_on, r.county_id, r.area_id, r.territory_id, r.route_id, r.account_manager_id,
                r.created_at, r.updated_at)
        },
    );
    v.push(std::mem::take(&mut s));
    inserts(
        &mut s,
        "INSERT INTO retailer_tier_history (id, retailer_id, period, score, tier, previous_tier, reason, created_at)",
        city.tier_history,
        2000,
        |t, s| row!(s; t.id, t.retailer_id, t.period, t.score, t.tier, t.previous_tier, t.reason, t.created_at),
    );
    inserts(
        &mut s,
        "INSERT INTO retailer_class_history (id, retailer_id, field, old_value, new_value, effective_on, reason, approved_by, created_at)",
        city.class_history,
        1000,
        |c, s| row!(s; c.id, c.retailer_id, c.field, c.old_value, c.new_value, c.effective_on, c.reason, c.approved_by, c.created_at),
    );
    inserts(
        &mut s,
        "INSERT INTO sample_collection (month, retailer_id, product_id, stock_qty, sales_qty, retail_price_fen, stockout_days, collected_by, collected_at)",
        city.sample_collections,
        2000,
        |c, s| row!(s; c.month, c.retailer_id, c.product_id, c.stock_qty, c.sales_qty, c.retail_price_fen, c.stockout_days, c.collected_by, c.collected_at),
    );
    v.push(s);
    v
}

/// Tables with an identity id that the loader fills with explicit ids.
const IDENTITY_TABLES: &[&str] = &[
    "org_unit",
    "staff",
    "territory",
    "sales_route",
    "manufacturer",
    "product",
    "product_price_history",
    "retailer",
    "retailer_tier_history",
    "retailer_class_history",
];

const ORDER_INDEXES_DROP: &str =
    "DROP INDEX IF EXISTS order_line_date; DROP INDEX IF EXISTS sales_month_month;";
const ORDER_INDEXES_CREATE: &str = "CREATE INDEX IF NOT EXISTS order_line_date ON order_line(order_date); \
     CREATE INDEX IF NOT EXISTS sales_month_month ON sales_month(month, product_id);";

const LINE_HEAD: &str = "INSERT INTO order_line (retailer_id, order_date, product_id, demanded_qty, quota_qty, ordered_qty, supplied_qty, amount_fen)";
const MONTH_HEAD: &str = "INSERT INTO sales_month (retailer_id, month, product_id, demanded_qty, ordered_qty, supplied_qty, amount_fen)";
/// Rows per statement: under SQLite's 32,766 bound variables.
const LINE_ROWS: usize = crate::bulk::MAX_BINDS / 8;
const MONTH_ROWS: usize = crate::bulk::MAX_BINDS / 7;

/// Expand one body per backend with `$c` bound to the connection and `$run` to its executor.
macro_rules! on_conn {
    ($conn:expr, $run:ident, $c:ident => $body:expr) => {
        match $conn {
            Conn::Sqlite(x) => {
                let $c = &mut **x;
                let $run = run_sqlite;
                $body
            }
            Conn::Postgres(x) => {
                let $c = &mut **x;
                let $run = run_postgres;
                $body
            }
        }
    };
}

/// A bulk load in progress on one connection: [`Loader::begin`], [`Loader::write_master`] once,
/// [`Loader::write_orders`] per chunk, then [`Loader::finish`] (or [`Loader::abort`] after a
/// failure, which restores the connection's settings).
pub struct Loader {
    conn: Conn,
    full_line_sql: String,
    full_month_sql: String,
}

impl Loader {
    /// Take a connection for the load; on SQLite, `synchronous` goes OFF until the end.
    pub async fn begin(db: &Db) -> Result<Loader> {
        let mut conn = match db {
            Db::Sqlite(p) => Conn::Sqlite(p.acquire().await?),
            Db::Postgres(p) => Conn::Postgres(p.acquire().await?),
        };
        if conn.backend() == Backend::Sqlite {
            conn.exec("PRAGMA synchronous = OFF").await?;
        }
        let backend = conn.backend();
        Ok(Loader {
            conn,
            full_line_sql: crate::bulk::insert_sql(LINE_HEAD, 8, LINE_ROWS, backend),
            full_month_sql: crate::bulk::insert_sql(MONTH_HEAD, 7, MONTH_ROWS, backend),
        })
    }

    /// Write the master data in one transaction (`progress(done, total)` per statement), reset
    /// PostgreSQL's identity sequences after the explicit ids, and drop the order tables'
    /// secondary indexes until [`Loader::finish`].
    pub async fn write_master(
        &mut self, master: &Master<'_>, progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<()> {
        let sqls = master_sql(master);
        progress(0, sqls.len() as u64);
        self.conn.in_tx(&sqls, progress).await?;
        if self.conn.backend() == Backend::Postgres {
            let mut s = String::new();
            for t in IDENTITY_TABLES {
                let _ = write!(
                    s,
                    "SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {t}));"
                );
            }
            self.conn.exec(&s).await?;
        }
        self.conn.exec(ORDER_INDEXES_DROP).await
    }

    /// Write one chunk of order lines and their monthly roll-up in one transaction, with
    /// prepared multi-row statements (bound parameters: no per-value parsing).
    pub async fn write_orders(&mut self, lines: &[OrderLine], months: &[SalesMonth]) -> Result<()> {
        self.conn.exec("BEGIN").await?;
        match self.write_orders_in_tx(lines, months).await {
            Ok(()) => self.conn.exec("COMMIT").await,
            Err(e) => {
                let _ = self.conn.exec("ROLLBACK").await;
                Err(e)
            }
        }
    }

    async fn write_orders_in_tx(
        &mut self, lines: &[OrderLine], months: &[SalesMonth],
    ) -> Result<()> {
        let backend = self.conn.backend();
        for batch in lines.chunks(LINE_ROWS) {
            let full = batch.len() == LINE_ROWS;
            let partial;
            let sql = if full {
                &self.full_line_sql
            } else {
                partial = crate::bulk::insert_sql(LINE_HEAD, 8, batch.len(), backend);
                &partial
            };
            on_conn!(&mut self.conn, run, c => {
                let mut q = sqlx::query(sql).persistent(full);
                for l in batch {
                    q = q
                        .bind(l.retailer_id)
                        .bind(l.order_date)
                        .bind(l.product_id)
                        .bind(l.demanded_qty)
                        .bind(l.quota_qty)
                        .bind(l.ordered_qty)
                        .bind(l.supplied_qty)
                        .bind(l.amount_fen);
                }
                run(c, q).await?;
            });
        }
        for batch in months.chunks(MONTH_ROWS) {
            let full = batch.len() == MONTH_ROWS;
            let partial;
            let sql = if full {
                &self.full_month_sql
            } else {
                partial = crate::bulk::insert_sql(MONTH_HEAD, 7, batch.len(), backend);
                &partial
            };
            on_conn!(&mut self.conn, run, c => {
                let mut q = sqlx::query(sql).persistent(full);
                for m in batch {
                    q = q
                        .bind(m.retailer_id)
                        .bind(m.month.as_str())
                        .bind(m.product_id)
                        .bind(m.demanded_qty)
                        .bind(m.ordered_qty)
                        .bind(m.supplied_qty)
                        .bind(m.amount_fen);
                }
                run(c, q).await?;
            });
        }
        Ok(())
    }

    /// Rebuild the order indexes, restore the connection's settings, compute the roll-ups
    /// ([`crate::rollup`]) and write the default configuration rows.
    pub async fn finish(mut self, db: &Db) -> Result<()> {
        let built = self.conn.exec(ORDER_INDEXES_CREATE).await;
        self.abort().await?;
        built?;
        crate::rollup::rebuild(db).await?;
        // The planner's statistics of what was loaded and rolled up (every row read).
        db.analyze().await?;
        crate::repo::config::seed_defaults(db).await
    }

    /// End the load without rebuilding anything (after a failure): restore the connection's
    /// settings before it goes back to the pool.
    pub async fn abort(mut self) -> Result<()> {
        if self.conn.backend() == Backend::Sqlite {
            self.conn.exec("PRAGMA synchronous = NORMAL").await?;
        }
        Ok(())
    }
}

/// Row counts and column sums of a loaded city, to check a load against what was handed over.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub retailers: i64,
    pub staff: i64,
    pub config_rows: i64,
    pub order_lines: i64,
    pub sales_months: i64,
    /// Σ demanded, ordered, supplied, amount over `order_line`.
    pub line_sums: [i64; 4],
    /// The same sums over `sales_month`.
    pub month_sums: [i64; 4],
}

/// The [`Totals`] of the database.
pub async fn totals(db: &Db) -> Result<Totals> {
    let count = |t: &'static str| format!("SELECT COUNT(*) FROM {t}");
    let sums = |t: &'static str| {
        format!(
            "SELECT CAST(COALESCE(SUM(demanded_qty), 0) AS BIGINT), CAST(COALESCE(SUM(ordered_qty), 0) AS BIGINT), \
             CAST(COALESCE(SUM(supplied_qty), 0) AS BIGINT), CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM {t}"
        )
    };
    let mut out = Totals::default();
    for (t, slot) in [
        ("retailer", &mut out.retailers),
        ("staff", &mut out.staff),
        ("config", &mut out.config_rows),
        ("order_line", &mut out.order_lines),
        ("sales_month", &mut out.sales_months),
    ] {
        let q = count(t);
        *slot = crate::on_db!(db, p => sqlx::query_scalar::<_, i64>(&q).fetch_one(p).await)?;
    }
    for (t, slot) in [
        ("order_line", &mut out.line_sums),
        ("sales_month", &mut out.month_sums),
    ] {
        let q = sums(t);
        let (a, b, c, d): (i64, i64, i64, i64) =
            crate::on_db!(db, p => sqlx::query_as(&q).fetch_one(p).await)?;
        *slot = [a, b, c, d];
    }
    Ok(out)
}

/// Checks of a loaded city's order history against the master data, each the number of rows
/// that break a rule (all 0 in a sound load), plus `tight_cut_lines`, which must be > 0.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderChecks {
    /// Lines ordering more than demanded, supplied more than ordered, or ordered over quota.
    pub impossible_lines: i64,
    /// Lines before the SKU's launch or from its delisting on.
    pub out_of_life_lines: i64,
    /// Lines of tight SKUs where the quota cut the order (> 0 expected).
    pub tight_cut_lines: i64,
    /// Lines of launched (new) SKUs (> 0 expected).
    pub launched_lines: i64,
    /// `sales_month` rows that disagree with the monthly sum of their lines (or are missing).
    pub month_mismatches: i64,
}

/// The [`OrderChecks`] of the database.
pub async fn order_checks(db: &Db) -> Result<OrderChecks> {
    let one = |q: &'static str| async move {
        Ok::<i64, StoreError>(
            crate::on_db!(db, p => sqlx::query_scalar::<_, i64>(q).fetch_one(p).await)?,
        )
    };
    Ok(OrderChecks {
        impossible_lines: one(
            "SELECT COUNT(*) FROM order_line WHERE ordered_qty > demanded_qty OR supplied_qty > ordered_qty \
             OR (quota_qty IS NOT NULL AND ordered_qty > quota_qty)",
        )
        .await?,
        out_of_life_lines: one(
            "SELECT COUNT(*) FROM order_line o JOIN product p ON p.id = o.product_id \
             WHERE (p.launch_date IS NOT NULL AND o.order_date < p.launch_date) \
                OR (p.delisted_on IS NOT NULL AND o.order_date >= p.delisted_on)",
        )
        .await?,
        tight_cut_lines: one(
            "SELECT COUNT(*) FROM order_line o JOIN product p ON p.id = o.product_id \
             WHERE p.supply_status = 'TIGHT' AND o.quota_qty IS NOT NULL AND o.ordered_qty < o.demanded_qty",
        )
        .await?,
        launched_lines: one(
            "SELECT COUNT(*) FROM order_line o JOIN product p ON p.id = o.product_id WHERE p.launch_date IS NOT NULL",
        )
        .await?,
        month_mismatches: one(
            "SELECT COUNT(*) FROM (SELECT retailer_id, substr(CAST(order_date AS TEXT), 1, 7) AS m, product_id, \
               SUM(supplied_qty) AS q, SUM(amount_fen) AS a FROM order_line GROUP BY 1, 2, 3) x \
             LEFT JOIN sales_month s ON s.retailer_id = x.retailer_id AND s.month = x.m AND s.product_id = x.product_id \
             WHERE s.supplied_qty IS NULL OR s.supplied_qty <> x.q OR s.amount_fen <> x.a",
        )
        .await?,
    })
}
