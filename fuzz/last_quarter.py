#!/usr/bin/env python3
"""How much coverage the last quarter of a libFuzzer run added.

    python3 fuzz/last_quarter.py fuzz/logs/records-*.log

For each log: the executions, the coverage (`cov:`) once the corpus was
replayed (INITED), at three quarters of the executions and at the end.
A run whose last quarter adds nothing (or next to nothing) has stopped
finding new coverage quickly: the plateau docs/fuzzing.md asks for.
"""
import re
import sys

LINE = re.compile(r"^#(\d+)\s+(\w+)\s+cov: (\d+)")

for path in sys.argv[1:]:
    points = []  # (execs, event, cov)
    with open(path, errors="replace") as f:
        for line in f:
            m = LINE.match(line)
            if m:
                points.append((int(m.group(1)), m.group(2), int(m.group(3))))
    inited = next((p for p in points if p[1] == "INITED"), None)
    if not points or inited is None:
        print(f"{path}: no INITED line")
        continue
    total = points[-1][0]
    quarter = inited[0] + (total - inited[0]) * 3 // 4
    at_q = max((p[2] for p in points if p[0] <= quarter), default=inited[2])
    end = max(p[2] for p in points)
    print(
        f"{path}: execs {total}, cov {inited[2]} -> {at_q} (3/4) -> {end} (end); "
        f"last quarter +{end - at_q} ({100 * (end - at_q) / end:.2f} %)"
    )
