//! 待办 (domain.md §8.2 B5 沟通绿色通道): the green-channel items a person received — the page
//! `/inbox` and the API `/api/v1/inbox`, `/api/v1/green/{id}`.

pub(crate) mod api;
pub(crate) mod pages;
