CUDA_VISIBLE_DEVICES=0,1 python -m vllm.entrypoints.openai.api_server --model Qwen/Qwen3-8B --max_num_seqs=64 \
  --block-size 32 --kv-cache-memory-bytes 8GiB
