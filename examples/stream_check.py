#!/usr/bin/env python3
"""The measuring and comparing half of examples/stream_check.sh (issue 5).

Python 3 standard library only. Given a generated corpus and its truth file
(examples/gen_corpus), it

1. runs `vigie scan PACK ADS --all --format jsonl` with --threads 1 and 2,
   measuring wall time and peak RSS (os.wait4 on the child), then scans the
   first N/4 and N/2 ads (--threads 2) for peak RSS only;
2. checks that the two full verdict files are byte-identical;
3. compares the verdicts with the truth. A planted event is judged on the
   ads where its own ads alone already reach the threshold of the stream
   rule it plants (a tour's third city, a repost's fifth ad in 24 h, a
   template's third phone): each such ad is *found* when that rule fired
   on it. Fully = all of them found, partly = some, missed = none. How many
   of those ads are also flagged (the pack's score reaches its threshold)
   is shown beside. Events none of whose ads can reach the threshold (cut
   by the end of the corpus) are counted apart. A look-alike is *flagged*
   when one of its ads is flagged with a stream rule among its rules.

Exit status 0 when every check passes (identical verdicts, no planted
event missed, no look-alike flagged), 1 otherwise; an event found partly
(its rule fired on some of its due ads) is found, and shown as such.
"""

import argparse
import bisect
import json
import os
import re
import subprocess
import sys
import time
from collections import defaultdict

DAY = 86400
HOUR = 3600

# What each planted kind must trigger: (rule, how its own ads reach it).
EXPECTED_RULE = {
    "tour": "tournee",  # distinct(ad.city, by: ad.phone, within: 14d) >= 3
    "repost_phone": "republication",  # count(by: ad.phone, within: 24h) >= 5
    "repost_text": "republication",  # count(by: empreinte, within: 24h) >= 5
    "template": "gabarit",  # distinct(ad.phone, by: empreinte, within: 7d) >= 3
}


def parse_time(s):
    # RFC 3339 UTC as the generator writes it: 2026-03-01T08:05:00Z
    y, mo, d = int(s[0:4]), int(s[5:7]), int(s[8:10])
    h, mi, se = int(s[11:13]), int(s[14:16]), int(s[17:19])
    # days from civil (Howard Hinnant)
    y2 = y - (mo <= 2)
    era = (y2 if y2 >= 0 else y2 - 399) // 400
    yoe = y2 - era * 400
    doy = (153 * (mo + (-3 if mo > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days = era * 146097 + doe - 719468
    return days * DAY + h * HOUR + mi * 60 + se


def line_id(line):
    """The id of a JSON line that starts with it (as the generator and
    `vigie scan` write them), without parsing the whole line."""
    if line.startswith('{"id":"'):
        end = line.find('"', 7)
        if end > 0 and "\\" not in line[7:end]:
            return line[7:end]
    return json.loads(line)["id"]


def phone_key(p):
    return re.sub(r"\D", "", p or "")[-9:]


def reaching(kind, ads):
    """Indices of the event's ads (in stream order) at which the event's own
    ads reach the stream rule's threshold."""
    out = []
    for i, a in enumerate(ads):
        if kind == "tour":
            cities = {b["city"] for b in ads[: i + 1] if a["t"] - b["t"] <= 14 * DAY}
            if len(cities) >= 3:
                out.append(i)
        elif kind in ("repost_phone", "repost_text"):
            n = sum(1 for b in ads[: i + 1] if a["t"] - b["t"] <= DAY)
            if n >= 5:
                out.append(i)
        elif kind == "template":
            phones = {b["phone"] for b in ads[: i + 1] if a["t"] - b["t"] <= 7 * DAY}
            if len(phones) >= 3:
                out.append(i)
    return out


def run_measured(cmd, out_path):
    """Runs cmd with stdout to out_path; returns (wall seconds, peak RSS in
    MB, exit status, stderr's last line)."""
    with open(out_path, "wb") as out:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
        err = p.stderr.read()
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
    last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    return wall, ru.ru_maxrss / 1024.0, p.returncode, last[0]


def stream_rules(pack):
    """Names of the pack's rules whose condition uses count( or distinct(."""
    names = set()
    files = [pack] if os.path.isfile(pack) else [
        os.path.join(pack, f) for f in sorted(os.listdir(pack)) if f.endswith(".vigie")
    ]
    for f in files:
        text = open(f, encoding="utf-8").read()
        for m in re.finditer(r"(?m)^rule\s+(\w+)\s*\{(.*?)^\}", text, re.S):
            if re.search(r"\b(count|distinct)\s*\(", m.group(2)):
                names.add(m.group(1))
    return names


def prefix(src, dst, n):
    with open(src, "rb") as f, open(dst, "wb") as g:
        for i, line in enumerate(f):
            if i >= n:
                break
            g.write(line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigie", required=True)
    ap.add_argument("--pack", required=True)
    ap.add_argument("--ads", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--verdicts", help="compare these verdicts (vigie scan --all --format "
                    "jsonl) with the truth, without scanning")
    a = ap.parse_args()

    size = os.path.getsize(a.ads)
    with open(a.ads, "rb") as f:
        n_ads = sum(1 for _ in f)

    # 1. Scans (before this process holds anything large).
    runs = {}
    partial = {}
    for threads in (1, 2) if not a.verdicts else ():
        out = os.path.join(a.dir, f"verdicts-t{threads}.jsonl")
        cmd = [a.vigie, "scan", a.pack, a.ads, "--all", "--format", "jsonl",
               "--threads", str(threads), "--color", "never"]
        print(f"== scan --threads {threads}: {' '.join(cmd)}", file=sys.stderr)
        wall, rss, rc, last = run_measured(cmd, out)
        print(f"   {wall:.1f} s, {rss:.0f} MB, status {rc}: {last}", file=sys.stderr)
        runs[threads] = (wall, rss, rc, last, out)
    for part in (4, 2) if not a.verdicts else ():
        n = n_ads // part
        src = os.path.join(a.dir, f"first-{n}.jsonl")
        prefix(a.ads, src, n)
        cmd = [a.vigie, "scan", a.pack, src, "--format", "jsonl", "--threads", "2",
               "--color", "never"]
        print(f"== scan the first {n} ads (--threads 2)", file=sys.stderr)
        wall, rss, rc, last = run_measured(cmd, os.devnull)
        print(f"   {wall:.1f} s, {rss:.0f} MB, status {rc}: {last}", file=sys.stderr)
        partial[n] = (wall, rss, rc)
        os.remove(src)

    ok = True
    for threads, (_, _, rc, _, _) in runs.items():
        if rc != 0:
            print(f"FAIL: scan --threads {threads} exited with status {rc}")
            ok = False

    # 2. 1 vs 2 threads.
    same = a.verdicts or subprocess.run(["cmp", "-s", runs[1][4], runs[2][4]]).returncode == 0
    verdicts = a.verdicts or runs[2][4]
    if not same:
        ok = False

    # 3. Verdicts against the truth.
    srules = stream_rules(a.pack)
    events = []
    planted = {}
    suspects = set()
    with open(a.truth, encoding="utf-8") as f:
        for line in f:
            e = json.loads(line)
            if e["kind"] == "suspect":
                suspects.update(e["ids"])
                continue
            events.append(e)
            for i in e["ids"]:
                planted[i] = None
    with open(a.ads, encoding="utf-8") as f:
        for pos, line in enumerate(f):
            i = line_id(line)
            if i in planted:
                r = json.loads(line)
                planted[i] = {"pos": pos, "t": parse_time(r["posted_at"]),
                              "city": r.get("city"), "phone": phone_key(r.get("phone"))}
    verdict = {}
    ordinary_flagged = ordinary_stream = 0
    with open(verdicts, encoding="utf-8") as f:
        for line in f:
            i = line_id(line)
            if i in planted:
                v = json.loads(line)
                verdict[i] = (v["flagged"], {r["rule"] for r in v["rules"]})
            elif i not in suspects and '"flagged":true' in line:
                v = json.loads(line)
                ordinary_flagged += 1
                if {r["rule"] for r in v["rules"]} & srules:
                    ordinary_stream += 1

    table = defaultdict(lambda: defaultdict(int))
    details = defaultdict(list)
    for e in events:
        kind = e["kind"]
        row = table[kind]
        row["events"] += 1
        row["cut"] += 0 if e["complete"] else 1
        ads = sorted((dict(planted[i], id=i) for i in e["ids"]), key=lambda x: x["pos"])
        if e["expect"] == "no_flag":
            flagged = [x["id"] for x in ads
                       if verdict[x["id"]][0] and verdict[x["id"]][1] & srules]
            fired = [x["id"] for x in ads if verdict[x["id"]][1] & srules]
            row["stream rule fired"] += 1 if fired else 0
            if flagged:
                row["flagged"] += 1
                details[kind].append((e, flagged))
            continue
        rule = EXPECTED_RULE[kind]
        due = reaching(kind, ads)
        if not due:
            row["unreachable"] += 1
            continue
        row["due ads"] += len(due)
        found = [ads[k]["id"] for k in due if rule in verdict[ads[k]["id"]][1]]
        flagged = [i for i in found if verdict[i][0]]
        row["found ads"] += len(found)
        row["flagged ads"] += len(flagged)
        if len(found) == len(due):
            row["fully"] += 1
        elif found:
            row["partly"] += 1
            details[kind].append((e, [ads[k]["id"] for k in due if ads[k]["id"] not in found]))
        else:
            row["missed"] += 1
            details[kind].append((e, [ads[k]["id"] for k in due]))

    # The table.
    print()
    print(f"corpus: {a.ads}: {n_ads} ads, {size / 1e6:.1f} MB; pack {a.pack}; "
          f"stream rules: {', '.join(sorted(srules))}")
    print()
    print(f"{'kind':<18} {'events':>6} {'cut':>4} {'n/a':>4} {'fully':>6} {'partly':>6} "
          f"{'missed':>6} {'ads found/due':>14} {'flagged':>8} {'look-alikes: fired':>19} {'flagged':>8}")
    order = ["tour", "repost_phone", "repost_text", "template",
             "lookalike_artisan", "lookalike_dealer"]
    for kind in order + sorted(set(table) - set(order)):
        if kind not in table:
            continue
        r = table[kind]
        if kind.startswith("lookalike"):
            print(f"{kind:<18} {r['events']:>6} {r['cut']:>4} {'':>4} {'':>6} {'':>6} {'':>6} "
                  f"{'':>14} {'':>8} {r['stream rule fired']:>19} {r['flagged']:>8}")
            if r["flagged"]:
                ok = False
        else:
            print(f"{kind:<18} {r['events']:>6} {r['cut']:>4} {r['unreachable']:>4} "
                  f"{r['fully']:>6} {r['partly']:>6} {r['missed']:>6} "
                  f"{r['found ads']:>7}/{r['due ads']:<6} {r['flagged ads']:>8}")
            if r["missed"]:
                ok = False
    print()
    print("events: planted events of the kind; cut: cut by the end of the corpus; n/a: its own")
    print("ads never reach the rule's threshold (cut early). An event is found fully, partly or")
    print("missed by the stream rule it plants (tour: tournee; repost_*: republication;")
    print("template: gabarit) on the ads where its own ads reach that rule's threshold")
    print("(ads found/due); flagged: how many of those ads the pack also flags (score >=")
    print("threshold). Look-alikes: events where a stream rule fired on one of their ads,")
    print("and events with an ad flagged with a stream rule among its rules.")
    print()
    n_ordinary = n_ads - len(planted) - len(suspects)
    print(f"ordinary ads (neither planted nor suspicious): {n_ordinary}; flagged: "
          f"{ordinary_flagged}, of which with a stream rule among their rules: {ordinary_stream}")
    print()
    mb = size / 1e6
    for threads in runs:
        wall, rss, rc, last, _ = runs[threads]
        print(f"--threads {threads}: {wall:7.1f} s  {mb / wall:6.2f} MB/s  peak RSS {rss:7.0f} MB  ({last})")
    for n, (wall, rss, rc) in sorted(partial.items()):
        print(f"first {n:>8} ads (--threads 2): {wall:7.1f} s  peak RSS {rss:7.0f} MB")
    for n, (_, rss, _) in sorted(partial.items()):
        print(f"peak RSS, {n_ads} ads / {n} ads: {runs[2][1] / rss:.2f}x")
    if runs:
        print(f"verdicts --threads 1 vs --threads 2: {'identical' if same else 'DIFFERENT'}")
    for kind, items in details.items():
        for e, ids in items[:5]:
            print(f"  {kind} event {e['event']} ({e['key']}, {', '.join(e['cities'])}): "
                  f"{'flagged' if kind.startswith('lookalike') else 'not found'}: {' '.join(ids[:8])}")
        if len(items) > 5:
            print(f"  {kind}: {len(items) - 5} more")
    print("RESULT:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
