#!/usr/bin/env bash
# Runs one fuzz target for a while: fuzz/run.sh TARGET SECONDS [EXTRA LIBFUZZER ARGS...]
#
#   fuzz/run.sh parse_check 600
#   fuzz/run.sh records 60 -jobs=2 -workers=2
#
# The seeds of fuzz/seeds/TARGET (and, for the rule-file targets, the files
# of rules/fr) are copied into fuzz/corpus/TARGET (the corpus that grows,
# git-ignored) before the run; crashes land in
# fuzz/artifacts/TARGET. The toolchain is stable, so RUSTC_BOOTSTRAP=1
# lets cargo-fuzz pass its nightly-only flags (-Zsanitizer=...).
#
# Environment:
#   SANITIZER   none (default: Rust code, 3-5x faster) or address (ASan)
#   ASSERTIONS  1 (default) builds with debug assertions and overflow
#               checks (cargo fuzz -a); 0 without
#   NICE        niceness of the run (default 10: the machine is shared)
#   TIMEOUT     seconds before an input counts as a hang (default 10)
#   RSS_LIMIT   MB before an input counts as out of memory (default 2048)
#   BUILD       1 (default) builds first (cargo fuzz run); 0 runs the
#               binary already built, so that edits made to the sources
#               during a long run do not trigger a rebuild (the run then
#               tests the code as it was at the last build)
set -euo pipefail

target=${1:?usage: fuzz/run.sh TARGET SECONDS [libFuzzer args...]}
seconds=${2:?usage: fuzz/run.sh TARGET SECONDS [libFuzzer args...]}
shift 2

here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."

case "$target" in
    parse_check | parse_mutate) dict=fuzz/dicts/vigie.dict ;;
    records | text) dict=fuzz/dicts/records.dict ;;
    *) dict= ;;
esac

mkdir -p "fuzz/corpus/$target" "fuzz/artifacts/$target"
if [ -d "fuzz/seeds/$target" ]; then
    cp -n fuzz/seeds/"$target"/* "fuzz/corpus/$target/" 2>/dev/null || true
fi
# The rule-file targets also start from the French pack as it is now (its
# files, and the whole pack as one file, so that mutants still check and
# run their tests), read from rules/fr rather than from copies that would
# go stale; a pack that changed is a new seed, the old one stays.
case "$target" in
    parse_check | parse_mutate)
        for f in rules/fr/*.vigie; do
            cp "$f" "fuzz/corpus/$target/fr-$(cksum < "$f" | cut -d' ' -f1).vigie"
        done
        whole="fuzz/corpus/$target/fr-whole-$(cat rules/fr/*.vigie | cksum | cut -d' ' -f1).vigie"
        [ "$target" = parse_mutate ] && cat rules/fr/*.vigie > "$whole"
        ;;
esac

args=(
    "-max_total_time=$seconds"
    "-timeout=${TIMEOUT:-10}"
    "-rss_limit_mb=${RSS_LIMIT:-2048}"
    "-print_final_stats=1"
)
[ -n "$dict" ] && args+=("-dict=$dict")
# The structure-aware target's seeds are whole packs (30 KB); ad texts are
# up to a few KB, and libFuzzer would otherwise start at 300 bytes and
# grow the limit only when coverage stalls.
[ "$target" = parse_mutate ] && args+=("-max_len=65536")
[ "$target" = text ] && args+=("-max_len=4096" "-len_control=0")

sanitizer=${SANITIZER:-none}
build=(--sanitizer "$sanitizer" --target-dir "fuzz/target/$sanitizer")
[ "${ASSERTIONS:-1}" = 1 ] && build+=(--debug-assertions)

if [ "${BUILD:-1}" = 0 ]; then
    bin="fuzz/target/$sanitizer/x86_64-unknown-linux-gnu/release/$target"
    [ -x "$bin" ] || { echo "$bin not built (run once with BUILD=1)" >&2; exit 2; }
    exec nice -n "${NICE:-10}" "$bin" -artifact_prefix="fuzz/artifacts/$target/" \
        "fuzz/corpus/$target" "${args[@]}" "$@"
fi

export RUSTC_BOOTSTRAP=1
exec nice -n "${NICE:-10}" cargo fuzz run "${build[@]}" \
    "$target" "fuzz/corpus/$target" \
    -- "${args[@]}" "$@"
