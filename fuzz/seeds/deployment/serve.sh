vllm serve meta-llama/Llama-3.1-8B-Instruct --gpu-memory-utilization 0.85 --max-model-len 8192 -tp 2 --kv-cache-dtype fp8
