//! What every answer carries and what bounds a request (`web::Options`): the security headers
//! and the Content-Security-Policy the pages keep (no inline script, handler or style), no
//! session row for an anonymous visitor (the login form's own CSRF cookie), `Secure` cookies,
//! the request timeout (the MODEL forecast with `?wait=true` excepted), the concurrency limit and
//! the graceful stop on SIGTERM.
use crate::harness::*;
use std::time::{Duration, Instant};
use store::Db;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The same app and database as `t`, served on another port with other options.
pub async fn serve_with(t: &TestApp, options: web::Options) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let router = web::router_with(t.app.clone(), &options)
        .await
        .expect("router");
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, service).await;
    });
    base
}

/// A client that follows redirects, signed in through the API.
async fn following(t: &TestApp, username: &str) -> Client {
    let c = Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let r = c
        .post(t.url("/api/v1/session"))
        .json(&json!({"username": username, "password": PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), StatusCode::OK);
    c
}

fn header<'a>(r: &'a Response, name: &str) -> &'a str {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The headers every answer of a page or the API carries.
fn assert_secured(r: &Response, what: &str) {
    let csp = header(r, "content-security-policy");
    assert!(
        csp.contains("default-src 'self'")
            && csp.contains("script-src 'self'")
            && csp.contains("frame-ancestors 'none'")
            && !csp.contains("unsafe"),
        "{what}: {csp}"
    );
    assert_eq!(header(r, "x-frame-options"), "DENY", "{what}");
    assert_eq!(header(r, "x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header(r, "referrer-policy"), "same-origin", "{what}");
}

/// What the policy would block in a page: an inline `<script>`, an `on…=` handler, a `style=`
/// attribute or a `<style>` element.
fn inline_code(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (i, _) in html.match_indices("<script") {
        let tag = &html[i..i + html[i..].find('>').unwrap_or(0)];
        if !tag.contains(" src=") {
            found.push(tag.to_string());
        }
    }
    if html.contains("<style") {
        found.push("<style>".into());
    }
    let lower = html.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    for (i, _) in lower.match_indices(" on") {
        let name: String = lower[i + 3..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase())
            .collect();
        if !name.is_empty() && bytes.get(i + 3 + name.len()) == Some(&b'=') {
            found.push(format!("on{name}="));
        }
    }
    for (i, _) in lower.match_indices(" style=") {
        found.push(lower[i..(i + 40).min(lower.len())].to_string());
    }
    found
}

both_backends!(security_headers_on_every_answer, async |t: TestApp| {
    let anon = t.client();
    // The login page (anonymous), a redirect, an unknown page and an unknown API path.
    for path in ["/login", "/", "/no-such-page", "/api/v1/no-such"] {
        let r = t.get(&anon, path).await;
        assert_secured(&r, path);
        assert_eq!(header(&r, "cache-control"), "no-store", "{path}");
    }
    // Pages and API answers of a signed-in person are never stored.
    let rep = t.user_of_role("account_manager").await;
    let c = t.login(&rep).await;
    for path in ["/", "/today", "/api/v1/me", "/api/v1/home"] {
        let r = t.get(&c, path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_secured(&r, path);
        assert_eq!(header(&r, "cache-control"), "no-store", "{path}");
    }
    // Static files stay cacheable; the location script of /today is one of them.
    for (path, kind) in [
        ("/static/app.css", "text/css"),
        ("/static/vendor/htmx.min.js", "text/javascript"),
        ("/static/geo.js", "text/javascript"),
    ] {
        let r = t.get(&anon, path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_secured(&r, path);
        assert!(header(&r, "content-type").starts_with(kind), "{path}");
        assert_eq!(header(&r, "cache-control"), "public, max-age=3600");
    }
    let (_, today) = t.get_html(&c, "/today").await;
    assert!(today.contains(r#"<script src="/static/geo.js" defer></script>"#));
    // The Swagger UI: its own policy (inline styles and data: images, still no inline script);
    // its page loads its scripts as files.
    let r = t.get(&anon, "/api/docs/").await;
    assert_eq!(r.status(), StatusCode::OK);
    let csp = header(&r, "content-security-policy").to_string();
    assert!(
        csp.contains("script-src 'self';")
            && csp.contains("style-src 'self' 'unsafe-inline'")
            && csp.contains("img-src 'self' data:")
            && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(header(&r, "x-frame-options"), "DENY");
    let docs = r.text().await.unwrap();
    assert!(docs.contains("swagger-ui-bundle.js"), "{docs}");
    assert!(
        inline_code(&docs).iter().all(|s| !s.starts_with("<script")),
        "{docs}"
    );
});

both_backends!(pages_need_no_inline_code, async |t: TestApp| {
    // Every page of every role's menu (and a retailer's page with its chart) as rendered: nothing
    // the Content-Security-Policy would block.
    let login = t.get_html(&t.client(), "/login").await.1;
    assert_eq!(inline_code(&login), Vec::<String>::new(), "/login");
    let mut seen = 0;
    for role in [
        "account_manager",
        "market_manager",
        "brand_manager",
        "marketing_center",
        "marketing_director",
    ] {
        let who = t.user_of_role(role).await;
        let c = following(&t, &who).await;
        let home = c
            .get(t.url("/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let nav = &home[home.find("<nav class=\"menu\">").expect("menu")..];
        let nav = &nav[..nav.find("</nav>").unwrap()];
        let mut paths: Vec<String> = nav
            .split("href=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .filter(|p| !p.starts_with("/api/"))
            .map(str::to_string)
            .collect();
        if role == "account_manager" {
            paths.push(format!("/retailers/{}", t.first_retailer_of(&who).await));
        }
        for path in paths {
            let r = c.get(t.url(&path)).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{role} {path}");
            let html = r.text().await.unwrap();
            assert_eq!(inline_code(&html), Vec::<String>::new(), "{role} {path}");
            seen += 1;
        }
    }
    assert!(seen > 30, "{seen} pages");
});

/// Rows of the session table (tower-sessions' sqlx stores).
async fn session_rows(t: &TestApp) -> i64 {
    let sql = match t.db() {
        Db::Sqlite(_) => "SELECT COUNT(*) FROM tower_sessions",
        Db::Postgres(_) => "SELECT COUNT(*) FROM tower_sessions.session",
    };
    t.scalar_i64(sql, &[]).await
}

both_backends!(anonymous_visitors_write_no_session, async |t: TestApp| {
    let before = session_rows(&t).await;
    let c = t.client();
    // The login page twice, by two visitors; a page that sends them to it; an unknown page.
    let r = t.get(&c, "/login").await;
    assert_eq!(r.status(), StatusCode::OK);
    let cookie = header(&r, "set-cookie").to_string();
    assert!(
        cookie.starts_with("m135_login=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Path=/login")
            && !cookie.contains("Secure"),
        "{cookie}"
    );
    assert!(!cookie.contains("m135_session"), "{cookie}");
    let first = hidden(&r.text().await.unwrap(), "csrf");
    let (s, page) = t.get_html(&c, "/login").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        hidden(&page, "csrf"),
        first,
        "the visitor keeps their token"
    );
    let other = t.client();
    let r = t.get(&other, "/login?next=/retailers").await;
    assert!(header(&r, "set-cookie").starts_with("m135_login="));
    let others = hidden(&r.text().await.unwrap(), "csrf");
    assert_ne!(others, first);
    assert_eq!(
        t.get(&c, "/retailers").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(t.get(&c, "/nope").await.status(), StatusCode::NOT_FOUND);
    // A wrong password and a stale form show the form again, still without a session.
    let rep = t.user_of_role("account_manager").await;
    let (rep, first, others) = (rep.as_str(), first.as_str(), others.as_str());
    let (s, body) = t
        .post_form(
            &c,
            "/login",
            &[("username", rep), ("password", "wrong"), ("csrf", first)],
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(body.contains("用户名或密码错误"));
    assert_eq!(
        session_rows(&t).await,
        before,
        "no session row for visitors"
    );

    // Login CSRF: another visitor's token (a form a foreign page would post) without that
    // visitor's cookie is refused, even with the right password.
    let (s, body) = t
        .post_form(
            &c,
            "/login",
            &[("username", rep), ("password", PASSWORD), ("csrf", others)],
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(body.contains("页面已过期"));
    let bare = t.client();
    let (s, body) = t
        .post_form(
            &bare,
            "/login",
            &[("username", rep), ("password", PASSWORD), ("csrf", first)],
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(body.contains("页面已过期"));
    assert_eq!(
        session_rows(&t).await,
        before,
        "no session row for visitors"
    );

    // Signing in creates the one session and removes the login cookie.
    let r = t
        .post_form_raw(
            &c,
            "/login",
            &[("username", rep), ("password", PASSWORD), ("csrf", first)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookies: Vec<&str> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("m135_session=")),
        "{cookies:?}"
    );
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("m135_login=;") && c.contains("Max-Age=0")),
        "{cookies:?}"
    );
    assert_eq!(session_rows(&t).await, before + 1);
    assert_eq!(t.get(&c, "/").await.status(), StatusCode::OK);
});

both_backends!(secure_cookies_when_configured, async |t: TestApp| {
    let plain = Client::new();
    let r = plain
        .post(t.url("/api/v1/session"))
        .json(&json!({"username": "admin", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert!(!header(&r, "set-cookie").contains("Secure"));
    assert_eq!(header(&r, "strict-transport-security"), "");
    let base = serve_with(
        &t,
        web::Options {
            secure_cookies: true,
            ..Default::default()
        },
    )
    .await;
    let r = plain.get(format!("{base}/login")).send().await.unwrap();
    // Served over HTTPS: browsers are told to come back only so.
    assert_eq!(header(&r, "strict-transport-security"), "max-age=31536000");
    let login = header(&r, "set-cookie");
    assert!(
        login.starts_with("m135_login=") && login.contains("; Secure"),
        "{login}"
    );
    let r = plain
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": "admin", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let session = header(&r, "set-cookie");
    assert!(
        session.starts_with("m135_session=") && session.contains("; Secure"),
        "{session}"
    );
});

/// Send a raw HTTP/1.1 request whose body arrives late: the head and `first` now, the rest of the
/// body after `delay` (never when `None`); the answer as text, read until the server closes.
async fn slow_request(
    base: &str, head: &str, first: &str, rest: Option<(&str, Duration)>,
) -> String {
    let addr = base.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).await.expect("connect");
    let len = first.len() + rest.map_or(1, |(r, _)| r.len());
    let req = format!(
        "{head}\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {len}\r\n\r\n{first}"
    );
    s.write_all(req.as_bytes()).await.expect("write");
    if let Some((rest, delay)) = rest {
        tokio::time::sleep(delay).await;
        s.write_all(rest.as_bytes()).await.expect("write rest");
    }
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut buf))
        .await
        .expect("an answer in time")
        .expect("read");
    String::from_utf8_lossy(&buf).into_owned()
}

both_backends!(
    slow_requests_time_out_the_model_run_does_not,
    async |t: TestApp| {
        let limit = Duration::from_millis(300);
        let base = serve_with(
            &t,
            web::Options {
                request_timeout: limit,
                ..Default::default()
            },
        )
        .await;
        // A form whose body never ends: 503 with the error page in Chinese, headers included.
        let form = "application/x-www-form-urlencoded";
        let started = Instant::now();
        let answer = slow_request(
            &base,
            &format!("POST /login HTTP/1.1\r\nContent-Type: {form}"),
            "username=a",
            None,
        )
        .await;
        assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
        assert!(
            answer.contains("请求处理超过 1 秒，已中止，请稍后重试"),
            "{answer}"
        );
        assert!(
            answer
                .to_ascii_lowercase()
                .contains("x-frame-options: deny")
        );
        assert!(started.elapsed() >= limit);
        // The API answers a JSON problem.
        let answer = slow_request(
            &base,
            "POST /api/v1/session HTTP/1.1\r\nContent-Type: application/json",
            "{",
            None,
        )
        .await;
        assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
        assert!(answer.contains("application/problem+json"), "{answer}");
        assert!(answer.contains("\"status\":503"), "{answer}");
        // A slow body within the limit is served.
        let answer = slow_request(
            &base,
            &format!("POST /login HTTP/1.1\r\nContent-Type: {form}"),
            "username=a",
            Some(("&password=b", Duration::from_millis(50))),
        )
        .await;
        assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");

        // The MODEL forecast run in the request takes longer than the limit, and is not cut.
        t.at(2026, 9, 2);
        let center = t.user_of_role("marketing_center").await;
        let r = Client::new()
            .post(t.url("/api/v1/session"))
            .json(&json!({"username": center, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        let cookie = header(&r, "set-cookie")
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let r = Client::new()
            .post(format!(
                "{base}/api/v1/forecasts/{MODEL_MONTH}/model?wait=true"
            ))
            .header("cookie", cookie)
            .header("content-type", "application/json")
            .send()
            .await
            .unwrap();
        let (s, run) = json_of(r).await;
        assert_eq!(s, StatusCode::OK, "{run}");
        assert!(run["written"].as_u64().unwrap() > 100, "{run}");
        assert!(
            run["seconds"].as_f64().unwrap() > limit.as_secs_f64(),
            "the run took longer than the limit: {run}"
        );
    }
);

both_backends!(
    requests_beyond_the_limit_wait_their_turn,
    async |t: TestApp| {
        let base = serve_with(
            &t,
            web::Options {
                max_concurrent_requests: 1,
                ..Default::default()
            },
        )
        .await;
        // One request holds the only permit until its body ends (after 800 ms); a health check sent
        // meanwhile is answered only after it.
        let form = "application/x-www-form-urlencoded";
        let started = Instant::now();
        let holder = {
            let base = base.clone();
            tokio::spawn(async move {
                let head = format!("POST /login HTTP/1.1\r\nContent-Type: {form}");
                let rest = Some(("&password=b", Duration::from_millis(800)));
                let answer = slow_request(&base, &head, "username=a", rest).await;
                (answer, started.elapsed())
            })
        };
        tokio::time::sleep(Duration::from_millis(200)).await;
        let r = Client::new()
            .get(format!("{base}/healthz"))
            .send()
            .await
            .unwrap();
        let waited = started.elapsed();
        assert_eq!(r.status(), StatusCode::OK);
        let (answer, held) = holder.await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
        assert!(
            waited >= Duration::from_millis(750),
            "the health check waited for the permit: {waited:?} (holder answered after {held:?})"
        );
        // Without the limit the same check does not wait.
        let started = Instant::now();
        let holder = tokio::spawn({
            let base = t.base.clone();
            async move {
                let head = format!("POST /login HTTP/1.1\r\nContent-Type: {form}");
                let rest = Some(("&password=b", Duration::from_millis(800)));
                slow_request(&base, &head, "username=a", rest).await
            }
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(
            t.get(&t.client(), "/healthz").await.status(),
            StatusCode::OK
        );
        assert!(started.elapsed() < Duration::from_millis(700));
        holder.await.unwrap();
    }
);

/// The child of `sigterm_lets_running_requests_finish`: serves with `web::serve` (which stops on
/// SIGTERM) in a process of its own, so the signal touches no other test. Does nothing unless
/// started by that test.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_child() {
    if std::env::var("M135_TEST_SIGTERM_CHILD").is_err() {
        return;
    }
    let t = TestApp::spawn(Backend::Sqlite).await.expect("app");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    println!("ADDR={}", listener.local_addr().expect("addr"));
    // Never outlive a parent that failed before sending the signal.
    let options = web::Options::default();
    let serve = web::serve(listener, t.app.clone(), &options);
    match tokio::time::timeout(Duration::from_secs(60), serve).await {
        Ok(served) => {
            served.expect("serve");
            println!("STOPPED");
        }
        Err(_) => println!("NO SIGNAL"),
    }
}

/// SIGTERM stops the server gracefully: it accepts no new connection, and the request already
/// running finishes with its answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_running_requests_finish() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(std::env::current_exe().expect("exe"))
        .args(["headers::sigterm_child", "--exact", "--nocapture"])
        .env("M135_TEST_SIGTERM_CHILD", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("child");
    let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut addr = String::new();
    let mut line = String::new();
    while out.read_line(&mut line).expect("read") > 0 {
        if let Some(a) = line.trim().strip_prefix("ADDR=") {
            addr = a.to_string();
            break;
        }
        line.clear();
    }
    assert!(!addr.is_empty(), "the child serves");
    let base = format!("http://{addr}");
    assert_eq!(
        Client::new()
            .get(format!("{base}/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    // A request running (its body still coming) when SIGTERM arrives.
    let running = tokio::spawn({
        let base = base.clone();
        async move {
            let head = "POST /login HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded";
            let rest = Some(("&password=b", Duration::from_millis(1000)));
            slow_request(&base, head, "username=a", rest).await
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        TcpStream::connect(&addr).await.is_err(),
        "no new connection after SIGTERM"
    );
    let answer = running.await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(answer.contains("页面已过期"), "{answer}");
    let status = tokio::task::spawn_blocking(move || {
        let mut rest = String::new();
        let _ = std::io::Read::read_to_string(&mut out, &mut rest);
        (child.wait().expect("wait"), rest)
    })
    .await
    .unwrap();
    assert!(status.0.success(), "{:?}", status.0);
    assert!(status.1.contains("STOPPED"), "{}", status.1);
}
