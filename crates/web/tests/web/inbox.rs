//! The green channel (`/inbox`, `/api/v1/inbox`, `/api/v1/green`, domain.md §8.2 B5): an item
//! reaches its recipient, who alone handles it, forward only. Items to retailers handled on the
//! sheet page are in `sheets`.
use crate::harness::*;

/// B5 (the one-sheet walk): a green-channel item to the marketing director, answered by its
/// recipient; only the recipient handles it; an answer needs its text; no step backwards.
pub async fn step_green_channel_answered(t: &TestApp, c: &Client, w1: &str) {
    let _s = step("inbox: B5 — a green-channel item answered by its recipient");
    let (s, g) = t.post_json(c, &format!("{w1}/green"), &json!({"counterpart": "MARKETING_DIRECTOR", "kind": "ANOMALY", "content": "某店疑似串货", "channel": "PHONE"})).await;
    assert_eq!(s, StatusCode::CREATED, "{g}");
    assert_eq!(g["status"], "SENT");
    let director = store::repo::staff::by_id(t.db(), g["recipient_id"].as_i64().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(director.role, "marketing_director");
    let dc = t.login(&director.username).await;
    let (s, inbox) = t.get_json(&dc, "/api/v1/inbox").await;
    assert_eq!(s, StatusCode::OK);
    assert!(inbox.as_array().unwrap().iter().any(|x| x["id"] == g["id"]));
    let gid = g["id"].as_i64().unwrap();
    let item = format!("/api/v1/green/{gid}");
    // Only the recipient handles it.
    let (s, _) = t.post_json(c, &item, &json!({"status": "RECEIVED"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, x) = t
        .post_json(&dc, &item, &json!({"status": "RECEIVED"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{x}");
    assert!(!x["received_at"].is_null());
    let (s, _) = t
        .post_json(&dc, &item, &json!({"status": "ANSWERED"}))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "an answer needs its text");
    let (s, x) = t
        .post_json(
            &dc,
            &item,
            &json!({"status": "ANSWERED", "answer": "已转专卖核查"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(!x["answered_at"].is_null());
    let (s, _) = t
        .post_json(&dc, &item, &json!({"status": "RECEIVED"}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "no step backwards");
    let (s, page) = t
        .get_html(&t.login_form(&director.username).await, "/inbox")
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("某店疑似串货") && page.contains("已答复"));
}
