#!/bin/sh
# Builds the .deb from a configured and built release tree (cpack), installs it with apt-get,
# runs the installed /usr/bin/vramplan, checks the man page and completions landed, and removes the
# package again so the machine is left as it was. Usage: sh scripts/test-package.sh BUILD_DIR
set -eu
build=$(cd "${1:?usage: test-package.sh BUILD_DIR}" && pwd)
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

if dpkg -s vramplan >/dev/null 2>&1; then
  echo "test-package: a vramplan package is already installed; not replacing it" >&2
  exit 1
fi
rm -f "$build"/vramplan_*.deb
if ! (cd "$build" && cpack -G DEB >"$build/test-package-cpack.log" 2>&1); then
  cat "$build/test-package-cpack.log" >&2
  exit 1
fi
set -- "$build"/vramplan_*.deb
[ -f "$1" ] || { echo "test-package: cpack made no vramplan_*.deb in $build" >&2; exit 1; }
deb=$1
echo "test-package: $(basename "$deb")"
dpkg-deb -c "$deb" | awk '{print "  " $6}'

cleanup() { $SUDO apt-get remove -y -qq vramplan >/dev/null 2>&1 || true; }
trap cleanup EXIT
$SUDO apt-get install -y -qq "$deb" >/dev/null

fail=0
check() { if "$@" >/dev/null; then echo "  ok: $*"; else echo "  FAIL: $*" >&2; fail=1; fi; }
check /usr/bin/vramplan --version
check /usr/bin/vramplan plan
/usr/bin/vramplan --version
# Files dpkg was told to skip (path-exclude, as in slim container images) are not on disk.
for f in /usr/share/man/man1/vramplan.1 /usr/share/bash-completion/completions/vramplan \
         /usr/share/zsh/site-functions/_vramplan /usr/share/fish/vendor_completions.d/vramplan.fish; do
  if [ -f "$f" ]; then
    echo "  ok: $f"
  elif grep -qs "^path-exclude=$(dirname "$f" | cut -d/ -f1-4)" /etc/dpkg/dpkg.cfg.d/*; then
    echo "  skip: $f (excluded by dpkg path-exclude)"
  else
    echo "  FAIL: $f not installed" >&2; fail=1
  fi
done
if command -v man >/dev/null 2>&1 && [ -f /usr/share/man/man1/vramplan.1 ]; then
  check man -w vramplan
fi

cleanup
trap - EXIT
if dpkg -s vramplan >/dev/null 2>&1 || [ -e /usr/bin/vramplan ]; then
  echo "test-package: FAIL: vramplan still installed after apt-get remove" >&2; fail=1
fi
[ "$fail" -eq 0 ] && echo "test-package: ok"
exit "$fail"
