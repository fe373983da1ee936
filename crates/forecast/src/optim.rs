//! Small derivative-free optimisers: Nelder–Mead on a box (up to [`MAXD`] parameters) and
//! golden-section search on an interval.

/// Largest number of parameters Nelder–Mead accepts.
pub(crate) const MAXD: usize = 6;

/// Evaluation budget of Nelder–Mead for `d` parameters.
pub(crate) fn budget(d: usize) -> usize {
    30 * d + 50
}

/// Relative tolerance on the simplex values: fitting to 1e-4 of the likelihood loses no
/// accuracy on M3 and is several times faster than 1e-9.
pub(crate) fn tol() -> f64 {
    1e-4
}

/// Minimise `f` from `x0` inside the box `[lo, hi]` (points are clamped into it).
/// Returns the best point found and its value.
pub(crate) fn nelder_mead(
    mut f: impl FnMut(&[f64]) -> f64, x0: &[f64], step: &[f64], lo: &[f64], hi: &[f64],
    max_eval: usize, tol: f64,
) -> (Vec<f64>, f64) {
    let d = x0.len();
    assert!(d <= MAXD && d > 0);
    let clamp = |x: &mut [f64; MAXD]| {
        for i in 0..d {
            x[i] = x[i].clamp(lo[i], hi[i]);
        }
    };
    let mut pts = [[0.0; MAXD]; MAXD + 1];
    let mut val = [0.0; MAXD + 1];
    let mut evals = 0usize;
    let mut eval = |x: &[f64; MAXD], evals: &mut usize| {
        *evals += 1;
        let v = f(&x[..d]);
        if v.is_nan() { f64::INFINITY } else { v }
    };
    for (j, p) in pts.iter_mut().enumerate().take(d + 1) {
        p[..d].copy_from_slice(x0);
        if j > 0 {
            let i = j - 1;
            p[i] += step[i];
            if p[i] > hi[i] {
                p[i] = x0[i] - step[i];
            }
        }
        clamp(p);
    }
    for j in 0..=d {
        val[j] = eval(&pts[j], &mut evals);
    }
    let mut order = [0usize; MAXD + 1];
    loop {
        for (k, o) in order.iter_mut().enumerate().take(d + 1) {
            *o = k;
        }
        order[..=d].sort_by(|&a, &b| val[a].total_cmp(&val[b]));
        let (best, worst, second) = (order[0], order[d], order[d - 1]);
        let spread = (val[worst] - val[best]).abs();
        if evals >= max_eval || spread <= tol * (val[best].abs() + tol) {
            break;
        }
        let mut c = [0.0; MAXD];
        for &k in &order[..d] {
            for i in 0..d {
                c[i] += pts[k][i];
            }
        }
        for ci in c.iter_mut().take(d) {
            *ci /= d as f64;
        }
        let along = |t: f64| {
            let mut x = [0.0; MAXD];
            for i in 0..d {
                x[i] = c[i] + t * (pts[worst][i] - c[i]);
            }
            clamp(&mut x);
            x
        };
        let xr = along(-1.0);
        let fr = eval(&xr, &mut evals);
        if fr < val[best] {
            let xe = along(-2.0);
            let fe = eval(&xe, &mut evals);
            if fe < fr {
                pts[worst] = xe;
                val[worst] = fe;
            } else {
                pts[worst] = xr;
                val[worst] = fr;
            }
        } else if fr < val[second] {
            pts[worst] = xr;
            val[worst] = fr;
        } else {
            let (xc, fc) = if fr < val[worst] {
                let x = along(-0.5);
                (x, eval(&x, &mut evals))
            } else {
                let x = along(0.5);
                (x, eval(&x, &mut evals))
            };
            if fc < val[worst].min(fr) {
                pts[worst] = xc;
                val[worst] = fc;
            } else {
                let b = pts[best];
                for &k in &order[1..=d] {
                    for i in 0..d {
                        pts[k][i] = b[i] + 0.5 * (pts[k][i] - b[i]);
                    }
                    val[k] = eval(&pts[k], &mut evals);
                }
            }
        }
    }
    let mut bi = 0;
    for j in 1..=d {
        if val[j] < val[bi] {
            bi = j;
        }
    }
    (pts[bi][..d].to_vec(), val[bi])
}

/// Golden-section minimisation of a unimodal-ish `f` on `[a, b]`.
pub(crate) fn golden(mut f: impl FnMut(f64) -> f64, mut a: f64, mut b: f64, iters: usize) -> f64 {
    let g = 0.5 * (5f64.sqrt() - 1.0);
    let mut x1 = b - g * (b - a);
    let mut x2 = a + g * (b - a);
    let (mut f1, mut f2) = (f(x1), f(x2));
    for _ in 0..iters {
        if f1 <= f2 {
            b = x2;
            x2 = x1;
            f2 = f1;
            x1 = b - g * (b - a);
            f1 = f(x1);
        } else {
            a = x1;
            x1 = x2;
            f1 = f2;
            x2 = a + g * (b - a);
            f2 = f(x2);
        }
    }
    if f1 <= f2 { x1 } else { x2 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nm_finds_quadratic_minimum() {
        let (x, v) = nelder_mead(
            |x| (x[0] - 1.0).powi(2) + 10.0 * (x[1] + 2.0).powi(2),
            &[0.0, 0.0],
            &[0.5, 0.5],
            &[-5.0, -5.0],
            &[5.0, 5.0],
            2000,
            1e-14,
        );
        assert!(
            (x[0] - 1.0).abs() < 1e-3 && (x[1] + 2.0).abs() < 1e-3,
            "{x:?} {v}"
        );
    }

    #[test]
    fn golden_finds_minimum() {
        let x = golden(|x| (x - 0.3).powi(2), 0.0, 1.0, 60);
        assert!((x - 0.3).abs() < 1e-6);
    }
}
