#!/usr/bin/env bash
# A safetensors header at the format's 100 MB limit (MAX_HEADER_SIZE = 100,000,000 bytes,
# safetensors/src/tensor.rs:10), generated here rather than committed: 1.3 million one-byte
# tensors in about 92 MB of header. vramplan scans it without a JSON DOM (issue 16 item 4), so
#  - the legal file plans under a 2 GB address-space limit (ulimit -v 2000000), exit 0;
#  - the same header with one gap in the last tensor's range is refused: exit 2, one line.
#
#   safetensors_bound.sh VRAMPLAN SRC WORK
set -uo pipefail
vramplan=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work/good" "$work/gap"
cp "$src/tests/data/bad/st-short/config.json" "$work/good/config.json"
cp "$src/tests/data/bad/st-short/config.json" "$work/gap/config.json"
python3 - "$work" <<'PY' || exit 1
import struct, sys
work = sys.argv[1]
n = 1_300_000
def write(path, last_begin):
    parts = []
    for i in range(n):
        b = last_begin if i == n - 1 else i
        parts.append('"t%07d":{"dtype":"U8","shape":[1],"data_offsets":[%d,%d]}' % (i, b, b + 1))
    h = ("{" + ",".join(parts) + "}").encode()
    assert 90_000_000 < len(h) <= 100_000_000, len(h)
    end = last_begin + 1
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"\0" * end)
write(work + "/good/model.safetensors", n - 1)
write(work + "/gap/model.safetensors", n)  # bytes [n-1, n) belong to no tensor
PY
failed=0
( ulimit -v 2000000; exec timeout 60 "$vramplan" plan --model "$work/good" --gpu h100-sxm ) >"$work/out" 2>"$work/err"
code=$?
if [ "$code" -ne 0 ] || ! grep -q "1,300,000 B" "$work/out"; then
  echo "FAIL legal 92 MB header: exit $code (want 0 and a 1,300,000-byte checkpoint)"; head -5 "$work/err" "$work/out"; failed=1
fi
( ulimit -v 2000000; exec timeout 60 "$vramplan" plan --model "$work/gap" --gpu h100-sxm ) >"$work/out" 2>"$work/err"
code=$?
want="vramplan: error: $work/gap/model.safetensors: safetensors header: /t1299999/data_offsets: [1300000, 1300001] leaves a gap: bytes [1299999, 1300000) belong to no tensor (after /t1299998)"
if [ "$code" -ne 2 ] || [ "$(cat "$work/err")" != "$want" ] || [ -s "$work/out" ]; then
  echo "FAIL 92 MB header with a gap: exit $code (want 2)"; echo "  want: $want"; echo "  got:  $(head -c 400 "$work/err")"; failed=1
fi
rm -rf "$work"
[ "$failed" -eq 0 ] && echo "ok: a 92 MB header plans under ulimit -v 2000000; a gap in it is one line, exit 2"
exit "$failed"
