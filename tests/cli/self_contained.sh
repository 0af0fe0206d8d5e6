#!/usr/bin/env bash
# No test, script, build file or documented command reads outside the repository: a user's clone
# has no ../shared beside it. (CI also runs the whole test command in a fresh clone with nothing
# beside it: .ci/run.) Fails naming every line that points outside.
set -u
src=${1:?usage: self_contained.sh SOURCE_DIR}
cd "$src" || exit 2
hits=$(git ls-files -z -- tests scripts fuzz cmake bench tools .ci docs CMakeLists.txt CMakePresets.json README.md ARCHITECTURE.md \
  ':!docs/reference/*' ':!tests/cli/self_contained.sh' 2>/dev/null |
  xargs -0 grep -n -I -e '\.\./shared' -e 'VRAMPLAN_REFERENCE_DIR' 2>/dev/null)
if [ -n "$hits" ]; then
  echo "FAIL: these lines read outside the repository:"
  echo "$hits"
  echo "0 passed, 1 failed"
  exit 1
fi
echo "self-contained: no test, script, build file or documented command reads ../shared"
echo "1 passed, 0 failed"
