//! Stream state: the windows behind `count` and `distinct`.
//!
//! # How it works
//!
//! Records are observed in time order (the schema's time field). Each
//! aggregate of the pack has a [`Window`]: one queue of the ads it covers
//! (id, time, value, keys), in time order, and groups of them by key hash,
//! each group the places of its ads in that queue. Observing an ad at time
//! `t`:
//!
//! 1. expires, from the front of the queue, every ad older than
//!    `t - within` (the window is `[t - within, t]`, both ends included),
//!    taking it out of its groups and dropping groups that become empty;
//! 2. appends the ad to the queue and its place to its group (a
//!    fingerprint key belongs to one group per LSH band, see
//!    [`crate::text::fingerprint`]);
//! 3. reads the aggregate: the number of ads in the group (or the union of
//!    its band groups), or the number of distinct values among them, and
//!    the ids of the most recent other ads, for evidence.
//!
//! Memory is bounded by the ads inside the longest window, not by the
//! stream: an entry lives exactly as long as its window covers it. Per ad
//! and window that is one entry (48 bytes), its keys (8 bytes per group,
//! in one queue per window) and a place in each of its groups (24 bytes in
//! a hash table; a group of one ad, the common case, needs nothing more).
//! Queues and tables give memory back when the window holds far fewer ads
//! than it once did, so memory follows the window, not the stream's past.
//!
//! An ad older than one already observed (*late*, possible on standard
//! input) is scored against the ads already in the windows but not
//! inserted, so the queues stay in time order. An ad without a time, or
//! without a key, gets no value (comparisons with it are false).

use crate::check::CheckedPack;
use crate::text::fingerprint::{BANDS, MIN_SHARED_BANDS};
use crate::value::Value;
use std::collections::hash_map::Entry::{Occupied, Vacant};
use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasherDefault;
use std::ops::Range;
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

/// Below this many items, a queue or table is not worth shrinking.
const SHRINK_FROM: usize = 8;

/// Heap bytes of a hash table of `capacity` items: its buckets (key, value
/// and one control byte each; the capacity is 7/8 of the buckets, or all
/// but one for small tables, in hashbrown). Give the capacity the table
/// had when last resized: `capacity()` falls as removals leave tombstones
/// (see [`Groups`]).
fn table_bytes<V>(capacity: usize) -> usize {
    let buckets = match capacity {
        0 => 0,
        c if c < 8 => (c + 1).next_power_of_two(),
        c => (c * 8 / 7).next_power_of_two(),
    };
    buckets * (std::mem::size_of::<(u64, V)>() + 1)
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

/// One ad in one window.
#[derive(Debug)]
struct Entry {
    time: i64,
    id: Arc<str>,
    value: Option<u64>,
    /// How many groups it is in (1, or [`BANDS`] for a fingerprint): its
    /// keys are the next `groups` of the window's `keys` queue, which it
    /// leaves with them when it expires.
    groups: u8,
}

/// The ads of one key in one window, oldest first, by their *place* in the
/// window's queue of entries (see [`Window`]).
///
/// Most groups hold a single ad: a phone seen once, and above all the LSH
/// band of a text seen once, which makes 20 groups per ad in each
/// fingerprint window. So a group is a place (8 bytes, inline) until a
/// second ad joins it. Before, a group held its entries in a queue of its
/// own: about 280 bytes per band and ad, 11 KB per ad in `rules/fr`, and
/// zeroing the pages for that memory was a third of the pack's scan time.
#[derive(Debug)]
enum Group {
    One(u64),
    Many(Box<Queue>),
}

#[derive(Debug, Default)]
struct Queue {
    places: VecDeque<u64>,
    /// For `distinct`: how many entries hold each value.
    values: Keyed<u32>,
}

impl Queue {
    fn push(&mut self, place: u64, value: Option<u64>) {
        if let Some(v) = value {
            *self.values.entry(v).or_insert(0) += 1;
        }
        self.places.push_back(place);
    }
}

impl Group {
    /// Adds the entry at `place`; `value_at` gives the value of an entry
    /// already in the group.
    fn push(&mut self, place: u64, value: Option<u64>, value_at: impl Fn(u64) -> Option<u64>) {
        let first = match self {
            Group::Many(queue) => return queue.push(place, value),
            Group::One(first) => *first,
        };
        let mut queue = Box::<Queue>::default();
        queue.push(first, value_at(first));
        queue.push(place, value);
        *self = Group::Many(queue);
    }

    /// Drops the oldest entry (whose value is `value`); true when none is
    /// left.
    ///
    /// A group gives its memory back as it empties: one ad left is a place
    /// again, and a queue at a quarter of its capacity is halved. Without
    /// that, a group keeps the largest size it ever had, and the groups
    /// that never empty (a template text, a busy phone) make memory creep
    /// with the length of the stream rather than follow the window.
    fn expire_oldest(&mut self, value: Option<u64>) -> bool {
        let Group::Many(queue) = self else {
            return true;
        };
        queue.places.pop_front();
        if let Some(v) = value {
            if let Some(n) = queue.values.get_mut(&v) {
                *n -= 1;
                if *n == 0 {
                    queue.values.remove(&v);
                }
            }
        }
        match queue.places.len() {
            0 => return true,
            1 => *self = Group::One(queue.places[0]),
            n => {
                if queue.places.capacity() >= 4 * n.max(SHRINK_FROM) {
                    queue.places.shrink_to(2 * n);
                }
                if queue.values.capacity() >= 4 * queue.values.len().max(SHRINK_FROM) {
                    queue.values.shrink_to(2 * queue.values.len());
                }
            }
        }
        false
    }

    /// Heap bytes held by this group beyond its slot in the table. Its
    /// `distinct` table is counted from `capacity()`, which tombstones
    /// lower (see [`Groups`]): a slight underestimate, kept to spare every
    /// group a field for its capacity at the last resize.
    fn heap_bytes(&self) -> usize {
        match self {
            Group::One(_) => 0,
            Group::Many(queue) => {
                std::mem::size_of::<Queue>()
                    + queue.places.capacity() * std::mem::size_of::<u64>()
                    + table_bytes::<u32>(queue.values.capacity())
            }
        }
    }

    fn len(&self) -> usize {
        match self {
            Group::One(_) => 1,
            Group::Many(queue) => queue.places.len(),
        }
    }

    /// The places of the entries, oldest first.
    fn places(&self) -> impl DoubleEndedIterator<Item = u64> + '_ {
        let (front, back) = match self {
            Group::One(place) => (std::slice::from_ref(place), &[][..]),
            Group::Many(queue) => queue.places.as_slices(),
        };
        front.iter().chain(back).copied()
    }
}

/// A window's groups by key, in [`SHARDS`] hash tables of staggered sizes.
///
/// # Why not one table
///
/// A table's capacity is a power of two, and it must stay at most half
/// full: ads come and go all the time, and hashbrown, once its removed
/// slots run out, rehashes in place only when at most half its capacity
/// is live; otherwise it doubles. So one table doubles whenever the number
/// of live groups crosses a power of two, however slightly: in session 9
/// the 7-day fingerprint window of `rules/fr` (12 million band groups)
/// doubled after 8.5 million ads of a steady stream, and peak RSS jumped
/// from 1.40 to 1.60 GB while the window held the same week of ads (a
/// reserve that counted tombstones as used room, fixed since, see
/// `full`, made such crossings likelier; a live count that wanders near
/// a power of two still crosses it).
///
/// Split in shards of equal share, the tables would still double together.
/// So shard `i` takes a share of the keys proportional to `2^(i/SHARDS)`:
/// as the live count grows, the shards cross their powers of two one after
/// the other, at evenly spaced points of `log2(live)`, and the memory of
/// the groups grows in steps of a few percent instead of doubling at once
/// (`groups_grow_in_small_steps`). A resize also copies one shard, not
/// the whole table, so it no longer holds two copies of it at the peak.
#[derive(Debug)]
struct Groups {
    shards: Box<[Keyed<Group>]>,
    /// The capacity of each table when it was last resized. Not
    /// `capacity()` later on: hashbrown's `capacity()` is the live groups
    /// plus the slots still free, and every removal leaves a tombstone
    /// that takes a free slot until the next rehash, so under ads coming
    /// and going it falls towards the live count. Reserving against it
    /// doubled tables whose live count had not grown (a creep of about
    /// 40 MB per million ads in session 9, the window's groups flat).
    full: Box<[usize]>,
}

/// How many tables a window's groups are split into.
const SHARDS: usize = 32;

/// Shard `i` takes the keys whose bits 32..48 are below `SHARD_BOUNDS[i]`
/// (and not below the previous bound): shares growing as `2^(i/SHARDS)`.
/// Those bits are used neither for a bucket index (the low bits, in tables
/// of fewer than 2^32 buckets) nor for hashbrown's control bytes (the top
/// seven), so each shard still sees well-mixed hashes.
static SHARD_BOUNDS: std::sync::LazyLock<[u32; SHARDS]> = std::sync::LazyLock::new(|| {
    let weights: Vec<f64> = (0..SHARDS)
        .map(|i| (i as f64 / SHARDS as f64).exp2())
        .collect();
    let total: f64 = weights.iter().sum();
    let mut bounds = [0u32; SHARDS];
    let mut sum = 0.0;
    for (bound, w) in bounds.iter_mut().zip(&weights) {
        sum += w;
        *bound = (sum / total * 65536.0).round() as u32;
    }
    bounds[SHARDS - 1] = 65536;
    bounds
});

impl Groups {
    fn new() -> Groups {
        Groups {
            shards: (0..SHARDS).map(|_| Keyed::default()).collect(),
            full: vec![0; SHARDS].into(),
        }
    }

    fn shard_of(key: u64) -> usize {
        let bits = (key >> 32) as u16 as u32;
        SHARD_BOUNDS.partition_point(|&bound| bound <= bits)
    }

    fn table(&self, key: u64) -> &Keyed<Group> {
        &self.shards[Self::shard_of(key)]
    }

    fn get(&self, key: u64) -> Option<&Group> {
        self.table(key).get(&key)
    }

    /// Adds the entry at `place` to the group of `key`, or starts one.
    fn push(
        &mut self,
        key: u64,
        place: u64,
        value: Option<u64>,
        value_at: impl Fn(u64) -> Option<u64>,
    ) {
        let shard = Self::shard_of(key);
        let (table, full) = (&mut self.shards[shard], &mut self.full[shard]);
        // At most half full (see above): grow before, not when hashbrown
        // would, long after the window has filled. Asking for room for
        // twice the live groups always resizes (there is less than that
        // free), so `capacity()` is then the table's whole capacity.
        if table.len() + 1 > *full / 2 {
            table.reserve(table.len() + 2);
            *full = table.capacity();
        }
        match table.entry(key) {
            Occupied(mut group) => group.get_mut().push(place, value, value_at),
            Vacant(slot) => {
                slot.insert(Group::One(place));
            }
        }
    }

    /// Takes the oldest entry (whose value is `value`) out of the group of
    /// `key`, dropping the group when it is empty.
    fn expire_oldest(&mut self, key: u64, value: Option<u64>) {
        let shard = Self::shard_of(key);
        let (table, full) = (&mut self.shards[shard], &mut self.full[shard]);
        if let Some(group) = table.get_mut(&key) {
            if group.expire_oldest(value) {
                table.remove(&key);
                // Give memory back when the table holds far fewer groups
                // than it once did (the stream slowed down); the room left
                // keeps a table that refills from shrinking and growing in
                // turn. At an eighth, shrinking to three times the live
                // groups always rebuilds the table, so `capacity()` is
                // then its whole capacity again.
                if *full >= 8 * table.len().max(SHRINK_FROM) {
                    table.shrink_to(3 * table.len());
                    *full = table.capacity();
                }
            }
        }
    }

    /// Groups held, in all the tables.
    fn len(&self) -> usize {
        self.shards.iter().map(|t| t.len()).sum()
    }

    /// The tables' bytes, from the capacity each had when last resized
    /// (`capacity()` falls with tombstones).
    fn table_bytes(&self) -> usize {
        self.full.iter().map(|&c| table_bytes::<Group>(c)).sum()
    }
}

/// What one window holds, and the heap bytes it takes (estimates from the
/// capacities of its queues and tables, not the allocator's count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WindowMemory {
    /// Ads in the window.
    pub ads: usize,
    /// Groups (distinct keys, or LSH bands of a fingerprint).
    pub groups: usize,
    /// Groups of more than one ad (the others are a place in the table).
    pub many: usize,
    /// The queues of entries and of their keys.
    pub queue_bytes: usize,
    /// The hash tables of groups.
    pub table_bytes: usize,
    /// The queues and `distinct` tables of the groups of many ads.
    pub group_bytes: usize,
}

impl WindowMemory {
    pub fn heap_bytes(&self) -> usize {
        self.queue_bytes + self.table_bytes + self.group_bytes
    }
}

/// One aggregate's window: the ads it covers, oldest first, and their
/// groups by key.
///
/// The ads are one queue of entries; the `n`-th ad inserted has *place*
/// `n`, at index `n - first` of the queue. Groups hold places, so an ad's
/// id, time and value are kept once however many groups it is in, and
/// expiring is popping the front of the queue and leaving its groups.
#[derive(Debug)]
struct Window {
    within: i64,
    distinct: bool,
    groups: Groups,
    entries: VecDeque<Entry>,
    /// The group keys of the entries, in the same order (one queue for
    /// all, rather than a boxed slice per fingerprint entry: an allocation
    /// per ad that lived for the whole window).
    keys: VecDeque<u64>,
    /// The place of `entries[0]`.
    first: u64,
    /// (ad, group) pairs held: what [`Stream::entries`] reports.
    pairs: usize,
}

/// The windows of every aggregate of a pack.
#[derive(Debug)]
pub struct Stream {
    windows: Vec<Window>,
    /// The latest time observed.
    watermark: Option<i64>,
}

impl Stream {
    pub fn new(pack: &CheckedPack) -> Stream {
        Stream {
            windows: pack
                .aggregates
                .iter()
                .map(|a| Window::new(a.within.ceil() as i64, a.distinct.is_some()))
                .collect(),
            watermark: None,
        }
    }

    /// (Ad, group) pairs held in all windows (what memory grows with).
    pub fn entries(&self) -> usize {
        self.windows.iter().map(|w| w.pairs).sum()
    }

    /// Heap bytes the windows hold (an estimate from the capacities of
    /// their queues and tables; ids are not counted, as they are shared
    /// with the verdicts). What [`Stream::entries`] costs in memory.
    pub fn heap_bytes(&self) -> usize {
        self.memory().iter().map(WindowMemory::heap_bytes).sum()
    }

    /// What each window holds, in the pack's aggregate order: where
    /// [`Stream::heap_bytes`] goes (`examples/stream_memory.rs` prints it).
    pub fn memory(&self) -> Vec<WindowMemory> {
        self.windows.iter().map(Window::memory).collect()
    }

    /// Groups held in all windows (distinct keys, or LSH bands of a
    /// fingerprint): what the windows' hash tables grow with.
    pub fn groups(&self) -> usize {
        self.windows.iter().map(|w| w.groups.len()).sum()
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
            window.insert(t, Arc::clone(&id), value, &keys);
            out.push(window.read(&keys));
        }
        (out, late)
    }
}

impl Window {
    fn new(within: i64, distinct: bool) -> Window {
        Window {
            within,
            distinct,
            groups: Groups::new(),
            entries: VecDeque::new(),
            keys: VecDeque::new(),
            first: 0,
            pairs: 0,
        }
    }

    fn entry(&self, place: u64) -> &Entry {
        &self.entries[(place - self.first) as usize]
    }

    fn insert(&mut self, time: i64, id: Arc<str>, value: Option<u64>, keys: &[u64]) {
        let place = self.first + self.entries.len() as u64;
        self.entries.push_back(Entry {
            time,
            id,
            value,
            groups: keys.len() as u8,
        });
        self.keys.extend(keys);
        let (entries, first) = (&self.entries, self.first);
        let value_at = |p: u64| entries[(p - first) as usize].value;
        for &key in keys {
            self.groups.push(key, place, value, value_at);
        }
        self.pairs += keys.len();
    }

    fn expire(&mut self, now: i64) {
        let oldest = now.saturating_sub(self.within);
        while self.entries.front().is_some_and(|e| e.time < oldest) {
            let Some(entry) = self.entries.pop_front() else {
                break;
            };
            self.first += 1;
            // Groups are in insertion order, so this entry is the oldest
            // of each of its groups.
            for key in self.keys.drain(..entry.groups as usize) {
                self.groups.expire_oldest(key, entry.value);
            }
            self.pairs -= entry.groups as usize;
        }
        // Give memory back when the window holds far fewer ads than it
        // once did (the stream slowed down): the queues at a quarter of
        // their capacity (the tables shrink in `Groups::expire_oldest`).
        if self.entries.capacity() >= 4 * self.entries.len().max(SHRINK_FROM) {
            self.entries.shrink_to(2 * self.entries.len());
        }
        if self.keys.capacity() >= 4 * self.keys.len().max(SHRINK_FROM) {
            self.keys.shrink_to(2 * self.keys.len());
        }
    }

    /// What the window holds: its queue, its tables and its groups.
    fn memory(&self) -> WindowMemory {
        let groups = self.groups.shards.iter().flat_map(|t| t.values());
        WindowMemory {
            ads: self.entries.len(),
            groups: self.groups.len(),
            many: groups.clone().filter(|g| g.len() > 1).count(),
            queue_bytes: self.entries.capacity() * std::mem::size_of::<Entry>()
                + self.keys.capacity() * std::mem::size_of::<u64>(),
            table_bytes: self.groups.table_bytes(),
            group_bytes: groups.map(Group::heap_bytes).sum(),
        }
    }

    /// How many distinct values the entries of `group` hold.
    fn distinct_values(&self, group: &Group) -> usize {
        match group {
            Group::One(place) => usize::from(self.entry(*place).value.is_some()),
            Group::Many(queue) => queue.values.len(),
        }
    }

    /// The aggregate for the ad just inserted (the last entry).
    fn read(&self, keys: &[u64]) -> AggregateValue {
        let this = self.first + self.entries.len() as u64 - 1;
        if let [key] = keys {
            let Some(group) = self.groups.get(*key) else {
                return AggregateValue::missing();
            };
            let value = if self.distinct {
                self.distinct_values(group)
            } else {
                group.len()
            };
            let related = group
                .places()
                .rev()
                .filter(|&p| p != this)
                .take(RELATED)
                .map(|p| Arc::clone(&self.entry(p).id))
                .collect();
            return AggregateValue {
                value: Value::Number(value as f64),
                related,
            };
        }
        // A fingerprint: the ads sharing enough of its band groups.
        let all = self.first..this + 1;
        let union = self.fingerprint_matches(keys, all);
        let value = if self.distinct {
            self.distinct_values_of(&union).len()
        } else {
            union.len()
        };
        AggregateValue {
            value: Value::Number(value as f64),
            related: union
                .iter()
                .filter(|&&p| p != this)
                .take(RELATED)
                .map(|&p| Arc::clone(&self.entry(p).id))
                .collect(),
        }
    }

    /// The places of the entries in `range` that share at least
    /// `MIN_SHARED_BANDS` band groups with `keys` (or are in the one group
    /// of a plain key), most recent first.
    ///
    /// This is the stream's hot loop when texts repeat: a band group shared
    /// by thousands of ads (a template, boilerplate) is read whole for each
    /// of them. So it reads places only, never the entries behind them (a
    /// cache miss each, a third of a `rules/fr` scan when it did), and it
    /// sorts with the standard library's stable sort, which finds the
    /// groups' places already in ascending runs and merges them.
    fn fingerprint_matches(&self, keys: &[u64], range: Range<u64>) -> Vec<u64> {
        let needed = if keys.len() > 1 { MIN_SHARED_BANDS } else { 1 };
        // Every (entry, group) pair in range, by place; an entry in n of
        // the groups appears n times in a row.
        let mut seen: Vec<u64> = Vec::new();
        for key in keys {
            if let Some(group) = self.groups.get(*key) {
                seen.extend(group.places().filter(|p| range.contains(p)));
            }
        }
        seen.sort();
        seen.chunk_by(|a, b| a == b)
            .rev()
            .filter(|run| run.len() >= needed)
            .map(|run| run[0])
            .collect()
    }

    /// The distinct values of the entries at `places`, sorted.
    fn distinct_values_of(&self, places: &[u64]) -> Vec<u64> {
        let mut values: Vec<u64> = places.iter().filter_map(|&p| self.entry(p).value).collect();
        values.sort_unstable();
        values.dedup();
        values
    }

    /// The places of the entries with a time in `oldest..=newest`: a range,
    /// as the queue is in time order.
    fn places_between(&self, oldest: i64, newest: i64) -> Range<u64> {
        let lo = self.entries.partition_point(|e| e.time < oldest);
        let hi = self.entries.partition_point(|e| e.time <= newest);
        self.first + lo as u64..self.first + hi.max(lo) as u64
    }

    /// The aggregate for a late ad, which is not inserted: the ads of its
    /// window already seen, plus itself.
    fn read_late(&self, t: i64, keys: &[u64], value: Option<u64>) -> AggregateValue {
        let oldest = t.saturating_sub(self.within);
        let union = self.fingerprint_matches(keys, self.places_between(oldest, t));
        let value = if self.distinct {
            let mut values = self.distinct_values_of(&union);
            if let Some(v) = value {
                if let Err(at) = values.binary_search(&v) {
                    values.insert(at, v);
                }
            }
            values.len()
        } else {
            union.len() + 1
        };
        AggregateValue {
            value: Value::Number(value as f64),
            related: union
                .iter()
                .take(RELATED)
                .map(|&p| Arc::clone(&self.entry(p).id))
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
/// or an empty list, or a list holding either: `terms(texte, prenoms)` of
/// an ad that names no one is no name, so that `distinct(terms(texte,
/// prenoms), by: ad.phone, ...)` does not count it as one (it made an ad
/// without a first name and one with "Sofia" two names).
fn value_hash(v: &Value) -> Option<u64> {
    let mut h = Hasher::new();
    hash_into(v, &mut h)?;
    Some(h.finish())
}

fn hash_into(v: &Value, h: &mut Hasher) -> Option<()> {
    match v {
        Value::Missing => return None,
        Value::List(items) if items.is_empty() => return None,
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

#[cfg(test)]
mod tests {
    //! The windows against a model that keeps every ad and answers each
    //! aggregate by brute force: what [`Stream::observe`] must give, whatever
    //! the groups, queues and expiry do to get there.
    use super::*;
    use crate::text::fingerprint;
    use proptest::prelude::*;

    const WITHIN: i64 = 10;

    #[test]
    fn an_empty_list_is_no_value_anywhere_and_a_list_of_one_is_one() {
        let name = |n: &str| Value::Text(crate::value::Text::literal(n));
        let list = |items: Vec<Value>| Value::List(Arc::from(items));
        assert_eq!(value_hash(&list(vec![])), None);
        // Inside a tuple too, as a missing part is.
        assert_eq!(value_hash(&list(vec![name("Lyon"), list(vec![])])), None);
        let sofia = value_hash(&Value::List(Arc::from(vec![name("Sofia")])));
        let clara = value_hash(&Value::List(Arc::from(vec![name("Clara")])));
        assert!(sofia.is_some() && clara.is_some() && sofia != clara);
    }

    #[derive(Debug, Clone)]
    struct Ad {
        /// Seconds after the previous time (negative: out of order).
        step: Option<i64>,
        phone: Option<u8>,
        /// A template text (0..3) and the bands where this copy differs.
        print: Option<(u64, Vec<(usize, u64)>)>,
        value: Option<u8>,
    }

    fn ad() -> impl Strategy<Value = Ad> {
        (
            prop::option::weighted(0.95, -15i64..=8),
            prop::option::weighted(0.9, 0u8..4),
            prop::option::weighted(
                0.9,
                (
                    0u64..3,
                    prop::collection::vec((0..BANDS, 0u64..50), 0..BANDS),
                ),
            ),
            prop::option::weighted(0.9, 0u8..3),
        )
            .prop_map(|(step, phone, print, value)| Ad {
                step,
                phone,
                print,
                value,
            })
    }

    fn bands((template, changes): &(u64, Vec<(usize, u64)>)) -> [u64; BANDS] {
        let mut bands: [u64; BANDS] = std::array::from_fn(|b| template * 1000 + b as u64);
        for &(b, v) in changes {
            bands[b] = 500 + v;
        }
        bands
    }

    /// The keys of the four windows: phone (count, distinct), fingerprint
    /// (count, distinct).
    fn keys(ad: &Ad) -> [Value; 2] {
        [
            ad.phone.map_or(Value::Missing, |p| Value::Number(p.into())),
            ad.print
                .as_ref()
                .map_or(Value::Missing, |p| Value::Fingerprint(Arc::new(bands(p)))),
        ]
    }

    struct Kept {
        time: i64,
        seq: u64,
        id: String,
        key: Value,
        value: Option<u8>,
    }

    fn same_group(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Fingerprint(x), Value::Fingerprint(y)) => fingerprint::matches(x, y),
            (x, y) => x == y,
        }
    }

    /// What one window must answer for `ad`, from every ad it kept.
    fn expected(
        kept: &[Kept],
        oldest: i64,
        late: bool,
        distinct: bool,
        ad: &Kept,
    ) -> AggregateValue {
        let Kept {
            time: t,
            seq,
            ref key,
            value,
            ..
        } = *ad;
        let mut group: Vec<&Kept> = kept
            .iter()
            .filter(|k| k.time >= oldest && (!late || k.time <= t) && same_group(&k.key, key))
            .collect();
        group.sort_by_key(|k| std::cmp::Reverse(k.seq));
        let mut values: Vec<u8> = group.iter().filter_map(|k| k.value).collect();
        values.extend(value.filter(|_| late));
        values.sort_unstable();
        values.dedup();
        let n = if distinct {
            values.len()
        } else {
            group.len() + usize::from(late)
        };
        AggregateValue {
            value: Value::Number(n as f64),
            related: group
                .iter()
                .filter(|k| k.seq != seq)
                .take(RELATED)
                .map(|k| Arc::from(k.id.as_str()))
                .collect(),
        }
    }

    /// One `count(by: phone, within: 10 s)` window, fed `ads`.
    fn phone_window(ads: impl IntoIterator<Item = (i64, u8)>) -> Stream {
        let mut stream = Stream {
            windows: vec![Window::new(WITHIN, false)],
            watermark: None,
        };
        observe_phones(&mut stream, ads);
        stream
    }

    /// Observes `ads`, (time, phone) pairs, in a stream of one phone window.
    fn observe_phones(stream: &mut Stream, ads: impl IntoIterator<Item = (i64, u8)>) {
        for (time, phone) in ads {
            let input = AggregateInput {
                key: Value::Number(phone.into()),
                value: Value::Missing,
            };
            let id = format!("ad{}", stream.entries());
            stream.observe(Some(time), &id, &[input]);
        }
    }

    #[test]
    fn the_sizes_the_module_doc_gives_hold() {
        assert_eq!(std::mem::size_of::<Entry>(), 48);
        assert_eq!(std::mem::size_of::<(u64, Group)>(), 24);
    }

    #[test]
    fn groups_grow_in_small_steps() {
        // One table would double (+100 %) each time the live groups cross
        // a power of two; staggered shards cross theirs one at a time.
        let mut groups = Groups::new();
        let mut before = groups.table_bytes();
        let mut worst: f64 = 0.0;
        for place in 0..300_000u64 {
            groups.push(mix(place), place, None, |_| None);
            let now = groups.table_bytes();
            if place >= 10_000 {
                worst = worst.max(now as f64 / before as f64);
            }
            before = now;
        }
        assert!(worst < 1.1, "a step of {:.0} %", (worst - 1.0) * 100.0);
        // And the staggering costs no more than one table would at worst:
        // buckets at least a quarter full.
        let buckets = groups.table_bytes() / (std::mem::size_of::<(u64, Group)>() + 1);
        assert!(buckets <= 4 * 300_000, "{buckets} buckets");
        let used: Vec<usize> = groups.shards.iter().map(|t| t.len()).collect();
        assert!(used.iter().all(|&n| n > 0), "{used:?}");
        assert!(used[SHARDS - 1] > used[0], "{used:?}");
    }

    #[test]
    fn groups_coming_and_going_do_not_grow_the_tables() {
        // 200,000 live groups, then two million more each replacing the
        // oldest: the removed slots (tombstones) must not pass for growth.
        let mut groups = Groups::new();
        let live = 200_000u64;
        let mut full = 0;
        for place in 0..2_200_000u64 {
            groups.push(mix(place), place, None, |_| None);
            if place >= live {
                groups.expire_oldest(mix(place - live), None);
            }
            if place == 2 * live {
                full = groups.full.iter().sum::<usize>();
            }
        }
        assert_eq!(groups.len(), live as usize);
        // A shard whose live count wanders over its threshold may still
        // double once: 2.4 % in all here, against 9.5 % when reserving
        // against `capacity()`.
        let now: usize = groups.full.iter().sum();
        assert!(
            now * 100 <= full * 105,
            "capacity {full} after the fill, {now} at the end"
        );
    }

    #[test]
    fn memory_follows_the_window_not_the_largest_group_it_ever_had() {
        // A burst of 2,000 ads on phone 1 at time 0, then 300 seconds of
        // one ad a second on phones 1 to 5: the burst leaves the window
        // after 10 s, but phone 1's group never empties.
        let burst = (0..2000).map(|_| (0, 1));
        let steady = || (1..=300).map(|t| (t, (t % 5) as u8 + 1));
        let mut peak = phone_window(burst.clone());
        let at_peak = peak.heap_bytes();
        observe_phones(&mut peak, steady());
        let after = peak.heap_bytes();
        let reference = phone_window(steady());
        assert_eq!(peak.entries(), reference.entries());
        // The last 11 seconds (times 290..=300) hold the five phones.
        assert_eq!((peak.groups(), reference.groups()), (5, 5));
        let reference = reference.heap_bytes();
        assert!(at_peak > 40 * reference, "{at_peak} vs {reference}");
        assert!(
            after <= 4 * reference,
            "after the burst: {after} bytes; without it: {reference}"
        );
    }

    #[test]
    fn memory_says_what_each_window_holds() {
        // Times 0..=9 on phones 0, 0, 1, 1, 2, ...: five groups of two
        // ads; at time 20, times 10..=20 stay (WITHIN is 10 s): the ad of
        // time 20 on phone 10 alone.
        let mut stream = phone_window((0..10).map(|t| (t, (t / 2) as u8)));
        let [w] = stream.memory()[..] else {
            panic!("one window")
        };
        assert_eq!((w.ads, w.groups, w.many), (10, 5, 5));
        assert!(w.queue_bytes >= 10 * std::mem::size_of::<Entry>());
        assert!(w.table_bytes > 0 && w.group_bytes > 0);
        assert_eq!(w.heap_bytes(), stream.heap_bytes());
        observe_phones(&mut stream, [(20, 10)]);
        let [w] = stream.memory()[..] else {
            panic!("one window")
        };
        assert_eq!((w.ads, w.groups, w.many, w.group_bytes), (1, 1, 0, 0));
    }

    proptest! {
        #[test]
        fn windows_agree_with_a_model_that_keeps_every_ad(
            ads in prop::collection::vec(ad(), 1..120),
        ) {
            let window = |distinct| Window::new(WITHIN, distinct);
            let mut stream = Stream {
                windows: vec![window(false), window(true), window(false), window(true)],
                watermark: None,
            };
            let mut kept: [Vec<Kept>; 4] = Default::default();
            let (mut clock, mut watermark, mut seq) = (1_000i64, None::<i64>, 0u64);
            for (i, ad) in ads.iter().enumerate() {
                let time = ad.step.map(|s| {
                    clock += s;
                    clock
                });
                let id = format!("ad{i}");
                let value = ad.value.map_or(Value::Missing, |v| Value::Number(v.into()));
                let [phone, print] = keys(ad);
                let inputs: Vec<AggregateInput> = [&phone, &phone, &print, &print]
                    .iter()
                    .enumerate()
                    .map(|(w, key)| AggregateInput {
                        key: (*key).clone(),
                        value: if w % 2 == 1 { value.clone() } else { Value::Missing },
                    })
                    .collect();
                let (got, late) = stream.observe(time, &id, &inputs);
                let Some(t) = time else {
                    prop_assert!(!late);
                    prop_assert!(got.iter().all(|a| *a == AggregateValue::missing()));
                    continue;
                };
                let is_late = watermark.is_some_and(|w| t < w);
                prop_assert_eq!(late, is_late);
                if !is_late {
                    watermark = Some(t);
                }
                let oldest = watermark.unwrap_or(t) - WITHIN;
                for (w, input) in inputs.iter().enumerate() {
                    let distinct = w % 2 == 1;
                    let own = if distinct { ad.value } else { None };
                    let want = if input.key == Value::Missing || (distinct && own.is_none()) {
                        AggregateValue::missing()
                    } else {
                        let this = Kept {
                            time: t,
                            seq,
                            id: id.clone(),
                            key: input.key.clone(),
                            value: own,
                        };
                        if is_late {
                            expected(&kept[w], oldest, true, distinct, &this)
                        } else {
                            // An ad on time counts itself.
                            kept[w].push(this);
                            let kept = &kept[w];
                            expected(kept, oldest, false, distinct, &kept[kept.len() - 1])
                        }
                    };
                    prop_assert_eq!(&got[w], &want, "ad {} window {}", i, w);
                }
                seq += 1;
                // Memory: exactly the kept ads inside the window.
                let held: usize = kept
                    .iter()
                    .zip([1, 1, BANDS, BANDS])
                    .map(|(k, per)| per * k.iter().filter(|k| k.time >= oldest).count())
                    .sum();
                prop_assert_eq!(stream.entries(), held);
            }
        }
    }
}
