//! Intermittent demand: Syntetos–Boylan classification and the Croston family (Croston, SBA, TSB),
//! ADIDA and IMAPA; plus simple exponential smoothing with a fitted smoothing constant.

use crate::optim::golden;

/// Demand pattern (Syntetos, Boylan & Croston 2005; cut-offs ADI 1.32, CV² 0.49).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DemandClass {
    /// regular sizes, regular intervals
    Smooth,
    /// irregular sizes, regular intervals
    Erratic,
    /// regular sizes, irregular intervals
    Intermittent,
    /// irregular sizes, irregular intervals
    Lumpy,
    /// no demand at all
    Zero,
}

impl DemandClass {
    /// English name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            DemandClass::Smooth => "smooth",
            DemandClass::Erratic => "erratic",
            DemandClass::Intermittent => "intermittent",
            DemandClass::Lumpy => "lumpy",
            DemandClass::Zero => "zero",
        }
    }
}

/// Average inter-demand interval and squared coefficient of variation of non-zero sizes.
pub fn adi_cv2(y: &[f64]) -> (f64, f64) {
    let nz: Vec<f64> = y.iter().copied().filter(|v| *v != 0.0).collect();
    if nz.is_empty() {
        return (f64::INFINITY, 0.0);
    }
    let adi = y.len() as f64 / nz.len() as f64;
    let mean = nz.iter().sum::<f64>() / nz.len() as f64;
    let var = nz.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / nz.len() as f64;
    let cv2 = if mean != 0.0 {
        var / (mean * mean)
    } else {
        0.0
    };
    (adi, cv2)
}

/// Classify a series.
pub fn classify(y: &[f64]) -> DemandClass {
    let (adi, cv2) = adi_cv2(y);
    if !adi.is_finite() {
        return DemandClass::Zero;
    }
    match (adi < 1.32, cv2 < 0.49) {
        (true, true) => DemandClass::Smooth,
        (true, false) => DemandClass::Erratic,
        (false, true) => DemandClass::Intermittent,
        (false, false) => DemandClass::Lumpy,
    }
}

/// SES with smoothing `alpha`, level started at the first value; returns the final level
/// (the flat forecast) and the in-sample sum of squared one-step errors.
pub fn ses(y: &[f64], alpha: f64) -> (f64, f64) {
    let Some(&first) = y.first() else {
        return (0.0, 0.0);
    };
    let mut l = first;
    let mut sse = 0.0;
    for &v in &y[1..] {
        let e = v - l;
        sse += e * e;
        l += alpha * e;
    }
    (l, sse)
}

/// SES with alpha fitted on `[lo, hi]` by least squares.
pub fn ses_optimized(y: &[f64], lo: f64, hi: f64) -> (f64, f64) {
    if y.len() < 3 {
        return (ses(y, 0.5).0, 0.5);
    }
    let a = golden(|a| ses(y, a).1, lo, hi, 16);
    (ses(y, a).0, a)
}

fn sizes_intervals(y: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let mut z = Vec::new();
    let mut p = Vec::new();
    let mut last = None;
    for (t, &v) in y.iter().enumerate() {
        if v != 0.0 {
            z.push(v);
            p.push(match last {
                None => (t + 1) as f64,
                Some(l) => (t - l) as f64,
            });
            last = Some(t);
        }
    }
    (z, p)
}

/// Croston's method with smoothing `alpha` on sizes and intervals (0 when no demand).
pub fn croston(y: &[f64], alpha: f64) -> f64 {
    let (z, p) = sizes_intervals(y);
    if z.is_empty() {
        return 0.0;
    }
    ses(&z, alpha).0 / ses(&p, alpha).0
}

/// Croston with the smoothing constants of sizes and intervals fitted separately.
pub fn croston_optimized(y: &[f64]) -> f64 {
    let (z, p) = sizes_intervals(y);
    if z.is_empty() {
        return 0.0;
    }
    ses_optimized(&z, 0.1, 0.3).0 / ses_optimized(&p, 0.1, 0.3).0
}

/// Syntetos–Boylan approximation: Croston × (1 − α/2).
pub fn sba(y: &[f64], alpha: f64) -> f64 {
    croston(y, alpha) * (1.0 - alpha / 2.0)
}

/// Teunter–Syntetos–Babai: demand probability updated every period (so the forecast decays after
/// the last demand), size updated at demands. Returns (probability, size).
pub fn tsb_state(y: &[f64], alpha_d: f64, alpha_p: f64) -> (f64, f64) {
    let first = y.iter().position(|v| *v != 0.0);
    let Some(first) = first else {
        return (0.0, 0.0);
    };
    let mut z = y[first];
    let nz = y.iter().filter(|v| **v != 0.0).count();
    let mut p = nz as f64 / y.len() as f64;
    for &v in &y[first + 1..] {
        if v != 0.0 {
            p += alpha_p * (1.0 - p);
            z += alpha_d * (v - z);
        } else {
            p -= alpha_p * p;
        }
    }
    (p, z)
}

/// TSB point forecast.
pub fn tsb(y: &[f64], alpha_d: f64, alpha_p: f64) -> f64 {
    let (p, z) = tsb_state(y, alpha_d, alpha_p);
    p * z
}

/// Sum `y` in non-overlapping buckets of `k`, aligned to the end of the series.
pub fn aggregate(y: &[f64], k: usize) -> Vec<f64> {
    let start = y.len() % k;
    y[start..].chunks(k).map(|c| c.iter().sum()).collect()
}

/// ADIDA: aggregate to the mean inter-demand interval, forecast with SES (α fitted in 0.1–0.3),
/// spread back.
pub fn adida(y: &[f64]) -> f64 {
    let (adi, _) = adi_cv2(y);
    if !adi.is_finite() {
        return 0.0;
    }
    let k = (adi.round() as usize).clamp(1, y.len().max(1));
    let agg = aggregate(y, k);
    ses_optimized(&agg, 0.1, 0.3).0 / k as f64
}

/// IMAPA: mean over aggregation levels 1..=ADI of SES forecasts (α fitted in 0.1–0.3) on the
/// aggregated series.
pub fn imapa(y: &[f64]) -> f64 {
    let (adi, _) = adi_cv2(y);
    if !adi.is_finite() {
        return 0.0;
    }
    let kmax = (adi.round() as usize).clamp(1, y.len().max(1));
    let mut s = 0.0;
    for k in 1..=kmax {
        let agg = aggregate(y, k);
        s += ses_optimized(&agg, 0.1, 0.3).0 / k as f64;
    }
    s / kmax as f64
}

/// Length of the run of zeros at the end of the series.
pub fn trailing_zeros(y: &[f64]) -> usize {
    y.iter().rev().take_while(|v| **v == 0.0).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert_eq!(classify(&[5.0, 5.0, 6.0, 5.0]), DemandClass::Smooth);
        assert_eq!(classify(&[1.0, 20.0, 2.0, 30.0]), DemandClass::Erratic);
        assert_eq!(
            classify(&[0.0, 5.0, 0.0, 0.0, 5.0, 0.0]),
            DemandClass::Intermittent
        );
        assert_eq!(
            classify(&[0.0, 1.0, 0.0, 0.0, 30.0, 0.0]),
            DemandClass::Lumpy
        );
        assert_eq!(classify(&[0.0, 0.0]), DemandClass::Zero);
    }

    #[test]
    fn croston_on_regular_pattern() {
        let y = [0.0, 4.0, 0.0, 4.0, 0.0, 4.0, 0.0, 4.0];
        assert!((croston(&y, 0.1) - 2.0).abs() < 1e-9);
        assert!((sba(&y, 0.1) - 1.9).abs() < 1e-9);
        assert!((adida(&y) - 2.0).abs() < 1e-6);
    }

    #[test]
    fn tsb_decays_after_demand_stops() {
        let mut y = vec![3.0; 12];
        y.extend(vec![0.0; 12]);
        assert!(tsb(&y, 0.1, 0.1) < 0.3 * 3.0);
    }
}
