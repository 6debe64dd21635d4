//! The ad stream: invented French classified ads in Vigie's default schema,
//! in non-decreasing `posted_at` order, deterministic from a seed.
//!
//! * Most ads are ordinary (cars, flats, jobs, services, furniture, ...),
//!   posted by a fixed population of posters who each stay in their city.
//! * A few percent are suspicious: euphemisms, rates per duration, coded
//!   prices, moves to messaging apps, obscured phone numbers, emoji. Written
//!   the way such ads are written, never explicitly.
//! * Planted patterns for the stream rules, each an *event* listed in the
//!   truth file: `tour` (one phone in 3 to 5 neighbouring cities within 14
//!   days), `repost_phone` (one phone 5 to 12 times within 24 h),
//!   `repost_text` (near-identical text 5 to 10 times within 24 h),
//!   `template` (one text with names, cities and phones swapped), and the
//!   look-alikes a stream rule must not flag: `lookalike_artisan` (a plumber
//!   posting in 4 or 5 neighbouring towns) and `lookalike_dealer` (a car
//!   dealer reposting stock 5 to 8 times in a day).
//!
//! Every phone number is in a range reserved for fiction: mobiles
//! 06 39 98 xx xx, landlines 01 99 00 xx xx, 04 65 71 xx xx, 05 36 49 xx xx.
//! The ranges are split so that planted events, suspicious posters and
//! ordinary posters never share a number (until a very long stream wraps a
//! pool, long after any window).

use crate::words::*;

/// Changes whenever the same seed would give other ads: the benchmarks
/// cache generated corpora under this version.
pub const VERSION: u32 = 3;
use serde::Serialize;
use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap};

/// xoshiro256** seeded with splitmix64: small, fast, and the same on every
/// platform, which is all a corpus generator needs.
#[derive(Clone)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut z = seed;
        let mut next = || {
            z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut x = z;
            x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            x ^ (x >> 31)
        };
        Rng {
            s: [next(), next(), next(), next()],
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below((hi - lo + 1) as usize) as u32
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A fresh generator derived from this one (for sub-streams that must
    /// repeat: the same template written twice).
    pub fn fork(&mut self) -> Rng {
        Rng::new(self.next_u64())
    }

    /// `n` distinct items of `items`, in a random order.
    pub fn sample<T: Clone>(&mut self, items: &[T], n: usize) -> Vec<T> {
        let mut idx: Vec<usize> = (0..items.len()).collect();
        let n = n.min(items.len());
        for i in 0..n {
            let j = i + self.below(idx.len() - i);
            idx.swap(i, j);
        }
        idx[..n].iter().map(|&i| items[i].clone()).collect()
    }
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct Config {
    pub seed: u64,
    /// Average number of ads per day of `posted_at` (sets the time span).
    pub per_day: u32,
    /// `posted_at` of the first ad, in seconds since the epoch.
    pub start: i64,
    /// Share of isolated suspicious ads among the non-planted ones.
    pub suspect_rate: f64,
    /// Multiplier of the rate at which planted events start.
    pub planted_rate: f64,
    /// Add a `label` field ("suspect" / "ordinaire") for `vigie eval`.
    pub labels: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            seed: 1,
            per_day: 20_000,
            start: days_from_civil(2026, 3, 1) * 86_400,
            suspect_rate: 0.03,
            planted_rate: 1.0,
            labels: false,
        }
    }
}

#[derive(Serialize, Clone, Debug)]
#[serde(untagged)]
pub enum Price {
    Num(u32),
    Text(String),
}

/// An ad before it gets its id and time.
#[derive(Clone, Debug, Default)]
pub struct Draft {
    pub title: String,
    pub body: String,
    pub category: Option<&'static str>,
    pub city: Option<&'static str>,
    pub phone: Option<String>,
    pub price: Option<Price>,
    pub boosted: Option<bool>,
    pub suspect: bool,
}

#[derive(Serialize)]
struct Line<'a> {
    id: &'a str,
    title: &'a str,
    body: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    city: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    price: Option<&'a Price>,
    posted_at: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    boosted: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
}

/// A person or business who posts ads: one phone, one home city.
#[derive(Clone)]
struct Poster {
    phone: String,
    city: usize,
    name: &'static str,
    age: u32,
    handle: String,
}

struct Event {
    kind: &'static str,
    key: String,
    cities: Vec<&'static str>,
    ids: Vec<String>,
    remaining: usize,
    expect: &'static str,
}

struct Pending {
    t: i64,
    seq: u64,
    event: u64,
    draft: Draft,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        (self.t, self.seq) == (other.t, other.seq)
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.t, self.seq).cmp(&(other.t, other.seq))
    }
}

/// A cycling pool of phone numbers (10 digits, national form).
struct Pool {
    numbers: Vec<String>,
    next: usize,
}

impl Pool {
    fn new(prefixes: &[&str], from: u32, to: u32) -> Pool {
        let mut numbers = Vec::new();
        for p in prefixes {
            for n in from..=to {
                numbers.push(format!("{p}{n:04}"));
            }
        }
        Pool { numbers, next: 0 }
    }

    fn take(&mut self) -> String {
        let n = self.numbers[self.next % self.numbers.len()].clone();
        self.next += 1;
        n
    }
}

/// Planted events: kind and how often one starts (per ordinary ad).
const EVENT_RATES: &[(&str, f64)] = &[
    ("tour", 1.0 / 5000.0),
    ("repost_phone", 1.0 / 5000.0),
    ("repost_text", 1.0 / 6000.0),
    ("template", 1.0 / 8000.0),
    ("lookalike_artisan", 1.0 / 4000.0),
    ("lookalike_dealer", 1.0 / 5000.0),
];

/// Statistics of what was generated.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub ads: u64,
    pub bytes: u64,
    pub suspect: u64,
    pub planted: u64,
    pub events: u64,
}

/// The generator: call [`Generator::next_into`] for each ad.
pub struct Generator {
    rng: Rng,
    cfg: Config,
    clock: f64,
    mean_gap: f64,
    seq: u64,
    pending: BinaryHeap<Reverse<Pending>>,
    events: BTreeMap<u64, Event>,
    next_event: u64,
    posters: Vec<Poster>,
    suspects: Vec<Poster>,
    event_phones: Pool,
    artisan_phones: Pool,
    dealer_phones: Pool,
    city_cumulative: Vec<u32>,
    suspect_ids: Vec<String>,
    truth: Vec<String>,
    pub stats: Stats,
    line: Vec<u8>,
}

impl Generator {
    pub fn new(cfg: Config) -> Generator {
        let mut rng = Rng::new(cfg.seed);
        let mut total = 0;
        let city_cumulative = CITIES
            .iter()
            .map(|c| {
                total += c.weight;
                total
            })
            .collect();
        let mut g = Generator {
            clock: cfg.start as f64,
            mean_gap: 86_400.0 / cfg.per_day.max(1) as f64,
            seq: 0,
            pending: BinaryHeap::new(),
            events: BTreeMap::new(),
            next_event: 0,
            posters: Vec::new(),
            suspects: Vec::new(),
            event_phones: Pool::new(&["063998"], 0, 499),
            artisan_phones: Pool::new(&["046571", "053649"], 0, 99),
            dealer_phones: Pool::new(&["019900"], 0, 99),
            city_cumulative,
            suspect_ids: Vec::new(),
            truth: Vec::new(),
            stats: Stats::default(),
            line: Vec::with_capacity(4096),
            rng: rng.fork(),
            cfg,
        };
        let mut ordinary = Pool::new(&["063998"], 2000, 9999).numbers;
        ordinary.extend(Pool::new(&["019900", "046571", "053649"], 100, 9999).numbers);
        for phone in ordinary {
            let p = g.poster(&mut rng, phone);
            g.posters.push(p);
        }
        for phone in Pool::new(&["063998"], 500, 1999).numbers {
            let p = g.poster(&mut rng, phone);
            g.suspects.push(p);
        }
        g
    }

    fn poster(&self, rng: &mut Rng, phone: String) -> Poster {
        let name = *rng.pick(FIRST_NAMES);
        Poster {
            city: self.city_index(rng),
            name,
            age: rng.range(19, 29),
            handle: handle(rng, name),
            phone,
        }
    }

    fn city_index(&self, rng: &mut Rng) -> usize {
        let total = *self.city_cumulative.last().unwrap_or(&1);
        let x = rng.below(total as usize) as u32;
        self.city_cumulative.partition_point(|&c| c <= x)
    }

    /// Writes the next ad as one JSON line (with its newline) to `out`;
    /// returns its length in bytes.
    pub fn next_into(&mut self, out: &mut Vec<u8>) -> usize {
        let now = self.clock.floor() as i64;
        if matches!(self.pending.peek(), Some(Reverse(p)) if p.t <= now) {
            let Reverse(p) = self.pending.pop().expect("peeked");
            return self.emit(p.t, p.draft, Some(p.event), out);
        }
        let mut rng = self.rng.fork();
        let draft = if rng.chance(self.cfg.suspect_rate) {
            let poster = self.suspects[rng.below(self.suspects.len())].clone();
            let mut d = suspect_ad(&mut rng, &poster, CITIES[poster.city].name, false);
            d.city = Some(CITIES[poster.city].name);
            if rng.chance(0.4) {
                d.phone = None;
            }
            d
        } else {
            let poster = &self.posters[rng.below(self.posters.len())];
            ordinary_ad(&mut rng, poster)
        };
        let n = self.emit(now, draft, None, out);
        self.maybe_start_events(&mut rng, now);
        self.clock += -self.mean_gap * (1.0 - rng.unit()).ln();
        n
    }

    fn emit(&mut self, t: i64, draft: Draft, event: Option<u64>, out: &mut Vec<u8>) -> usize {
        self.stats.ads += 1;
        let id = format!("a{:08}", self.stats.ads);
        let posted_at = rfc3339(t);
        let label = self.cfg.labels.then_some(if draft.suspect {
            "suspect"
        } else {
            "ordinaire"
        });
        self.line.clear();
        serde_json::to_writer(
            &mut self.line,
            &Line {
                id: &id,
                title: &draft.title,
                body: &draft.body,
                category: draft.category,
                city: draft.city,
                phone: draft.phone.as_deref(),
                price: draft.price.as_ref(),
                posted_at: &posted_at,
                boosted: draft.boosted,
                label,
            },
        )
        .expect("serialising to memory");
        self.line.push(b'\n');
        out.extend_from_slice(&self.line);
        self.stats.bytes += self.line.len() as u64;
        if draft.suspect {
            self.stats.suspect += 1;
        }
        match event {
            Some(e) => {
                self.stats.planted += 1;
                let done = match self.events.get_mut(&e) {
                    Some(ev) => {
                        ev.ids.push(id);
                        ev.remaining -= 1;
                        ev.remaining == 0
                    }
                    None => false,
                };
                if done {
                    if let Some(ev) = self.events.remove(&e) {
                        self.truth.push(truth_line(e, &ev, true));
                    }
                }
            }
            None if draft.suspect => {
                self.suspect_ids.push(id);
                if self.suspect_ids.len() >= 1000 {
                    self.flush_suspects();
                }
            }
            None => {}
        }
        self.line.len()
    }

    fn flush_suspects(&mut self) {
        if self.suspect_ids.is_empty() {
            return;
        }
        let ids = std::mem::take(&mut self.suspect_ids);
        self.truth.push(
            serde_json::json!({"kind": "suspect", "expect": "suspect", "ids": ids}).to_string(),
        );
    }

    /// Truth lines completed since the last call (JSON, one per line).
    pub fn take_truth(&mut self) -> Vec<String> {
        std::mem::take(&mut self.truth)
    }

    /// Ends the stream: the truth lines of events cut short by its end
    /// (`"complete": false`) and the last isolated suspects.
    pub fn finish(&mut self) -> Vec<String> {
        self.flush_suspects();
        let events = std::mem::take(&mut self.events);
        for (e, ev) in events {
            if !ev.ids.is_empty() {
                self.truth.push(truth_line(e, &ev, false));
            }
        }
        self.take_truth()
    }

    fn maybe_start_events(&mut self, rng: &mut Rng, now: i64) {
        for &(kind, rate) in EVENT_RATES {
            if rng.chance(rate * self.cfg.planted_rate) {
                self.start_event(rng, kind, now);
            }
        }
    }

    fn schedule(&mut self, event: u64, t: i64, draft: Draft) {
        self.seq += 1;
        self.pending.push(Reverse(Pending {
            t,
            seq: self.seq,
            event,
            draft,
        }));
    }

    fn start_event(&mut self, rng: &mut Rng, kind: &'static str, now: i64) {
        let id = self.next_event;
        self.next_event += 1;
        self.stats.events += 1;
        let region = CITIES[self.city_index(rng)].region;
        let region_cities: Vec<&'static str> = CITIES
            .iter()
            .filter(|c| c.region == region)
            .map(|c| c.name)
            .collect();
        let mut ads: Vec<(i64, Draft)> = Vec::new();
        let key;
        let mut cities = Vec::new();
        let mut expect = "flag";
        const H: i64 = 3600;
        const D: i64 = 86_400;
        match kind {
            "tour" => {
                let phone = self.event_phones.take();
                let poster = self.event_poster(rng, phone.clone());
                let n = rng.range(3, 5.min(region_cities.len() as u32)) as usize;
                cities = rng.sample(&region_cities, n);
                let template = rng.fork();
                let mut t = now + rng.range(0, 6) as i64 * H;
                for (i, city) in cities.iter().enumerate() {
                    if i > 0 {
                        t += rng.range(2, 3) as i64 * D + rng.range(0, 8) as i64 * H;
                    }
                    for k in 0..rng.range(1, 2) {
                        let mut r = template.clone();
                        let mut d = suspect_ad(&mut r, &poster, city, true);
                        d.city = Some(city);
                        d.phone = Some(fmt_phone(rng, &phone));
                        ads.push((t + k as i64 * rng.range(2, 9) as i64 * H, d));
                    }
                }
                key = e164(&phone);
            }
            "repost_phone" => {
                let phone = self.event_phones.take();
                let poster = self.event_poster(rng, phone.clone());
                let city = CITIES[poster.city].name;
                cities.push(city);
                let mut base = suspect_ad(rng, &poster, city, false);
                base.city = Some(city);
                base.phone = Some(fmt_phone(rng, &phone));
                for _ in 0..rng.range(5, 12) {
                    let mut d = near_copy(rng, &base);
                    d.boosted = Some(rng.chance(0.7));
                    ads.push((now + rng.range(0, 22 * 60) as i64 * 60, d));
                }
                key = e164(&phone);
            }
            "repost_text" => {
                let poster = self.event_poster(rng, String::new());
                let city = CITIES[poster.city].name;
                cities.push(city);
                let mut base = suspect_ad(rng, &poster, city, false);
                base.city = Some(city);
                base.phone = None;
                for _ in 0..rng.range(5, 10) {
                    ads.push((
                        now + rng.range(0, 22 * 60) as i64 * 60,
                        near_copy(rng, &base),
                    ));
                }
                key = base.title.clone();
            }
            "template" => {
                let template = rng.fork();
                let n = rng.range(3, 6) as usize;
                for _ in 0..n {
                    let phone = self.event_phones.take();
                    let poster = self.event_poster(rng, phone.clone());
                    let city = *rng.pick(&region_cities);
                    let mut r = template.clone();
                    let mut d = suspect_ad(&mut r, &poster, city, false);
                    d.city = Some(city);
                    d.phone = Some(fmt_phone(rng, &phone));
                    cities.push(city);
                    ads.push((now + rng.range(0, 3 * 24 * 60) as i64 * 60, d));
                }
                key = "template".to_string();
            }
            "lookalike_artisan" => {
                expect = "no_flag";
                let phone = self.artisan_phones.take();
                let n = rng.range(4, 5.min(region_cities.len() as u32)) as usize;
                cities = rng.sample(&region_cities, n);
                let firm = format!(
                    "{} {}",
                    rng.pick(SURNAMES),
                    rng.pick(&["Dépannage", "et Fils", "Services", "Pro"])
                );
                let trade = *rng.pick(TRADES);
                let mut t = now;
                for city in &cities {
                    let mut d = artisan_ad(rng, trade, &firm, city, &phone);
                    d.city = Some(city);
                    ads.push((t, d));
                    t += rng.range(6, 30) as i64 * H;
                }
                key = e164(&phone);
            }
            "lookalike_dealer" => {
                expect = "no_flag";
                let phone = self.dealer_phones.take();
                let city = CITIES[self.city_index(rng)].name;
                cities.push(city);
                let garage = format!("Garage {}", rng.pick(SURNAMES));
                for _ in 0..rng.range(5, 8) {
                    let mut d = vehicle(rng, city, Some(&garage));
                    d.city = Some(city);
                    d.phone = Some(fmt_phone(rng, &phone));
                    d.boosted = Some(true);
                    ads.push((now + rng.range(0, 10 * 60) as i64 * 60, d));
                }
                key = e164(&phone);
            }
            _ => unreachable!("unknown event kind"),
        }
        let mut unique_cities: Vec<&'static str> = Vec::new();
        for c in cities {
            if !unique_cities.contains(&c) {
                unique_cities.push(c);
            }
        }
        self.events.insert(
            id,
            Event {
                kind,
                key,
                cities: unique_cities,
                ids: Vec::new(),
                remaining: ads.len(),
                expect,
            },
        );
        for (t, d) in ads {
            self.schedule(id, t.max(now), d);
        }
    }

    fn event_poster(&self, rng: &mut Rng, phone: String) -> Poster {
        self.poster(rng, phone)
    }
}

fn truth_line(event: u64, ev: &Event, complete: bool) -> String {
    serde_json::json!({
        "kind": ev.kind,
        "event": event,
        "expect": ev.expect,
        "key": ev.key,
        "cities": ev.cities,
        "ids": ev.ids,
        "complete": complete,
    })
    .to_string()
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `2026-03-01T08:05:00Z`
pub fn rfc3339(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

fn e164(national: &str) -> String {
    format!("+33{}", &national[1..])
}

fn handle(rng: &mut Rng, name: &str) -> String {
    let base: String = fold_ascii(name);
    match rng.below(4) {
        0 => format!(
            "{base}_{}",
            rng.pick(&["xx", "douce", "vip", "bdx", "lyon", "sud"])
        ),
        1 => format!("{base}{}", rng.range(10, 99)),
        2 => format!(
            "{base}.{}",
            rng.pick(&["relax", "love", "secret", "paris", "nice"])
        ),
        _ => format!(
            "{base}_{}{}",
            rng.pick(&["mtp", "tls", "nts", "rns", "lil"]),
            rng.range(10, 99)
        ),
    }
}

/// Lower-case ASCII form of a name (for handles and lexicon keys).
pub fn fold_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'â' | 'ä' | 'á' => out.push('a'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'î' | 'ï' | 'í' => out.push('i'),
            'ô' | 'ö' | 'ó' => out.push('o'),
            'ù' | 'û' | 'ü' | 'ú' => out.push('u'),
            'ç' => out.push('c'),
            'ÿ' => out.push('y'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            'š' => out.push('s'),
            '’' => out.push('\''),
            c => out.push(c),
        }
    }
    out
}

/// A phone number as people write it in the `phone` field or the text.
pub fn fmt_phone(rng: &mut Rng, digits: &str) -> String {
    let g: Vec<&str> = (0..5).map(|i| &digits[2 * i..2 * i + 2]).collect();
    match rng.below(20) {
        0..=9 => g.join(" "),
        10..=12 => digits.to_string(),
        13..=14 => format!("+33 {} {}", &digits[1..2], g[1..].join(" ")),
        15..=17 => g.join("."),
        _ => g.join("-"),
    }
}

/// A phone number written to slip past filters.
fn obscured_phone(rng: &mut Rng, digits: &str) -> String {
    let g: Vec<u32> = (0..5)
        .map(|i| digits[2 * i..2 * i + 2].parse().unwrap_or(0))
        .collect();
    match rng.below(5) {
        0 => {
            let first = format!("zéro {}", number_words(g[0]));
            let rest: Vec<String> = g[1..].iter().map(|&n| number_words(n)).collect();
            format!("{first}, {}", rest.join(", "))
        }
        1 => digits
            .as_bytes()
            .chunks(2)
            .map(|p| {
                p.iter()
                    .map(|&b| match b {
                        b'0' => 'O',
                        b'1' => 'l',
                        b => b as char,
                    })
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join(" "),
        2 => digits
            .chars()
            .map(|c| format!("{c}\u{FE0F}\u{20E3}"))
            .collect(),
        3 => digits
            .as_bytes()
            .chunks(2)
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect::<Vec<_>>()
            .join(*rng.pick(&["*", " / ", "_", " . "])),
        _ => format!(
            "06 {} {} {} {}",
            number_words(g[1]),
            &digits[4..6],
            &digits[6..8],
            &digits[8..10]
        ),
    }
}

fn euros(rng: &mut Rng, n: u32) -> String {
    let n = thousands(rng, n);
    match rng.below(10) {
        0..=5 => format!("{n} €"),
        6 => format!("{n}€"),
        7 => format!("{n}\u{00A0}€"),
        8 => format!("{n} euros"),
        _ => format!("{n} EUR"),
    }
}

fn thousands(rng: &mut Rng, n: u32) -> String {
    if n < 10_000 {
        return n.to_string();
    }
    let sep = if rng.chance(0.2) { "\u{202F}" } else { " " };
    let (hi, lo) = (n / 1000, n % 1000);
    if hi >= 1000 {
        format!("{}{sep}{:03}{sep}{lo:03}", hi / 1000, hi % 1000)
    } else {
        format!("{hi}{sep}{lo:03}")
    }
}

fn price_field(rng: &mut Rng, n: u32) -> Option<Price> {
    match rng.below(10) {
        0..=5 => Some(Price::Num(n)),
        6..=7 => Some(Price::Text(format!("{n} €"))),
        8 => Some(Price::Text(format!("{n} EUR"))),
        _ => None,
    }
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Joins sentences into a body: usually one paragraph, sometimes with line
/// breaks; typographic apostrophes in about a fifth of the ads.
fn body(rng: &mut Rng, sentences: &[String]) -> String {
    let sep = if rng.chance(0.12) { "\n" } else { " " };
    let mut b = sentences.join(sep);
    if rng.chance(0.2) {
        b = b.replace('\'', "’");
    }
    b
}

fn ordinary_ad(rng: &mut Rng, poster: &Poster) -> Draft {
    let city = CITIES[poster.city].name;
    let mut d = match rng.below(100) {
        0..=13 => vehicle(rng, city, None),
        14..=22 => housing(rng, city),
        23..=29 => job(rng, city),
        30..=41 => service(rng, city),
        42..=46 => wellness(rng, city),
        47..=58 => item(rng, city, FURNITURE, "maison"),
        59..=67 => item(rng, city, GADGETS, "multimedia"),
        68..=76 => item(rng, city, LEISURE, "loisirs"),
        77..=83 => item(rng, city, CLOTHES, "mode"),
        84..=86 => pets(rng, city),
        87..=88 => florist(rng, city),
        89..=93 => friendship(rng, city),
        _ => {
            let trade = *rng.pick(TRADES);
            let firm = format!(
                "{} {}",
                rng.pick(SURNAMES),
                rng.pick(&["Dépannage", "Services"])
            );
            artisan_ad(rng, trade, &firm, city, &poster.phone)
        }
    };
    personalise(rng, city, &mut d);
    if rng.chance(0.97) {
        d.city = Some(city);
    }
    if d.phone.is_none() && rng.chance(0.75) {
        d.phone = Some(fmt_phone(rng, &poster.phone));
    }
    if rng.chance(0.12) && d.phone.is_some() {
        let p = fmt_phone(rng, &poster.phone);
        d.body.push_str(&format!(
            " {}",
            rng.pick(&[
                format!("Tél. {p}"),
                format!("Appelez-moi au {p} après 18h."),
                format!("Contact : {p}"),
            ])
        ));
    }
    if rng.chance(0.1) {
        let e = *rng.pick(EMOJI_ORDINARY);
        d.title = format!("{} {e}", d.title);
    }
    if rng.chance(0.04) {
        d.title = d.title.to_uppercase();
    }
    d.boosted = match rng.below(10) {
        0 => Some(true),
        1..=2 => Some(false),
        _ => None,
    };
    if rng.chance(0.03) {
        d.category = None;
    }
    d
}

/// Makes an ordinary ad read as written by one person: stock phrases
/// reworded, and one to three sentences of their own (why they sell, when
/// they can be reached, an anecdote). Real ads share few word pairs beyond
/// stock phrases; without this, ads generated from the same sentence pools
/// would look like near-duplicates to `fingerprint()`.
fn personalise(rng: &mut Rng, city: &str, d: &mut Draft) {
    const VARIANTS: &[(&str, &[&str])] = &[
        (
            "Prix à débattre.",
            &[
                "Prix à débattre.",
                "Prix négociable.",
                "Prix discutable.",
                "Négociable dans la limite du raisonnable.",
            ],
        ),
        (
            "Prix ferme.",
            &[
                "Prix ferme.",
                "Prix non négociable.",
                "Pas de négociation, merci.",
            ],
        ),
        (
            "très bon état",
            &[
                "très bon état",
                "excellent état",
                "bon état général",
                "état impeccable",
                "état quasi neuf",
            ],
        ),
        (
            "Cause déménagement.",
            &[
                "Cause déménagement.",
                "Vends car je déménage.",
                "Manque de place.",
                "Départ prochain, tout doit partir.",
            ],
        ),
        (
            "Pas sérieux s'abstenir.",
            &[
                "Pas sérieux s'abstenir.",
                "Merci d'éviter les messages fantaisistes.",
                "Personnes sérieuses uniquement.",
            ],
        ),
        (
            "Je réponds à tous les messages.",
            &[
                "Je réponds à tous les messages.",
                "Réponse rapide garantie.",
                "Je réponds vite, même le soir.",
            ],
        ),
        (
            "Contrôle technique OK, aucun frais à prévoir.",
            &[
                "Contrôle technique OK, aucun frais à prévoir.",
                "CT vierge de moins de six mois.",
                "Contrôle technique passé sans remarque.",
            ],
        ),
        (
            "Proche tram, écoles et commerces.",
            &[
                "Proche tram, écoles et commerces.",
                "Commerces et écoles à pied.",
                "Bus en bas de l'immeuble, boulangerie à deux minutes.",
            ],
        ),
    ];
    for (from, to) in VARIANTS {
        if d.body.contains(*from) {
            let choices: &[&str] = to;
            let to: &&str = rng.pick(choices);
            d.body = d.body.replace(*from, to);
        }
    }
    // Selling an object: why, an anecdote, anything; a flat, a job or a
    // service: when and how to get in touch.
    let selling = matches!(
        d.category,
        Some("vehicules" | "maison" | "multimedia" | "loisirs" | "mode")
    );
    let pool: &[u8] = if selling {
        &[0, 1, 2, 3, 4, 5]
    } else {
        &[1, 2]
    };
    let count = rng.range(1, pool.len().min(3) as u32) as usize;
    let frames = rng.sample(pool, count);
    for f in frames {
        let sentence = chatter(rng, city, f);
        if f == 0 {
            d.body = format!("{sentence} {}", d.body);
        } else {
            d.body.push(' ');
            d.body.push_str(&sentence);
        }
    }
}

/// One sentence of a frame, its slots drawn from lists (thousands of
/// different sentences per frame).
fn chatter(rng: &mut Rng, city: &str, frame: u8) -> String {
    const OPENERS: &[&str] = &[
        "Bonjour,",
        "Bonsoir,",
        "Salut,",
        "Hello à tous,",
        "Bonjour à tous,",
        "Coucou,",
        "Bonjour bonjour,",
        "Rebonjour,",
    ];
    const REASONS: &[&str] = &[
        "je déménage à {c} fin {m}",
        "on part vivre à {c}",
        "je pars six mois en {k}",
        "nous attendons un deuxième enfant",
        "je fais du tri dans mon {r}",
        "je vide la maison de ma {f}",
        "mon {g} m'en a offert un autre",
        "je n'ai plus le temps de m'en occuper",
        "le {r} est devenu trop petit",
        "j'ai trouvé un travail à {c}",
        "on refait tout le {r}",
        "je rentre en {k} en {m}",
    ];
    const SO: &[&str] = &[
        "donc je vends",
        "d'où cette annonce",
        "alors autant que ça serve",
        "je préfère vendre que stocker",
        "il faut que ça parte vite",
        "je cède à petit prix",
        "tout doit partir avant le {d} {m}",
    ];
    const WHEN: &[&str] = &[
        "le soir après {h}h",
        "le {w} matin",
        "le week-end",
        "en journée sauf le {w}",
        "à partir du {d} {m}",
        "tous les jours sauf le {w}",
        "entre midi et deux",
        "le {w} et le {w}",
    ];
    const PLACES: &[&str] = &[
        "la gare",
        "la mairie",
        "le marché couvert",
        "la place centrale",
        "le parc {s}",
        "l'hôpital",
        "la piscine",
        "le lycée {s}",
        "la zone commerciale",
        "l'église Saint-{s}",
        "la médiathèque",
        "le stade {s}",
    ];
    const CONTACT: &[&str] = &[
        "Merci de laisser un message avec votre prénom.",
        "Pas de réponse aux numéros masqués.",
        "Appel de préférence entre {h}h et {h}h.",
        "Je ne réponds pas aux propositions d'échange.",
        "Paiement en espèces ou par virement instantané.",
        "Possibilité de vous le mettre de côté jusqu'au {w}.",
        "Envoyez un message, je rappelle le soir.",
    ];
    const ANECDOTES: &[&str] = &[
        "Acheté chez {p} en {y}.",
        "Offert par ma {f} pour {o}.",
        "Utilisé pendant {n} mois à peine.",
        "Jamais ressorti de sa boîte depuis {m}.",
        "Entretenu régulièrement par mon {g}.",
        "Stocké dans un {r} sec.",
        "Servi une seule fois pour {o}.",
        "Ramené de {k} l'an dernier.",
    ];
    const EXTRAS: &[&str] = &[
        "N'hésitez pas si vous avez des questions.",
        "Je peux aider à charger.",
        "Venir avec {v}.",
        "Photos supplémentaires sur demande.",
        "Le premier qui vient l'emporte.",
        "Je baisse le prix si {q}.",
        "Idéal pour {u}.",
        "Convient parfaitement à {u}.",
        "Annonce valable jusqu'au {d} {m}.",
    ];
    let template = match frame {
        0 => format!(
            "{} {}, {}.",
            rng.pick(OPENERS),
            rng.pick(REASONS),
            rng.pick(SO)
        ),
        1 => format!(
            "Je suis disponible {} vers {}.",
            rng.pick(WHEN),
            rng.pick(PLACES)
        ),
        2 => rng.pick(CONTACT).to_string(),
        3 => rng.pick(ANECDOTES).to_string(),
        4 => rng.pick(EXTRAS).to_string(),
        _ => format!("{} {}", rng.pick(ANECDOTES), rng.pick(EXTRAS)),
    };
    let mut out = String::with_capacity(template.len() + 16);
    let mut chars = template.chars();
    while let Some(c) = chars.next() {
        if c != '{' {
            out.push(c);
            continue;
        }
        let slot: String = chars.by_ref().take_while(|&c| c != '}').collect();
        let fill = match slot.as_str() {
            "c" => CITIES[rng.below(CITIES.len())].name.to_string(),
            "m" => rng.pick(MONTHS).to_string(),
            "k" => rng
                .pick(&[
                    "Espagne",
                    "Italie",
                    "Belgique",
                    "Allemagne",
                    "Suisse",
                    "Portugal",
                    "Irlande",
                    "Norvège",
                ])
                .to_string(),
            "r" => rng
                .pick(&[
                    "garage",
                    "grenier",
                    "cellier",
                    "sous-sol",
                    "salon",
                    "bureau",
                    "abri de jardin",
                    "appartement",
                ])
                .to_string(),
            "f" => rng
                .pick(&[
                    "mère",
                    "sœur",
                    "tante",
                    "grand-mère",
                    "cousine",
                    "voisine",
                    "fille",
                    "belle-mère",
                ])
                .to_string(),
            "g" => rng
                .pick(&[
                    "père",
                    "frère",
                    "oncle",
                    "grand-père",
                    "cousin",
                    "voisin",
                    "fils",
                    "beau-père",
                ])
                .to_string(),
            "d" => rng.range(1, 28).to_string(),
            "h" => rng.range(8, 20).to_string(),
            "w" => rng
                .pick(&[
                    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
                ])
                .to_string(),
            "s" => rng.pick(SURNAMES).to_string(),
            "p" => rng
                .pick(&[
                    "Leroy Merlin",
                    "Ikea",
                    "Darty",
                    "Boulanger",
                    "Decathlon",
                    "la Fnac",
                    "Conforama",
                    "Castorama",
                    "Cultura",
                    "Intersport",
                ])
                .to_string(),
            "y" => rng.range(2012, 2025).to_string(),
            "o" => rng
                .pick(&[
                    "Noël",
                    "un anniversaire",
                    "la naissance de ma fille",
                    "mon mariage",
                    "les vacances",
                    "la fête des pères",
                ])
                .to_string(),
            "n" => rng.range(2, 30).to_string(),
            "v" => rng
                .pick(&[
                    "un utilitaire",
                    "un break",
                    "une remorque",
                    "des sangles",
                    "de quoi transporter",
                ])
                .to_string(),
            "q" => format!(
                "{} {city}",
                rng.pick(&[
                    "vous venez ce week-end à",
                    "vous êtes sur",
                    "vous passez avant dimanche à"
                ])
            ),
            "u" => rng
                .pick(&[
                    "un étudiant",
                    "une première installation",
                    "un jeune couple",
                    "une famille",
                    "un bricoleur",
                    "un collectionneur",
                    "un débutant",
                ])
                .to_string(),
            _ => String::new(),
        };
        out.push_str(&fill);
    }
    out
}

fn closers(rng: &mut Rng, city: &str, out: &mut Vec<String>) {
    let pool = [
        "Pas sérieux s'abstenir.".to_string(),
        "Merci de ne pas me contacter pour du démarchage.".to_string(),
        "Envoyez-moi un message via le site.".to_string(),
        "Je réponds à tous les messages.".to_string(),
        format!("Je suis sur {city}, pas de déplacement."),
        "Annonce toujours d'actualité tant qu'elle est en ligne.".to_string(),
        "Paiement en espèces ou virement.".to_string(),
    ];
    let n = rng.below(3);
    out.extend(rng.sample(&pool, n));
}

fn vehicle(rng: &mut Rng, city: &str, garage: Option<&str>) -> Draft {
    let (brand, model) = *rng.pick(CARS);
    let year = rng.range(2006, 2023);
    let km = rng.range(8, 230) * 1000
        + if rng.chance(0.3) {
            rng.range(0, 999)
        } else {
            0
        };
    let fuel = *rng.pick(FUELS);
    let price = ((2_000 + (year - 2006) * 1_100 + rng.range(0, 4_000)) / 100) * 100;
    let kms = thousands(rng, km);
    let title = match rng.below(4) {
        0 => format!("{brand} {model} {fuel} {year}"),
        1 => format!("{brand} {model} - {kms} km"),
        2 => format!("Vends {brand} {model} {year}"),
        _ => format!("{} {} TBE", brand.to_uppercase(), model.to_uppercase()),
    };
    let pool = vec![
        "Contrôle technique OK, aucun frais à prévoir.".to_string(),
        "Entretien suivi, carnet à jour, factures disponibles.".to_string(),
        format!(
            "Distribution faite à {} km.",
            thousands(rng, (km / 2 / 1000) * 1000 + 1000)
        ),
        "Pneus avant neufs, climatisation qui fonctionne.".to_string(),
        "Quelques rayures sur le pare-choc arrière, rien de méchant.".to_string(),
        "Vendue car achat d'un véhicule plus grand.".to_string(),
        "Première main, non fumeur.".to_string(),
        format!("Crit'Air {}, idéale pour la ville.", rng.range(1, 2)),
        format!(
            "Boîte manuelle {} vitesses, {} portes.",
            rng.range(5, 6),
            rng.pick(&[3, 5])
        ),
        "Radar de recul, régulateur de vitesse, GPS.".to_string(),
        format!("Visible à {city} le soir après 18h."),
        "Révision faite le mois dernier (vidange, filtres, plaquettes).".to_string(),
        "Prix légèrement négociable.".to_string(),
        "Pas d'échange, pas de reprise.".to_string(),
    ];
    let mut s = vec![format!("Vends {brand} {model} {fuel} de {year}, {kms} km.")];
    let n = rng.range(1, 3) as usize;
    s.extend(rng.sample(&pool, n));
    if let Some(g) = garage {
        s[0] = format!("{g} à {city} vous propose ce {brand} {model} {fuel} de {year}, {kms} km.");
        s.push("Véhicule garanti 12 mois, reprise possible, financement sur place.".to_string());
        s.push(format!(
            "Retrouvez tout notre stock au {g}, ouvert du lundi au samedi."
        ));
    }
    s.push(format!("Prix : {}.", euros(rng, price)));
    if garage.is_none() {
        closers(rng, city, &mut s);
    }
    Draft {
        title,
        body: body(rng, &s),
        category: Some("vehicules"),
        price: price_field(rng, price),
        ..Draft::default()
    }
}

fn housing(rng: &mut Rng, city: &str) -> Draft {
    let rooms = *rng.pick(ROOMS);
    let m2 = match rooms {
        "studio" | "T1 bis" => rng.range(16, 32),
        "T2" => rng.range(30, 50),
        "T3" => rng.range(48, 72),
        "T4" => rng.range(65, 95),
        _ => rng.range(80, 160),
    };
    let rent = rng.chance(0.7);
    let price = if rent {
        (rng.range(300, 1600) / 10) * 10
    } else {
        (rng.range(80, 480) * 1000 / 5000) * 5000
    };
    let title = match rng.below(4) {
        0 => format!("{} {m2} m² {city}", cap(rooms)),
        1 => format!(
            "{} {} lumineux",
            if rent { "À louer" } else { "À vendre" },
            rooms
        ),
        2 => format!(
            "{} avec {}",
            cap(rooms),
            rng.pick(&["balcon", "jardin", "terrasse", "parking"])
        ),
        _ => format!("Location {rooms} meublé centre-ville"),
    };
    let pool = vec![
        format!(
            "{} de {m2} m² au {}e étage {} ascenseur.",
            cap(rooms),
            rng.range(1, 6),
            rng.pick(&["avec", "sans"])
        ),
        "Cuisine équipée, salle d'eau avec douche à l'italienne.".to_string(),
        "Proche tram, écoles et commerces.".to_string(),
        format!("Libre le {} {}.", rng.range(1, 28), rng.pick(MONTHS)),
        format!(
            "DPE classe {}, chauffage {}.",
            rng.pick(&["B", "C", "D", "E"]),
            rng.pick(&["individuel gaz", "collectif", "électrique"])
        ),
        "Dossier complet demandé, garant exigé.".to_string(),
        "Visites le samedi matin sur rendez-vous.".to_string(),
        "Place de parking en sous-sol incluse.".to_string(),
        "Double vitrage récent, très lumineux, exposé sud.".to_string(),
        "Pas d'agence, de particulier à particulier.".to_string(),
        "Cave et local à vélos.".to_string(),
    ];
    let n = rng.range(1, 3) as usize;
    let mut s = rng.sample(&pool, n);
    s.push(if rent {
        format!(
            "Loyer {} charges comprises, dépôt de garantie un mois.",
            euros(rng, price)
        )
    } else {
        format!("Prix de vente {} net vendeur.", euros(rng, price))
    });
    closers(rng, city, &mut s);
    Draft {
        title,
        body: body(rng, &s),
        category: Some("immobilier"),
        price: price_field(rng, price),
        ..Draft::default()
    }
}

fn job(rng: &mut Rng, city: &str) -> Draft {
    let job = *rng.pick(JOBS);
    let company = *rng.pick(&[
        "Restaurant",
        "Boulangerie",
        "Entrepôt logistique",
        "Hôtel",
        "Supermarché",
        "Association",
        "Domaine viticole",
        "Brasserie",
    ]);
    let title = match rng.below(3) {
        0 => format!("Recherche {job} H/F"),
        1 => format!("{company} recrute {job}"),
        _ => format!("Offre d'emploi : {job} à {city}"),
    };
    let pool = vec![
        "Poste à pourvoir immédiatement.".to_string(),
        format!("CDD de {} mois, possibilité de CDI.", rng.range(3, 12)),
        format!(
            "Temps {}, {} heures par semaine.",
            rng.pick(&["plein", "partiel"]),
            rng.range(20, 39)
        ),
        format!(
            "Salaire {} € de l'heure brut selon expérience.",
            rng.range(12, 15)
        ),
        "Débutants acceptés, formation assurée.".to_string(),
        "Logement fourni pour les saisonniers.".to_string(),
        "Envoyez CV et lettre de motivation par message.".to_string(),
        "Permis B souhaité.".to_string(),
        "Travail un week-end sur deux.".to_string(),
        "Tickets restaurant et mutuelle d'entreprise.".to_string(),
    ];
    let mut s = vec![format!("{company} à {city} recherche un(e) {job}.")];
    let n = rng.range(1, 3) as usize;
    s.extend(rng.sample(&pool, n));
    Draft {
        title,
        body: body(rng, &s),
        category: Some("emploi"),
        ..Draft::default()
    }
}

fn service(rng: &mut Rng, city: &str) -> Draft {
    let svc = *rng.pick(SERVICES);
    let rate = rng.range(12, 35);
    let title = match rng.below(3) {
        0 => svc.to_string(),
        1 => format!("{svc} à {city}"),
        _ => format!("Propose {}", lower_first(svc)),
    };
    let mut pool = vec![
        format!("Tarif {rate} € de l'heure."),
        format!("1h {rate} €, matériel fourni."),
        "Chèque emploi service accepté, 50 % de crédit d'impôt.".to_string(),
        "Disponible en semaine et le samedi.".to_string(),
        "Sérieuse et ponctuelle, références sur demande.".to_string(),
        "Déplacement gratuit dans un rayon de 15 km.".to_string(),
        "Premier rendez-vous offert.".to_string(),
        "Devis gratuit sur simple demande.".to_string(),
    ];
    if svc.contains("enfants") || svc.contains("devoirs") || svc.contains("Cours") {
        pool.push(format!(
            "Étudiante en {} à {city}, j'ai de l'expérience avec les enfants.",
            rng.pick(&["licence", "master", "BTS"])
        ));
    }
    if svc.contains("Déménagement") {
        pool.push("Disponible 7j/7, camion de 20 m³.".to_string());
    }
    let mut s = vec![format!(
        "Je propose mes services : {} sur {city} et environs.",
        lower_first(svc)
    )];
    let n = rng.range(1, 3) as usize;
    s.extend(rng.sample(&pool, n));
    closers(rng, city, &mut s);
    Draft {
        title,
        body: body(rng, &s),
        category: Some("services"),
        price: if rng.chance(0.4) {
            Some(Price::Num(rate))
        } else {
            None
        },
        ..Draft::default()
    }
}

fn wellness(rng: &mut Rng, city: &str) -> Draft {
    let w = *rng.pick(WELLNESS);
    let title = if rng.chance(0.5) {
        w.to_string()
    } else {
        format!("{w} - {city}")
    };
    let price = rng.range(40, 85);
    let pool: Vec<String> = if w.starts_with("Massage") || w.starts_with("Soins") {
        vec![
            format!("Massage relaxant aux huiles essentielles, 1h {price} €."),
            format!("Institut de beauté au centre de {city}, sur rendez-vous."),
            "Offrez un bon cadeau pour la fête des mères.".to_string(),
            "Douche et vestiaires à disposition.".to_string(),
            "Esthéticienne diplômée, produits bio.".to_string(),
            format!("Soin du visage complet {} €.", price + 10),
        ]
    } else if w.starts_with("Kiné") {
        vec![
            "Cabinet de kinésithérapie, massages sur prescription, carte vitale acceptée."
                .to_string(),
            "Masseur-kinésithérapeute diplômé d'État, conventionné.".to_string(),
            "Rééducation du dos et des épaules, sport et post-opératoire.".to_string(),
            "Déplacement à domicile pour les personnes âgées.".to_string(),
        ]
    } else if w.starts_with("Yoga") || w.starts_with("Pilates") {
        vec![
            format!(
                "Un moment de détente pour finir la semaine : séance en petit groupe, {} € le cours.",
                rng.range(10, 15)
            ),
            "Tenue confortable conseillée.".to_string(),
            "Tapis et coussins fournis.".to_string(),
            "Premier cours d'essai offert.".to_string(),
            "Salle lumineuse au rez-de-chaussée.".to_string(),
        ]
    } else {
        vec![
            format!("Séance de 45 minutes, {price} € la séance."),
            "Praticienne certifiée RNCP, cabinet au rez-de-chaussée.".to_string(),
            "Gestion du stress, du sommeil et de la fatigue.".to_string(),
            "Sur rendez-vous du lundi au samedi.".to_string(),
        ]
    };
    let n = rng.range(1, 3) as usize;
    let mut s = rng.sample(&pool, n);
    closers(rng, city, &mut s);
    Draft {
        title,
        body: body(rng, &s),
        category: Some("bien-etre"),
        price: price_field(rng, price),
        ..Draft::default()
    }
}

fn item(rng: &mut Rng, city: &str, items: &[(&str, u32, u32)], category: &'static str) -> Draft {
    let (name, lo, hi) = *rng.pick(items);
    let price = rng.range(lo, hi);
    let title = match rng.below(4) {
        0 => name.to_string(),
        1 => format!("{name} - très bon état"),
        2 => format!("Vends {}", lower_first(name)),
        _ => format!("{name} comme neuf"),
    };
    let mut pool = vec![
        format!("Acheté il y a {} ans, peu servi.", rng.range(2, 5)),
        "Cause déménagement.".to_string(),
        "Quelques traces d'usure, voir photos.".to_string(),
        format!("Remise en main propre à {city}, pas d'envoi."),
        format!(
            "Possibilité de livraison dans {city} pour {} €.",
            rng.pick(&[10, 15, 20])
        ),
        if rng.chance(0.5) {
            "Prix ferme."
        } else {
            "Prix à débattre."
        }
        .to_string(),
        "Fonctionne parfaitement, testé devant vous.".to_string(),
    ];
    match category {
        "maison" => pool.push(format!(
            "Dimensions : {} x {} cm.",
            rng.range(40, 220),
            rng.range(40, 200)
        )),
        "multimedia" => {
            pool.push("Facture et boîte d'origine.".to_string());
            pool.push(format!("Batterie à {} %.", rng.range(80, 100)));
        }
        _ => {}
    }
    let mut s = vec![format!(
        "Vends {} en {} état.",
        lower_first(name),
        rng.pick(&["très bon", "bon", "parfait", "excellent"])
    )];
    let n = rng.range(1, 3) as usize;
    s.extend(rng.sample(&pool, n));
    s.push(format!("{}, à venir chercher.", euros(rng, price)));
    closers(rng, city, &mut s);
    Draft {
        title,
        body: body(rng, &s),
        category: Some(category),
        price: price_field(rng, price),
        ..Draft::default()
    }
}

fn pets(rng: &mut Rng, city: &str) -> Draft {
    let p = *rng.pick(PETS);
    let price = rng.range(10, 90) * 10;
    let s = [
        format!("{} disponibles à {city}.", cap(p)),
        format!(
            "Nés le {} {}, vaccinés, pucés, vermifugés.",
            rng.range(1, 28),
            rng.pick(MONTHS)
        ),
        "Parents visibles sur place.".to_string(),
        format!(
            "{} chacun, certificat vétérinaire fourni.",
            euros(rng, price)
        ),
    ];
    let n = rng.range(1, 3) as usize;
    let mut s2 = vec![s[0].clone()];
    s2.extend(rng.sample(&s[1..], n));
    Draft {
        title: format!("{} à réserver", cap(p)),
        body: body(rng, &s2),
        category: Some("animaux"),
        price: price_field(rng, price),
        ..Draft::default()
    }
}

fn siret(rng: &mut Rng) -> String {
    format!(
        "8{:02} {:03} {:03} 000{:02}",
        rng.range(10, 99),
        rng.range(100, 999),
        rng.range(100, 999),
        rng.range(11, 99)
    )
}

fn florist(rng: &mut Rng, city: &str) -> Draft {
    let (a, b) = (rng.range(30, 40), rng.range(55, 70));
    let s = [
        format!("Fleuriste artisan à {city}. Bouquet de 12 roses rouges {a} €, 24 roses {b} €."),
        "Composition de saison à partir de 25 €.".to_string(),
        format!("Commande la veille, retrait en boutique ou livraison dans {city}."),
        format!("SIRET {}.", siret(rng)),
    ];
    let n = rng.range(1, 3) as usize;
    let mut s2 = vec![s[0].clone()];
    s2.extend(rng.sample(&s[1..], n));
    Draft {
        title: format!("🌹 Bouquet de 12 roses {a} € 🌹"),
        body: body(rng, &s2),
        category: Some("fleurs"),
        price: Some(Price::Text(format!("{a} €"))),
        ..Draft::default()
    }
}

fn friendship(rng: &mut Rng, city: &str) -> Draft {
    let (title, first) = match rng.below(4) {
        0 => (
            "Cherche partenaires de rando",
            "je cherche des personnes pour randonner le week-end",
        ),
        1 => (
            "Groupe de jeux de société le jeudi",
            "nous cherchons deux joueurs pour notre groupe du jeudi soir",
        ),
        2 => (
            "Nouvelle en ville, cherche amis pour sorties",
            "je cherche des gens sympas pour des sorties ciné et expos",
        ),
        _ => (
            "Cherche binôme pour courir le dimanche",
            "je cherche quelqu'un pour courir 10 km le dimanche matin",
        ),
    };
    let s = [
        format!(
            "Arrivée à {city} depuis {} (mutation pro), {first}.",
            rng.pick(MONTHS)
        ),
        "Niveau débutant accepté, bonne humeur garantie !".to_string(),
        "Répondez via la messagerie du site.".to_string(),
        "Uniquement amical, merci.".to_string(),
    ];
    let n = rng.range(2, 4) as usize;
    Draft {
        title: title.to_string(),
        body: body(rng, &s[..n]),
        category: Some("rencontres"),
        phone: None,
        ..Draft::default()
    }
}

/// What a trade does, for the tradesman's own description of the work.
fn trade_jobs(domain: &str) -> &'static [&'static str] {
    match domain {
        "plomberie" => &[
            "fuites",
            "chauffe-eau",
            "débouchage",
            "WC et sanitaires",
            "salles de bain",
            "robinetterie",
            "remplacement de ballon",
            "recherche de fuite",
        ],
        "électricité" => &[
            "mise aux normes",
            "tableau électrique",
            "prises et éclairage",
            "pannes de courant",
            "rénovation complète",
            "bornes de recharge",
            "diagnostic",
            "interphones",
        ],
        "serrurerie" => &[
            "ouverture de porte",
            "changement de serrure",
            "porte blindée",
            "cylindres",
            "volets roulants",
            "rideaux métalliques",
            "clés perdues",
            "mise en sécurité",
        ],
        "chauffage" => &[
            "entretien de chaudière",
            "pompe à chaleur",
            "radiateurs",
            "plancher chauffant",
            "ramonage",
            "désembouage",
            "contrat d'entretien",
            "dépannage gaz",
        ],
        "vitrerie" => &[
            "double vitrage",
            "vitrines",
            "miroirs sur mesure",
            "fenêtres PVC",
            "bris de glace",
            "crédences en verre",
            "vérandas",
            "pare-douches",
        ],
        _ => &[
            "fuites de toiture",
            "tuiles et ardoises",
            "gouttières",
            "zinguerie",
            "démoussage",
            "isolation des combles",
            "charpente",
            "bâchage d'urgence",
        ],
    }
}

/// A tradesman's ad. Independent firms do not write the same text: the
/// opening, each stock sentence and the closing come in several wordings,
/// with the trade's own jobs, figures and hours, so that two firms of the
/// same trade share few word pairs (what `fingerprint()` compares), as
/// their real ads do. The same firm in another town writes another ad from
/// the same material.
fn artisan_ad(rng: &mut Rng, trade: (&str, &str), firm: &str, city: &str, phone: &str) -> Draft {
    let (who, domain) = trade;
    let w = lower_first(who);
    let jobs = {
        let all = trade_jobs(domain);
        let n = rng.range(2, 4) as usize;
        rng.sample(all, n).join(", ")
    };
    let years = rng.range(5, 30);
    let title = match rng.below(6) {
        0 => format!("{who} à {city} et alentours"),
        1 => format!("Dépannage {domain} 7j/7 - {city}"),
        2 => format!("{who} disponible rapidement sur {city}"),
        3 => format!("{who} {city}, devis gratuit"),
        4 => format!("Artisan {w} sur {city} et environs"),
        _ => format!("{firm} : {domain} ({city})"),
    };
    let opener = match rng.below(5) {
        0 => format!("{firm}, {w} : {domain} et dépannage 7j/7."),
        1 => format!("{firm} : {jobs}."),
        2 => format!("Entreprise {firm}, {w} depuis {years} ans."),
        3 => format!("Besoin d'un {w} ? {firm} s'occupe de vos {jobs}."),
        _ => format!("{who} indépendant, je m'occupe de {jobs}."),
    };
    let groups: [Vec<String>; 8] = [
        vec![
            "Intervention rapide, devis gratuit.".to_string(),
            "Devis gratuit et sans engagement.".to_string(),
            "Intervention dans la journée si possible.".to_string(),
            "Urgences 7j/7, dimanche compris.".to_string(),
            format!("Je me déplace en moins de {} heures.", rng.range(2, 4)),
        ],
        vec![
            format!("Artisan déclaré, SIRET {}.", siret(rng)),
            format!("Entreprise immatriculée, SIRET {}.", siret(rng)),
            format!("SIRET {}, assurance professionnelle.", siret(rng)),
        ],
        vec![
            format!(
                "Déplacement {} €, main d'œuvre {} € de l'heure.",
                rng.range(20, 40),
                rng.range(45, 65)
            ),
            format!(
                "Forfait déplacement {} €, puis {} € de l'heure.",
                rng.range(20, 40),
                rng.range(45, 65)
            ),
            format!("Main d'œuvre {} € HT de l'heure.", rng.range(45, 65)),
            "Tarifs affichés, pas de mauvaise surprise.".to_string(),
        ],
        vec![
            "Garantie décennale, travail soigné.".to_string(),
            "Assurance décennale, chantier laissé propre.".to_string(),
            "Travail garanti, pièces d'origine.".to_string(),
        ],
        vec![
            format!("Nous intervenons sur {city} et les communes voisines."),
            format!("Secteur : {city} et {} km autour.", rng.range(2, 6) * 5),
            format!("Je couvre {city} et tout le département."),
        ],
        vec![
            "Paiement par chèque ou carte.".to_string(),
            "Règlement par chèque, carte ou virement.".to_string(),
            "Facture détaillée, TVA réduite selon les travaux.".to_string(),
        ],
        vec![
            format!("{years} ans de métier."),
            format!("Ancien compagnon, {years} ans d'expérience."),
            format!("Formé chez un artisan de {city}, installé depuis {years} ans."),
        ],
        vec![
            format!(
                "Du lundi au samedi, de {}h à {}h.",
                rng.range(7, 9),
                rng.range(18, 20)
            ),
            "Joignable tôt le matin et en soirée.".to_string(),
            "Répondeur en cas d'absence, je rappelle vite.".to_string(),
        ],
    ];
    let mut s = vec![opener];
    let n = rng.range(3, 5) as usize;
    for g in rng.sample(&groups, n) {
        s.push(rng.pick(&g).clone());
    }
    let p = fmt_phone(rng, phone);
    s.push(match rng.below(4) {
        0 => format!("Tél. {p}"),
        1 => format!("Appelez le {p}."),
        2 => format!("Contact : {p}"),
        _ => format!("{p}, du lundi au samedi."),
    });
    Draft {
        title,
        body: body(rng, &s),
        category: Some("services"),
        phone: Some(fmt_phone(rng, phone)),
        ..Draft::default()
    }
}

/// Leet or letter spacing on a phrase, the way filters are dodged.
fn disguise(rng: &mut Rng, phrase: &str) -> String {
    match rng.below(8) {
        0 => phrase
            .chars()
            .map(|c| match c {
                'a' => '4',
                'e' if rng.chance(0.5) => '3',
                'o' => '0',
                'i' => '1',
                c => c,
            })
            .collect(),
        1 => {
            let word = phrase.split(' ').next().unwrap_or(phrase);
            let sep = *rng.pick(&[".", " ", "-", "*"]);
            let spaced: Vec<String> = word.chars().map(String::from).collect();
            format!("{}{}", spaced.join(sep), &phrase[word.len()..])
        }
        2 => phrase.to_uppercase(),
        _ => phrase.to_string(),
    }
}

/// A suspicious ad for `poster` in `city`. `moving` forces the wording of
/// someone passing through (tours). `rng` decides the wording, so the same
/// `rng` state gives the same ad with another name and city (templates).
fn suspect_ad(rng: &mut Rng, poster: &Poster, city: &str, moving: bool) -> Draft {
    let name = poster.name;
    let age = poster.age;
    let emoji = *rng.pick(EMOJI_SUSPECT);
    let agency = rng.chance(0.15);
    let title = if agency {
        rng.pick(&[
            "Agence - nos hôtesses vous reçoivent 7j/7".to_string(),
            "NEW STAFF - Fresh 🍒".to_string(),
            format!("Salon privé à {city} ✨"),
        ])
        .clone()
    } else if moving {
        rng.pick(&[
            format!("Nouvelle à {city} {emoji} moment de détente"),
            format!("{name}, de passage à {city} {emoji}"),
            format!("{name} {age} ans, juste arrivée à {city}"),
        ])
        .clone()
    } else {
        rng.pick(&[
            format!("{name}, {age} ans {emoji}"),
            format!("Douce compagnie {emoji}"),
            format!("Moment d'évasion à {city} {emoji}"),
            "M4SS4GE PR1VÉ ✨".to_string(),
            format!("{name}, étudiante {emoji}"),
            "Massage et détente".to_string(),
            format!("Pause détente {emoji} {city}"),
        ])
        .clone()
    };
    let mut s: Vec<String> = Vec::new();
    let look = *rng.pick(&["brune", "blonde", "métisse", "rousse"]);
    s.push(if agency {
        "Notre agence vous présente ses nouvelles hôtesses, toutes jeunes et souriantes."
            .to_string()
    } else {
        rng.pick(&[
            format!("Coucou, moi c'est {name}, {age} ans, toute douce {emoji}"),
            "Bonjour messieurs.".to_string(),
            format!("{name}, jolie jeune femme {look}."),
            format!("Hello, {name} ici {emoji}"),
        ])
        .clone()
    });
    if moving {
        s.push(
            rng.pick(&[
                format!("Petite nouvelle juste arrivée sur {city} pour quelques jours."),
                format!("De passage à {city}, derniers jours avant de repartir."),
                format!("Nouvelle en ville, je suis à {city} jusqu'à dimanche."),
            ])
            .clone(),
        );
    }
    let euph = [
        ("un", "moment d'évasion"),
        ("un", "massage naturiste"),
        ("un", "body body"),
        ("une", "relaxation totale"),
        ("un", "moment de détente"),
        ("un", "massage relaxant"),
        ("une", "détente totale"),
    ];
    let count = rng.range(1, 2) as usize;
    let chosen = rng.sample(&euph, count);
    let offer: Vec<String> = chosen
        .iter()
        .map(|(art, p)| format!("{art} {}", disguise(rng, p)))
        .collect();
    let shower = if rng.chance(0.3) {
        format!(", {}", disguise(rng, "douche possible"))
    } else {
        String::new()
    };
    let setting = *rng.pick(&[
        "discret et propre",
        "calme et climatisé",
        "privé et chaleureux",
        "agréable et discret",
    ]);
    s.push(format!(
        "Je vous propose {} dans un cadre {setting}{shower}.",
        offer.join(" et ")
    ));
    if rng.chance(0.75) {
        let a = rng.range(6, 15) * 10;
        let b = a + rng.range(4, 15) * 10;
        s.push(
            rng.pick(&[
                format!("30min={a}, 1h={b}."),
                format!("1h {b} / 30 min {a}."),
                format!("{a} la demi-heure, {b} de l'heure."),
                format!("{b} roses de l'heure."),
                format!("Cadeau {a} la demi-heure, {b} les cadeaux pour 1h."),
                format!("{b}🌹/h"),
                format!("20 min {a} / 1h {b}."),
            ])
            .clone(),
        );
    }
    if rng.chance(0.5) {
        s.push(
            rng.pick(&[
                "Photos 100% réelles.",
                "Discrétion assurée.",
                "Dispo 24/7.",
                "7j/7 de 10h à 2h.",
                "Pas de numéro masqué.",
                "Pas de fake, photos réelles.",
            ])
            .to_string(),
        );
    }
    s.push(match rng.below(8) {
        0..=1 => format!("Écris-moi sur snap: {}, pas d'appel.", poster.handle),
        2 => format!("Telegram @{}", poster.handle),
        3 => "Sms uniquement.".to_string(),
        4..=5 if !poster.phone.is_empty() => {
            format!("Mon numéro : {}", obscured_phone(rng, &poster.phone))
        }
        6 if !poster.phone.is_empty() => {
            format!("Appelle-moi au {}", fmt_phone(rng, &poster.phone))
        }
        _ => "Réservation par téléphone, messieurs courtois uniquement.".to_string(),
    });
    if rng.chance(0.4) {
        s.push(rng.pick(EMOJI_SUSPECT).repeat(rng.range(1, 3) as usize));
    }
    let price = rng.range(8, 30) * 10;
    Draft {
        title,
        body: body(rng, &s),
        category: Some(*rng.pick(&["rencontres", "rencontres", "bien-etre", "services"])),
        city: None,
        phone: (!poster.phone.is_empty() && rng.chance(0.8)).then(|| fmt_phone(rng, &poster.phone)),
        price: if rng.chance(0.4) {
            price_field(rng, price)
        } else {
            None
        },
        boosted: if rng.chance(0.3) {
            Some(rng.chance(0.6))
        } else {
            None
        },
        suspect: true,
    }
}

/// The same ad, reposted with a small edit (a price, an emoji, a word).
fn near_copy(rng: &mut Rng, base: &Draft) -> Draft {
    let mut d = base.clone();
    match rng.below(5) {
        0 => d.body.push_str(" Dispo ce soir."),
        1 => d.title = format!("{} {}", d.title, rng.pick(EMOJI_SUSPECT)),
        2 => d.body = d.body.replacen('.', " !", 1),
        3 => d.body = d.body.replace("discret", "très discret"),
        _ => {}
    }
    d
}
