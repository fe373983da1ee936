//! Property tests: finite non-negative forecasts for non-negative input, determinism, and
//! independence from the order in which series are given.

use forecast::{Config, Method, SeriesInput, forecast_batch, forecast_series};
use proptest::prelude::*;

fn series() -> impl Strategy<Value = Vec<f64>> {
    prop_oneof![
        // intermittent counts
        prop::collection::vec(
            prop_oneof![3 => Just(0.0), 1 => (1u32..20).prop_map(f64::from)],
            1..40
        ),
        // regular positive demand
        prop::collection::vec((0u32..500).prop_map(f64::from), 1..40),
    ]
}

fn method() -> impl Strategy<Value = Method> {
    prop::sample::select(vec![
        Method::Auto,
        Method::Ses,
        Method::Damped,
        Method::Dotm,
        Method::Theta,
        Method::Croston,
        Method::Tsb,
        Method::Imapa,
        Method::SeasonalNaive,
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn finite_and_non_negative(y in series(), m in method(), h in 1usize..13) {
        let cfg = Config { method: m, ..Config::new(h) };
        let f = forecast_series(&SeriesInput::new(&y), &cfg).unwrap();
        prop_assert_eq!(f.mean.len(), h);
        for i in 0..cfg.levels.len() {
            for v in f.mean.iter().chain(f.lower(i)).chain(f.upper(i)) {
                prop_assert!(v.is_finite() && *v >= 0.0, "{:?}", f);
            }
        }
    }

    #[test]
    fn deterministic(y in series(), h in 1usize..13) {
        let cfg = Config::new(h);
        let a = forecast_series(&SeriesInput::new(&y), &cfg).unwrap();
        let b = forecast_series(&SeriesInput::new(&y), &cfg).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn invariant_to_series_order(ys in prop::collection::vec(series(), 1..6), seed in any::<u64>()) {
        let cfg = Config::new(4);
        let inputs: Vec<SeriesInput<'_>> = ys.iter().map(|y| SeriesInput::new(y)).collect();
        let mut order: Vec<usize> = (0..ys.len()).collect();
        // a seeded shuffle
        let mut s = seed | 1;
        for i in (1..order.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            order.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let shuffled: Vec<SeriesInput<'_>> = order.iter().map(|&i| inputs[i]).collect();
        let a = forecast_batch(&inputs, &cfg, None);
        let b = forecast_batch(&shuffled, &cfg, None);
        for (k, &i) in order.iter().enumerate() {
            prop_assert_eq!(&a[i], &b[k]);
        }
    }
}
