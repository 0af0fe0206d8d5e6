#!/usr/bin/env bash
# vllm-openai container launches: docker options as vLLM's "Using Docker" page writes them,
# vLLM arguments from each record's `non-default args`.

# dennislee22/vLLM-benchmarking: Qwen2-7B-Instruct on 2x A100 40GB, vLLM 0.10.1.1.
docker run --runtime nvidia --gpus all \
    -v ~/.cache/huggingface:/root/.cache/huggingface \
    --env "HUGGING_FACE_HUB_TOKEN=$HF_TOKEN" \
    -e CUDA_VISIBLE_DEVICES=0,1 \
    -p 8081:8081 --ipc=host \
    vllm/vllm-openai:v0.10.1.1 \
    --model Qwen2-7B-Instruct --port 8081 --max-model-len 16384 --tensor-parallel-size 2 --gpu-memory-utilization 0.5

# kagaho/VLLM_Serve_llama3-70b-awq_on_L40S_with_Tensor_Parallelism_2: the model given positionally.
sudo docker run -d --rm --name llama3-70b-awq --gpus '"device=0,1"' --shm-size=16g -v /data/models:/models \
    vllm/vllm-openai:latest /models/llama3-70b-awq --api-server-count 1 --port 8002 -tp 2
