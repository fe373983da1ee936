//! Accuracy metrics: one implementation used by the CLI, the benchmarks and the platform.
//!
//! Every function takes slices of actuals and forecasts of any numeric type (integers or floats,
//! see [`Value`]); pairs are matched by position and the shorter slice bounds the pairing.
//! Functions whose denominator can be zero return `None` instead of an infinity or a NaN.
//!
//! The benchmark metrics follow `../shared/bench/peer_statsforecast.py` exactly; the tobacco
//! accuracy definitions follow domain.md §5.2.

/// A numeric value that a metric can read: integers (quantities in 条) or floats.
pub trait Value: Copy {
    /// The value as `f64`.
    fn to_f64(self) -> f64;
}

macro_rules! impl_value {
    ($($t:ty),*) => {$(
        impl Value for $t {
            #[inline]
            #[allow(clippy::cast_lossless, clippy::cast_precision_loss)]
            fn to_f64(self) -> f64 { self as f64 }
        }
    )*};
}
impl_value!(f64, f32, i8, i16, i32, i64, u8, u16, u32, u64, usize, isize);

fn pairs<'a, A: Value, F: Value>(
    actual: &'a [A], forecast: &'a [F],
) -> impl Iterator<Item = (f64, f64)> + 'a {
    actual
        .iter()
        .zip(forecast)
        .map(|(a, f)| (a.to_f64(), f.to_f64()))
}

/// Symmetric MAPE (M3 definition) in 0..=200: mean of 200·|y−f|/(|y|+|f|), a term is 0 when
/// both are 0. `None` for empty input.
pub fn smape<A: Value, F: Value>(actual: &[A], forecast: &[F]) -> Option<f64> {
    let (mut s, mut n) = (0.0, 0usize);
    for (a, f) in pairs(actual, forecast) {
        let den = a.abs() + f.abs();
        if den > 0.0 {
            s += 200.0 * (a - f).abs() / den;
        }
        n += 1;
    }
    (n > 0).then(|| s / n as f64)
}

/// Mean absolute error.
pub fn mae<A: Value, F: Value>(actual: &[A], forecast: &[F]) -> Option<f64> {
    mean(pairs(actual, forecast).map(|(a, f)| (a - f).abs()))
}

/// Bias: mean error `f − y` (positive = over-forecast).
pub fn bias<A: Value, F: Value>(actual: &[A], forecast: &[F]) -> Option<f64> {
    mean(pairs(actual, forecast).map(|(a, f)| f - a))
}

/// Aggregate (relative) bias: `Σ(f − y) / Σy`. `None` when `Σy = 0`.
pub fn aggregate_bias<A: Value, F: Value>(actual: &[A], forecast: &[F]) -> Option<f64> {
    let (mut num, mut den) = (0.0, 0.0);
    for (a, f) in pairs(actual, forecast) {
        num += f - a;
        den += a;
    }
    (den != 0.0).then(|| num / den)
}

/// Weighted absolute percentage error `Σ|y − f| / Σ|y|`. `None` when `Σ|y| = 0`.
pub fn wape<A: Value, F: Value>(actual: &[A], forecast: &[F]) -> Option<f64> {
    let (mut num, mut den) = (0.0, 0.0);
    for (a, f) in pairs(actual, forecast) {
        num += (a - f).abs();
        den += a.abs();
    }
    (den != 0.0).then(|| num / den)
}

/// In-sample scale of MASE: mean |y_t − y_{t−lag}|. `None` when there are no pairs.
pub fn mase_scale<T: Value>(insample: &[T], lag: usize) -> Option<f64> {
    if lag == 0 || insample.len() <= lag {
        return None;
    }
    mean(
        insample[lag..]
            .iter()
            .zip(insample)
            .map(|(a, b)| (a.to_f64() - b.to_f64()).abs()),
    )
}

/// Mean absolute scaled error with a seasonal-naive scale of lag `season` (1 = MASE_1).
/// `None` when the scale is zero or undefined (the peer excludes such series and counts them).
pub fn mase<T: Value, A: Value, F: Value>(
    insample: &[T], actual: &[A], forecast: &[F], season: usize,
) -> Option<f64> {
    let scale = mase_scale(insample, season)?;
    let e = mae(actual, forecast)?;
    (scale > 0.0).then(|| e / scale)
}

/// Root mean squared scaled error (M5): `sqrt(MSE / mean (y_t − y_{t−1})²)`, the in-sample part
/// starting at the first non-zero value. `None` when the scale is zero or undefined.
pub fn rmsse<T: Value, A: Value, F: Value>(
    insample: &[T], actual: &[A], forecast: &[F],
) -> Option<f64> {
    let start = insample.iter().position(|v| v.to_f64() != 0.0).unwrap_or(0);
    let tr = &insample[start..];
    if tr.len() < 2 {
        return None;
    }
    let scale = mean(tr[1..].iter().zip(tr).map(|(a, b)| {
        let d = a.to_f64() - b.to_f64();
        d * d
    }))?;
    let mse = mean(pairs(actual, forecast).map(|(a, f)| (a - f) * (a - f)))?;
    (scale > 0.0).then(|| (mse / scale).sqrt())
}

/// Cell accuracy of domain.md §5.2: 1 when `A = F = 0`, 0 when `A = 0 < F`,
/// otherwise `max(0, 1 − |A − F| / A)`.
pub fn cell_accuracy<A: Value, F: Value>(actual: A, forecast: F) -> f64 {
    let (a, f) = (actual.to_f64(), forecast.to_f64());
    if a == 0.0 {
        if f == 0.0 { 1.0 } else { 0.0 }
    } else {
        (1.0 - (a - f).abs() / a.abs()).max(0.0)
    }
}

/// Cell accuracies of a slice of pairs (domain.md §5.2).
pub fn cell_accuracies<A: Value, F: Value>(actual: &[A], forecast: &[F]) -> Vec<f64> {
    actual
        .iter()
        .zip(forecast)
        .map(|(a, f)| cell_accuracy(*a, *f))
        .collect()
}

/// Weighted accuracy of domain.md §5.2: `1 − Σ|A − F| / ΣA` (= 1 − WAPE). `None` when `ΣA = 0`.
pub fn weighted_accuracy<A: Value, F: Value>(actual: &[A], forecast: &[F]) -> Option<f64> {
    let (mut num, mut den) = (0.0, 0.0);
    for (a, f) in pairs(actual, forecast) {
        num += (a - f).abs();
        den += a;
    }
    weighted_accuracy_of_sums(num, den)
}

/// [`weighted_accuracy`] from its sums, `Σ|A − F|` and `ΣA` (roll-ups keep the sums).
pub fn weighted_accuracy_of_sums(sum_abs_err: f64, sum_actual: f64) -> Option<f64> {
    (sum_actual != 0.0).then(|| 1.0 - sum_abs_err / sum_actual)
}

/// Total-level accuracy of domain.md §5.2: `1 − |ΣA − ΣF| / ΣA`. `None` when `ΣA = 0`.
pub fn total_accuracy<A: Value, F: Value>(actual: &[A], forecast: &[F]) -> Option<f64> {
    let (mut sa, mut sf) = (0.0, 0.0);
    for (a, f) in pairs(actual, forecast) {
        sa += a;
        sf += f;
    }
    total_accuracy_of_sums(sa, sf)
}

/// [`total_accuracy`] from its sums, `ΣA` and `ΣF`.
pub fn total_accuracy_of_sums(sum_actual: f64, sum_forecast: f64) -> Option<f64> {
    (sum_actual != 0.0).then(|| 1.0 - (sum_actual - sum_forecast).abs() / sum_actual)
}

fn mean(it: impl Iterator<Item = f64>) -> Option<f64> {
    let (mut s, mut n) = (0.0, 0usize);
    for v in it {
        s += v;
        n += 1;
    }
    (n > 0).then(|| s / n as f64)
}

/// Scores of one held-out series, as the peer script computes them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeriesScores {
    /// sMAPE in 0..=200.
    pub smape: f64,
    /// MASE with seasonal scale (`None` = excluded, zero or undefined scale).
    pub mase_s: Option<f64>,
    /// MASE with lag-1 scale.
    pub mase_1: Option<f64>,
    /// RMSSE (M5).
    pub rmsse: Option<f64>,
    /// Mean error f − y.
    pub me: f64,
    /// Mean absolute error.
    pub mae: f64,
    /// Σ actual over the horizon.
    pub sum_actual: f64,
    /// Σ forecast over the horizon.
    pub sum_forecast: f64,
    /// Σ |actual − forecast| over the horizon.
    pub sum_abs_error: f64,
}

/// Score one series: `insample` is the training part, `actual` the held-out part.
pub fn score_series<T: Value, A: Value, F: Value>(
    insample: &[T], actual: &[A], forecast: &[F], season: usize,
) -> SeriesScores {
    let sum_actual: f64 = actual.iter().map(|v| v.to_f64()).sum();
    let sum_forecast: f64 = forecast.iter().take(actual.len()).map(|v| v.to_f64()).sum();
    let sum_abs_error: f64 = pairs(actual, forecast).map(|(a, f)| (a - f).abs()).sum();
    SeriesScores {
        smape: smape(actual, forecast).unwrap_or(0.0),
        mase_s: mase(insample, actual, forecast, season),
        mase_1: mase(insample, actual, forecast, 1),
        rmsse: rmsse(insample, actual, forecast),
        me: bias(actual, forecast).unwrap_or(0.0),
        mae: mae(actual, forecast).unwrap_or(0.0),
        sum_actual,
        sum_forecast,
        sum_abs_error,
    }
}

/// Scores averaged over series (unweighted, like the peer), with exclusion counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Number of series scored.
    pub series: usize,
    /// Mean sMAPE.
    pub smape: f64,
    /// Mean MASE_s over series with a defined scale.
    pub mase_s: f64,
    /// Series excluded from MASE_s.
    pub excluded_mase_s: usize,
    /// Mean MASE_1.
    pub mase_1: f64,
    /// Series excluded from MASE_1.
    pub excluded_mase_1: usize,
    /// Mean RMSSE.
    pub rmsse: f64,
    /// Series excluded from RMSSE.
    pub excluded_rmsse: usize,
    /// Mean of per-series mean error.
    pub me: f64,
    /// Mean of per-series MAE.
    pub mae: f64,
    /// Aggregate bias Σ(f−y)/Σy over everything.
    pub aggregate_bias: f64,
    /// WAPE over everything.
    pub wape: f64,
    /// Weighted accuracy (domain.md §5.2) over everything = 1 − WAPE.
    pub weighted_accuracy: f64,
    /// Total-level accuracy (domain.md §5.2) over everything.
    pub total_accuracy: f64,
}

/// Average per-series scores as the peer does (masked mean for the scaled errors).
pub fn summarize(scores: &[SeriesScores]) -> Summary {
    fn masked(it: impl Iterator<Item = Option<f64>>) -> (f64, usize) {
        let (mut s, mut n, mut bad) = (0.0, 0usize, 0usize);
        for v in it {
            match v {
                Some(x) if x.is_finite() => {
                    s += x;
                    n += 1;
                }
                _ => bad += 1,
            }
        }
        (if n > 0 { s / n as f64 } else { f64::NAN }, bad)
    }
    let n = scores.len().max(1) as f64;
    let (mase_s, excluded_mase_s) = masked(scores.iter().map(|s| s.mase_s));
    let (mase_1, excluded_mase_1) = masked(scores.iter().map(|s| s.mase_1));
    let (rmsse, excluded_rmsse) = masked(scores.iter().map(|s| s.rmsse));
    let sa: f64 = scores.iter().map(|s| s.sum_actual).sum();
    let sf: f64 = scores.iter().map(|s| s.sum_forecast).sum();
    let sae: f64 = scores.iter().map(|s| s.sum_abs_error).sum();
    let ratio = |x: f64| if sa != 0.0 { x / sa } else { f64::NAN };
    Summary {
        series: scores.len(),
        smape: scores.iter().map(|s| s.smape).sum::<f64>() / n,
        mase_s,
        excluded_mase_s,
        mase_1,
        excluded_mase_1,
        rmsse,
        excluded_rmsse,
        me: scores.iter().map(|s| s.me).sum::<f64>() / n,
        mae: scores.iter().map(|s| s.mae).sum::<f64>() / n,
        aggregate_bias: ratio(sf - sa),
        wape: ratio(sae),
        weighted_accuracy: 1.0 - ratio(sae),
        total_accuracy: 1.0 - ratio((sa - sf).abs()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// domain.md §5.2 worked example (5 cells).
    const F: [i64; 5] = [100, 20, 50, 0, 10];
    const A: [i64; 5] = [90, 30, 50, 5, 0];

    fn r4(x: f64) -> f64 {
        (x * 10_000.0).round() / 10_000.0
    }

    #[test]
    fn domain_5_2_cell_accuracies() {
        let acc: Vec<f64> = cell_accuracies(&A, &F).into_iter().map(r4).collect();
        assert_eq!(acc, vec![0.8889, 0.6667, 1.0, 0.0, 0.0]);
    }

    #[test]
    fn domain_5_2_weighted_accuracy() {
        let w = weighted_accuracy(&A, &F).unwrap();
        assert!((w - 0.80).abs() < 1e-12, "{w}");
        assert!((w - (1.0 - wape(&A, &F).unwrap())).abs() < 1e-12);
    }

    #[test]
    fn domain_5_2_total_accuracy() {
        let t = total_accuracy(&A, &F).unwrap();
        assert_eq!(r4(t), 0.9714);
        assert!((t - (1.0 - 5.0 / 175.0)).abs() < 1e-12);
    }

    #[test]
    fn cell_accuracy_edge_cases() {
        assert_eq!(cell_accuracy(0, 0), 1.0);
        assert_eq!(cell_accuracy(0, 3), 0.0);
        assert_eq!(cell_accuracy(10, 30), 0.0);
        assert_eq!(cell_accuracy(10.0, 9.0), 0.9);
    }

    #[test]
    fn smape_mase_rmsse_by_hand() {
        let tr = [1.0, 2.0, 3.0, 4.0, 5.0];
        let te = [6.0, 8.0];
        let f = [6.0, 6.0];
        // sMAPE: (0 + 200*2/14)/2
        assert!((smape(&te, &f).unwrap() - 200.0 * 2.0 / 14.0 / 2.0).abs() < 1e-12);
        // MASE_1: MAE 1 / scale 1
        assert_eq!(mase(&tr, &te, &f, 1), Some(1.0));
        // MASE_2: scale 2
        assert_eq!(mase(&tr, &te, &f, 2), Some(0.5));
        // RMSSE: sqrt((0+4)/2 / 1)
        assert!((rmsse(&tr, &te, &f).unwrap() - 2f64.sqrt()).abs() < 1e-12);
        // leading zeros are skipped by RMSSE
        let tr0 = [0.0, 0.0, 1.0, 3.0];
        assert!((rmsse(&tr0, &[3.0], &[1.0]).unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(mase(&[1.0, 1.0, 1.0], &[1.0], &[2.0], 1), None);
        assert_eq!(smape(&[0.0], &[0.0]), Some(0.0));
    }

    #[test]
    fn bias_and_wape() {
        assert_eq!(bias(&[10, 20], &[12, 24]), Some(3.0));
        assert_eq!(aggregate_bias(&[10, 20], &[12, 24]), Some(0.2));
        assert_eq!(aggregate_bias(&[0, 0], &[1, 2]), None);
        assert_eq!(wape(&[10u32, 10], &[5u32, 15]), Some(0.5));
    }
}
