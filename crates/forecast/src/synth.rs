//! Deterministic synthetic series for tests and benchmarks (no external RNG dependency).

/// SplitMix64: small, fast, good enough for synthetic demand.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// Seeded generator.
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.uniform().max(1e-300);
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
    /// Poisson variate (inversion; fine for small means, normal approximation above 30).
    pub fn poisson(&mut self, lambda: f64) -> u64 {
        if lambda <= 0.0 {
            return 0;
        }
        if lambda > 30.0 {
            return (lambda + lambda.sqrt() * self.normal()).round().max(0.0) as u64;
        }
        let l = (-lambda).exp();
        let (mut k, mut p) = (0u64, 1.0);
        loop {
            p *= self.uniform();
            if p <= l {
                return k;
            }
            k += 1;
        }
    }
}

/// One synthetic retailer × SKU monthly series of `len` months: intermittent demand with a
/// per-series rate, occasional Spring-Festival lift in January/February, and some series that
/// stop (delisted) or start late. Values are integer cartons stored as `f64`.
pub fn intermittent_series(rng: &mut Rng, len: usize, out: &mut Vec<f64>) {
    out.clear();
    let p = 0.1 + 0.8 * rng.uniform(); // demand probability per month
    let size = 1.0 + 6.0 * rng.uniform() * rng.uniform() * 3.0;
    let stop = if rng.uniform() < 0.1 {
        (rng.uniform() * len as f64) as usize
    } else {
        len
    };
    let start = if rng.uniform() < 0.1 {
        (rng.uniform() * len as f64 * 0.5) as usize
    } else {
        0
    };
    for t in 0..len {
        let month = t % 12;
        let lift = if month < 2 { 1.5 } else { 1.0 };
        let v = if t >= start && t < stop && rng.uniform() < p {
            1 + rng.poisson(size * lift - 1.0).min(1000)
        } else {
            0
        };
        out.push(v as f64);
    }
}

/// Monthly series with trend, mild season and a Spring Festival peak that moves with the lunar
/// calendar: the pre-festival window of each month adds `peak` × share to the demand.
pub fn festival_series(
    rng: &mut Rng, year: i32, month: u32, len: usize, peak: f64, noise: f64,
) -> Vec<f64> {
    let w = crate::festival::regressor(year, month, len);
    (0..len)
        .map(|t| {
            let cal = (month as usize - 1 + t) % 12;
            let season = 1.0 + 0.08 * ((cal as f64) * std::f64::consts::TAU / 12.0).sin();
            let level = 200.0 + 0.8 * t as f64;
            (level * season * (1.0 + peak * w[t]) + noise * rng.normal()).max(1.0)
        })
        .collect()
}
