#!/usr/bin/env bash
# vLLM 0.19.0 validation sweep on H100 80GB (llm-d-incubation/llm-d-planner,
# accuracy/results/v0.19.0): launches written from each log's `non-default args`.
set -euo pipefail
export VLLM_LOGGING_LEVEL=DEBUG
LOG_DIR=/tmp/sweep

# fp8dyn-llama-3-3-70b--h100-80gb--tp2pp1dp1--8192
CUDA_VISIBLE_DEVICES=0,1 vllm serve RedHatAI/Llama-3.3-70B-Instruct-fp8-dynamic \
    --max-model-len 8192 -tp 2 \
    --gpu-memory-utilization 0.95 --no-enable-prefix-caching > "$LOG_DIR/tp2.log" 2>&1

# meta-llama-llama-3-1-8b---h100-80gb--tp1pp2dp1--8192
vllm serve meta-llama/Llama-3.1-8B-Instruct --max_model_len=8192 -pp 2 --gpu_memory_utilization=0.95 --no-enable-prefix-caching 2>&1 | tee "$LOG_DIR/pp2.log"

# meta-llama---h100-80gb--tp1pp1dp1--8192-dtbf16-kvfp8
timeout 1800 vllm serve meta-llama/Llama-3.1-8B-Instruct --dtype bfloat16 --kv-cache-dtype fp8 \
    --max-model-len 8192 --gpu-memory-utilization 0.95 --no-enable-prefix-caching || echo "failed: kvfp8" >&2

# moonshotai-kimi-dev-72b--h100-80gb--tp4pp1dp1--8192
unset VLLM_LOGGING_LEVEL
nohup vllm serve moonshotai/Kimi-Dev-72B --trust-remote-code --max-model-len 8192 \
    --tensor-parallel-size=4 --gpu-memory-utilization 0.95 --no-enable-prefix-caching &
