# QwenLM/Qwen3#16 (2024-02-06, vLLM ~0.3): GPTQ Qwen1.5-7B-Chat on one GPU.
CUDA_VISIBLE_DEVICES=7 python -m vllm.entrypoints.openai.api_server     --model qwen/Qwen1.5-7B-Chat-GPTQ-Int4     --served-model-name qwen/Qwen1.5-7B-Chat-GPTQ-Int4     --quantization gptq

# The same launch through `vllm serve`, with the short flag (written for this fixture):
CUDA_VISIBLE_DEVICES=7 vllm serve qwen/Qwen1.5-7B-Chat-GPTQ-Int4 -q gptq --served-model-name "qwen/Qwen1.5-7B-Chat-GPTQ-Int4"
