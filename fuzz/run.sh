#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each for a given time.
#
#   fuzz/run.sh [-t SECONDS] [-j JOBS] [-B BUILD_DIR] [--no-build] [--keep] [TARGET...]
#
#   -t SECONDS   time per target (default 60)
#   -j JOBS      targets run at once (default: the number of cores)
#   -B DIR       build directory (default build-fuzz); the corpus grows in DIR/corpus/TARGET
#                across runs, crashes land in DIR/artifacts/TARGET, logs in DIR/logs
#   --no-build   use the binaries already in DIR
#   --keep       copy every crashing input into fuzz/regressions/TARGET/, where ctest replays it
#   TARGET       default: all (fuzz/corpora.txt lists them and their seeds)
#
# Each run is bounded: -timeout=5 s per input, -rss_limit_mb=1024, -malloc_limit_mb=256 (no
# input may make vramplan allocate more), -max_len=65536. Prints a table of executions and
# findings; exits 1 when any target found something.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=60
jobs=$(nproc 2>/dev/null || echo 2)
build="$root/build-fuzz"
do_build=1
keep=0
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    -t) seconds=$2; shift 2 ;;
    -j) jobs=$2; shift 2 ;;
    -B) build=$(realpath -m "$2"); shift 2 ;;
    --no-build) do_build=0; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz/run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
all=$(awk '/^[a-z_]+ /{print $1}' "$root/fuzz/corpora.txt")
if [ ${#targets[@]} -eq 0 ]; then
  read -r -a targets <<< "$(echo $all)"
fi
for t in "${targets[@]}"; do
  if ! grep -qx "$t" <<< "$all"; then
    echo "fuzz/run.sh: unknown target '$t' (known: $(echo $all))" >&2
    exit 2
  fi
done

if [ $do_build -eq 1 ]; then
  cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVRAMPLAN_BUILD_FUZZERS=ON \
    -DVRAMPLAN_BUILD_TESTS=OFF -DVRAMPLAN_BUILD_BENCH=OFF >/dev/null
  cmake --build "$build" -j "$jobs" --target $(printf 'fuzz_%s ' "${targets[@]}") >/dev/null
fi

run_one() {
  local t=$1
  local seeds="$build/seeds/$t" corpus="$build/corpus/$t" artifacts="$build/artifacts/$t"
  rm -rf "$seeds"
  mkdir -p "$seeds" "$corpus" "$artifacts" "$build/logs"
  # Seeds: every file under the paths corpora.txt names, plus the regressions.
  local n=0 p f
  for p in $(awk -v t="$t" '$1 == t { for (i = 2; i <= NF; i++) print $i }' "$root/fuzz/corpora.txt") "fuzz/regressions/$t"; do
    [ -e "$root/$p" ] || continue
    while IFS= read -r -d '' f; do
      n=$((n + 1))
      cp "$f" "$seeds/$n-$(basename "$f")"
    done < <(find "$root/$p" -type f -print0)
  done
  local dict=()
  case "$t" in size|vllm_log|deployment|safetensors) ;; *) dict=(-dict="$root/fuzz/json.dict") ;; esac
  "$build/fuzz/fuzz_$t" "$corpus" "$seeds" "${dict[@]}" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=1024 \
    -malloc_limit_mb=256 -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/" >"$build/logs/$t.log" 2>&1 || true
}
export -f run_one
export build root seconds

echo "fuzzing ${#targets[@]} targets for ${seconds}s each, $jobs at a time (logs: $build/logs)" >&2
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one {}'

found=0
printf '%-18s %8s %14s %10s %8s %s\n' target seconds executions exec/s corpus findings
for t in "${targets[@]}"; do
  log="$build/logs/$t.log"
  execs=$(awk '/stat::number_of_executed_units:/{print $2}' "$log" | tail -1)
  secs=$(awk '/stat::average_exec_per_sec:/{e=$2} END{print e}' "$log")
  corpus=$(find "$build/corpus/$t" -type f | wc -l)
  crashes=$(find "$build/artifacts/$t" -type f | wc -l)
  printf '%-18s %8s %14s %10s %8s %s\n' "$t" "$seconds" "${execs:-?}" "${secs:-?}" "$corpus" "$crashes"
  if [ "$crashes" -gt 0 ]; then
    found=1
    find "$build/artifacts/$t" -type f | sed 's/^/    /' >&2
    if [ $keep -eq 1 ]; then
      mkdir -p "$root/fuzz/regressions/$t"
      cp "$build/artifacts/$t"/* "$root/fuzz/regressions/$t/"
    fi
  fi
  if [ -z "$execs" ]; then
    found=1
    echo "    $t: no final stats; see $log" >&2
    tail -5 "$log" | sed 's/^/    /' >&2
  fi
done
exit $found
