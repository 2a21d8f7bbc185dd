//! The web archive through actix's test service over a temp archive with the five seeds: every
//! page answers 200 and its `.json` twin deserializes into the page's data type; search, facets
//! and downloads give the seeds' answers; bad input gets 400/404/414, never a 500; uploads need
//! the server's token.

use crate::archive::{write_chaoyang_reports, BEIJING_CHAOYANG, CHANGCHUN_CHAOYANG, CHAOYANG};
use crate::util::{seed_files, SEED_AGENCIES};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use actix_web::web::Data;
use nianbao::archive::{AgencyHistory, Archive, Silent};
use nianbao::record::Record;
use nianbao::web::params::encode;
use nianbao::web::views::agency::AgencyPlaces;
use nianbao::web::views::browse::BrowseData;
use nianbao::web::views::home::HomeData;
use nianbao::web::views::meta::Suggestions;
use nianbao::web::views::search::SearchData;
use nianbao::web::WebState;
use std::path::PathBuf;
use std::sync::OnceLock;

/// One seeded archive for every test here (importing is slow in debug builds); it lives under
/// cargo's per-target temp dir and is rebuilt on each run.
fn seeded() -> Data<WebState> {
    static STATE: OnceLock<Data<WebState>> = OnceLock::new();
    STATE
        .get_or_init(|| {
            let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("web-seeds");
            let _ = std::fs::remove_dir_all(&dir);
            let archive = Archive::open(&dir).expect("archive opens");
            let summary = archive
                .import(&seed_files(), &Silent)
                .expect("seeds import");
            assert_eq!(summary.imported, 5, "{summary:?}");
            Data::new(WebState::new(archive, None))
        })
        .clone()
}

/// An archive of the two 朝阳区人民政府 reports of tests/archive.rs (北京市 and 长春市).
fn chaoyang() -> Data<WebState> {
    static STATE: OnceLock<Data<WebState>> = OnceLock::new();
    STATE
        .get_or_init(|| {
            let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("web-chaoyang");
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("temp dir");
            let files = write_chaoyang_reports(&dir);
            let archive = Archive::open(&dir.join("data")).expect("archive opens");
            let summary = archive.import(&files, &Silent).expect("reports import");
            assert_eq!(summary.imported, 2, "{summary:?}");
            Data::new(WebState::new(archive, None))
        })
        .clone()
}

/// Status, content type and body of a GET.
async fn get(state: &Data<WebState>, uri: &str) -> (StatusCode, String, Vec<u8>) {
    get_with(state, TestRequest::get().uri(uri)).await
}

async fn get_with(state: &Data<WebState>, req: TestRequest) -> (StatusCode, String, Vec<u8>) {
    let app = test::init_service(nianbao::web::app(state.clone())).await;
    let resp = test::call_service(&app, req.to_request()).await;
    let status = resp.status();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = test::read_body(resp).await.to_vec();
    (status, content_type, body)
}

fn json<T: serde::de::DeserializeOwned>(uri: &str, body: &[u8]) -> T {
    serde_json::from_slice(body).unwrap_or_else(|e| {
        panic!(
            "{uri}: {e}\n{}",
            String::from_utf8_lossy(&body[..body.len().min(2000)])
        )
    })
}

/// The record id of seed `n` (first 16 hex digits of the SHA-256 of its bytes).
fn seed_id(n: usize) -> String {
    nianbao::parse::source_id(&std::fs::read(&seed_files()[n]).expect("seed readable"))
}

async fn ok_html(state: &Data<WebState>, uri: &str) -> String {
    let (status, content_type, body) = get(state, uri).await;
    let text = String::from_utf8_lossy(&body).into_owned();
    assert_eq!(status, StatusCode::OK, "{uri}: {text}");
    assert!(
        content_type.starts_with("text/html"),
        "{uri}: {content_type}"
    );
    assert!(text.contains("<html lang=\"zh-CN\">"), "{uri}");
    text
}

async fn ok_json<T: serde::de::DeserializeOwned>(state: &Data<WebState>, uri: &str) -> T {
    let (status, content_type, body) = get(state, uri).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{uri}: {}",
        String::from_utf8_lossy(&body)
    );
    assert_eq!(content_type, "application/json", "{uri}");
    let value: serde_json::Value = json(uri, &body);
    assert_eq!(value["ok"], true, "{uri}: the envelope says ok");
    json(uri, &body)
}

#[actix_web::test]
async fn every_page_answers_and_its_json_twin_deserializes() {
    let state = seeded();
    let q = encode("建议提案");
    let agency = encode(SEED_AGENCIES[2]);
    let id = seed_id(2);

    ok_html(&state, "/").await;
    let home: HomeData = ok_json(&state, "/.json").await;
    assert_eq!((home.reports, home.agencies), (5, 5));

    let page = ok_html(&state, &format!("/search?q={q}")).await;
    assert!(page.contains("rel=\"alternate\" type=\"application/json\""));
    let search: SearchData = ok_json(&state, &format!("/search.json?q={q}")).await;
    assert_eq!(search.results.total, 4);

    let page = ok_html(&state, &format!("/reports/{id}")).await;
    assert!(page.contains(SEED_AGENCIES[2]));
    let (_, _, body) = get(&state, &format!("/reports/{id}.json")).await;
    let raw: serde_json::Value = json("report", &body);
    for key in [
        "id",
        "agency",
        "year",
        "requests",
        "proactive",
        "review",
        "checks",
        "cells",
    ] {
        assert!(raw.get(key).is_some(), "/reports/{id}.json lacks {key}");
    }
    assert!(raw.get("versions").is_some());
    let record: Record = ok_json(&state, &format!("/reports/{id}.json")).await;
    assert_eq!(record.agency.as_deref(), Some(SEED_AGENCIES[2]));

    ok_html(&state, &format!("/agencies/{agency}")).await;
    let history: AgencyHistory = ok_json(&state, &format!("/agencies/{agency}.json")).await;
    assert_eq!(history.agency, SEED_AGENCIES[2]);
    assert_eq!(history.years.len(), 1);
    let code = history.region.code.clone().expect("淄博市 has a code");
    let placed = format!("/agencies/{agency}?region={code}");
    assert!(page.contains(&placed), "the report page links to its place");
    let same: AgencyHistory =
        ok_json(&state, &format!("/agencies/{agency}.json?region={code}")).await;
    assert_eq!(
        same.years.len(),
        1,
        "a unique name takes its own region too"
    );

    let page = ok_html(&state, "/browse").await;
    assert!(page.contains("山东省"));
    let browse: BrowseData = ok_json(&state, "/browse.json").await;
    assert_eq!(browse.total, 5);
    let shandong = encode("山东省");
    let page = ok_html(&state, &format!("/browse?region={shandong}")).await;
    assert!(page.contains(SEED_AGENCIES[0]));
    let browse: BrowseData = ok_json(&state, &format!("/browse.json?region={shandong}")).await;
    assert_eq!(browse.agencies.len(), 3);

    let suggestions: Suggestions = ok_json(
        &state,
        &format!("/-/agencies.json?prefix={}", encode("淄博")),
    )
    .await;
    assert_eq!(suggestions.agencies[0].name, SEED_AGENCIES[2]);

    // The JSON twin by Accept header.
    let (status, content_type, _) = get_with(
        &state,
        TestRequest::get()
            .uri(&format!("/search?q={q}"))
            .insert_header(("Accept", "application/json")),
    )
    .await;
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::OK, "application/json")
    );

    let (status, _, body) = get(&state, "/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let doc: serde_json::Value = json("openapi", &body);
    assert!(doc["openapi"].as_str().unwrap_or("").starts_with("3."));
    for path in ["/search.json", "/reports/{id}.json", "/api/reports"] {
        assert!(doc["paths"].get(path).is_some(), "openapi lacks {path}");
    }

    let (status, content_type, _) = get(&state, "/static/style.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/css"));

    let (status, _, body) = get(&state, &format!("/reports/{id}.csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.starts_with(b"\xEF\xBB\xBF"));
    let (status, _, body) = get(&state, &format!("/reports/{id}/raw")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, std::fs::read(&seed_files()[2]).unwrap());
}

#[actix_web::test]
async fn phrase_search_finds_the_four_seeds() {
    let state = seeded();
    let search: SearchData =
        ok_json(&state, &format!("/search.json?q={}", encode("建议提案"))).await;
    assert_eq!(search.results.total, 4);
    let mut ids: Vec<String> = search.results.hits.iter().map(|h| h.id.clone()).collect();
    ids.sort();
    let mut expected: Vec<String> = [0, 2, 3, 4].iter().map(|n| seed_id(*n)).collect();
    expected.sort();
    assert_eq!(ids, expected);
    assert!(search
        .results
        .hits
        .iter()
        .all(|h| h.snippet.contains("<b>")));
}

#[actix_web::test]
async fn a_year_facet_link_narrows_the_search() {
    let state = seeded();
    let page = ok_html(&state, &format!("/search?q={}", encode("建议提案"))).await;
    // The facet link of 2024, as the page writes it (HTML-escaped).
    let start = page
        .find("href=\"/search?q=")
        .and_then(|_| {
            page.match_indices("href=\"").map(|(i, _)| i + 6).find(|i| {
                page[*i..]
                    .split('"')
                    .next()
                    .unwrap_or("")
                    .contains("year=2024")
            })
        })
        .expect("a facet link for 2024");
    let href = page[start..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    let narrowed = ok_html(&state, &href).await;
    assert!(
        narrowed.contains("<strong id=\"total\">2</strong>"),
        "{href}"
    );
    let twin = href.replacen("/search?", "/search.json?", 1);
    let search: SearchData = ok_json(&state, &twin).await;
    assert_eq!(search.results.total, 2);
    assert!(search.results.hits.iter().all(|h| h.year == Some(2024)));
}

#[actix_web::test]
async fn downloads_are_complete_and_csv_has_a_bom() {
    let state = seeded();
    let q = encode("建议提案");
    let (status, content_type, body) = get(&state, &format!("/search.csv?q={q}&_size=1")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/csv"));
    assert!(body.starts_with(b"\xEF\xBB\xBF"), "BOM");
    let mut reader = csv::Reader::from_reader(&body[3..]);
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "id");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 4, "every hit, not one page");

    let (_, _, body) = get(&state, &format!("/search.csv?q={q}&headers=zh")).await;
    let text = String::from_utf8(body).unwrap();
    assert!(text
        .trim_start_matches('\u{feff}')
        .starts_with("编号,机关名称"));

    let (status, _, body) = get(&state, "/search.jsonl").await;
    assert_eq!(status, StatusCode::OK);
    let lines: Vec<Record> = String::from_utf8(body)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5, "the whole archive");
}

#[actix_web::test]
async fn bad_input_is_a_400_naming_the_parameter_never_a_500() {
    let state = seeded();
    let (status, _, body) = get(&state, "/search?year=abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let text = String::from_utf8(body).unwrap();
    assert!(text.contains("year: expected a 4-digit year"), "{text}");

    let (status, _, body) = get(&state, "/search.json?year=abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let error: serde_json::Value = json("error", &body);
    assert_eq!(error["ok"], false);
    assert_eq!(error["status"], 400);
    assert!(error["error"].as_str().unwrap().starts_with("year:"));

    let (status, _, body) = get(&state, "/search.json?where=foo").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let error: serde_json::Value = json("error", &body);
    assert!(error["error"].as_str().unwrap().starts_with("where:"));

    let (status, _, _) = get(&state, "/search.csv?where=nope%3E%3D1").await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a download checks before streaming"
    );

    for uri in [
        "/reports/0000000000000000",
        "/reports/0000000000000000.json",
        "/reports/0000000000000000.csv",
        "/reports/0000000000000000/raw",
        "/reports/../../etc/passwd",
        "/reports/%2e%2e/%2e%2e/etc/passwd",
        "/static/../Cargo.toml",
        "/static/%2e%2e%2fCargo.toml",
        "/agencies/nobody",
        "/agencies/nobody.json",
        "/nothing/here",
    ] {
        let (status, _, _) = get(&state, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
    }
    let (status, _, body) = get(&state, "/reports/0000000000000000.json").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json::<serde_json::Value>("404", &body)["status"], 404);

    let huge = format!("/search?q={}", "a".repeat(20_000));
    let (status, _, _) = get(&state, &huge).await;
    assert!(
        status == StatusCode::BAD_REQUEST || status == StatusCode::URI_TOO_LONG,
        "{status}"
    );
    let long_q = format!("/search?q={}", "a".repeat(600));
    let (status, _, _) = get(&state, &long_q).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    for uri in [
        "/search?q=%ff%fe",
        "/search?q=%",
        "/search?q=%22%22%22",
        "/search?q=-",
        "/search?q=OR+OR",
        "/search?_sort=-failed_checks",
        "/search?_sort=requests.new.total",
        "/search?_page=10000",
        "/search?_page=99999",
        "/search?_size=0",
        "/search?level=county&kind=government&template=2019",
        "/search?from=2030&to=2020",
        "/search?section=0",
        "/search?where=requests.new.total%3E%3D99999999999999999999",
        "/search?requests.new.total__gte=-5",
        "/search?region=%3Cscript%3E",
        "/browse?region=%3Cscript%3E",
        "/browse?_page=0",
        "/agencies/%00",
        "/agencies/%3Cscript%3E.json",
        "/-/agencies.json?prefix=%25",
        "/-/agencies.json?_size=1000",
        "/reports/ABCDEF0123456789",
        "/.json?x=1",
    ] {
        let (status, _, _) = get(&state, uri).await;
        assert!(
            status.is_success() || status.is_client_error(),
            "{uri}: {status}"
        );
    }

    // User text is escaped everywhere it is shown.
    let (_, _, body) = get(
        &state,
        &format!("/search?q={}", encode("<script>alert(1)</script>")),
    )
    .await;
    let text = String::from_utf8(body).unwrap();
    assert!(!text.contains("<script>alert"), "escaped");
    let (_, _, body) = get(&state, "/search?region=%3Cscript%3E").await;
    assert!(!String::from_utf8(body).unwrap().contains("<script>"));
}

/// Issue 3: a name two places share gets a page listing the places; `?region=CODE` shows one,
/// and every link to an agency page names the place of its record.
#[actix_web::test]
async fn issue_3_a_shared_agency_name_lists_its_places() {
    let state = chaoyang();
    let name = encode(CHAOYANG);
    let link = |code: &str| format!("/agencies/{name}?region={code}");

    let page = ok_html(&state, &format!("/agencies/{name}")).await;
    for code in [BEIJING_CHAOYANG, CHANGCHUN_CHAOYANG] {
        assert!(page.contains(&link(code)), "{page}");
    }
    assert!(page.contains("吉林省 长春市 朝阳区"), "{page}");
    assert!(page.contains(&format!("href=\"/agencies/{name}.json\"")));
    let places: AgencyPlaces = ok_json(&state, &format!("/agencies/{name}.json")).await;
    assert_eq!(places.agency, CHAOYANG);
    let codes: Vec<Option<&str>> = places
        .places
        .iter()
        .map(|p| p.region.code.as_deref())
        .collect();
    assert_eq!(codes, [Some(BEIJING_CHAOYANG), Some(CHANGCHUN_CHAOYANG)]);
    assert!(places.places.iter().all(|p| p.years.len() == 1));

    let page = ok_html(&state, &link(CHANGCHUN_CHAOYANG)).await;
    assert!(
        page.contains("长春市") && !page.contains("北京市"),
        "{page}"
    );
    // Its search link keeps to the place: a region path, since 朝阳区 names both.
    let place = encode("/吉林省/长春市/朝阳区");
    assert!(page.contains(&format!("region={place}")), "{page}");
    let search: SearchData = ok_json(
        &state,
        &format!("/search.json?agency={name}&region={place}"),
    )
    .await;
    assert_eq!(search.results.total, 1);
    let history: AgencyHistory = ok_json(
        &state,
        &format!("/agencies/{name}.json?region={CHANGCHUN_CHAOYANG}"),
    )
    .await;
    assert_eq!(history.region.code.as_deref(), Some(CHANGCHUN_CHAOYANG));
    assert_eq!(history.years.len(), 1);

    // Search hits, report pages and the browse grid link to the record's own place.
    let search: SearchData = ok_json(&state, &format!("/search.json?agency={name}")).await;
    assert_eq!(search.results.total, 2);
    let hits_page = ok_html(&state, &format!("/search?agency={name}")).await;
    for hit in &search.results.hits {
        let code = hit.region.code.as_deref().expect("located");
        assert!(hits_page.contains(&link(code)), "search hit of {code}");
        let report = ok_html(&state, &format!("/reports/{}", hit.id)).await;
        assert!(report.contains(&link(code)), "report page of {code}");
    }
    let browse = ok_html(&state, &format!("/browse?region={}", encode("吉林省"))).await;
    assert!(browse.contains(&link(CHANGCHUN_CHAOYANG)), "{browse}");

    // A place the name does not have is a 404 that names the parameter, in the request's
    // format; a value that is no code at all is a 400.
    let (status, content_type, body) = get(&state, &link("110101")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(content_type.starts_with("text/html"));
    assert!(String::from_utf8_lossy(&body).contains("region=110101"));
    let (status, content_type, body) =
        get(&state, &format!("/agencies/{name}.json?region=110101")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(content_type, "application/json");
    let error: serde_json::Value = json("404", &body);
    assert_eq!(error["status"], 404);
    assert!(
        error["error"].as_str().unwrap().contains("region=110101"),
        "{error}"
    );
    let (status, _, body) = get(&state, &format!("/agencies/{name}.json?region=abc")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let error: serde_json::Value = json("400", &body);
    assert!(error["error"].as_str().unwrap().starts_with("region:"));

    // The OpenAPI document describes both answers and the parameter.
    let (_, _, body) = get(&state, "/api/openapi.json").await;
    let doc: serde_json::Value = json("openapi", &body);
    let agency = &doc["paths"]["/agencies/{name}.json"]["get"];
    assert!(agency["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "region"));
    assert!(doc["components"]["schemas"]["AgencyPlaces"]["properties"]["places"].is_object());
}

/// A multipart body with one file.
fn multipart(file_name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "nianbao-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/plain\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_upload(
    state: &Data<WebState>,
    token: Option<&str>,
    file_name: &str,
    bytes: &[u8],
) -> (StatusCode, serde_json::Value) {
    let (content_type, body) = multipart(file_name, bytes);
    let mut req = TestRequest::post()
        .uri("/api/reports")
        .insert_header(("Content-Type", content_type))
        .set_payload(body);
    if let Some(token) = token {
        req = req.insert_header(("Authorization", format!("Bearer {token}")));
    }
    let (status, _, body) = get_with(state, req).await;
    (status, json("upload", &body))
}

#[actix_web::test]
async fn upload_needs_the_servers_token() {
    let seed = std::fs::read(&seed_files()[1]).unwrap();
    let closed = tempfile::tempdir().unwrap();
    let state = Data::new(WebState::new(Archive::open(closed.path()).unwrap(), None));
    let (status, _) = post_upload(&state, Some("anything"), "a.txt", &seed).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "no --upload-token: no endpoint"
    );
    drop(state);

    let open = tempfile::tempdir().unwrap();
    let state = Data::new(WebState::new(
        Archive::open(open.path()).unwrap(),
        Some("s3cret".into()),
    ));
    let (status, error) = post_upload(&state, None, "a.txt", &seed).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{error}");
    let (status, _) = post_upload(&state, Some("wrong"), "a.txt", &seed).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, summary) = post_upload(&state, Some("s3cret"), "../../evil.txt", &seed).await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    assert_eq!(summary["ok"], true);
    assert_eq!(summary["imported"], 1, "{summary}");
    let search: SearchData = ok_json(&state, "/search.json").await;
    assert_eq!(search.results.total, 1);
    assert_eq!(
        search.results.hits[0].agency.as_deref(),
        Some(SEED_AGENCIES[1])
    );
    let record: Record = ok_json(&state, &format!("/reports/{}.json", seed_id(1))).await;
    assert_eq!(
        record.source.file, "evil.txt",
        "only the last name component is kept"
    );
    assert!(
        !open.path().join("uploads").exists()
            || std::fs::read_dir(open.path().join("uploads"))
                .unwrap()
                .next()
                .is_none(),
        "the temporary upload directory is removed"
    );
}

/// Long work runs on threads of its own, not on the worker's one blocking thread: while an
/// upload waits for the import lock (as behind another import), a server with one worker
/// still answers a search.
#[test]
fn an_upload_waiting_for_its_import_does_not_hold_up_searches() {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::time::Duration;

    let dir = tempfile::tempdir().unwrap();
    let state = Data::new(WebState::new(
        Archive::open(dir.path()).unwrap(),
        Some("s3cret".into()),
    ));
    let another_import = state.import_lock.lock().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let serving = state.clone();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(nianbao::web::serve_shared(serving, listener, 1))
    });

    let seed = std::fs::read(&seed_files()[1]).unwrap();
    let (content_type, body) = multipart("a.txt", &seed);
    let mut upload = TcpStream::connect(addr).unwrap();
    let head = format!(
        "POST /api/reports HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer s3cret\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    upload.write_all(head.as_bytes()).unwrap();
    upload.write_all(&body).unwrap();
    // Give the upload time to be read and to reach the import lock.
    std::thread::sleep(Duration::from_millis(500));

    let mut search = TcpStream::connect(addr).unwrap();
    search
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    search
        .write_all(
            format!("GET /search.json?q=x HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .unwrap();
    let mut answer = String::new();
    let read = search.read_to_string(&mut answer);
    assert!(
        read.is_ok() && answer.starts_with("HTTP/1.1 200"),
        "a search while an upload waits: {read:?} {answer}"
    );

    // Once the other import is done, the upload goes through.
    drop(another_import);
    upload
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut answer = String::new();
    upload.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"imported\":1"), "{answer}");
}
