//! Loading a generated [`City`] into the store through its bulk API ([`store::city`]): the
//! master data in one transaction, then the order lines and their monthly roll-up retailer
//! chunk by retailer chunk. Chunks are simulated on a producer thread (rayon inside) while the
//! previous chunk is written, so memory stays bounded; the store owns the SQL, the batching and
//! the load-time settings (indexes dropped and rebuilt, SQLite `synchronous` OFF meanwhile).
use crate::orders::Model;
use crate::{City, Progress, SimConfig, generate};
use rayon::prelude::*;
use store::Db;
use store::model::{OrderLine, SalesMonth};

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

/// Retailers simulated and written per transaction.
const CHUNK_RETAILERS: usize = 250;

/// One chunk of simulated retailers as stored rows.
struct Chunk {
    lines: Vec<OrderLine>,
    months: Vec<SalesMonth>,
}

fn simulate_chunk(model: &Model, month_strs: &[String], range: std::ops::Range<usize>) -> Chunk {
    let parts: Vec<(Vec<OrderLine>, Vec<SalesMonth>)> = range
        .into_par_iter()
        .map(|ri| {
            let mut buf = Vec::new();
            model.simulate(ri, &mut buf);
            let rid = model.retailers[ri].id;
            let months = crate::orders::roll_up(model, &buf)
                .into_iter()
                .map(|m| SalesMonth {
                    retailer_id: rid,
                    month: month_strs[m.month as usize].clone(),
                    product_id: model.products[m.prod as usize].id,
                    demanded_qty: m.demanded,
                    ordered_qty: m.ordered,
                    supplied_qty: m.supplied,
                    amount_fen: m.amount,
                })
                .collect();
            let lines = buf
                .iter()
                .map(|l| OrderLine {
                    retailer_id: rid,
                    order_date: model.date(l.day),
                    product_id: model.products[l.prod as usize].id,
                    demanded_qty: l.demanded as i64,
                    quota_qty: l.quota.map(|q| q as i64),
                    ordered_qty: l.ordered as i64,
                    supplied_qty: l.supplied as i64,
                    amount_fen: l.amount,
                })
                .collect();
            (lines, months)
        })
        .collect();
    let mut chunk = Chunk {
        lines: Vec::with_capacity(parts.iter().map(|p| p.0.len()).sum()),
        months: Vec::with_capacity(parts.iter().map(|p| p.1.len()).sum()),
    };
    for (l, m) in parts {
        chunk.lines.extend(l);
        chunk.months.extend(m);
    }
    chunk
}

/// Write `city` into `db` (migrated, empty). Progress stages: "写入主数据", "写入订单",
/// "建立索引".
pub async fn load(db: &Db, city: &City, progress: Progress<'_>) -> store::Result<LoadStats> {
    let mut loader = store::city::Loader::begin(db).await?;
    match load_with(&mut loader, city, progress).await {
        Ok(stats) => {
            progress("建立索引", 0, 1);
            loader.finish(db).await?;
            progress("建立索引", 1, 1);
            Ok(stats)
        }
        Err(e) => {
            let _ = loader.abort().await;
            Err(e)
        }
    }
}

async fn load_with(
    loader: &mut store::city::Loader, city: &City, progress: Progress<'_>,
) -> store::Result<LoadStats> {
    // 1. master data, all or nothing
    let master = store::city::Master {
        org_units: &city.org_units,
        staff: &city.staff,
        territories: &city.territories,
        routes: &city.routes,
        brand_assignments: &city.brand_assignments,
        manufacturers: &city.manufacturers,
        products: &city.products,
        price_history: &city.price_history,
        retailers: &city.retailers,
        tier_history: &city.tier_history,
        class_history: &city.class_history,
        sample_collections: &city.sample_collections,
    };
    loader
        .write_master(&master, &|done, total| progress("写入主数据", done, total))
        .await?;

    // 2. order lines and monthly roll-up, chunk by chunk
    let model = city.model.clone();
    let month_strs: Vec<String> = (0..model.months)
        .map(|m| city.start_month.plus(m as i32).to_string())
        .collect();
    let n = city.retailers.len();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Chunk>(2);
    // The producer thread simulates chunks (rayon inside) while this task writes the previous
    // one; if writing fails, `rx` is dropped and the producer stops at its next send.
    std::thread::spawn(move || {
        let mut start = 0;
        while start < n {
            let end = (start + CHUNK_RETAILERS).min(n);
            if tx
                .blocking_send(simulate_chunk(&model, &month_strs, start..end))
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
        loader.write_orders(&chunk.lines, &chunk.months).await?;
        lines += chunk.lines.len() as u64;
        months += chunk.months.len() as u64;
        progress("写入订单", lines.min(total_lines), total_lines.max(lines));
    }
    if lines != total_lines {
        return Err(store::StoreError::Corrupt(format!(
            "order generation stopped early: {lines} of {total_lines} lines"
        )));
    }
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
    db: &Db, cfg: &SimConfig, progress: Progress<'_>,
) -> store::Result<LoadStats> {
    let city = generate(cfg, progress);
    load(db, &city, progress).await
}
