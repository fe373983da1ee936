//! Bulk loader: writes a generated [`City`] into the store (SQLite or PostgreSQL, one code path).
//!
//! The master data (organisation, staff, products, retailers, histories) is written as
//! multi-row `INSERT … VALUES` statements with literal values (numbers, dates and generated names
//! only — nothing user-supplied) in one transaction: it is all there or not at all. Order lines
//! and their monthly roll-up follow in one transaction per retailer chunk, as prepared multi-row
//! statements of ~32,000 bound parameters (SQLite's limit is 32,766), reused from the statement
//! cache, so no value is parsed; chunks are simulated on a producer thread (rayon inside) while
//! the previous chunk is written. The two secondary indexes of the order tables are dropped
//! during the load and rebuilt after it; on SQLite, `synchronous` is OFF during the load and
//! restored to NORMAL after. A failure after the master commit leaves partial order history (and
//! possibly no order indexes): generate again into an empty database. On PostgreSQL the identity
//! sequences are reset after the explicit ids.
use crate::orders::{Line, Model, MonthRow};
use crate::{City, Progress, SimConfig, generate};
use chrono::{DateTime, NaiveDate, Utc};
use rayon::prelude::*;
use sqlx::pool::PoolConnection;
use sqlx::{Postgres, Sqlite};
use std::fmt::Write;
use store::Db;

/// Row counts written by [`load`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadStats {
    pub org_units: u64,
    pub staff: u64,
    pub retailers: u64,
    pub products: u64,
    pub tier_history: u64,
    pub order_lines: u64,
    pub sales_months: u64,
    pub sample_collections: u64,
}

type SendFuture<'a, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = store::Result<T>> + Send + 'a>>;

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
    c: &'a mut sqlx::PgConnection,
    q: sqlx::query::Query<'a, Postgres, sqlx::postgres::PgArguments>,
) -> SendFuture<'a, ()> {
    Box::pin(async move {
        q.execute(c).await?;
        Ok(())
    })
}

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
    out: &mut String,
    head: &str,
    rows: &[T],
    per: usize,
    mut f: impl FnMut(&T, &mut String),
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

fn master_sql(city: &City) -> Vec<String> {
    let mut v = Vec::new();
    let mut s = String::new();
    inserts(
        &mut s,
        "INSERT INTO org_unit (id, code, name, kind, parent_id, market_type)",
        &city.org_units,
        500,
        |o, s| row!(s; o.id, o.code, o.name, o.kind, o.parent_id, o.market_type),
    );
    inserts(
        &mut s,
        "INSERT INTO staff (id, username, name, role, org_unit_id, supervisor_id, employment_type, hired_on, phone, password_hash, active, created_at)",
        &city.staff,
        500,
        |x, s| row!(s; x.id, x.username, x.name, x.role, x.org_unit_id, x.supervisor_id, x.employment_type, x.hired_on, x.phone, x.password_hash, x.active, x.created_at),
    );
    inserts(
        &mut s,
        "INSERT INTO territory (id, code, name, area_id, market_type, rep_id)",
        &city.territories,
        500,
        |t, s| row!(s; t.id, t.code, t.name, t.area_id, t.market_type, t.rep_id),
    );
    inserts(
        &mut s,
        "INSERT INTO sales_route (id, code, name, territory_id, weekday)",
        &city.routes,
        1000,
        |r, s| row!(s; r.id, r.code, r.name, r.territory_id, r.weekday),
    );
    inserts(
        &mut s,
        "INSERT INTO brand_assignment (brand, brand_manager_id)",
        &city.brand_assignments,
        500,
        |b, s| row!(s; b.brand, b.brand_manager_id),
    );
    inserts(
        &mut s,
        "INSERT INTO manufacturer (id, code, name, province)",
        &city.manufacturers,
        500,
        |m, s| row!(s; m.id, m.code, m.name, m.province),
    );
    inserts(
        &mut s,
        "INSERT INTO product (id, sku_code, barcode_pack, barcode_carton, brand, spec_name, manufacturer_id, price_class, transfer_price_ex_tax_fen, transfer_price_incl_tax_fen, wholesale_price_fen, suggested_retail_price_fen, tar_mg_x10, stick_type, is_in_province, is_key_brand, key_brand_list, is_new, launch_date, cultivation_end_date, brand_position, supply_status, allocation_mode, status, delisted_on)",
        &city.products,
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
        &city.price_history,
        1000,
        |p, s| row!(s; p.id, p.product_id, p.effective_from, p.transfer_price_ex_tax_fen, p.transfer_price_incl_tax_fen, p.wholesale_price_fen, p.suggested_retail_price_fen),
    );
    v.push(std::mem::take(&mut s));
    inserts(
        &mut s,
        "INSERT INTO retailer (id, customer_code, license_no, name, owner_name, address, phone, lat, lng, business_format, market_type, urban_rural_code, business_scale, business_district, tier, tier_locked_until, order_cycle, order_weekday, credit_grade, compliance_grade, terminal_level, is_info_reporter, is_sample_point, is_integrity_group_member, integrity_group_name, is_online_orderer, has_pos, business_status, store_area_m2, tobacco_area_m2, has_display_fixture, has_aggregated_payment, is_vulnerable_group, is_large_account, licensed_on, county_id, area_id, territory_id, route_id, account_manager_id, created_at, updated_at)",
        &city.retailers,
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
        &city.tier_history,
        2000,
        |t, s| row!(s; t.id, t.retailer_id, t.period, t.score, t.tier, t.previous_tier, t.reason, t.created_at),
    );
    inserts(
        &mut s,
        "INSERT INTO retailer_class_history (id, retailer_id, field, old_value, new_value, effective_on, reason, approved_by, created_at)",
        &city.class_history,
        1000,
        |c, s| row!(s; c.id, c.retailer_id, c.field, c.old_value, c.new_value, c.effective_on, c.reason, c.approved_by, c.created_at),
    );
    inserts(
        &mut s,
        "INSERT INTO sample_collection (month, retailer_id, product_id, stock_qty, sales_qty, retail_price_fen, stockout_days, collected_by, collected_at)",
        &city.sample_collections,
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

/// One chunk of simulated retailers: (retailer id, lines, monthly roll-up).
struct Chunk {
    parts: Vec<(i64, Vec<Line>, Vec<MonthRow>)>,
}

fn simulate_chunk(model: &Model, range: std::ops::Range<usize>) -> Chunk {
    let parts = range
        .into_par_iter()
        .map(|ri| {
            let mut buf = Vec::new();
            model.simulate(ri, &mut buf);
            let rows = crate::orders::roll_up(model, &buf);
            (model.retailers[ri].id, buf, rows)
        })
        .collect();
    Chunk { parts }
}

/// `head VALUES …` for `rows` rows, `?` placeholders on SQLite and `$n` on PostgreSQL.
fn insert_sql(head: &str, cols: usize, rows: usize, numbered: bool) -> String {
    let backend = if numbered {
        store::Backend::Postgres
    } else {
        store::Backend::Sqlite
    };
    store::bulk::insert_sql(head, cols, rows, backend)
}

const LINE_HEAD: &str = "INSERT INTO order_line (retailer_id, order_date, product_id, demanded_qty, quota_qty, ordered_qty, supplied_qty, amount_fen)";
const MONTH_HEAD: &str = "INSERT INTO sales_month (retailer_id, month, product_id, demanded_qty, ordered_qty, supplied_qty, amount_fen)";
/// Rows per statement: under SQLite's 32,766 bound variables.
const LINE_ROWS: usize = 32_000 / 8;
const MONTH_ROWS: usize = 32_000 / 7;

/// Expand one body per backend with `$c` bound to the connection.
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

/// Write one chunk in one transaction with prepared multi-row statements (bound parameters:
/// no per-value parsing). Returns (lines, month rows).
async fn write_chunk(
    conn: &mut Conn,
    model: &Model,
    chunk: &Chunk,
    month_strs: &[String],
    full_line_sql: &str,
    full_month_sql: &str,
) -> store::Result<(u64, u64)> {
    let numbered = matches!(conn, Conn::Postgres(_));
    let lines: Vec<(i64, &Line)> = chunk
        .parts
        .iter()
        .flat_map(|(rid, ls, _)| ls.iter().map(move |l| (*rid, l)))
        .collect();
    let months: Vec<(i64, &MonthRow)> = chunk
        .parts
        .iter()
        .flat_map(|(rid, _, ms)| ms.iter().map(move |m| (*rid, m)))
        .collect();
    for batch in lines.chunks(LINE_ROWS) {
        let partial;
        let sql = if batch.len() == LINE_ROWS {
            full_line_sql
        } else {
            partial = insert_sql(LINE_HEAD, 8, batch.len(), numbered);
            &partial
        };
        on_conn!(conn, run, c => {
            let mut q = sqlx::query(sql).persistent(batch.len() == LINE_ROWS);
            for (rid, l) in batch {
                q = q
                    .bind(*rid)
                    .bind(model.date(l.day))
                    .bind(model.products[l.prod as usize].id)
                    .bind(l.demanded as i64)
                    .bind(l.quota.map(|x| x as i64))
                    .bind(l.ordered as i64)
                    .bind(l.supplied as i64)
                    .bind(l.amount);
            }
            run(c, q).await?;
        });
    }
    for batch in months.chunks(MONTH_ROWS) {
        let partial;
        let sql = if batch.len() == MONTH_ROWS {
            full_month_sql
        } else {
            partial = insert_sql(MONTH_HEAD, 7, batch.len(), numbered);
            &partial
        };
        on_conn!(conn, run, c => {
            let mut q = sqlx::query(sql).persistent(batch.len() == MONTH_ROWS);
            for (rid, m) in batch {
                q = q
                    .bind(*rid)
                    .bind(month_strs[m.month as usize].as_str())
                    .bind(model.products[m.prod as usize].id)
                    .bind(m.demanded)
                    .bind(m.ordered)
                    .bind(m.supplied)
                    .bind(m.amount);
            }
            run(c, q).await?;
        });
    }
    Ok((lines.len() as u64, months.len() as u64))
}

/// Write `city` into `db` (migrated, empty). Progress stages: "写入主数据", "写入订单",
/// "建立索引".
pub async fn load(db: &Db, city: &City, progress: Progress<'_>) -> store::Result<LoadStats> {
    let mut conn = match db {
        Db::Sqlite(p) => Conn::Sqlite(p.acquire().await?),
        Db::Postgres(p) => Conn::Postgres(p.acquire().await?),
    };
    if let Conn::Sqlite(_) = conn {
        conn.exec("PRAGMA synchronous = OFF").await?;
    }
    let result = load_on(&mut conn, city, progress).await;
    if let Conn::Sqlite(_) = conn {
        conn.exec("PRAGMA synchronous = NORMAL").await?;
    }
    let stats = result?;
    store::repo::config::seed_defaults(db).await?;
    Ok(stats)
}

async fn load_on(conn: &mut Conn, city: &City, progress: Progress<'_>) -> store::Result<LoadStats> {
    // 1. master data, all or nothing
    let master = master_sql(city);
    progress("写入主数据", 0, master.len() as u64);
    conn.exec("BEGIN").await?;
    for (i, sql) in master.iter().enumerate() {
        if let Err(e) = conn.exec(sql).await {
            let _ = conn.exec("ROLLBACK").await;
            return Err(e);
        }
        progress("写入主数据", i as u64 + 1, master.len() as u64);
    }
    conn.exec("COMMIT").await?;
    if let Conn::Postgres(_) = conn {
        let mut s = String::new();
        for t in IDENTITY_TABLES {
            let _ = write!(
                s,
                "SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {t}));"
            );
        }
        conn.exec(&s).await?;
    }

    // 2. order lines and monthly roll-up, chunk by chunk
    conn.exec(ORDER_INDEXES_DROP).await?;
    let model = city.model.clone();
    let month_strs: Vec<String> = (0..model.months)
        .map(|m| city.start_month.plus(m as i32).to_string())
        .collect();
    let numbered = matches!(conn, Conn::Postgres(_));
    let full_line_sql = insert_sql(LINE_HEAD, 8, LINE_ROWS, numbered);
    let full_month_sql = insert_sql(MONTH_HEAD, 7, MONTH_ROWS, numbered);
    let n = city.retailers.len();
    let chunk_size = 250usize;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Chunk>(2);
    let producer_model = model.clone();
    // The producer thread simulates chunks (rayon inside) while this task writes the previous
    // one; if writing fails, `rx` is dropped and the producer stops at its next send.
    std::thread::spawn(move || {
        let mut start = 0;
        while start < n {
            let end = (start + chunk_size).min(n);
            if tx
                .blocking_send(simulate_chunk(&producer_model, start..end))
                .is_err()
            {
                return;
            }
            start = end;
        }
    });
    let total_lines = city.order_line_count;
    let mut lines = 0u64;
    let mut months = 0u64;
    while let Some(chunk) = rx.recv().await {
        conn.exec("BEGIN").await?;
        match write_chunk(
            conn,
            &model,
            &chunk,
            &month_strs,
            &full_line_sql,
            &full_month_sql,
        )
        .await
        {
            Ok((l, m)) => {
                conn.exec("COMMIT").await?;
                lines += l;
                months += m;
            }
            Err(e) => {
                let _ = conn.exec("ROLLBACK").await;
                return Err(e);
            }
        }
        progress("写入订单", lines.min(total_lines), total_lines.max(lines));
    }
    if lines != total_lines {
        return Err(store::StoreError::Corrupt(format!(
            "order generation stopped early: {lines} of {total_lines} lines"
        )));
    }
    progress("建立索引", 0, 1);
    conn.exec(ORDER_INDEXES_CREATE).await?;
    if let Conn::Sqlite(_) = conn {
        conn.exec("PRAGMA optimize").await?;
    }
    progress("建立索引", 1, 1);
    Ok(LoadStats {
        org_units: city.org_units.len() as u64,
        staff: city.staff.len() as u64,
        retailers: city.retailers.len() as u64,
        products: city.products.len() as u64,
        tier_history: city.tier_history.len() as u64,
        order_lines: lines,
        sales_months: months,
        sample_collections: city.sample_collections.len() as u64,
    })
}

/// Generate the city for `cfg` and load it into `db` (migrated, empty).
pub async fn generate_into(
    db: &Db,
    cfg: &SimConfig,
    progress: Progress<'_>,
) -> store::Result<LoadStats> {
    let city = generate(cfg, progress);
    load(db, &city, progress).await
}
