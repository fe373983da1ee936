//! The person's own account: changing the password (page and API), an issued password changed
//! before anything else, the password policy, the session's absolute limit.
use crate::harness::*;

// An administrator issues a password (`m135 user add`): its owner signs in, is sent to change it,
// and nothing else answers until they do.
both_backends!(issued_password_is_changed_first, async |t: TestApp| {
    let actor = app::bootstrap::system_actor("test");
    let n = app::staff::NewStaff {
        username: "yx90".into(),
        name: "新同事".into(),
        role: domain::org::Role::MarketingCenter,
        org_unit_code: None,
        supervisor_username: None,
        password: "issued-pass-1".into(),
    };
    app::staff::add(&t.app, &actor, &n).await.expect("add");
    let c = t.login_with("yx90", "issued-pass-1").await;
    let r = t.get(&c, "/").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/account/password");
    let (s, p) = t.get_json(&c, "/api/v1/home").await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("初始密码"), "{p}");
    let (s, me) = t.get_json(&c, "/api/v1/me").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["must_change_password"], true);

    let (s, page) = t.get_html(&c, "/account/password").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("请先设置自己的密码"), "{page}");
    let csrf = hidden(&page, "csrf");
    let post = |cur: &'static str, new: &'static str, again: &'static str| {
        let csrf = csrf.clone();
        let c = c.clone();
        let url = t.url("/account/password");
        async move {
            let r = c
                .post(url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("current_password", cur),
                    ("new_password", new),
                    ("confirm_password", again),
                ])
                .send()
                .await
                .unwrap();
            let s = r.status();
            (s, r.text().await.unwrap())
        }
    };
    let (s, page) = post("issued-pass-1", "short", "short").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(page.contains("至少 10 个字符"), "{page}");
    let (s, page) = post("issued-pass-1", "my-own-pass-1", "my-own-pass-2").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(page.contains("不一致"), "{page}");
    let (s, page) = post("wrong-current", "my-own-pass-1", "my-own-pass-1").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(page.contains("当前密码不正确"), "{page}");
    let (s, _) = post("issued-pass-1", "yx90", "yx90").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = post("issued-pass-1", "my-own-pass-1", "my-own-pass-1").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _) = t.get_html(&c, "/").await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = t.get_json(&c, "/api/v1/home").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(t.audit_count("auth.password_change").await, 1);
    // The old password no longer signs in; the new one does.
    let r = t
        .client()
        .post(t.url("/api/v1/session"))
        .json(&json!({"username": "yx90", "password": "issued-pass-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    t.login_with("yx90", "my-own-pass-1").await;
});

// Everyone changes their own password through the API too, and every page offers the link.
both_backends!(password_change_by_api, async |t: TestApp| {
    let rep = t.user_of_role("account_manager").await;
    let c = t.login(&rep).await;
    let (_, page) = t.get_html(&c, "/").await;
    assert!(page.contains("href=\"/account/password\""));
    let change = |cur: &str, new: &str| {
        c.put(t.url("/api/v1/me/password"))
            .json(&json!({"current_password": cur, "new_password": new}))
            .send()
    };
    let (s, p) = json_of(change("nope", "rep-own-pass-1").await.unwrap()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(p["field"], "current_password");
    let (s, p) = json_of(change(PASSWORD, "m135demo").await.unwrap()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{p}");
    let r = change(PASSWORD, "rep-own-pass-1").await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    t.login_with(&rep, "rep-own-pass-1").await;
});

// A session ends 24 hours after its sign-in however much it is used (policy
// `signin.session_absolute_hours`), and after 12 hours unused (`signin.session_idle_minutes`).
both_backends!(session_absolute_limit, async |t: TestApp| {
    // The test city's sessions are long (the walks); back to the policy's default.
    let actor = store::audit::Actor::system("test");
    let default = domain::config::SignInPolicy::default();
    assert_eq!(default.session_absolute_hours, 24);
    store::repo::config::set_section(t.db(), &actor, "signin", &json!(default))
        .await
        .unwrap();
    let rep = t.user_of_role("account_manager").await;
    t.at_utc(2026, 11, 16, 2, 0);
    let c = t.login(&rep).await;
    // Used every few hours: alive until 24 hours after the sign-in.
    for (d, h, m) in [(16, 10, 0), (16, 20, 0), (17, 1, 59)] {
        t.at_utc(2026, 11, d, h, m);
        let (s, _) = t.get_json(&c, "/api/v1/me").await;
        assert_eq!(s, StatusCode::OK, "{d} {h}:{m}");
    }
    t.at_utc(2026, 11, 17, 2, 0);
    let (s, _) = t.get_json(&c, "/api/v1/me").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // Unused for 12 hours: over, however young.
    let c = t.login(&rep).await;
    t.at_utc(2026, 11, 17, 13, 59);
    let (s, _) = t.get_json(&c, "/api/v1/me").await;
    assert_eq!(s, StatusCode::OK);
    t.at_utc(2026, 11, 18, 1, 59);
    let (s, _) = t.get_json(&c, "/api/v1/me").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let r = t.get(&c, "/").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/login"));
});
