#!/usr/bin/env bash
# Builds the VS Code extension into vigie-VERSION.vsix, from the committed
# package-lock.json (npm ci: the same dependencies on every machine).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
npx --no-install vsce package --allow-missing-repository --skip-license "$@"
