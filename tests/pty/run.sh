#!/usr/bin/env bash
# The REPL in a real terminal: runs tests/pty/test_repl.py (pexpect + pyte)
# against a built binary.
#
#   bash tests/pty/run.sh [PATH/TO/vigie]     (default: target/debug/vigie)
#
# Makes tests/pty/.venv with `python3 -m venv` the first time and installs
# pexpect and pyte from PyPI into it (the only network access); later runs
# work offline. Exits non-zero when a check fails.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-$root/target/debug/vigie}"
if [ ! -x "$bin" ]; then
  echo "no vigie binary at $bin (run cargo build first)" >&2
  exit 2
fi
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import pexpect, pyte' 2>/dev/null; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    'pexpect==4.9.0' 'pyte==0.8.2'
fi
exec "$venv/bin/python" "$here/test_repl.py" "$bin"
