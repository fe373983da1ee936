//! A small ARIMA member: the "airline" model ARIMA(0,1,1)(0,1,1)_m, on logs when the data are
//! positive, fitted by conditional sum of squares. Cheap (two parameters) and, because it models
//! the season by differencing, a diverse member of the combination.

use crate::optim::{budget, nelder_mead, tol};

/// A fitted airline model, ready to forecast.
#[derive(Debug, Clone)]
pub struct AirlineFit {
    /// non-seasonal MA coefficient
    pub theta: f64,
    /// seasonal MA coefficient
    pub seasonal_theta: f64,
    z: Vec<f64>,
    e: Vec<f64>,
    m: usize,
    log: bool,
    /// one-step residual variance (of the transformed series)
    pub sigma2: f64,
}

fn residuals(w: &[f64], th: f64, sth: f64, m: usize, e: &mut Vec<f64>) -> f64 {
    e.clear();
    let mut sse = 0.0;
    for t in 0..w.len() {
        let mut v = w[t];
        if t >= 1 {
            v -= th * e[t - 1];
        }
        if t >= m {
            v -= sth * e[t - m];
        }
        if t > m {
            v -= th * sth * e[t - m - 1];
        }
        sse += v * v;
        e.push(v);
    }
    sse
}

/// Fit the airline model with season length `m`; `None` when the series is shorter than
/// `2m + 4`.
pub fn fit(y: &[f64], m: usize) -> Option<AirlineFit> {
    let n = y.len();
    if m < 2 || n < 2 * m + 4 {
        return None;
    }
    let log = y.iter().all(|v| *v > 0.0);
    let z: Vec<f64> = if log {
        y.iter().map(|v| v.ln()).collect()
    } else {
        y.to_vec()
    };
    let w: Vec<f64> = (m + 1..n)
        .map(|t| z[t] - z[t - 1] - z[t - m] + z[t - m - 1])
        .collect();
    let mut e = Vec::with_capacity(w.len());
    let (best, sse) = nelder_mead(
        |x| residuals(&w, x[0], x[1], m, &mut e),
        &[-0.4, -0.6],
        &[0.2, 0.2],
        &[-0.99, -0.99],
        &[0.99, 0.99],
        budget(2),
        tol(),
    );
    let mut e_all = Vec::with_capacity(w.len());
    residuals(&w, best[0], best[1], m, &mut e_all);
    // pad residuals so that index t of `e` matches index t of `z`
    let mut e_full = vec![0.0; m + 1];
    e_full.extend(e_all);
    Some(AirlineFit {
        theta: best[0],
        seasonal_theta: best[1],
        z,
        e: e_full,
        m,
        log,
        sigma2: sse / w.len() as f64,
    })
}

impl AirlineFit {
    /// Point forecasts (medians on the original scale when fitted on logs).
    pub fn forecast(&self, h: usize) -> Vec<f64> {
        let m = self.m;
        let mut z = self.z.clone();
        let mut e = self.e.clone();
        let (th, sth) = (self.theta, self.seasonal_theta);
        let mut out = Vec::with_capacity(h);
        for _ in 0..h {
            let t = z.len();
            let w = th * e[t - 1] + sth * e[t - m] + th * sth * e[t - m - 1];
            let v = z[t - 1] + z[t - m] - z[t - m - 1] + w;
            z.push(v);
            e.push(0.0);
            out.push(if self.log { v.exp() } else { v });
        }
        out
    }

    /// Forecast standard deviations on the original scale (psi-weight approximation).
    pub fn forecast_sd(&self, mean: &[f64]) -> Vec<f64> {
        // psi weights of (1 + θB)(1 + ΘB^m) / ((1 − B)(1 − B^m))
        let h = mean.len();
        let m = self.m;
        let mut ma = vec![0.0; h.max(m + 2)];
        ma[0] = 1.0;
        if ma.len() > 1 {
            ma[1] += self.theta;
        }
        ma[m] += self.seasonal_theta;
        ma[m + 1] += self.theta * self.seasonal_theta;
        let mut psi = vec![0.0; h];
        for j in 0..h {
            let mut v = ma[j];
            if j >= 1 {
                v += psi[j - 1];
            }
            if j >= m {
                v += psi[j - m];
            }
            if j > m {
                v -= psi[j - m - 1];
            }
            psi[j] = v;
        }
        let mut acc = 0.0;
        psi.iter()
            .zip(mean)
            .map(|(p, f)| {
                acc += p * p;
                let sd = (self.sigma2 * acc).sqrt();
                if self.log { sd * f.abs() } else { sd }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn airline_repeats_a_seasonal_pattern() {
        let pat = [1.2, 0.8, 1.0, 1.1];
        let y: Vec<f64> = (0..40).map(|t| (100.0 + t as f64) * pat[t % 4]).collect();
        let f = fit(&y, 4).unwrap().forecast(4);
        let expect: Vec<f64> = (40..44).map(|t| (100.0 + t as f64) * pat[t % 4]).collect();
        for (a, b) in f.iter().zip(&expect) {
            assert!((a - b).abs() / b < 0.03, "{f:?} {expect:?}");
        }
    }
}

/// A fitted ARIMA(p,1,q) model with optional drift (non-seasonal; used on deseasonalised data).
#[derive(Debug, Clone)]
pub struct ArimaFit {
    /// AR coefficients
    pub ar: Vec<f64>,
    /// MA coefficients
    pub ma: Vec<f64>,
    /// lags of the MA coefficients
    pub lags: Vec<usize>,
    /// mean of the differenced series (drift), 0 without drift
    pub drift: f64,
    /// AICc
    pub aicc: f64,
    /// one-step residual variance
    pub sigma2: f64,
    last: f64,
    integrated: bool,
    w: Vec<f64>,
    e: Vec<f64>,
}

fn ar_ok(c: &[f64]) -> bool {
    match c.len() {
        0 => true,
        1 => c[0].abs() < 0.99,
        _ => c[1].abs() < 0.99 && c[0] + c[1] < 0.99 && c[1] - c[0] < 0.99,
    }
}

fn ma_ok(c: &[f64]) -> bool {
    match c.len() {
        0 => true,
        1 => c[0].abs() < 0.99,
        _ => c[1].abs() < 0.99 && c[1] + c[0] > -0.99 && c[1] - c[0] > -0.99,
    }
}

fn css(w: &[f64], ar: &[f64], ma: &[f64], lags: &[usize], mu: f64, e: &mut Vec<f64>) -> f64 {
    let p = ar.len();
    e.clear();
    let mut sse = 0.0;
    for t in 0..w.len() {
        if t < p {
            e.push(0.0);
            continue;
        }
        let mut v = w[t] - mu;
        for (i, a) in ar.iter().enumerate() {
            v -= a * (w[t - 1 - i] - mu);
        }
        for (b, &lag) in ma.iter().zip(lags) {
            if t >= lag {
                v -= b * e[t - lag];
            }
        }
        sse += v * v;
        e.push(v);
    }
    sse
}

/// Fit ARMA(p, q) (+ a seasonal MA term at lag `sma` when non-zero, + a mean/drift) to `w`,
/// the differenced form of `x`.
fn fit_order(
    x: &[f64], w: &[f64], p: usize, q: usize, sma: usize, drift: bool,
) -> Option<ArimaFit> {
    let nma = q + usize::from(sma > 0);
    let k = p + nma + usize::from(drift);
    let neff = w.len() - p;
    if neff <= k + 2 {
        return None;
    }
    let mut lags: Vec<usize> = (1..=q).collect();
    if sma > 0 {
        lags.push(sma);
    }
    let mean_w = w.iter().sum::<f64>() / w.len() as f64;
    let sd_w = (w.iter().map(|v| (v - mean_w) * (v - mean_w)).sum::<f64>() / w.len() as f64)
        .sqrt()
        .max(1e-8);
    let mut e = Vec::with_capacity(w.len());
    let unpack = |v: &[f64]| -> (Vec<f64>, Vec<f64>, f64) {
        let ar = v[..p].to_vec();
        let ma = v[p..p + nma].to_vec();
        let mu = if drift { v[p + nma] } else { 0.0 };
        (ar, ma, mu)
    };
    let ok = |ar: &[f64], ma: &[f64]| {
        ar_ok(ar) && ma_ok(&ma[..q]) && ma[q..].iter().all(|v| v.abs() < 0.99)
    };
    let (sse, best) = if k == 0 {
        (css(w, &[], &[], &[], 0.0, &mut e), Vec::new())
    } else {
        let mut x0 = vec![0.1; p + nma];
        if sma > 0 {
            x0[p + q] = -0.5;
        }
        let mut step = vec![0.2; p + nma];
        let mut lo = vec![-0.99; p + nma];
        let mut hi = vec![0.99; p + nma];
        if drift {
            x0.push(mean_w);
            step.push(0.2 * sd_w);
            lo.push(f64::NEG_INFINITY);
            hi.push(f64::INFINITY);
        }
        let (b, v) = nelder_mead(
            |v| {
                let (ar, ma, mu) = unpack(v);
                if !ok(&ar, &ma) {
                    return 1e300;
                }
                css(w, &ar, &ma, &lags, mu, &mut e)
            },
            &x0,
            &step,
            &lo,
            &hi,
            budget(k),
            tol(),
        );
        (v, b)
    };
    if !sse.is_finite() || sse >= 1e299 {
        return None;
    }
    let (ar, ma, mu) = if k == 0 {
        (Vec::new(), Vec::new(), 0.0)
    } else {
        unpack(&best)
    };
    let mut e = Vec::with_capacity(w.len());
    css(w, &ar, &ma, &lags, mu, &mut e);
    let n = neff as f64;
    let kk = (k + 1) as f64;
    let aicc = n * (sse / n).max(1e-300).ln() + 2.0 * kk + 2.0 * kk * (kk + 1.0) / (n - kk - 1.0);
    Some(ArimaFit {
        ar,
        ma,
        lags,
        drift: mu,
        aicc,
        sigma2: sse / n,
        last: x[x.len() - 1],
        integrated: true,
        w: w.to_vec(),
        e,
    })
}

/// Automatic ARIMA(p,1,q), p, q ≤ 2, with and without drift, chosen by AICc on the first
/// differences. `None` for fewer than 8 observations.
pub fn auto_arima(x: &[f64]) -> Option<ArimaFit> {
    if x.len() < 8 {
        return None;
    }
    let w: Vec<f64> = x.windows(2).map(|v| v[1] - v[0]).collect();
    let mut best: Option<ArimaFit> = None;
    for p in 0..=2 {
        for q in 0..=2 {
            for drift in [false, true] {
                if let Some(f) = fit_order(x, &w, p, q, 0, drift)
                    && best.as_ref().is_none_or(|b| f.aicc < b.aicc)
                {
                    best = Some(f);
                }
            }
        }
    }
    best
}

impl ArimaFit {
    /// Point forecasts.
    pub fn forecast(&self, h: usize) -> Vec<f64> {
        let mut w = self.w.clone();
        let mut e = self.e.clone();
        let mut level = self.last;
        let mut out = Vec::with_capacity(h);
        for _ in 0..h {
            let t = w.len();
            let mut v = self.drift;
            for (i, a) in self.ar.iter().enumerate() {
                v += a * (w[t - 1 - i] - self.drift);
            }
            for (b, &lag) in self.ma.iter().zip(&self.lags) {
                if t >= lag {
                    v += b * e[t - lag];
                }
            }
            w.push(v);
            e.push(0.0);
            if self.integrated {
                level += v;
                out.push(level);
            } else {
                out.push(v);
            }
        }
        out
    }
}

/// KPSS level-stationarity statistic (Newey–West long-run variance, lag ⌊3√n/13⌋).
pub fn kpss(x: &[f64]) -> f64 {
    let n = x.len();
    if n < 4 {
        return 0.0;
    }
    let mean = x.iter().sum::<f64>() / n as f64;
    let e: Vec<f64> = x.iter().map(|v| v - mean).collect();
    let mut s = 0.0;
    let mut eta = 0.0;
    for v in &e {
        s += v;
        eta += s * s;
    }
    let nf = n as f64;
    let lags = (3.0 * nf.sqrt() / 13.0).floor() as usize;
    let mut lr = e.iter().map(|v| v * v).sum::<f64>() / nf;
    for l in 1..=lags.min(n - 1) {
        let w = 1.0 - l as f64 / (lags as f64 + 1.0);
        let c: f64 = (l..n).map(|t| e[t] * e[t - l]).sum::<f64>() / nf;
        lr += 2.0 * w * c;
    }
    if lr <= 0.0 {
        return 0.0;
    }
    eta / (nf * nf * lr)
}

/// Seasonal ARIMA. When the 90 % seasonality test passes: ARMA(p,q) with a constant on the
/// seasonal differences `y_t − y_{t−m}` (of logs when the data are positive, so the season is
/// multiplicative), i.e. a seasonal random walk with drift and ARMA errors; otherwise
/// [`auto_arima`] on the data. With `always` the seasonal form is used without the test. Orders p, q ≤ 2 chosen by AICc. Returns point forecasts and
/// forecast standard deviations; `None` when the series is shorter than `m + 10`.
pub fn seasonal_arima(y: &[f64], m: usize, h: usize, always: bool) -> Option<(Vec<f64>, Vec<f64>)> {
    let n = y.len();
    if m < 2 || n < m + 10 {
        return None;
    }
    if !always && !crate::season::is_seasonal(y, m) {
        let f = auto_arima(y)?;
        let sd = (0..h)
            .map(|j| (f.sigma2 * (1.0 + j as f64)).sqrt())
            .collect();
        return Some((f.forecast(h), sd));
    }
    let log = y.iter().all(|v| *v > 0.0);
    let y: Vec<f64> = if log {
        y.iter().map(|v| v.ln()).collect()
    } else {
        y.to_vec()
    };
    let z: Vec<f64> = (m..n).map(|t| y[t] - y[t - m]).collect();
    let mut best: Option<ArimaFit> = None;
    for p in 0..=2 {
        for q in 0..=2 {
            if let Some(mut f) = fit_order(&z, &z, p, q, 0, true)
                && best.as_ref().is_none_or(|b| f.aicc < b.aicc)
            {
                f.integrated = false;
                best = Some(f);
            }
        }
    }
    let fit = best?;
    let fz = fit.forecast(h);
    let mut out = y;
    for (j, v) in fz.iter().enumerate() {
        let t = n + j;
        out.push(out[t - m] + v);
    }
    let mut mean = out[n..].to_vec();
    if log {
        mean.iter_mut().for_each(|v| *v = v.exp());
    }
    // seasonal random walk: the variance grows with the number of seasons ahead
    let sd = mean
        .iter()
        .enumerate()
        .map(|(j, f)| {
            let s = (fit.sigma2 * (1 + j / m) as f64).sqrt();
            if log { s * f } else { s }
        })
        .collect();
    Some((mean, sd))
}
