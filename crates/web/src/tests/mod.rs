//! 应知应会 monthly tests (issue 14 ③): the centre's question bank (`/tests/bank`) and monthly
//! papers (`/tests`), a paper taken on the phone (`/tests/{id}`), the results per person and per
//! question (`/tests/{id}/results`); the API twins. The rules live in `app::exam`.

pub(crate) mod api;
pub(crate) mod pages;
