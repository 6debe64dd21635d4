#!/usr/bin/env python3
"""Where a libFuzzer run's new coverage lies: in Vigie or in a dependency.

    PCS=1 fuzz/campaign.sh 1 2400 text      # a run that prints its new PCs
    python3 fuzz/new_pcs.py fuzz/logs/text-*.log

`last_quarter.py` says how much coverage a run still adds; this says where.
A run made with `PCS=1` (campaign.sh passes `-print_pcs=1` and turns off
address randomisation with `setarch -R`, so that the printed addresses
are those of the binary loaded at the base below) prints a `NEW_PC:` line
for every program counter it reaches for the first time once the corpus
is replayed (`INITED`): what the run itself found. Each is symbolized with `llvm-symbolizer` and put down to the
crate of the innermost frame that is not the standard library (a std
iterator inlined into Vigie's code counts as Vigie's), then counted over
the whole run and over its last quarter of executions.

A target whose last quarter finds nothing in `vigie` but keeps finding
edges in, say, `regex_automata` or `phonenumber` is exploring those
crates' internals (a lazy DFA's cache states, a country's metadata
patterns), which are not the code under test. The states of a lexer that
logos generates into Vigie (one function per state of its DFA, thousands
for the ad tokenizer) are counted apart, as `vigie, logos lexer states`:
the fuzzer reaches them one rare byte sequence at a time, long after the
code written by hand has stopped growing.
"""
import collections
import json
import os
import re
import subprocess
import sys

# Where Linux maps a position-independent executable when address space
# randomisation is off (setarch -R), on x86-64.
PIE_BASE = 0x555555554000
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
EVENT = re.compile(r"^#(\d+)\s+(\w+)\s+cov: (\d+)")
NEW_PC = re.compile(r"NEW_PC: (0x[0-9a-f]+)")
GENERATED_STATE = re.compile(r"^(state\d+|_get_action)$")
REGISTRY = re.compile(r"/registry/src/[^/]+/([A-Za-z0-9_.-]+?)-\d+\.\d+[^/]*/")


def crate_of(frames):
    """The crate of the innermost frame outside the standard library."""
    for frame in frames:
        path = frame.get("FileName", "")
        # /rustc/...: the standard library; /rust/deps/...: the crates it
        # vendors (its hashbrown).
        if not path or path.startswith(("/rustc/", "/rust/deps/")):
            continue
        if path.startswith(os.path.join(REPO, "src") + "/"):
            # The states of a lexer that logos generates (`#[derive(Logos)]`
            # in src/text/tokens.rs, for one): one function per DFA state,
            # thousands of them, reached by ever rarer byte sequences.
            if GENERATED_STATE.match(frame.get("FunctionName", "")):
                return "vigie, logos lexer states", frame
            return "vigie", frame
        if path.startswith(os.path.join(REPO, "fuzz") + "/"):
            return "vigie-fuzz (the oracle)", frame
        m = REGISTRY.search(path)
        if m:
            return m.group(1), frame
        return "other: " + path, frame
    return "std", frames[0] if frames else {}


def symbolize(binary, pcs):
    text = "\n".join(hex(pc - PIE_BASE) for pc in pcs)
    out = subprocess.run(
        ["llvm-symbolizer", "--output-style=JSON", "--functions=short", "--obj=" + binary],
        input=text,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [json.loads(line).get("Symbol", []) for line in out.splitlines() if line.strip()]


def report(path):
    target = os.path.basename(path).split("-")[0]
    binary = os.path.join(HERE, "target/none/x86_64-unknown-linux-gnu/release", target)
    pending, found, inited, last_exec = [], [], None, 0
    with open(path, errors="replace") as f:
        for line in f:
            m = NEW_PC.search(line)
            if m:
                pending.append(int(m.group(1), 16))
                continue
            m = EVENT.match(line)
            if not m:
                continue
            last_exec = int(m.group(1))
            if m.group(2) == "INITED":
                inited = (last_exec, int(m.group(3)))
            elif inited is not None:
                found += [(last_exec, pc) for pc in pending]
            pending = []
    if inited is None:
        print(f"{path}: no INITED line")
        return
    if not found:
        print(f"{path}: no NEW_PC lines (none found, or not run with PCS=1)")
        return
    if min(pc for _, pc in found) < PIE_BASE:
        print(f"{path}: addresses below the PIE base: was the run made under setarch -R?")
        return
    quarter = inited[0] + (last_exec - inited[0]) * 3 // 4
    symbols = symbolize(binary, [pc for _, pc in found])
    whole, last = collections.Counter(), collections.Counter()
    functions = collections.Counter()
    for (execs, _), frames in zip(found, symbols):
        crate, frame = crate_of(frames)
        whole[crate] += 1
        if execs > quarter:
            last[crate] += 1
            functions[(crate, frame.get("FunctionName", "?"))] += 1
    print(f"{path}: cov {inited[1]} once the corpus was replayed, then {len(found)} new PCs in {last_exec - inited[0]} executions")
    print(f"  {'crate':<28} {'new PCs':>8} {'last quarter':>13}")
    for crate, n in whole.most_common():
        print(f"  {crate:<28} {n:>8} {last[crate]:>13}")
    if functions:
        print("  last quarter, by function:")
        for (crate, function), n in functions.most_common(15):
            print(f"  {n:>6}  {crate}: {function}")


for log in sys.argv[1:]:
    report(log)
