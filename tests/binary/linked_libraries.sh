#!/usr/bin/env bash
# ctest binary_linked_libraries: the vramplan binary names neither libcurl (opened at run time for
# the Hub only) nor libfmt (linked header-only) among the libraries it needs (readelf -d,
# DT_NEEDED); with VRAMPLAN_STATIC_RUNTIME (the release preset) it needs nothing beyond the C
# library: libc, libm and the dynamic loader.
#
#   linked_libraries.sh VRAMPLAN STATIC_RUNTIME(ON|OFF)
set -uo pipefail
vramplan=$1 static_runtime=$2
needed=$(LC_ALL=C readelf -d "$vramplan" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p') || { echo "readelf -d $vramplan failed"; exit 1; }
echo "DT_NEEDED of $vramplan:" $needed
[ -n "$needed" ] || { echo "FAIL: readelf found no DT_NEEDED entry (not a dynamic binary?)"; exit 1; }
failed=0
for lib in $needed; do
  case $lib in
    libcurl*|libfmt*) echo "FAIL: $lib is linked"; failed=1 ;;
  esac
  case $static_runtime in
    ON|on|1|TRUE|true|YES|yes)
      case $lib in
        libc.so.*|libm.so.*|ld-linux*.so.*) ;;
        *) echo "FAIL: $lib is linked; with VRAMPLAN_STATIC_RUNTIME only libc, libm and the loader may be"; failed=1 ;;
      esac ;;
  esac
done
exit $failed
