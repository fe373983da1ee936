//! Benchmark / generator: `cargo run --release -p sim --example gen -- --retailers 10000 --months 36 --db /tmp/city.db`
//!
//! Generates the city into a fresh SQLite file (removed first) and prints elapsed times, row
//! counts and the file size. Options: --retailers N, --months N, --seed N, --counties N,
//! --end YYYY-MM, --db PATH (or a postgres:// URL).
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let get = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let end = get("--end")
        .map(|s| domain::Month::parse(&s).expect("--end YYYY-MM"))
        .unwrap_or_else(sim::SimConfig::last_complete_month);
    let mut cfg = sim::SimConfig::new(
        end,
        "$argon2id$v=19$m=19456,t=2,p=1$c2ltYmVuY2g$placeholder",
    );
    if let Some(v) = get("--retailers") {
        cfg.retailers = v.parse().expect("--retailers N");
    }
    if let Some(v) = get("--months") {
        cfg.months = v.parse().expect("--months N");
    }
    if let Some(v) = get("--seed") {
        cfg.seed = v.parse().expect("--seed N");
    }
    if let Some(v) = get("--counties") {
        cfg.counties = v.parse().expect("--counties N");
    }
    let db_arg = get("--db").unwrap_or_else(|| "/tmp/m135-city.db".to_string());
    let url = if db_arg.starts_with("postgres") {
        db_arg.clone()
    } else {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{db_arg}{ext}"));
        }
        format!("sqlite:{db_arg}")
    };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let db = store::Db::connect(&url).await.expect("connect");
        db.migrate().await.expect("migrate");
        let t0 = Instant::now();
        let last = std::sync::Mutex::new(String::new());
        let progress = |stage: &str, done: u64, total: u64| {
            let mut l = last.lock().expect("lock");
            if *l != stage {
                eprintln!("[{:>6.1}s] {stage}", t0.elapsed().as_secs_f64());
                *l = stage.to_string();
            }
            let _ = (done, total);
        };
        let city = sim::generate(&cfg, &progress);
        let t_gen = t0.elapsed();
        let stats = sim::load(&db, &city, &progress).await.expect("load");
        let t_all = t0.elapsed();
        db.close().await;
        println!(
            "retailers {} · months {} · seed {}",
            cfg.retailers, cfg.months, cfg.seed
        );
        println!(
            "generate: {:.2} s, generate + load: {:.2} s",
            t_gen.as_secs_f64(),
            t_all.as_secs_f64()
        );
        println!("{stats:#?}");
        if !db_arg.starts_with("postgres") {
            let size = std::fs::metadata(&db_arg).map(|m| m.len()).unwrap_or(0)
                + std::fs::metadata(format!("{db_arg}-wal"))
                    .map(|m| m.len())
                    .unwrap_or(0);
            println!("file size: {:.1} MB ({db_arg})", size as f64 / 1e6);
        }
    });
}
