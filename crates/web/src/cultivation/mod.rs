//! 品牌培育 (domain.md §9.2): the brand manager's cultivation tasks — the page `/cultivation` and
//! the API `/api/v1/cultivation-tasks…`. The tasks land on the reps' one-sheet drafts as proposed
//! priorities (see `app::cultivation`).

pub(crate) mod api;
pub(crate) mod pages;
