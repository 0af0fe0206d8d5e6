#!/bin/sh
# Builds the packages from a configured and built release tree (cpack: the .deb and the .tar.gz)
# and tests both, leaving the machine as it was. Usage: sh scripts/test-package.sh BUILD_DIR
#  - the .deb: its Depends (dpkg-shlibdeps) name only libc6 when the binary was linked with
#    VRAMPLAN_STATIC_RUNTIME (the release preset), never libcurl or libfmt; installed with
#    apt-get, /usr/bin/vramplan runs, the man page and completions land, then it is removed;
#  - the .tar.gz: holds exactly the binary, the man page and the completions; its binary runs
#    `plan` in a minimal root (chroot) that holds only itself and the libraries `ldd` names — no
#    libcurl, libfmt, libstdc++ or -dev package — and a Hub model there ends in the one-line
#    "needs libcurl" error.
set -eu
build=$(cd "${1:?usage: test-package.sh BUILD_DIR}" && pwd)
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

if dpkg -s vramplan >/dev/null 2>&1; then
  echo "test-package: a vramplan package is already installed; not replacing it" >&2
  exit 1
fi
static_runtime=$(sed -n 's/^VRAMPLAN_STATIC_RUNTIME:BOOL=//p' "$build/CMakeCache.txt")
rm -f "$build"/vramplan_*.deb "$build"/vramplan-*.tar.gz
if ! (cd "$build" && cpack -G "DEB;TGZ" >"$build/test-package-cpack.log" 2>&1); then
  cat "$build/test-package-cpack.log" >&2
  exit 1
fi
one() { # one PATTERN...: the only file matching, else exit
  [ $# -eq 1 ] && [ -f "$1" ] || { echo "test-package: cpack made no single $1" >&2; exit 1; }
  echo "$1"
}
deb=$(one "$build"/vramplan_*.deb)
tgz=$(one "$build"/vramplan-*.tar.gz)
work=$(mktemp -d)
cleanup() {
  $SUDO apt-get remove -y -qq vramplan >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

fail=0
check() { if "$@" >/dev/null; then echo "  ok: $*"; else echo "  FAIL: $*" >&2; fail=1; fi; }
bad() { echo "  FAIL: $*" >&2; fail=1; }

# 1. The .deb.
echo "test-package: $(basename "$deb")"
dpkg-deb -c "$deb" | awk '{print "  " $6}'
depends=$(dpkg-deb -f "$deb" Depends)
echo "  Depends: $depends"
case "$depends" in *libcurl*|*libfmt*) bad "Depends names libcurl or libfmt" ;; esac
if [ "$static_runtime" = ON ]; then
  case "$depends" in
    "libc6 (>= "*")") [ "${depends#*,}" = "$depends" ] || bad "Depends names more than libc6 (VRAMPLAN_STATIC_RUNTIME is ON)" ;;
    *) bad "Depends is not libc6 alone (VRAMPLAN_STATIC_RUNTIME is ON)" ;;
  esac
fi
$SUDO apt-get install -y -qq "$deb" >/dev/null
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
    bad "$f not installed"
  fi
done
if command -v man >/dev/null 2>&1 && [ -f /usr/share/man/man1/vramplan.1 ]; then
  check man -w vramplan
fi
$SUDO apt-get remove -y -qq vramplan >/dev/null 2>&1 || true
if dpkg -s vramplan >/dev/null 2>&1 || [ -e /usr/bin/vramplan ]; then
  bad "vramplan still installed after apt-get remove"
fi

# 2. The .tar.gz: exactly these files under one top directory named as the archive.
top=$(basename "$tgz" .tar.gz)
echo "test-package: $(basename "$tgz")"
tar tzf "$tgz" | grep -v '/$' | sort >"$work/files"
sed 's/^/  /' "$work/files"
printf '%s\n' bin/vramplan share/man/man1/vramplan.1 share/bash-completion/completions/vramplan \
  share/zsh/site-functions/_vramplan share/fish/vendor_completions.d/vramplan.fish | sed "s|^|$top/|" | sort >"$work/want"
cmp -s "$work/files" "$work/want" || bad "the archive does not hold exactly: $(tr '\n' ' ' <"$work/want")"
tar xzf "$tgz" -C "$work"
binary=$work/$top/bin/vramplan
check "$binary" --version

# A root holding the binary and the libraries ldd names (and the loader), nothing else.
root=$work/root
mkdir -p "$root"
cp "$binary" "$root/vramplan"
ldd "$binary" >"$work/ldd" || { cat "$work/ldd" >&2; bad "ldd $binary failed"; }
echo "  ldd:"; sed 's/ (0x[0-9a-f]*)$//; s/^[[:space:]]*/    /' "$work/ldd"
for lib in $(awk '{for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i}' "$work/ldd"); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
  if [ "$static_runtime" = ON ]; then
    case $(basename "$lib") in
      libc.so.*|libm.so.*|ld-linux*.so.*) ;;
      *) bad "ldd names $lib (VRAMPLAN_STATIC_RUNTIME is ON: only libc, libm and the loader)" ;;
    esac
  fi
done
absent_libs="libcurl* libfmt*"
[ "$static_runtime" = ON ] && absent_libs="$absent_libs libstdc++* libgcc_s*"
set -f  # the patterns are find's, not the shell's
for absent in $absent_libs; do
  [ -z "$(find "$root" -name "$absent")" ] || bad "the minimal root holds $absent"
done
set +f
chroot=$(command -v chroot || echo /usr/sbin/chroot)
in_root() { # in_root NAME ARGS...: the binary run in the root, with an empty environment
  name=$1; shift
  $SUDO env -i LC_ALL=C HOME=/ "$chroot" "$root" /vramplan "$@" >"$work/$name.out" 2>"$work/$name.err"
  echo $? >"$work/$name.code"
}
set +e
in_root plan plan
in_root hub plan --model acme/tiny
set -e
if [ "$(cat "$work/plan.code")" = 0 ] && grep -q 'KV cache' "$work/plan.out" && [ ! -s "$work/plan.err" ]; then
  echo "  ok: chroot ROOT /vramplan plan ($(find "$root" -type f | wc -l) files in the root)"
else
  bad "chroot ROOT /vramplan plan: exit $(cat "$work/plan.code"): $(cat "$work/plan.err")"
fi
want_hub="vramplan: error: --model: acme/tiny: fetching from the Hugging Face Hub needs libcurl (libcurl.so.4, Debian package libcurl4); install it, or give a local model directory"
if [ "$(cat "$work/hub.code")" = 2 ] && [ "$(cat "$work/hub.err")" = "$want_hub" ] && [ ! -s "$work/hub.out" ]; then
  echo "  ok: chroot ROOT /vramplan plan --model acme/tiny: the one-line libcurl error"
else
  bad "chroot ROOT /vramplan plan --model acme/tiny: exit $(cat "$work/hub.code"), stderr: $(cat "$work/hub.err")"
fi

cleanup
trap - EXIT
[ "$fail" -eq 0 ] && echo "test-package: ok"
exit "$fail"
