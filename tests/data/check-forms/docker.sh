#!/bin/bash
# The vLLM OpenAI image: its entrypoint is `vllm serve`, so the model is positional.
docker run --runtime nvidia --gpus all \
    -v ~/.cache/huggingface:/root/.cache/huggingface \
    --env "HF_TOKEN=$HF_TOKEN" \
    -p 8000:8000 --ipc=host \
    vllm/vllm-openai:latest \
    --model golden/golden-qwen2.5-1.5b --max_model_len=16384 --gpu-memory-utilization 0.6
