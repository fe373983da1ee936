//! Exactness against brute-force references on small cases (issue 4 targets).
#![allow(clippy::too_many_arguments, clippy::needless_range_loop)]
use allocate::balance::{BalanceConfig, BalanceProblem, BalanceRetailer, balance};
use allocate::tier_quota::{
    AllocationMode, QuotaPolicy, QuotaProblem, SplitRule, Submarket, TieBreak, allocate as solve,
    greedy,
};
use allocate::{TIERS, Tier};
use proptest::prelude::*;

/// Brute force over all monotone tables on the non-empty tiers: (max total, then best by order).
/// Returns (total, coverage, peak) of the best table under [Coverage, Flatness] or [Flatness, Coverage].
fn brute(s: &Submarket, t: u64, coverage_first: bool) -> (u64, u64, u64) {
    let w = s.weights();
    let caps = s.effective_caps();
    let tiers: Vec<usize> = (0..TIERS).filter(|&j| w[j] > 0).collect();
    let mut best: Option<(u64, u64, u64)> = None;
    let mut x = vec![0u64; tiers.len()];
    fn rec(
        i: usize, tiers: &[usize], w: &[u64; TIERS], caps: &[Option<u64>; TIERS],
        counts: &[u64; TIERS], x: &mut Vec<u64>, t: u64, cf: bool,
        best: &mut Option<(u64, u64, u64)>,
    ) {
        if i == tiers.len() {
            let total: u64 = tiers.iter().zip(x.iter()).map(|(&j, &v)| v * w[j]).sum();
            if total > t {
                return;
            }
            let cov: u64 = tiers
                .iter()
                .zip(x.iter())
                .filter(|(_, v)| **v > 0)
                .map(|(&j, _)| counts[j])
                .sum();
            let peak = x.last().copied().unwrap_or(0);
            let key = |b: (u64, u64, u64)| {
                if cf {
                    (b.0, b.1 as i64, -(b.2 as i64))
                } else {
                    (b.0, -(b.2 as i64), b.1 as i64)
                }
            };
            let cand = (total, cov, peak);
            if best.is_none_or(|b| key(cand) > key(b)) {
                *best = Some(cand);
            }
            return;
        }
        let lo = if i == 0 { 0 } else { x[i - 1] };
        let hi = caps[tiers[i]].unwrap_or(t).min(t);
        let partial: u64 = tiers[..i]
            .iter()
            .zip(x.iter())
            .map(|(&j, &v)| v * w[j])
            .sum();
        let rest: u64 = tiers[i..].iter().map(|&j| w[j]).sum();
        for v in lo..=hi {
            if partial + v * rest > t {
                break;
            }
            x[i] = v;
            rec(i + 1, tiers, w, caps, counts, x, t, cf, best);
        }
    }
    rec(
        0,
        &tiers,
        &w,
        &caps,
        &s.counts,
        &mut x,
        t,
        coverage_first,
        &mut best,
    );
    best.unwrap_or((0, 0, 0))
}

fn submarket() -> impl Strategy<Value = Submarket> {
    submarket_sized(1, 6)
}

fn submarket_sized(cmin: u64, cmax: u64) -> impl Strategy<Value = Submarket> {
    (
        prop::collection::vec((0usize..TIERS, cmin..cmax, 0u64..3), 1..5),
        prop::collection::vec((0usize..TIERS, 0u64..6), 0..3),
    )
        .prop_map(|(tiers, caps)| {
            let mut s = Submarket::new("全市", [0; TIERS]);
            for (j, c, b) in tiers {
                s.counts[j] = c;
                s.biweekly[j] = b.min(c);
            }
            for (j, c) in caps {
                s.caps[j] = Some(c);
            }
            s
        })
}

fn check_table(p: &QuotaProblem, x: &[[u64; TIERS]]) {
    for (s, row) in p.submarkets.iter().zip(x) {
        for j in 0..TIERS - 1 {
            assert!(row[j] <= row[j + 1], "monotone");
        }
        for j in 0..TIERS {
            if let Some(c) = s.effective_caps()[j] {
                assert!(row[j] <= c, "cap");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn quota_matches_brute_force(s in submarket(), t in 0u64..40, cf in any::<bool>()) {
        let p = QuotaProblem { sku: "X".into(), planned_release: t, mode: AllocationMode::A, submarkets: vec![s.clone()] };
        let order = if cf { vec![TieBreak::Coverage, TieBreak::Flatness] } else { vec![TieBreak::Flatness, TieBreak::Coverage] };
        let pol = QuotaPolicy { tie_breaks: order, ..Default::default() };
        let sol = solve(&p, &pol).unwrap();
        let x = sol.table();
        check_table(&p, &x);
        let (bt, bc, bp) = brute(&s, t, cf);
        prop_assert_eq!(sol.total_release, Some(bt));
        prop_assert!(bt <= t);
        prop_assert_eq!(sol.coverage, bc);
        prop_assert_eq!(x[0][TIERS - 1], bp);
        let g = greedy(&p, &pol).unwrap();
        check_table(&p, &g.table());
        prop_assert!(g.total_release.unwrap() <= bt);
    }

    /// Larger totals: bitsets span several 64-bit words.
    #[test]
    fn quota_matches_brute_force_multiword(s in submarket_sized(3, 40), t in 60u64..400) {
        let p = QuotaProblem { sku: "X".into(), planned_release: t, mode: AllocationMode::A, submarkets: vec![s.clone()] };
        let sol = solve(&p, &QuotaPolicy::default()).unwrap();
        check_table(&p, &sol.table());
        let (bt, bc, bp) = brute(&s, t, true);
        prop_assert_eq!(sol.total_release, Some(bt));
        prop_assert_eq!(sol.coverage, bc);
        prop_assert_eq!(sol.table()[0][TIERS - 1], bp);
    }

    #[test]
    fn joint_total_matches_brute_force(a in submarket(), b in submarket(), t in 0u64..40) {
        let mut b = b;
        b.name = "农网".into();
        let p = QuotaProblem { sku: "X".into(), planned_release: t, mode: AllocationMode::B1, submarkets: vec![a.clone(), b.clone()] };
        let pol = QuotaPolicy { split: SplitRule::Joint, ..Default::default() };
        let sol = solve(&p, &pol).unwrap();
        check_table(&p, &sol.table());
        let best = (0..=t).map(|ta| {
            let (x, _, _) = brute(&a, ta, true);
            let (y, _, _) = brute(&b, t - ta, true);
            x + y
        }).max().unwrap();
        prop_assert_eq!(sol.total_release, Some(best));
        let split = solve(&p, &QuotaPolicy::default()).unwrap();
        prop_assert!(split.total_release <= sol.total_release);
    }

    #[test]
    fn balance_properties(
        fs in prop::collection::vec((1i64..=30, 0u64..50), 1..25),
        supply in 0u64..600,
        caps in prop::collection::vec((0usize..TIERS, 0u64..30), 0..4),
    ) {
        let retailers: Vec<BalanceRetailer> = fs.iter().enumerate()
            .map(|(i, &(t, f))| BalanceRetailer { id: format!("R{i:02}"), tier: Tier::new(t).unwrap(), forecast: f, cap: None })
            .collect();
        let mut tier_caps = [None; TIERS];
        for &(j, c) in &caps { tier_caps[j] = Some(c); }
        let p = BalanceProblem { sku: "X".into(), supply, retailers: retailers.clone(), tier_caps };
        let s = balance(&p, &BalanceConfig::default()).unwrap();
        let cap = |r: &BalanceRetailer| tier_caps[r.tier.get() as usize - 1].unwrap_or(u64::MAX);
        let deliverable: u64 = retailers.iter().map(|r| r.forecast.min(cap(r))).sum();
        prop_assert_eq!(s.total, supply.min(deliverable));
        for (r, a) in retailers.iter().zip(&s.allocations) {
            prop_assert!(a.final_qty <= r.forecast && a.final_qty <= cap(r));
        }
        let f_all: u64 = retailers.iter().map(|r| r.forecast).sum();
        if caps.is_empty() && f_all > supply {
            // floor/ceil of the proportional share, largest remainder
            let mut max_floor_rem = 0u128;
            let mut min_ceil_rem = u128::MAX;
            for (r, a) in retailers.iter().zip(&s.allocations) {
                let num = r.forecast as u128 * supply as u128;
                let fl = (num / f_all as u128) as u64;
                prop_assert!(a.final_qty == fl || (a.final_qty == fl + 1 && !num.is_multiple_of(f_all as u128)));
                let rem = num % f_all as u128;
                if a.final_qty == fl { max_floor_rem = max_floor_rem.max(rem); } else { min_ceil_rem = min_ceil_rem.min(rem); }
            }
            prop_assert!(min_ceil_rem >= max_floor_rem);
            // equal remainders: the higher tier, then the smaller id, gets the ceiling
            let rem_of = |r: &BalanceRetailer| r.forecast as u128 * supply as u128 % f_all as u128;
            let fl_of = |r: &BalanceRetailer| (r.forecast as u128 * supply as u128 / f_all as u128) as u64;
            for (r1, a1) in retailers.iter().zip(&s.allocations) {
                for (r2, a2) in retailers.iter().zip(&s.allocations) {
                    if rem_of(r1) == rem_of(r2) && rem_of(r1) > 0 && a1.final_qty > fl_of(r1) && a2.final_qty == fl_of(r2) {
                        prop_assert!(r1.tier > r2.tier || (r1.tier == r2.tier && r1.id < r2.id));
                    }
                }
            }
        }
        if f_all <= supply && caps.is_empty() {
            for (r, a) in retailers.iter().zip(&s.allocations) { prop_assert_eq!(a.final_qty, r.forecast); }
        }
        if !caps.is_empty() && supply < deliverable {
            // water-filling: uncapped retailers share S' over F' by floor/ceil; capped ones' share reached the cap
            let (mut s2, mut f2) = (supply as u128, 0u128);
            for (r, a) in retailers.iter().zip(&s.allocations) {
                if a.capped { s2 -= a.final_qty as u128; } else { f2 += r.forecast as u128; }
            }
            for (r, a) in retailers.iter().zip(&s.allocations) {
                if f2 == 0 { break; }
                let num = r.forecast as u128 * s2;
                if a.capped {
                    prop_assert!(a.final_qty as u128 * f2 <= num);
                } else {
                    let fl = (num / f2) as u64;
                    prop_assert!(a.final_qty == fl || a.final_qty == fl + 1);
                }
            }
        }
    }
}

mod more {
    use allocate::TIERS;
    use allocate::tier_quota::{
        AllocationMode, QuotaPolicy, QuotaProblem, Submarket, allocate, split,
    };
    use allocate::tiering::{self, RetailerMetrics, ShareTable, TieringConfig};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Tiers never increase down the ranking and the tier sizes follow the share table.
        #[test]
        fn tiering_follows_rank_and_shares(vals in prop::collection::vec((0u32..1000, 0u32..50, 0u32..10), 1..200), olive in any::<bool>()) {
            let rs: Vec<RetailerMetrics> = vals.iter().enumerate().map(|(i, &(a, q, l))| RetailerMetrics {
                id: format!("R{i:03}"),
                values: vec![a as f64, q as f64, l as f64],
                amount: a as f64,
                licence_date: None,
                is_new: false,
                business_format: None,
                proposed_tier: None,
            }).collect();
            let shares = if olive { ShareTable::olive() } else { ShareTable::pyramid() };
            let cfg = TieringConfig { shares: shares.clone(), ..Default::default() };
            let mut a = tiering::run(&rs, &cfg).unwrap();
            a.sort_by_key(|x| x.rank);
            for w in a.windows(2) {
                prop_assert!(w[0].tier >= w[1].tier);
                prop_assert!(w[0].score.unwrap() >= w[1].score.unwrap());
            }
            let sizes = shares.sizes(rs.len() as u64);
            for j in 0..TIERS {
                prop_assert_eq!(a.iter().filter(|x| x.tier.get() as usize == j + 1).count() as u64, sizes[j]);
            }
        }

        /// B modes: the split sums to T and every sub-market stays within its share.
        #[test]
        fn split_sums_to_t(t in 0u64..5000, counts in prop::collection::vec(prop::collection::vec(0u64..20, TIERS), 2..5)) {
            let subs: Vec<Submarket> = counts.iter().enumerate().map(|(i, c)| {
                let mut arr = [0; TIERS];
                arr.copy_from_slice(c);
                Submarket::new(format!("区县{i}"), arr)
            }).collect();
            let p = QuotaProblem { sku: "X".into(), planned_release: t, mode: AllocationMode::B1, submarkets: subs };
            let pol = QuotaPolicy::default();
            let shares = split(&p, &pol).unwrap();
            prop_assert_eq!(shares.iter().sum::<u64>(), t);
            let s = allocate(&p, &pol).unwrap();
            for (m, a) in s.submarkets.iter().zip(&shares) {
                prop_assert!(m.total_release <= *a);
                prop_assert_eq!(m.allotted, *a);
            }
        }
    }
}
