//! Exponential smoothing state-space models (ETS, Hyndman et al. 2008) and automatic selection by
//! AICc. Smoothing parameters and the initial level/trend are fitted by Nelder–Mead on the
//! likelihood; initial seasonal states come from a classical decomposition.

use crate::optim::{budget, nelder_mead, tol};
use crate::season::{Decomposition, seasonal_indices};

/// Error component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// additive errors
    Additive,
    /// multiplicative (relative) errors; needs positive data
    Multiplicative,
}

/// Trend component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrendKind {
    /// no trend
    None,
    /// additive (linear) trend
    Additive,
    /// additive damped trend
    Damped,
}

/// Seasonal component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeasonKind {
    /// none
    None,
    /// additive season
    Additive,
    /// multiplicative season
    Multiplicative,
}

/// One ETS model form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EtsSpec {
    /// error
    pub error: ErrorKind,
    /// trend
    pub trend: TrendKind,
    /// season
    pub season: SeasonKind,
    /// season length (ignored without season)
    pub period: usize,
}

impl EtsSpec {
    /// Short name such as `ETS(M,Ad,N)`.
    pub fn name(&self) -> String {
        let e = match self.error {
            ErrorKind::Additive => "A",
            ErrorKind::Multiplicative => "M",
        };
        let t = match self.trend {
            TrendKind::None => "N",
            TrendKind::Additive => "A",
            TrendKind::Damped => "Ad",
        };
        let s = match self.season {
            SeasonKind::None => "N",
            SeasonKind::Additive => "A",
            SeasonKind::Multiplicative => "M",
        };
        format!("ETS({e},{t},{s})")
    }
}

/// A fitted ETS model.
#[derive(Debug, Clone)]
pub struct EtsFit {
    /// model form
    pub spec: EtsSpec,
    /// level smoothing
    pub alpha: f64,
    /// trend smoothing
    pub beta: f64,
    /// seasonal smoothing
    pub gamma: f64,
    /// damping
    pub phi: f64,
    /// final level
    pub level: f64,
    /// final trend
    pub trend: f64,
    /// final seasonal states, indexed by position mod period
    pub seasons: Vec<f64>,
    /// series length
    pub n: usize,
    /// one-step residual variance (relative for multiplicative errors)
    pub sigma2: f64,
    /// AICc
    pub aicc: f64,
}

struct Pass {
    lik: f64,
    sse: f64,
    level: f64,
    trend: f64,
}

/// Non-seasonal pass specialised at compile time (the hot loop of model fitting).
#[inline]
#[allow(clippy::too_many_arguments)]
fn pass_ns<const MUL: bool, const TREND: bool>(
    y: &[f64], alpha: f64, beta: f64, phi: f64, l0: f64, b0: f64,
) -> Pass {
    let (mut l, mut b) = (l0, b0);
    let mut sse = 0.0;
    let mut logsum = 0.0;
    let mut prod = 1.0f64;
    for (t, &yt) in y.iter().enumerate() {
        let yhat = if TREND { l + phi * b } else { l };
        if MUL {
            if yhat.is_nan() || yhat <= 0.0 {
                return Pass {
                    lik: f64::INFINITY,
                    sse: f64::INFINITY,
                    level: l,
                    trend: b,
                };
            }
            let e = (yt - yhat) / yhat;
            sse += e * e;
            prod *= yhat;
            if t % 16 == 15 {
                logsum += prod.ln();
                prod = 1.0;
            }
            l = yhat * (1.0 + alpha * e);
            if TREND {
                b = phi * b + beta * yhat * e;
            }
        } else {
            let e = yt - yhat;
            sse += e * e;
            l = yhat + alpha * e;
            if TREND {
                b = phi * b + beta * e;
            }
        }
    }
    if MUL {
        logsum += prod.ln();
    }
    let n = y.len() as f64;
    let lik = n * (sse / n).max(1e-300).ln() + 2.0 * logsum;
    if !lik.is_finite() {
        return Pass {
            lik: f64::INFINITY,
            sse: f64::INFINITY,
            level: l,
            trend: b,
        };
    }
    Pass {
        lik,
        sse,
        level: l,
        trend: b,
    }
}

/// Seasonal pass specialised at compile time.
#[inline]
#[allow(clippy::too_many_arguments)]
fn pass_s<const MULE: bool, const TREND: bool, const MULS: bool>(
    y: &[f64], alpha: f64, beta: f64, gamma: f64, phi: f64, l0: f64, b0: f64, s: &mut [f64],
) -> Pass {
    let (mut l, mut b) = (l0, b0);
    let m = s.len();
    let mut j = 0usize;
    let mut sse = 0.0;
    let mut logsum = 0.0;
    let mut prod = 1.0f64;
    for (t, &yt) in y.iter().enumerate() {
        let tr = if TREND { l + phi * b } else { l };
        let sv = s[j];
        let yhat = if MULS { tr * sv } else { tr + sv };
        if MULE {
            if yhat.is_nan() || yhat <= 0.0 {
                return Pass {
                    lik: f64::INFINITY,
                    sse: f64::INFINITY,
                    level: l,
                    trend: b,
                };
            }
            let e = (yt - yhat) / yhat;
            sse += e * e;
            prod *= yhat;
            if t % 16 == 15 {
                logsum += prod.ln();
                prod = 1.0;
            }
            if MULS {
                l = tr * (1.0 + alpha * e);
                if TREND {
                    b = phi * b + beta * tr * e;
                }
                s[j] = sv * (1.0 + gamma * e);
            } else {
                l = tr + alpha * yhat * e;
                if TREND {
                    b = phi * b + beta * yhat * e;
                }
                s[j] = sv + gamma * yhat * e;
            }
        } else {
            let e = yt - yhat;
            sse += e * e;
            if MULS {
                l = tr + alpha * e / sv;
                if TREND {
                    b = phi * b + beta * e / sv;
                }
                s[j] = sv + gamma * e / tr;
            } else {
                l = tr + alpha * e;
                if TREND {
                    b = phi * b + beta * e;
                }
                s[j] = sv + gamma * e;
            }
        }
        j += 1;
        if j == m {
            j = 0;
        }
    }
    if MULE {
        logsum += prod.ln();
    }
    let n = y.len() as f64;
    let lik = n * (sse / n).max(1e-300).ln() + 2.0 * logsum;
    if !lik.is_finite() {
        return Pass {
            lik: f64::INFINITY,
            sse: f64::INFINITY,
            level: l,
            trend: b,
        };
    }
    Pass {
        lik,
        sse,
        level: l,
        trend: b,
    }
}

#[inline]
#[allow(clippy::too_many_arguments)]
fn pass(
    y: &[f64], spec: &EtsSpec, alpha: f64, beta: f64, gamma: f64, phi: f64, l0: f64, b0: f64,
    s: &mut [f64],
) -> Pass {
    if spec.season == SeasonKind::None {
        let mul = spec.error == ErrorKind::Multiplicative;
        let ph = if spec.trend == TrendKind::Damped {
            phi
        } else {
            1.0
        };
        return match (mul, spec.trend != TrendKind::None) {
            (false, false) => pass_ns::<false, false>(y, alpha, beta, ph, l0, b0),
            (false, true) => pass_ns::<false, true>(y, alpha, beta, ph, l0, b0),
            (true, false) => pass_ns::<true, false>(y, alpha, beta, ph, l0, b0),
            (true, true) => pass_ns::<true, true>(y, alpha, beta, ph, l0, b0),
        };
    }
    let ph = if spec.trend == TrendKind::Damped {
        phi
    } else {
        1.0
    };
    let mule = spec.error == ErrorKind::Multiplicative;
    let tr = spec.trend != TrendKind::None;
    let muls = spec.season == SeasonKind::Multiplicative;
    match (mule, tr, muls) {
        (false, false, false) => {
            pass_s::<false, false, false>(y, alpha, beta, gamma, ph, l0, b0, s)
        }
        (false, false, true) => pass_s::<false, false, true>(y, alpha, beta, gamma, ph, l0, b0, s),
        (false, true, false) => pass_s::<false, true, false>(y, alpha, beta, gamma, ph, l0, b0, s),
        (false, true, true) => pass_s::<false, true, true>(y, alpha, beta, gamma, ph, l0, b0, s),
        (true, false, false) => pass_s::<true, false, false>(y, alpha, beta, gamma, ph, l0, b0, s),
        (true, false, true) => pass_s::<true, false, true>(y, alpha, beta, gamma, ph, l0, b0, s),
        (true, true, false) => pass_s::<true, true, false>(y, alpha, beta, gamma, ph, l0, b0, s),
        (true, true, true) => pass_s::<true, true, true>(y, alpha, beta, gamma, ph, l0, b0, s),
    }
}

/// Fit one ETS form. `None` when the form does not apply (e.g. multiplicative on non-positive
/// data, or too few observations for the parameters).
pub fn fit(y: &[f64], spec: EtsSpec) -> Option<EtsFit> {
    let n = y.len();
    let seasonal = spec.season != SeasonKind::None;
    let m = if seasonal { spec.period } else { 1 };
    let positive = y.iter().all(|v| *v > 0.0);
    if (spec.error == ErrorKind::Multiplicative || spec.season == SeasonKind::Multiplicative)
        && !positive
    {
        return None;
    }
    if seasonal && (m < 2 || n < 2 * m + 2) {
        return None;
    }
    let has_trend = spec.trend != TrendKind::None;
    let damped = spec.trend == TrendKind::Damped;
    let npar = 1 + usize::from(has_trend) * 2 + usize::from(seasonal) + usize::from(damped);
    let k = npar + if seasonal { m - 1 } else { 0 } + 1;
    if n <= k + 1 {
        return None;
    }
    // initial seasonal states and a deseasonalised start for level and trend
    let s_init: Vec<f64> = match spec.season {
        SeasonKind::None => vec![0.0; 1],
        SeasonKind::Additive => seasonal_indices(y, m, Decomposition::Additive),
        SeasonKind::Multiplicative => seasonal_indices(y, m, Decomposition::Multiplicative),
    };
    let w = n.min(if seasonal { 2 * m } else { 10 });
    let ds: Vec<f64> = (0..w)
        .map(|t| match spec.season {
            SeasonKind::Multiplicative => y[t] / s_init[t % m],
            SeasonKind::Additive => y[t] - s_init[t % m],
            SeasonKind::None => y[t],
        })
        .collect();
    let (l_init, b_init) = if has_trend {
        let (a, b) = linfit(&ds);
        (a, b)
    } else {
        (
            ds[..w.min(if seasonal { m } else { 3 })]
                .iter()
                .sum::<f64>()
                / w.min(if seasonal { m } else { 3 }) as f64,
            0.0,
        )
    };
    let scale = {
        let mean = y.iter().map(|v| v.abs()).sum::<f64>() / n as f64;
        mean.max(1e-8)
    };
    let mut sbuf = s_init.clone();
    // parameter vector: alpha, [beta], [gamma], [phi], l0, [b0]
    let mut x0 = vec![0.2];
    let mut lo = vec![1e-4];
    let mut hi = vec![0.9999];
    let mut step = vec![0.1];
    if has_trend {
        x0.push(0.02);
        lo.push(1e-4);
        hi.push(0.9999);
        step.push(0.02);
    }
    if seasonal {
        x0.push(0.05);
        lo.push(1e-4);
        hi.push(0.9999);
        step.push(0.05);
    }
    if damped {
        x0.push(0.95);
        lo.push(0.8);
        hi.push(0.98);
        step.push(0.02);
    }
    x0.push(l_init);
    lo.push(f64::NEG_INFINITY);
    hi.push(f64::INFINITY);
    step.push(0.1 * scale);
    if has_trend {
        x0.push(b_init);
        lo.push(f64::NEG_INFINITY);
        hi.push(f64::INFINITY);
        step.push(0.02 * scale);
    }
    let unpack = |x: &[f64]| {
        let mut i = 0;
        let alpha = x[i];
        i += 1;
        let beta = if has_trend {
            i += 1;
            x[i - 1]
        } else {
            0.0
        };
        let gamma = if seasonal {
            i += 1;
            x[i - 1]
        } else {
            0.0
        };
        let phi = if damped {
            i += 1;
            x[i - 1]
        } else {
            1.0
        };
        let l0 = x[i];
        let b0 = if has_trend { x[i + 1] } else { 0.0 };
        (alpha, beta, gamma, phi, l0, b0)
    };
    let max_eval = budget(x0.len());
    let mut objective = |x: &[f64]| {
        let (alpha, beta, gamma, phi, l0, b0) = unpack(x);
        if beta > alpha || gamma > 1.0 - alpha {
            return 1e300;
        }
        sbuf.copy_from_slice(&s_init);
        pass(y, &spec, alpha, beta, gamma, phi, l0, b0, &mut sbuf).lik
    };
    let (best, _) = nelder_mead(&mut objective, &x0, &step, &lo, &hi, max_eval, tol());
    let (alpha, beta, gamma, phi, l0, b0) = unpack(&best);
    if beta > alpha || gamma > 1.0 - alpha {
        return None;
    }
    let mut seasons = s_init.clone();
    let p = pass(y, &spec, alpha, beta, gamma, phi, l0, b0, &mut seasons);
    if !p.lik.is_finite() {
        return None;
    }
    let kf = k as f64;
    let nf = n as f64;
    let aicc = p.lik + 2.0 * kf + 2.0 * kf * (kf + 1.0) / (nf - kf - 1.0);
    Some(EtsFit {
        spec,
        alpha,
        beta,
        gamma,
        phi,
        level: p.level,
        trend: p.trend,
        seasons,
        n,
        sigma2: p.sse / (nf - npar as f64).max(1.0),
        aicc,
    })
}

/// Least-squares line through `y` against 0,1,2,…: (intercept at t = 0, slope).
pub(crate) fn linfit(y: &[f64]) -> (f64, f64) {
    let n = y.len() as f64;
    if y.len() < 2 {
        return (y.first().copied().unwrap_or(0.0), 0.0);
    }
    let mx = (n - 1.0) / 2.0;
    let my = y.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (t, v) in y.iter().enumerate() {
        let dx = t as f64 - mx;
        sxy += dx * (v - my);
        sxx += dx * dx;
    }
    let b = sxy / sxx;
    (my - b * mx, b)
}

impl EtsFit {
    /// Point forecasts for `h` steps.
    pub fn forecast(&self, h: usize) -> Vec<f64> {
        let m = self.seasons.len().max(1);
        let mut out = Vec::with_capacity(h);
        let mut damp_sum = 0.0;
        let mut pk = 1.0;
        for j in 1..=h {
            let tr = match self.spec.trend {
                TrendKind::None => self.level,
                TrendKind::Additive => self.level + j as f64 * self.trend,
                TrendKind::Damped => {
                    pk *= self.phi;
                    damp_sum += pk;
                    self.level + damp_sum * self.trend
                }
            };
            let v = match self.spec.season {
                SeasonKind::None => tr,
                SeasonKind::Additive => tr + self.seasons[(self.n + j - 1) % m],
                SeasonKind::Multiplicative => tr * self.seasons[(self.n + j - 1) % m],
            };
            out.push(v);
        }
        out
    }

    /// Standard deviation of the `h` forecast errors (class-1 formula; multiplicative models use
    /// the relative variance times the squared point forecast, an approximation).
    pub fn forecast_sd(&self, mean: &[f64]) -> Vec<f64> {
        let m = self.seasons.len().max(1);
        let mut acc = 0.0;
        let mut pk = 1.0;
        let mut damp_sum = 0.0;
        let mut out = Vec::with_capacity(mean.len());
        for (h, f) in mean.iter().enumerate() {
            // c_j for j = h (0 for the first step)
            if h > 0 {
                let j = h as f64;
                let tr = match self.spec.trend {
                    TrendKind::None => 0.0,
                    TrendKind::Additive => self.beta * j,
                    TrendKind::Damped => {
                        pk *= self.phi;
                        damp_sum += pk;
                        self.beta * damp_sum
                    }
                };
                let se = if self.spec.season != SeasonKind::None && h % m == 0 {
                    self.gamma
                } else {
                    0.0
                };
                let c = self.alpha + tr + se;
                acc += c * c;
            }
            let v = self.sigma2 * (1.0 + acc);
            let sd = match self.spec.error {
                ErrorKind::Additive => v.sqrt(),
                ErrorKind::Multiplicative => v.sqrt() * f.abs(),
            };
            out.push(sd);
        }
        out
    }
}

/// Candidate forms for automatic selection.
pub fn candidates(
    period: usize, seasonal: bool, positive: bool, damped_only: bool,
) -> Vec<EtsSpec> {
    let mut out = Vec::new();
    let errors: &[ErrorKind] = if positive {
        &[ErrorKind::Additive, ErrorKind::Multiplicative]
    } else {
        &[ErrorKind::Additive]
    };
    let trends: &[TrendKind] = if damped_only {
        &[TrendKind::None, TrendKind::Damped]
    } else {
        &[TrendKind::None, TrendKind::Additive, TrendKind::Damped]
    };
    let seasons: &[SeasonKind] = match (seasonal, positive) {
        (false, _) => &[SeasonKind::None],
        (true, true) => &[
            SeasonKind::None,
            SeasonKind::Additive,
            SeasonKind::Multiplicative,
        ],
        (true, false) => &[SeasonKind::None, SeasonKind::Additive],
    };
    for &error in errors {
        for &trend in trends {
            for &season in seasons {
                // the unstable additive-error × multiplicative-season forms are left out
                if error == ErrorKind::Additive && season == SeasonKind::Multiplicative {
                    continue;
                }
                out.push(EtsSpec {
                    error,
                    trend,
                    season,
                    period,
                });
            }
        }
    }
    out
}

/// Fit every candidate and keep the smallest AICc.
pub fn auto(y: &[f64], specs: &[EtsSpec]) -> Option<EtsFit> {
    specs
        .iter()
        .filter_map(|s| fit(y, *s))
        .min_by(|a, b| a.aicc.total_cmp(&b.aicc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holt_follows_a_line() {
        let y: Vec<f64> = (0..40)
            .map(|t| 10.0 + 2.0 * t as f64 + if t % 2 == 0 { 0.5 } else { -0.5 })
            .collect();
        let spec = EtsSpec {
            error: ErrorKind::Additive,
            trend: TrendKind::Additive,
            season: SeasonKind::None,
            period: 1,
        };
        let f = fit(&y, spec).unwrap().forecast(3);
        assert!((f[0] - 90.0).abs() < 2.0, "{f:?}");
        assert!((f[2] - 94.0).abs() < 2.5, "{f:?}");
    }

    #[test]
    fn seasonal_auto_picks_a_seasonal_form() {
        let pat = [1.3, 0.7, 1.0, 1.0];
        let y: Vec<f64> = (0..48)
            .map(|t| (50.0 + 0.5 * t as f64) * pat[t % 4] + (t % 3) as f64 * 0.3)
            .collect();
        let best = auto(&y, &candidates(4, true, true, false)).unwrap();
        assert_ne!(best.spec.season, SeasonKind::None, "{}", best.spec.name());
        let f = best.forecast(4);
        assert!(f[0] > f[1], "{f:?}");
    }
}
