#!/bin/sh
# vllm-project/vllm#2136: one launch compared on vLLM 0.2.3, 0.2.4 and 0.2.5.
# The issue elides part of the command with "..."; that part is left out here.
python -O -u -m vllm.entrypoints.openai.api_server --model=TheBloke/CodeLlama-13B-Instruct-fp16 --max-model-len=16384 --max-num-seqs=16 --tensor-parallel-size=2 --swap-space=8 --gpu-memory-utilization=0.95 --disable-log-requests
