#!/usr/bin/env bash
# The man page and the bash/zsh/fish completions cannot drift from the flags: regenerate them
# (`vramplan --generate …`), check they equal the build's copies, and check that every option of
# every subcommand, as CLI11's own --help lists them, is in each file (the man page with its help
# text). Then bash -n (zsh, fish and groff are generated_docs_syntax.sh's tests), the version line
# against project(), and real bash completions.
# Usage: generated_docs.sh VRAMPLAN BUILD_SHARE_DIR PROJECT_VERSION WORK_DIR
set -euo pipefail
exe=$1 share=$2 version=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

for pair in man:vramplan.1 bash:vramplan.bash zsh:_vramplan fish:vramplan.fish; do
  kind=${pair%%:*} file=${pair#*:}
  "$exe" --generate "$kind" > "$work/$file" || fail "vramplan --generate $kind exited $?"
  cmp -s "$work/$file" "$share/$file" || fail "$share/$file differs from vramplan --generate $kind (rebuild)"
done

# The man page as text: roff escapes undone (\- \e \& \fB…, \[uXXXX]).
perl -CS -pe 's/\\\[u([0-9A-F]{4,6})\]/chr(hex($1))/ge; s/\\f[BIRP]//g; s/\\-/-/g; s/\\&//g; s/\\e/\\/g' \
  "$work/vramplan.1" > "$work/man.txt"

# --help at 80 columns: "  -g,--gpu TEXT   help" (help from column 30, or on the next line when
# the names are longer), wrapped at word boundaries with continuation lines at column 30. Prints
# "NAMES<TAB>HELP" per option, the help's lines joined again.
options_of() {
  COLUMNS=80 "$exe" "$@" --help | awk '
    /^  -/ { if (names != "") print names "\t" help
             names = $1; help = (length($0) > 30 && substr($0, 29, 2) == "  ") ? substr($0, 31) : ""; next }
    names != "" && /^                              [^ ]/ { help = help (help == "" ? "" : " ") substr($0, 31); next }
    { if (names != "") print names "\t" help; names = "" }
    END { if (names != "") print names "\t" help }'
}
# The subcommands: from "Subcommands:" to the next heading (Examples:).
commands=$(COLUMNS=80 "$exe" --help | awk '/^Subcommands:/ { on = 1; next } on && /^[^ ]/ { on = 0 } on && /^  [a-z]/ { print $1 }')
[ -n "$commands" ] || fail "no subcommands in vramplan --help"
checked=0
for cmd in "" $commands; do
  where=${cmd:-global}
  while IFS=$'\t' read -r names help; do
    IFS=, read -ra list <<< "$names"
    for name in "${list[@]}"; do
      checked=$((checked + 1))
      grep -qF -- "$name" "$work/man.txt" || fail "$where $name: not in the man page"
      grep -qE -- "(^|[ '{,|(])$name([ '}=,|)]|$)" "$work/vramplan.bash" || fail "$where $name: not in the bash completion"
      grep -qE -- "(^|[ '{,(])$name([ '}=,\[]|$)" "$work/_vramplan" || fail "$where $name: not in the zsh completion"
      if [[ $name == --* ]]; then
        grep -qE -- " -l ${name#--}( |$)" "$work/vramplan.fish" || fail "$where $name: not in the fish completion"
      elif [ ${#name} -gt 2 ]; then   # vLLM's -tp: an old-style option in fish
        grep -qE -- " -o ${name#-}( |$)" "$work/vramplan.fish" || fail "$where $name: not in the fish completion"
      else
        grep -qE -- " -s ${name#-}( |$)" "$work/vramplan.fish" || fail "$where $name: not in the fish completion"
      fi
    done
    [ -z "$help" ] || grep -qF -- "$help" "$work/man.txt" || fail "$where ${list[0]}: help text '$help' not in the man page"
  done < <(options_of $cmd)
  if [ -n "$cmd" ]; then
    grep -qF "vramplan $cmd [OPTIONS]" "$work/man.txt" || fail "command $cmd: no section in the man page"
    for f in vramplan.bash _vramplan vramplan.fish; do
      grep -qw -- "$cmd" "$work/$f" || fail "command $cmd: not in $f"
    done
  fi
done
[ "$checked" -gt 50 ] || fail "only $checked option names found in --help (parser broken?)"

# --help's and the man page's sections; vLLM's short flags in plan --help.
for cmd in "" $commands; do
  help=$(COLUMNS=80 "$exe" $cmd --help)
  grep -q '^Exit status:$' <<< "$help" || fail "vramplan $cmd --help: no Exit status section"
  grep -q '^Examples:$' <<< "$help" || fail "vramplan $cmd --help: no Examples section"
done
for section in EXAMPLES "EXIT STATUS"; do
  grep -q "^\.SH $section\$" "$work/vramplan.1" || fail "man page: no $section section"
done
plan_help=$(COLUMNS=80 "$exe" plan --help)
for flag in -tp,--tensor-parallel-size -pp,--pipeline-parallel-size; do
  grep -q -- "^  $flag," <<< "$plan_help" || fail "plan --help does not list $flag"
done
# Every example in the man page runs (in a scratch directory): it plans (exit 0 or 1), or it names
# a file of the reader's (exit 2, "no such file") and its flags parsed.
mkdir -p "$work/examples"
while read -r example; do
  read -ra words <<< "$example"
  code=0
  (cd "$work/examples" && "$exe" "${words[@]:1}" > out 2> err) || code=$?
  if [ "$code" -gt 1 ] && ! grep -q "no such file" "$work/examples/err"; then
    fail "example '$example' exited $code: $(cat "$work/examples/err")"
  fi
  checked_examples=$((${checked_examples:-0} + 1))
done < <(grep '^vramplan ' <(sed -n '/^\.SH EXAMPLES/,/^\.SH /p' "$work/man.txt"))
[ "${checked_examples:-0}" -ge 10 ] || fail "only ${checked_examples:-0} examples found in the man page"

# zsh -n, fish --no-execute and groff's warnings are tests of their own (generated_docs_syntax.sh),
# reported as skipped where the tool is not installed.
bash -n "$work/vramplan.bash" || fail "bash -n vramplan.bash"

# --version: the tool version is project()'s, plus the newest vLLM modelled and the schema.
"$exe" --version | grep -qE "^vramplan $version \(models vLLM up to [0-9]+\.[0-9]+\.[0-9]+, JSON schema [0-9]+\)$" ||
  fail "vramplan --version ($("$exe" --version)) does not start with project()'s version $version"

# Real bash completions: the script sourced, _vramplan called as readline would.
complete_bash() {
  PATH="$(dirname "$exe"):$PATH" bash -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _vramplan; echo "${COMPREPLY[*]}"' _ "$work/vramplan.bash" "$@"
}
expect() {
  local want=$1; shift
  local got; got=$(complete_bash "$@")
  [[ "$got" == $want ]] || fail "bash completion of '$*': got '$got', want '$want'"
}
expect "plan" vramplan pl
expect "--gpu-memory --gpu-memory-utilization" vramplan plan --gpu-m
expect "a10 a100-*" vramplan plan --gpu a1
expect "a10 a100-*" vramplan plan --gpu = a1
expect "a10,l4*" vramplan compare --gpu a10,l4
expect "qwen2.5-1.5b-instruct*" vramplan plan --model qwen2.5-1.5b-i
expect "balanced" vramplan recommend --preset bal
expect "text json" vramplan plan --format ''
expect "gpu model preset" vramplan show ''
expect "--explain" vramplan --profiles /tmp plan --expl
expect "-tp" vramplan plan -t
expect "--format" vramplan plan --explain --enforce-eager --form
got=$(complete_bash vramplan plan --gpu a1)
for id in $got; do
  [[ $id == a1* ]] || fail "bash completion of 'vramplan plan --gpu a1' offers '$id'"
  "$exe" --generate gpus | grep -qx -- "$id" || fail "bash completion offers '$id', not a GPU id"
done

echo "$checked option names checked; $failed failures"
[ "$failed" -eq 0 ]
