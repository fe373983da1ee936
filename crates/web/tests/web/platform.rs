//! What every area stands on: health, embedded static assets, the API's 404, the OpenAPI document.
use crate::harness::*;

both_backends!(health_and_static, async |t: TestApp| {
    let c = t.client();
    let r = t.get(&c, "/healthz").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.unwrap(), "ok");
    let r = t.get(&c, "/static/vendor/htmx.min.js").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    let r = t.get(&c, "/static/app.css").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        t.get(&c, "/static/nope.js").await.status(),
        StatusCode::NOT_FOUND
    );
    let (s, v) = t.get_json(&c, "/api/v1/nothing-here").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(v["detail"].as_str().unwrap().contains("不存在"));
});

both_backends!(openapi_lists_the_api, async |t: TestApp| {
    let (_, c) = t.login_as(Role::AccountManager).await;
    let (s, doc) = t.get_json(&c, "/api/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    for p in [
        "/api/v1/session",
        "/api/v1/me",
        "/api/v1/staff",
        "/api/v1/retailers",
        "/api/v1/retailers/{code}",
        "/api/v1/products",
        "/api/v1/home",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} missing from OpenAPI");
    }
    // The week's endpoints.
    assert!(doc["paths"]["/api/v1/sheets/{username}/{week}"]["put"].is_object());
    assert!(doc["paths"]["/api/v1/visits"]["post"].is_object());
    // Every operation is tagged with its area, and every area's tag is described.
    let described: Vec<&str> = doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let tag = op["tags"][0].as_str().unwrap_or_default();
            assert!(described.contains(&tag), "{method} {path}: tag {tag:?}");
        }
    }
    assert_eq!(
        doc["paths"]["/api/v1/balance/{month}/run"]["post"]["tags"][0],
        "balance"
    );
    let r = t.get(&c, "/api/docs/").await;
    assert_eq!(r.status(), StatusCode::OK);
});
