#!/usr/bin/env bash
# A deployment under a directory whose name is not UTF-8 (Linux paths are bytes): `check --format
# json` must print valid JSON with the name's invalid byte replaced (U+FFFD), exit 0, and nothing
# on stderr; nlohmann's dump would otherwise throw type_error 316 (issue 16 item 5).
#
#   non_utf8_path.sh VRAMPLAN WORK
set -uo pipefail
vramplan=$1 work=$2
rm -rf "$work" && mkdir -p "$work"
dir="$work/$(printf 'bad\377name')"
mkdir -p "$dir"
printf 'vllm serve Qwen/Qwen2.5-1.5B-Instruct --max-model-len 4096\n' > "$dir/serve.sh"
"$vramplan" check --gpu a10 --format json "$dir" > "$work/out.json" 2> "$work/err.txt"
rc=$?
if [ "$rc" -ne 0 ] || [ -s "$work/err.txt" ]; then
  echo "FAIL: exit $rc, stderr: $(cat "$work/err.txt")"
  exit 1
fi
python3 - "$work/out.json" <<'PY' || exit 1
import json, sys
text = open(sys.argv[1], "rb").read().decode("utf-8")   # raises on invalid UTF-8
j = json.loads(text)
source = j["results"][0]["source"]
assert source.endswith("bad\ufffdname/serve.sh"), source
print("ok: valid JSON, source", ascii(source))
PY
