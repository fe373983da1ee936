//! Theta methods in the state-space form of Fiorucci et al. (2016): the standard Theta method
//! (θ = 2), the optimised Theta model (OTM, θ fitted) and the dynamic optimised Theta model
//! (DOTM, θ fitted and the theta line's intercept/slope updated as data arrive).

use crate::optim::{budget, nelder_mead, tol};

/// Which Theta variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThetaKind {
    /// θ = 2, static theta line
    Standard,
    /// θ fitted, static theta line
    Optimized,
    /// θ fitted, dynamic theta line
    DynamicOptimized,
}

/// A fitted Theta model.
#[derive(Debug, Clone)]
pub struct ThetaFit {
    /// variant
    pub kind: ThetaKind,
    /// smoothing
    pub alpha: f64,
    /// theta
    pub theta: f64,
    level: f64,
    a: f64,
    b: f64,
    n: usize,
    /// one-step residual variance
    pub sigma2: f64,
}

struct Run {
    mse: f64,
    level: f64,
    a: f64,
    b: f64,
}

fn run(y: &[f64], l0: f64, alpha: f64, theta: f64, dynamic: bool, ab: (f64, f64)) -> Run {
    let w = 1.0 - 1.0 / theta;
    let (mut a, mut b) = if dynamic { (y[0], 0.0) } else { ab };
    let mut l = l0;
    let mut pw = 1.0; // (1 − α)^t
    let (mut s1, mut s2) = (0.0, 0.0);
    let mut sse = 0.0;
    for (i, &yt) in y.iter().enumerate() {
        let mu = l + w * (pw * a + (1.0 - pw) / alpha * b);
        let e = yt - mu;
        sse += e * e;
        l = alpha * yt + (1.0 - alpha) * l;
        pw *= 1.0 - alpha;
        if dynamic {
            let t = (i + 1) as f64;
            s1 += yt;
            s2 += t * yt;
            let mean = s1 / t;
            if i >= 1 {
                b = 6.0 / (t * t - 1.0) * (2.0 / t * s2 - (t + 1.0) * mean);
            }
            a = mean - (t + 1.0) / 2.0 * b;
        }
    }
    Run {
        mse: sse / y.len() as f64,
        level: l,
        a,
        b,
    }
}

/// Fit a Theta variant. `None` for fewer than 3 observations.
pub fn fit(y: &[f64], kind: ThetaKind) -> Option<ThetaFit> {
    let n = y.len();
    if n < 3 {
        return None;
    }
    let dynamic = kind == ThetaKind::DynamicOptimized;
    // static theta line: OLS on t = 1..n
    let (a0, b0) = crate::ets::linfit(y);
    let ab = (a0 - b0, b0); // intercept at t = 0 when t starts at 1
    let scale = (y.iter().map(|v| v.abs()).sum::<f64>() / n as f64).max(1e-8);
    let fixed_theta = kind == ThetaKind::Standard;
    let l_init = y[0] / 2.0;
    let (x0, step, lo, hi): (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) = if fixed_theta {
        (
            vec![0.3, l_init],
            vec![0.1, 0.1 * scale],
            vec![0.01, f64::NEG_INFINITY],
            vec![0.99, f64::INFINITY],
        )
    } else {
        (
            vec![0.3, 2.0, l_init],
            vec![0.1, 0.5, 0.1 * scale],
            vec![0.01, 1.0, f64::NEG_INFINITY],
            vec![0.99, 20.0, f64::INFINITY],
        )
    };
    let unpack = |x: &[f64]| {
        if fixed_theta {
            (x[0], 2.0, x[1])
        } else {
            (x[0], x[1], x[2])
        }
    };
    let (best, _) = nelder_mead(
        |x| {
            let (alpha, theta, l0) = unpack(x);
            run(y, l0, alpha, theta, dynamic, ab).mse
        },
        &x0,
        &step,
        &lo,
        &hi,
        budget(x0.len()),
        tol(),
    );
    let (alpha, theta, l0) = unpack(&best);
    let r = run(y, l0, alpha, theta, dynamic, ab);
    if !r.mse.is_finite() {
        return None;
    }
    Some(ThetaFit {
        kind,
        alpha,
        theta,
        level: r.level,
        a: r.a,
        b: r.b,
        n,
        sigma2: r.mse,
    })
}

impl ThetaFit {
    /// Point forecasts for `h` steps.
    pub fn forecast(&self, h: usize) -> Vec<f64> {
        let w = 1.0 - 1.0 / self.theta;
        let pw = (1.0 - self.alpha).powi(self.n as i32);
        (1..=h)
            .map(|j| {
                self.level + w * (pw * self.a + ((j - 1) as f64 + (1.0 - pw) / self.alpha) * self.b)
            })
            .collect()
    }

    /// Forecast standard deviations (SES-like growth of the error variance).
    pub fn forecast_sd(&self, h: usize) -> Vec<f64> {
        (0..h)
            .map(|j| (self.sigma2 * (1.0 + j as f64 * self.alpha * self.alpha)).sqrt())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theta_extrapolates_a_trend() {
        let y: Vec<f64> = (0..60)
            .map(|t| 100.0 + 1.5 * t as f64 + ((t * 7) % 5) as f64)
            .collect();
        for kind in [
            ThetaKind::Standard,
            ThetaKind::Optimized,
            ThetaKind::DynamicOptimized,
        ] {
            let f = fit(&y, kind).unwrap().forecast(12);
            assert!(f[11] > f[0], "{kind:?} {f:?}");
            assert!(f[0] > 180.0 && f[0] < 200.0, "{kind:?} {f:?}");
        }
    }
}
