#!/usr/bin/env bash
# ctest hub_without_libcurl: where libcurl cannot be opened, a model that must come from the Hub
# ends in one exact line (exit 2, nothing on stdout), and everything else still works.
# VRAMPLAN_LIBCURL names the library to open instead of libcurl.so.4: a name that does not exist
# (no libcurl installed), then libc.so.6 (a library without libcurl's functions).
#
#   hub_without_libcurl.sh VRAMPLAN WORK
set -uo pipefail
vramplan=$1 work=$2
rm -rf "$work" && mkdir -p "$work"
failed=0
missing=libvramplan-test-no-such-libcurl.so.4
# run NAME LIBCURL ARGS...: vramplan with an empty cache, online, against a port nothing serves
# (never contacted: libcurl is not there to contact it).
run() {
  local name=$1 libcurl=$2; shift 2
  env -u HF_TOKEN -u HUGGING_FACE_HUB_TOKEN -u HF_HOME -u HUGGINGFACE_HUB_CACHE -u TRANSFORMERS_OFFLINE \
    HF_HUB_OFFLINE= HF_ENDPOINT=http://127.0.0.1:9 HF_HUB_CACHE="$work/cache" HF_TOKEN_PATH="$work/no-token" \
    VRAMPLAN_LIBCURL="$libcurl" LC_ALL=C timeout 60 "$vramplan" "$@" >"$work/$name.out" 2>"$work/$name.err" </dev/null
  echo $? >"$work/$name.code"
}
fail() { echo "FAIL $1: $2"; failed=1; }
expect_error() { # expect_error NAME LINE: exit 2, no stdout, exactly LINE on stderr
  [ "$(cat "$work/$1.code")" = 2 ] || fail "$1" "exit $(cat "$work/$1.code"), want 2"
  [ ! -s "$work/$1.out" ] || fail "$1" "stdout not empty"
  [ "$(cat "$work/$1.err")" = "$2" ] || fail "$1" "stderr:
  got:  $(cat "$work/$1.err")
  want: $2"
}
expect_plan() { # expect_plan NAME: exit 0, the plan on stdout, nothing on stderr
  [ "$(cat "$work/$1.code")" = 0 ] || fail "$1" "exit $(cat "$work/$1.code"), want 0: $(cat "$work/$1.err")"
  grep -q 'KV cache' "$work/$1.out" || fail "$1" "no plan on stdout"
  [ ! -s "$work/$1.err" ] || fail "$1" "stderr: $(cat "$work/$1.err")"
}

run absent "$missing" plan --gpu a10 --model acme/tiny
expect_error absent "vramplan: error: --model: acme/tiny: fetching from the Hugging Face Hub needs libcurl ($missing, Debian package libcurl4); install it, or give a local model directory"
run revision "$missing" plan --gpu a10 --model acme/tiny@v1
expect_error revision "vramplan: error: --model: acme/tiny@v1: fetching from the Hugging Face Hub needs libcurl ($missing, Debian package libcurl4); install it, or give a local model directory"
run not_curl libc.so.6 plan --gpu a10 --model acme/tiny
expect_error not_curl "vramplan: error: --model: acme/tiny: fetching from the Hugging Face Hub needs libcurl, and libc.so.6 has no curl_global_init; install libcurl4 (libcurl.so.4), or give a local model directory"
# Everything that does not fetch works without libcurl.
run default "$missing" plan
expect_plan default
run catalog_model "$missing" plan --gpu l4 --model Qwen/Qwen3-8B --max-model-len 8192
expect_plan catalog_model
[ -z "$(ls -A "$work/cache" 2>/dev/null)" ] || fail cache "something was written to the Hugging Face cache: $(ls -A "$work/cache")"
[ "$failed" = 0 ] && echo "ok: 5 runs"
exit $failed
