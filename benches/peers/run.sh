#!/usr/bin/env bash
# Peers side by side: Vigie's matcher, aho-corasick, Hyperscan and YARA-X
# on the same generated corpus and the same 1,000 terms, in one run, one
# table. Not part of the test command (it installs from PyPI and takes
# minutes at full size).
#
#   bash benches/peers/run.sh          # the 200 MB corpus
#   bash benches/peers/run.sh 5        # a quick check on 5 MB
#   REPS=5 bash benches/peers/run.sh   # best of 5 instead of 3
#
# It makes a venv in benches/peers/.venv and pip-installs yara-x and
# hyperscan there; a package that cannot be installed is left out of the
# table (with a note), the others still run.
set -euo pipefail
cd "$(dirname "$0")/../.."

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
# goes to a file: the one table printed is the peers' table).
cargo bench --bench scan -- --mb "$MB" --reps "$REPS" --json "$OUT/vigie.json" match > "$OUT/bench.txt"
"$VENV/bin/python" "$HERE/peers.py" --vigie "$OUT/vigie.json" --reps "$REPS"
