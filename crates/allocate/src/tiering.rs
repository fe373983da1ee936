//! 客户分档 — 30-tier retailer tiering (domain.md §3.2).
//!
//! Reference algorithm V3 (weights configurable; V1/V2/V4 are weight sets over other metrics):
//! normalise every metric (`x / max` or percentile rank), `score = 100·Σ w_m·n_m` with the weights
//! normalised to Σ = 1, rank by score (ties: higher purchase amount, then older licence, then id),
//! and cut the ranked list into tiers 30 → 1 by a share table (cumulative rounding so the tier
//! sizes sum to N exactly). V5 is the 10 × 3 cross: total quantity in 10 rank bands × average
//! value per 条 (amount/qty) in 3 rank bands within each quantity band, `tier = 3·(q−1) + v`.
//!
//! New retailers (新入网客户) are not ranked: they get the proposed tier of the joint meeting,
//! else a per-format tier, else a default, never above `max_tier` (≤ 24 by default, §3.2 [W3]).
//! Manual overrides need a reason and are recorded as such ([`apply_overrides`]).
use crate::{AllocError, TIERS, Tier};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// The metrics of one retailer over the reference period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetailerMetrics {
    pub id: String,
    /// Metric values aligned with [`TieringConfig::metrics`].
    pub values: Vec<f64>,
    /// 购进金额 (元): first tie-break, and the numerator of 单条值 in V5.
    pub amount: f64,
    /// Licence date `YYYY-MM-DD`; older ranks first on ties. Missing ranks last.
    pub licence_date: Option<String>,
    pub is_new: bool,
    pub business_format: Option<String>,
    /// Initial tier proposed for a new retailer (专销联席会议).
    pub proposed_tier: Option<Tier>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricWeight {
    pub name: String,
    pub weight: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Normalisation {
    /// `x / max x`
    Max,
    /// Percentile rank in `[0, 1]` (ties share the mid rank).
    Percentile,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TieringMethod {
    /// Weighted score + relative rank + share table (V1–V4).
    Weighted,
    /// V5: `qty_metric` (index into values) in 10 bands × 单条值 in 3 bands.
    Cross { qty_metric: usize },
}

/// Share of retailers per tier (weights, index `tier − 1`; any positive scale).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareTable(pub Vec<u64>);

impl ShareTable {
    /// 金字塔: tier k weighs `31 − k` (tier 1 widest, tier 30 narrowest).
    pub fn pyramid() -> ShareTable {
        ShareTable((1..=30u64).map(|k| 31 - k).collect())
    }
    /// 橄榄型: larger middle, `1 + min(k − 1, 30 − k)` (tiers 15/16 widest).
    pub fn olive() -> ShareTable {
        ShareTable((1..=30u64).map(|k| 1 + (k - 1).min(30 - k)).collect())
    }
    /// Tier sizes for `n` ranked retailers, index `tier − 1`, by cumulative rounding from tier 30.
    pub fn sizes(&self, n: u64) -> [u64; TIERS] {
        let w = &self.0;
        let total: u128 = w.iter().map(|&x| x as u128).sum();
        let mut out = [0u64; TIERS];
        let mut cum: u128 = 0;
        let mut prev_b = 0u64;
        for k in (0..TIERS).rev() {
            cum += w[k] as u128;
            let b = ((2 * n as u128 * cum + total) / (2 * total)) as u64;
            out[k] = b - prev_b;
            prev_b = b;
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRetailerRule {
    /// Highest initial tier (§3.2: ≤ 24).
    pub max_tier: u8,
    /// Tier when nothing else applies [INF].
    pub default_tier: u8,
    /// Fixed initial tier per business format (e.g. 娱乐服务类 [W4]).
    pub by_format: BTreeMap<String, u8>,
}

impl Default for NewRetailerRule {
    fn default() -> Self {
        NewRetailerRule {
            max_tier: 24,
            default_tier: 10,
            by_format: BTreeMap::new(),
        }
    }
}

/// Tiering policy (configuration rows; defaults = the §3.2 V1 worked example).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TieringConfig {
    pub metrics: Vec<MetricWeight>,
    pub normalisation: Normalisation,
    pub method: TieringMethod,
    pub shares: ShareTable,
    pub new_retailer: NewRetailerRule,
}

impl Default for TieringConfig {
    fn default() -> Self {
        TieringConfig {
            metrics: vec![
                MetricWeight {
                    name: "amount".into(),
                    weight: 0.7,
                },
                MetricWeight {
                    name: "qty".into(),
                    weight: 0.2,
                },
                MetricWeight {
                    name: "lowtar_qty".into(),
                    weight: 0.1,
                },
            ],
            normalisation: Normalisation::Max,
            method: TieringMethod::Weighted,
            shares: ShareTable::pyramid(),
            new_retailer: NewRetailerRule::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TierReason {
    /// Ranked by score and cut by the share table.
    Ranked,
    /// V5 cross: (quantity band 1..=10, value band 1..=3).
    Cross {
        qty_band: u8,
        value_band: u8,
    },
    NewRetailer,
    Override {
        reason: String,
        previous: Tier,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierAssignment {
    pub id: String,
    /// Weighted score 0–100 (None for new retailers and V5).
    pub score: Option<f64>,
    /// 1-based rank among ranked retailers.
    pub rank: Option<u64>,
    pub tier: Tier,
    pub reason: TierReason,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierOverride {
    pub id: String,
    pub tier: Tier,
    pub reason: String,
}

fn validate(rs: &[RetailerMetrics], cfg: &TieringConfig) -> Result<(), AllocError> {
    if cfg.shares.0.len() != TIERS || cfg.shares.0.iter().all(|&w| w == 0) {
        return Err(AllocError::invalid(
            "shares",
            "档位比例表必须有30个非负数且不全为0",
        ));
    }
    let m = cfg.metrics.len();
    if cfg.method == TieringMethod::Weighted {
        if m == 0 {
            return Err(AllocError::invalid("metrics", "至少需要一个评分指标"));
        }
        for (i, w) in cfg.metrics.iter().enumerate() {
            if !(w.weight.is_finite() && w.weight >= 0.0) {
                return Err(AllocError::invalid(
                    format!("metrics[{i}].weight"),
                    "权重必须是非负数",
                ));
            }
        }
        if cfg.metrics.iter().map(|w| w.weight).sum::<f64>() <= 0.0 {
            return Err(AllocError::invalid("metrics", "权重之和必须大于0"));
        }
    }
    if let TieringMethod::Cross { qty_metric } = cfg.method
        && qty_metric >= m
    {
        return Err(AllocError::invalid(
            "method.qty_metric",
            "总量指标序号超出指标列表",
        ));
    }
    let nr = &cfg.new_retailer;
    if !(1..=30).contains(&nr.max_tier) || !(1..=30).contains(&nr.default_tier) {
        return Err(AllocError::invalid(
            "new_retailer",
            "新客户档位必须在1–30之间",
        ));
    }
    for (i, r) in rs.iter().enumerate() {
        if r.id.trim().is_empty() {
            return Err(AllocError::invalid(
                format!("retailers[{i}].id"),
                "客户编码不能为空",
            ));
        }
        if r.values.len() != m {
            return Err(AllocError::invalid(
                format!("retailers[{i}].values"),
                format!("应有{m}个指标值"),
            ));
        }
        if let Some(k) = r.values.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
            return Err(AllocError::invalid(
                format!("retailers[{i}].{}", cfg.metrics[k].name),
                "指标值必须是非负数",
            ));
        }
        if !(r.amount.is_finite() && r.amount >= 0.0) {
            return Err(AllocError::invalid(
                format!("retailers[{i}].amount"),
                "金额必须是非负数",
            ));
        }
    }
    Ok(())
}

fn normalise(col: &[f64], how: Normalisation) -> Vec<f64> {
    match how {
        Normalisation::Max => {
            let max = col.iter().cloned().fold(0.0, f64::max);
            col.iter()
                .map(|&v| if max > 0.0 { v / max } else { 0.0 })
                .collect()
        }
        Normalisation::Percentile => {
            let n = col.len();
            if n <= 1 {
                return vec![1.0; n];
            }
            let mut idx: Vec<usize> = (0..n).collect();
            idx.sort_unstable_by(|&a, &b| col[a].total_cmp(&col[b]));
            let mut out = vec![0.0; n];
            let mut i = 0;
            while i < n {
                let mut j = i;
                while j + 1 < n && col[idx[j + 1]] == col[idx[i]] {
                    j += 1;
                }
                let mid = (i + j) as f64 / 2.0 / (n - 1) as f64;
                for &k in &idx[i..=j] {
                    out[k] = mid;
                }
                i = j + 1;
            }
            out
        }
    }
}

/// Deterministic order of ties: higher amount, older licence (missing last), then id.
fn tie(a: &RetailerMetrics, b: &RetailerMetrics) -> Ordering {
    b.amount
        .total_cmp(&a.amount)
        .then_with(|| match (&a.licence_date, &b.licence_date) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
        .then_with(|| a.id.cmp(&b.id))
}

fn tier(v: u64) -> Tier {
    Tier::new(v.clamp(1, 30) as i64).expect("clamped")
}

/// Tier every retailer (output in input order).
pub fn run(
    retailers: &[RetailerMetrics], cfg: &TieringConfig,
) -> Result<Vec<TierAssignment>, AllocError> {
    validate(retailers, cfg)?;
    let ranked: Vec<usize> = (0..retailers.len())
        .filter(|&i| !retailers[i].is_new)
        .collect();
    let mut out: Vec<Option<TierAssignment>> = vec![None; retailers.len()];
    match cfg.method {
        TieringMethod::Weighted => {
            let wsum: f64 = cfg.metrics.iter().map(|w| w.weight).sum();
            let mut score = vec![0.0f64; ranked.len()];
            for (m, w) in cfg.metrics.iter().enumerate() {
                let col: Vec<f64> = ranked.iter().map(|&i| retailers[i].values[m]).collect();
                let n = normalise(&col, cfg.normalisation);
                for (s, v) in score.iter_mut().zip(n) {
                    *s += w.weight / wsum * v;
                }
            }
            for s in score.iter_mut() {
                *s *= 100.0;
            }
            let mut order: Vec<usize> = (0..ranked.len()).collect();
            order.sort_unstable_by(|&a, &b| {
                score[b]
                    .total_cmp(&score[a])
                    .then_with(|| tie(&retailers[ranked[a]], &retailers[ranked[b]]))
            });
            let sizes = cfg.shares.sizes(ranked.len() as u64);
            let mut pos = 0usize;
            for k in (0..TIERS).rev() {
                for _ in 0..sizes[k] {
                    let o = order[pos];
                    out[ranked[o]] = Some(TierAssignment {
                        id: retailers[ranked[o]].id.clone(),
                        score: Some(score[o]),
                        rank: Some(pos as u64 + 1),
                        tier: tier(k as u64 + 1),
                        reason: TierReason::Ranked,
                    });
                    pos += 1;
                }
            }
        }
        TieringMethod::Cross { qty_metric } => {
            let qty = |i: usize| retailers[i].values[qty_metric];
            let mut order = ranked.clone();
            order.sort_unstable_by(|&a, &b| {
                qty(b)
                    .total_cmp(&qty(a))
                    .then_with(|| tie(&retailers[a], &retailers[b]))
            });
            let n = order.len();
            let mut start = 0usize;
            for band in (1..=10u64).rev() {
                // band 10 = the top tenth by quantity
                let end = n * (11 - band as usize) / 10;
                let mut members: Vec<usize> = order[start..end].to_vec();
                let val = |i: usize| {
                    if qty(i) > 0.0 {
                        retailers[i].amount / qty(i)
                    } else {
                        0.0
                    }
                };
                members.sort_unstable_by(|&a, &b| {
                    val(b)
                        .total_cmp(&val(a))
                        .then_with(|| tie(&retailers[a], &retailers[b]))
                });
                let m = members.len();
                for (r, &i) in members.iter().enumerate() {
                    let vband = 3 - (r * 3 / m.max(1)) as u64;
                    out[i] = Some(TierAssignment {
                        id: retailers[i].id.clone(),
                        score: None,
                        rank: Some((start + r) as u64 + 1),
                        tier: tier(3 * (band - 1) + vband),
                        reason: TierReason::Cross {
                            qty_band: band as u8,
                            value_band: vband as u8,
                        },
                    });
                }
                start = end;
            }
        }
    }
    let nr = &cfg.new_retailer;
    for (i, r) in retailers.iter().enumerate().filter(|(_, r)| r.is_new) {
        let proposed = r
            .proposed_tier
            .map(|t| t.get())
            .or_else(|| {
                r.business_format
                    .as_ref()
                    .and_then(|f| nr.by_format.get(f).copied())
            })
            .unwrap_or(nr.default_tier);
        out[i] = Some(TierAssignment {
            id: r.id.clone(),
            score: None,
            rank: None,
            tier: tier(proposed.min(nr.max_tier) as u64),
            reason: TierReason::NewRetailer,
        });
    }
    Ok(out
        .into_iter()
        .map(|a| a.expect("every retailer assigned"))
        .collect())
}

/// Apply manual overrides (each needs a reason); unknown ids are an error.
pub fn apply_overrides(
    assignments: &mut [TierAssignment], overrides: &[TierOverride],
) -> Result<(), AllocError> {
    let index: BTreeMap<&str, usize> = assignments
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let mut moves = Vec::new();
    for (k, o) in overrides.iter().enumerate() {
        if o.reason.trim().is_empty() {
            return Err(AllocError::invalid(
                format!("overrides[{k}].reason"),
                "人工调整档位必须填写原因",
            ));
        }
        let &i = index.get(o.id.as_str()).ok_or_else(|| {
            AllocError::invalid(
                format!("overrides[{k}].id"),
                format!("客户“{}”不在本次分档范围内", o.id),
            )
        })?;
        moves.push((i, o));
    }
    for (i, o) in moves {
        let previous = assignments[i].tier;
        assignments[i].tier = o.tier;
        assignments[i].reason = TierReason::Override {
            reason: o.reason.clone(),
            previous,
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rm(id: &str, amount: f64, qty: f64, low: f64) -> RetailerMetrics {
        RetailerMetrics {
            id: id.into(),
            values: vec![amount, qty, low],
            amount,
            licence_date: None,
            is_new: false,
            business_format: None,
            proposed_tier: None,
        }
    }

    /// domain.md §3.2 worked example (V1 weights, max normalisation).
    pub(crate) fn worked() -> Vec<RetailerMetrics> {
        vec![
            rm("C01", 98000.0, 520.0, 60.0),
            rm("C02", 45000.0, 300.0, 20.0),
            rm("C03", 12000.0, 110.0, 5.0),
            rm("C04", 30500.0, 210.0, 30.0),
            rm("C05", 7000.0, 70.0, 0.0),
            rm("C06", 61000.0, 380.0, 40.0),
            rm("C07", 15000.0, 140.0, 8.0),
            rm("C08", 22000.0, 150.0, 12.0),
            rm("C09", 3000.0, 35.0, 0.0),
            rm("C10", 40000.0, 260.0, 25.0),
        ]
    }

    #[test]
    fn worked_example_scores_and_ranks() {
        let a = run(&worked(), &TieringConfig::default()).unwrap();
        let expect = [
            ("C01", "100.00", 1),
            ("C06", "64.85", 2),
            ("C02", "47.01", 3),
            ("C10", "42.74", 4),
            ("C04", "34.86", 5),
            ("C08", "23.48", 6),
            ("C07", "17.43", 7),
            ("C03", "13.64", 8),
            ("C05", "7.69", 9),
            ("C09", "3.49", 10),
        ];
        for (id, score, rank) in expect {
            let t = a.iter().find(|x| x.id == id).unwrap();
            assert_eq!(format!("{:.2}", t.score.unwrap()), score, "{id}");
            assert_eq!(t.rank, Some(rank), "{id}");
        }
        // tiers are non-increasing along the ranking
        let mut by_rank = a.clone();
        by_rank.sort_by_key(|x| x.rank);
        assert!(by_rank.windows(2).all(|w| w[0].tier >= w[1].tier));
    }

    #[test]
    fn share_tables_sum_to_n() {
        for n in [0u64, 1, 10, 29, 30, 31, 1000, 300_000] {
            assert_eq!(ShareTable::pyramid().sizes(n).iter().sum::<u64>(), n);
            assert_eq!(ShareTable::olive().sizes(n).iter().sum::<u64>(), n);
        }
        let p = ShareTable::pyramid().sizes(4650);
        assert_eq!((p[29], p[0]), (10, 300));
        let o = ShareTable::olive().sizes(2400);
        assert!(o[14] > o[29] && o[15] > o[0]);
    }

    #[test]
    fn ties_amount_then_older_licence() {
        let mut rs = vec![rm("A", 100.0, 10.0, 1.0), rm("B", 100.0, 10.0, 1.0)];
        rs[0].licence_date = Some("2015-01-01".into());
        rs[1].licence_date = Some("2010-05-01".into());
        let a = run(&rs, &TieringConfig::default()).unwrap();
        assert_eq!(a[1].rank, Some(1));
    }

    #[test]
    fn new_retailer_capped_and_overrides_need_reason() {
        let mut rs = worked();
        rs[4].is_new = true;
        rs[4].proposed_tier = Some(Tier::new(28).unwrap());
        let mut a = run(&rs, &TieringConfig::default()).unwrap();
        assert_eq!(a[4].tier.get(), 24);
        assert_eq!(a[4].reason, TierReason::NewRetailer);
        let bad = [TierOverride {
            id: "C01".into(),
            tier: Tier::new(5).unwrap(),
            reason: " ".into(),
        }];
        assert!(apply_overrides(&mut a, &bad).is_err());
        let ok = [TierOverride {
            id: "C01".into(),
            tier: Tier::new(5).unwrap(),
            reason: "经营异常".into(),
        }];
        apply_overrides(&mut a, &ok).unwrap();
        assert_eq!(a[0].tier.get(), 5);
    }

    #[test]
    fn cross_v5_gives_30_tiers() {
        let rs: Vec<RetailerMetrics> = (0..300)
            .map(|i| {
                rm(
                    &format!("R{i:03}"),
                    (i * 37 % 101) as f64 * 100.0,
                    (i + 1) as f64,
                    0.0,
                )
            })
            .collect();
        let cfg = TieringConfig {
            method: TieringMethod::Cross { qty_metric: 1 },
            ..Default::default()
        };
        let a = run(&rs, &cfg).unwrap();
        let mut per = [0; TIERS];
        for x in &a {
            per[x.tier.get() as usize - 1] += 1;
        }
        assert!(per.iter().all(|&c| c == 10));
        assert_eq!(a[299].tier.get() / 3, 9); // largest qty in band 10 → tiers 28..30
    }

    #[test]
    fn percentile_normalisation() {
        let cfg = TieringConfig {
            normalisation: Normalisation::Percentile,
            ..Default::default()
        };
        let a = run(&worked(), &cfg).unwrap();
        assert_eq!(format!("{:.2}", a[0].score.unwrap()), "100.00");
        assert_eq!(format!("{:.2}", a[8].score.unwrap()), "0.56"); // lowest amount and qty, low-tar tied at 0 with C05
    }
}
