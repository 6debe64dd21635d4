#!/usr/bin/env bash
# The VS Code extension's checks: the TextMate grammar against the
# annotated files in tests/ (vscode-tmgrammar-test), then the packaging
# (vsce package must produce a .vsix).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
npx --no-install vscode-tmgrammar-test "tests/*.vigie"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
npx --no-install vsce package --allow-missing-repository --skip-license --out "$out/vigie.vsix"
test -s "$out/vigie.vsix"
# The package holds the client, its library, the grammar and the language
# configuration.
listing="$(python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$out/vigie.vsix")"
for file in extension/extension.js extension/package.json \
  extension/syntaxes/vigie.tmLanguage.json extension/language-configuration.json \
  extension/node_modules/vscode-languageclient/node.js; do
  case "$listing" in
    *"$file"*) ;;
    *) echo "vigie.vsix lacks $file" >&2; exit 1 ;;
  esac
done
echo "vscode extension: grammar tests passed, vigie.vsix built"
