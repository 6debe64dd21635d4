//! Vigie's benchmark suite: whole-file runs on a generated corpus, each
//! printed as a ratio against a baseline measured in the same run on the
//! same bytes, plus the absolute figure.
//!
//! ```sh
//! cargo bench --bench scan -- --mb 200          # everything, one table
//! cargo bench --bench scan -- --mb 5            # a quick check
//! cargo bench --bench scan -- --mb 50 match fold   # some sections only
//! ```
//!
//! Sections: `e2e`, `match`, `fold`, `compile`, `check`, `threads`, `cli`
//! (real `vigie scan` runs: wall time, peak RSS, 1 and 2 threads),
//! `stream` (peak RSS as a stream with stream rules grows). Options:
//! `--mb N` (corpus size, default 200), `--seed S`, `--reps N` (runs per
//! measurement, the best is kept; default 3), `--corpus FILE` (use this
//! file instead of generating one), `--stream-ads N` (largest stream of
//! the `stream` section), `--json FILE` (the rows, for
//! `benches/peers/run.sh`). What each one measures and what bounds it:
//! `docs/performance.md`.

#[allow(dead_code)]
#[path = "../examples/gen_corpus/corpus.rs"]
mod corpus;
#[path = "shared/e2e.rs"]
mod e2e;
#[allow(dead_code)]
#[path = "../examples/gen_corpus/packs.rs"]
mod packs;
#[allow(dead_code)]
#[path = "../examples/gen_corpus/words.rs"]
mod words;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use serde::de::{Deserializer, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::hint::black_box;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;
use vigie::compile::MatchBuffers;
use vigie::text::{fold_into, fold_into_sparse, FoldProfile, Folded};
use vigie::Pack;

// The allocator `vigie scan` uses (src/main.rs), so that the library
// figures are the CLI's; the baselines run under it too.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SECTIONS: &[&str] = &[
    "e2e", "match", "fold", "compile", "check", "threads", "cli", "stream",
];

struct Opts {
    mb: f64,
    seed: u64,
    reps: usize,
    corpus: Option<PathBuf>,
    json: Option<PathBuf>,
    stream_ads: Option<u64>,
    sections: Vec<String>,
}

fn parse_opts() -> Result<Opts, String> {
    let mut o = Opts {
        mb: 200.0,
        seed: 1,
        reps: 3,
        corpus: None,
        json: None,
        stream_ads: None,
        sections: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            // `cargo bench` passes --bench to every bench binary.
            "--bench" => {}
            "--mb" => o.mb = num(&a, &value()?)?,
            "--seed" => o.seed = num(&a, &value()?)?,
            "--reps" => o.reps = num::<usize>(&a, &value()?)?.max(1),
            "--corpus" => o.corpus = Some(PathBuf::from(value()?)),
            "--json" => o.json = Some(PathBuf::from(value()?)),
            "--stream-ads" => o.stream_ads = Some(num(&a, &value()?)?),
            s if SECTIONS.contains(&s) => o.sections.push(s.to_string()),
            s => {
                return Err(format!(
                    "unknown argument {s}; sections are {}",
                    SECTIONS.join(", ")
                ))
            }
        }
    }
    Ok(o)
}

fn num<T: std::str::FromStr>(flag: &str, v: &str) -> Result<T, String> {
    v.parse().map_err(|_| format!("bad value for {flag}: {v}"))
}

/// A target from issue 8, checked against the row's figure.
#[derive(Clone, Copy)]
enum Target {
    /// ratio ≥ x
    RatioAtLeast(f64),
    /// ratio ≤ x
    RatioAtMost(f64),
    /// figure in ms < x
    MsBelow(f64),
    /// figure in MB < x
    MbBelow(f64),
}

impl Target {
    fn text(self) -> String {
        match self {
            Target::RatioAtLeast(x) => format!("≥ {x}×"),
            Target::RatioAtMost(x) => format!("≤ {x}×"),
            Target::MsBelow(x) => format!("< {x} ms"),
            Target::MbBelow(x) => format!("< {x} MB"),
        }
    }
}

struct Row {
    section: &'static str,
    name: String,
    value: String,
    baseline: String,
    ratio: Option<f64>,
    /// The figure a target reads (ms, MB) when it is not the ratio.
    figure: Option<f64>,
    target: Option<Target>,
    /// Machine-readable figures for --json.
    mb_s: Option<f64>,
    secs: Option<f64>,
}

impl Row {
    fn new(section: &'static str, name: impl Into<String>) -> Row {
        Row {
            section,
            name: name.into(),
            value: String::new(),
            baseline: String::new(),
            ratio: None,
            figure: None,
            target: None,
            mb_s: None,
            secs: None,
        }
    }

    fn verdict(&self) -> &'static str {
        let Some(t) = self.target else { return "" };
        let ok = match t {
            Target::RatioAtLeast(x) => self.ratio.is_some_and(|r| r >= x),
            Target::RatioAtMost(x) => self.ratio.is_some_and(|r| r <= x),
            Target::MsBelow(x) | Target::MbBelow(x) => self.figure.is_some_and(|f| f < x),
        };
        if ok {
            "met"
        } else {
            "MISSED"
        }
    }
}

/// Throughput and time of one pass over `bytes`.
fn rate(bytes: u64, secs: f64) -> String {
    format!("{:.0} MB/s ({})", mb_s(bytes, secs), dur(secs))
}

fn mb_s(bytes: u64, secs: f64) -> f64 {
    bytes as f64 / 1e6 / secs.max(1e-9)
}

fn dur(secs: f64) -> String {
    if secs >= 1.0 {
        format!("{secs:.2} s")
    } else {
        format!("{:.1} ms", secs * 1e3)
    }
}

/// Runs each closure `reps` times, interleaved (a, b, c, a, b, c, ...) so
/// that a change in the machine's load hits them alike; returns the best
/// time of each and the last checksum of each (kept from the optimiser).
fn race(reps: usize, fs: &mut [&mut dyn FnMut() -> u64]) -> Vec<(f64, u64)> {
    let mut best = vec![(f64::MAX, 0); fs.len()];
    for _ in 0..reps {
        for (i, f) in fs.iter_mut().enumerate() {
            let t = Instant::now();
            let sum = black_box(f());
            let secs = t.elapsed().as_secs_f64();
            if secs < best[i].0 {
                best[i] = (secs, sum);
            }
        }
    }
    best
}

/// The median time of `reps` runs of `f` (for millisecond-scale work).
fn median(reps: usize, mut f: impl FnMut() -> u64) -> f64 {
    let mut times: Vec<f64> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

// ---------------------------------------------------------------------
// Baselines: serde_json alone.

/// The default schema as a struct of borrowed strings. JSON strings with
/// escapes (`\n`, `\"`) cannot be borrowed, hence `Cow`: borrowed when the
/// text has no escape, owned otherwise.
#[derive(Deserialize)]
struct AdRef<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    title: Cow<'a, str>,
    #[serde(borrow)]
    body: Cow<'a, str>,
    #[serde(borrow, default)]
    category: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    city: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    phone: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    price: Option<NumOrStr<'a>>,
    #[serde(borrow, default)]
    posted_at: Option<Cow<'a, str>>,
    #[serde(default)]
    boosted: Option<bool>,
}

impl AdRef<'_> {
    fn weight(&self) -> u64 {
        let opt = |s: &Option<Cow<str>>| s.as_ref().map_or(0, |s| s.len());
        let price = match &self.price {
            Some(NumOrStr::Num(n)) => *n as usize,
            Some(NumOrStr::Str(s)) => s.len(),
            None => 0,
        };
        (self.id.len()
            + self.title.len()
            + self.body.len()
            + opt(&self.category)
            + opt(&self.city)
            + opt(&self.phone)
            + opt(&self.posted_at)
            + price
            + usize::from(self.boosted.unwrap_or(false))) as u64
    }
}

/// `price`: a number or a string.
enum NumOrStr<'a> {
    Num(f64),
    Str(Cow<'a, str>),
}

impl<'de: 'a, 'a> Deserialize<'de> for NumOrStr<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NumOrStr<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number or a string")
            }
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(NumOrStr::Num(v as f64))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                Ok(NumOrStr::Num(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
                Ok(NumOrStr::Num(v))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(NumOrStr::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(NumOrStr::Str(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_any(V)
    }
}

fn parse_borrowed(lines: &[&[u8]]) -> u64 {
    let mut n = 0;
    for line in lines {
        if let Ok(text) = std::str::from_utf8(line) {
            if let Ok(ad) = serde_json::from_str::<AdRef>(text) {
                n += ad.weight();
            }
        }
    }
    n
}

// ---------------------------------------------------------------------
// Vigie through the library API the CLI uses.

/// [`e2e::scan_into`] with a fresh scanner, the verdicts to a sink.
fn scan_lines(pack: &Pack, lines: &[&[u8]]) -> u64 {
    let mut scanner = pack.scanner();
    let mut out = BufWriter::with_capacity(1 << 16, io::sink());
    let flagged = e2e::scan_into(&mut scanner, lines, &mut out);
    out.flush().expect("sink");
    flagged
}

fn load_pack(name: &str, text: &str) -> Pack {
    Pack::from_source(name, text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

// ---------------------------------------------------------------------
// Child processes: peak RSS and wall time of a whole process.

/// Writes a measured process's standard input (runs on its own thread).
type Feed = Box<dyn FnOnce(&mut dyn Write) + Send>;

/// A finished child: wall time, peak RSS (KiB, from wait4), exit code,
/// standard error.
struct ChildRun {
    secs: f64,
    max_rss_kib: Option<u64>,
    code: i32,
    stderr: String,
}

#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
mod rusage {
    /// `struct rusage` on 64-bit Linux: two timevals, then 14 longs of
    /// which the first is ru_maxrss (KiB).
    #[repr(C)]
    pub struct RUsage {
        utime: [i64; 2],
        stime: [i64; 2],
        pub maxrss: i64,
        rest: [i64; 13],
    }

    extern "C" {
        fn wait4(pid: i32, status: *mut i32, options: i32, rusage: *mut RUsage) -> i32;
    }

    /// Waits for process `pid` (a child not yet waited for); returns its
    /// raw wait status and peak RSS in KiB.
    pub fn wait(pid: u32) -> std::io::Result<(i32, u64)> {
        let mut status = 0i32;
        let mut ru = RUsage {
            utime: [0; 2],
            stime: [0; 2],
            maxrss: 0,
            rest: [0; 13],
        };
        loop {
            // SAFETY: both pointers are to live, writable locals of the
            // layout the kernel writes.
            let r = unsafe { wait4(pid as i32, &mut status, 0, &mut ru) };
            if r >= 0 {
                return Ok((status, ru.maxrss.max(0) as u64));
            }
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }
}

/// Runs `cmd` (stdout discarded), feeding its stdin from `feed` when
/// given, and measures it.
fn run_child(mut cmd: Command, feed: Option<Feed>) -> io::Result<ChildRun> {
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    cmd.stdin(if feed.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let start = Instant::now();
    let mut child = cmd.spawn()?;
    let feeder = match (feed, child.stdin.take()) {
        (Some(f), Some(stdin)) => Some(std::thread::spawn(move || {
            let mut w = BufWriter::with_capacity(1 << 16, stdin);
            f(&mut w);
            let _ = w.flush();
        })),
        _ => None,
    };
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut stderr);
    }
    #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
    let (code, rss) = {
        let (status, rss) = rusage::wait(child.id())?;
        ((status >> 8) & 0xff, Some(rss))
    };
    #[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
    let (code, rss) = (child.wait()?.code().unwrap_or(-1), None);
    let secs = start.elapsed().as_secs_f64();
    if let Some(f) = feeder {
        let _ = f.join();
    }
    Ok(ChildRun {
        secs,
        max_rss_kib: rss,
        code,
        stderr,
    })
}

/// What to run and measure in a fresh process (see [`measure`]).
struct Spec {
    argv: Vec<String>,
    /// Feed stdin with this many generated ads: (ads, per_day, seed).
    feed: Option<(u64, u32, u64)>,
}

/// Runs `spec` from a fresh, small process (`--measure`) and returns what
/// it measured. Linux counts in a child's peak RSS the high-water mark of
/// the process that spawned it (at `exec`), so spawning from the bench
/// itself, which holds the corpus in memory, would report the bench's
/// memory instead of the child's.
fn measure(spec: &Spec) -> io::Result<ChildRun> {
    let exe = std::env::current_exe()?;
    let json = serde_json::json!({"argv": spec.argv, "feed": spec.feed}).to_string();
    let out = Command::new(exe)
        .arg("--measure")
        .arg(json)
        .stderr(Stdio::inherit())
        .output()?;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| io::Error::other(format!("measure: {e}")))?;
    Ok(ChildRun {
        secs: v["secs"].as_f64().unwrap_or(f64::NAN),
        max_rss_kib: v["max_rss_kib"].as_u64(),
        code: v["code"].as_i64().unwrap_or(-1) as i32,
        stderr: v["stderr"].as_str().unwrap_or("").to_string(),
    })
}

/// `--measure SPEC`: the intermediate process of [`measure`].
fn child_measure(json: &str) {
    let v: serde_json::Value = serde_json::from_str(json).expect("spec");
    let argv: Vec<String> = v["argv"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let mut cmd = Command::new(&argv[0]);
    cmd.args(&argv[1..]);
    let feed = v["feed"].as_array().map(|f| {
        let n = |i: usize| f.get(i).and_then(|x| x.as_u64()).unwrap_or(0);
        (n(0), n(1) as u32, n(2))
    });
    let feed = feed.map(|(ads, per_day, seed)| -> Feed {
        Box::new(move |w: &mut dyn Write| {
            let mut g = corpus::Generator::new(corpus::Config {
                seed,
                per_day,
                ..corpus::Config::default()
            });
            let mut buf = Vec::with_capacity(1 << 17);
            while g.stats.ads < ads {
                g.next_into(&mut buf);
                if buf.len() >= 1 << 16 {
                    if w.write_all(&buf).is_err() {
                        return;
                    }
                    buf.clear();
                }
                g.take_truth();
            }
            let _ = w.write_all(&buf);
        })
    });
    let r = run_child(cmd, feed).expect("run the measured process");
    let out = serde_json::json!({
        "secs": r.secs, "max_rss_kib": r.max_rss_kib, "code": r.code, "stderr": r.stderr,
    });
    println!("{out}");
}

/// `--child-parse FILE`: the RSS baseline, a process that reads the file
/// line by line (as `vigie scan` does) and parses each line into a
/// `serde_json::Value`.
fn child_parse(path: &str) {
    let file = std::fs::File::open(path).expect("open");
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut line = Vec::new();
    let mut n = 0u64;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).expect("read") == 0 {
            break;
        }
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&line) {
            n += v.as_object().map_or(0, |o| o.len()) as u64;
        }
    }
    eprintln!("{n} fields");
}

fn vigie_bin() -> &'static str {
    env!("CARGO_BIN_EXE_vigie")
}

fn rss_mb(kib: Option<u64>) -> Option<f64> {
    kib.map(|k| k as f64 * 1024.0 / 1e6)
}

fn fmt_rss(kib: Option<u64>) -> String {
    rss_mb(kib).map_or("n/a".to_string(), |m| format!("{m:.1} MB"))
}

fn last_line(s: &str) -> &str {
    s.lines().last().unwrap_or("").trim()
}

// ---------------------------------------------------------------------

struct Bench {
    opts: Opts,
    rows: Vec<Row>,
    notes: Vec<String>,
    data_dir: PathBuf,
}

impl Bench {
    fn wants(&self, section: &str) -> bool {
        self.opts.sections.is_empty() || self.opts.sections.iter().any(|s| s == section)
    }

    fn push(&mut self, row: Row) {
        self.rows.push(row);
    }

    fn note(&mut self, s: String) {
        self.notes.push(s);
    }
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("{cpu}, {cores} core(s) available")
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "n/a".to_string())
}

/// Generates (or reuses) the corpus file.
fn corpus_file(b: &Bench) -> io::Result<PathBuf> {
    if let Some(p) = &b.opts.corpus {
        return Ok(p.clone());
    }
    let path = b.data_dir.join(format!(
        "corpus-v{}-s{}-{}mb.jsonl",
        corpus::VERSION,
        b.opts.seed,
        b.opts.mb
    ));
    if path.exists() {
        return Ok(path);
    }
    let t = Instant::now();
    let tmp = path.with_extension("tmp");
    let mut out = BufWriter::with_capacity(1 << 16, std::fs::File::create(&tmp)?);
    let mut g = corpus::Generator::new(corpus::Config {
        seed: b.opts.seed,
        ..corpus::Config::default()
    });
    let max = (b.opts.mb * 1e6) as u64;
    let mut buf = Vec::with_capacity(1 << 17);
    while g.stats.bytes < max {
        g.next_into(&mut buf);
        if buf.len() >= 1 << 16 {
            out.write_all(&buf)?;
            buf.clear();
        }
        g.take_truth();
    }
    out.write_all(&buf)?;
    out.flush()?;
    drop(out);
    std::fs::rename(&tmp, &path)?;
    eprintln!(
        "generated {} ({} ads) in {}",
        path.display(),
        g.stats.ads,
        dur(t.elapsed().as_secs_f64())
    );
    Ok(path)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("--child-parse") => return child_parse(&args[2]),
        Some("--measure") => return child_measure(&args[2]),
        _ => {}
    }
    let opts = match parse_opts() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("scan bench: {e}");
            std::process::exit(2);
        }
    };
    let data_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("vigie-bench");
    std::fs::create_dir_all(&data_dir).expect("create the data directory");
    let mut b = Bench {
        opts,
        rows: Vec::new(),
        notes: Vec::new(),
        data_dir,
    };
    let load_start = loadavg();
    let started = Instant::now();
    let corpus = corpus_file(&b).expect("corpus");
    let bytes = std::fs::read(&corpus).expect("read corpus");
    let lines: Vec<&[u8]> = bytes
        .split(|&c| c == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    eprintln!(
        "corpus {}: {:.1} MB, {} ads",
        corpus.display(),
        bytes.len() as f64 / 1e6,
        lines.len()
    );
    let seed = b.opts.seed;
    let lex: Vec<(usize, String)> = [100, 1000, 10_000]
        .iter()
        .map(|&n| (n, packs::lexicon_pack(n, seed)))
        .collect();
    for (n, text) in &lex {
        std::fs::write(b.data_dir.join(format!("lex{n}.vigie")), text).expect("write pack");
        let terms = packs::lexicon_terms(*n, seed).join("\n") + "\n";
        std::fs::write(b.data_dir.join(format!("terms-{n}.txt")), terms).expect("write terms");
    }
    let lex1000 = load_pack("lex1000.vigie", &lex[1].1);
    let fr_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/fr");
    let fr = Pack::load(&fr_dir).unwrap_or_else(|e| panic!("rules/fr: {e}"));

    if b.wants("e2e") {
        e2e(&mut b, &bytes, &lines, &corpus, &lex1000, &fr);
    }
    let bodies: Vec<String> = if b.wants("match") || b.wants("fold") {
        lines
            .iter()
            .filter_map(|l| serde_json::from_slice::<AdRef>(l).ok())
            .map(|a| a.body.into_owned())
            .collect()
    } else {
        Vec::new()
    };
    if b.wants("match") {
        matching(&mut b, &bodies, &lex1000, &fr);
    }
    if b.wants("fold") {
        folding(&mut b, &bodies);
    }
    if b.wants("compile") {
        compile(&mut b, &lex);
    }
    if b.wants("check") {
        check(&mut b, &fr_dir);
    }
    if b.wants("threads") {
        threads(&mut b, &lines, &lex1000);
    }
    if b.wants("cli") {
        cli(&mut b, &corpus, &bytes, &fr_dir);
    }
    if b.wants("stream") {
        stream(&mut b, lines.len() as u64, &fr_dir);
    }
    let load_end = loadavg();
    print_table(
        &b,
        &corpus,
        bytes.len(),
        lines.len(),
        &load_start,
        &load_end,
    );
    eprintln!("total time {}", dur(started.elapsed().as_secs_f64()));
    if let Some(path) = &b.opts.json {
        write_json(&b, path, &corpus);
    }
}

fn e2e(b: &mut Bench, bytes: &[u8], lines: &[&[u8]], corpus: &Path, lex: &Pack, fr: &Pack) {
    let n = bytes.len() as u64;
    let reps = b.opts.reps;
    let t = race(
        reps,
        &mut [
            &mut || std::fs::read(corpus).map_or(0, |v| v.len() as u64),
            &mut || e2e::parse_values(lines),
            &mut || parse_borrowed(lines),
            &mut || scan_lines(lex, lines),
            &mut || scan_lines(fr, lines),
        ],
    );
    let [read, value, borrowed, scan_lex, scan_fr] = [t[0], t[1], t[2], t[3], t[4]];
    let mut row = Row::new("e2e", "read the file (page cache)");
    row.value = rate(n, read.0);
    row.mb_s = Some(mb_s(n, read.0));
    row.secs = Some(read.0);
    b.push(row);
    for (label, base, target) in [
        ("serde_json → Value", value, Some(Target::RatioAtLeast(0.5))),
        (
            "serde_json → borrowed struct",
            borrowed,
            Some(Target::RatioAtLeast(0.5)),
        ),
    ] {
        let mut row = Row::new("e2e", format!("scan lex1000, 1 thread ÷ {label}"));
        row.value = rate(n, scan_lex.0);
        row.baseline = rate(n, base.0);
        row.ratio = Some(base.0 / scan_lex.0);
        row.target = target;
        row.mb_s = Some(mb_s(n, scan_lex.0));
        row.secs = Some(scan_lex.0);
        b.push(row);
    }
    let mut row = Row::new("e2e", "scan rules/fr, 1 thread ÷ borrowed struct");
    row.value = rate(n, scan_fr.0);
    row.baseline = rate(n, borrowed.0);
    row.ratio = Some(borrowed.0 / scan_fr.0);
    row.mb_s = Some(mb_s(n, scan_fr.0));
    row.secs = Some(scan_fr.0);
    b.push(row);
    b.note(format!(
        "e2e: flagged {} ads with lex1000, {} with rules/fr (stream rules included, records in file order)",
        scan_lex.1, scan_fr.1
    ));
}

fn matching(b: &mut Bench, bodies: &[String], lex: &Pack, fr: &Pack) {
    let n: u64 = bodies.iter().map(|s| s.len() as u64).sum();
    let terms: Vec<String> = packs::lexicon_terms(1000, b.opts.seed)
        .into_iter()
        .map(|t| t.trim_end_matches('*').to_string())
        .collect();
    let build = |kind: Option<AhoCorasickKind>| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(kind)
            .build(&terms)
            .expect("automaton")
    };
    let ac = build(None);
    let dfa = build(Some(AhoCorasickKind::DFA));
    let run_ac = |a: &AhoCorasick| {
        let mut hits = 0u64;
        for body in bodies {
            hits += a.find_overlapping_iter(body.as_str()).count() as u64;
        }
        hits
    };
    let run_vigie = |p: &Pack| {
        let matcher = &p.compiled().matcher;
        let mut bufs = MatchBuffers::default();
        let mut hits = Vec::new();
        let mut count = 0u64;
        for body in bodies {
            hits.clear();
            matcher.scan(body, &mut bufs, &mut hits);
            count += hits.len() as u64;
        }
        count
    };
    let t = race(
        b.opts.reps,
        &mut [
            &mut || run_vigie(lex),
            &mut || run_ac(&ac),
            &mut || run_ac(&dfa),
            &mut || run_vigie(fr),
        ],
    );
    let [vigie, ac_t, dfa_t, fr_t] = [t[0], t[1], t[2], t[3]];
    for (label, base, target) in [
        ("aho-corasick default", ac_t, None),
        ("aho-corasick DFA", dfa_t, Some(Target::RatioAtLeast(1.0))),
    ] {
        let mut row = Row::new("match", format!("Matcher::scan lex1000 ÷ {label}"));
        row.value = rate(n, vigie.0);
        row.baseline = rate(n, base.0);
        row.ratio = Some(base.0 / vigie.0);
        row.target = target;
        row.mb_s = Some(mb_s(n, vigie.0));
        row.secs = Some(vigie.0);
        b.push(row);
    }
    let mut row = Row::new("match", "Matcher::scan rules/fr ÷ aho-corasick DFA");
    row.value = rate(n, fr_t.0);
    row.baseline = rate(n, dfa_t.0);
    row.ratio = Some(dfa_t.0 / fr_t.0);
    row.mb_s = Some(mb_s(n, fr_t.0));
    row.secs = Some(fr_t.0);
    b.push(row);
    for (name, t) in [("aho-corasick default", ac_t), ("aho-corasick DFA", dfa_t)] {
        let mut row = Row::new("match", format!("(baseline) {name}, 1,000 terms"));
        row.value = rate(n, t.0);
        row.mb_s = Some(mb_s(n, t.0));
        row.secs = Some(t.0);
        b.push(row);
    }
    b.note(format!(
        "match: {} bodies, {:.1} MB; hits: Vigie {} (word boundaries), aho-corasick {} (none), rules/fr {}",
        bodies.len(),
        n as f64 / 1e6,
        vigie.1,
        ac_t.1,
        fr_t.1
    ));
}

fn folding(b: &mut Bench, bodies: &[String]) {
    let n: u64 = bodies.iter().map(|s| s.len() as u64).sum();
    let full = FoldProfile::DEFAULT
        .union(FoldProfile::LEET)
        .union(FoldProfile::SPACING)
        .union(FoldProfile::EMOJI);
    let fold = |profile: FoldProfile| {
        let mut f = Folded::default();
        let mut total = 0u64;
        for body in bodies {
            fold_into(body, profile, &mut f);
            total += f.text.len() as u64;
        }
        total
    };
    let mut copy = || {
        let mut buf: Vec<u8> = Vec::new();
        let mut total = 0u64;
        for body in bodies {
            buf.clear();
            buf.extend_from_slice(body.as_bytes());
            total += black_box(&buf).len() as u64;
        }
        total
    };
    // The matcher's fold: the same text, the map kept sparse.
    let mut sparse = || {
        let mut f = Folded::default();
        let mut total = 0u64;
        for body in bodies {
            fold_into_sparse(body, FoldProfile::DEFAULT, &mut f);
            total += f.text.len() as u64;
        }
        total
    };
    let t = race(
        b.opts.reps,
        &mut [
            &mut copy,
            &mut || fold(FoldProfile::DEFAULT),
            &mut || fold(full),
            &mut sparse,
        ],
    );
    let [copy_t, default_t, full_t, sparse_t] = [t[0], t[1], t[2], t[3]];
    for (label, time) in [
        ("fold_into case+accents", default_t),
        ("fold_into case+accents+leet+spacing+emoji", full_t),
        ("fold_into_sparse case+accents (matcher)", sparse_t),
    ] {
        let mut row = Row::new("fold", format!("{label} ÷ byte copy"));
        row.value = rate(n, time.0);
        row.baseline = rate(n, copy_t.0);
        row.ratio = Some(copy_t.0 / time.0);
        row.mb_s = Some(mb_s(n, time.0));
        row.secs = Some(time.0);
        b.push(row);
    }
}

fn compile(b: &mut Bench, lex: &[(usize, String)]) {
    let reps = b.opts.reps.max(5);
    for (n, text) in lex {
        let terms: Vec<String> = packs::lexicon_terms(*n, b.opts.seed)
            .into_iter()
            .map(|t| t.trim_end_matches('*').to_string())
            .collect();
        let name = format!("lex{n}.vigie");
        let full = median(reps, || {
            let p = load_pack(&name, text);
            p.checked().rules.len() as u64
        });
        let analyze = median(reps, || {
            let mut sources = vigie::Sources::default();
            sources.add(name.clone(), text.as_str());
            vigie::analyze(&sources, "lex").diagnostics.len() as u64
        });
        let bare = median(reps, || {
            let ac = AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(&terms)
                .expect("automaton");
            ac.patterns_len() as u64
        });
        let mut row = Row::new(
            "compile",
            format!("Pack::from_source, {n} terms ÷ bare aho-corasick build"),
        );
        row.value = format!("{} (check {})", dur(full), dur(analyze));
        row.baseline = dur(bare);
        row.ratio = Some(bare / full);
        row.figure = Some(full * 1e3);
        row.secs = Some(full);
        if *n == 10_000 {
            row.target = Some(Target::MsBelow(300.0));
        }
        b.push(row);
    }
}

fn check(b: &mut Bench, fr_dir: &Path) {
    let reps = (b.opts.reps * 10).max(21);
    let fr = vigie::read_sources(fr_dir).expect("rules/fr");
    let mut gros = vigie::Sources::default();
    let text = packs::large_pack(5000, b.opts.seed);
    let lines = text.lines().count();
    gros.add("gros.vigie", text);
    for (label, sources, target) in [
        ("rules/fr", &fr, Some(Target::MsBelow(20.0))),
        ("generated pack", &gros, None),
    ] {
        let lines = if label == "rules/fr" {
            sources.files.iter().map(|f| f.text.lines().count()).sum()
        } else {
            lines
        };
        let full = median(reps, || {
            vigie::analyze(sources, "pack").diagnostics.len() as u64
        });
        let parse = median(reps, || {
            let mut n = 0;
            for (id, f) in sources.files.iter().enumerate() {
                n += vigie::syntax::parse_file(id as u32, &f.text).0.len() as u64;
            }
            n
        });
        let mut row = Row::new(
            "check",
            format!("analyze {label} ({lines} lines) ÷ parse only"),
        );
        row.value = dur(full);
        row.baseline = dur(parse);
        row.ratio = Some(parse / full);
        row.figure = Some(full * 1e3);
        row.secs = Some(full);
        row.target = target;
        b.push(row);
    }
}

fn threads(b: &mut Bench, lines: &[&[u8]], lex: &Pack) {
    let n: u64 = lines.iter().map(|l| l.len() as u64 + 1).sum();
    let split = |k: usize| -> u64 {
        let chunk = lines.len().div_ceil(k);
        std::thread::scope(|s| {
            let handles: Vec<_> = lines
                .chunks(chunk.max(1))
                .map(|part| s.spawn(move || scan_lines(lex, part)))
                .collect();
            handles.into_iter().map(|h| h.join().expect("thread")).sum()
        })
    };
    let t = race(b.opts.reps, &mut [&mut || split(1), &mut || split(2)]);
    let mut row = Row::new("threads", "library, lex1000: 2 threads ÷ 1 (halves)");
    row.value = rate(n, t[1].0);
    row.baseline = rate(n, t[0].0);
    row.ratio = Some(t[0].0 / t[1].0);
    row.target = Some(Target::RatioAtLeast(1.8));
    row.mb_s = Some(mb_s(n, t[1].0));
    row.secs = Some(t[1].0);
    b.push(row);
}

/// `vigie scan --format jsonl --threads N PACK INPUT`.
fn scan_argv(threads: usize, pack: &Path, input: &str) -> Vec<String> {
    vec![
        vigie_bin().to_string(),
        "scan".into(),
        "--format".into(),
        "jsonl".into(),
        "--threads".into(),
        threads.to_string(),
        pack.display().to_string(),
        input.to_string(),
    ]
}

/// Writes the corpus's two halves (split at the line nearest the middle)
/// beside it, for the side-by-side run of [`cli`].
fn halves(b: &Bench, corpus: &Path, bytes: &[u8]) -> io::Result<[PathBuf; 2]> {
    let middle = bytes.len() / 2;
    let cut = memchr::memchr(b'\n', &bytes[middle..]).map_or(bytes.len(), |i| middle + i + 1);
    let stem = corpus
        .file_stem()
        .map_or("corpus".into(), |s| s.to_string_lossy());
    let paths = [1, 2].map(|k| b.data_dir.join(format!("{stem}-half{k}.jsonl")));
    std::fs::write(&paths[0], &bytes[..cut])?;
    std::fs::write(&paths[1], &bytes[cut..])?;
    Ok(paths)
}

/// Two single-thread scans side by side, one per half of the corpus: the
/// most any split of the work could get from two cores on this machine
/// (nothing shared, not even a cache line). Its time is the slower of the
/// two.
fn side_by_side(pack: &Path, halves: &[PathBuf; 2]) -> io::Result<ChildRun> {
    let runs: Vec<io::Result<ChildRun>> = std::thread::scope(|scope| {
        let handles: Vec<_> = halves
            .iter()
            .map(|half| {
                let argv = scan_argv(1, pack, &half.display().to_string());
                scope.spawn(move || measure(&Spec { argv, feed: None }))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(io::Error::other("panicked")))
            })
            .collect()
    });
    let mut slower: Option<ChildRun> = None;
    for run in runs {
        let run = run?;
        if slower.as_ref().is_none_or(|s| run.secs > s.secs) {
            slower = Some(run);
        }
    }
    slower.ok_or_else(|| io::Error::other("no run"))
}

fn cli(b: &mut Bench, corpus: &Path, bytes: &[u8], fr_dir: &Path) {
    let n = bytes.len() as u64;
    let exe = std::env::current_exe().expect("current exe");
    let path = |p: &Path| p.display().to_string();
    let baseline = match measure(&Spec {
        argv: vec![path(&exe), "--child-parse".into(), path(corpus)],
        feed: None,
    }) {
        Ok(r) => r,
        Err(e) => {
            b.note(format!("cli: cannot run the baseline child: {e}"));
            return;
        }
    };
    let lex = b.data_dir.join("lex1000.vigie");
    let halves = halves(b, corpus, bytes)
        .map_err(|e| b.note(format!("cli: cannot write the corpus halves: {e}")))
        .ok();
    // Threads 0 stands for the two single-thread processes side by side.
    let mut runs: Vec<(&str, usize, ChildRun)> = Vec::new();
    // `lex1000` takes about a second a run: `--reps` runs, 1 and 2 threads
    // interleaved, keep the fastest of each (one slow run of this VM once
    // read as a 2.1x speed-up). `rules/fr` takes half a minute: one run.
    for (label, pack, reps) in [
        ("lex1000", lex.as_path(), b.opts.reps.max(1)),
        ("rules/fr", fr_dir, 1),
    ] {
        for _ in 0..reps {
            for threads in [1, 2, 0] {
                let run = match (threads, &halves) {
                    (0, None) => continue,
                    (0, _) if label != "lex1000" => continue,
                    (0, Some(halves)) => side_by_side(pack, halves),
                    _ => measure(&Spec {
                        argv: scan_argv(threads, pack, &path(corpus)),
                        feed: None,
                    }),
                };
                match run {
                    Ok(r) => {
                        let kept = runs.iter_mut().find(|k| k.0 == label && k.1 == threads);
                        match kept {
                            None => {
                                let how = match threads {
                                    0 => "on halves, side by side (the slower)".to_string(),
                                    t => format!("--threads {t}"),
                                };
                                b.note(format!(
                                    "cli: vigie scan {label} {how}: exit {}, {}",
                                    r.code,
                                    last_line(&r.stderr)
                                ));
                                runs.push((label, threads, r));
                            }
                            Some(k) => {
                                // The fastest time; the largest peak RSS.
                                k.2.secs = k.2.secs.min(r.secs);
                                k.2.max_rss_kib = k.2.max_rss_kib.max(r.max_rss_kib);
                                k.2.code = k.2.code.max(r.code);
                            }
                        }
                    }
                    Err(e) => b.note(format!("cli: cannot run vigie: {e}")),
                }
            }
        }
    }
    for (label, threads, r) in runs.iter().filter(|r| r.1 > 0) {
        let mut row = Row::new(
            "cli",
            format!("vigie scan {label} --threads {threads}: peak RSS ÷ JSON-parse process"),
        );
        row.value = format!("{} ({:.0} MB/s)", fmt_rss(r.max_rss_kib), mb_s(n, r.secs));
        row.baseline = fmt_rss(baseline.max_rss_kib);
        row.ratio = r
            .max_rss_kib
            .zip(baseline.max_rss_kib)
            .map(|(a, b)| a as f64 / b.max(1) as f64);
        row.figure = rss_mb(r.max_rss_kib);
        if *label == "lex1000" {
            row.target = Some(Target::MbBelow(100.0));
        }
        row.mb_s = Some(mb_s(n, r.secs));
        row.secs = Some(r.secs);
        b.push(row);
    }
    for label in ["lex1000", "rules/fr"] {
        let one = runs.iter().find(|r| r.0 == label && r.1 == 1);
        let two = runs.iter().find(|r| r.0 == label && r.1 == 2);
        if let (Some(one), Some(two)) = (one, two) {
            let name = format!("vigie scan {label}: --threads 2 ÷ --threads 1");
            let mut row = speed_row(name, n, two.2.secs, one.2.secs);
            row.target = Some(Target::RatioAtLeast(1.8));
            b.push(row);
        }
        // What two cores give at most: the same 1-thread scan as two
        // processes, each on half the file. Below 1.8x, the machine, not
        // the pipeline, is what stops `--threads 2` short of it.
        let pair = runs.iter().find(|r| r.0 == label && r.1 == 0);
        if let (Some(one), Some(two), Some(pair)) = (one, two, pair) {
            let name =
                format!("two 1-thread {label} processes on halves, side by side ÷ --threads 1");
            b.push(speed_row(name, n, pair.2.secs, one.2.secs));
            let name = format!("vigie scan {label}: --threads 2 ÷ two processes on halves");
            b.push(speed_row(name, n, two.2.secs, pair.2.secs));
        }
    }
}

/// A `cli` row comparing two wall times over the same `n` bytes.
fn speed_row(name: String, n: u64, secs: f64, baseline_secs: f64) -> Row {
    let mut row = Row::new("cli", name);
    row.value = rate(n, secs);
    row.baseline = rate(n, baseline_secs);
    row.ratio = Some(baseline_secs / secs);
    row.mb_s = Some(mb_s(n, secs));
    row.secs = Some(secs);
    row
}

/// Peak RSS of `vigie scan rules/fr` (stream rules) reading a generated
/// stream on stdin, at two lengths. The stream is paced so that both are
/// longer than twice the longest window (14 days): memory should be flat.
fn stream(b: &mut Bench, corpus_ads: u64, fr_dir: &Path) {
    let big = b
        .opts
        .stream_ads
        .unwrap_or_else(|| (corpus_ads * 4).clamp(40_000, 2_000_000));
    let small = big / 4;
    let per_day = (small / 28).max(1) as u32;
    let seed = b.opts.seed;
    let mut runs = Vec::new();
    for ads in [small, big] {
        let argv = scan_argv(2, fr_dir, "-");
        let spec = Spec {
            argv,
            feed: Some((ads, per_day, seed)),
        };
        match measure(&spec) {
            Ok(r) => {
                b.note(format!(
                    "stream: {ads} ads at {per_day}/day: exit {}, {}",
                    r.code,
                    last_line(&r.stderr)
                ));
                runs.push((ads, r));
            }
            Err(e) => b.note(format!("stream: cannot run vigie: {e}")),
        }
    }
    if let [(s_ads, s), (b_ads, l)] = &runs[..] {
        let mut row = Row::new(
            "stream",
            format!("vigie scan rules/fr on stdin: peak RSS at {b_ads} ÷ at {s_ads} ads"),
        );
        row.value = fmt_rss(l.max_rss_kib);
        row.baseline = fmt_rss(s.max_rss_kib);
        row.ratio = l
            .max_rss_kib
            .zip(s.max_rss_kib)
            .map(|(a, b)| a as f64 / b.max(1) as f64);
        row.figure = rss_mb(l.max_rss_kib);
        row.target = Some(Target::RatioAtMost(1.1));
        row.secs = Some(l.secs);
        b.push(row);
    }
}

fn print_table(b: &Bench, corpus: &Path, bytes: usize, ads: usize, load0: &str, load1: &str) {
    let headers = [
        "section",
        "benchmark",
        "Vigie",
        "baseline",
        "ratio",
        "target",
        "",
    ];
    let cells: Vec<[String; 7]> = b
        .rows
        .iter()
        .map(|r| {
            [
                r.section.to_string(),
                r.name.clone(),
                r.value.clone(),
                r.baseline.clone(),
                r.ratio.map_or(String::new(), |x| format!("{x:.2}×")),
                r.target.map_or(String::new(), Target::text),
                r.verdict().to_string(),
            ]
        })
        .collect();
    let mut width = headers.map(|h| h.chars().count());
    for row in &cells {
        for (w, c) in width.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cols: &[String]| {
        let mut s = String::new();
        for (i, c) in cols.iter().enumerate() {
            let pad = width[i] - c.chars().count();
            if i == 4 {
                s.push_str(&" ".repeat(pad));
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&" ".repeat(pad));
            }
            s.push_str("  ");
        }
        s.trim_end().to_string()
    };
    println!();
    println!("Vigie benchmarks — {}", machine());
    println!(
        "corpus {} ({:.1} MB, {ads} ads), seed {}, best of {} run(s); load average {load0} → {load1}",
        corpus.display(),
        bytes as f64 / 1e6,
        b.opts.seed,
        b.opts.reps
    );
    println!();
    println!("{}", line(&headers.map(String::from)));
    println!(
        "{}",
        width
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("  ")
    );
    for row in &cells {
        println!("{}", line(row));
    }
    println!();
    println!(
        "ratio: baseline time ÷ Vigie time (> 1: Vigie faster), or Vigie ÷ baseline for memory."
    );
    for n in &b.notes {
        println!("  {n}");
    }
    let load: f64 = load0
        .split_whitespace()
        .next()
        .and_then(|x| x.parse().ok())
        .unwrap_or(0.0);
    if load > 0.5 {
        println!(
            "  WARNING: load average {load:.2} at the start: other work was running; figures are not comparable."
        );
    }
}

fn write_json(b: &Bench, path: &Path, corpus: &Path) {
    let rows: Vec<serde_json::Value> = b
        .rows
        .iter()
        .map(|r| {
            serde_json::json!({
                "section": r.section, "name": r.name, "value": r.value, "baseline": r.baseline,
                "ratio": r.ratio, "target": r.target.map(Target::text), "verdict": r.verdict(),
                "mb_s": r.mb_s, "secs": r.secs,
            })
        })
        .collect();
    let doc = serde_json::json!({
        "machine": machine(),
        "corpus": corpus,
        "data_dir": b.data_dir,
        "seed": b.opts.seed,
        "rows": rows,
        "notes": b.notes,
    });
    if let Err(e) = std::fs::write(path, serde_json::to_string_pretty(&doc).unwrap_or_default()) {
        eprintln!("cannot write {}: {e}", path.display());
    }
}
