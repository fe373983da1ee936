//! 修正平衡 — forecast–supply balancing, days 17–20 (domain.md §4.5, §7).
//!
//! Per SKU: retailer forecasts `f_c`, available supply `S`, tiers, optional per-retailer caps by
//! tier. Rules:
//! - if `Σ f ≤ S` every retailer keeps its forecast (capped where a tier cap is configured —
//!   caps are policy and always hold);
//! - otherwise the total equals `S` exactly (unless caps make less deliverable), nobody gets more
//!   than the forecast, and each final amount is the floor or the ceiling of its proportional share
//!   `f_c·S/Σf` (largest remainder; ties to the higher tier, then ascending id);
//! - with caps: a retailer whose share exceeds its cap gets the cap, is removed, and the freed
//!   amount is redistributed among the others by the same rule (repeated until no cap binds), so
//!   the others' finals are floor/ceil of `f_c·S'/Σ'f` on the remaining supply `S'`.
//!
//! Arithmetic is exact (u128 numerators), never f64. A retailer is flagged when its cut
//! `(f − final)/f` exceeds [`BalanceConfig::flag_threshold_bp`] (basis points).
use crate::{AllocError, TIERS, Tier};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BalanceRetailer {
    pub id: String,
    pub tier: Tier,
    pub forecast: u64,
    /// This retailer's own cap (条), e.g. its sub-market's tier quota for a tight SKU (§4.5:
    /// "clip to the tier quota ladder of §4.3 … for each region"). Combined with the tier cap
    /// by taking the smaller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceProblem {
    pub sku: String,
    pub supply: u64,
    pub retailers: Vec<BalanceRetailer>,
    /// Per-retailer cap by tier (index `tier − 1`).
    pub tier_caps: [Option<u64>; TIERS],
}

/// Balancing policy (configuration).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BalanceConfig {
    /// Flag a retailer for the rep's follow-up when its cut exceeds this share of its forecast,
    /// in basis points (2000 = 20 %). [INF] default; domain.md §4.5 leaves the value open.
    pub flag_threshold_bp: u64,
}

impl Default for BalanceConfig {
    fn default() -> Self {
        BalanceConfig {
            flag_threshold_bp: 2000,
        }
    }
}

/// Result for one retailer; `allocations[i]` belongs to `retailers[i]` of the problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    #[serde(rename = "final")]
    pub final_qty: u64,
    /// Held at its tier cap.
    pub capped: bool,
    pub flagged: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BalanceSolution {
    pub sku: String,
    pub supply: u64,
    pub demand: u64,
    pub total: u64,
    /// Whether forecasts were cut (Σf > S).
    pub cut: bool,
    /// In input order (`allocations[i]` ↔ `retailers[i]`).
    pub allocations: Vec<Allocation>,
}

/// Cheap structural checks done by [`balance`] on every call: SKU and ids non-empty.
fn check_basic(p: &BalanceProblem) -> Result<(), AllocError> {
    if p.sku.trim().is_empty() {
        return Err(AllocError::invalid("sku", "卷烟规格代码不能为空"));
    }
    if let Some(i) = p.retailers.iter().position(|r| r.id.trim().is_empty()) {
        return Err(AllocError::invalid(
            format!("retailers[{i}].id"),
            "客户编码不能为空",
        ));
    }
    Ok(())
}

/// Full validation at the edge (the JSON parser calls it): also rejects duplicate ids, on which
/// the id tie-break relies. `O(n log n)` string sorting, so [`balance`] does not repeat it.
pub fn validate(p: &BalanceProblem) -> Result<(), AllocError> {
    check_basic(p)?;
    let mut ids: Vec<&str> = p.retailers.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
        let i = p.retailers.iter().rposition(|r| r.id == w[0]).unwrap_or(0);
        return Err(AllocError::invalid(
            format!("retailers[{i}].id"),
            format!("客户编码“{}”重复", w[0]),
        ));
    }
    Ok(())
}

/// Balance one SKU (see the module doc). Retailer ids must be unique (checked by [`validate`],
/// which the file parser runs; not repeated here for speed).
pub fn balance(p: &BalanceProblem, cfg: &BalanceConfig) -> Result<BalanceSolution, AllocError> {
    check_basic(p)?;
    Ok(balance_unchecked(p, cfg))
}

pub(crate) fn balance_unchecked(p: &BalanceProblem, cfg: &BalanceConfig) -> BalanceSolution {
    let rs = &p.retailers;
    let n = rs.len();
    let demand: u64 = rs.iter().map(|r| r.forecast).sum();
    let cap_of = |i: usize| match (p.tier_caps[rs[i].tier.get() as usize - 1], rs[i].cap) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let mut fin = vec![0u64; n];
    let mut capped = vec![false; n];
    let mut active: Vec<u32> = (0..n as u32)
        .filter(|&i| rs[i as usize].forecast > 0)
        .collect();
    let any_cap = p.tier_caps.iter().any(|c| c.is_some()) || rs.iter().any(|r| r.cap.is_some());
    let mut s_a = p.supply;
    loop {
        let f_a: u64 = active.iter().map(|&i| rs[i as usize].forecast).sum();
        if f_a == 0 {
            break;
        }
        let s_eff = s_a.min(f_a) as u128;
        // fix every retailer whose proportional share exceeds its cap
        let mut fixed_any = false;
        if any_cap {
            active.retain(|&i| match cap_of(i as usize) {
                Some(c)
                    if (c as u128) * (f_a as u128) < (rs[i as usize].forecast as u128) * s_eff =>
                {
                    fin[i as usize] = c;
                    capped[i as usize] = true;
                    s_a -= c;
                    fixed_any = true;
                    false
                }
                _ => true,
            });
        }
        if fixed_any {
            continue;
        }
        if s_a >= f_a {
            for &i in &active {
                fin[i as usize] = rs[i as usize].forecast;
            }
            break;
        }
        // largest remainder of f·S_A / F_A; u64 arithmetic when it cannot overflow
        let max_f = active
            .iter()
            .map(|&i| rs[i as usize].forecast)
            .max()
            .unwrap_or(0);
        let mut given = 0u64;
        // (remainder, tier, index): larger remainder first, then higher tier, then id.
        // remainders are < F_A, so they fit u64.
        let mut rems: Vec<(u64, u8, u32)> = Vec::with_capacity(active.len());
        if max_f.checked_mul(s_a).is_some() {
            for &i in &active {
                let num = rs[i as usize].forecast * s_a;
                let q = num / f_a;
                fin[i as usize] = q;
                given += q;
                let r = num - q * f_a;
                if r > 0 {
                    rems.push((r, rs[i as usize].tier.get(), i));
                }
            }
        } else {
            for &i in &active {
                let num = rs[i as usize].forecast as u128 * s_a as u128;
                let q = (num / f_a as u128) as u64;
                fin[i as usize] = q;
                given += q;
                let r = (num % f_a as u128) as u64;
                if r > 0 {
                    rems.push((r, rs[i as usize].tier.get(), i));
                }
            }
        }
        let left = (s_a - given) as usize;
        for i in largest_remainders(&mut rems, left, |a, b| {
            rs[a as usize].id.cmp(&rs[b as usize].id)
        }) {
            fin[i as usize] += 1;
        }
        break;
    }
    let bp = cfg.flag_threshold_bp as u128;
    let allocations: Vec<Allocation> = rs
        .iter()
        .zip(fin.iter().zip(&capped))
        .map(|(r, (&f, &c))| {
            let cut = (r.forecast - f) as u128;
            let flagged = r.forecast > 0 && cut * 10_000 > bp * r.forecast as u128;
            Allocation {
                final_qty: f,
                capped: c,
                flagged,
            }
        })
        .collect();
    BalanceSolution {
        sku: p.sku.clone(),
        supply: p.supply,
        demand,
        total: fin.iter().sum(),
        cut: demand > p.supply,
        allocations,
    }
}

/// Indices of the `left` best entries by (remainder desc, tier desc, then `by_id` asc).
/// Numeric selection first; the id order is only consulted among the entries tied at the boundary.
fn largest_remainders(
    rems: &mut [(u64, u8, u32)], left: usize, by_id: impl Fn(u32, u32) -> std::cmp::Ordering,
) -> Vec<u32> {
    if left == 0 {
        return Vec::new();
    }
    if left >= rems.len() {
        return rems.iter().map(|e| e.2).collect();
    }
    let key = |e: &(u64, u8, u32)| (e.0, e.1);
    rems.select_nth_unstable_by(left - 1, |a, b| key(b).cmp(&key(a)));
    let boundary = key(&rems[left - 1]);
    let mut out: Vec<u32> = rems
        .iter()
        .filter(|e| key(e) > boundary)
        .map(|e| e.2)
        .collect();
    let mut tied: Vec<u32> = rems
        .iter()
        .filter(|e| key(e) == boundary)
        .map(|e| e.2)
        .collect();
    let need = left - out.len();
    if need < tied.len() {
        tied.select_nth_unstable_by(need - 1, |&a, &b| by_id(a, b));
    }
    out.extend_from_slice(&tied[..need]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(id: &str, tier: i64, f: u64) -> BalanceRetailer {
        BalanceRetailer {
            cap: None,
            id: id.into(),
            tier: Tier::new(tier).unwrap(),
            forecast: f,
        }
    }

    #[test]
    fn no_cut_when_supply_suffices() {
        let p = BalanceProblem {
            sku: "X".into(),
            supply: 100,
            retailers: vec![r("A", 3, 10), r("B", 5, 20)],
            tier_caps: [None; TIERS],
        };
        let s = balance(&p, &BalanceConfig::default()).unwrap();
        assert_eq!(s.total, 30);
        assert!(!s.cut);
    }

    #[test]
    fn largest_remainder_ties_to_higher_tier() {
        // shares 10·5/20 = 2.5 each for A (tier 3) and B (tier 5): B gets the ceiling
        let p = BalanceProblem {
            sku: "X".into(),
            supply: 5,
            retailers: vec![r("A", 3, 10), r("B", 5, 10)],
            tier_caps: [None; TIERS],
        };
        let s = balance(&p, &BalanceConfig::default()).unwrap();
        assert_eq!(s.total, 5);
        assert_eq!(
            (s.allocations[0].final_qty, s.allocations[1].final_qty),
            (2, 3)
        );
        assert!(s.allocations[0].flagged);
    }

    #[test]
    fn retailer_caps_combine_with_tier_caps() {
        // §4.5: per-region ladders arrive as retailer caps; the smaller of the two holds.
        let mut caps = [None; TIERS];
        caps[29] = Some(30);
        let mut a = r("A", 30, 100);
        a.cap = Some(20);
        let mut b = r("B", 30, 100);
        b.cap = Some(50);
        let p = BalanceProblem {
            sku: "X".into(),
            supply: 120,
            retailers: vec![a, b, r("C", 10, 100)],
            tier_caps: caps,
        };
        let s = balance(&p, &BalanceConfig::default()).unwrap();
        let f: Vec<u64> = s.allocations.iter().map(|a| a.final_qty).collect();
        assert_eq!(f, vec![20, 30, 70]);
        assert!(s.allocations[0].capped && s.allocations[1].capped);
        assert_eq!(s.total, 120);
    }

    #[test]
    fn caps_hold_and_free_amount_is_redistributed() {
        let mut caps = [None; TIERS];
        caps[29] = Some(20);
        let p = BalanceProblem {
            sku: "X".into(),
            supply: 100,
            retailers: vec![r("A", 30, 100), r("B", 10, 50), r("C", 10, 50)],
            tier_caps: caps,
        };
        let s = balance(&p, &BalanceConfig::default()).unwrap();
        assert_eq!(s.total, 100);
        assert_eq!(s.allocations[0].final_qty, 20);
        assert_eq!(s.allocations[1].final_qty + s.allocations[2].final_qty, 80);
        assert_eq!(s.allocations[1].final_qty, 40);
    }
}
