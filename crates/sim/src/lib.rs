//! The synthetic city of m135 (issue 2 §3): a deterministic, realistic company for demos, tests
//! and benchmarks, loaded through the store's bulk API ([`store::city`]; this crate writes no SQL).
//!
//! [`generate`] builds the master data in memory — organisation (domain.md §2.1: company, 营销中心,
//! county departments 县级营销部, market areas 市场部, rep territories 区域单元 sized by the §2.2
//! staffing bands, five Mon–Fri routes 营销线路 each), staff, ~250 SKUs over the §3.3.1 price
//! classes, retailers with every §3.1 field — then simulates the weekly order history once to
//! publish tiers by the §3.2 reference algorithm ([`tiering`]) and to fill sample-point
//! collections. [`load()`] writes the city and re-simulates the order lines retailer chunk by
//! chunk, so memory stays bounded; [`generate_into`] does both. The demo city's worked months
//! (forecasts, submissions, balancing, feedback) are made afterwards by `app::demo`, through the
//! platform's own functions.
//!
//! Everything is a function of [`SimConfig`]: the same seed gives the same city, row for row.
//!
//! # Demo accounts (usernames are ASCII, no pinyin)
//!
//! All accounts share `SimConfig::password_hash`.
//!
//! | username | role | unit |
//! |---|---|---|
//! | `admin` | admin 系统管理员 | company |
//! | `yxzx01`, `yxzx02` | marketing_center 营销中心 | 营销中心 |
//! | `pp01`–`pp04` | brand_manager 品牌经理 (with `brand_assignment` rows, key brands first) | 营销中心 |
//! | `zrCC` | marketing_director 营销主任 of county `CC` (01 = 城区) | county |
//! | `zmCC` | monopoly_officer 专卖 of county `CC` | county |
//! | `scNN` | market_manager 市场经理, numbered over all areas in order (sc01 = 城区's first area) | area |
//! | `khCCNN` | account_manager 客户经理 `NN` of county `CC` (kh0101 = the first rep of 城区) | area; supervisor = the area's `sc` |
//!
//! # Benchmark
//!
//! `cargo run --release -p sim --example gen -- --retailers 10000 --months 36 --db /tmp/city.db`
//! prints the elapsed time, row counts and file size. Measured on the shared 2-core machine
//! (load average ≈ 7 from concurrent builds): 30–43 s wall, ≈ 29 s CPU, 9.35 M order lines,
//! 3.87 M `sales_month` rows, 130 k tier-history rows, ≈ 0.8–0.9 GB SQLite file, < 0.8 GB RSS.
//!
//! Codes: org units `COMPANY`, `MC`, `CTYcc`, `Acca`; territories `Tccaxx`; routes `Tccaxx-d`
//! (d = weekday 1–5); customer codes `4203cc` + 6 digits; SKU codes province code + `01` + 4 digits.
#![forbid(unsafe_code)]

pub mod load;
mod master;
pub mod names;
mod orders;
pub mod rng;
pub mod tiering;

pub use load::{LoadStats, generate_into, load};
pub use orders::{Line, MonthRow};

use chrono::{Duration, NaiveDate, Utc};
use domain::Month;
use orders::Model;
use rayon::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
pub use store::model::SampleCollection;
use store::model::{
    BrandAssignment, ClassHistory, Manufacturer, OrderLine, OrgUnit, PriceHistory, Product,
    Retailer, SalesMonth, SalesRoute, Staff, Territory, TierHistory,
};

/// Progress callback: (stage name in Chinese, done, total). Called from worker threads too.
pub type Progress<'a> = &'a (dyn Fn(&str, u64, u64) + Sync);

/// A progress callback that ignores everything.
pub fn no_progress(_: &str, _: u64, _: u64) {}

/// What to generate.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Number of retailers (default 10,000).
    pub retailers: usize,
    /// Months of order history (default 36).
    pub months: u32,
    pub seed: u64,
    /// The last complete month of history.
    pub end_month: Month,
    /// County departments (default 11; fewer when the city is small, ≥ ~130 retailers each).
    pub counties: usize,
    /// One password hash shared by every demo account.
    pub password_hash: String,
}

impl SimConfig {
    /// Defaults (10,000 retailers, 36 months, 11 counties, seed 135) ending at `end_month`.
    pub fn new(end_month: Month, password_hash: impl Into<String>) -> SimConfig {
        SimConfig {
            retailers: 10_000,
            months: 36,
            seed: 135,
            end_month,
            counties: 11,
            password_hash: password_hash.into(),
        }
    }

    /// The month before today's (UTC): the last complete month.
    pub fn last_complete_month() -> Month {
        Month::of(Utc::now().date_naive()).prev()
    }

    pub fn start_month(&self) -> Month {
        self.end_month.plus(-(self.months.max(1) as i32 - 1))
    }
}

/// The generated city: master data as stored rows, plus the order model that produces the
/// order lines on demand ([`City::order_lines`]).
pub struct City {
    pub config: SimConfig,
    pub start_month: Month,
    pub end_month: Month,
    pub org_units: Vec<OrgUnit>,
    pub staff: Vec<Staff>,
    pub territories: Vec<Territory>,
    pub routes: Vec<SalesRoute>,
    pub brand_assignments: Vec<BrandAssignment>,
    pub manufacturers: Vec<Manufacturer>,
    pub products: Vec<Product>,
    pub price_history: Vec<PriceHistory>,
    pub retailers: Vec<Retailer>,
    pub tier_history: Vec<TierHistory>,
    pub class_history: Vec<ClassHistory>,
    pub sample_collections: Vec<SampleCollection>,
    /// Order lines the load will write (counted by the generating pass).
    pub order_line_count: u64,
    /// `sales_month` rows the load will write.
    pub sales_month_count: u64,
    pub(crate) model: Arc<Model>,
}

impl City {
    /// The order lines and monthly roll-up of retailers `range` (indices into `retailers`), in
    /// primary-key order. Deterministic; used by the loader and by tests.
    pub fn order_lines(&self, range: std::ops::Range<usize>) -> (Vec<OrderLine>, Vec<SalesMonth>) {
        let mut lines = Vec::new();
        let mut months = Vec::new();
        let mut buf = Vec::new();
        for ri in range {
            buf.clear();
            self.model.simulate(ri, &mut buf);
            let rid = self.model.retailers[ri].id;
            for l in &buf {
                lines.push(OrderLine {
                    retailer_id: rid,
                    order_date: self.model.date(l.day),
                    product_id: self.model.products[l.prod as usize].id,
                    demanded_qty: l.demanded as i64,
                    quota_qty: l.quota.map(|q| q as i64),
                    ordered_qty: l.ordered as i64,
                    supplied_qty: l.supplied as i64,
                    amount_fen: l.amount,
                });
            }
            for m in orders::roll_up(&self.model, &buf) {
                months.push(SalesMonth {
                    retailer_id: rid,
                    month: self.start_month.plus(m.month as i32).to_string(),
                    product_id: self.model.products[m.prod as usize].id,
                    demanded_qty: m.demanded,
                    ordered_qty: m.ordered,
                    supplied_qty: m.supplied,
                    amount_fen: m.amount,
                });
            }
        }
        (lines, months)
    }
}

/// Per-retailer results of the generating pass.
struct Summary {
    /// Per month offset: [amount fen, supplied 条, low-tar supplied 条].
    monthly: Vec<[i64; 3]>,
    lines: u64,
    month_rows: u64,
    samples: Vec<SampleCollection>,
}

fn summarise(model: &Model, ri: usize, products: &[Product]) -> Summary {
    let mut buf = Vec::new();
    model.simulate(ri, &mut buf);
    let rows = orders::roll_up(model, &buf);
    let mut monthly = vec![[0i64; 3]; model.months];
    for r in &rows {
        let m = &mut monthly[r.month as usize];
        m[0] += r.amount;
        m[1] += r.supplied;
        if model.products[r.prod as usize].low_tar {
            m[2] += r.supplied;
        }
    }
    let rm = &model.retailers[ri];
    let mut samples = Vec::new();
    if rm.sample_point {
        let mut rng = rng::Rng::new(rm.seed ^ 0x5A5A);
        let first = model.months.saturating_sub(3);
        for mo in first..model.months {
            let month = model.start_month.plus(mo as i32);
            let mut these: Vec<&orders::MonthRow> =
                rows.iter().filter(|r| r.month as usize == mo).collect();
            these.sort_by(|a, b| b.supplied.cmp(&a.supplied).then(a.prod.cmp(&b.prod)));
            these.truncate(8);
            these.sort_by_key(|r| r.prod);
            for r in these {
                let p = &model.products[r.prod as usize];
                let (_, retail) = p.price_at(month.last_day());
                let tight = matches!(p.quota, orders::QuotaRule::Tight { .. });
                let slow = products[r.prod as usize].supply_status == "SLOW";
                let factor = if tight {
                    rng.uniform(1.0, 1.08)
                } else if slow {
                    rng.uniform(0.88, 0.97)
                } else {
                    rng.uniform(0.93, 1.01)
                };
                let sales = ((r.supplied as f64) * rng.uniform(0.85, 1.1))
                    .round()
                    .max(0.0) as i64;
                samples.push(SampleCollection {
                    month: month.to_string(),
                    retailer_id: rm.id,
                    product_id: p.id,
                    stock_qty: (sales as f64 * rng.uniform(0.25, 0.7)).round() as i64,
                    sales_qty: sales,
                    retail_price_fen: ((retail as f64 * factor) / 100.0).round() as i64 * 100,
                    stockout_days: if tight {
                        rng.int(0, 8)
                    } else if rng.chance(0.1) {
                        rng.int(1, 3)
                    } else {
                        0
                    },
                    collected_by: Some(rm.rep_id),
                    collected_at: month.day(26).and_hms_opt(9, 0, 0).expect("time").and_utc(),
                });
            }
        }
    }
    Summary {
        monthly,
        lines: buf.len() as u64,
        month_rows: rows.len() as u64,
        samples,
    }
}

/// Generate the city for `cfg` (deterministic for a seed). CPU-bound (rayon); a few seconds for
/// the default city. Progress stages: "生成主数据", "模拟订货".
pub fn generate(cfg: &SimConfig, progress: Progress<'_>) -> City {
    let start = cfg.start_month();
    let end = cfg.end_month;
    progress("生成主数据", 0, 1);
    let m = master::build(cfg, start, end);
    progress("生成主数据", 1, 1);
    let mut retailers = m.retailers;
    let model = Arc::new(Model::new(start, end, m.prod_models, m.ret_models));
    let n = retailers.len();
    let done = AtomicU64::new(0);
    let summaries: Vec<Summary> = (0..n)
        .into_par_iter()
        .map(|ri| {
            let s = summarise(&model, ri, &m.products);
            let d = done.fetch_add(1, Ordering::Relaxed) + 1;
            if d.is_multiple_of(256) || d == n as u64 {
                progress("模拟订货", d, n as u64);
            }
            s
        })
        .collect();

    // Published tiers (§3.2 V3 with V1 weights) from the generated history: quarterly runs over
    // the previous three months; the last run (on the last three months) is in force.
    let months = model.months as i32;
    let gen_at = end
        .end_exclusive()
        .and_hms_opt(8, 0, 0)
        .expect("time")
        .and_utc();
    let mut tier_history = Vec::new();
    let shares = tiering::pyramid_shares();
    let seniority: Vec<i64> = retailers
        .iter()
        .map(|r| r.licensed_on.num_days_from_ce_i64())
        .collect();
    let mut current: Vec<i64> = retailers.iter().map(|r| r.tier).collect();
    for (r, t) in retailers.iter().zip(&current) {
        tier_history.push(TierHistory {
            id: tier_history.len() as i64 + 1,
            retailer_id: r.id,
            period: start.to_string(),
            score: None,
            tier: *t,
            previous_tier: None,
            reason: "期初建档".to_string(),
            created_at: start
                .first_day()
                .and_hms_opt(8, 0, 0)
                .expect("time")
                .and_utc(),
        });
    }
    // evaluation k takes effect at month offset e (e = months, months − 3, …, ≥ 3)
    let mut evals: Vec<i32> = (0..)
        .map(|k| months - 3 * k)
        .take_while(|e| *e >= 3)
        .collect();
    evals.reverse();
    for e in evals {
        let metrics: Vec<tiering::Metrics> = summaries
            .iter()
            .map(|s| {
                let mut m = tiering::Metrics::default();
                for mo in (e - 3)..e {
                    let x = s.monthly[mo as usize];
                    m.amount += x[0];
                    m.qty += x[1];
                    m.low_tar_qty += x[2];
                }
                m
            })
            .collect();
        let scores = tiering::scores(&metrics, tiering::V1_WEIGHTS);
        let amounts: Vec<i64> = metrics.iter().map(|m| m.amount).collect();
        let tiers = tiering::assign(&scores, &amounts, &seniority, &shares);
        let period = start.plus(e);
        let created = period.first_day() - Duration::days(1);
        for (i, r) in retailers.iter().enumerate() {
            tier_history.push(TierHistory {
                id: tier_history.len() as i64 + 1,
                retailer_id: r.id,
                period: period.to_string(),
                score: Some((scores[i] * 100.0).round() / 100.0),
                tier: tiers[i] as i64,
                previous_tier: Some(current[i]),
                reason: "季度评定".to_string(),
                created_at: created.and_hms_opt(18, 0, 0).expect("time").and_utc(),
            });
            current[i] = tiers[i] as i64;
        }
    }
    let locked_until: NaiveDate = end.plus(3).last_day();
    let mut sample_collections = Vec::new();
    let mut order_line_count = 0;
    let mut sales_month_count = 0;
    for ((r, s), t) in retailers.iter_mut().zip(summaries).zip(&current) {
        r.tier = *t;
        r.tier_locked_until = Some(locked_until);
        r.is_large_account = s.monthly.last().is_some_and(|m| m[1] >= 1000);
        r.updated_at = gen_at;
        order_line_count += s.lines;
        sales_month_count += s.month_rows;
        sample_collections.extend(s.samples);
    }
    City {
        config: cfg.clone(),
        start_month: start,
        end_month: end,
        org_units: m.org_units,
        staff: m.staff,
        territories: m.territories,
        routes: m.routes,
        brand_assignments: m.brand_assignments,
        manufacturers: m.manufacturers,
        products: m.products,
        price_history: m.price_history,
        retailers,
        tier_history,
        class_history: m.class_history,
        sample_collections,
        order_line_count,
        sales_month_count,
        model,
    }
}

trait DaysFromCe {
    fn num_days_from_ce_i64(&self) -> i64;
}
impl DaysFromCe for NaiveDate {
    fn num_days_from_ce_i64(&self) -> i64 {
        chrono::Datelike::num_days_from_ce(self) as i64
    }
}
