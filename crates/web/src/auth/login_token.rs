//! The login form's CSRF token, kept in a cookie of its own rather than in a session, so that an
//! anonymous visitor of the login page writes nothing to the session table (a crawler or a
//! flood of `GET /login` cannot fill it).
//!
//! Login CSRF (a foreign site posting its own credentials to `/login` so that the victim works
//! signed in as the attacker) is refused by a double-submit check: the form's hidden `csrf`
//! field must equal the `m135_login` cookie. A foreign page can neither read that cookie nor
//! set it for this site, and the cookie is `SameSite=Strict`, so a cross-site POST does not
//! even carry it. The cookie is random (128 bits), `HttpOnly`, limited to `/login`, `Secure`
//! when [`crate::Options::secure_cookies`] says so, and removed once the person is signed in,
//! when the session's own CSRF token takes over.
use crate::extract::random_token;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use tower_sessions::cookie::{Cookie, SameSite};

const COOKIE: &str = "m135_login";

/// The token of a login page being shown: the visitor's cookie when they have one (two open
/// login tabs both work), else a new one that the answer sets.
pub(crate) struct LoginToken {
    pub value: String,
    new: bool,
}

impl LoginToken {
    /// The visitor's token, or a new one.
    pub fn current_or_new(headers: &HeaderMap) -> LoginToken {
        match cookie_of(headers) {
            Some(value) => LoginToken { value, new: false },
            None => LoginToken {
                value: random_token(),
                new: true,
            },
        }
    }

    /// Whether a submitted form token is the visitor's cookie.
    pub fn matches(headers: &HeaderMap, submitted: &str) -> bool {
        cookie_of(headers).is_some_and(|t| t == submitted)
    }

    /// Set the cookie on the answer when the token is new.
    pub fn set_on(&self, res: &mut Response, secure: bool) {
        if self.new {
            let c = Cookie::build((COOKIE, self.value.clone()))
                .path("/login")
                .http_only(true)
                .same_site(SameSite::Strict)
                .secure(secure);
            append_cookie(res, c.build());
        }
    }

    /// Remove the cookie (signed in: the session's token takes over).
    pub fn clear_on(res: &mut Response, secure: bool) {
        let c = Cookie::build((COOKIE, ""))
            .path("/login")
            .http_only(true)
            .same_site(SameSite::Strict)
            .secure(secure)
            .max_age(tower_sessions::cookie::time::Duration::ZERO);
        append_cookie(res, c.build());
    }
}

fn append_cookie(res: &mut Response, c: Cookie<'_>) {
    if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// The request's login cookie, when it has the shape of a token (32 hex digits).
fn cookie_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}
