#!/usr/bin/env bash
# A fuzzing campaign in rounds, to see whether coverage has plateaued:
#
#   fuzz/campaign.sh ROUNDS SECONDS [TARGET...]
#   fuzz/campaign.sh 4 300                    # every target, 4 x 300 s
#   fuzz/campaign.sh 2 600 records text
#
# Each round runs every target for SECONDS (one after the other, one core,
# with the binaries already built: BUILD=0 fuzz/run.sh), resuming from the
# corpus the previous round left. After each run one line is appended to
# fuzz/campaign.tsv (git-ignored):
#
#   time  target  round  seconds  execs  cov_start  cov_end  ft_end  corpus
#
# `cov_start` is the coverage libFuzzer reports once it has replayed the
# corpus (INITED), `cov_end` the last it reports; a round that adds little
# over the one before says the target has stopped finding new coverage
# quickly. The full logs are in fuzz/logs/ (git-ignored). A crash stops
# that target's run (libFuzzer's own behaviour) and is listed as
# `CRASH <artifact>` in the table; the campaign goes on with the others.
#
# With PCS=1 each run also prints the program counters it reaches for the
# first time (`-print_pcs=1`), with address randomisation off (`setarch
# -R`), so that `python3 fuzz/new_pcs.py LOG` can say in which crate the
# new coverage lies.
set -uo pipefail

rounds=${1:?usage: fuzz/campaign.sh ROUNDS SECONDS [TARGET...]}
seconds=${2:?usage: fuzz/campaign.sh ROUNDS SECONDS [TARGET...]}
shift 2
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(text records parse_check parse_mutate lsp)

here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
mkdir -p fuzz/logs
table=fuzz/campaign.tsv
[ -f "$table" ] || printf 'time\ttarget\tround\tseconds\texecs\tcov_start\tcov_end\tft_end\tcorpus\n' > "$table"

wrap=() extra=()
if [ "${PCS:-0}" = 1 ]; then
    wrap=(setarch -R) extra=(-print_pcs=1)
fi

for round in $(seq 1 "$rounds"); do
    for t in "${targets[@]}"; do
        log="fuzz/logs/$t-$(date +%Y%m%d-%H%M%S).log"
        BUILD=0 "${wrap[@]}" bash fuzz/run.sh "$t" "$seconds" "${extra[@]}" > "$log" 2>&1
        status=$?
        # libFuzzer's status lines: "#1234 INITED cov: 15200 ft: ... corp: 2000/18Mb"
        inited=$(grep -m1 -o 'INITED cov: [0-9]*' "$log" | grep -o '[0-9]*$')
        last=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*' "$log" | tail -1)
        cov=$(echo "$last" | awk '{print $2}')
        ft=$(echo "$last" | awk '{print $4}')
        corp=$(echo "$last" | awk '{print $6}')
        execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$')
        note=
        if [ "$status" -ne 0 ]; then
            note="CRASH $(grep -o 'fuzz/artifacts/[^ ]*' "$log" | tail -1)"
        fi
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date +%H:%M)" "$t" "$round" \
            "$seconds" "${execs:-?}" "${inited:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$note" >> "$table"
    done
done
column -t -s $'\t' "$table"
