# datawhalechina/self-llm MiniCPM5-1B tutorial (vLLM 0.23.0, RTX 4090 D 24G).
vllm serve /models/OpenBMB/MiniCPM5-1B \
--max-model-len 4096 \
--gpu-memory-utilization 0.6 \
--trust-remote-code
