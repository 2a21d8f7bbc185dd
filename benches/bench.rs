//! `cargo bench`: the figures of docs/benchmarks.md. Prints them; never fails on timing.
//!
//! Environment:
//! - `NIANBAO_BENCH_SIZES` — archive sizes to build, default `10000,100000`;
//! - `NIANBAO_BENCH_DIR` — where corpora and archives go, default `target/bench`
//!   (generated corpora are kept between runs, archives are rebuilt);
//! - `NIANBAO_BENCH_HTTP_SECONDS` — seconds per HTTP load run, default 5;
//! - `NIANBAO_BENCH_REUSE=1` — keep an archive built by an earlier run and measure only its
//!   queries and HTTP (for iterating on search; the import figures are then not printed).
//!
//! Import and serve run as child processes of the release binary, so their time and peak
//! memory are their own; queries run in this process against the opened archive.

use nianbao::archive::Archive;
use nianbao::demo::{generate, DemoOptions};
use nianbao::index::SearchRequest;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    // `cargo bench` passes `--bench`; other harness flags are ignored too.
    let sizes: Vec<usize> = std::env::var("NIANBAO_BENCH_SIZES")
        .unwrap_or_else(|_| "10000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let root =
        PathBuf::from(std::env::var("NIANBAO_BENCH_DIR").unwrap_or_else(|_| "target/bench".into()));
    let http_seconds: u64 = std::env::var("NIANBAO_BENCH_HTTP_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    std::fs::create_dir_all(&root).expect("bench dir");
    let binary = release_binary();

    println!("# nianbao benchmarks");
    println!(
        "machine: {} cores, {}",
        cores(),
        first_line("/proc/cpuinfo", "model name")
    );
    bench_parse();
    let reuse = std::env::var("NIANBAO_BENCH_REUSE").is_ok_and(|v| v == "1");
    for &n in &sizes {
        println!("\n## {n} reports");
        let data = root.join(format!("archive-{n}"));
        if reuse && data.join("store").exists() {
            println!("(archive of an earlier run kept: no import)");
        } else {
            let corpus = ensure_corpus(&root, n);
            bench_import(&binary, &corpus, &data, n);
        }
        bench_queries(&data);
        bench_http(&binary, &data, http_seconds);
    }
}

/// The release binary next to this bench executable (cargo builds it for `cargo bench`).
fn release_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("bench executable path");
    let dir = exe.parent().and_then(Path::parent).expect("target/release");
    let binary = dir.join("nianbao");
    assert!(
        binary.exists(),
        "{} missing: run `cargo build --release` first",
        binary.display()
    );
    binary
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn first_line(file: &str, prefix: &str) -> String {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(prefix))
        .and_then(|l| l.split(':').nth(1))
        .unwrap_or("?")
        .trim()
        .to_string()
}

/// Parse throughput on one core over generated reports.
fn bench_parse() {
    let reports: Vec<_> = generate(&DemoOptions {
        count: 2000,
        seed: 11,
        broken_share: 0.05,
        format: None,
    })
    .collect();
    let bytes: usize = reports.iter().map(|r| r.bytes.len()).sum();
    // Warm up (jieba is not involved in parsing, but the gazetteer loads once).
    let _ = nianbao::parse::parse(&reports[0].bytes, &reports[0].file_name);
    let start = Instant::now();
    for r in &reports {
        let _ = nianbao::parse::parse(&r.bytes, &r.file_name);
    }
    let secs = start.elapsed().as_secs_f64();
    println!("\n## parse (one core)");
    println!(
        "- {} reports, {:.1} MB: {:.0} reports/s, {:.1} MB/s",
        reports.len(),
        bytes as f64 / 1e6,
        reports.len() as f64 / secs,
        bytes as f64 / 1e6 / secs
    );
    bench_tokenizer(&reports);
}

/// The index side of the tokenizer on one core: every section text of the parse bench's reports
/// cut into words with dictionary sub-words and compounds, as an import indexes them.
fn bench_tokenizer(reports: &[nianbao::demo::DemoReport]) {
    let texts: Vec<String> = reports
        .iter()
        .filter_map(|r| nianbao::parse::parse(&r.bytes, &r.file_name).ok())
        .flat_map(|record| record.sections.into_iter().map(|s| s.text))
        .collect();
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    // Warm up: jieba loads its dictionary once.
    let _ = nianbao::index::tokenizer::analyze("政务公开", true);
    let start = Instant::now();
    let words: usize = texts
        .iter()
        .map(|t| nianbao::index::tokenizer::analyze(t, true).len())
        .sum();
    let secs = start.elapsed().as_secs_f64();
    println!("\n## index tokenizer (one core)");
    println!(
        "- {} section texts, {:.1} MB, {words} words: {:.1} MB/s",
        texts.len(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / secs
    );
}

/// Writes the demo corpus of `n` reports once; later runs reuse it while the generator is of the
/// same revision and still writes the same first report (the marker holds the revision and the
/// first report's file name and length).
fn ensure_corpus(root: &Path, n: usize) -> PathBuf {
    let dir = root.join(format!("corpus-{n}"));
    let done = dir.join(".complete");
    let options = DemoOptions {
        count: 1,
        seed: 1,
        broken_share: 0.05,
        format: None,
    };
    let fingerprint = generate(&options)
        .next()
        .map(|r| {
            format!(
                "revision {} {} {}",
                nianbao::demo::GENERATOR_REVISION,
                r.file_name,
                r.bytes.len()
            )
        })
        .unwrap_or_default();
    if std::fs::read_to_string(&done).ok().as_deref() != Some(fingerprint.as_str()) {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("corpus dir");
        for r in generate(&DemoOptions {
            count: n,
            seed: 1,
            broken_share: 0.05,
            format: None,
        }) {
            std::fs::write(dir.join(&r.file_name), r.bytes).expect("write report");
        }
        std::fs::write(&done, fingerprint.as_bytes()).expect("marker");
    }
    dir
}

fn dir_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let Ok(meta) = e.metadata() else { continue };
            if meta.is_dir() {
                total += dir_bytes(&e.path());
            } else if !e.file_name().to_string_lossy().starts_with('.') {
                total += meta.len();
            }
        }
    }
    total
}

/// Peak resident memory (VmHWM) of a running process, in MB.
fn peak_rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Resident memory of a running process split into anonymous (heap) and file-backed (mapped
/// index files) pages, from /proc/PID/smaps_rollup.
fn rss_split(pid: u32) -> String {
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    let mb = |key: &str| {
        rollup
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    format!(
        "{:.0} MB, of which {:.0} MB anonymous and {:.0} MB mapped files",
        mb("Rss:"),
        mb("Pss_Anon:"),
        mb("Pss_File:")
    )
}

/// Waits for a child, sampling its peak memory until it exits.
fn wait_with_peak(mut child: Child) -> (std::process::ExitStatus, f64) {
    let mut peak: f64 = 0.0;
    loop {
        if let Some(mb) = peak_rss_mb(child.id()) {
            peak = peak.max(mb);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            return (status, peak);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn bench_import(binary: &Path, corpus: &Path, data: &Path, n: usize) {
    let _ = std::fs::remove_dir_all(data);
    let raw = dir_bytes(corpus);
    let start = Instant::now();
    let child = Command::new(binary)
        .args([
            "import",
            corpus.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
            "--json",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("import runs");
    let (status, peak) = wait_with_peak(child);
    let secs = start.elapsed().as_secs_f64();
    assert!(status.success(), "import failed");
    let store = dir_bytes(&data.join("store"));
    let index = dir_bytes(&data.join("search"));
    println!("### import");
    println!(
        "- {n} reports, {:.0} MB of report files (text, HTML, .docx): {:.1} s, {:.0} reports/s, {:.1} MB/s, peak RSS {:.0} MB",
        raw as f64 / 1e6,
        secs,
        n as f64 / secs,
        raw as f64 / 1e6 / secs,
        peak
    );
    println!(
        "- on disk: store {:.0} MB, index {:.0} MB, together {:.2} × the report files",
        store as f64 / 1e6,
        index as f64 / 1e6,
        (store + index) as f64 / raw as f64
    );
}

/// The fixed query set of the performance bar.
fn query_set() -> Vec<(&'static str, SearchRequest)> {
    let cond = |s: &str| s.parse().expect("valid condition");
    vec![
        (
            "two words, year filter, facets",
            SearchRequest {
                q: "政务公开 培训".into(),
                year_from: Some(2022),
                year_to: Some(2024),
                limit: 10,
                ..Default::default()
            },
        ),
        (
            "phrase",
            SearchRequest {
                q: "\"依申请公开\"".into(),
                limit: 10,
                ..Default::default()
            },
        ),
        (
            "phrase of very common words (信息公开)",
            SearchRequest {
                q: "信息公开".into(),
                limit: 10,
                ..Default::default()
            },
        ),
        (
            "filter, no text",
            SearchRequest {
                level: Some(nianbao::record::Level::County),
                year_from: Some(2023),
                year_to: Some(2023),
                limit: 10,
                ..Default::default()
            },
        ),
        (
            "text + statistic range + facets",
            SearchRequest {
                q: "行政复议".into(),
                conditions: vec![cond("requests.new.total>=5")],
                limit: 10,
                ..Default::default()
            },
        ),
        (
            "a word within one section (培训 in section 一)",
            SearchRequest {
                q: "培训".into(),
                section: Some(1),
                limit: 10,
                ..Default::default()
            },
        ),
        (
            "snippets: 建议提案, 20 hits",
            SearchRequest {
                q: "建议提案".into(),
                limit: 20,
                ..Default::default()
            },
        ),
    ]
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn bench_queries(data: &Path) {
    let start = Instant::now();
    let archive = Archive::open(data).expect("archive opens");
    let open_secs = start.elapsed().as_secs_f64();
    println!(
        "### queries (in process; archive opened in {:.2} s)",
        open_secs
    );
    println!("| query | hits | p50 ms | p99 ms | CPU ms |");
    println!("| --- | --- | --- | --- | --- |");
    // First, on the archive just opened: the searches of common words run from kept clauses
    // (each term, phrase and filter evaluated once and kept), so the first pass, which reads
    // each clause as it first comes, is shown beside the second.
    let distinct = distinct_requests();
    for pass in [
        "first pass: clauses read as they come",
        "second pass: clauses kept",
    ] {
        let mut times = Vec::with_capacity(distinct.len());
        let mut hits = 0;
        let cpu_before = thread_cpu_ms();
        for request in &distinct {
            let t = Instant::now();
            hits += archive.search(request).expect("search").total;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let cpu = (thread_cpu_ms() - cpu_before) / distinct.len() as f64;
        times.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
        println!(
            "| {} distinct searches (two words + year), {pass}; slowest {:.1} ms | {} on average | {:.2} | {:.2} | {cpu:.2} |",
            distinct.len(),
            times.last().copied().unwrap_or(0.0),
            hits / distinct.len(),
            percentile(&times, 0.5),
            percentile(&times, 0.99)
        );
    }
    for (name, request) in query_set() {
        let mut total = 0;
        for _ in 0..20 {
            total = archive.search(&request).expect("search").total;
        }
        const RUNS: usize = 300;
        let mut times = Vec::with_capacity(RUNS);
        let cpu_before = thread_cpu_ms();
        for _ in 0..RUNS {
            let t = Instant::now();
            let results = archive.search(&request).expect("search");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(results);
        }
        let cpu = (thread_cpu_ms() - cpu_before) / RUNS as f64;
        times.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
        println!(
            "| {name} | {total} | {:.2} | {:.2} | {cpu:.2} |",
            percentile(&times, 0.5),
            percentile(&times, 0.99)
        );
    }
}

/// CPU time this thread has used, in ms. A search runs on the calling thread, so its CPU time
/// leaves out the time it waited for a core, which its wall time includes (the speed of the
/// host's cores still varies between runs).
fn thread_cpu_ms() -> f64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    now.tv_sec as f64 * 1000.0 + now.tv_nsec as f64 / 1e6
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// One GET on a kept-alive connection; returns false on any error.
fn get(stream: &mut BufReader<TcpStream>, path: &str) -> bool {
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n");
    if stream.get_mut().write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut status = String::new();
    if stream.read_line(&mut status).is_err() || !status.contains(" 200 ") {
        return false;
    }
    let mut length = None;
    let mut chunked = false;
    loop {
        let mut line = String::new();
        if stream.read_line(&mut line).is_err() {
            return false;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse::<usize>().ok();
        }
        if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            chunked = true;
        }
    }
    if let Some(n) = length {
        let mut body = vec![0; n];
        return stream.read_exact(&mut body).is_ok();
    }
    if chunked {
        loop {
            let mut size = String::new();
            if stream.read_line(&mut size).is_err() {
                return false;
            }
            let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
                return false;
            };
            let mut chunk = vec![0; n + 2];
            if stream.read_exact(&mut chunk).is_err() {
                return false;
            }
            if n == 0 {
                return true;
            }
        }
    }
    false
}

/// Load from wrk (Debian's `wrk`), which spends far less of the machine's two cores than
/// threads of this process would: `connections` connections for `seconds`, the paths taken in
/// turn through a Lua script. Returns (requests/s, p99 ms, errors), or `None` when wrk is not
/// installed or its output cannot be read.
fn wrk_load(
    port: u16,
    paths: &[String],
    connections: usize,
    seconds: u64,
    scratch: &Path,
) -> Option<(f64, f64, usize)> {
    let quoted: Vec<String> = paths.iter().map(|p| format!("{p:?}")).collect();
    let script = scratch.join("wrk-paths.lua");
    std::fs::write(
        &script,
        format!(
            "paths = {{{}}}\ncounter = 0\nrequest = function()\n  counter = counter + 1\n  return wrk.format('GET', paths[(counter % #paths) + 1])\nend\n",
            quoted.join(",\n")
        ),
    )
    .ok()?;
    let output = Command::new("wrk")
        .args([
            &format!("-t{}", connections.min(2)),
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "--latency",
            "-s",
            script.to_str()?,
            &format!("http://127.0.0.1:{port}"),
        ])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let value_after = |label: &str| -> Option<&str> {
        text.lines()
            .find(|l| l.trim_start().starts_with(label))
            .and_then(|l| l.trim_start()[label.len()..].split_whitespace().next())
    };
    let rps: f64 = value_after("Requests/sec:")?.parse().ok()?;
    let p99 = value_after("99%")?;
    let p99_ms = if let Some(us) = p99.strip_suffix("us") {
        us.parse::<f64>().ok()? / 1000.0
    } else if let Some(ms) = p99.strip_suffix("ms") {
        ms.parse::<f64>().ok()?
    } else {
        p99.strip_suffix('s')?.parse::<f64>().ok()? * 1000.0
    };
    let non_2xx: usize = value_after("Non-2xx or 3xx responses:")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let socket_errors: usize = text
        .lines()
        .find(|l| l.trim_start().starts_with("Socket errors:"))
        .map_or(0, |l| {
            l.split(|c: char| !c.is_ascii_digit())
                .filter_map(|n| n.parse::<usize>().ok())
                .sum()
        });
    Some((rps, p99_ms, non_2xx + socket_errors))
}

/// `connections` threads each send requests for `seconds`, taking the paths in turn (thread
/// `t` starts at path `t`); returns (requests/s, p99 ms, errors).
fn load(port: u16, paths: &[String], connections: usize, seconds: u64) -> (f64, f64, usize) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let handles: Vec<_> = (0..connections)
        .map(|thread| {
            let paths = paths.to_vec();
            std::thread::spawn(move || {
                let mut times = Vec::new();
                let mut errors = 0;
                let connect = || TcpStream::connect(("127.0.0.1", port)).map(BufReader::new);
                let Ok(mut stream) = connect() else {
                    return (times, 1);
                };
                let mut next = thread;
                while Instant::now() < deadline {
                    let path = &paths[next % paths.len()];
                    next += connections;
                    let t = Instant::now();
                    if get(&mut stream, path) {
                        times.push(t.elapsed().as_secs_f64() * 1000.0);
                    } else {
                        errors += 1;
                        match connect() {
                            Ok(s) => stream = s,
                            Err(_) => break,
                        }
                    }
                }
                (times, errors)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut errors = 0;
    for h in handles {
        let (t, e) = h.join().expect("load thread");
        all.extend(t);
        errors += e;
    }
    all.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    let rps = all.len() as f64 / seconds as f64;
    let p99 = if all.is_empty() {
        f64::NAN
    } else {
        percentile(&all, 0.99)
    };
    (rps, p99, errors)
}

/// Searches that differ from each other: pairs of common narrative words, each with every
/// year from 2019 to 2024 and without one, interleaved so that consecutive searches differ in
/// words, not only in year. The server keeps recent searches, and these measure searching
/// rather than keeping.
fn distinct_requests() -> Vec<SearchRequest> {
    const WORDS: [&str; 20] = [
        "政务公开",
        "培训",
        "依申请公开",
        "行政复议",
        "建议提案",
        "主动公开",
        "政府网站",
        "政务新媒体",
        "信息公开",
        "行政诉讼",
        "规范性文件",
        "政策解读",
        "平台建设",
        "监督保障",
        "工作人员",
        "办理",
        "答复",
        "栏目",
        "考核",
        "更新",
    ];
    let mut requests = Vec::new();
    for (i, a) in WORDS.iter().enumerate() {
        for b in &WORDS[i + 1..] {
            for year in [
                None,
                Some(2019),
                Some(2020),
                Some(2021),
                Some(2022),
                Some(2023),
                Some(2024),
            ] {
                requests.push(SearchRequest {
                    q: format!("{a} {b}"),
                    year_from: year,
                    year_to: year,
                    ..SearchRequest::default()
                });
            }
        }
    }
    let mut order: Vec<usize> = (0..requests.len()).collect();
    order.sort_by_key(|&i| (i * 7919) % requests.len());
    order.into_iter().map(|i| requests[i].clone()).collect()
}

/// The search page URLs of [`distinct_requests`].
fn distinct_searches() -> Vec<String> {
    distinct_requests()
        .into_iter()
        .map(|r| {
            let mut pairs = vec![("q", r.q)];
            pairs.extend(r.year_from.map(|y| ("year", y.to_string())));
            nianbao::web::params::url_with("/search", &pairs)
        })
        .collect()
}

fn bench_http(binary: &Path, data: &Path, seconds: u64) {
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let start = Instant::now();
    let mut server = match Command::new(binary)
        .args(["serve", "--data", data.to_str().unwrap(), "--addr", &addr])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => {
            println!("### HTTP: server did not start: {e}");
            return;
        }
    };
    // Start-up: until the home page answers.
    let mut up = false;
    while start.elapsed() < Duration::from_secs(60) {
        if let Ok(s) = TcpStream::connect(("127.0.0.1", port)) {
            if get(&mut BufReader::new(s), "/") {
                up = true;
                break;
            }
        }
        if let Ok(Some(_)) = server.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    if !up {
        let mut err = String::new();
        let _ = server.kill();
        if let Some(mut e) = server.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        println!("### HTTP: server did not answer: {}", err.trim());
        return;
    }
    println!(
        "### HTTP (loopback, {seconds} s per run; serve started in {:.2} s)",
        start.elapsed().as_secs_f64()
    );
    // A report id for the report page.
    let report = {
        let mut s = BufReader::new(TcpStream::connect(("127.0.0.1", port)).expect("connect"));
        let req = "GET /search.json?q=%E5%BB%BA%E8%AE%AE%E6%8F%90%E6%A1%88 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        s.get_mut().write_all(req.as_bytes()).expect("send");
        let mut body = String::new();
        let _ = s.read_to_string(&mut body);
        body.split("\"id\":\"")
            .nth(1)
            .and_then(|r| r.get(..16))
            .unwrap_or("0000000000000000")
            .to_string()
    };
    let pages = [
        (
            "search page 政务公开 培训 (the same search again: kept results)",
            vec!["/search?q=%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80+%E5%9F%B9%E8%AE%AD".to_string()],
        ),
        (
            "search page, distinct searches (two words + year: every one searched)",
            distinct_searches(),
        ),
        ("report page", vec![format!("/reports/{report}")]),
        (
            "JSON search API",
            vec!["/search.json?q=%E8%A1%8C%E6%94%BF%E5%A4%8D%E8%AE%AE&year=2023".to_string()],
        ),
    ];
    let have_wrk = Command::new("wrk").arg("--version").output().is_ok();
    println!(
        "load from {}",
        if have_wrk {
            "wrk (Debian's package)"
        } else {
            "threads of the bench (wrk is not installed: apt-get install wrk)"
        }
    );
    println!("| page | connections | requests/s | p99 ms | errors |");
    println!("| --- | --- | --- | --- | --- |");
    for (name, paths) in &pages {
        for connections in [1, 32] {
            let measured = have_wrk
                .then(|| {
                    wrk_load(
                        port,
                        paths,
                        connections,
                        seconds,
                        data.parent().unwrap_or(data),
                    )
                })
                .flatten();
            let (rps, p99, errors) =
                measured.unwrap_or_else(|| load(port, paths, connections, seconds));
            println!("| {name} | {connections} | {rps:.0} | {p99:.1} | {errors} |");
        }
    }
    println!(
        "- serve RSS after the runs: peak {:.0} MB; now {}",
        peak_rss_mb(server.id()).unwrap_or(f64::NAN),
        rss_split(server.id())
    );
    // SIGTERM, not SIGKILL: the server closes the archive cleanly, so the next open is fast.
    let _ = Command::new("kill").arg(server.id().to_string()).status();
    let _ = server.wait();
}
