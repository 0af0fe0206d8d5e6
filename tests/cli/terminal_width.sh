#!/usr/bin/env bash
# The terminal width from ioctl(TIOCGWINSZ) on a real terminal: the binary runs on a pseudo-terminal
# (util-linux `script`) sized with stty. The terminal's width wins over $COLUMNS, --width over both;
# --help and text fit the terminal. Skipped (77) where `script` is not installed.
# Usage: terminal_width.sh VRAMPLAN SOURCE_DIR
set -euo pipefail
exe=$1 src=$2
command -v script > /dev/null || { echo "script (util-linux) not installed: skipped"; exit 77; }
cd "$src"
failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

# on_terminal COLUMNS_OF_THE_TERMINAL ARGS...: stdout of vramplan on a terminal that wide, with
# COLUMNS=50 exported (a stale value the terminal's own width must win over), '\r' dropped.
on_terminal() {
  local cols=$1; shift
  local cmd
  printf -v cmd '%q ' "$exe" "$@"
  COLUMNS=50 script -qec "stty cols $cols rows 40; $cmd" /dev/null < /dev/null | tr -d '\r'
}
# Lines wider than $1 columns, but for what may not be broken: one word longer than the room (after
# its indentation) and an option's list of names in --help.
too_wide() { awk -v width="$1" 'length($0) > width && $0 !~ /^ *[^ ]+$/ && $0 !~ /^  -[^ ]+( [A-Z:{},a-z.]+)?$/'; }

compare=(--profiles tests/data/profiles compare --gpu golden-a10 --model golden-qwen2.5-1.5b
         --gpu-memory-utilization 0.3,0.5,0.7,0.9 --max-model-len 2048 --vllm-version 0.19.0)
# 120 columns: the four scenarios in one block (the issue: three blocks when only $COLUMNS was read).
blocks=$(on_terminal 120 "${compare[@]}" | grep -c '^utilization' || true)
[ "$blocks" = 1 ] || fail "compare on a 120-column terminal: $blocks blocks, want 1"
# 60 columns: one block per compared scenario.
blocks=$(on_terminal 60 "${compare[@]}" | grep -c '^utilization' || true)
[ "$blocks" = 3 ] || fail "compare on a 60-column terminal: $blocks blocks, want 3"
# --width wins over the terminal.
blocks=$(on_terminal 60 "${compare[@]}" --width 200 | grep -c '^utilization' || true)
[ "$blocks" = 1 ] || fail "compare --width 200 on a 60-column terminal: $blocks blocks, want 1"

# --help and a plan fit a 60-column terminal (LC_ALL=C.UTF-8: awk counts '…' as one column).
for args in "plan --help" "--help" "check --help" "--profiles tests/data/profiles plan --gpu golden-a10 --model golden-qwen2.5-1.5b"; do
  # shellcheck disable=SC2086
  wide=$(on_terminal 60 $args | LC_ALL=C.UTF-8 too_wide 60)
  [ -z "$wide" ] || fail "vramplan $args on a 60-column terminal: lines wider than 60 columns:"$'\n'"$wide"
done

echo "$failed failures"
[ "$failed" -eq 0 ]
