//! Complex exponential smoothing (Svetunkov & Kourentzes), non-seasonal form: a level and an
//! "information potential" state updated with a complex smoothing parameter a0 + i·a1. Used as a
//! diverse member of the combination (it models trend without a trend component).

use crate::optim::{budget, nelder_mead, tol};

/// A fitted CES model.
#[derive(Debug, Clone)]
pub struct CesFit {
    /// real part of the smoothing parameter
    pub a0: f64,
    /// imaginary part
    pub a1: f64,
    level: f64,
    potential: f64,
    /// one-step residual variance
    pub sigma2: f64,
}

fn stable(a0: f64, a1: f64) -> bool {
    // discount matrix D = F − g w'
    let d = [[1.0 - (a0 - a1), -(1.0 - a1)], [1.0 - (a0 + a1), 1.0 - a0]];
    let tr = d[0][0] + d[1][1];
    let det = d[0][0] * d[1][1] - d[0][1] * d[1][0];
    let disc = tr * tr / 4.0 - det;
    let rho = if disc >= 0.0 {
        let s = disc.sqrt();
        (tr / 2.0 + s).abs().max((tr / 2.0 - s).abs())
    } else {
        det.max(0.0).sqrt()
    };
    rho < 1.0
}

fn run(y: &[f64], a0: f64, a1: f64, l0: f64, c0: f64) -> (f64, f64, f64) {
    let (mut l, mut c) = (l0, c0);
    let mut sse = 0.0;
    for &v in y {
        let e = v - l;
        sse += e * e;
        let nl = l - (1.0 - a1) * c + (a0 - a1) * e;
        let nc = l + (1.0 - a0) * c + (a0 + a1) * e;
        l = nl;
        c = nc;
    }
    (sse, l, c)
}

/// Fit CES by least squares. `None` for fewer than 4 observations.
pub fn fit(y: &[f64]) -> Option<CesFit> {
    let n = y.len();
    if n < 4 {
        return None;
    }
    let scale = (y.iter().map(|v| v.abs()).sum::<f64>() / n as f64).max(1e-8);
    let l_init = y[..n.min(4)].iter().sum::<f64>() / n.min(4) as f64;
    let (best, _) = nelder_mead(
        |x| {
            if !stable(x[0], x[1]) {
                return 1e300;
            }
            run(y, x[0], x[1], x[2], x[3]).0
        },
        &[1.3, 1.0, l_init, l_init],
        &[0.1, 0.1, 0.1 * scale, 0.1 * scale],
        &[0.01, 0.01, f64::NEG_INFINITY, f64::NEG_INFINITY],
        &[2.5, 2.5, f64::INFINITY, f64::INFINITY],
        budget(4),
        tol(),
    );
    if !stable(best[0], best[1]) {
        return None;
    }
    let (sse, level, potential) = run(y, best[0], best[1], best[2], best[3]);
    sse.is_finite().then(|| CesFit {
        a0: best[0],
        a1: best[1],
        level,
        potential,
        sigma2: sse / n as f64,
    })
}

impl CesFit {
    /// Point forecasts.
    pub fn forecast(&self, h: usize) -> Vec<f64> {
        let (mut l, mut c) = (self.level, self.potential);
        let mut out = Vec::with_capacity(h);
        for _ in 0..h {
            out.push(l);
            let nl = l - (1.0 - self.a1) * c;
            let nc = l + (1.0 - self.a0) * c;
            l = nl;
            c = nc;
        }
        out
    }
}
