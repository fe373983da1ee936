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
