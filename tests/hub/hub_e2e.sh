#!/usr/bin/env bash
# End-to-end test of `--model ORG/NAME` against fake_hub.py on 127.0.0.1 (ctest hub_e2e):
# the first run fetches config.json, the index and the safetensors headers (and nothing beyond
# them), the second resolves offline from the cache with the same numbers; 401, 404, an
# unreachable endpoint and offline-with-nothing-cached end in one line and exit 2.
#
#   hub_e2e.sh VRAMPLAN SRC WORK
set -uo pipefail
vramplan=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
log="$work/requests.jsonl" port_file="$work/port"
python3 "$src/tests/hub/fake_hub.py" "$src/tests/data/hub" "$port_file" "$log" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$port_file" ] && break; sleep 0.05; done
[ -s "$port_file" ] || { echo "fake hub did not start"; exit 1; }
endpoint="http://127.0.0.1:$(cat "$port_file")"
cache="$work/cache"
failed=0 count=0
check() { # check NAME CONDITION-RESULT MESSAGE
  count=$((count + 1))
  if [ "$2" != 0 ]; then failed=$((failed + 1)); echo "FAIL $1: $3"; fi
}
# run NAME [VAR=VALUE...] -- ARGS: vramplan with a clean Hugging Face environment (and text not
# wrapped: the checks grep whole report lines).
run() {
  local name=$1; shift
  local -a vars=()
  while [ "$1" != "--" ]; do vars+=("$1"); shift; done; shift
  env -u HF_TOKEN -u HUGGING_FACE_HUB_TOKEN -u HF_HOME -u HUGGINGFACE_HUB_CACHE -u TRANSFORMERS_OFFLINE \
    HF_HUB_OFFLINE= HF_ENDPOINT="$endpoint" HF_HUB_CACHE="$cache" HF_TOKEN_PATH="$work/no-token" LC_ALL=C COLUMNS=1000 "${vars[@]}" \
    timeout 60 "$vramplan" "$@" >"$work/$name.out" 2>"$work/$name.err" </dev/null
  echo $? >"$work/$name.code"
}
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$work/$1.out" "$2"; }
expect_error() { # expect_error NAME REGEX: exit 2, nothing on stdout, one stderr line matching
  local code lines
  code=$(cat "$work/$1.code"); lines=$(awk 'END{print NR}' "$work/$1.err")
  [ "$code" = 2 ]; check "$1" $? "exit $code, want 2"
  [ ! -s "$work/$1.out" ]; check "$1" $? "stdout not empty"
  [ "$lines" = 1 ]; check "$1" $? "$lines lines on stderr, want 1: $(cat "$work/$1.err")"
  grep -Eq "$2" "$work/$1.err"; check "$1" $? "stderr '$(cat "$work/$1.err")' does not match '$2'"
}

plan=(plan --gpu a10 --gpu-memory-utilization 0.9 --max-model-len 4096 --format json)
sharded_commit=$(python3 -c "import hashlib; print(hashlib.sha1(b'acme/tiny-sharded').hexdigest())")

# 1. First run: fetched from the Hub.
run fetch -- "${plan[@]}" --model acme/tiny-sharded
check fetch "$([ "$(cat "$work/fetch.code")" -le 1 ]; echo $?)" "exit $(cat "$work/fetch.code"): $(cat "$work/fetch.err")"
check fetch "$([ "$(json fetch "d['model']['resolved_from']")" = hub ]; echo $?)" "model.resolved_from is not hub"
check fetch "$(json fetch "d['model']['source']" | grep -q "commit $sharded_commit"; echo $?)" "model.source does not name the commit"
# Exact weights from the two headers: 272,269,312 + 8,718,080 bytes.
check fetch "$(json fetch "[n for n in d['notes'] if 'checkpoint' in n]" | grep -q '2 safetensors headers (280,987,392 B)'; echo $?)" \
  "no note of the exact checkpoint size from 2 headers"
# Only config, index and headers were read: every shard request is a Range within 8 + header.
python3 - "$log" "$src/tests/data/hub/acme--tiny-sharded" <<'PY'
import json, os, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
bad = []
for r in reqs:
    name = r["path"].rsplit("/", 1)[-1]
    if name.endswith(".safetensors") and r["status"] in (200, 206):
        header = os.path.join(sys.argv[2], name + ".header.json")
        limit = 8 + len(open(header, "rb").read().rstrip(b"\n")) - 1 if os.path.exists(header) else 7
        if r["range"] is None or r["sent"][1] > limit:
            bad.append(r)
    if r["path"].startswith("/cdn/") and r["auth"]:
        bad.append(dict(r, why="token sent to another host"))
    if not any(r["path"].endswith(s) for s in ("config.json", "model.safetensors.index.json", ".safetensors")):
        bad.append(r)
if bad:
    print("unexpected requests:", *bad, sep="\n  ")
    sys.exit(1)
PY
check requests $? "a request read beyond a header, or asked for something else"
repo="$cache/models--acme--tiny-sharded"
check layout "$([ "$(cat "$repo/refs/main")" = "$sharded_commit" ]; echo $?)" "refs/main does not hold the commit"
check layout "$(readlink "$repo/snapshots/$sharded_commit/config.json" | grep -q '^\.\./\.\./blobs/'; echo $?)" "config.json is not a link into blobs/"
check layout "$([ -f "$repo/snapshots/$sharded_commit/.vramplan/model-00001-of-00002.safetensors.header.json" ]; echo $?)" "no header marker"

# 2. Second run, offline: from the cache, same numbers, no request.
requests_before=$(wc -l <"$log")
run offline HF_HUB_OFFLINE=1 -- "${plan[@]}" --model acme/tiny-sharded
check offline "$([ "$(json offline "d['model']['resolved_from']")" = hf_cache ]; echo $?)" "model.resolved_from is not hf_cache: $(cat "$work/offline.err")"
check offline "$([ "$(json offline "d['per_gpu']")" = "$(json fetch "d['per_gpu']")" ] && [ "$(json offline "d['kv_cache']")" = "$(json fetch "d['kv_cache']")" ]; echo $?)" \
  "the cached plan differs from the fetched one"
check offline "$([ "$(wc -l <"$log")" = "$requests_before" ]; echo $?)" "offline run made requests"
# By commit, and in text with --explain naming the source.
run by_commit HF_HUB_OFFLINE=1 -- plan --gpu a10 --model "acme/tiny-sharded@$sharded_commit" --explain
check by_commit "$(grep -q "^  model             acme/tiny-sharded@$sharded_commit from hf_cache: Hugging Face cache .*/snapshots/$sharded_commit" "$work/by_commit.out"; echo $?)" \
  "--explain does not name the cache snapshot: $(cat "$work/by_commit.err")"

# 3. A single-file model (the index is 404).
run single -- "${plan[@]}" --model acme/tiny-single
check single "$(json single "[n for n in d['notes'] if 'checkpoint' in n]" | grep -q '1 safetensors header (721,571,840 B)'; echo $?)" \
  "single-file checkpoint not exact: $(cat "$work/single.err")"
check single "$([ -f "$cache/models--acme--tiny-single/.no_exist/$(python3 -c "import hashlib; print(hashlib.sha1(b'acme/tiny-single').hexdigest())")/model.safetensors.index.json" ]; echo $?)" \
  "the 404 index is not recorded in .no_exist/"

# 4. Errors: one line, exit 2, nothing on stdout.
run gated -- "${plan[@]}" --model acme/gated
expect_error gated "^vramplan: error: --model acme/gated: access denied \(http://127\.0\.0\.1:[0-9]+ answered HTTP 401, no token\): the repository is gated or private; accept its license on the Hub and set HF_TOKEN or run \`huggingface-cli login\`$"
run gated_token HF_TOKEN=hf_fake_token -- "${plan[@]}" --model acme/gated
check gated_token "$([ "$(json gated_token "d['model']['resolved_from']")" = hub ]; echo $?)" "HF_TOKEN did not open the gated repo: $(cat "$work/gated_token.err")"
echo hf_fake_token >"$work/token-file"
rm -rf "$cache/models--acme--gated"
run gated_token_file HF_TOKEN_PATH="$work/token-file" -- "${plan[@]}" --model acme/gated
check gated_token_file "$([ "$(json gated_token_file "d['model']['resolved_from']")" = hub ]; echo $?)" "HF_TOKEN_PATH was not read: $(cat "$work/gated_token_file.err")"
run not_found -- "${plan[@]}" --model Qwen/Qwen2.5-1.5B-Instruc
expect_error not_found "^vramplan: error: --model: unknown Hugging Face model 'Qwen/Qwen2.5-1.5B-Instruc'; did you mean 'Qwen/Qwen2.5-1.5B-Instruct'\? \(http://127\.0\.0\.1:[0-9]+ answered HTTP 404: repository not found; a private one needs HF_TOKEN\)$"
run bad_revision -- "${plan[@]}" --model acme/tiny-single@v9
expect_error bad_revision "^vramplan: error: --model acme/tiny-single@v9: revision 'v9' not found \(http://127\.0\.0\.1:[0-9]+ answered HTTP 404\)$"
run offline_uncached HF_HUB_OFFLINE=1 -- "${plan[@]}" --model acme/never-fetched
expect_error offline_uncached "^vramplan: error: --model acme/never-fetched: not in the Hugging Face cache \(.*/cache\) and HF_HUB_OFFLINE is set; "
run unreachable HF_ENDPOINT=http://127.0.0.1:9 -- "${plan[@]}" --model acme/never-fetched
expect_error unreachable "^vramplan: error: --model: acme/never-fetched config.json: cannot reach http://127\.0\.0\.1:9/acme/never-fetched/resolve/main/config\.json \("
# A Hub that hangs (the fake waits 30 s): the run's --timeout deadline ends it in about 2 s.
start=$(date +%s)
run slow -- --timeout 2 "${plan[@]}" --model acme/slow
check slow_time "$([ $(($(date +%s) - start)) -lt 10 ]; echo $?)" "the 2 s deadline took $(($(date +%s) - start)) s"
expect_error slow "^vramplan: error: --model acme/slow: the Hugging Face Hub fetch did not finish within the run's 2 s deadline \(--timeout 2\) while fetching acme/slow config\.json; raise --timeout, or set HF_HUB_OFFLINE=1 to use only the local cache$"
check slow_cache "$([ ! -e "$cache/models--acme--slow" ]; echo $?)" "the timed-out fetch left a cache folder"
# A catalog id never goes to the network, even with an unreachable endpoint.
run catalog HF_ENDPOINT=http://127.0.0.1:9 -- "${plan[@]}" --model Qwen/Qwen2.5-1.5B-Instruct
check catalog "$([ "$(json catalog "d['model']['resolved_from']")" = catalog ]; echo $?)" "a catalog id did not resolve from the catalog: $(cat "$work/catalog.err")"

# 5. The shared cache (issue 16): parallel first fetches into one fresh cache all succeed and
# leave whole records; an out-of-range answer is refused and never cached; a damaged cached
# record is named offline and fetched again online.
pids=()
for i in 1 2 3 4 5 6; do
  run "parallel_$i" HF_HUB_CACHE="$work/cache-parallel" -- "${plan[@]}" --model acme/tiny-sharded &
  pids+=($!)
done
wait "${pids[@]}"   # not the fake hub
for i in 1 2 3 4 5 6; do
  check "parallel_$i" "$([ "$(cat "$work/parallel_$i.code")" -le 1 ]; echo $?)" "exit $(cat "$work/parallel_$i.code"): $(cat "$work/parallel_$i.err")"
  check "parallel_$i" "$([ "$(json "parallel_$i" "d['per_gpu']")" = "$(json fetch "d['per_gpu']")" ]; echo $?)" "a parallel fetch planned differently"
done
check parallel_lock "$([ -d "$work/cache-parallel/.locks/models--acme--tiny-sharded" ]; echo $?)" "no huggingface_hub lock directory"
check parallel_tmp "$([ -z "$(find "$work/cache-parallel" -name '.*.??????' -o -name '*.tmp')" ]; echo $?)" "temporary files left in the cache"
run huge_size -- "${plan[@]}" --model acme/huge-size
expect_error huge_size "^vramplan: error: --model: acme/huge-size model.safetensors: the Hub's answer is out of range: .*/file_size: expected a byte count up to 2\^50$"
check huge_size "$([ -z "$(find "$cache/models--acme--huge-size" -name '*.header.json' 2>/dev/null)" ]; echo $?)" "the out-of-range answer was cached"
marker="$repo/snapshots/$sharded_commit/.vramplan/model-00001-of-00002.safetensors.header.json"
good_marker=$(cat "$marker")
echo '{"file_size":1152921504606846976,"data_bytes":0}' >"$marker"
run damaged_offline HF_HUB_OFFLINE=1 -- "${plan[@]}" --model acme/tiny-sharded
expect_error damaged_offline "^vramplan: error: --model acme/tiny-sharded: a record in the Hugging Face cache is damaged: .*model-00001-of-00002\.safetensors\.header\.json: /file_size: expected a byte count up to 2\^50 \(delete it, or run once with network access to fetch it again\)$"
run damaged_online -- "${plan[@]}" --model acme/tiny-sharded
check damaged_online "$([ "$(json damaged_online "d['per_gpu']")" = "$(json fetch "d['per_gpu']")" ]; echo $?)" "the damaged record was not fetched again: $(cat "$work/damaged_online.err")"
check damaged_online "$([ "$(cat "$marker")" = "$good_marker" ]; echo $?)" "the marker was not rewritten"

# The token went to the Hub's host and never to the "CDN" it redirected to (another host name).
python3 - "$log" <<'PY'
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(0 if any(r["auth"] and r["host"].startswith("127.0.0.1:") for r in reqs)
         and not any(r["auth"] and r["path"].startswith("/cdn/") for r in reqs) else 1)
PY
check token_hosts $? "the token was not sent to the Hub, or was sent to the CDN host"

echo "$((count - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
