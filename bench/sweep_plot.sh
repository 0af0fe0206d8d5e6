#!/bin/sh
# `vramplan sweep --plot` against the number of points, measured with hyperfine (issue 16 item 4:
# the SVG renderer was quadratic). Each size N is 16 utilizations (0.2:0.95:0.05) times N/16
# max-model-len values; the table goes to /dev/null (CSV), the plot to a temporary file. Prints
# hyperfine's summary per size, then the median wall time and the mean user CPU time per point
# (user time: a busy machine inflates wall time); a linear renderer keeps that per-point
# time flat as N grows. Never part of ctest: speed is not asserted.
#
#   sh bench/sweep_plot.sh [VRAMPLAN [SIZES...]]
# VRAMPLAN defaults to build/vramplan, SIZES to 1600 16000 160000.
set -eu
vramplan=${1:-build/vramplan}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- 1600 16000 160000
[ -x "$vramplan" ] || { echo "sweep_plot.sh: $vramplan is not an executable (build it first)" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "sweep_plot.sh: needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for n in "$@"; do
  lens=$(awk -v n="$n" 'BEGIN { for (i = 1; i <= n / 16; i++) printf "%s%d", (i > 1 ? "," : ""), 1024 + i; }')
  printf '%s' "$lens" >"$dir/lens-$n"
  hyperfine -N --runs 3 --export-json "$dir/$n.json" -n "sweep --plot, $n points" \
    "$vramplan sweep --gpu a10 --gpu-memory-utilization 0.2:0.95:0.05 --max-model-len $lens --format csv --plot $dir/plot.svg" >&2
  python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; n=int(sys.argv[2]); u=r['user']; print(f'{n:>8} points: median {r[\"median\"]:.3f} s wall, {u:.3f} s user; {u/n*1e6:.2f} us user per point')" "$dir/$n.json" "$n"
done
