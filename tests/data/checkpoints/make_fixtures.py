#!/usr/bin/env python3
"""Writes the checkpoint fixtures of tests/data/checkpoints (see README.md). Run from this directory.

Every .safetensors file is written here byte by byte (8-byte little-endian header length, the JSON
header, then zero bytes for the data), so each one breaks exactly one rule of safetensors'
validation (huggingface/safetensors safetensors/src/tensor.rs, read_metadata and Metadata::validate).
"""
import json
import os
import shutil
import struct

CONFIG = "../bad/st-short/config.json"  # Qwen2.5-0.5B-Instruct's config.json, as the other bad fixtures


def st(path, header, data_bytes):
    h = header if isinstance(header, str) else json.dumps(header, separators=(",", ":"))
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h.encode() + b"\0" * data_bytes)


def model_dir(name):
    shutil.rmtree(name, ignore_errors=True)
    os.makedirs(name)
    shutil.copy(CONFIG, os.path.join(name, "config.json"))
    return name


def u8(n, begin=0):
    return {"dtype": "U8", "shape": [n], "data_offsets": [begin, begin + n]}


# One file, one broken rule each.
st(os.path.join(model_dir("st-unknown-dtype"), "model.safetensors"), {"w": {"dtype": "F33", "shape": [4], "data_offsets": [0, 16]}}, 16)
st(os.path.join(model_dir("st-shape-mismatch"), "model.safetensors"), {"w": {"dtype": "F32", "shape": [5], "data_offsets": [0, 16]}}, 16)
st(os.path.join(model_dir("st-negative-dim"), "model.safetensors"), '{"w":{"dtype":"F32","shape":[-1,4],"data_offsets":[0,16]}}', 16)
st(os.path.join(model_dir("st-overlap"), "model.safetensors"), {"a": u8(16), "b": u8(16, 8)}, 24)
st(os.path.join(model_dir("st-gap"), "model.safetensors"), {"a": u8(8), "b": u8(8, 16)}, 24)
# The "one 1 KiB file claiming any size": a 1 GiB tensor in a 1 KiB file.
st(os.path.join(model_dir("st-claims-1gib"), "model.safetensors"), {"w": {"dtype": "BF16", "shape": [536870912], "data_offsets": [0, 1073741824]}}, 1024 - 8 - 70)
st(os.path.join(model_dir("st-trailing-bytes"), "model.safetensors"), {"w": u8(10)}, 100)
st(os.path.join(model_dir("st-metadata-not-string"), "model.safetensors"), {"__metadata__": {"format": 1}, "w": u8(4)}, 4)

# A half-downloaded folder: the index names four shards, one is there.
d = model_dir("partial-download")
with open(os.path.join(d, "model.safetensors.index.json"), "w") as f:
    json.dump({"metadata": {"total_size": 64},
               "weight_map": {f"t{i}": f"model-0000{i}-of-00004.safetensors" for i in range(1, 5)}}, f, indent=1)
st(os.path.join(d, "model-00001-of-00004.safetensors"), {"t1": u8(16)}, 16)

# The layout Mistral ships: consolidated.safetensors beside the indexed shards (the same weights
# twice). vLLM (load_format auto -> mistral) loads consolidated.safetensors alone: 48 bytes.
d = model_dir("mistral-layout")
with open(os.path.join(d, "model.safetensors.index.json"), "w") as f:
    json.dump({"metadata": {"total_size": 48},
               "weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}}, f, indent=1)
st(os.path.join(d, "consolidated.safetensors"), {"a": u8(32), "b": u8(16, 32)}, 48)
st(os.path.join(d, "model-00001-of-00002.safetensors"), {"a": u8(32)}, 32)
st(os.path.join(d, "model-00002-of-00002.safetensors"), {"b": u8(16)}, 16)
