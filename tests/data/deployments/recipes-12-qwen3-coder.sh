#!/usr/bin/env bash
# vllm-project/recipes#12: Qwen3-Coder-480B-A35B-Instruct-FP8, DP8 + expert parallel.
# First attempt (refused: 48.66 GiB of KV cache for a 62.00 GiB request), kept commented out:
# vllm serve /tmp/model/Qwen3-Coder-480B-A35B-Instruct-FP8 --served-model-name Qwen3-Coder-480B-A35B-FP8 -dp=8  --enable-expert-parallel --enable-auto-tool-choice --tool-call-parser qwen3_coder
# Second attempt, giving vLLM more of the GPU:
vllm serve /tmp/model/Qwen3-Coder-480B-A35B-Instruct-FP8 --served-model-name Qwen3-Coder-480B-A35B-FP8 -dp=8  --enable-expert-parallel --enable-auto-tool-choice --tool-call-parser qwen3_coder --gpu-memory-utilization 0.95
