//! Customer tiering (客户分档, 30 档) for the synthetic city — the reference algorithm of
//! domain.md §3.2 (variant V3 "weighted score + relative rank" with the V1 weights: order amount
//! 0.7, order quantity 0.2, low-tar quantity 0.1; max-normalisation; ranked; cut by a share table).
//!
//! This is a small self-contained copy for generating history; the `allocate` crate owns the
//! official, configurable tiering.

/// One customer's metrics over the reference period.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Metrics {
    /// Order amount (fen).
    pub amount: i64,
    /// Order quantity (条).
    pub qty: i64,
    /// Low-tar (≤ 8 mg) quantity (条).
    pub low_tar_qty: i64,
}

/// V1 weights (§3.2): amount, quantity, low-tar quantity.
pub const V1_WEIGHTS: [f64; 3] = [0.7, 0.2, 0.1];

/// A pyramid-shaped share table (金字塔, §3.2): `shares[t - 1]` is the fraction of customers in
/// tier `t`; tier 30 is the narrowest, tier 1 the widest. Sums to 1.
pub fn pyramid_shares() -> [f64; 30] {
    let mut s = [0.0; 30];
    let mut total = 0.0;
    for (i, v) in s.iter_mut().enumerate() {
        // tier t = i + 1; weight falls linearly from tier 1 (33) to tier 30 (4).
        *v = (33 - i) as f64;
        total += *v;
    }
    for v in &mut s {
        *v /= total;
    }
    s
}

/// Score = 100 · Σ w_m · x_m / max x_m (§3.2); zero maxima contribute nothing.
pub fn scores(metrics: &[Metrics], weights: [f64; 3]) -> Vec<f64> {
    let max_a = metrics.iter().map(|m| m.amount).max().unwrap_or(0) as f64;
    let max_q = metrics.iter().map(|m| m.qty).max().unwrap_or(0) as f64;
    let max_l = metrics.iter().map(|m| m.low_tar_qty).max().unwrap_or(0) as f64;
    let norm = |x: i64, max: f64| if max > 0.0 { x as f64 / max } else { 0.0 };
    metrics
        .iter()
        .map(|m| {
            100.0
                * (weights[0] * norm(m.amount, max_a)
                    + weights[1] * norm(m.qty, max_q)
                    + weights[2] * norm(m.low_tar_qty, max_l))
        })
        .collect()
}

/// Rank by score (ties: higher amount, then older licence via `seniority`, smaller is older, then
/// index) and cut the ranked list into tiers 30..1 by `shares` with cumulative rounding, so tier
/// counts sum to N exactly. Returns the tier (1..=30) of each customer.
pub fn assign(scores: &[f64], amounts: &[i64], seniority: &[i64], shares: &[f64; 30]) -> Vec<u8> {
    let n = scores.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        scores[b]
            .total_cmp(&scores[a])
            .then(amounts[b].cmp(&amounts[a]))
            .then(seniority[a].cmp(&seniority[b]))
            .then(a.cmp(&b))
    });
    let mut tiers = vec![1u8; n];
    let mut cum = 0.0;
    let mut start = 0usize;
    for t in (1..=30u8).rev() {
        cum += shares[t as usize - 1];
        let end = if t == 1 {
            n
        } else {
            ((cum * n as f64).round() as usize).min(n)
        };
        for &i in &order[start..end.max(start)] {
            tiers[i] = t;
        }
        start = end.max(start);
    }
    tiers
}

#[cfg(test)]
mod tests {
    use super::*;

    /// domain.md §3.2 worked example (V1 weights, max-normalisation).
    #[test]
    fn worked_example_scores() {
        let rows = [
            (98_000, 520, 60, 100.00),
            (61_000, 380, 40, 64.85),
            (45_000, 300, 20, 47.01),
            (40_000, 260, 25, 42.74),
            (30_500, 210, 30, 34.86),
            (22_000, 150, 12, 23.48),
            (15_000, 140, 8, 17.43),
            (12_000, 110, 5, 13.64),
            (7_000, 70, 0, 7.69),
            (3_000, 35, 0, 3.49),
        ];
        let m: Vec<Metrics> = rows
            .iter()
            .map(|r| Metrics {
                amount: r.0 * 100,
                qty: r.1,
                low_tar_qty: r.2,
            })
            .collect();
        let s = scores(&m, V1_WEIGHTS);
        for (got, row) in s.iter().zip(rows.iter()) {
            assert!((got - row.3).abs() < 0.01, "{got} vs {}", row.3);
        }
        let amounts: Vec<i64> = m.iter().map(|x| x.amount).collect();
        let tiers = assign(&s, &amounts, &[0; 10], &pyramid_shares());
        for w in tiers.windows(2) {
            assert!(w[0] >= w[1]);
        }
    }

    #[test]
    fn shares_fill_all_tiers() {
        let n = 5000;
        let s: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let a = vec![0; n];
        let tiers = assign(&s, &a, &a, &pyramid_shares());
        let mut counts = [0usize; 30];
        for t in &tiers {
            counts[*t as usize - 1] += 1;
        }
        assert!(counts.iter().all(|&c| c > 0));
        assert!(counts[0] > counts[29]);
        assert_eq!(tiers[n - 1], 30);
        assert_eq!(tiers[0], 1);
    }
}
