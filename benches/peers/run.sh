#!/usr/bin/env bash
# Peers side by side: Vigie's matcher, aho-corasick, Hyperscan and YARA-X
# on the same generated corpus and the same 1,000 terms, in one run, one
# table. Not part of the test command (it installs from PyPI and takes
# minutes at full size).
#
#   bash benches/peers/run.sh          # the 200 MB corpus
#   bash benches/peers/run.sh 5        # a quick check on 5 MB
#   REPS=5 bash benches/peers/run.sh   # best of 5 instead of 3
#   bash benches/peers/run.sh --all    # every section of the bench first
#
# With --all, the whole bench (every section: e2e, match, fold, compile,
# check, threads, cli, stream) runs first and its table is printed, then
# the peers' table: every figure of docs/performance.md (and of a closing
# note) from one run of one command. Allow 20 to 25 minutes at 200 MB on
# a quiet 2-core machine.
#
# It makes a venv in benches/peers/.venv and pip-installs yara-x and
# hyperscan there; a package that cannot be installed is left out of the
# table (with a note), the others still run.
set -euo pipefail
cd "$(dirname "$0")/../.."

ALL=0
if [ "${1:-}" = "--all" ]; then
  ALL=1
  shift
fi
MB="${1:-${MB:-200}}"
REPS="${REPS:-3}"
HERE=benches/peers
VENV="$HERE/.venv"

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
for pkg in yara-x hyperscan; do
  if ! "$VENV/bin/python" -m pip install -q "$pkg"; then
    echo "warning: cannot install $pkg from PyPI; it is left out of the table" >&2
  fi
done

OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
# Vigie's matcher and the aho-corasick baselines (the bench's own table
# goes to a file: the one table printed is the peers' table), or with
# --all every section, its table printed as well.
if [ "$ALL" = 1 ]; then
  cargo bench --bench scan -- --mb "$MB" --reps "$REPS" --json "$OUT/vigie.json"
  echo
else
  cargo bench --bench scan -- --mb "$MB" --reps "$REPS" --json "$OUT/vigie.json" match > "$OUT/bench.txt"
fi
"$VENV/bin/python" "$HERE/peers.py" --vigie "$OUT/vigie.json" --reps "$REPS"
