//! 社会库存 (domain.md §6 `retail_inventory`, 存销比, 动销比, 断货率; §7 ⑥ 库存采集): the sample
//! design of the information points (信息采集点), their selection and rotation, and the stratified
//! restoration of the retailers' total stock from what the points report.
//!
//! - **Restoration** — the stratified expansion estimator (YC/T 455.2, W19/W36):
//!   Ŷ = Σ_h N_h·ȳ_h, V(Ŷ) = Σ_h N_h²·(1 − n_h/N_h)·s_h²/n_h, 95 % interval Ŷ ± 1.96·√V.
//!   Domains (a county, a brand) are restored with the same strata on z_i = y_i·[i ∈ domain].
//! - **Sample size** for a target relative error of the company total at 95 %:
//!   proportional n = N·Σ N_h S_h² / (D + Σ N_h S_h²), Neyman n = (Σ N_h S_h)² / (D + Σ N_h S_h²),
//!   D = (e·Y/1.96)²; allocated n_h ∝ N_h or ∝ N_h·S_h, at least `min_per_stratum`, at most N_h.
//! - **Selection** with a recorded seed: each retailer gets a key from (seed, period, id) and the
//!   stratum takes the smallest keys; a rotation keeps the earlier points with the smallest keys
//!   and replaces the given share with new ones, so the sample is reproducible from its seed.
use serde::{Deserialize, Serialize};

/// z of a two-sided 95 % interval.
pub const Z95: f64 = 1.96;

crate::code_enum!(
    /// How a design spreads its sample over the strata.
    Allocation, "分配方法" {
        Neyman => ("NEYMAN", "奈曼最优分配"),
        Proportional => ("PROPORTIONAL", "比例分配"),
    }
);

crate::code_enum!(
    /// A dimension that cuts the retailers into strata (分层标志).
    StratumBy, "分层标志" {
        County => ("COUNTY", "营销部"),
        Area => ("AREA", "市场部"),
        Format => ("FORMAT", "业态"),
        Market => ("MARKET", "市场类型"),
        TierBand => ("TIER_BAND", "档位段"),
    }
);

crate::code_enum!(
    /// A sample point's state in a period.
    PointStatus, "采集点状态" {
        Pending => ("PENDING", "待确认"),
        Confirmed => ("CONFIRMED", "已确认"),
        Replaced => ("REPLACED", "已替换"),
    }
);

/// One stratum's population and the values its responding points reported.
#[derive(Debug, Clone, PartialEq)]
pub struct StratumSample {
    /// N_h: retailers in the stratum.
    pub population: u64,
    /// y_hi of the points that reported.
    pub values: Vec<f64>,
}

/// A restored total with its precision.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    pub total: f64,
    pub variance: f64,
    pub se: f64,
    pub lo95: f64,
    pub hi95: f64,
    /// Points that reported.
    pub n: u64,
    /// Retailers in strata without any reporting point (not restored, so the total is short of
    /// them).
    pub uncovered: u64,
    /// Strata with a single point (their variance cannot be estimated and counts as 0).
    pub single: u64,
}

impl Estimate {
    /// Relative standard error, %.
    pub fn rse_pct(&self) -> Option<f64> {
        (self.total > 0.0).then(|| self.se / self.total * 100.0)
    }
}

/// The stratified expansion estimate of a total (see the module comment).
pub fn restore(strata: &[StratumSample]) -> Estimate {
    let (mut total, mut variance) = (0.0, 0.0);
    let (mut n, mut uncovered, mut single) = (0u64, 0u64, 0u64);
    for s in strata {
        let nh = s.values.len();
        if nh == 0 {
            uncovered += s.population;
            continue;
        }
        let big_n = s.population as f64;
        let mean = s.values.iter().sum::<f64>() / nh as f64;
        total += big_n * mean;
        n += nh as u64;
        if nh < 2 {
            single += 1;
            continue;
        }
        let s2 = s.values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (nh - 1) as f64;
        let fpc = (1.0 - nh as f64 / big_n).max(0.0);
        variance += big_n * big_n * fpc * s2 / nh as f64;
    }
    let se = variance.sqrt();
    Estimate {
        total,
        variance,
        se,
        lo95: total - Z95 * se,
        hi95: total + Z95 * se,
        n,
        uncovered,
        single,
    }
}

/// One stratum as the design sees it before drawing: its size and the spread and total of the
/// auxiliary variable (the stock proxy).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StratumFrame {
    pub population: u64,
    /// S_h of the proxy.
    pub sd: f64,
    /// Σ of the proxy over the stratum.
    pub total: f64,
}

/// Sample sizes per stratum for a relative error `rel_err` (e.g. 0.05) of the total at 95 %
/// (see the module comment). Every stratum gets at least `min(min_per_stratum, N_h)` and at most
/// N_h.
pub fn sample_sizes(
    strata: &[StratumFrame], rel_err: f64, method: Allocation, min_per_stratum: u64,
) -> Vec<u64> {
    let big_n: f64 = strata.iter().map(|s| s.population as f64).sum();
    let y: f64 = strata.iter().map(|s| s.total).sum();
    let d = (rel_err * y / Z95).powi(2);
    let sum_ns2: f64 = strata
        .iter()
        .map(|s| s.population as f64 * s.sd * s.sd)
        .sum();
    let sum_ns: f64 = strata.iter().map(|s| s.population as f64 * s.sd).sum();
    let n = match method {
        Allocation::Proportional => {
            if d + sum_ns2 > 0.0 {
                big_n * sum_ns2 / (d + sum_ns2)
            } else {
                0.0
            }
        }
        Allocation::Neyman => {
            if d + sum_ns2 > 0.0 {
                sum_ns * sum_ns / (d + sum_ns2)
            } else {
                0.0
            }
        }
    };
    strata
        .iter()
        .map(|s| {
            let share = match method {
                Allocation::Proportional if big_n > 0.0 => s.population as f64 / big_n,
                Allocation::Neyman if sum_ns > 0.0 => s.population as f64 * s.sd / sum_ns,
                _ => 0.0,
            };
            let nh = (n * share).ceil() as u64;
            nh.max(min_per_stratum).min(s.population)
        })
        .collect()
}

/// SplitMix64: the key that orders a stratum's retailers for a seed (reproducible selection).
pub fn draw_key(seed: u64, salt: u64, id: i64) -> u64 {
    let mut z = seed
        .wrapping_add(salt.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_add((id as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A number in [0, 1) from the same hash (reproducible figures of the demo city).
pub fn unit(seed: u64, salt: u64, id: i64) -> f64 {
    (draw_key(seed, salt, id) >> 11) as f64 / (1u64 << 53) as f64
}

/// A stratum's points for a period: `n` of `members` (retailer ids). Without earlier points the
/// `n` smallest keys; with them, up to ⌈(1 − rotation)·n⌉ earlier points that are still members are
/// kept (smallest keys first) and the rest are new members by key.
pub fn select(
    members: &[i64], n: usize, seed: u64, salt: u64, earlier: &[i64], rotation: f64,
) -> Vec<i64> {
    let key = |id: &i64| (draw_key(seed, salt, *id), *id);
    let mut kept: Vec<i64> = earlier
        .iter()
        .copied()
        .filter(|e| members.contains(e))
        .collect();
    kept.sort_by_key(key);
    let keep = ((1.0 - rotation.clamp(0.0, 1.0)) * n as f64).ceil() as usize;
    kept.truncate(keep.min(n));
    let mut rest: Vec<i64> = members
        .iter()
        .copied()
        .filter(|m| !kept.contains(m) && !earlier.contains(m))
        .collect();
    rest.sort_by_key(key);
    let need = n.saturating_sub(kept.len());
    kept.extend(rest.into_iter().take(need));
    if kept.len() < n {
        // a small stratum: earlier points that were rotated out come back before it runs short
        let mut back: Vec<i64> = earlier
            .iter()
            .copied()
            .filter(|e| members.contains(e) && !kept.contains(e))
            .collect();
        back.sort_by_key(key);
        let need = n - kept.len();
        kept.extend(back.into_iter().take(need));
    }
    kept.sort_unstable();
    kept
}

/// 存销比 (§6): period-end stock ÷ period sales.
pub fn stock_to_sales(stock: f64, sales: f64) -> Option<f64> {
    (sales > 0.0).then(|| stock / sales)
}

/// 动销比 (§6, W19): (S_prev + O_cur − S_cur) / (S_prev + O_cur).
pub fn sell_through(prev_stock: i64, orders: i64, stock: i64) -> Option<f64> {
    let base = prev_stock.saturating_add(orders);
    (base > 0).then(|| (base - stock) as f64 / base as f64)
}

/// 客户断货率 (§6, W19): sample customers with stock-out days ÷ sample customers that ordered in
/// the last three periods.
pub fn customer_stockout_rate(out: u64, ordering: u64) -> Option<f64> {
    (ordering > 0).then(|| out as f64 / ordering as f64)
}

/// 商业断货率 (§6, W20): cumulative stock-out days ÷ the points' selling days in the period.
pub fn commercial_stockout_rate(out_days: i64, selling_days: i64) -> Option<f64> {
    (selling_days > 0).then(|| out_days as f64 / selling_days as f64)
}

/// The 档位段 a tier falls in, by the policy's bands (inclusive `[from, to]` pairs); the band's
/// label "1–10档" style.
pub fn tier_band(bands: &[(i64, i64)], tier: i64) -> Option<usize> {
    bands.iter().position(|(a, b)| (*a..=*b).contains(&tier))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, eps: f64) -> bool {
        (a - b).abs() <= eps
    }

    /// The worked example: A N = 100 {10, 12, 14, 16}; B N = 50 {30, 34, 38}.
    #[test]
    fn worked_restoration_example() {
        let e = restore(&[
            StratumSample {
                population: 100,
                values: vec![10.0, 12.0, 14.0, 16.0],
            },
            StratumSample {
                population: 50,
                values: vec![30.0, 34.0, 38.0],
            },
        ]);
        assert!(close(e.total, 3000.0, 1e-9));
        assert!(close(e.variance, 28_533.333_333, 1e-3));
        assert!(close(e.se, 168.92, 0.005));
        assert!(close(e.lo95, 2668.9, 0.05));
        assert!(close(e.hi95, 3331.1, 0.05));
        assert_eq!((e.n, e.uncovered, e.single), (7, 0, 0));
    }

    #[test]
    fn uncovered_and_single_strata_are_counted() {
        let e = restore(&[
            StratumSample {
                population: 10,
                values: vec![],
            },
            StratumSample {
                population: 5,
                values: vec![4.0],
            },
        ]);
        assert_eq!(
            (e.total, e.variance, e.uncovered, e.single),
            (20.0, 0.0, 10, 1)
        );
    }

    #[test]
    fn neyman_puts_more_points_where_the_spread_is() {
        let strata = [
            StratumFrame {
                population: 1000,
                sd: 5.0,
                total: 20_000.0,
            },
            StratumFrame {
                population: 1000,
                sd: 50.0,
                total: 60_000.0,
            },
        ];
        let ney = sample_sizes(&strata, 0.05, Allocation::Neyman, 2);
        let pro = sample_sizes(&strata, 0.05, Allocation::Proportional, 2);
        assert!(ney[1] > ney[0] * 5, "{ney:?}");
        assert_eq!(pro[0], pro[1]);
        // Neyman never needs more points in all than proportional allocation for the same error
        assert!(ney.iter().sum::<u64>() <= pro.iter().sum::<u64>());
        // the achieved error (proxy as the truth) is within the target
        for (sizes, _) in [(ney, "ney"), (pro, "pro")] {
            let v: f64 = strata
                .iter()
                .zip(&sizes)
                .map(|(s, &n)| {
                    let big = s.population as f64;
                    big * big * (1.0 - n as f64 / big) * s.sd * s.sd / n as f64
                })
                .sum();
            assert!(Z95 * v.sqrt() / 80_000.0 <= 0.05 + 1e-9);
        }
    }

    #[test]
    fn selection_is_reproducible_and_rotates_the_share() {
        let members: Vec<i64> = (1..=200).collect();
        let a = select(&members, 20, 7, 202_601, &[], 0.25);
        assert_eq!(a, select(&members, 20, 7, 202_601, &[], 0.25));
        assert_eq!(a.len(), 20);
        let b = select(&members, 20, 7, 202_602, &a, 0.25);
        let kept = b.iter().filter(|i| a.contains(i)).count();
        assert_eq!(kept, 15);
        assert_eq!(b.len(), 20);
        // a closed member leaves the stratum; the sample stays full
        let fewer: Vec<i64> = members.iter().copied().filter(|m| *m != a[0]).collect();
        let c = select(&fewer, 20, 7, 202_602, &a, 0.25);
        assert!(!c.contains(&a[0]) && c.len() == 20);
        // a stratum smaller than its quota is taken whole
        assert_eq!(select(&[3, 1, 2], 5, 7, 1, &[], 0.25), vec![1, 2, 3]);
    }

    #[test]
    fn indicators() {
        assert_eq!(stock_to_sales(150.0, 100.0), Some(1.5));
        assert_eq!(stock_to_sales(1.0, 0.0), None);
        assert_eq!(sell_through(40, 60, 30), Some(0.7));
        assert_eq!(customer_stockout_rate(3, 12), Some(0.25));
        assert_eq!(commercial_stockout_rate(6, 300), Some(0.02));
        assert_eq!(tier_band(&[(1, 10), (11, 20), (21, 30)], 15), Some(1));
    }

    proptest! {
        /// A census (n_h = N_h) restores the exact total with zero variance.
        #[test]
        fn census_is_exact(strata in prop::collection::vec(prop::collection::vec(0u32..5_000, 1..30), 1..8)) {
            let samples: Vec<StratumSample> = strata
                .iter()
                .map(|v| StratumSample {
                    population: v.len() as u64,
                    values: v.iter().map(|x| *x as f64).collect(),
                })
                .collect();
            let exact: u64 = strata.iter().flatten().map(|x| *x as u64).sum();
            let e = restore(&samples);
            prop_assert!((e.total - exact as f64).abs() < 1e-6 * (1.0 + exact as f64));
            prop_assert_eq!(e.variance, 0.0);
        }
    }
}
