//! Load generator for a running `m135 serve` (bench/load/run.sh drives it).
//!
//! Everyone on the staff list signs in once (`POST /api/v1/session`); each person's mix is the
//! menu of their home page (the `<nav class="menu">` links, redirects followed once to the page
//! they land on, plus `/meeting`) and the API twin of each page (`/` → `/api/v1/home`,
//! `/forecasts/M` → `/api/v1/forecasts/M`, …); a page or API answering anything but 200 at
//! discovery is left out of the mix and listed on stderr. A request of the mix is a person drawn
//! uniformly, then one of their paths drawn uniformly (seeded, so runs draw the same sequence).
//!
//! Then, on the same mix:
//! 1. open loop: requests go out on a fixed schedule (`--rate` per second) whatever the answers,
//!    each in its own task, and a request's latency runs from its *scheduled* send time to the
//!    last byte of its body, so a server stall shows in the figures instead of delaying the
//!    requests behind it (no coordinated omission). `--warmup` seconds first, not counted, then
//!    `--duration` seconds measured;
//! 2. closed loop: `--concurrency` workers each send the next request when the last one is
//!    answered, for `--capacity-secs` seconds: the answered requests per second is the capacity.
//!
//! Both run on the whole menu ("menu"), then, with `--skip /a,/b`, again on the mix without the
//! menu links starting with those prefixes (their pages and API twins: "light").
//!
//! stdout: per mix one line `label/mix rate requests errors p50 p90 p99 max capacity cap_errors`
//! (ms, req/s), for the run script's table. stderr: what discovery left out, each role's and
//! path's time at discovery (one request at a time: the cost of one request on an idle server),
//! and per mix the open loop's count, p50, p99 and max per role and path, the slowest requests
//! and the errors seen.
//!
//! Usage: cargo run --release -p web --example loadgen -- --url http://127.0.0.1:8135
//!        [--label NAME] [--rate 100] [--warmup 10] [--duration 30] [--concurrency 32]
//!        [--capacity-secs 20] [--skip /cycle,/meeting] [--center yxzx01] [--password m135demo]
//!        [--seed 1]
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use reqwest::{Client, StatusCode};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

struct Args {
    url: String,
    label: String,
    rate: f64,
    warmup: f64,
    duration: f64,
    concurrency: usize,
    capacity_secs: f64,
    center: String,
    password: String,
    seed: u64,
    skip: Vec<String>,
    /// Only the discovery: every person's first visit of each page, then the summary.
    pages_only: bool,
}

impl Args {
    fn parse() -> Result<Args, BoxError> {
        let mut a = Args {
            url: "http://127.0.0.1:8135".into(),
            label: "run".into(),
            rate: 100.0,
            warmup: 10.0,
            duration: 30.0,
            concurrency: 32,
            capacity_secs: 20.0,
            center: "yxzx01".into(),
            password: "m135demo".into(),
            seed: 1,
            skip: Vec::new(),
            pages_only: false,
        };
        let mut it = std::env::args().skip(1);
        while let Some(k) = it.next() {
            let mut v = || it.next().ok_or_else(|| format!("{k} needs a value"));
            match k.as_str() {
                "--url" => a.url = v()?.trim_end_matches('/').to_owned(),
                "--label" => a.label = v()?,
                "--rate" => a.rate = v()?.parse()?,
                "--warmup" => a.warmup = v()?.parse()?,
                "--duration" => a.duration = v()?.parse()?,
                "--concurrency" => a.concurrency = v()?.parse()?,
                "--capacity-secs" => a.capacity_secs = v()?.parse()?,
                "--center" => a.center = v()?,
                "--password" => a.password = v()?,
                "--seed" => a.seed = v()?.parse()?,
                "--pages-only" => a.pages_only = true,
                "--skip" => {
                    a.skip = v()?
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect()
                }
                _ => return Err(format!("unknown argument {k} (see the file's header)").into()),
            }
        }
        Ok(a)
    }
}

/// A signed-in person and the paths they browse.
#[derive(Clone)]
struct Person {
    username: String,
    role: String,
    cookie: String,
    paths: Vec<String>,
    /// The menu link each path comes from (its own, or its page's for an API twin).
    links: Vec<String>,
    /// Each path's time at discovery.
    cost: Vec<Duration>,
}

/// One answered (or failed) request.
#[derive(Clone, Copy)]
struct Rec {
    person: u32,
    path: u32,
    /// Scheduled send time, from the start of the measured phase.
    at: Duration,
    latency: Duration,
    /// HTTP status, or 0 for a transport error (refused, reset, timed out).
    status: u16,
}

impl Rec {
    fn ok(&self) -> bool {
        self.status == 200
    }
}

/// SplitMix64: a small seeded generator (the workspace's `rand` is not a dependency of web).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// The next request of the mix: (person, path), both indexes.
    fn pick(&mut self, people: &[Person]) -> (u32, u32) {
        let p = self.below(people.len());
        (p as u32, self.below(people[p].paths.len()) as u32)
    }
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let a = Args::parse()?;
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .pool_idle_timeout(Duration::from_secs(120))
        .build()?;

    let (everyone, costs) = discover(&client, &a).await?;
    report_costs(&a.label, &costs);
    if a.pages_only {
        report_pages(&costs);
        return Ok(());
    }
    // A person whose every page failed at discovery (their home answered 500, say) has no
    // mix to draw from: listed, and left out of the load.
    let everyone: Vec<Person> = everyone
        .into_iter()
        .filter(|p| {
            if p.paths.is_empty() {
                eprintln!(
                    "[{}] left out: {} has no page answering 200",
                    a.label, p.username
                );
            }
            !p.paths.is_empty()
        })
        .collect();
    if everyone.is_empty() {
        return Err("no one has a page answering 200".into());
    }
    let mut mixes = vec![("menu", everyone.clone())];
    if !a.skip.is_empty() {
        let light: Vec<Person> = everyone
            .iter()
            .filter_map(|p| {
                let mut q = p.clone();
                let keep: Vec<bool> = p
                    .links
                    .iter()
                    .map(|l| !a.skip.iter().any(|s| l.starts_with(s.as_str())))
                    .collect();
                q.paths = p
                    .paths
                    .iter()
                    .zip(&keep)
                    .filter(|(_, k)| **k)
                    .map(|(x, _)| x.clone())
                    .collect();
                q.cost = p
                    .cost
                    .iter()
                    .zip(&keep)
                    .filter(|(_, k)| **k)
                    .map(|(x, _)| *x)
                    .collect();
                q.links = p
                    .links
                    .iter()
                    .zip(&keep)
                    .filter(|(_, k)| **k)
                    .map(|(x, _)| x.clone())
                    .collect();
                (!q.paths.is_empty()).then_some(q)
            })
            .collect();
        mixes.push(("light", light));
    }
    for (mix, people) in mixes {
        let label = format!("{}/{mix}", a.label);
        let people = Arc::new(people);
        let n_paths: usize = people.iter().map(|p| p.paths.len()).sum();
        eprintln!(
            "[{label}] mix: {} people, {n_paths} (person, path) pairs{}",
            people.len(),
            if mix == "light" {
                format!(", without {}", a.skip.join(" "))
            } else {
                String::new()
            }
        );
        report_share(&label, &people);
        let mut rng = Rng(a.seed);
        // Warm-up: the same open loop, thrown away.
        open_loop(&client, &a, &label, &people, &mut rng, a.warmup).await;
        let recs = open_loop(&client, &a, &label, &people, &mut rng, a.duration).await;
        let (cap_recs, cap_secs) = closed_loop(&client, &a, &people, &mut rng).await;

        report_paths(&label, &people, &recs);
        report_errors(&label, "open loop", &people, &recs);
        report_errors(&label, "closed loop", &people, &cap_recs);

        let mut lat: Vec<Duration> = recs.iter().map(|r| r.latency).collect();
        lat.sort_unstable();
        let errors = recs.iter().filter(|r| !r.ok()).count();
        let cap_ok = cap_recs.iter().filter(|r| r.ok()).count();
        let cap_errors = cap_recs.len() - cap_ok;
        println!(
            "{label} {} {} {errors} {:.1} {:.1} {:.1} {:.1} {:.0} {cap_errors}",
            a.rate,
            recs.len(),
            ms(pct(&lat, 50.0)),
            ms(pct(&lat, 90.0)),
            ms(pct(&lat, 99.0)),
            ms(lat.last().copied().unwrap_or_default()),
            cap_ok as f64 / cap_secs,
        );
    }
    Ok(())
}

/// Per role and path: the time of each request of the discovery (sequential, the server otherwise
/// idle, a person's first visit).
type Costs = BTreeMap<(String, String), Vec<Duration>>;

/// Signs everyone in and builds their mix; the discovery's request times by role and path.
async fn discover(client: &Client, a: &Args) -> Result<(Vec<Person>, Costs), BoxError> {
    let center = sign_in(client, a, &a.center).await?;
    let staff: Vec<serde_json::Value> = get(client, a, &center, "/api/v1/staff")
        .await?
        .json()
        .await?;
    let mut people = Vec::new();
    let mut costs = Costs::new();
    let mut dropped: BTreeMap<String, usize> = BTreeMap::new();
    for s in &staff {
        if s["active"] == false {
            continue;
        }
        let username = s["username"].as_str().unwrap_or_default().to_owned();
        let role = s["role"].as_str().unwrap_or_default().to_owned();
        let cookie = sign_in(client, a, &username).await?;
        let t = Instant::now();
        let home = get(client, a, &cookie, "/").await?.text().await?;
        costs
            .entry((role.clone(), "/ (first)".to_owned()))
            .or_default()
            .push(t.elapsed());
        let mut pages = Vec::new();
        let mut links = menu_links(&home);
        links.push("/meeting".to_owned());
        if links.iter().any(|l| l.starts_with("/rollup")) {
            // The month close of last month, reached from the roll-up page.
            links.push(format!("/rollup/month/{}", last_month()));
        }
        if links.iter().any(|l| l == "/reports") {
            // The first market analysis report (an area's), reached from the list.
            links.push("/reports/1".to_owned());
        }
        if links.iter().any(|l| l == "/new-sku") {
            // The first new-SKU listing programme, reached from its list.
            links.push("/new-sku/1".to_owned());
        }
        for link in links {
            if link.starts_with("/api/") {
                continue; // the API browser: static, not the person's data
            }
            let t = Instant::now();
            match land(client, a, &cookie, &link).await? {
                Some(p) => {
                    let key = (role.clone(), template(&p));
                    let d = t.elapsed();
                    costs.entry(key).or_default().push(d);
                    pages.push((link, p, d));
                }
                None => {
                    *dropped
                        .entry(format!("{role} {}", template(&link)))
                        .or_default() += 1
                }
            }
        }
        let (mut paths, mut links, mut cost) = (Vec::new(), Vec::new(), Vec::new());
        for (link, page, page_cost) in pages {
            if let Some(api) = api_twin(&page)
                && !paths.contains(&api)
            {
                let t = Instant::now();
                let r = get(client, a, &cookie, &api).await?;
                if r.status() == StatusCode::OK {
                    r.bytes().await?;
                    let d = t.elapsed();
                    costs
                        .entry((role.clone(), template(&api)))
                        .or_default()
                        .push(d);
                    paths.push(api);
                    links.push(link.clone());
                    cost.push(d);
                } else {
                    *dropped
                        .entry(format!("{role} {}", template(&api)))
                        .or_default() += 1;
                }
            }
            if !paths.contains(&page) {
                paths.push(page);
                links.push(link);
                cost.push(page_cost);
            }
        }
        people.push(Person {
            username,
            role,
            cookie,
            paths,
            links,
            cost,
        });
    }
    for (what, n) in dropped {
        eprintln!("[{}] left out (not 200 at discovery): {what} ×{n}", a.label);
    }
    Ok((people, costs))
}

/// The discovery's times, costliest median first: what one request costs the server when idle.
fn report_costs(label: &str, costs: &Costs) {
    let mut rows: Vec<_> = costs
        .iter()
        .map(|(k, v)| {
            let mut v = v.clone();
            v.sort_unstable();
            (k, v)
        })
        .collect();
    rows.sort_by_key(|(_, v)| std::cmp::Reverse(pct(v, 50.0)));
    eprintln!(
        "[{label}] discovery, one request at a time (first visit; redirects included), costliest first (ms):"
    );
    eprintln!(
        "  {:<18} {:<34} {:>6} {:>8} {:>8}",
        "role", "path", "n", "median", "max"
    );
    for ((role, path), v) in rows {
        eprintln!(
            "  {role:<18} {path:<34} {:>6} {:>8.1} {:>8.1}",
            v.len(),
            ms(pct(&v, 50.0)),
            ms(*v.last().expect("a row has requests"))
        );
    }
}

/// `--pages-only`: every first visit of the discovery as one population — its 50th and 95th
/// percentiles and the ten slowest (role, path) by their slowest visit — on stdout.
fn report_pages(costs: &Costs) {
    let mut all: Vec<Duration> = costs.values().flatten().copied().collect();
    all.sort_unstable();
    println!(
        "pages: {} first visits of {} (role, path) pairs; p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        all.len(),
        costs.len(),
        ms(pct(&all, 50.0)),
        ms(pct(&all, 95.0)),
        ms(all.last().copied().unwrap_or_default())
    );
    let mut rows: Vec<_> = costs
        .iter()
        .map(|(k, v)| (k, v.iter().max().copied().unwrap_or_default(), v.len()))
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1));
    println!("slowest ten (role, path: slowest visit, visits):");
    for ((role, path), max, n) in rows.into_iter().take(10) {
        println!("  {role:<18} {path:<34} {:>8.1} ms  ×{n}", ms(max));
    }
}

/// The month before this one (UTC), `YYYY-MM`.
fn last_month() -> String {
    use chrono::Datelike;
    let first = chrono::Utc::now()
        .date_naive()
        .with_day(1)
        .expect("day 1 exists");
    (first - chrono::Days::new(1)).format("%Y-%m").to_string()
}

/// What the mix asks of the server, from the discovery's times (one request at a time): the mean
/// time of a request of the mix (a person drawn uniformly, then one of their paths), hence about
/// the requests per second each busy core can answer, and the role's paths that take the
/// largest shares of that time.
fn report_share(label: &str, people: &[Person]) {
    let mut by: BTreeMap<(String, String), f64> = BTreeMap::new();
    for p in people {
        let w = 1.0 / (people.len() * p.paths.len()) as f64;
        for (path, d) in p.paths.iter().zip(&p.cost) {
            *by.entry((p.role.clone(), template(path))).or_default() += w * ms(*d);
        }
    }
    let mean: f64 = by.values().sum();
    eprintln!(
        "[{label}] mean time of a request of this mix at discovery {mean:.1} ms (≈ {:.0} requests/s per busy core); largest shares:",
        1000.0 / mean
    );
    let mut rows: Vec<_> = by.into_iter().collect();
    rows.sort_by(|x, y| y.1.total_cmp(&x.1));
    for ((role, path), t) in rows.iter().take(10) {
        eprintln!("  {role:<18} {path:<34} {:>5.1} %", 100.0 * t / mean);
    }
}

/// Follows a menu link's redirects (at most 3) to the page it lands on; None unless that is a 200.
async fn land(
    client: &Client, a: &Args, cookie: &str, link: &str,
) -> Result<Option<String>, BoxError> {
    let mut path = link.to_owned();
    for _ in 0..4 {
        let r = get(client, a, cookie, &path).await?;
        let status = r.status();
        if status.is_redirection() {
            let to = r
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            path = to.strip_prefix(&a.url).unwrap_or(to).to_owned();
            continue;
        }
        r.bytes().await?;
        return Ok((status == StatusCode::OK).then_some(path));
    }
    Ok(None)
}

/// The JSON twin of a page, where it has one.
fn api_twin(page: &str) -> Option<String> {
    let (path, query) = page.split_once('?').unwrap_or((page, ""));
    let api = match path {
        "/" => "/api/v1/home".to_owned(),
        "/cultivation" => "/api/v1/cultivation-tasks".to_owned(),
        "/profit" => "/api/v1/profit-surveys".to_owned(),
        p if p.starts_with("/reports") => p.replacen("/reports", "/api/v1/market-reports", 1),
        p if p.starts_with("/new-sku") => p.replacen("/new-sku", "/api/v1/new-sku-programmes", 1),
        // The market manager's week: /rollup?week=W → /api/v1/rollup/W.
        "/rollup" => format!("/api/v1/rollup/{}", query.strip_prefix("week=")?),
        p if p.starts_with("/rollup/month/") => {
            p.replacen("/rollup/month/", "/api/v1/month-close/", 1)
        }
        p if p.starts_with("/meeting/") => p.replacen("/meeting/", "/api/v1/accuracy/", 1),
        p if p.starts_with("/method135") => return None, // a page only
        p => format!("/api/v1{p}"),
    };
    Some(api)
}

/// The `href`s of the page's menu (`<nav class="menu">`).
fn menu_links(html: &str) -> Vec<String> {
    let Some(start) = html.find("<nav class=\"menu\">") else {
        return Vec::new();
    };
    let nav = &html[start..];
    let nav = &nav[..nav.find("</nav>").unwrap_or(nav.len())];
    nav.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_owned)
        .collect()
}

async fn sign_in(client: &Client, a: &Args, username: &str) -> Result<String, BoxError> {
    let r = client
        .post(format!("{}/api/v1/session", a.url))
        .header(CONTENT_TYPE, "application/json")
        .body(serde_json::json!({"username": username, "password": a.password}).to_string())
        .send()
        .await?;
    if r.status() != StatusCode::OK {
        return Err(format!("sign-in of {username}: {}", r.status()).into());
    }
    let cookie = r
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
        .collect::<Vec<_>>()
        .join("; ");
    Ok(cookie)
}

async fn get(
    client: &Client, a: &Args, cookie: &str, path: &str,
) -> Result<reqwest::Response, reqwest::Error> {
    client
        .get(format!("{}{path}", a.url))
        .header(COOKIE, cookie)
        .send()
        .await
}

/// One request of the mix, its latency counted from `scheduled`.
async fn one(
    client: Client, base: Arc<str>, people: Arc<Vec<Person>>, (person, path): (u32, u32),
    scheduled: Instant, start: Instant,
) -> Rec {
    let p = &people[person as usize];
    let r = client
        .get(format!("{base}{}", p.paths[path as usize]))
        .header(COOKIE, &p.cookie)
        .send()
        .await;
    let status = match r {
        Ok(r) => {
            let s = r.status().as_u16();
            if r.bytes().await.is_ok() { s } else { 0 }
        }
        Err(_) => 0,
    };
    Rec {
        person,
        path,
        at: scheduled.saturating_duration_since(start),
        latency: scheduled.elapsed(),
        status,
    }
}

/// `secs` seconds of requests at `a.rate` per second on a fixed schedule.
async fn open_loop(
    client: &Client, a: &Args, label: &str, people: &Arc<Vec<Person>>, rng: &mut Rng, secs: f64,
) -> Vec<Rec> {
    let n = (secs * a.rate).round() as u64;
    let base: Arc<str> = a.url.as_str().into();
    let start = Instant::now() + Duration::from_millis(50);
    let mut late = Duration::ZERO;
    let mut tasks = Vec::with_capacity(n as usize);
    for i in 0..n {
        let scheduled = start + Duration::from_secs_f64(i as f64 / a.rate);
        tokio::time::sleep_until(scheduled.into()).await;
        late = late.max(scheduled.elapsed());
        tasks.push(tokio::spawn(one(
            client.clone(),
            base.clone(),
            people.clone(),
            rng.pick(people),
            scheduled,
            start,
        )));
    }
    let mut recs = Vec::with_capacity(tasks.len());
    for t in tasks {
        recs.push(t.await.expect("request task"));
    }
    eprintln!(
        "[{label}] open loop {secs} s: {} requests, the generator's largest send delay {:.1} ms",
        recs.len(),
        ms(late)
    );
    recs
}

/// `a.concurrency` workers back to back for `a.capacity_secs`: the records and the elapsed seconds.
async fn closed_loop(
    client: &Client, a: &Args, people: &Arc<Vec<Person>>, rng: &mut Rng,
) -> (Vec<Rec>, f64) {
    let base: Arc<str> = a.url.as_str().into();
    let start = Instant::now();
    let end = start + Duration::from_secs_f64(a.capacity_secs);
    let seed = Arc::new(AtomicU64::new(rng.next()));
    let mut workers = Vec::new();
    for _ in 0..a.concurrency {
        let (client, base, people, seed) =
            (client.clone(), base.clone(), people.clone(), seed.clone());
        workers.push(tokio::spawn(async move {
            let mut rng = Rng(seed.fetch_add(0x1234_5678_9ABC_DEF1, Ordering::Relaxed));
            let mut recs = Vec::new();
            while Instant::now() < end {
                let pick = rng.pick(&people);
                let now = Instant::now();
                recs.push(
                    one(
                        client.clone(),
                        base.clone(),
                        people.clone(),
                        pick,
                        now,
                        start,
                    )
                    .await,
                );
            }
            recs
        }));
    }
    let mut recs = Vec::new();
    for w in workers {
        recs.extend(w.await.expect("worker"));
    }
    let secs = start.elapsed().as_secs_f64();
    (recs, secs)
}

/// Per role and path template: count, p50, p99 and max of the open loop, slowest first; then the
/// ten slowest requests with their scheduled time.
fn report_paths(label: &str, people: &[Person], recs: &[Rec]) {
    let mut by: BTreeMap<(String, String), Vec<Duration>> = BTreeMap::new();
    for r in recs {
        let p = &people[r.person as usize];
        by.entry((p.role.clone(), template(&p.paths[r.path as usize])))
            .or_default()
            .push(r.latency);
    }
    let mut rows: Vec<_> = by.into_iter().collect();
    for (_, v) in rows.iter_mut() {
        v.sort_unstable();
    }
    rows.sort_by_key(|(_, v)| std::cmp::Reverse(pct(v, 99.0)));
    eprintln!("[{label}] open loop per role and path, slowest p99 first (ms):");
    eprintln!(
        "  {:<18} {:<34} {:>6} {:>8} {:>8} {:>8}",
        "role", "path", "n", "p50", "p99", "max"
    );
    for ((role, path), v) in &rows {
        eprintln!(
            "  {role:<18} {path:<34} {:>6} {:>8.1} {:>8.1} {:>8.1}",
            v.len(),
            ms(pct(v, 50.0)),
            ms(pct(v, 99.0)),
            ms(*v.last().expect("a row has requests"))
        );
    }
    let mut slow: Vec<&Rec> = recs.iter().collect();
    slow.sort_by_key(|r| std::cmp::Reverse(r.latency));
    eprintln!("[{label}] the ten slowest (scheduled at s, ms, person, path):");
    for r in slow.iter().take(10) {
        let p = &people[r.person as usize];
        eprintln!(
            "  {:>7.3} {:>8.1} {:<10} {}",
            r.at.as_secs_f64(),
            ms(r.latency),
            p.username,
            p.paths[r.path as usize]
        );
    }
}

fn report_errors(label: &str, phase: &str, people: &[Person], recs: &[Rec]) {
    let mut by: BTreeMap<(u16, String), usize> = BTreeMap::new();
    for r in recs.iter().filter(|r| !r.ok()) {
        let p = &people[r.person as usize];
        *by.entry((
            r.status,
            format!("{} {}", p.role, template(&p.paths[r.path as usize])),
        ))
        .or_default() += 1;
    }
    for ((status, what), n) in by {
        eprintln!("[{label}] {phase} error: status {status} (0 = transport) {what} ×{n}");
    }
}

/// A path with its person- and period-specific segments (any with a digit) as `{}`.
fn template(path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path);
    path.split('/')
        .map(|s| {
            let fixed = matches!(s, "v1" | "method135");
            if !fixed && s.bytes().any(|b| b.is_ascii_digit()) {
                "{}"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The p-th percentile of sorted latencies (nearest rank).
fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
