#!/usr/bin/env python3
"""Hyperscan and YARA-X on the same bytes and the same terms as Vigie's
matcher, printed in one table with the Vigie and aho-corasick figures that
`cargo bench --bench scan -- match --json FILE` measured in the same run.

Only the scan is timed: corpus loading, rule compilation and match
counting are outside the clock. Every engine gets the ad bodies of the
corpus and the 1,000 terms of the generated lexicon pack (`*` of prefix
terms removed), matched case-insensitively (ASCII case, as both peers do
for `nocase` / `HS_FLAG_CASELESS` literals; Vigie folds case and accents
and checks word boundaries, which the peers do not).

Two ways of feeding the peers: "one buffer" (all bodies joined by newlines,
one call: the peer's best case) and "per ad" (one call per body, as Vigie
and the aho-corasick baselines run; includes Python's per-call overhead).
"""

import argparse
import importlib.metadata
import json
import sys
import time


def package_version(name):
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def load_bodies(corpus):
    bodies = []
    with open(corpus, "rb") as f:
        for line in f:
            line = line.strip()
            if line:
                bodies.append(json.loads(line)["body"].encode("utf-8"))
    return bodies


def best_of(reps, fn):
    best, result = float("inf"), None
    for _ in range(reps):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def hyperscan_runs(terms, bodies, joined, reps):
    import hyperscan

    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    exprs = [t.encode("utf-8") for t in terms]
    db.compile(
        expressions=exprs,
        ids=list(range(len(exprs))),
        elements=len(exprs),
        flags=hyperscan.HS_FLAG_CASELESS,
        literal=True,
    )
    count = [0]

    def on_match(_id, _start, _end, _flags, _ctx):
        count[0] += 1

    def one_buffer():
        count[0] = 0
        db.scan(joined, match_event_handler=on_match)
        return count[0]

    def per_ad():
        count[0] = 0
        for b in bodies:
            db.scan(b, match_event_handler=on_match)
        return count[0]

    version = package_version("hyperscan")
    return [
        (f"Hyperscan {version} (Python), caseless literals", "one buffer", *best_of(reps, one_buffer)),
        (f"Hyperscan {version} (Python), caseless literals", "per ad", *best_of(reps, per_ad)),
    ]


def yara_source(terms):
    def esc(t):
        return t.replace("\\", "\\\\").replace('"', '\\"')

    strings = "".join(f'    $t{i} = "{esc(t)}" nocase\n' for i, t in enumerate(terms))
    return f"rule termes {{\n  strings:\n{strings}  condition:\n    any of them\n}}\n"


def yara_runs(terms, bodies, joined, reps):
    import yara_x

    rules = yara_x.compile(yara_source(terms))
    scanner = yara_x.Scanner(rules)
    scanner.set_timeout(3600)

    def count(results):
        return sum(len(p.matches) for r in results.matching_rules for p in r.patterns)

    def one_buffer():
        return count(scanner.scan(joined))

    def per_ad():
        return sum(count(scanner.scan(b)) for b in bodies)

    name = f"YARA-X {package_version('yara-x')} (Python), nocase strings"
    return [
        (name, "one buffer", *best_of(reps, one_buffer)),
        (name, "per ad", *best_of(reps, per_ad)),
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vigie", required=True, help="JSON written by the scan bench (--json)")
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()

    with open(args.vigie) as f:
        vigie = json.load(f)
    corpus = vigie["corpus"]
    with open(f'{vigie["data_dir"]}/terms-1000.txt', encoding="utf-8") as f:
        terms = [t.rstrip("*") for t in f.read().splitlines() if t.strip()]
    bodies = load_bodies(corpus)
    joined = b"\n".join(bodies)
    n = sum(len(b) for b in bodies)

    rows = []  # (engine, how, mb_s, secs, hits)
    by_name = {r["name"]: r for r in vigie["rows"]}
    vigie_row = by_name.get("Matcher::scan lex1000 ÷ aho-corasick default")
    if vigie_row is None:
        sys.exit("the bench JSON has no matcher row: run the bench with the `match` section")
    vigie_secs = vigie_row["secs"]
    rows.append(("Vigie Matcher::scan (fold + automaton + boundaries)", "per ad", n / 1e6 / vigie_secs, vigie_secs, None))
    for name, label in [
        ("(baseline) aho-corasick default, 1,000 terms", "aho-corasick (Rust), default automaton"),
        ("(baseline) aho-corasick DFA, 1,000 terms", "aho-corasick (Rust), DFA"),
    ]:
        r = by_name.get(name)
        if r:
            rows.append((label, "per ad", n / 1e6 / r["secs"], r["secs"], None))

    for runner, pkg in [(hyperscan_runs, "hyperscan"), (yara_runs, "yara-x")]:
        try:
            for engine, how, secs, hits in runner(terms, bodies, joined, args.reps):
                rows.append((engine, how, n / 1e6 / secs, secs, hits))
        except ImportError:
            print(f"note: {pkg} is not installed; left out", file=sys.stderr)
        except Exception as e:  # a peer that fails must not hide the others
            print(f"note: {pkg} failed: {e}; left out", file=sys.stderr)

    print()
    print(f"Peers side by side — {vigie.get('machine', '')}")
    print(f"{len(bodies)} ad bodies ({n / 1e6:.1f} MB) of {corpus}; {len(terms)} terms; best of {args.reps}")
    print()
    head = ("engine", "input", "MB/s", "time", "Vigie ÷ this", "hits")
    cells = [
        (e, h, f"{mb:.0f}", f"{s:.3f} s", f"{s / vigie_secs:.2f}×", "" if hits is None else str(hits))
        for e, h, mb, s, hits in rows
    ]
    widths = [max(len(c[i]) for c in cells + [head]) for i in range(len(head))]
    fmt = lambda c: "  ".join(
        x.rjust(w) if i in (2, 3, 4) else x.ljust(w) for i, (x, w) in enumerate(zip(c, widths))
    ).rstrip()
    print(fmt(head))
    print("  ".join("-" * w for w in widths))
    for c in cells:
        print(fmt(c))
    print()
    print("Vigie ÷ this: this engine's time ÷ Vigie's (> 1: Vigie is faster).")
    print("MB/s are over the body bytes; \"one buffer\" adds one newline per ad.")


if __name__ == "__main__":
    main()
