//! Errors of the application layer; the web maps each kind once to a page or a JSON problem.
use domain::ParseError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Bad input: which field, what is wrong (Chinese, user-facing).
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("未登录或登录已过期")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// A business rule refuses the request (422 不符合规则), e.g. a sixth priority on the one-sheet.
    #[error("{0}")]
    Rule(String),
    /// Too many failed attempts: refused until the lockout ends (429).
    #[error("{0}")]
    TooManyRequests(String),
    #[error("内部错误")]
    Store(#[from] store::StoreError),
}

impl AppError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> AppError {
        AppError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<ParseError> for AppError {
    fn from(e: ParseError) -> AppError {
        AppError::Invalid {
            field: e.field.to_string(),
            message: e.message,
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// A month typed into `field` (YYYY-MM), refused by that field's name.
pub(crate) fn month_field(field: &str, s: &str) -> AppResult<domain::Month> {
    domain::Month::parse(s.trim()).map_err(|e| AppError::invalid(field, e.message))
}
