vllm serve golden/golden-qwen2.5-1.5b -tp two
