#!/bin/sh
# nightly batch job
CUDA_VISIBLE_DEVICES=0 vllm serve meta-llama/Llama-3.1-8B-Instruct \
    --gpu-memory-utilization=0.95 \
    --max-model-len 8192 \
    -tp 1 --enforce-eager
