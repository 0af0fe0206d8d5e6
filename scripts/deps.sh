#!/bin/sh
# Installs what vramplan needs to build and test (and hyperfine, for bench/startup.sh), on
# Debian/Ubuntu, only when it is missing.
set -eu
pkgs="cmake g++ make libcli11-dev nlohmann-json3-dev libfmt-dev catch2 libcurl4-openssl-dev python3 chromium locales dpkg-dev zsh fish groff-base hyperfine"
missing=""
for p in $pkgs; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
if [ -n "$missing" ]; then
  echo "installing:$missing" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
# The locale test runs vramplan under de_DE.UTF-8 (decimal comma) and expects identical output.
if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-*8$'; then
  echo "generating the de_DE.UTF-8 locale" >&2
  $SUDO localedef -i de_DE -f UTF-8 de_DE.UTF-8
fi
