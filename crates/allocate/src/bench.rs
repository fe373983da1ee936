//! Deterministic synthetic inputs for the province-sized benchmark (`m135 allocate bench`,
//! `bench/allocate/run.sh`). No IO, no timing here: the CLI times the calls.
use crate::balance::{BalanceProblem, BalanceRetailer};
use crate::tier_quota::{AllocationMode, QuotaProblem, Submarket};
use crate::tiering::{RetailerMetrics, ShareTable};
use crate::{TIERS, Tier};

/// SplitMix64: small, fast, reproducible.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }
}

/// Tier counts of `n` retailers: pyramid shares with ±20 % noise per tier.
pub fn tier_counts(n: u64, rng: &mut Rng) -> [u64; TIERS] {
    let base = ShareTable::pyramid().sizes(n);
    let mut c = [0u64; TIERS];
    for j in 0..TIERS {
        let b = base[j];
        c[j] = b * rng.range(80, 120) / 100;
    }
    c
}

/// `skus` quota problems over `submarkets` sub-markets (mode B1, counties) of
/// `retailers / submarkets` retailers each, 20 % biweekly; planned release per SKU uniform in
/// `[release_lo_pct, release_hi_pct]` % of the weighted retailer count (tight to balanced supply).
pub fn quota_problems(
    skus: usize, submarkets: usize, retailers: u64, release_lo_pct: u64, release_hi_pct: u64,
    seed: u64,
) -> Vec<QuotaProblem> {
    let mut rng = Rng::new(seed);
    let per = retailers / submarkets as u64;
    let markets: Vec<Submarket> = (0..submarkets)
        .map(|i| {
            let counts = tier_counts(per, &mut rng);
            let mut s = Submarket::new(format!("区县{}", i + 1), counts);
            for j in 0..TIERS {
                s.biweekly[j] = counts[j] / 5;
            }
            s
        })
        .collect();
    let weighted: u64 = markets
        .iter()
        .map(|s| s.weights().iter().sum::<u64>())
        .sum();
    (0..skus)
        .map(|k| {
            let pct = rng.range(release_lo_pct, release_hi_pct);
            QuotaProblem {
                sku: format!("SKU{k:04}"),
                planned_release: weighted * pct / 100,
                mode: if submarkets == 1 {
                    AllocationMode::A
                } else {
                    AllocationMode::B1
                },
                submarkets: markets.clone(),
            }
        })
        .collect()
}

/// One balancing problem per SKU: each retailer forecasts the SKU with probability
/// `density_pct` %, forecast 1..=40 条; supply uniform in 60–110 % of demand.
pub fn balance_problems(
    skus: usize, retailers: u64, density_pct: u64, seed: u64,
) -> Vec<BalanceProblem> {
    let tiers: Vec<Tier> = {
        let mut rng = Rng::new(seed ^ 0x5EED);
        let counts = tier_counts(retailers, &mut rng);
        let mut v = Vec::with_capacity(retailers as usize);
        for (j, &c) in counts.iter().enumerate() {
            for _ in 0..c {
                v.push(Tier::new(j as i64 + 1).expect("tier"));
            }
        }
        while (v.len() as u64) < retailers {
            v.push(Tier::MIN);
        }
        v
    };
    (0..skus)
        .map(|k| {
            let mut rng = Rng::new(seed.wrapping_add(k as u64 * 7919));
            let mut rs = Vec::new();
            for (i, &t) in tiers.iter().enumerate().take(retailers as usize) {
                if rng.range(1, 100) <= density_pct {
                    let f = 1 + rng.range(0, 9) * (t.get() as u64) / 8 + rng.range(0, 5);
                    rs.push(BalanceRetailer {
                        id: format!("R{i:06}"),
                        tier: t,
                        forecast: f.min(40),
                        cap: None,
                    });
                }
            }
            let demand: u64 = rs.iter().map(|r| r.forecast).sum();
            let supply = demand * rng.range(60, 110) / 100;
            BalanceProblem {
                sku: format!("SKU{k:04}"),
                supply,
                retailers: rs,
                tier_caps: [None; TIERS],
            }
        })
        .collect()
}

/// `n` retailers with amount, quantity and low-tar quantity (the §3.2 V1 metrics).
pub fn retailer_metrics(n: u64, seed: u64) -> Vec<RetailerMetrics> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|i| {
            let qty = rng.range(5, 1500) as f64;
            let price = rng.range(80, 400) as f64;
            let amount = qty * price;
            let low = (qty * rng.range(0, 20) as f64 / 100.0).floor();
            RetailerMetrics {
                id: format!("R{i:06}"),
                values: vec![amount, qty, low],
                amount,
                licence_date: Some(format!(
                    "{}-{:02}-{:02}",
                    2000 + rng.range(0, 24),
                    rng.range(1, 12),
                    rng.range(1, 28)
                )),
                is_new: rng.range(1, 100) == 1,
                business_format: None,
                proposed_tier: None,
            }
        })
        .collect()
}
