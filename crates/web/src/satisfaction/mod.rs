//! 客户满意度 (domain.md §6): the page `/satisfaction` (the waves, the scope's score per item and
//! in total against the target, one level down, paper entry by the survey panel), the retailer's
//! answer page `/pos/satisfaction` behind its POS credential; the API twins. The rules live in
//! `app::satisfaction`.

pub(crate) mod api;
pub(crate) mod pages;

use app::satisfaction::Answers;
use serde::Deserialize;

/// The wave asked for.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct WaveParams {
    /// 调查编号 (default: the latest wave with answers).
    pub wave: Option<i64>,
}

/// The answer sheet of a form: `a_<item>_<sub-item>` = the scale index chosen.
pub fn answers_of(f: &crate::extract::Fields, q: &domain::satisfaction::Questionnaire) -> Answers {
    q.items
        .iter()
        .enumerate()
        .map(|(k, it)| {
            (0..it.sub_items.len())
                .map(|j| f.get(&format!("a_{k}_{j}")).parse().ok())
                .collect()
        })
        .collect()
}
