//! End to end in real headless Chromium, driven over the WebDriver protocol (a small client
//! here on std's TcpStream: no extra dependency). Over the imported seeds: type 建议提案,
//! narrow by year through a facet, open a report, check a table value and a highlighted
//! snippet, go to the agency page, download the CSV from the page's link and check it. Each
//! step leaves a PNG under target/test-artifacts/.
//!
//! Needs Debian's `chromium` and `chromium-driver` (.ci/run installs them); without them the
//! test fails with that hint unless NIANBAO_SKIP_BROWSER=1.

use crate::util::{seed_files, SEED_AGENCIES};
use nianbao::archive::{Archive, Silent};
use nianbao::web::WebState;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The W3C key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A minimal HTTP/1.1 exchange: status and body (chunked bodies decoded).
fn http(addr: &str, method: &str, path: &str, body: Option<&Value>) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout can be set");
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{payload}",
        payload.len()
    );
    stream.write_all(request.as_bytes()).expect("request sent");
    // Read the head, then as much body as Content-Length says (chromedriver may keep the
    // connection open), or up to the end for chunked and unsized bodies.
    let mut response = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    let mut split = None;
    loop {
        if let Some(at) = split {
            let head = String::from_utf8_lossy(&response[..at]).to_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if let Some(length) = length {
                if response.len() >= at + 4 + length {
                    break;
                }
            } else if head.contains("transfer-encoding: chunked")
                && response[at + 4..].ends_with(b"0\r\n\r\n")
            {
                break;
            }
        }
        let n = stream.read(&mut buffer).expect("response read");
        if n == 0 {
            break;
        }
        response.extend_from_slice(&buffer[..n]);
        if split.is_none() {
            split = response.windows(4).position(|w| w == b"\r\n\r\n");
        }
    }
    let split = split.expect("response has a head");
    let head = String::from_utf8_lossy(&response[..split]).to_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status code");
    let mut body = response[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    (status, body)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&data[..end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = end + 2;
        out.extend_from_slice(&data[start..(start + size).min(data.len())]);
        data = &data[(start + size + 2).min(data.len())..];
    }
    out
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Kills chromedriver (and so its browser) when the test ends, however it ends.
struct Driver {
    child: Child,
    addr: String,
    session: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = std::panic::catch_unwind(|| {
                http(
                    &self.addr,
                    "DELETE",
                    &format!("/session/{}", self.session),
                    None,
                )
            });
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    fn start(profile: &Path) -> Driver {
        let port = free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let mut driver = Driver {
            child,
            addr: format!("127.0.0.1:{port}"),
            session: String::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(&driver.addr).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not listen");
            std::thread::sleep(Duration::from_millis(100));
        }
        let args = [
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--no-first-run".into(),
            "--window-size=1280,1000".into(),
            format!("--user-data-dir={}", profile.display()),
        ];
        let answer = driver.call(
            "POST",
            "/session",
            Some(json!({"capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {"binary": CHROMIUM, "args": args}
            }}})),
        );
        driver.session = answer["sessionId"]
            .as_str()
            .expect("a session id")
            .to_string();
        driver
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (status, bytes) = http(&self.addr, method, path, body.as_ref());
        let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        assert_eq!(status, 200, "{method} {path}: {value}");
        value["value"].clone()
    }

    fn session(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.call(method, &format!("/session/{}{path}", self.session), body)
    }

    fn goto(&self, url: &str) {
        self.session("POST", "/url", Some(json!({ "url": url })));
    }

    fn url(&self) -> String {
        self.session("GET", "/url", None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// The first element matching `css`, waiting for it up to 10 s.
    fn find(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let (status, bytes) = http(
                &self.addr,
                "POST",
                &format!("/session/{}/element", self.session),
                Some(&json!({"using": "css selector", "value": css})),
            );
            if status == 200 {
                let value: Value = serde_json::from_slice(&bytes).expect("json");
                return value["value"][ELEMENT]
                    .as_str()
                    .unwrap_or_else(|| panic!("element id of {css}: {value}"))
                    .to_string();
            }
            assert!(
                Instant::now() < deadline,
                "no element {css} on {}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn text(&self, css: &str) -> String {
        let id = self.find(css);
        self.session("GET", &format!("/element/{id}/text"), None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    fn property(&self, css: &str, name: &str) -> String {
        let id = self.find(css);
        self.session("GET", &format!("/element/{id}/property/{name}"), None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    fn click(&self, css: &str) {
        let id = self.find(css);
        self.session("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.session("POST", &format!("/element/{id}/clear"), Some(json!({})));
        self.session(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        );
    }

    /// Waits until the page's URL satisfies `test`.
    fn wait_for_url(&self, what: &str, test: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let url = self.url();
            if test(&url) {
                return url;
            }
            assert!(Instant::now() < deadline, "waiting for {what}; at {url}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn screenshot(&self, dir: &Path, name: &str) {
        let data = self.session("GET", "/screenshot", None);
        let png = base64_decode(data.as_str().expect("base64 screenshot"));
        std::fs::write(dir.join(format!("{name}.png")), png).expect("screenshot written");
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for v in text.bytes().filter_map(value) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// Starts the server over a fresh seeded archive on a free port; returns its address.
fn start_server() -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser-seeds");
    let _ = std::fs::remove_dir_all(&dir);
    let archive = Archive::open(&dir).expect("archive opens");
    let summary = archive
        .import(&seed_files(), &Silent)
        .expect("seeds import");
    assert_eq!(summary.imported, 5);
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address").to_string();
    std::thread::spawn(move || {
        actix_web::rt::System::new()
            .block_on(nianbao::web::serve_listener(
                WebState::new(archive, None),
                listener,
                2,
            ))
            .expect("server runs")
    });
    addr
}

#[test]
fn search_narrow_open_report_agency_and_download_in_chromium() {
    let installed = Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists();
    if !installed {
        if std::env::var("NIANBAO_SKIP_BROWSER").as_deref() == Ok("1") {
            eprintln!("browser test skipped (NIANBAO_SKIP_BROWSER=1)");
            return;
        }
        panic!(
            "the browser test needs {CHROMIUM} and {CHROMEDRIVER}: install them with \
             `apt-get install -y chromium chromium-driver` (CI's .ci/run does), or set \
             NIANBAO_SKIP_BROWSER=1 to skip this test"
        );
    }
    let artifacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-artifacts");
    std::fs::create_dir_all(&artifacts).expect("artifact dir");
    let server = start_server();
    let base = format!("http://{server}");
    let profile = tempfile::tempdir().expect("profile dir");
    let browser = Driver::start(profile.path());

    // 1. The home page: type the query and submit.
    browser.goto(&format!("{base}/"));
    browser.type_into("#q", "建议提案");
    browser.screenshot(&artifacts, "1-home");
    browser.click("form.search button[type=submit]");
    browser.wait_for_url("the search page", |u| u.contains("/search?"));
    assert_eq!(browser.text("#total"), "4");
    let snippet = browser.text("li.hit .snippet b");
    assert!(
        snippet.contains("建议") || snippet.contains("提案"),
        "{snippet}"
    );
    browser.screenshot(&artifacts, "2-search");

    // 2. Narrow by year through the facet.
    browser.click("aside.facets a[href*='year=2024']");
    browser.wait_for_url("the narrowed search", |u| u.contains("year=2024"));
    assert_eq!(browser.text("#total"), "2");
    browser.screenshot(&artifacts, "3-narrowed");

    // 3. The CSV link of this search: fetch it and check it.
    let csv_url = browser.property("#download-csv", "href");
    let path = csv_url.trim_start_matches(&base);
    let (status, csv) = http(&server, "GET", path, None);
    assert_eq!(status, 200, "{csv_url}");
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "BOM");
    let mut reader = csv::Reader::from_reader(&csv[3..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("csv row")).collect();
    assert_eq!(rows.len(), 2, "one row per hit of the narrowed search");
    assert!(rows.iter().all(|r| &r[2] == "2024"), "year column");

    // 4. Open a report: a table value and the highlighted query.
    browser.click("li.hit a.hit-link");
    let report_url = browser.wait_for_url("a report", |u| u.contains("/reports/"));
    assert!(
        report_url.contains("?q="),
        "the link carries q: {report_url}"
    );
    let id: String = report_url
        .split("/reports/")
        .nth(1)
        .unwrap_or("")
        .chars()
        .take(16)
        .collect();
    let (_, json_body) = http(&server, "GET", &format!("/reports/{id}.json"), None);
    let record: Value = serde_json::from_slice(&json_body).expect("record json");
    let expected = record["requests"]["new"]["total"].to_string();
    let shown = browser.text("td[data-key='requests.new.total']");
    assert_eq!(shown, expected, "table 三 new total");
    let marked = browser.text("section.narrative mark");
    assert!(
        marked.contains("建议") || marked.contains("提案"),
        "{marked}"
    );
    browser.screenshot(&artifacts, "4-report");

    // 5. The agency page with its chart.
    browser.click("nav.crumbs a[href^='/agencies/']");
    browser.wait_for_url("the agency page", |u| u.contains("/agencies/"));
    let agency = browser.text("h1");
    assert!(SEED_AGENCIES.contains(&agency.as_str()), "{agency}");
    assert_eq!(Some(agency.as_str()), record["agency"].as_str());
    browser.find("svg.chart");
    browser.screenshot(&artifacts, "5-agency");

    // 6. The same pages at phone width.
    browser.session(
        "POST",
        "/window/rect",
        Some(json!({"width": 375, "height": 800})),
    );
    browser.goto(&report_url);
    browser.find("table.stats");
    browser.screenshot(&artifacts, "6-report-375");
}
