#!/usr/bin/env bash
# A generated file read by the program it is for: `zsh -n` on the zsh completion, `fish
# --no-execute` on the fish one, `groff -ww` on the man page (no warnings). generated_docs.sh
# checks these files equal `vramplan --generate`. Where the tool is not installed the test exits
# 77, which CTest reports as skipped ("did not run"), never as passed.
# Usage: generated_docs_syntax.sh zsh|fish|groff FILE
set -uo pipefail
tool=$1 file=$2
if ! command -v "$tool" > /dev/null; then
  echo "SKIPPED: $tool is not installed: $file not checked"
  exit 77
fi
[ -s "$file" ] || { echo "FAIL: $file is missing or empty (build the vramplan_docs target)"; exit 1; }
case $tool in
  zsh) output=$(zsh -n "$file" 2>&1) ;;
  fish) output=$(fish --no-execute "$file" 2>&1) ;;
  groff) output=$(groff -man -ww -z "$file" 2>&1); [ -z "$output" ] ;;
  *) echo "unknown tool '$tool'"; exit 2 ;;
esac
code=$?
if [ "$code" -ne 0 ]; then
  echo "FAIL: $tool on $file (exit $code):"
  echo "$output"
  exit 1
fi
echo "$tool: $file ok"
