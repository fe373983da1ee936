//! 按档位投放 — tier-quota allocation (domain.md §4.1–§4.3).
//!
//! For one SKU and period: a planned release `T` (预投放量), sub-markets (mode A: the whole city;
//! B1–B5: counties, market types, …), retailer counts per tier (biweekly retailers count twice,
//! §3.1.4) and optional per-tier caps. The solver returns a per-retailer quota `x_ij` that is
//! integer, ≥ 0, non-increasing from tier 30 down to tier 1 in every sub-market, capped where a
//! cap is configured (a cap on tier j also bounds every lower tier, by monotonicity), and whose
//! release `Σ x_ij·c_ij` is the **largest total ≤ T that any valid table reaches** (exact).
//! There are no minimum volumes (§4.1).
//!
//! ## Exact method
//! Per sub-market, over the non-empty tiers, a dynamic programme over `(tier, quota)` states whose
//! value is the *set of reachable partial totals*, held as a bitset over `0..=T`. A state with
//! quota `x` at tier `j` can only be extended if `x·C_{j+1} ≤ T` (every higher tier gets ≥ x), so
//! the quota range at tier `j` is `0..=min(cap'_j, T / C_j)` with `C_j` the weighted count of
//! tiers ≥ j, and each bitset is clipped at `T − x·C_{j+1}`. Two passes exist: top-down (tier 30
//! → 1) gives, for every tier k, the totals reachable with tier k the lowest tier served (hence
//! the best coverage); bottom-up (tier 1 → 30) gives, for every top quota, the reachable totals
//! (hence the lowest peak) and is kept for reconstruction.
//!
//! ## Tie-breaks among tables reaching the maximal total (policy order, [`QuotaPolicy::tie_breaks`])
//! - [`TieBreak::Coverage`]: more retailers (head count) receive ≥ 1 条; with a monotone table
//!   this means serving down to the lowest possible tier.
//! - [`TieBreak::Flatness`]: the flattest table — the smallest top quota (tier 30), then, going
//!   down, each tier as close to the tier above it as possible (lexicographic). Reconstruction
//!   always applies this rule last, so the result is deterministic.
//!
//! ## Sub-markets (B modes), see [`SplitRule`]
//! By default T is split across sub-markets first (B2: 城网/农网 40 % / 60 % per §4.2, configurable;
//! explicit `share` weights on the sub-markets if given; otherwise proportional to the weighted
//! retailer counts), by largest remainder, and every sub-market is solved exactly within its
//! share. [`SplitRule::Joint`] instead maximises the total jointly over all sub-markets (then the
//! total coverage), exactly, at `O(R·T²)` cost; it is limited to `T ≤ joint_max_release`.
use crate::bits::Bits;
use crate::{AllocError, TIERS, Tier};
use serde::{Deserialize, Serialize};

/// 投放类型 (domain.md §4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum AllocationMode {
    /// 按档位统一投放 — one sub-market, the whole city.
    #[default]
    A,
    /// 档位+区县
    B1,
    /// 档位+市场类型 (城网/农网)
    B2,
    /// 档位+区县+市场类型
    B3,
    /// 档位+城乡分类代码
    B4,
    /// 档位+业态
    B5,
    /// 按需投放 — no quota (or only the configured technical caps).
    C,
}

impl AllocationMode {
    pub fn label(self) -> &'static str {
        match self {
            AllocationMode::A => "按档位统一投放",
            AllocationMode::B1 => "按档位+区县投放",
            AllocationMode::B2 => "按档位+市场类型投放",
            AllocationMode::B3 => "按档位+区县+市场类型投放",
            AllocationMode::B4 => "按档位+城乡分类投放",
            AllocationMode::B5 => "按档位+业态投放",
            AllocationMode::C => "按需投放",
        }
    }
}

/// One sub-market (region i of §4.3). Arrays are indexed by `tier − 1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submarket {
    pub name: String,
    /// Retailers (head count) per tier.
    pub counts: [u64; TIERS],
    /// Of those, retailers on a two-week order cycle: they count twice in `c_ij` (双周上浮, §3.1.4).
    pub biweekly: [u64; TIERS],
    /// Optional per-retailer cap per tier (条).
    pub caps: [Option<u64>; TIERS],
    /// Optional split weight of T for this sub-market (B modes).
    pub share: Option<u64>,
}

impl Submarket {
    pub fn new(name: impl Into<String>, counts: [u64; TIERS]) -> Self {
        Submarket {
            name: name.into(),
            counts,
            biweekly: [0; TIERS],
            caps: [None; TIERS],
            share: None,
        }
    }

    /// `c_ij`: head count plus biweekly retailers once more.
    pub fn weights(&self) -> [u64; TIERS] {
        let mut w = [0; TIERS];
        for j in 0..TIERS {
            w[j] = self.counts[j] + self.biweekly[j];
        }
        w
    }

    /// Caps made consistent with monotonicity: cap'_j = min over k ≥ j of cap_k.
    pub fn effective_caps(&self) -> [Option<u64>; TIERS] {
        let mut out = [None; TIERS];
        let mut run: Option<u64> = None;
        for j in (0..TIERS).rev() {
            run = match (run, self.caps[j]) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            out[j] = run;
        }
        out
    }
}

/// One quota problem: an SKU in one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaProblem {
    pub sku: String,
    pub planned_release: u64,
    pub mode: AllocationMode,
    pub submarkets: Vec<Submarket>,
}

/// Tie-break criteria among tables reaching the maximal total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TieBreak {
    Coverage,
    Flatness,
}

/// How T is split across sub-markets in B modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SplitRule {
    /// Explicit `share` weights if every sub-market has one; else B2 by the urban/rural percent;
    /// else proportional to weighted retailer counts.
    #[default]
    Auto,
    /// Proportional to weighted retailer counts (ignores shares).
    Proportional,
    /// No split: maximise the total jointly over all sub-markets (exact, `O(R·T²)`).
    Joint,
}

/// Policy of the quota solver (configuration; defaults from domain.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QuotaPolicy {
    /// Order of tie-breaks after the maximal total. Default: coverage, then flatness.
    pub tie_breaks: Vec<TieBreak>,
    pub split: SplitRule,
    /// B2 城网 share of T in percent (§4.2 default 40; 农网 gets the rest).
    pub b2_urban_percent: u64,
    /// Largest T accepted by [`SplitRule::Joint`].
    pub joint_max_release: u64,
    /// Work and memory budget of the exact solver per sub-market, in 64-bit bitset words
    /// (default 5·10⁷ = 400 MB at most); beyond it → `TooLarge`. Realistic tables need far less
    /// (the province benchmark ≤ 10⁶); it is reached when T is hundreds of times the retailer
    /// count, where on-demand release (mode C) or caps are the policy answer anyway.
    pub work_budget: u64,
}

impl Default for QuotaPolicy {
    fn default() -> Self {
        QuotaPolicy {
            tie_breaks: vec![TieBreak::Coverage, TieBreak::Flatness],
            split: SplitRule::Auto,
            b2_urban_percent: 40,
            joint_max_release: 5_000,
            work_budget: 50_000_000,
        }
    }
}

/// Quota of one tier in one sub-market.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierQuota {
    pub tier: Tier,
    /// 条 per retailer per period; `None` = unlimited (mode C without a cap).
    pub per_retailer: Option<u64>,
    /// Head count of retailers in the tier.
    pub retailers: u64,
    /// Of which biweekly (may order 2× the quota in their ordering week).
    pub biweekly: u64,
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmarketSolution {
    pub name: String,
    /// Part of T this sub-market was allowed (its split share; the joint optimum's part in Joint).
    pub allotted: u64,
    pub total_release: u64,
    /// Retailers (head count) with a quota ≥ 1.
    pub coverage: u64,
    /// Tiers 30 → 1.
    pub tiers: Vec<TierQuota>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaSolution {
    pub sku: String,
    pub mode: AllocationMode,
    pub planned_release: u64,
    /// Σ x·c; `None` in mode C without caps (unlimited).
    pub total_release: Option<u64>,
    pub coverage: u64,
    pub submarkets: Vec<SubmarketSolution>,
}

impl QuotaSolution {
    /// Quota table `x[i][tier−1]` (0 for unlimited).
    pub fn table(&self) -> Vec<[u64; TIERS]> {
        self.submarkets
            .iter()
            .map(|s| {
                let mut x = [0; TIERS];
                for q in &s.tiers {
                    x[q.tier.get() as usize - 1] = q.per_retailer.unwrap_or(0);
                }
                x
            })
            .collect()
    }
}

/// Check the structural rules of a problem (field names in JSON-path style).
pub fn validate(p: &QuotaProblem) -> Result<(), AllocError> {
    if p.sku.trim().is_empty() {
        return Err(AllocError::invalid("sku", "卷烟规格代码不能为空"));
    }
    if p.submarkets.is_empty() {
        return Err(AllocError::invalid("submarkets", "至少需要一个子市场"));
    }
    if p.mode == AllocationMode::A && p.submarkets.len() != 1 {
        return Err(AllocError::invalid(
            "submarkets",
            "按档位统一投放（A）只能有一个子市场（全市）",
        ));
    }
    let with_share = p.submarkets.iter().filter(|s| s.share.is_some()).count();
    if with_share > 0 && with_share < p.submarkets.len() {
        let i = p
            .submarkets
            .iter()
            .position(|s| s.share.is_none())
            .unwrap_or(0);
        return Err(AllocError::invalid(
            format!("submarkets[{i}].share"),
            "要么每个子市场都给出 share，要么都不给",
        ));
    }
    for (i, s) in p.submarkets.iter().enumerate() {
        if s.name.trim().is_empty() {
            return Err(AllocError::invalid(
                format!("submarkets[{i}].name"),
                "子市场名称不能为空",
            ));
        }
        if p.submarkets[..i].iter().any(|o| o.name == s.name) {
            return Err(AllocError::invalid(
                format!("submarkets[{i}].name"),
                format!("子市场名称“{}”重复", s.name),
            ));
        }
        for j in 0..TIERS {
            if s.biweekly[j] > s.counts[j] {
                return Err(AllocError::invalid(
                    format!("submarkets[{i}].biweekly_counts.{}", j + 1),
                    "双周订货客户数不能大于该档客户数",
                ));
            }
        }
    }
    Ok(())
}

/// Solve exactly (see the module doc).
pub fn allocate(p: &QuotaProblem, policy: &QuotaPolicy) -> Result<QuotaSolution, AllocError> {
    validate(p)?;
    if p.mode == AllocationMode::C {
        return Ok(on_demand(p));
    }
    let t = p.planned_release;
    let allotted: Vec<u64> = if policy.split == SplitRule::Joint && p.submarkets.len() > 1 {
        joint_split(p, policy)?
    } else {
        split(p, policy)?
    };
    let mut subs = Vec::with_capacity(p.submarkets.len());
    for (s, &a) in p.submarkets.iter().zip(&allotted) {
        let ch = Chain::new(s);
        let x = ch.solve(a, &policy.tie_breaks, policy.work_budget)?;
        subs.push(finish_submarket(p, s, a, ch.expand(&x), true));
    }
    Ok(assemble(p, subs, t))
}

/// The §4.3 published heuristic (C1 "greedy fill + iterative refinement"), kept as the baseline.
/// Same split of T as [`allocate`]; within a sub-market: coarse rounds from tier 30 down adding
/// +1 while the total stays ≤ T and monotonicity holds (a round stops at the first tier that
/// would overshoot), then ≤ 100 refinement moves of ±1 that bring the total closer to T without
/// exceeding it (the §4.1 cap).
pub fn greedy(p: &QuotaProblem, policy: &QuotaPolicy) -> Result<QuotaSolution, AllocError> {
    validate(p)?;
    if p.mode == AllocationMode::C {
        return Ok(on_demand(p));
    }
    let allotted = split(
        p,
        &QuotaPolicy {
            split: if policy.split == SplitRule::Joint {
                SplitRule::Auto
            } else {
                policy.split
            },
            ..policy.clone()
        },
    )?;
    let subs = p
        .submarkets
        .iter()
        .zip(&allotted)
        .map(|(s, &a)| finish_submarket(p, s, a, greedy_table(s, a), false))
        .collect();
    Ok(assemble(p, subs, p.planned_release))
}

fn greedy_table(s: &Submarket, t: u64) -> [u64; TIERS] {
    let w = s.weights();
    let caps = s.effective_caps();
    let mut x = [0u64; TIERS];
    let mut total = 0u64;
    let ok = |x: &[u64; TIERS], j: usize, v: u64| -> bool {
        (j + 1 == TIERS || v <= x[j + 1])
            && (j == 0 || v >= x[j - 1])
            && caps[j].is_none_or(|c| v <= c)
    };
    loop {
        let mut changed = false;
        for j in (0..TIERS).rev() {
            if !ok(&x, j, x[j] + 1) {
                continue;
            }
            if total + w[j] > t {
                break;
            }
            if w[j] == 0 && j + 1 < TIERS && x[j] + 1 > x[j + 1] {
                continue;
            }
            x[j] += 1;
            total += w[j];
            changed |= w[j] > 0;
        }
        if !changed {
            break;
        }
    }
    for _ in 0..100 {
        let mut best: Option<(u64, usize, bool)> = None;
        for j in (0..TIERS).rev() {
            if w[j] == 0 {
                continue;
            }
            if ok(&x, j, x[j] + 1) && total + w[j] <= t {
                let gap = t - total - w[j];
                if best.is_none_or(|b| gap < b.0) {
                    best = Some((gap, j, true));
                }
            }
        }
        match best {
            Some((gap, j, _)) if gap < t - total => {
                x[j] += 1;
                total += w[j];
            }
            _ => break,
        }
    }
    for j in (0..TIERS - 1).rev() {
        x[j] = x[j].min(x[j + 1]);
    }
    x
}

fn on_demand(p: &QuotaProblem) -> QuotaSolution {
    let mut subs = Vec::new();
    let mut all_capped = true;
    let mut total = 0u64;
    for s in &p.submarkets {
        let caps = s.effective_caps();
        let w = s.weights();
        let mut tiers = Vec::new();
        let mut sub_total = 0u64;
        for j in (0..TIERS).rev() {
            let tier = Tier::new(j as i64 + 1).expect("1..=30");
            if w[j] > 0 {
                match caps[j] {
                    Some(c) => sub_total += c * w[j],
                    None => all_capped = false,
                }
            }
            let explanation = match caps[j] {
                _ if s.counts[j] == 0 => format!("{}{}：本档暂无客户。", s.name, tier),
                Some(c) => format!(
                    "{}{}：本期该品规按需投放，货源充足，不设档位配额；为防止囤货每户每期最多可订{}条（双周订货客户在订货周可订{}条）。",
                    s.name,
                    tier,
                    c,
                    2 * c
                ),
                None => format!(
                    "{}{}：本期该品规按需投放，货源充足，按实际需要订货，不限量。",
                    s.name, tier
                ),
            };
            tiers.push(TierQuota {
                tier,
                per_retailer: caps[j],
                retailers: s.counts[j],
                biweekly: s.biweekly[j],
                explanation,
            });
        }
        total += sub_total;
        let coverage = s.counts.iter().sum();
        subs.push(SubmarketSolution {
            name: s.name.clone(),
            allotted: 0,
            total_release: sub_total,
            coverage,
            tiers,
        });
    }
    QuotaSolution {
        sku: p.sku.clone(),
        mode: p.mode,
        planned_release: p.planned_release,
        total_release: all_capped.then_some(total),
        coverage: subs.iter().map(|s| s.coverage).sum(),
        submarkets: subs,
    }
}

fn assemble(p: &QuotaProblem, subs: Vec<SubmarketSolution>, _t: u64) -> QuotaSolution {
    QuotaSolution {
        sku: p.sku.clone(),
        mode: p.mode,
        planned_release: p.planned_release,
        total_release: Some(subs.iter().map(|s| s.total_release).sum()),
        coverage: subs.iter().map(|s| s.coverage).sum(),
        submarkets: subs,
    }
}

fn is_urban(name: &str) -> Option<bool> {
    match name.trim() {
        "城网" | "城镇" | "城市" | "城区" | "urban" | "URBAN" => Some(true),
        "农网" | "乡村" | "农村" | "rural" | "RURAL" => Some(false),
        _ => None,
    }
}

/// Split T across sub-markets (see [`SplitRule`]); largest remainder, ties to the earlier one.
pub fn split(p: &QuotaProblem, policy: &QuotaPolicy) -> Result<Vec<u64>, AllocError> {
    let n = p.submarkets.len();
    let t = p.planned_release;
    if n == 1 {
        return Ok(vec![t]);
    }
    let weights: Vec<u64> =
        if policy.split == SplitRule::Auto && p.submarkets.iter().all(|s| s.share.is_some()) {
            p.submarkets.iter().map(|s| s.share.unwrap_or(0)).collect()
        } else if policy.split == SplitRule::Auto && p.mode == AllocationMode::B2 {
            if policy.b2_urban_percent > 100 {
                return Err(AllocError::invalid(
                    "policy.b2_urban_percent",
                    "城网比例不能超过100",
                ));
            }
            let mut w = Vec::new();
            let urban_n = p
                .submarkets
                .iter()
                .filter(|s| is_urban(&s.name) == Some(true))
                .count() as u64;
            let rural_n = p
                .submarkets
                .iter()
                .filter(|s| is_urban(&s.name) == Some(false))
                .count() as u64;
            for (i, s) in p.submarkets.iter().enumerate() {
                match is_urban(&s.name) {
                    // percent × 1000 / number of such sub-markets keeps integer weights
                    Some(true) => w.push(policy.b2_urban_percent * 1000 / urban_n),
                    Some(false) => w.push((100 - policy.b2_urban_percent) * 1000 / rural_n),
                    None => {
                        return Err(AllocError::invalid(
                            format!("submarkets[{i}].name"),
                            "B2 模式的子市场名称应为“城网”或“农网”（或为每个子市场给出 share）",
                        ));
                    }
                }
            }
            w
        } else {
            p.submarkets
                .iter()
                .map(|s| s.weights().iter().sum())
                .collect()
        };
    let wsum: u128 = weights.iter().map(|&w| w as u128).sum();
    if wsum == 0 {
        return Ok(vec![0; n]);
    }
    let mut out: Vec<u64> = Vec::with_capacity(n);
    let mut rems: Vec<(u128, usize)> = Vec::with_capacity(n);
    for (i, &w) in weights.iter().enumerate() {
        let num = t as u128 * w as u128;
        out.push((num / wsum) as u64);
        rems.push((num % wsum, i));
    }
    let left = t - out.iter().sum::<u64>();
    rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in rems.iter().take(left as usize) {
        out[i] += 1;
    }
    Ok(out)
}

/// Joint optimum across sub-markets: maximal total, then maximal total coverage.
fn joint_split(p: &QuotaProblem, policy: &QuotaPolicy) -> Result<Vec<u64>, AllocError> {
    let t = p.planned_release;
    if t > policy.joint_max_release {
        return Err(AllocError::TooLarge(format!(
            "联合优化（Joint）要求计划投放量不超过 {}，当前 {}；请改用按比例拆分",
            policy.joint_max_release, t
        )));
    }
    let tn = t as usize;
    // best[t] = max coverage reaching exactly t with the sub-markets so far; -1 unreachable.
    let mut best = vec![-1i64; tn + 1];
    best[0] = 0;
    let mut choices: Vec<Vec<u32>> = Vec::new();
    for s in &p.submarkets {
        let ch = Chain::new(s);
        let cov = ch.coverage_by_total(t, policy.work_budget)?;
        let mut next = vec![-1i64; tn + 1];
        let mut choice = vec![0u32; tn + 1];
        let opts: Vec<(usize, i64)> = cov
            .iter()
            .enumerate()
            .filter(|(_, c)| **c >= 0)
            .map(|(a, c)| (a, *c))
            .collect();
        for (prev_t, &b) in best.iter().enumerate() {
            if b < 0 {
                continue;
            }
            for &(a, c) in &opts {
                let nt = prev_t + a;
                if nt > tn {
                    break;
                }
                if b + c > next[nt] {
                    next[nt] = b + c;
                    choice[nt] = a as u32;
                }
            }
        }
        best = next;
        choices.push(choice);
    }
    let mut cur = (0..=tn).rev().find(|&x| best[x] >= 0).unwrap_or(0);
    let mut out = vec![0u64; p.submarkets.len()];
    for i in (0..p.submarkets.len()).rev() {
        let a = choices[i][cur] as usize;
        out[i] = a as u64;
        cur -= a;
    }
    Ok(out)
}

/// The non-empty tiers of a sub-market as a chain, ascending by tier.
struct Chain {
    /// tier index (0-based) of each chain position
    tier: Vec<usize>,
    w: Vec<u64>,
    head: Vec<u64>,
    cap: Vec<u64>,
    /// suffix[i] = Σ_{k ≥ i} w[k]; suffix[n] = 0
    suffix: Vec<u64>,
}

impl Chain {
    fn new(s: &Submarket) -> Chain {
        let w = s.weights();
        let caps = s.effective_caps();
        let mut ch = Chain {
            tier: vec![],
            w: vec![],
            head: vec![],
            cap: vec![],
            suffix: vec![],
        };
        for j in 0..TIERS {
            if w[j] > 0 {
                ch.tier.push(j);
                ch.w.push(w[j]);
                ch.head.push(s.counts[j]);
                ch.cap.push(caps[j].unwrap_or(u64::MAX));
            }
        }
        let n = ch.w.len();
        ch.suffix = vec![0; n + 1];
        for i in (0..n).rev() {
            ch.suffix[i] = ch.suffix[i + 1] + ch.w[i];
        }
        ch
    }

    fn n(&self) -> usize {
        self.w.len()
    }

    fn base_bounds(&self, limit: u64) -> (Vec<u64>, Vec<u64>) {
        let lo = vec![0; self.n()];
        let hi = (0..self.n())
            .map(|i| self.cap[i].min(limit / self.suffix[i]))
            .collect();
        (lo, hi)
    }

    fn check_budget(&self, hi: &[u64], limit: u64, budget: u64) -> Result<(), AllocError> {
        let words = limit / 64 + 1;
        let states: u64 = hi
            .iter()
            .map(|h| h.saturating_add(1))
            .fold(0u64, |a, b| a.saturating_add(b));
        if states.saturating_mul(words) > budget {
            return Err(AllocError::TooLarge(format!(
                "精确求解需要约 {} 个状态 × {} 字，超过预算 {}（计划量相对最高档客户数过大）",
                states, words, budget
            )));
        }
        Ok(())
    }

    /// Bottom-up layers: `layers[i][x]` = partial totals of chain positions 0..=i with x_i = x.
    fn bottom_up(&self, lo: &[u64], hi: &[u64], limit: u64) -> Vec<Vec<Bits>> {
        let n = self.n();
        let mut layers: Vec<Vec<Bits>> = Vec::with_capacity(n);
        for i in 0..n {
            let mut layer = Vec::with_capacity(hi[i] as usize + 1);
            let mut acc = Bits::with_max(limit);
            let mut seed = Bits::with_max(0);
            seed.set(0);
            for x in 0..=hi[i] {
                if i > 0 {
                    if x <= hi[i - 1] {
                        acc.or_assign(&layers[i - 1][x as usize]);
                    }
                } else if x == 0 {
                    acc.or_assign(&seed);
                }
                if x < lo[i] {
                    layer.push(Bits::empty());
                    continue;
                }
                let reserve = x.saturating_mul(self.suffix[i + 1]);
                let shift = x * self.w[i];
                if reserve > limit || shift > limit - reserve {
                    layer.push(Bits::empty());
                    continue;
                }
                layer.push(Bits::shifted(&acc, shift, limit - reserve));
            }
            layers.push(layer);
        }
        layers
    }

    /// Top-down pass: `cover[i]` = totals reachable with chain position i the lowest served
    /// (x_i ≥ 1, positions below 0); `all` = every reachable total.
    fn top_down(&self, hi: &[u64], limit: u64) -> (Vec<Bits>, Bits) {
        let n = self.n();
        let mut cover = vec![Bits::empty(); n];
        let mut all = Bits::with_max(limit);
        all.set(0);
        let mut prev: Vec<Bits> = Vec::new();
        for i in (0..n).rev() {
            let mut cur: Vec<Bits> = vec![Bits::empty(); hi[i] as usize + 1];
            let mut acc = Bits::with_max(limit);
            let top = if i + 1 < n { hi[i + 1] } else { hi[i] };
            let mut seed = Bits::with_max(0);
            seed.set(0);
            let mut cov = Bits::with_max(limit);
            for x in (0..=top).rev() {
                if i + 1 < n {
                    acc.or_assign(&prev[x as usize]);
                } else if x == 0 {
                    // top position: any x allowed; the seed is the empty sum
                }
                if x > hi[i] {
                    continue;
                }
                let shift = x * self.w[i];
                if shift > limit {
                    continue;
                }
                let b = if i + 1 < n {
                    Bits::shifted(&acc, shift, limit)
                } else {
                    Bits::shifted(&seed, shift, limit)
                };
                if x >= 1 {
                    cov.or_assign(&b);
                }
                cur[x as usize] = b;
            }
            all.or_assign(&cov);
            cover[i] = cov;
            prev = cur;
        }
        (cover, all)
    }

    /// For every total t ≤ limit: the best coverage (head count) of a valid table releasing
    /// exactly t, or −1 if unreachable.
    fn coverage_by_total(&self, limit: u64, budget: u64) -> Result<Vec<i64>, AllocError> {
        let mut out = vec![-1i64; limit as usize + 1];
        out[0] = 0;
        if self.n() == 0 {
            return Ok(out);
        }
        let (_, hi) = self.base_bounds(limit);
        self.check_budget(&hi, limit, budget)?;
        let (cover, _) = self.top_down(&hi, limit);
        let mut heads = vec![0u64; self.n() + 1];
        for i in (0..self.n()).rev() {
            heads[i] = heads[i + 1] + self.head[i];
        }
        for i in (0..self.n()).rev() {
            for (t, o) in out.iter_mut().enumerate() {
                if cover[i].get(t as u64) {
                    *o = heads[i] as i64;
                }
            }
        }
        Ok(out)
    }

    /// Exact table (per chain position) releasing the maximal total ≤ limit, tie-broken by policy.
    fn solve(&self, limit: u64, order: &[TieBreak], budget: u64) -> Result<Vec<u64>, AllocError> {
        let n = self.n();
        if n == 0 {
            return Ok(vec![]);
        }
        if self.cap.iter().all(|&c| c == u64::MAX) {
            return self.solve_uncapped(limit, order, budget);
        }
        let (mut lo, mut hi) = self.base_bounds(limit);
        self.check_budget(&hi, limit, budget)?;
        let mut target: Option<u64> = None;
        let mut cached: Option<Vec<Vec<Bits>>> = None;
        for crit in order {
            match crit {
                TieBreak::Coverage => {
                    let (cover, all) = self.top_down(&hi, limit);
                    let t = *target.get_or_insert_with(|| all.max_le(limit).unwrap_or(0));
                    if t > 0
                        && let Some(k) = (0..n).find(|&i| cover[i].get(t))
                    {
                        for h in hi.iter_mut().take(k) {
                            *h = 0;
                        }
                        lo[k] = lo[k].max(1);
                    }
                    cached = None;
                }
                TieBreak::Flatness => {
                    let layers = self.bottom_up(&lo, &hi, limit);
                    let top = &layers[n - 1];
                    let t = *target.get_or_insert_with(|| {
                        top.iter()
                            .filter_map(|b| b.max_le(limit))
                            .max()
                            .unwrap_or(0)
                    });
                    if let Some(p) = (0..top.len()).find(|&x| top[x].get(t)) {
                        for h in hi.iter_mut() {
                            *h = (*h).min(p as u64);
                        }
                    }
                    cached = Some(layers);
                }
            }
        }
        let layers = match cached {
            Some(l) => l,
            None => self.bottom_up(&lo, &hi, limit),
        };
        let top = &layers[n - 1];
        let t = target.unwrap_or_else(|| {
            top.iter()
                .filter_map(|b| b.max_le(limit))
                .max()
                .unwrap_or(0)
        });
        // Reconstruct: smallest top quota, then each lower tier as high as possible.
        let mut x = vec![0u64; n];
        let mut rem = t;
        let mut upper = u64::MAX;
        for i in (0..n).rev() {
            let layer = &layers[i];
            let cand =
                (0..layer.len() as u64).filter(|&v| v <= upper && layer[v as usize].get(rem));
            let v = if i == n - 1 { cand.min() } else { cand.max() };
            let v = v.expect("reachable total must reconstruct");
            x[i] = v;
            rem -= v * self.w[i];
            upper = v;
        }
        debug_assert_eq!(rem, 0);
        Ok(x)
    }

    /// Exact solver for a sub-market without caps, in the increments ("levels") view: a monotone
    /// table is a multiset of levels, level v serving tiers ≥ k_v, so the release is
    /// `Σ_v C_{k_v}` (an unbounded subset sum over the 30 suffix counts) and the top quota is the
    /// number of levels. Reachability uses shortest paths over residues modulo the smallest item
    /// `m = C_top` (a reachable total stays reachable after `+m`): `O(30·m)` for the maximal total
    /// and the coverage; the flattest table uses bitsets of "exactly c levels" for c up to the
    /// (small) top quota: `O(p·30·T/64)`.
    fn solve_uncapped(
        &self, limit: u64, order: &[TieBreak], budget: u64,
    ) -> Result<Vec<u64>, AllocError> {
        let n = self.n();
        let items: Vec<u64> = self.suffix[..n].to_vec(); // items[k] = C_k, decreasing in k
        let m = items[n - 1];
        // dist[k][r]: smallest total ≡ r (mod m) using items ≥ k
        let mut dist: Vec<Vec<u64>> = vec![Vec::new(); n];
        let mut d = vec![u64::MAX; m as usize];
        d[0] = 0;
        for k in (0..n).rev() {
            let s = items[k];
            let step = (s % m) as usize;
            if step != 0 {
                let g = gcd(step, m as usize);
                let len = m as usize / g;
                for c in 0..g {
                    // start the cycle at its minimum so one pass suffices
                    let mut start = c;
                    let mut pos = c;
                    for _ in 0..len {
                        if d[pos] < d[start] {
                            start = pos;
                        }
                        pos = (pos + step) % m as usize;
                    }
                    let mut pos = start;
                    for _ in 0..len {
                        let next = (pos + step) % m as usize;
                        if d[pos] != u64::MAX && d[pos] + s < d[next] {
                            d[next] = d[pos] + s;
                        }
                        pos = next;
                    }
                }
            }
            dist[k] = d.clone();
        }
        let reach = |k: usize, t: u64| -> bool { dist[k][(t % m) as usize] <= t };
        let t_star = (0..m)
            .filter(|&r| dist[0][r as usize] <= limit)
            .map(|r| limit - ((limit + m - r) % m))
            .max()
            .unwrap_or(0);
        if t_star == 0 {
            return Ok(vec![0; n]);
        }
        let coverage_k = |t: u64| (0..n).find(|&k| t >= items[k] && reach(k, t - items[k]));
        let mut kmin: Option<usize> = None;
        let mut peak: Option<u64> = None;
        let mut cached: Option<(usize, u64, Levels)> = None;
        for crit in order {
            match crit {
                TieBreak::Coverage => {
                    kmin = match peak {
                        None => coverage_k(t_star),
                        Some(p) => {
                            // suffix sets: exactly c levels from items ≥ k, c ≤ p − 1
                            let a = Levels::suffix(&items, p - 1, t_star, budget)?;
                            (0..n)
                                .find(|&k| t_star >= items[k] && a.get(p - 1, k, t_star - items[k]))
                        }
                    };
                }
                TieBreak::Flatness => {
                    let (lo, target) = match kmin {
                        Some(k) => (k, t_star - items[k]),
                        None => (0, t_star),
                    };
                    let b = Levels::prefix_until(&items, lo, target, budget)?;
                    peak = Some(b.count + u64::from(kmin.is_some()));
                    cached = Some((lo, target, b));
                }
            }
        }
        let (lo, target) = match kmin {
            Some(k) => (k, t_star - items[k]),
            None => (0, t_star),
        };
        let b = match cached {
            Some((l, t, b)) if l == lo && t == target => b,
            _ => Levels::prefix_until(&items, lo, target, budget)?,
        };
        // lexicographic: fewest levels on the top tier, then the next, …
        let mut dk = vec![0u64; n];
        let mut rem = target;
        let mut cnt = b.count;
        for k in (lo..n).rev() {
            let mut used = 0u64;
            loop {
                let ok = if k == lo {
                    rem == used * items[k] && cnt == used
                } else {
                    used <= cnt
                        && used * items[k] <= rem
                        && b.get(cnt - used, k - 1, rem - used * items[k])
                };
                if ok {
                    break;
                }
                used += 1;
                debug_assert!(used <= cnt, "reconstruction must succeed");
                if used > cnt {
                    break;
                }
            }
            dk[k] = used;
            rem -= used * items[k];
            cnt -= used;
        }
        if let Some(k) = kmin {
            dk[k] += 1;
        }
        let mut x = vec![0u64; n];
        let mut run = 0;
        for i in 0..n {
            run += dk[i];
            x[i] = run;
        }
        Ok(x)
    }

    /// Full 30-tier table; an empty tier takes the quota of the tier below it (0 at the bottom).
    fn expand(&self, x: &[u64]) -> [u64; TIERS] {
        let mut full = [0u64; TIERS];
        let mut pos = 0;
        let mut last = 0;
        for (j, f) in full.iter_mut().enumerate() {
            if pos < self.n() && self.tier[pos] == j {
                last = x[pos];
                pos += 1;
            }
            *f = last;
        }
        full
    }
}

fn too_large(levels: u64) -> AllocError {
    AllocError::TooLarge(format!(
        "最高档每户限量将超过{levels}条，精确求解超过预算；计划量远大于客户数时请按需投放（C）或设置档位上限"
    ))
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Sets of totals made of exactly `c` levels, by item range (see [`Chain::solve_uncapped`]).
struct Levels {
    /// sets[c][k]
    sets: Vec<Vec<Bits>>,
    /// first item index represented (prefix sets: items lo..=k; suffix sets: items k..n)
    lo: usize,
    /// prefix sets: the smallest c whose full set holds the target
    count: u64,
}

impl Levels {
    /// Prefix sets `P[c][k]` = totals of exactly c levels from items `lo..=k`, built for
    /// c = 0, 1, … until `target ∈ P[c][n−1]`.
    fn prefix_until(
        items: &[u64], lo: usize, target: u64, budget: u64,
    ) -> Result<Levels, AllocError> {
        let n = items.len();
        let words = target / 64 + 1;
        // at least ceil(target / largest item) levels are needed: refuse early
        let lower = target.div_ceil(items[lo].max(1));
        if lower.saturating_mul(n as u64).saturating_mul(words) > budget {
            return Err(too_large(lower));
        }
        let mut zero = Bits::with_max(target);
        zero.set(0);
        let mut sets: Vec<Vec<Bits>> = vec![vec![zero; n]];
        let mut c = 0u64;
        while !sets[c as usize][n - 1].get(target) {
            c += 1;
            if c.saturating_mul(n as u64).saturating_mul(words) > budget || c > target {
                return Err(too_large(c));
            }
            let mut row: Vec<Bits> = Vec::with_capacity(n);
            for k in 0..n {
                if k < lo {
                    row.push(Bits::empty());
                    continue;
                }
                let mut b = Bits::shifted(&sets[c as usize - 1][k], items[k], target);
                if k > lo {
                    b.or_assign(&row[k - 1]);
                }
                row.push(b);
            }
            sets.push(row);
        }
        Ok(Levels { sets, lo, count: c })
    }

    /// Suffix sets `S[c][k]` = totals of exactly c levels from items `k..n`, c = 0..=cmax.
    fn suffix(items: &[u64], cmax: u64, limit: u64, budget: u64) -> Result<Levels, AllocError> {
        let n = items.len();
        if (cmax + 1)
            .saturating_mul(n as u64)
            .saturating_mul(limit / 64 + 1)
            > budget
        {
            return Err(AllocError::TooLarge(
                "最高档配额过大，精确求解超过预算".into(),
            ));
        }
        let mut zero = Bits::with_max(limit);
        zero.set(0);
        let mut sets: Vec<Vec<Bits>> = vec![vec![zero; n]];
        for c in 1..=cmax as usize {
            let mut row: Vec<Bits> = vec![Bits::empty(); n];
            for k in (0..n).rev() {
                let mut b = Bits::shifted(&sets[c - 1][k], items[k], limit);
                if k + 1 < n {
                    b.or_assign(&row[k + 1]);
                }
                row[k] = b;
            }
            sets.push(row);
        }
        Ok(Levels {
            sets,
            lo: 0,
            count: cmax,
        })
    }

    fn get(&self, c: u64, k: usize, t: u64) -> bool {
        if c == 0 {
            return t == 0;
        }
        if k < self.lo {
            return false;
        }
        self.sets.get(c as usize).is_some_and(|row| row[k].get(t))
    }
}

fn finish_submarket(
    p: &QuotaProblem, s: &Submarket, allotted: u64, x: [u64; TIERS], exact: bool,
) -> SubmarketSolution {
    let w = s.weights();
    let total: u64 = (0..TIERS).map(|j| x[j] * w[j]).sum();
    let coverage: u64 = (0..TIERS).filter(|&j| x[j] > 0).map(|j| s.counts[j]).sum();
    let caps = s.effective_caps();
    let mut tiers = Vec::with_capacity(TIERS);
    // lowest non-empty tier below each tier, for "比下一档多" wording
    for j in (0..TIERS).rev() {
        let tier = Tier::new(j as i64 + 1).expect("1..=30");
        let below = (0..j).rev().find(|&k| w[k] > 0);
        let explanation = explain(p, s, allotted, total, j, &x, below, caps[j], exact);
        tiers.push(TierQuota {
            tier,
            per_retailer: Some(x[j]),
            retailers: s.counts[j],
            biweekly: s.biweekly[j],
            explanation,
        });
    }
    SubmarketSolution {
        name: s.name.clone(),
        allotted,
        total_release: total,
        coverage,
        tiers,
    }
}

#[allow(clippy::too_many_arguments)]
fn explain(
    p: &QuotaProblem, s: &Submarket, allotted: u64, total: u64, j: usize, x: &[u64; TIERS],
    below: Option<usize>, cap: Option<u64>, exact: bool,
) -> String {
    let tier = j + 1;
    if s.counts[j] == 0 {
        return format!("{}第{}档：本档暂无客户。", s.name, tier);
    }
    let scope = if p.submarkets.len() > 1 {
        format!(
            "本期该品规计划投放{}条，分配给{}的{}条",
            p.planned_release, s.name, allotted
        )
    } else {
        format!("本期该品规在{}计划投放{}条", s.name, allotted)
    };
    let rule = "按“同档同量、高档位不少于低档位”的规则";
    let claim = if exact {
        "是不超过计划量时可达到的最大值"
    } else {
        "此为§4.3贪心算法的结果，未必是可达到的最大值"
    };
    let v = x[j];
    let mut text = if v == 0 {
        let need: u64 = (j..TIERS).map(|k| s.counts[k] + s.biweekly[k]).sum();
        format!(
            "{}第{}档本期暂无配额。{}，{}从第30档向下分配，实际投放{}条，{}；让本档每户也有1条，需要把本档及以上各档都至少配到1条，共需至少{}条。",
            s.name, tier, scope, rule, total, claim, need
        )
    } else {
        let mut t = format!(
            "{}第{}档每户本期限量{}条。{}，{}测算，实际投放{}条，{}。",
            s.name, tier, v, scope, rule, total, claim
        );
        match below {
            Some(b) if x[b] < v => {
                t.push_str(&format!("本档比第{}档每户多{}条。", b + 1, v - x[b]))
            }
            Some(b) => t.push_str(&format!("本档与第{}档每户相同。", b + 1)),
            None => {}
        }
        t
    };
    if let Some(c) = cap
        && v == c
        && v > 0
    {
        text.push_str(&format!("本档已达到每户上限{}条。", c));
    }
    if s.biweekly[j] > 0 && v > 0 {
        text.push_str(&format!(
            "两周一订的客户在订货周可订{}条（双周上浮100%）。",
            2 * v
        ));
    }
    text
}

/// Brute-force reference (exponential; small cases only): enumerates every monotone table on
/// the non-empty tiers within the caps and returns `(total, coverage, top quota)` of the best one
/// under the given tie-break order (`coverage_first`: coverage then flatness, else the reverse).
pub fn brute_force(s: &Submarket, t: u64, coverage_first: bool) -> (u64, u64, u64) {
    struct Ctx<'a> {
        tiers: Vec<usize>,
        w: [u64; TIERS],
        caps: [Option<u64>; TIERS],
        counts: &'a [u64; TIERS],
        t: u64,
        cf: bool,
        best: Option<(u64, u64, u64)>,
    }
    fn key(cf: bool, b: (u64, u64, u64)) -> (u64, i64, i64) {
        if cf {
            (b.0, b.1 as i64, -(b.2 as i64))
        } else {
            (b.0, -(b.2 as i64), b.1 as i64)
        }
    }
    fn rec(c: &mut Ctx<'_>, i: usize, x: &mut Vec<u64>, partial: u64) {
        if i == c.tiers.len() {
            let cov: u64 = c
                .tiers
                .iter()
                .zip(x.iter())
                .filter(|(_, v)| **v > 0)
                .map(|(&j, _)| c.counts[j])
                .sum();
            let cand = (partial, cov, x.last().copied().unwrap_or(0));
            if c.best.is_none_or(|b| key(c.cf, cand) > key(c.cf, b)) {
                c.best = Some(cand);
            }
            return;
        }
        let lo = if i == 0 { 0 } else { x[i - 1] };
        let hi = c.caps[c.tiers[i]].unwrap_or(c.t).min(c.t);
        let rest: u64 = c.tiers[i..].iter().map(|&j| c.w[j]).sum();
        let mut v = lo;
        while v <= hi && partial + v * rest <= c.t {
            x.push(v);
            rec(c, i + 1, x, partial + v * c.w[c.tiers[i]]);
            x.pop();
            v += 1;
        }
    }
    let w = s.weights();
    let mut c = Ctx {
        tiers: (0..TIERS).filter(|&j| w[j] > 0).collect(),
        w,
        caps: s.effective_caps(),
        counts: &s.counts,
        t,
        cf: coverage_first,
        best: None,
    };
    rec(&mut c, 0, &mut Vec::new(), 0);
    c.best.unwrap_or((0, 0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// §4.3 worked example: D30..D1.
    pub(crate) fn example_counts() -> [u64; TIERS] {
        let d30_to_1 = [
            2, 3, 4, 5, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 30, 30, 30, 28, 26, 24,
            22, 20, 18, 16, 14, 12, 10,
        ];
        let mut c = [0; TIERS];
        for (k, v) in d30_to_1.iter().enumerate() {
            c[TIERS - 1 - k] = *v;
        }
        c
    }

    fn problem(t: u64) -> QuotaProblem {
        QuotaProblem {
            sku: "X".into(),
            planned_release: t,
            mode: AllocationMode::A,
            submarkets: vec![Submarket::new("全市", example_counts())],
        }
    }

    #[test]
    fn worked_example_400_exact_reaches_400() {
        let s = allocate(&problem(400), &QuotaPolicy::default()).unwrap();
        assert_eq!(s.total_release, Some(400));
        assert_eq!(s.coverage, 392);
        let x = &s.table()[0];
        assert_eq!(x[29], 5);
        assert!((8..29).all(|j| x[j] == 1));
        assert!((0..8).all(|j| x[j] == 0));
    }

    #[test]
    fn worked_example_greedy_reproduces_published() {
        let g = greedy(&problem(400), &QuotaPolicy::default()).unwrap();
        assert_eq!(g.total_release, Some(399));
        assert_eq!(g.coverage, 392);
        let x = &g.table()[0];
        assert_eq!((x[29], x[28]), (3, 2));
        assert!((8..28).all(|j| x[j] == 1) && (0..8).all(|j| x[j] == 0));
        let g9 = greedy(&problem(900), &QuotaPolicy::default()).unwrap();
        assert_eq!(g9.total_release, Some(899));
        let x = &g9.table()[0];
        assert_eq!((x[29], x[28]), (3, 3));
        assert!((9..28).all(|j| x[j] == 2) && (0..9).all(|j| x[j] == 1));
    }

    #[test]
    fn worked_example_900_exact() {
        let s = allocate(&problem(900), &QuotaPolicy::default()).unwrap();
        assert_eq!(s.total_release, Some(900));
        assert_eq!(s.coverage, 528);
    }

    #[test]
    fn flatness_first_changes_the_table() {
        let pol = QuotaPolicy {
            tie_breaks: vec![TieBreak::Flatness, TieBreak::Coverage],
            ..Default::default()
        };
        let s = allocate(&problem(400), &pol).unwrap();
        assert_eq!(s.total_release, Some(400));
        let x = &s.table()[0];
        assert_eq!(x[29], 3);
    }

    #[test]
    fn b2_split_40_60() {
        let mut p = problem(1000);
        p.mode = AllocationMode::B2;
        p.submarkets = vec![
            Submarket::new("城网", example_counts()),
            Submarket::new("农网", example_counts()),
        ];
        assert_eq!(split(&p, &QuotaPolicy::default()).unwrap(), vec![400, 600]);
        let s = allocate(&p, &QuotaPolicy::default()).unwrap();
        assert_eq!(s.submarkets[0].total_release, 400);
    }

    #[test]
    fn joint_reaches_at_least_split() {
        let mut p = problem(1001);
        p.mode = AllocationMode::B1;
        let mut c2 = [0; TIERS];
        c2[29] = 7;
        c2[10] = 13;
        p.submarkets = vec![
            Submarket::new("城区", example_counts()),
            Submarket::new("房县", c2),
        ];
        let a = allocate(&p, &QuotaPolicy::default()).unwrap();
        let j = allocate(
            &p,
            &QuotaPolicy {
                split: SplitRule::Joint,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(j.total_release >= a.total_release);
        assert_eq!(j.total_release, Some(1001));
    }

    #[test]
    fn caps_bound_lower_tiers() {
        let mut p = problem(400);
        p.submarkets[0].caps[29] = Some(2);
        let s = allocate(&p, &QuotaPolicy::default()).unwrap();
        let x = &s.table()[0];
        assert!(x.iter().all(|&v| v <= 2));
        assert!(s.total_release.unwrap() <= 400);
    }

    #[test]
    fn huge_release_is_refused_quickly() {
        let mut c = [0; TIERS];
        c[29] = 1;
        c[0] = 527;
        let p = QuotaProblem {
            sku: "X".into(),
            planned_release: 10_000_000,
            mode: AllocationMode::A,
            submarkets: vec![Submarket::new("全市", c)],
        };
        let t0 = std::time::Instant::now();
        assert!(matches!(
            allocate(&p, &QuotaPolicy::default()),
            Err(AllocError::TooLarge(_))
        ));
        assert!(t0.elapsed().as_secs() < 5);
    }

    #[test]
    fn mode_c_unlimited() {
        let mut p = problem(400);
        p.mode = AllocationMode::C;
        let s = allocate(&p, &QuotaPolicy::default()).unwrap();
        assert_eq!(s.total_release, None);
        assert!(s.submarkets[0].tiers[0].explanation.contains("按需投放"));
    }
}
