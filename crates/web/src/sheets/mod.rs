//! 一张纸 (domain.md §8): the rep's one-sheet of a week from draft to print and Excel — the
//! pages `/sheets…` and the API `/api/v1/sheets…`.

pub(crate) mod api;
pub(crate) mod pages;
