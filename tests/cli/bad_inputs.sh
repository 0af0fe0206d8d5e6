#!/usr/bin/env bash
# The bad-input catalogue (bad_inputs.txt): every hostile or malformed input must end in exit 2,
# exactly one line on stderr (the one the table gives), nothing on stdout and no file written,
# within a moment and a small amount of memory.
#
#   bad_inputs.sh VRAMPLAN SRC WORK [--sanitized]
#
# Runs from SRC. In each case @OUT@ is a file path in a fresh empty scratch directory and @DIR@
# that directory; the scratch directory must still be empty afterwards (no output, no .tmp).
# Unsanitized builds run under a 256 MiB address-space limit (ulimit -v; sanitizers reserve
# terabytes of address space, so they run without it); every case gets 10 seconds. Cases run with
# HF_HUB_OFFLINE=1 and HF_HUB_CACHE=@DIR@/hf-cache (empty): model resolution never leaves the machine.
# A case starting with HF_HUB_CACHE=DIR reads that cache instead (a fixture; it must stay unchanged).
# With UPDATE=1 the expected lines are rewritten from the actual ones (review the diff).
set -uo pipefail
vramplan=$1 src=$2 work=$3 sanitized=${4:-}
table="$src/tests/cli/bad_inputs.txt"
cd "$src" || exit 1
mkdir -p "$work"
export LC_ALL=C
failed=0 count=0 cmd="" name=""
updated=()

run_case() {
  local dir="$work/scratch"
  rm -rf "$dir" && mkdir -p "$dir"
  local line=${cmd//@OUT@/$dir/out}
  line=${line//@DIR@/$dir}
  local -a args env_vars=()
  eval "args=($line)"
  # A case may start with HF_HUB_CACHE=DIR (a prepared cache in tests/data) for the one it gets.
  while [ ${#args[@]} -gt 0 ] && [[ ${args[0]} == HF_HUB_CACHE=* ]]; do env_vars+=("${args[0]}"); args=("${args[@]:1}"); done
  local limit="ulimit -v 262144;"
  [ "$sanitized" = "--sanitized" ] && limit=""
  # Offline, with an empty Hugging Face cache inside the scratch directory (never created).
  ( eval "$limit"; export HF_HUB_OFFLINE=1 HF_HUB_CACHE="$dir/hf-cache"; unset HF_HOME HF_TOKEN HF_ENDPOINT
    [ ${#env_vars[@]} -gt 0 ] && export "${env_vars[@]}"
    exec timeout 10 "$vramplan" "${args[@]}" ) </dev/null >"$work/out" 2>"$work/err"
  local code=$?
  local problems=()
  [ "$code" -eq 2 ] || problems+=("exit $code, want 2")
  [ -s "$work/out" ] && problems+=("stdout not empty: $(head -c 200 "$work/out")")
  local lines
  lines=$(awk 'END{print NR}' "$work/err")
  [ "$lines" -eq 1 ] || problems+=("$lines lines on stderr, want 1")
  local got
  got=$(head -1 "$work/err")
  got=${got//$dir/@DIR@}
  if [ -n "${UPDATE:-}" ]; then
    updated+=("$ $cmd" "! $got")
  elif [ "$got" != "$want" ]; then
    problems+=("stderr differs"$'\n'"      want: $want"$'\n'"      got:  $got")
  fi
  [ -z "$(ls -A "$dir")" ] || problems+=("wrote files: $(ls -A "$dir" | tr '\n' ' ')")
  [ ! -e "$dir.tmp" ] || problems+=("left $dir.tmp behind")
  count=$((count + 1))
  if [ ${#problems[@]} -gt 0 ]; then
    failed=$((failed + 1))
    echo "FAIL $cmd"
    printf '    %s\n' "${problems[@]}"
  fi
}

want=""
while IFS= read -r row || [ -n "$row" ]; do
  case "$row" in
    '$ '*) cmd=${row#\$ } ;;
    '! '*) want=${row#! }; run_case ;;
    *) [ -n "${UPDATE:-}" ] && updated+=("$row") ;;
  esac
done < "$table"
if [ -n "${UPDATE:-}" ]; then
  printf '%s\n' "${updated[@]}" > "$table"
  echo "rewrote $table ($count cases)"
  exit 0
fi
echo "$((count - failed)) of $count bad inputs rejected as specified"
[ "$count" -ge 60 ] || { echo "the catalogue must hold at least 60 cases"; exit 1; }
[ "$failed" -eq 0 ]
