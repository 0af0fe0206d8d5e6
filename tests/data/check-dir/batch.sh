#!/bin/sh
# nightly batch job
CUDA_VISIBLE_DEVICES=0 vllm serve golden/golden-llama-3.1-8b \
    --gpu-memory-utilization=0.95 \
    --max-model-len 32768 \
    -tp 1 --enforce-eager
