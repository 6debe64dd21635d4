#!/usr/bin/env bash
# End-to-end tests of `vigie lsp` with a real third-party client
# (pytest-lsp): open the French pack, wait for diagnostics, hover,
# completion, definition, references, rename across files, formatting.
# Makes its own virtual environment in tests/lsp_e2e/.venv (gitignored).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
cargo build --quiet --locked
export VIGIE_BIN="$root/target/debug/vigie"
if [ ! -x "$here/.venv/bin/python" ]; then
  python3 -m venv "$here/.venv"
fi
"$here/.venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
cd "$here"
exec "$here/.venv/bin/python" -m pytest -q "$@"
