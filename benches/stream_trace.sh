#!/usr/bin/env bash
# The memory of the stream rules over time: `vigie scan rules/fr -` on a
# generated stream, its resident memory sampled every second, printed at
# each half million ads read.
#
#   bash benches/stream_trace.sh ADS [THREADS] [PER_DAY] [VIGIE]
#   bash benches/stream_trace.sh 3000000 1            # docs/performance.md, session 9
#
# ADS ads at PER_DAY a day (default 89,285: 2.5 million ads span 28 days,
# the pace of `cargo bench --bench scan -- stream --stream-ads 10000000`),
# seed 1. VIGIE is the binary to trace (default target/release/vigie, built
# first with the generator). The bench's `stream` section gives only the
# peak at two lengths; this shows the curve between them: a step (a table
# doubling) and a creep (something that never shrinks) look different here.
# Linux only (reads /proc). Samples: target/tmp/stream-trace-THREADS.tsv
# (epoch seconds, bytes read, RSS KiB, peak RSS KiB).
set -euo pipefail

ads=${1:?usage: benches/stream_trace.sh ADS [THREADS] [PER_DAY] [VIGIE]}
threads=${2:-1}
per_day=${3:-89285}
cd "$(dirname "$0")/.."
if [ -z "${4:-}" ]; then
    cargo build --release --quiet --bin vigie --example gen_corpus
fi
vigie=${4:-target/release/vigie}
mkdir -p target/tmp
samples=target/tmp/stream-trace-$threads.tsv
: > "$samples"

target/release/examples/gen_corpus ads --ads "$ads" --per-day "$per_day" --seed 1 2>/dev/null \
    | "$vigie" scan --threads "$threads" rules/fr - > /dev/null 2> target/tmp/stream-trace.err &
pid=$!
start=$(date +%s)
while kill -0 "$pid" 2>/dev/null; do
    if [ -r "/proc/$pid/status" ]; then
        rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
        hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
        read_bytes=$(awk '/rchar/ {print $2}' "/proc/$pid/io" 2>/dev/null || true)
        [ -n "$rss" ] && echo "$(date +%s) $read_bytes $rss $hwm" >> "$samples"
    fi
    sleep 1
done
wait "$pid"
secs=$(($(date +%s) - start))
echo "$(tail -1 target/tmp/stream-trace.err) in $secs s ($threads thread(s), $per_day ads a day)"

# Bytes read → ads read: the mean length of the first 100,000 ads.
bytes_per_ad=$(target/release/examples/gen_corpus ads --ads 100000 --per-day "$per_day" --seed 1 2>/dev/null | wc -c)
awk -v per=$((bytes_per_ad / 100000)) '
    BEGIN { next_at = 500000; print "ads read\tRSS MB\tpeak MB" }
    { ads = $2 / per; if (ads >= next_at) { printf "%d\t%.0f\t%.0f\n", next_at, $3 / 1024, $4 / 1024; next_at += 500000 } }
    END { printf "end\t%.0f\t%.0f\n", $3 / 1024, $4 / 1024 }
' "$samples"
