vllm serve Qwen/Qwen2.5-1.5B-Instruct --model Qwen/Qwen3-8B
