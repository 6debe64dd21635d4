//! Stream state: the windows behind `count` and `distinct`.
//!
//! # How it works
//!
//! Records are observed in time order (the schema's time field). Each
//! aggregate of the pack has a [`Window`]: groups of recent ads by key hash,
//! each group a queue of entries in time order, and one expiry queue for
//! the whole window. Observing an ad at time `t`:
//!
//! 1. expires, from the front of the expiry queue, every entry older than
//!    `t - within` (the window is `[t - within, t]`, both ends included),
//!    dropping groups that become empty;
//! 2. inserts the ad into its group (a fingerprint key belongs to one group
//!    per LSH band, see [`crate::text::fingerprint`]);
//! 3. reads the aggregate: the number of ads in the group (or the union of
//!    its band groups), or the number of distinct values among them, and
//!    the ids of the most recent other ads, for evidence.
//!
//! Memory is bounded by the ads inside the longest window, not by the
//! stream: an entry lives exactly as long as its window covers it.
//!
//! An ad older than one already observed (*late*, possible on standard
//! input) is scored against the ads already in the windows but not
//! inserted, so the queues stay in time order. An ad without a time, or
//! without a key, gets no value (comparisons with it are false).

use crate::check::CheckedPack;
use crate::text::fingerprint::{BANDS, MIN_SHARED_BANDS};
use crate::value::Value;
use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasherDefault;
use std::sync::Arc;

/// The windows' maps are keyed by hashes that are already well mixed
/// (`mix` below): hashing them again (SipHash) was a tenth of `observe`.
type Keyed<V> = HashMap<u64, V, BuildHasherDefault<KeyHasher>>;

/// Passes a `u64` key through.
#[derive(Default)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are hashed; stay correct for anything else.
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// How many other ads an aggregate names as evidence.
pub const RELATED: usize = 5;

/// The value of one aggregate for one ad.
#[derive(Debug, Clone, PartialEq)]
pub struct AggregateValue {
    pub value: Value,
    /// Ids of the other ads of the group, most recent first.
    pub related: Vec<Arc<str>>,
}

impl AggregateValue {
    fn missing() -> AggregateValue {
        AggregateValue {
            value: Value::Missing,
            related: Vec::new(),
        }
    }
}

/// What the caller computed for one aggregate on the current ad.
#[derive(Debug, Clone)]
pub struct AggregateInput {
    pub key: Value,
    /// The value counted by `distinct` (missing for `count`).
    pub value: Value,
}

#[derive(Debug)]
struct Entry {
    time: i64,
    seq: u64,
    id: Arc<str>,
    value: Option<u64>,
}

#[derive(Debug, Default)]
struct Group {
    entries: VecDeque<Entry>,
    /// For `distinct`: how many entries hold each value.
    values: Keyed<u32>,
}

#[derive(Debug)]
struct Window {
    within: i64,
    distinct: bool,
    groups: Keyed<Group>,
    expiry: VecDeque<(i64, u64)>,
}

/// The windows of every aggregate of a pack.
#[derive(Debug)]
pub struct Stream {
    windows: Vec<Window>,
    /// The latest time observed.
    watermark: Option<i64>,
    seq: u64,
}

impl Stream {
    pub fn new(pack: &CheckedPack) -> Stream {
        Stream {
            windows: pack
                .aggregates
                .iter()
                .map(|a| Window {
                    within: a.within.ceil() as i64,
                    distinct: a.distinct.is_some(),
                    groups: Keyed::default(),
                    expiry: VecDeque::new(),
                })
                .collect(),
            watermark: None,
            seq: 0,
        }
    }

    /// Entries held in all windows (what memory grows with).
    pub fn entries(&self) -> usize {
        self.windows.iter().map(|w| w.expiry.len()).sum()
    }

    /// The latest time observed so far.
    pub fn watermark(&self) -> Option<i64> {
        self.watermark
    }

    /// Observes one ad. Returns the value of each aggregate and whether the
    /// ad was late (older than an ad already observed).
    pub fn observe(
        &mut self,
        time: Option<i64>,
        id: &str,
        inputs: &[AggregateInput],
    ) -> (Vec<AggregateValue>, bool) {
        let Some(t) = time else {
            return (vec![AggregateValue::missing(); inputs.len()], false);
        };
        let late = self.watermark.is_some_and(|w| t < w);
        if !late {
            self.watermark = Some(t);
        }
        let id: Arc<str> = Arc::from(id);
        let seq = self.seq;
        self.seq += 1;
        if !late {
            // Expire first, whatever the keys: memory follows the clock.
            self.windows.iter_mut().for_each(|w| w.expire(t));
        }
        let mut out = Vec::with_capacity(inputs.len());
        for (window, input) in self.windows.iter_mut().zip(inputs) {
            let keys = key_hashes(&input.key);
            let value = if window.distinct {
                match value_hash(&input.value) {
                    Some(h) => Some(h),
                    None => {
                        out.push(AggregateValue::missing());
                        continue;
                    }
                }
            } else {
                None
            };
            if keys.is_empty() {
                out.push(AggregateValue::missing());
                continue;
            }
            if late {
                out.push(window.read_late(t, &keys, value));
                continue;
            }
            for &k in keys.iter() {
                let group = window.groups.entry(k).or_default();
                group.entries.push_back(Entry {
                    time: t,
                    seq,
                    id: Arc::clone(&id),
                    value,
                });
                if let Some(v) = value {
                    *group.values.entry(v).or_insert(0) += 1;
                }
                window.expiry.push_back((t, k));
            }
            out.push(window.read(&keys, seq));
        }
        (out, late)
    }
}

impl Window {
    fn expire(&mut self, now: i64) {
        let oldest = now.saturating_sub(self.within);
        while let Some(&(time, key)) = self.expiry.front() {
            if time >= oldest {
                break;
            }
            self.expiry.pop_front();
            if let Some(group) = self.groups.get_mut(&key) {
                if let Some(entry) = group.entries.pop_front() {
                    if let Some(v) = entry.value {
                        if let Some(n) = group.values.get_mut(&v) {
                            *n -= 1;
                            if *n == 0 {
                                group.values.remove(&v);
                            }
                        }
                    }
                }
                if group.entries.is_empty() {
                    self.groups.remove(&key);
                }
            }
        }
    }

    /// The aggregate for the ad just inserted (`seq`).
    fn read(&self, keys: &[u64], seq: u64) -> AggregateValue {
        if let [key] = keys {
            let group = &self.groups[key];
            let value = if self.distinct {
                group.values.len()
            } else {
                group.entries.len()
            };
            let related = group
                .entries
                .iter()
                .rev()
                .filter(|e| e.seq != seq)
                .take(RELATED)
                .map(|e| Arc::clone(&e.id))
                .collect();
            return AggregateValue {
                value: Value::Number(value as f64),
                related,
            };
        }
        // A fingerprint: the ads sharing enough of its band groups.
        let (union, values) = self.fingerprint_matches(keys, i64::MIN, i64::MAX);
        let value = if self.distinct {
            values.len()
        } else {
            union.len()
        };
        AggregateValue {
            value: Value::Number(value as f64),
            related: union
                .iter()
                .filter(|e| e.seq != seq)
                .take(RELATED)
                .map(|e| Arc::clone(&e.id))
                .collect(),
        }
    }

    /// The entries (most recent first) that share at least
    /// `MIN_SHARED_BANDS` band groups with `keys` (or the one group of a
    /// plain key), with a time in `oldest..=newest`; and their distinct
    /// values.
    fn fingerprint_matches(
        &self,
        keys: &[u64],
        oldest: i64,
        newest: i64,
    ) -> (Vec<&Entry>, Vec<u64>) {
        let needed = if keys.len() > 1 { MIN_SHARED_BANDS } else { 1 };
        // Every (entry, group) pair in range, most recent entry first; an
        // entry in n of the groups appears n times in a row. (A sort of a
        // few dozen references instead of a hash map per call.)
        let mut seen: Vec<&Entry> = Vec::new();
        for key in keys {
            if let Some(group) = self.groups.get(key) {
                seen.extend(
                    group
                        .entries
                        .iter()
                        .filter(|e| e.time >= oldest && e.time <= newest),
                );
            }
        }
        seen.sort_unstable_by_key(|e| std::cmp::Reverse(e.seq));
        let mut union: Vec<&Entry> = Vec::new();
        for run in seen.chunk_by(|a, b| a.seq == b.seq) {
            if run.len() >= needed {
                union.push(run[0]);
            }
        }
        let mut values: Vec<u64> = union.iter().filter_map(|e| e.value).collect();
        values.sort_unstable();
        values.dedup();
        (union, values)
    }

    /// The aggregate for a late ad, which is not inserted: the ads of its
    /// window already seen, plus itself.
    fn read_late(&self, t: i64, keys: &[u64], value: Option<u64>) -> AggregateValue {
        let oldest = t.saturating_sub(self.within);
        let (union, mut values) = self.fingerprint_matches(keys, oldest, t);
        if let Some(v) = value {
            if let Err(at) = values.binary_search(&v) {
                values.insert(at, v);
            }
        }
        let value = if self.distinct {
            values.len()
        } else {
            union.len() + 1
        };
        AggregateValue {
            value: Value::Number(value as f64),
            related: union
                .iter()
                .take(RELATED)
                .map(|e| Arc::clone(&e.id))
                .collect(),
        }
    }
}

/// The groups a key puts an ad in: one hash, one per LSH band for a
/// fingerprint, none for a missing key (on the stack: no allocation).
fn key_hashes(key: &Value) -> KeyHashes {
    let mut out = KeyHashes {
        len: 0,
        keys: [0; BANDS],
    };
    match key {
        Value::Fingerprint(bands) => {
            for (b, k) in out.keys.iter_mut().enumerate() {
                *k = mix(bands[b] ^ (b as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
            }
            out.len = BANDS;
        }
        other => {
            if let Some(h) = value_hash(other) {
                out.keys[0] = h;
                out.len = 1;
            }
        }
    }
    out
}

struct KeyHashes {
    len: usize,
    keys: [u64; BANDS],
}

impl std::ops::Deref for KeyHashes {
    type Target = [u64];
    fn deref(&self) -> &[u64] {
        &self.keys[..self.len]
    }
}

/// A stable hash of a value that can group ads; `None` for a missing value
/// (or a list holding one).
fn value_hash(v: &Value) -> Option<u64> {
    let mut h = Hasher::new();
    hash_into(v, &mut h)?;
    Some(h.finish())
}

fn hash_into(v: &Value, h: &mut Hasher) -> Option<()> {
    match v {
        Value::Missing => return None,
        Value::Bool(b) => h.write(&[1, *b as u8]),
        Value::Number(n) => {
            h.write(&[2]);
            h.write(&n.to_bits().to_le_bytes());
        }
        Value::Text(t) => {
            h.write(&[3]);
            h.write(t.text.as_bytes());
        }
        Value::Money(m) => {
            h.write(&[4]);
            h.write(&m.amount.to_bits().to_le_bytes());
            h.write(m.currency.code().as_bytes());
        }
        Value::Duration(d) => {
            h.write(&[5]);
            h.write(&d.to_bits().to_le_bytes());
        }
        Value::Time(t) => {
            h.write(&[6]);
            h.write(&t.to_le_bytes());
        }
        Value::Phone(p) => {
            h.write(&[7]);
            h.write(p.number.as_bytes());
        }
        Value::List(items) => {
            h.write(&[8]);
            for item in items.iter() {
                hash_into(item, h)?;
                h.write(&[0xff]);
            }
        }
        Value::Price(_) | Value::Fingerprint(_) => return None,
    }
    Some(())
}

/// FNV-1a, then a final mix: deterministic across runs (unlike the
/// standard library's hasher), which keeps verdicts reproducible.
struct Hasher(u64);

impl Hasher {
    fn new() -> Hasher {
        Hasher(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        mix(self.0)
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
