//! 预警 (domain.md §6): the four warnings of the 135 system per role — the page `/warnings`
//! (list, one warning with its history and the handling forms) and the API `/api/v1/warnings…`;
//! the rules and who sees what live in `app::warnings`.

pub(crate) mod api;
pub(crate) mod pages;
