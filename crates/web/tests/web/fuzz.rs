//! Schema-driven fuzzing of the whole API: every route the router serves (read from its OpenAPI
//! document), as the people who reach deepest into it, with hostile path parameters, query
//! strings and bodies derived from a valid request — each field replaced in turn by extremes of
//! every JSON type. Whatever is sent, the answer is never a 5xx and the connection is never
//! dropped.
use crate::authz::{Sample, api_routes, sample};
use crate::harness::*;

/// What a field is replaced with: extremes of every JSON type.
fn hostile_values() -> Vec<Value> {
    vec![
        json!(i64::MAX),
        json!(i64::MIN),
        json!(-1),
        json!(1.0e308),
        json!(0.5),
        json!(""),
        json!("字".repeat(20_000)),
        json!("\u{0}\u{202e}<script>'\"--"),
        json!(null),
        json!(true),
        json!([]),
        json!([{}, {}, {}]),
        json!({}),
        json!("99999999999999999999999"),
    ]
}

/// Hostile values for a path parameter.
const HOSTILE_SEGMENTS: [&str; 8] = [
    "9999-99",
    "0000-W00",
    "99999999999999999999999",
    "-1",
    "%00",
    "..%2F..%2Fetc",
    "%E5%AD%97%E5%AD%97%E5%AD%97",
    "a%20b",
];

/// Hostile query strings for a GET.
const HOSTILE_QUERIES: [&str; 5] = [
    "?page=-1&per_page=999999999",
    "?page=99999999999999999999&per_page=0",
    "?q=%00%27%22--&from=0000-01-01&to=9999-12-31",
    "?month=2026-13&username=%E5%AD%97&by=everything&wait=maybe",
    "?tier_min=31&tier_max=-5&format=X&county_id=abc&sample_point=perhaps",
];

/// The bodies to send in place of the valid one: each top-level field replaced by each hostile
/// value, the field removed, and whole bodies of the wrong shape.
fn hostile_bodies(valid: &Value) -> Vec<Value> {
    let mut out = vec![json!(null), json!([]), json!("body"), json!(i64::MAX)];
    if let Some(obj) = valid.as_object() {
        for key in obj.keys() {
            for v in hostile_values() {
                let mut b = valid.clone();
                b[key] = v;
                out.push(b);
            }
            let mut b = valid.clone();
            b.as_object_mut().unwrap().remove(key);
            out.push(b);
        }
        // Arrays of objects (lines): their fields too.
        for (key, arr) in obj {
            if let Some(first) = arr
                .as_array()
                .and_then(|a| a.first())
                .and_then(|f| f.as_object())
            {
                for inner in first.keys() {
                    for v in hostile_values() {
                        let mut b = valid.clone();
                        b[key][0][inner] = v;
                        out.push(b);
                    }
                }
                let mut b = valid.clone();
                b[key] = json!(vec![arr[0].clone(); 20_000]);
                out.push(b);
            }
        }
    }
    out
}

async fn check(
    t: &TestApp, c: &Client, method: &str, url: String, body: Option<&Value>,
    failures: &mut Vec<String>,
) {
    let req = match method {
        "GET" => c.get(&url),
        "PUT" => c.put(&url),
        "POST" => c.post(&url),
        _ => c.delete(&url),
    };
    let req = match body {
        Some(b) => req.json(b),
        None => req.header("content-type", "application/json"),
    };
    match req.send().await {
        Ok(r) if r.status().is_server_error() => {
            let s = r.status();
            let text = r.text().await.unwrap_or_default();
            let b = body.map(|b| b.to_string()).unwrap_or_default();
            let b: String = b.chars().take(200).collect();
            failures.push(format!("{method} {url} {b}: {s} {text}"));
        }
        Ok(_) => {}
        Err(e) => failures.push(format!("{method} {url}: connection {e}")),
    }
    let _ = t;
}

/// The people whose rights reach deepest: the rep (entry, sheets, visits), the market manager
/// (review, comments), the brand manager (cultivation), the center (supply, balancing, model).
async fn fuzz_as(t: &TestApp, s: &Sample, me: &str, routes: &[(String, String)]) -> Vec<String> {
    let c = t.login(me).await;
    let mut failures = Vec::new();
    for (m, p) in routes {
        if m == "DELETE" && p == "/api/v1/session" {
            continue;
        }
        let url = t.url(&s.path(p));
        // Hostile bodies.
        if let Some(valid) = s.body(m, p, me) {
            for b in hostile_bodies(&valid) {
                check(t, &c, m, url.clone(), Some(&b), &mut failures).await;
            }
        }
        // Hostile path parameters, one parameter at a time.
        let params: Vec<&str> = p.split('/').filter(|seg| seg.starts_with('{')).collect();
        for param in params {
            for bad in HOSTILE_SEGMENTS {
                let path = s.path(&p.replace(param, bad));
                let body = s.body(m, p, me);
                check(t, &c, m, t.url(&path), body.as_ref(), &mut failures).await;
            }
        }
        if m == "GET" {
            for q in HOSTILE_QUERIES {
                check(t, &c, m, format!("{url}{q}"), None, &mut failures).await;
            }
        }
    }
    failures
}

both_backends!(
    no_request_answers_5xx,
    Start::CityWithModel,
    async |t: TestApp| {
        let (s, rep, mm, _) = sample(&t).await;
        let routes = api_routes(&t).await;
        let mut failures = Vec::new();
        let people = [
            rep,
            mm,
            t.user_of_role("brand_manager").await,
            t.user_of_role("marketing_center").await,
        ];
        for me in &people {
            failures.extend(fuzz_as(&t, &s, me, &routes).await);
        }
        assert!(
            failures.is_empty(),
            "{} requests answered 5xx:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
);
