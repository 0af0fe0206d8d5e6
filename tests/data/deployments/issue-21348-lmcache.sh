#!/usr/bin/env bash
# Qwen3-235B-A22B-FP8 on 4x H100 with LMCache (vllm-project/vllm#21348).
CUDA_VISIBLE_DEVICES=0,1,2,3 vllm serve /path/to/Qwen3-235B-A22B-FP8 --tensor-parallel-size 4 --kv-transfer-config '{"kv_connector":"LMCacheConnectorV1","kv_role":"kv_both"}'
