//! Signing in and out: the login form with its CSRF token, the API session and its errors.
use crate::harness::*;

both_backends!(login_form_csrf_and_logout, async |t: TestApp| {
    let rep = t.user_of_role("account_manager").await;
    let c = t.client();
    // Not signed in: pages redirect to the login page, the API answers 401.
    let r = t.get(&c, "/retailers").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // To the login page, coming back here after (`next`, URL-encoded or not).
    let to = reqwest::Url::parse(&t.url(&location(&r))).expect("location");
    assert_eq!(to.path(), "/login", "{to}");
    assert_eq!(
        to.query_pairs()
            .find(|(k, _)| k == "next")
            .map(|(_, v)| v.into_owned())
            .as_deref(),
        Some("/retailers"),
        "{to}"
    );
    let (s, v) = t.get_json(&c, "/api/v1/me").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(v["status"], 401);
    // The login page is in Chinese and carries a CSRF token.
    let (s, page) = t.get_html(&c, "/login").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("登录")
            && page.contains("lang=\"zh-CN\"")
            && page.contains("width=device-width")
    );
    let csrf = hidden(&page, "csrf");
    // A form without the session's token is refused.
    let (s, body) = t
        .post_form(
            &c,
            "/login",
            &[
                ("username", rep.as_str()),
                ("password", PASSWORD),
                ("csrf", "forged"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(body.contains("页面已过期"));
    // Wrong password: the same page with a clear message, no session.
    let (s, body) = t
        .post_form(
            &c,
            "/login",
            &[
                ("username", rep.as_str()),
                ("password", "wrong"),
                ("csrf", csrf.as_str()),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(body.contains("用户名或密码错误"));
    // Missing password field.
    let (s, body) = t
        .post_form(
            &c,
            "/login",
            &[("username", rep.as_str()), ("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(body.contains("请输入密码"));
    // A foreign `next` is not followed.
    let r = t
        .post_form_raw(
            &c,
            "/login",
            &[
                ("username", rep.as_str()),
                ("password", PASSWORD),
                ("csrf", csrf.as_str()),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/");
    let (s, home) = t.get_html(&c, "/").await;
    assert_eq!(s, StatusCode::OK);
    assert!(home.contains("我的辖区"));
    // Logout needs the (rotated) token.
    let token = hidden(&home, "csrf");
    assert_ne!(token, csrf, "the CSRF token is renewed at login");
    let (s, _) = t.post_form(&c, "/logout", &[("csrf", "forged")]).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = t
        .post_form(&c, "/logout", &[("csrf", token.as_str())])
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(t.get(&c, "/").await.status(), StatusCode::SEE_OTHER);
});

both_backends!(api_session_errors, async |t: TestApp| {
    let c = t.client();
    let post = |body: &'static str, ct: &'static str| {
        c.post(t.url("/api/v1/session"))
            .header("content-type", ct)
            .body(body)
            .send()
    };
    let (s, v) = json_of(
        post(
            r#"{"username":"admin","password":"nope"}"#,
            "application/json",
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(v["title"], "未登录");
    let (s, v) = json_of(
        post(r#"{"username":"admin"}"#, "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["detail"].as_str().unwrap().contains("password"), "{v}");
    let (s, v) = json_of(post("not json", "application/json").await.unwrap()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["detail"].as_str().unwrap().contains("JSON"));
    let (s, v) = json_of(
        post(r#"{"username":"admin","password":"x"}"#, "text/plain")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["detail"].as_str().unwrap().contains("Content-Type"));
    let (s, v) = json_of(
        post(r#"{"username":"","password":"x"}"#, "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["field"], "username");
    let admin = t.login("admin").await;
    let (s, v) = t.get_json(&admin, "/api/v1/me").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["role"], "admin");
    let r = admin.delete(t.url("/api/v1/session")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        t.get_json(&admin, "/api/v1/me").await.0,
        StatusCode::UNAUTHORIZED
    );
});
