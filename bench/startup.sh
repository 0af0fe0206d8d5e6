#!/bin/sh
# Start-up cost of the vramplan binary, as a user feels it: `vramplan plan` (the default scenario),
# `vramplan --version` and `vramplan --help`, each against spawning /bin/true, measured with
# hyperfine (Debian package hyperfine; scripts/deps.sh installs it). Prints each command's median
# and minimum and their ratios to /bin/true's (the median: a busy machine's outliers move the mean
# most), beside the targets of issue 13 (plan within 3 times
# /bin/true, --version and --help within 2 times). Never part of ctest: speed is not asserted.
#
#   sh bench/startup.sh [VRAMPLAN [HYPERFINE OPTIONS...]]
# VRAMPLAN defaults to build/vramplan, the options to --warmup 100 --min-runs 500; e.g.
#   sh bench/startup.sh build/vramplan --warmup 200 --runs 2000
set -eu
vramplan=${1:-build/vramplan}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- --warmup 100 --min-runs 500
[ -x "$vramplan" ] || { echo "startup.sh: $vramplan is not an executable (build it first: cmake --build --preset release)" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "startup.sh: needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "startup.sh: needs python3" >&2; exit 2; }
json=$(mktemp)
trap 'rm -f "$json"' EXIT
# -N: no shell between hyperfine and the command (its spawn would dwarf the 1 ms measured).
# Outputs go to /dev/null, as hyperfine's default.
hyperfine -N --export-json "$json" "$@" \
  -n /bin/true /bin/true \
  -n "vramplan --version" "$vramplan --version" \
  -n "vramplan --help" "$vramplan --help" \
  -n "vramplan plan" "$vramplan plan" >&2
python3 - "$json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
base = results["/bin/true"]
targets = {"vramplan --version": 2, "vramplan --help": 2, "vramplan plan": 3}
print(f"{'command':<20} {'median':>9} {'min':>9} {'median/true':>12} {'min/true':>9} {'target':>7}")
for name, r in results.items():
    median, low = r["median"] * 1e3, r["min"] * 1e3
    ratio, ratio_min = r["median"] / base["median"], r["min"] / base["min"]
    target = targets.get(name)
    verdict = "" if target is None else f"{'<=' if ratio <= target else '>'} {target}x"
    print(f"{name:<20} {median:>6.2f} ms {low:>6.2f} ms {ratio:>11.2f}x {ratio_min:>8.2f}x {verdict:>7}")
PY
