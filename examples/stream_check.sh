#!/usr/bin/env bash
# The stream check of issue 5, in one command:
#
#   bash examples/stream_check.sh              # 1,000,000 ads (about 460 MB; 10-15 min on 2 cores)
#   bash examples/stream_check.sh --ads 50000  # a quick run (about a minute)
#
# Options: --ads N (default 1000000), --seed S (default 7),
#          --dir DIR (default target/tmp/stream-check), --reuse (keep the
#          generated corpus if it is already there).
#
# It builds the release binary and the generator, generates N ads with
# planted stream patterns and their truth file, scans them with `vigie scan
# rules/fr --all --format jsonl` with --threads 1 and --threads 2 (wall time
# and peak RSS of each), scans the first N/4 and N/2 ads for peak RSS,
# checks that the two full verdict files are identical, and compares the
# verdicts with the truth (examples/stream_check.py prints the table).
# Exit status: 0 when every check passes, 1 when one fails, 2 on an error.
set -euo pipefail
cd "$(dirname "$0")/.."

ads=1000000
seed=7
dir=target/tmp/stream-check
reuse=0
while [ $# -gt 0 ]; do
  case "$1" in
    --ads) ads="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --reuse) reuse=1; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "stream_check: unknown option $1" >&2; exit 2 ;;
  esac
done

mkdir -p "$dir"
echo "== build (release)" >&2
cargo build --release --locked --bin vigie --example gen_corpus >&2

corpus="$dir/ads-$ads-$seed.jsonl"
truth="$dir/truth-$ads-$seed.jsonl"
if [ "$reuse" = 1 ] && [ -s "$corpus" ] && [ -s "$truth" ]; then
  echo "== reusing $corpus" >&2
else
  echo "== generate $ads ads (seed $seed)" >&2
  target/release/examples/gen_corpus ads --ads "$ads" --seed "$seed" \
    --out "$corpus.tmp" --truth "$truth"
  mv "$corpus.tmp" "$corpus"
fi

exec python3 examples/stream_check.py --vigie target/release/vigie --pack rules/fr \
  --ads "$corpus" --truth "$truth" --dir "$dir"
