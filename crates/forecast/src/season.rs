//! Seasonality: the 90 % autocorrelation test and classical decomposition.

/// Autocorrelation of `y` at lags `1..=max_lag` (index 0 = lag 1).
pub fn acf(y: &[f64], max_lag: usize) -> Vec<f64> {
    let n = y.len();
    let mean = y.iter().sum::<f64>() / n.max(1) as f64;
    let den: f64 = y.iter().map(|v| (v - mean) * (v - mean)).sum();
    (1..=max_lag)
        .map(|k| {
            if k >= n || den <= 0.0 {
                return 0.0;
            }
            let num: f64 = (k..n).map(|t| (y[t] - mean) * (y[t - k] - mean)).sum();
            num / den
        })
        .collect()
}

/// Seasonality test at 90 %: |r_m| > 1.645·sqrt((1 + 2 Σ_{k<m} r_k²) / n), needing 3 full cycles.
pub fn is_seasonal(y: &[f64], m: usize) -> bool {
    if m < 2 || y.len() < 3 * m {
        return false;
    }
    let r = acf(y, m);
    let s: f64 = r[..m - 1].iter().map(|v| v * v).sum();
    let limit = 1.645 * ((1.0 + 2.0 * s) / y.len() as f64).sqrt();
    r[m - 1].abs() > limit
}

/// Kind of seasonal decomposition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decomposition {
    /// y = trend · season
    Multiplicative,
    /// y = trend + season
    Additive,
}

/// Classical decomposition seasonal indices of `y` with period `m`: `out[j]` is the index of
/// positions `t ≡ j (mod m)`. Multiplicative indices average 1, additive ones average 0.
pub fn seasonal_indices(y: &[f64], m: usize, kind: Decomposition) -> Vec<f64> {
    let n = y.len();
    let mut sum = vec![0.0; m];
    let mut cnt = vec![0usize; m];
    let half = m / 2;
    if n > m {
        // centred moving average (2×m when m is even)
        let mut prefix = vec![0.0; n + 1];
        for t in 0..n {
            prefix[t + 1] = prefix[t] + y[t];
        }
        for t in half..n.saturating_sub(half) {
            let ma = if m.is_multiple_of(2) {
                if t + half >= n {
                    continue;
                }
                let a = prefix[t + half] - prefix[t - half];
                let b = prefix[t + half + 1] - prefix[t + 1 - half];
                0.5 * (a + b) / m as f64
            } else {
                (prefix[t + half + 1] - prefix[t - half]) / m as f64
            };
            let r = match kind {
                Decomposition::Multiplicative => {
                    if ma <= 0.0 {
                        continue;
                    }
                    y[t] / ma
                }
                Decomposition::Additive => y[t] - ma,
            };
            sum[t % m] += r;
            cnt[t % m] += 1;
        }
    }
    let neutral = match kind {
        Decomposition::Multiplicative => 1.0,
        Decomposition::Additive => 0.0,
    };
    let mut idx: Vec<f64> = (0..m)
        .map(|j| {
            if cnt[j] > 0 {
                sum[j] / cnt[j] as f64
            } else {
                neutral
            }
        })
        .collect();
    let avg = idx.iter().sum::<f64>() / m as f64;
    match kind {
        Decomposition::Multiplicative if avg > 0.0 => idx.iter_mut().for_each(|v| *v /= avg),
        Decomposition::Additive => idx.iter_mut().for_each(|v| *v -= avg),
        Decomposition::Multiplicative => idx.iter_mut().for_each(|v| *v = 1.0),
    }
    if kind == Decomposition::Multiplicative && idx.iter().any(|v| *v <= 0.0 || !v.is_finite()) {
        idx.iter_mut().for_each(|v| *v = 1.0);
    }
    idx
}

/// Remove a seasonal pattern: `x_t = y_t / s_{t mod m}` or `y_t − s_{t mod m}`.
pub fn deseasonalize(y: &[f64], idx: &[f64], kind: Decomposition) -> Vec<f64> {
    let m = idx.len();
    y.iter()
        .enumerate()
        .map(|(t, v)| match kind {
            Decomposition::Multiplicative => v / idx[t % m],
            Decomposition::Additive => v - idx[t % m],
        })
        .collect()
}

/// Put the pattern back on a forecast that starts at position `start` of the series.
pub fn reseasonalize(f: &mut [f64], start: usize, idx: &[f64], kind: Decomposition) {
    let m = idx.len();
    for (h, v) in f.iter_mut().enumerate() {
        let s = idx[(start + h) % m];
        match kind {
            Decomposition::Multiplicative => *v *= s,
            Decomposition::Additive => *v += s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_and_removes_seasonality() {
        let pat = [1.2, 0.8, 1.0, 1.1, 0.9, 1.0];
        let y: Vec<f64> = (0..48).map(|t| (100.0 + t as f64) * pat[t % 6]).collect();
        assert!(is_seasonal(&y, 6));
        let idx = seasonal_indices(&y, 6, Decomposition::Multiplicative);
        for (a, b) in idx.iter().zip(pat) {
            assert!((a - b).abs() < 0.02, "{idx:?}");
        }
        let flat: Vec<f64> = (0..48).map(|t| 100.0 + t as f64).collect();
        assert!(!is_seasonal(&flat, 12));
    }
}
