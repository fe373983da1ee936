//! Properties of the synthetic city (issue 2 §3): determinism, organisation and staffing, product
//! prices, and — after loading into SQLite (and PostgreSQL when `TEST_POSTGRES_URL` is set) —
//! the structure of the order history.
use domain::Month;
use domain::calendar::spring_festival;
use domain::config::{PriceClassThresholds, Staffing};
use domain::money::Fen;
use domain::product::PriceClass;
use domain::retailer::MarketType;
use sim::{City, SimConfig, generate, load, no_progress};
use std::collections::{BTreeMap, HashMap};
use store::Db;

fn small(seed: u64) -> SimConfig {
    let mut cfg = SimConfig::new(Month::new(2025, 12).unwrap(), "hash");
    cfg.retailers = 300;
    cfg.months = 14;
    cfg.counties = 2;
    cfg.seed = seed;
    cfg
}

fn checksum(city: &City) -> u64 {
    let (lines, months) = city.order_lines(0..city.retailers.len().min(25));
    let mut h: u64 = 1469598103934665603;
    let mut eat = |x: i64| {
        h ^= x as u64;
        h = h.wrapping_mul(1099511628211);
    };
    for l in &lines {
        eat(l.retailer_id);
        eat(l.product_id);
        eat(chrono::Datelike::num_days_from_ce(&l.order_date) as i64);
        eat(l.demanded_qty);
        eat(l.quota_qty.unwrap_or(-1));
        eat(l.ordered_qty);
        eat(l.supplied_qty);
        eat(l.amount_fen);
    }
    for m in &months {
        eat(m.supplied_qty);
        eat(m.amount_fen);
    }
    for r in &city.retailers {
        eat(r.tier);
        eat(r.name.len() as i64);
        eat((r.lat.unwrap_or(0.0) * 1e6) as i64);
    }
    h
}

#[test]
fn same_seed_same_city_other_seed_other_city() {
    let a = generate(&small(7), &no_progress);
    let b = generate(&small(7), &no_progress);
    let c = generate(&small(8), &no_progress);
    assert_eq!(a.order_line_count, b.order_line_count);
    assert_eq!(a.sales_month_count, b.sales_month_count);
    assert_eq!(a.retailers, b.retailers);
    assert_eq!(a.products, b.products);
    assert_eq!(a.staff, b.staff);
    assert_eq!(a.tier_history, b.tier_history);
    assert_eq!(checksum(&a), checksum(&b));
    assert_ne!(checksum(&a), checksum(&c));
}

#[test]
fn organisation_and_staff_of_a_tiny_city() {
    let city = generate(&small(7), &no_progress);
    let kinds = |k: &str| city.org_units.iter().filter(|o| o.kind == k).count();
    assert_eq!(kinds("COMPANY"), 1);
    assert_eq!(kinds("MARKETING_CENTER"), 1);
    assert_eq!(kinds("COUNTY"), 2);
    assert!(kinds("AREA") >= 2);
    let role = |r: &str| city.staff.iter().filter(|s| s.role == r).count();
    assert_eq!(role("admin"), 1);
    assert_eq!(role("marketing_center"), 2);
    assert_eq!(role("brand_manager"), 4);
    assert_eq!(role("market_manager"), kinds("AREA"));
    assert_eq!(role("monopoly_officer"), 2);
    assert_eq!(role("marketing_director"), 2);
    for u in [
        "admin", "yxzx01", "yxzx02", "pp01", "sc01", "kh0101", "zm01", "zr01",
    ] {
        assert!(city.staff.iter().any(|s| s.username == u), "{u}");
    }
    assert!(city.staff.iter().all(|s| s.password_hash == "hash"));
    // each area has ≥ 1 rep, each rep a territory with retailers, supervised by the area's manager
    for area in city.org_units.iter().filter(|o| o.kind == "AREA") {
        let manager = city
            .staff
            .iter()
            .find(|s| s.role == "market_manager" && s.org_unit_id == Some(area.id))
            .expect("manager");
        let reps: Vec<_> = city
            .staff
            .iter()
            .filter(|s| s.role == "account_manager" && s.org_unit_id == Some(area.id))
            .collect();
        assert!(!reps.is_empty());
        for rep in reps {
            assert_eq!(rep.supervisor_id, Some(manager.id));
            let n = city
                .retailers
                .iter()
                .filter(|r| r.account_manager_id == Some(rep.id))
                .count();
            assert!(n > 0);
            let terr = city
                .territories
                .iter()
                .find(|t| t.rep_id == Some(rep.id))
                .unwrap();
            assert_eq!(
                city.routes
                    .iter()
                    .filter(|r| r.territory_id == terr.id)
                    .count(),
                5
            );
        }
    }
    // retailers: order weekday is the route's weekday; tiers 1..30
    for r in &city.retailers {
        let route = &city.routes[(r.route_id.unwrap() - 1) as usize];
        assert_eq!(route.weekday, r.order_weekday);
        assert!((1..=30).contains(&r.tier));
    }
    assert!(city.retailers.iter().filter(|r| r.is_sample_point).count() >= 2 * 5);
}

#[test]
fn staffing_bands_hold_in_the_default_sized_city() {
    let mut cfg = SimConfig::new(Month::new(2025, 12).unwrap(), "hash");
    cfg.months = 1;
    let city = generate(&cfg, &no_progress);
    assert_eq!(city.retailers.len(), 10_000);
    assert_eq!(
        city.org_units.iter().filter(|o| o.kind == "COUNTY").count(),
        11
    );
    let staffing = Staffing::default();
    let mut per_rep: HashMap<i64, (usize, MarketType)> = HashMap::new();
    for r in &city.retailers {
        let e = per_rep
            .entry(r.account_manager_id.unwrap())
            .or_insert((0, MarketType::parse(&r.market_type).unwrap()));
        e.0 += 1;
    }
    let mut inside = 0;
    for (n, market) in per_rep.values() {
        let (lo, hi) = staffing.band(*market);
        let (lo, hi) = (lo as f64, hi as f64);
        assert!(
            (*n as f64) >= lo * 0.8 && (*n as f64) <= hi * 1.2,
            "{n} retailers for a {market:?} rep"
        );
        if (*n as f64) >= lo && (*n as f64) <= hi {
            inside += 1;
        }
    }
    assert!(
        inside * 10 >= per_rep.len() * 7,
        "{inside} of {} reps inside the band",
        per_rep.len()
    );
    // 城区 is mostly urban, the other counties have a rural majority
    let counties: Vec<_> = city
        .org_units
        .iter()
        .filter(|o| o.kind == "COUNTY")
        .collect();
    for (i, c) in counties.iter().enumerate() {
        let of = |m: &str| {
            city.retailers
                .iter()
                .filter(|r| r.county_id == c.id && r.market_type == m)
                .count()
        };
        if i == 0 {
            assert!(of("URBAN") > of("RURAL"), "{}", c.name);
        } else {
            assert!(of("RURAL") > of("URBAN"), "{}", c.name);
        }
    }
    // both market types and all 7 formats occur; rural retailers are mostly grocery
    let rural: Vec<_> = city
        .retailers
        .iter()
        .filter(|r| r.market_type == "RURAL")
        .collect();
    let grocery = rural
        .iter()
        .filter(|r| r.business_format == "GROCERY")
        .count();
    assert!(grocery * 10 >= rural.len() * 7);
    for f in domain::retailer::BusinessFormat::ALL {
        assert!(city.retailers.iter().any(|r| r.business_format == f.code()));
    }
}

#[test]
fn product_prices_are_consistent_with_their_class() {
    let city = generate(&small(7), &no_progress);
    assert_eq!(city.products.len(), 250);
    assert!(city.manufacturers.len() >= 20);
    let t = PriceClassThresholds::default();
    let mut classes = BTreeMap::new();
    for p in &city.products {
        let class = PriceClass::from_transfer_price(Fen(p.transfer_price_ex_tax_fen), &t);
        assert_eq!(class.code(), p.price_class, "{}", p.spec_name);
        *classes.entry(p.price_class.clone()).or_insert(0) += 1;
        assert!(p.transfer_price_incl_tax_fen > p.transfer_price_ex_tax_fen);
        assert!(p.wholesale_price_fen > p.transfer_price_incl_tax_fen);
        assert!(p.suggested_retail_price_fen > p.wholesale_price_fen);
        let margin = 1.0 - p.wholesale_price_fen as f64 / p.suggested_retail_price_fen as f64;
        assert!(
            (0.07..=0.2).contains(&margin),
            "{} margin {margin}",
            p.spec_name
        );
        if p.status == "DELISTED" {
            assert!(p.delisted_on.is_some());
        }
        if p.supply_status == "TIGHT" {
            assert_ne!(p.allocation_mode, "C");
        }
        if p.supply_status == "AMPLE" || p.supply_status == "SLOW" {
            assert_eq!(p.allocation_mode, "C");
        }
    }
    assert_eq!(classes.len(), 5, "{classes:?}");
    let has = |f: &dyn Fn(&store::model::Product) -> bool| city.products.iter().any(f);
    assert!(has(&|p| p.is_key_brand));
    assert!(has(&|p| p.is_new && p.launch_date.is_some()));
    assert!(has(&|p| p.status == "EXITING"));
    assert!(has(&|p| p.status == "DELISTED"));
    assert!(has(&|p| p.supply_status == "TIGHT"));
    assert!(has(&|p| p.tar_mg_x10 <= 80));
    assert!(city.price_history.len() > city.products.len());
}

fn temp_sqlite(name: &str) -> (String, std::path::PathBuf) {
    let path = std::env::temp_dir().join(format!(
        "m135-sim-{name}-{}-{}.db",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    (format!("sqlite:{}", path.display()), path)
}

/// Checks that hold on both backends: what was handed over is what is stored.
async fn check_loaded(db: &Db, city: &City) {
    let t = store::city::totals(db).await.unwrap();
    assert_eq!(t.order_lines as u64, city.order_line_count);
    assert_eq!(t.sales_months as u64, city.sales_month_count);
    assert_eq!(t.retailers as usize, city.retailers.len());
    assert_eq!(t.staff as usize, city.staff.len());
    assert!(t.config_rows > 0);
    // sales_month sums equal order_line sums (demanded, ordered, supplied, amount)
    assert_eq!(t.line_sums, t.month_sums);
    let c = store::city::order_checks(db).await.unwrap();
    // tight SKUs are cut by quotas: demand ≠ supplied
    assert!(c.tight_cut_lines > 0);
    assert_eq!(c.impossible_lines, 0);
    // no orders before launch or from delisting on
    assert_eq!(c.out_of_life_lines, 0);
    assert!(c.launched_lines > 0);
    // sales_month equals the monthly sum of lines, month by month
    assert_eq!(c.month_mismatches, 0);
    check_rollups(db).await;
    // the staff can be found by username (login path)
    for u in ["admin", "kh0101", "sc01", "pp01"] {
        assert!(
            store::repo::staff::by_username(db, u)
                .await
                .unwrap()
                .is_some(),
            "{u}"
        );
    }
}

/// The roll-ups (store::rollup) answer what a scan of sales_month answers, for every key, at
/// every level of scope, all SKUs and key brands only.
async fn check_rollups(db: &Db) {
    use store::repo::ScopeIds;
    use store::repo::sales::{self, SalesKey};
    let last = sales::latest_month(db).await.unwrap().unwrap();
    let months = vec![last.clone(), "2025-02".to_string()];
    let rep = store::repo::staff::by_username(db, "kh0101")
        .await
        .unwrap()
        .unwrap();
    let area = rep.org_unit_id.unwrap();
    let county = store::repo::staff::org_unit(db, area)
        .await
        .unwrap()
        .unwrap()
        .parent_id
        .unwrap();
    let scopes = [
        ScopeIds::default(),
        ScopeIds {
            county_id: Some(county),
            ..ScopeIds::default()
        },
        ScopeIds {
            area_id: Some(area),
            ..ScopeIds::default()
        },
        ScopeIds {
            rep_id: Some(rep.id),
            ..ScopeIds::default()
        },
    ];
    let keys = [
        SalesKey::PriceClass,
        SalesKey::Brand,
        SalesKey::County,
        SalesKey::Area,
        SalesKey::Rep,
        SalesKey::Sku,
        SalesKey::Manufacturer,
        SalesKey::Total,
    ];
    let from = domain::Month::parse(&last).unwrap().plus(-2).to_string();
    let mut got = sales::brand_listing_by_area(db, &from, &last)
        .await
        .unwrap();
    let mut want = sales::brand_listing_scan(db, &from, &last).await.unwrap();
    got.sort_by(|a, b| (a.area_id, &a.brand).cmp(&(b.area_id, &b.brand)));
    want.sort_by(|a, b| (a.area_id, &a.brand).cmp(&(b.area_id, &b.brand)));
    assert!(!want.is_empty());
    assert_eq!(got, want, "listing by area");
    let sorted = |mut v: Vec<sales::KeyMonth>| {
        v.sort_by(|a, b| (&a.month, &a.key).cmp(&(&b.month, &b.key)));
        v
    };
    for scope in scopes {
        for key in keys {
            for only in [false, true] {
                let got = sales::by_key(db, scope, key, &months, only).await.unwrap();
                let want = sales::by_key_scan(db, scope, key, &months, only)
                    .await
                    .unwrap();
                assert!(!want.is_empty(), "{scope:?} {key:?}");
                assert_eq!(
                    sorted(got),
                    sorted(want),
                    "{scope:?} {key:?} key brands {only}"
                );
            }
        }
        for (k1, k2) in [
            (SalesKey::Rep, SalesKey::PriceClass),
            (SalesKey::Area, SalesKey::Brand),
            (SalesKey::County, SalesKey::Sku),
            (SalesKey::Rep, SalesKey::Manufacturer),
        ] {
            let mut got = sales::by_two_keys(db, scope, k1, k2, &months)
                .await
                .unwrap();
            let mut want = sales::by_two_keys_scan(db, scope, k1, k2, &months)
                .await
                .unwrap();
            got.sort_by(|a, b| (&a.month, &a.key1, &a.key2).cmp(&(&b.month, &b.key1, &b.key2)));
            want.sort_by(|a, b| (&a.month, &a.key1, &a.key2).cmp(&(&b.month, &b.key1, &b.key2)));
            assert_eq!(got, want, "{scope:?} {k1:?} × {k2:?}");
        }
    }
}

#[tokio::test]
async fn loaded_history_has_the_expected_structure() {
    let (url, path) = temp_sqlite("structure");
    let db = Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    let city = generate(&small(7), &no_progress);
    let stats = load(&db, &city, &no_progress).await.unwrap();
    assert_eq!(stats.order_lines, city.order_line_count);
    check_loaded(&db, &city).await;
    db.close().await;
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }

    // The structure of the history, on the rows the loader wrote.
    let (lines, months) = city.order_lines(0..city.retailers.len());
    let retailer: HashMap<i64, &store::model::Retailer> =
        city.retailers.iter().map(|r| (r.id, r)).collect();
    let class: HashMap<i64, i64> = city
        .products
        .iter()
        .map(|p| (p.id, p.price_class[6..7].parse().unwrap()))
        .collect();

    // rural retailers buy a lower average price class than urban ones
    let class_avg = |market: &str| {
        let (mut weighted, mut qty) = (0i64, 0i64);
        for m in months
            .iter()
            .filter(|m| retailer[&m.retailer_id].market_type == market)
        {
            weighted += m.supplied_qty * class[&m.product_id];
            qty += m.supplied_qty;
        }
        weighted * 1000 / qty
    };
    let (urban, rural) = (class_avg("URBAN"), class_avg("RURAL"));
    assert!(
        rural > urban + 200,
        "avg class ×1000: urban {urban}, rural {rural}"
    );

    // the Spring Festival (or the month before it, when the pre-festival weeks fall there) has
    // the highest volume of the year
    let mut by_month: BTreeMap<String, i64> = BTreeMap::new();
    for m in &months {
        *by_month.entry(m.month.clone()).or_default() += m.supplied_qty;
    }
    let year = 2025;
    let best = (1..=12)
        .max_by_key(|m| by_month[&format!("{year}-{m:02}")])
        .unwrap();
    let sf = spring_festival(year).unwrap();
    let sf_month = chrono::Datelike::month(&sf);
    assert!(
        best == sf_month || best + 1 == sf_month,
        "peak month {best}, festival {sf}"
    );
    let after = by_month[&format!("{year}-{:02}", sf_month + 1)];
    assert!(after < by_month[&format!("{year}-{best:02}")]);

    // tiers 1..30; higher tiers buy more on average (last three months)
    let mut recent: HashMap<i64, i64> = HashMap::new();
    for m in months.iter().filter(|m| m.month.as_str() >= "2025-10") {
        *recent.entry(m.retailer_id).or_default() += m.supplied_qty;
    }
    let tiers: Vec<(i64, i64)> = city
        .retailers
        .iter()
        .map(|r| (r.tier, recent.get(&r.id).copied().unwrap_or(0)))
        .collect();
    let band = |lo: i64, hi: i64| {
        let v: Vec<i64> = tiers
            .iter()
            .filter(|t| t.0 >= lo && t.0 <= hi)
            .map(|t| t.1)
            .collect();
        v.iter().sum::<i64>() as f64 / v.len().max(1) as f64
    };
    assert!(tiers.iter().all(|t| (1..=30).contains(&t.0)));
    assert!(tiers.iter().any(|t| t.0 == 30) && tiers.iter().any(|t| t.0 == 1));
    let (low, mid, high) = (band(1, 10), band(11, 20), band(21, 30));
    assert!(low < mid && mid < high, "{low} {mid} {high}");

    // orders fall on the retailer's weekday (except twice-weekly customers)
    let off_day = lines
        .iter()
        .filter(|l| {
            let r = retailer[&l.retailer_id];
            r.order_cycle != "TWICE_WEEKLY"
                && chrono::Datelike::weekday(&l.order_date).number_from_monday() as i64
                    != r.order_weekday
        })
        .count();
    assert_eq!(off_day, 0);
}

#[tokio::test]
async fn loads_into_postgres_when_configured() {
    let Ok(base) = std::env::var("TEST_POSTGRES_URL") else {
        eprintln!("TEST_POSTGRES_URL not set: PostgreSQL load test skipped");
        return;
    };
    let name = format!(
        "sim_test_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    let url = store::testdb::create(&base, &name).await.unwrap();
    let db = Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    let mut cfg = small(11);
    cfg.retailers = 200;
    cfg.months = 8;
    let city = generate(&cfg, &no_progress);
    load(&db, &city, &no_progress).await.unwrap();
    check_loaded(&db, &city).await;
    // identity sequences continue after the explicit ids
    let mut someone = city.staff[0].clone();
    someone.username = "seq_check".into();
    let mut tx = db.begin().await.unwrap();
    let next = store::repo::staff::insert(&mut tx, &someone).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(next as usize, city.staff.len() + 1);
    db.close().await;
    store::testdb::drop(&base, &name).await.unwrap();
}

#[test]
fn spring_festival_peak_moves_with_the_lunar_date() {
    // 2025: festival on 29 January (pre-festival weeks in January, dip in February);
    // 2026: festival on 17 February (pre-festival weeks mostly in February).
    let mut cfg = small(5);
    cfg.retailers = 150;
    cfg.counties = 1;
    cfg.months = 24;
    cfg.end_month = Month::new(2026, 12).unwrap();
    let city = generate(&cfg, &no_progress);
    let (_, months) = city.order_lines(0..city.retailers.len());
    let mut by_month: BTreeMap<String, i64> = BTreeMap::new();
    for m in &months {
        *by_month.entry(m.month.clone()).or_default() += m.supplied_qty;
    }
    let ratio = |y: i32| by_month[&format!("{y}-02")] as f64 / by_month[&format!("{y}-01")] as f64;
    assert!(
        ratio(2026) > 1.5 * ratio(2025),
        "Feb/Jan 2025 {:.2}, 2026 {:.2}",
        ratio(2025),
        ratio(2026)
    );
    // January 2025 is that year's peak; the 2026 peak is January or February
    let peak = |y: i32| {
        (1..=12)
            .max_by_key(|m| by_month[&format!("{y}-{m:02}")])
            .unwrap()
    };
    assert_eq!(peak(2025), 1);
    assert!(peak(2026) <= 2);
}

#[test]
fn premium_skus_are_ordered_intermittently_by_small_shops() {
    let city = generate(&small(7), &no_progress);
    let (lines, _) = city.order_lines(0..city.retailers.len());
    // SKUs launched within the history are left out: they are ordered only since their launch.
    let class: HashMap<i64, &str> = city
        .products
        .iter()
        .map(|p| {
            let c = if p.launch_date.is_some() {
                "LAUNCHED"
            } else {
                p.price_class.as_str()
            };
            (p.id, c)
        })
        .collect();
    let scale: HashMap<i64, &str> = city
        .retailers
        .iter()
        .map(|r| (r.id, r.business_scale.as_str()))
        .collect();
    // order weeks per (retailer, SKU) pair: small shops × class 1 vs large shops × class 3
    let mut weeks: HashMap<(i64, i64), u32> = HashMap::new();
    for l in &lines {
        *weeks.entry((l.retailer_id, l.product_id)).or_default() += 1;
    }
    let avg = |s: &str, c: &str| {
        let v: Vec<u32> = weeks
            .iter()
            .filter(|((r, p), _)| scale[r] == s && class[p] == c)
            .map(|(_, n)| *n)
            .collect();
        v.iter().sum::<u32>() as f64 / v.len().max(1) as f64
    };
    let (small_premium, large_mid) = (avg("SMALL", "CLASS_1"), avg("LARGE", "CLASS_3"));
    assert!(
        small_premium * 1.5 < large_mid,
        "{small_premium:.1} vs {large_mid:.1} order weeks"
    );
}

/// The loader's future can run on a spawned task (the CLI and the web app need that).
#[allow(dead_code)]
fn load_future_is_send(db: &Db, city: &City) {
    fn assert_send<T: Send>(_: &T) {}
    let f = load(db, city, &no_progress);
    assert_send(&f);
    let g = sim::generate_into(db, &city.config, &no_progress);
    assert_send(&g);
}
