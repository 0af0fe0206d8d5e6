#!/bin/sh
# Installs what vramplan needs to build and test, on Debian/Ubuntu, only when it is missing.
set -eu
pkgs="cmake g++ make libcli11-dev nlohmann-json3-dev libfmt-dev catch2 chromium"
missing=""
for p in $pkgs; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing" >&2
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
