#!/usr/bin/env python3
"""Generate vramplan's GPU and model profiles from the shared reference data.

Usage:
    python3 tools/gen_profiles.py --ref PATH [--out PATH] [--check-only]

--ref   reference folder (gpus.json, models.json, specs.md, configs/, ...).
        Required: the reference data is kept outside the repository.
--out   profile folder to write (gpus/ and models/ below it).
        Default: <repo root>/profiles.
--check-only  do not write anything; only validate the existing profile files.

Writes profiles/gpus/<id>.json and profiles/models/<id>.json (2-space indent,
UTF-8, trailing newline, fixed key order), then validates every JSON file in
those folders and prints a summary table. Standard library only.
Exit status: 0 when every check passes, 1 otherwise.
"""

import argparse
import json
import os
import re
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

REQUIRED_GPU_IDS = [
    "t4", "v100-16gb", "v100-32gb", "a10", "a10g", "a2", "a30", "a40", "l4",
    "l40", "l40s", "rtx-a5000", "rtx-a6000", "rtx-6000-ada", "rtx-3090",
    "rtx-4090", "rtx-5090", "rtx-pro-6000", "a100-40gb", "a100-80gb",
    "h100-pcie", "h100-sxm", "h100-nvl", "h20", "h200", "gh200", "b200",
    "mi300x",
]

GPU_KEYS = [
    "id", "name", "aliases", "device_name", "architecture",
    "compute_capability", "vendor", "nvidia_smi_total_mib", "cuda_total_mib",
    "cuda_total_basis", "memory_bandwidth_gbs", "host_link", "host_link_gbs",
    "bf16", "fp8", "unified_memory", "source",
]
# unified_memory: true for integrated GPUs whose memory is the host's (GB10); absent otherwise.
GPU_OPTIONAL_KEYS = {"aliases", "unified_memory"}
MODEL_KEYS = ["id", "hf_id", "source", "config"]

# specs.md key finding 3: "estimate torch_total ~ nvidia-smi MiB - 0.5 GiB".
ESTIMATE_RESERVED_MIB = 512

GIB = 1 << 30
MIB = 1 << 20

SPEC = "specs.md"
MEMMODEL = "vllm-memory-model.md"
LOGS = "vllm-logs-dev.jsonl"

# --------------------------------------------------------------------------
# GPU plan.  One entry per profile.
#   gpus      gpus.json ids; the first one supplies every field, the others
#             are merged variants (listed in aliases and in "source").
#   cuda      how cuda_total_mib is set:
#               ("measured", bytes, where)
#               ("logged", GiB, where, check)  check = how the value is
#                   verified against the reference (see check_logged())
#               ("same_as", other_profile_id, why)
#               ("estimated",)  nvidia-smi MiB - 512
#   extra     field values for cards that have no gpus.json record (or
#             overrides); "why" strings are quoted in "source".
# --------------------------------------------------------------------------
GPU_PLAN = [
    dict(id="t4", gpus=["T4"],
         cuda=("logged", 14.74, "vllm-logs-dev.jsonl records {recs} (Tesla T4, total_gpu_memory_gib 14.74)",
               ("logs", "t4"))),
    dict(id="v100-16gb", gpus=["V100-16GB"], device_name="Tesla V100-SXM2-16GB",
         cuda=("estimated",)),
    dict(id="v100-32gb", gpus=["V100-32GB"], device_name="Tesla V100-SXM2-32GB",
         cuda=("logged", 31.74, "vllm-logs-dev.jsonl record {recs} (Tesla V100-PCIE-32GB, total_gpu_memory_gib 31.74; the SXM2 board has the same 32768 MiB)",
               ("logs", "v100-32gb"))),
    dict(id="a10", gpus=["A10"],
         cuda=("logged", 22.18, "gpus.json A10.torch_total_gib 22.18 (OOM 'total capacity of 22.18 GiB', OpenBMB/MiniCPM-V#640)",
               ("gpus_json", "A10"))),
    dict(id="a10g", gpus=["A10G"],
         cuda=("same_as", "a10", "A10G is the same GA102 board as the A10 with the same nvidia-smi total (23028 MiB); no CUDA total was seen for the A10G, so the A10's logged total is used")),
    dict(id="a2", gpus=["A2"], cuda=("estimated",)),
    dict(id="a30", gpus=["A30"],
         cuda=("logged", 23.53, "gpus.json A30.torch_total_gib 23.53 (OOM text, google/RB-Modulation#5)",
               ("gpus_json", "A30"))),
    dict(id="a40", gpus=["A40"], cuda=("estimated",)),
    dict(id="l4", gpus=["L4"],
         cuda=("logged", 22.05, "vllm-memory-model.md section 1.1 (input T: '22.05 GiB L4')",
               ("memmodel", "22.05 GiB L4"))),
    dict(id="l40", gpus=["L40"], cuda=("estimated",)),
    dict(id="l40s", gpus=["L40S"], cuda=("estimated",)),
    dict(id="l20", gpus=[], cuda=("estimated",),
         extra=dict(name="NVIDIA L20", device_name="NVIDIA L20",
                    architecture="Ada Lovelace", compute_capability="8.9",
                    vendor="nvidia", nvidia_smi_total_mib=49140,
                    memory_bandwidth_gbs=864, host_link="PCIe Gen4 x16",
                    host_link_gbs=31.5),
         why="not a gpus.json record; nvidia_smi_total_mib 49140 from specs.md 'Other values verified' (L20: 49140 MiB, 350 W; also gpus.json RTX-A6000.notes); "
             "architecture/compute capability (AD102, 8.9), bandwidth 864 GB/s and PCIe Gen4 x16 (31.5 GB/s/dir) by analogy with the AD102 48 GB GDDR6 L40/L40S records, unverified"),
    dict(id="rtx-a5000", gpus=[], cuda=("estimated",),
         extra=dict(name="NVIDIA RTX A5000", device_name="NVIDIA RTX A5000",
                    architecture="Ampere", compute_capability="8.6",
                    vendor="nvidia", nvidia_smi_total_mib=24564,
                    memory_bandwidth_gbs=768, host_link="PCIe Gen4 x16",
                    host_link_gbs=31.5),
         why="not in gpus.json or specs.md; 24 GB GDDR6 Ampere workstation card (GA102, compute 8.6, PCIe Gen4 x16 = 31.5 GB/s/dir, 768 GB/s, ECC off by default) per datasheet knowledge, unverified; "
             "nvidia_smi_total_mib 24564 by analogy with other 24 GB GDDR6/GDDR6X workstation/GeForce boards with ECC off (gpus.json RTX-4090: 24564 MiB), unverified"),
    dict(id="rtx-a6000", gpus=["RTX-A6000"],
         cuda=("logged", 47.54, "gpus.json RTX-A6000.torch_total_gib 47.54 (vLLM total_gpu_memory, vllm-project/vllm#10360; also vllm-logs-dev.jsonl {recs})",
               ("gpus_json", "RTX-A6000"))),
    dict(id="rtx-6000-ada", gpus=[],
         cuda=("logged", 47.49, "vllm-logs-dev.jsonl record {recs} (NVIDIA RTX 6000 Ada Generation, total_gpu_memory_gib 47.49 from the Unsloth banner 'Max memory: 47.492 GB')",
               ("logs", "rtx-6000-ada")),
         extra=dict(name="NVIDIA RTX 6000 Ada Generation",
                    device_name="NVIDIA RTX 6000 Ada Generation",
                    architecture="Ada Lovelace", compute_capability="8.9",
                    vendor="nvidia", nvidia_smi_total_mib=49140,
                    memory_bandwidth_gbs=960, host_link="PCIe Gen4 x16",
                    host_link_gbs=31.5),
         why="not a gpus.json record; nvidia_smi_total_mib 49140 from specs.md 'Other values verified' (RTX 6000 Ada: 49140 MiB, 300 W); device_name as printed in vllm-logs-2#22; "
             "AD102 compute 8.9, 960 GB/s and PCIe Gen4 x16 (31.5 GB/s/dir) per datasheet knowledge, unverified"),
    dict(id="rtx-3090", gpus=["RTX-3090"],
         cuda=("logged", 23.58, "gpus.json RTX-3090.torch_total_gib 23.58 (vLLM total_gpu_memory 23.56-23.58 GiB, vllm-project/vllm#10517, #14447)",
               ("gpus_json", "RTX-3090"))),
    dict(id="rtx-4090", gpus=["RTX-4090"],
         cuda=("logged", 23.64, "gpus.json RTX-4090.torch_total_gib 23.64 (OOM text, 3DTopia/Phidias-Diffusion#8, deepseek-ai/DeepSeek-V3#205)",
               ("gpus_json", "RTX-4090"))),
    dict(id="rtx-5090", gpus=["RTX-5090"],
         cuda=("logged", 31.4, "gpus.json RTX-5090.torch_total_gib 31.4 (vLLM total_gpu_memory, noonghunna/club-3090#1087)",
               ("gpus_json", "RTX-5090"))),
    dict(id="rtx-pro-6000", gpus=["RTX-PRO-6000-Server"],
         aliases=["rtx-pro-6000-server"], cuda=("estimated",)),
    dict(id="a100-40gb", gpus=["A100-40GB-SXM", "A100-40GB-PCIe"],
         name="NVIDIA A100 40GB (SXM4 / PCIe)",
         aliases=["a100-40gb-sxm", "a100-40gb-pcie"],
         cuda=("logged", 39.38, "vllm-logs-dev.jsonl record {recs} (NVIDIA A100 40GB, 'total_gpu_memory (39.38GiB)'; gpus.json OOM logs give 39.39)",
               ("logs", "a100-40gb"))),
    dict(id="a100-80gb", gpus=["A100-80GB-SXM", "A100-80GB-PCIe"],
         name="NVIDIA A100 80GB (SXM4 / PCIe)",
         aliases=["a100-80gb-sxm", "a100-80gb-pcie"],
         cuda=("logged", 79.15, "gpus.json A100-80GB-SXM.torch_total_gib 79.15 (OOM 'total capacity of 79.15 GiB' in A100-80GB logs)",
               ("gpus_json", "A100-80GB-SXM"))),
    dict(id="a800-80gb", gpus=[], cuda=("estimated",),
         extra=dict(name="NVIDIA A800 80GB SXM4", device_name="NVIDIA A800-SXM4-80GB",
                    architecture="Ampere", compute_capability="8.0",
                    vendor="nvidia", nvidia_smi_total_mib=81920,
                    memory_bandwidth_gbs=2039, host_link="PCIe Gen4 x16",
                    host_link_gbs=31.5),
         why="not a gpus.json record; nvidia_smi_total_mib 81920 (81251 on older drivers) from specs.md 'Other values verified' and gpus.json A100-80GB-SXM.notes; "
             "compute 8.0, 2039 GB/s and PCIe Gen4 x16 (31.5 GB/s/dir) by analogy with the A100-80GB-SXM record (same GA100 board), unverified"),
    dict(id="h100-pcie", gpus=["H100-PCIe"],
         cuda=("logged", 79.19, "gpus.json H100-PCIe.torch_total_gib 79.19 (OOM text in a run log naming 'NVIDIA H100 PCIe')",
               ("gpus_json", "H100-PCIe"))),
    dict(id="h100-sxm", gpus=["H100-SXM"], aliases=["h100"],
         cuda=("measured", 85017493504, "specs.md 'Measured raw output' (torch total_memory 85017493504 B == mem_get_info total, driver 580.159.04; vLLM logs on older stacks print 79.19 GiB)")),
    dict(id="h100-nvl", gpus=["H100-NVL"], cuda=("estimated",)),
    dict(id="h800", gpus=[], cuda=("estimated",),
         extra=dict(name="NVIDIA H800 80GB", device_name="NVIDIA H800",
                    architecture="Hopper", compute_capability="9.0",
                    vendor="nvidia", nvidia_smi_total_mib=81559,
                    memory_bandwidth_gbs=3350, host_link="PCIe Gen5 x16",
                    host_link_gbs=63.0),
         why="not a gpus.json record; nvidia_smi_total_mib 81559 from specs.md 'Other values verified' (also gpus.json H100-SXM.notes); "
             "compute 9.0, 3350 GB/s and PCIe Gen5 x16 (63.0 GB/s/dir) by analogy with the H100-SXM record (same GH100 HBM3 board), unverified"),
    dict(id="h20", gpus=[], cuda=("estimated",),
         extra=dict(name="NVIDIA H20 (96 GB)", device_name="NVIDIA H20",
                    architecture="Hopper", compute_capability="9.0",
                    vendor="nvidia", nvidia_smi_total_mib=97871,
                    memory_bandwidth_gbs=4000, host_link="PCIe Gen5 x16",
                    host_link_gbs=63.0),
         why="not a gpus.json record; nvidia_smi_total_mib 97871 from specs.md 'Other values verified' (H20: 97871 MiB, 500 W; also gpus.json GH200-96GB.notes); "
             "Hopper compute 9.0, 4000 GB/s and PCIe Gen5 x16 (63.0 GB/s/dir) per datasheet knowledge, unverified; vLLM logs vllm-logs#60/#61 name the card 'NVIDIA H20 (96GB)' but print no total"),
    dict(id="h200", gpus=["H200"],
         cuda=("measured", 150109880320, "specs.md 'Measured raw output' (torch total_memory 150109880320 B = 143155.94 MiB == mem_get_info total, driver 580.159.04; rounded down)")),
    dict(id="h200-nvl", gpus=[], cuda=("estimated",),
         extra=dict(name="NVIDIA H200 NVL 141GB", device_name="NVIDIA H200 NVL",
                    architecture="Hopper", compute_capability="9.0",
                    vendor="nvidia", nvidia_smi_total_mib=143771,
                    memory_bandwidth_gbs=4800, host_link="PCIe Gen5 x16",
                    host_link_gbs=63.0),
         why="not a gpus.json record; nvidia_smi_total_mib 143771 from specs.md 'Other values verified' (H200 NVL: 143771 MiB, 600 W; also gpus.json H200.notes); "
             "compute 9.0, 4800 GB/s by analogy with the H200 record (same memory), PCIe Gen5 x16 (63.0 GB/s/dir) for the NVL PCIe card, unverified"),
    dict(id="gh200", gpus=["GH200-96GB"], aliases=["gh200-96gb"],
         architecture="Hopper", cuda=("estimated",)),
    dict(id="gh200-144gb", gpus=[],
         cuda=("measured_bytes_logged", 153008209920, "specs.md 'Other values verified' (GH200 144G HBM3e: cuDeviceTotalMem 153008209920 B = 142.50 GiB = 145920 MiB; also gpus.json GH200-96GB.notes)"),
         extra=dict(name="NVIDIA GH200 Grace Hopper (144 GB HBM3e GPU)",
                    device_name="NVIDIA GH200 144G HBM3e",
                    architecture="Hopper", compute_capability="9.0",
                    vendor="nvidia", nvidia_smi_total_mib=None,
                    memory_bandwidth_gbs=None, host_link="NVLink-C2C",
                    host_link_gbs=450),
         why="not a gpus.json record; its nvidia-smi MiB and bandwidth were not found (null); compute 9.0 and NVLink-C2C 450 GB/s/dir by analogy with the GH200-96GB record; "
             "device_name by analogy with the 'GH200 144G HBM3e' wording in specs.md, unverified"),
    dict(id="b200", gpus=["B200"],
         cuda=("logged", 178.36, "vllm-memory-model.md section 1.1 (input T: '178.36 GiB B200')",
               ("memmodel", "178.36 GiB B200"))),
    dict(id="b300", gpus=["B300"], cuda=("estimated",)),
    dict(id="gb200", gpus=["GB200"], architecture="Blackwell", cuda=("estimated",)),
    dict(id="mi300x", gpus=["MI300X"], compute_capability="9.4",
         cuda=("logged", 191.45, "gpus.json MI300X.torch_total_gib 191.45 (vLLM 'total_gpu_memory (191.45GiB)' on one MI300X; one source only)",
               ("gpus_json", "MI300X"))),
]

# Model architectures -> model_type and the MoE/MLA keys to emit when synthesizing.
ARCH_MODEL_TYPE = {
    "Qwen2ForCausalLM": "qwen2",
    "Qwen3ForCausalLM": "qwen3",
    "Qwen3MoeForCausalLM": "qwen3_moe",
    "LlamaForCausalLM": "llama",
    "MistralForCausalLM": "mistral",
    "MixtralForCausalLM": "mixtral",
    "Gemma2ForCausalLM": "gemma2",
    "Gemma3ForCausalLM": "gemma3_text",
    "Phi3ForCausalLM": "phi3",
    "DeepseekV2ForCausalLM": "deepseek_v2",
    "DeepseekV3ForCausalLM": "deepseek_v3",
    "GptOssForCausalLM": "gpt_oss",
}

# models.json "extra" keys that are real HF config keys (copied when numeric).
EXTRA_HF_KEYS = [
    "max_window_layers", "rope_theta", "rope_local_base_freq",
    "query_pre_attn_scalar", "attn_logit_softcapping",
    "final_logit_softcapping", "num_nextn_predict_layers",
]

DEEPSEEK_FP8_QUANT = {
    "quant_method": "fp8",
    "fmt": "e4m3",
    "activation_scheme": "dynamic",
    "weight_block_size": [128, 128],
}

# configs/ folders that have no row in INDEX.md / INDEX-2.md: INDEX-2.md
# section "Derived fixtures" describes them.  Short description per folder.
DERIVED_FIXTURES = {
    "Qwen--Qwen2.5-Coder-14B-Instruct": "Qwen2.5-14B shapes",
    "Qwen--Qwen2.5-14B-Instruct-AWQ": "Qwen2.5-14B-Instruct + AWQ 4-bit g128 GEMM",
    "Qwen--Qwen2.5-7B-Instruct-AWQ": "Qwen2.5-7B-Instruct + AWQ 4-bit g128 GEMM",
    "Qwen--Qwen2.5-7B-Instruct-GPTQ-Int8": "Qwen2.5-7B-Instruct + GPTQ 8-bit g128",
    "Qwen--Qwen3-30B-A3B-Instruct-2507": "Qwen3-30B-A3B shapes",
    "Qwen--Qwen3-30B-A3B-Instruct-2507-FP8": "Qwen3-30B-A3B shapes + FP8 e4m3 128x128 blocks",
    "casperhansen--deepseek-r1-distill-qwen-14b-awq": "DeepSeek-R1-Distill-Qwen-14B + AWQ 4-bit g128 GEMM",
}


class Failure(Exception):
    pass


WARNINGS = []


def warn(msg):
    WARNINGS.append(msg)


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f, object_pairs_hook=_no_dup_pairs)


def _no_dup_pairs(pairs):
    seen = {}
    for k, v in pairs:
        if k in seen:
            raise ValueError("duplicate key %r" % k)
        seen[k] = v
    return seen


def dump_json(obj):
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def write_if_changed(path, text):
    old = None
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            old = f.read()
    if old != text:
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        return True
    return False


def _depth_after(text):
    depth = 0
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth > 0:
            depth -= 1
    return depth


def first_clause(text):
    """Text up to the first '; ' or '. ' that is outside parentheses."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth > 0:
            depth -= 1
        elif depth == 0 and ch in ";." and text[i + 1:i + 2] == " ":
            return text[:i]
    return text


def shorten(text, limit=160):
    """Plain-text, length-limited version of a markdown source cell; keeps
    parentheses balanced when it truncates."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = text.replace("`", "").replace("**", "")
    text = " ".join(text.split())
    if len(text) > limit:
        cut = text[: limit - 3]
        if " " in cut[limit // 2:]:
            cut = cut[: cut.rfind(" ")]
        cut = cut.rstrip(" ,;(")
        text = cut + "..." + ")" * _depth_after(cut)
    return text


def first_source(v, limit=140):
    """First distinct, informative item of a gpus.json source field."""
    if v is None:
        return None
    items = v if isinstance(v, list) else [v]
    items = [i for i in items if i]
    if not items:
        return None
    named = [i for i in items if "location not recorded" not in i or "(" in i.replace("(location not recorded)", "")]
    pick = named[0] if named else items[0]
    s = shorten(pick, limit)
    if len(items) > 1:
        s += " +%d more" % (len(items) - 1)
    return s


def short_arch(a):
    a = a.split(" (")[0].strip()
    return a


def mib_from_gib(gib):
    return int(round(gib * 1024))


# --------------------------------------------------------------------------
# GPUs
# --------------------------------------------------------------------------
STATUS_LETTER = {"measured": "M", "verified": "V", "corroborated": "C", "unverified": "U"}


def build_gpus(ref):
    gj = load_json(os.path.join(ref, "gpus.json"))
    by_id = {g["id"]: g for g in gj["gpus"]}
    with open(os.path.join(ref, MEMMODEL), encoding="utf-8") as f:
        memmodel = f.read()
    with open(os.path.join(ref, SPEC), encoding="utf-8") as f:
        spec = f.read()
    logs = []
    with open(os.path.join(ref, LOGS), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                logs.append(json.loads(line))

    planned_gpus = set()
    for p in GPU_PLAN:
        planned_gpus.update(p["gpus"])
    skipped = []
    for g in gj["gpus"]:
        if g["id"] not in planned_gpus:
            if g.get("nvidia_smi_total_mib") is None and g.get("torch_total_gib") is None:
                skipped.append(g["id"])
            else:
                raise Failure("gpus.json record %s has a memory total but no profile in GPU_PLAN" % g["id"])

    # spot-check the specs.md 'Other values verified' figures used in GPU_PLAN
    for needle in ["H800: 81559 MiB", "H200 NVL: 143771 MiB", "H20: 97871 MiB",
                   "L20: 49140 MiB", "RTX 6000 Ada: 49140 MiB", "A800-SXM4-80GB: 81920 MiB",
                   "cuDeviceTotalMem 153008209920 B", "85017493504 B", "150109880320 B"]:
        if needle not in spec:
            raise Failure("specs.md no longer contains %r" % needle)

    out = {}
    for p in GPU_PLAN:
        pid = p["id"]
        rec = by_id[p["gpus"][0]] if p["gpus"] else None
        for gid in p["gpus"]:
            if gid not in by_id:
                raise Failure("gpus.json has no record %s (needed for %s)" % (gid, pid))
        ex = p.get("extra", {})
        src = []

        def field(name, gkey, conv=lambda x: x):
            if name in p:
                return p[name]
            if name in ex:
                return ex[name]
            if rec is None:
                raise Failure("%s: no value for %s" % (pid, name))
            return conv(rec[gkey])

        name = field("name", "name")
        device_name = field("device_name", "nvidia_smi_name")
        if rec is not None and "device_name" not in p and "/" in device_name:
            raise Failure("%s: gpus.json lists several device names (%s); set device_name" % (pid, device_name))
        arch = field("architecture", "architecture", short_arch)
        cc = field("compute_capability", "compute_capability")
        vendor = ex.get("vendor") or ("amd" if pid.startswith("mi") else "nvidia")
        smi = field("nvidia_smi_total_mib", "nvidia_smi_total_mib")
        bw = field("memory_bandwidth_gbs", "memory_bandwidth_gbs")
        host = field("host_link", "host_interface")
        host_gbs = field("host_link_gbs", "host_interface_gbs_per_direction")

        try:
            ccf = float(cc)
        except ValueError:
            raise Failure("%s: compute capability %r is not major.minor" % (pid, cc))
        bf16 = ccf >= 8.0
        fp8 = ccf >= 8.9 or pid == "mi300x"
        if rec is not None:
            if rec.get("bf16_supported") is not None and rec["bf16_supported"] != bf16:
                warn("%s: bf16 rule (CC>=8.0) gives %s, gpus.json says %s" % (pid, bf16, rec["bf16_supported"]))
            if rec.get("fp8_supported") is not None and rec["fp8_supported"] != fp8:
                warn("%s: fp8 rule (CC>=8.9) gives %s, gpus.json says %s" % (pid, fp8, rec["fp8_supported"]))

        # ---- cuda total
        kind = p["cuda"][0]
        log_hits = [r for r in logs if r.get("gpu_id") == pid and r.get("total_gpu_memory_gib") is not None]
        if kind == "measured":
            nbytes, where = p["cuda"][1], p["cuda"][2]
            cuda = nbytes // MIB
            basis = "measured"
            cuda_src = "cuda_total_mib %d: measured, %s" % (cuda, where)
        elif kind == "measured_bytes_logged":
            nbytes, where = p["cuda"][1], p["cuda"][2]
            cuda = nbytes // MIB
            basis = "logged"
            cuda_src = "cuda_total_mib %d: logged CUDA total, %s" % (cuda, where)
        elif kind == "logged":
            gib, where, check = p["cuda"][1], p["cuda"][2], p["cuda"][3]
            recs = check_logged(pid, gib, check, by_id, memmodel, logs)
            cuda = mib_from_gib(gib)
            basis = "logged"
            cuda_src = "cuda_total_mib %d = round(%s GiB x 1024): logged, %s" % (cuda, gib, where.format(recs=recs))
        elif kind == "same_as":
            other, why = p["cuda"][1], p["cuda"][2]
            if other not in out:
                raise Failure("%s: same_as %s must come later in GPU_PLAN" % (pid, other))
            o = out[other]
            if o["nvidia_smi_total_mib"] != smi:
                raise Failure("%s: same_as %s but nvidia-smi totals differ" % (pid, other))
            cuda = o["cuda_total_mib"]
            basis = "estimated"
            cuda_src = "cuda_total_mib %d: estimated, copied from %s (%s, basis %s): %s" % (
                cuda, other, o["cuda_total_mib"], o["cuda_total_basis"], why)
        elif kind == "estimated":
            if smi is None:
                raise Failure("%s: estimated basis needs an nvidia-smi total" % pid)
            cuda = smi - ESTIMATE_RESERVED_MIB
            basis = "estimated"
            cuda_src = "cuda_total_mib %d: estimated = nvidia_smi_total_mib %d - 512 (specs.md key finding 3: torch_total ~ nvidia-smi MiB - 0.5 GiB)" % (cuda, smi)
        else:
            raise Failure("%s: unknown cuda rule %r" % (pid, kind))
        others = sorted({r["total_gpu_memory_gib"] for r in log_hits} - {round(cuda / 1024, 2)})
        if others and kind != "logged":
            ids = [r["id"] for r in log_hits]
            cuda_src += "; vllm-logs-dev.jsonl has %s GiB for this card (%s%s)" % (
                "/".join(str(x) for x in others), ", ".join(ids[:3]),
                " +%d more" % (len(ids) - 3) if len(ids) > 3 else "")
        elif others:
            dis = [r for r in log_hits if r["total_gpu_memory_gib"] != p["cuda"][1]]
            if dis:
                cuda_src += "; other logged totals: " + ", ".join(
                    "%s %s GiB" % (r["id"], r["total_gpu_memory_gib"]) for r in dis)
        if smi is not None and cuda >= smi:
            raise Failure("%s: cuda_total_mib %d >= nvidia_smi_total_mib %d" % (pid, cuda, smi))

        # ---- source string
        if rec is not None:
            st = rec.get("status", {})
            s = rec.get("source", {})
            gid = rec["id"]

            def lt(k):
                return STATUS_LETTER.get(st.get(k), "?")

            src.append("gpus.json record %s" % gid)
            src.append("nvidia_smi_total_mib: gpus.json %s.nvidia_smi_total_mib [%s] (%s)" % (gid, lt("smi"), first_source(s.get("nvidia_smi"))))
            src.append(cuda_src)
            if bw is not None:
                src.append("memory_bandwidth_gbs: gpus.json %s.memory_bandwidth_gbs [%s] (%s)" % (gid, lt("bw"), first_source(s.get("bandwidth"))))
            else:
                src.append("memory_bandwidth_gbs: null in gpus.json %s" % gid)
            src.append("host_link/host_link_gbs: gpus.json %s.host_interface/host_interface_gbs_per_direction [%s] (%s)" % (gid, lt("host"), first_source(s.get("host_interface"))))
            cc_note = ""
            if "compute_capability" in p:
                cc_note = "; gpus.json says %r, torch reports %s" % (rec["compute_capability"], cc)
            src.append("compute_capability: gpus.json %s.compute_capability [%s] (%s)%s" % (gid, lt("cc"), first_source(s.get("compute_capability")), cc_note))
            if "architecture" in p:
                src.append("architecture: gpus.json says %r" % rec["architecture"])
            for extra_id in p["gpus"][1:]:
                e = by_id[extra_id]
                src.append("merged variant %s (device %r): nvidia-smi %s MiB, %s GB/s, %s" % (
                    extra_id, e["nvidia_smi_name"], e["nvidia_smi_total_mib"],
                    e["memory_bandwidth_gbs"], e["host_interface"]))
            if "device_name" in p:
                src.append("device_name: SXM variant of gpus.json %s.nvidia_smi_name %r" % (gid, rec["nvidia_smi_name"]))
            if vendor == "amd":
                src.append("AMD: the MiB figure comes from rocm-smi bytes / 2^20 (no nvidia-smi)")
        else:
            src.append(p["why"])
            src.append(cuda_src)
        src.append("bf16/fp8: rule compute capability >= 8.0 / >= 8.9%s" % (" (MI300X: fp8 yes)" if pid == "mi300x" else ""))

        prof = {"id": pid, "name": name}
        aliases = list(p.get("aliases", []))
        if aliases:
            prof["aliases"] = aliases
        prof.update({
            "device_name": device_name,
            "architecture": arch,
            "compute_capability": cc,
            "vendor": vendor,
            "nvidia_smi_total_mib": smi,
            "cuda_total_mib": cuda,
            "cuda_total_basis": basis,
            "memory_bandwidth_gbs": bw,
            "host_link": host,
            "host_link_gbs": host_gbs,
            "bf16": bf16,
            "fp8": fp8,
            "source": "; ".join(src),
        })
        out[pid] = prof
    return out, skipped


def check_logged(pid, gib, check, by_id, memmodel, logs):
    """Verify a logged GiB figure against the reference; return record ids."""
    kind, arg = check
    recs = ""
    if kind == "gpus_json":
        v = by_id[arg].get("torch_total_gib")
        if v != gib:
            raise Failure("%s: gpus.json %s.torch_total_gib is %r, expected %r" % (pid, arg, v, gib))
    elif kind == "memmodel":
        if arg not in memmodel:
            raise Failure("%s: %s no longer contains %r" % (pid, MEMMODEL, arg))
    elif kind == "logs":
        hits = [r["id"] for r in logs if r.get("gpu_id") == arg and r.get("total_gpu_memory_gib") == gib]
        if not hits:
            raise Failure("%s: no %s record with gpu_id %s and total %s" % (pid, LOGS, arg, gib))
        recs = "/".join(hits)
    # list agreeing log records for gpus_json / memmodel checks too
    if kind != "logs":
        hits = [r["id"] for r in logs if r.get("gpu_id") == pid and r.get("total_gpu_memory_gib") == gib]
        recs = "/".join(hits) if hits else "none"
    return recs


# --------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------
def parse_indexes(cfgdir):
    rows = {}
    for fn in ["INDEX.md", "INDEX-2.md", "INDEX-4.md"]:
        path = os.path.join(cfgdir, fn)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.startswith("| "):
                    continue
                cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
                if not cells or not cells[0].isdigit():
                    continue
                if fn == "INDEX.md":
                    m = re.match(r"\[([^\]]+)\]\(([^/)]+)/config\.json\)", cells[1])
                    if not m:
                        continue  # 'missing' rows have no link
                    hf, folder, status, source, notes = m.group(1), m.group(2), cells[2], cells[3], " | ".join(cells[4:])
                else:
                    hf, folder, status, source, notes = cells[1], cells[2].strip("`"), cells[3], cells[4], " | ".join(cells[5:])
                status = status.replace("*", "").strip()
                if status in ("skipped", "missing") or folder in ("—", "-", ""):
                    continue
                if folder in rows:
                    raise Failure("configs index: folder %s has two rows (%s, %s)" % (folder, rows[folder]["where"], fn))
                rows[folder] = dict(hf=hf, status=status, source=source, notes=notes,
                                    where="%s row %s" % (fn, cells[0]), file=fn)
    derived_text = ""
    p2 = os.path.join(cfgdir, "INDEX-2.md")
    if os.path.exists(p2):
        with open(p2, encoding="utf-8") as f:
            t = f.read()
        i = t.find("## Derived fixtures")
        if i >= 0:
            derived_text = t[i:]
    completed = {}
    for fn in ["INDEX.md", "INDEX-2.md", "INDEX-4.md"]:
        path = os.path.join(cfgdir, fn)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                completed[fn] = "## Completed quantization blocks" in f.read()
    return rows, derived_text, completed


def profile_id_for(hf_id):
    return hf_id.split("/", 1)[1].lower()


def build_models(ref):
    cfgdir = os.path.join(ref, "configs")
    rows, derived_text, completed = parse_indexes(cfgdir)
    mj = load_json(os.path.join(ref, "models.json"))
    entries = []  # (hf_id, source, config)
    folders = sorted(d for d in os.listdir(cfgdir) if os.path.isdir(os.path.join(cfgdir, d)))
    folder_by_key = {}
    problems = []
    for d in folders:
        cpath = os.path.join(cfgdir, d, "config.json")
        if not os.path.isfile(cpath):
            problems.append("configs/%s has no config.json" % d)
            continue
        try:
            cfg = load_json(cpath)
        except ValueError as e:
            problems.append("configs/%s/config.json does not parse: %s" % (d, e))
            continue
        if "--" not in d:
            problems.append("configs/%s: folder name is not ORG--NAME" % d)
            continue
        org, name = d.split("--", 1)
        hf = org + "/" + name
        row = rows.get(d)
        relpath = "shared/reference/configs/%s/config.json" % d
        if row:
            if row["hf"] != hf:
                if row["hf"].lower() == hf.lower():
                    hf = row["hf"]
                else:
                    raise Failure("configs/%s: index names %s" % (d, row["hf"]))
            source = "%s (%s per %s: %s)" % (relpath, row["status"], row["where"], shorten(first_clause(row["source"])))
            if "partial" in row["notes"].lower() and "quantization_config" in cfg and completed.get(row["file"]):
                source = source[:-1] + "; quantization_config completed per %s 'Completed quantization blocks')" % row["file"]
        elif d in DERIVED_FIXTURES and name in derived_text.replace("casperhansen deepseek-r1-distill-qwen-14b-awq", "deepseek-r1-distill-qwen-14b-awq"):
            source = "%s (reconstructed per INDEX-2.md 'Derived fixtures': %s)" % (relpath, DERIVED_FIXTURES[d])
        else:
            source = "%s (not listed in INDEX.md / INDEX-2.md)" % relpath
            warn("configs/%s is not described by INDEX.md / INDEX-2.md" % d)
        folder_by_key[d.lower()] = d
        entries.append((hf, source, cfg))

    produced_from_folder = {hf.lower() for hf, _, _ in entries}
    mj_ids = [m["id"] for m in mj["models"]]
    for m in mj["models"]:
        key = m["id"].replace("/", "--", 1).lower()
        if key in folder_by_key:
            if folder_by_key[key].replace("--", "/", 1) != m["id"]:
                warn("models.json id %s matches configs/%s only case-insensitively" % (m["id"], folder_by_key[key]))
            continue
        if m["id"].lower() in produced_from_folder:
            continue
        try:
            cfg = synthesize_config(m)
        except Failure as e:
            problems.append("models.json %s: cannot synthesize: %s" % (m["id"], e))
            continue
        srcs = m.get("source") or []
        if isinstance(srcs, str):
            srcs = [srcs]
        short = "; ".join(shorten(x, 220) for x in srcs)
        source = "shared/reference/models.json (synthesized from its fields, status %s: %s)" % (m.get("status"), short)
        entries.append((m["id"], source, cfg))

    # ids
    by_pid = {}
    out = {}
    for hf, source, cfg in entries:
        pid = profile_id_for(hf)
        by_pid.setdefault(pid, []).append(hf)
    collisions = {k: v for k, v in by_pid.items() if len(v) > 1}
    for hf, source, cfg in entries:
        pid = profile_id_for(hf)
        if pid in collisions:
            pid = hf.split("/", 1)[0].lower() + "--" + pid
        if pid in out:
            raise Failure("model id %s still collides after prefixing" % pid)
        out[pid] = {"id": pid, "hf_id": hf, "source": source, "config": cfg}
    return out, problems, collisions, len(mj_ids)


def parse_sliding(pattern, num_layers):
    """models.json sliding_window_and_layer_pattern -> HF config keys."""
    keys = {}
    if pattern is None:
        return keys
    p = pattern.strip()
    if p.lower().startswith("null"):
        keys["sliding_window"] = None
        return keys
    if p.lower().startswith("none"):
        return keys
    m = re.search(r"(?:sliding_window\s+)?(\d+)\b", p)
    if "use_sliding_window=false" in p:
        if m and p.startswith("sliding_window"):
            keys["sliding_window"] = int(m.group(1))
        keys["use_sliding_window"] = False
        return keys
    if p.startswith("attention_chunk_size"):
        raise Failure("chunked attention pattern %r has no plain HF encoding" % p)
    if m and (p.startswith("sliding_window") or re.match(r"^\d+ on alternating layers", p)):
        keys["sliding_window"] = int(m.group(1))
        mp = re.search(r"sliding_window_pattern\s+(\d+)", p)
        if mp:
            keys["sliding_window_pattern"] = int(mp.group(1))
        ml = re.search(r"layer_types = (\d+) sliding_attention \+ (\d+) full_attention", p)
        if ml:
            ns, nf = int(ml.group(1)), int(ml.group(2))
            if ns != nf or ns + nf != num_layers or "alternating" not in p:
                raise Failure("layer_types pattern %r is not a plain alternation" % p)
            keys["layer_types"] = ["sliding_attention", "full_attention"] * ns
        return keys
    raise Failure("unrecognised attention pattern %r" % p)


def synthesize_config(m):
    archs = [a.split(" (")[0].strip() for a in m["architectures"]]
    arch = archs[0]
    if arch not in ARCH_MODEL_TYPE:
        raise Failure("architecture %s has no synthesis rule" % arch)
    mt = ARCH_MODEL_TYPE[arch]
    c = {"architectures": archs, "model_type": mt}
    for k in ["hidden_size", "intermediate_size", "num_hidden_layers",
              "num_attention_heads", "num_key_value_heads"]:
        if m.get(k) is None:
            raise Failure("models.json has no %s" % k)
        c[k] = m[k]
    if m.get("head_dim") is not None:
        c["head_dim"] = m["head_dim"]
    for k in ["vocab_size", "tie_word_embeddings", "max_position_embeddings"]:
        if m.get(k) is not None:
            c[k] = m[k]
    dt = m.get("torch_dtype")
    fp8_shipped = mxfp4_shipped = False
    if dt:
        if dt in ("bfloat16", "float16", "float32"):
            c["torch_dtype"] = dt
        elif dt.startswith("bfloat16") or "bf16" in dt:
            # commentary in the field: keep the plain dtype, note quantized weights
            c["torch_dtype"] = "bfloat16"
            fp8_shipped = "fp8" in dt.lower()
            mxfp4_shipped = "mxfp4" in dt.lower()
        else:
            raise Failure("torch_dtype %r has no plain HF value" % dt)
    moe = m.get("moe") or {}
    mla = m.get("mla") or {}
    extra = m.get("extra") or {}
    if mt == "qwen3_moe":
        c["num_experts"] = moe["num_experts"]
        c["num_experts_per_tok"] = moe["num_experts_per_tok"]
        c["moe_intermediate_size"] = moe["moe_intermediate_size"]
        c["decoder_sparse_step"] = moe.get("decoder_sparse_step", 1)
        c["mlp_only_layers"] = moe.get("mlp_only_layers", [])
        if "norm_topk_prob" in moe:
            c["norm_topk_prob"] = moe["norm_topk_prob"]
    elif mt in ("mixtral", "gpt_oss"):
        c["num_local_experts"] = moe["num_local_experts"]
        c["num_experts_per_tok"] = moe["num_experts_per_tok"]
    elif mt in ("deepseek_v2", "deepseek_v3"):
        for k in ["kv_lora_rank", "q_lora_rank", "qk_rope_head_dim", "qk_nope_head_dim", "v_head_dim"]:
            c[k] = mla[k]
        for k in ["n_routed_experts", "n_shared_experts", "num_experts_per_tok",
                  "moe_intermediate_size", "first_k_dense_replace"]:
            c[k] = moe[k]
        c["moe_layer_freq"] = 1
    elif moe or mla:
        raise Failure("MoE/MLA fields for %s have no synthesis rule" % arch)
    c.update(parse_sliding(m.get("sliding_window_and_layer_pattern"), m["num_hidden_layers"]))
    for k in EXTRA_HF_KEYS:
        v = extra.get(k)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            c[k] = v
    note = str(extra.get("note", ""))
    if mt in ("deepseek_v2", "deepseek_v3") and (fp8_shipped or "quantization_config: fp8" in note):
        c["quantization_config"] = dict(DEEPSEEK_FP8_QUANT)
    elif mxfp4_shipped and "quant_method mxfp4" in dt:
        c["quantization_config"] = {"quant_method": "mxfp4"}
    elif fp8_shipped or mxfp4_shipped:
        raise Failure("quantized checkpoint of %s has no quantization rule" % arch)
    return c


# --------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------
def validate(outdir):
    errors = []
    gdir = os.path.join(outdir, "gpus")
    mdir = os.path.join(outdir, "models")
    gpus = {}
    names = {}
    for fn in sorted(os.listdir(gdir)) if os.path.isdir(gdir) else []:
        if not fn.endswith(".json"):
            continue
        path = os.path.join(gdir, fn)
        try:
            g = load_json(path)
        except ValueError as e:
            errors.append("gpus/%s: does not parse: %s" % (fn, e))
            continue
        keys = list(g.keys())
        expect = [k for k in GPU_KEYS if k in g or k not in GPU_OPTIONAL_KEYS]
        if keys != expect:
            errors.append("gpus/%s: keys %s, expected %s" % (fn, keys, expect))
        if g.get("id") != fn[:-5]:
            errors.append("gpus/%s: id %r does not match the file name" % (fn, g.get("id")))
        if not re.match(r"^[a-z0-9][a-z0-9.-]*$", str(g.get("id", ""))):
            errors.append("gpus/%s: id is not lowercase [a-z0-9.-]" % fn)
        for n in [g.get("id")] + list(g.get("aliases") or []):
            if n in names:
                errors.append("gpu name %r used by both %s and %s" % (n, names[n], fn))
            names[n] = fn
        if not isinstance(g.get("cuda_total_mib"), int) or isinstance(g.get("cuda_total_mib"), bool):
            errors.append("gpus/%s: cuda_total_mib is not an integer" % fn)
        smi = g.get("nvidia_smi_total_mib")
        if smi is not None and (not isinstance(smi, int) or g.get("cuda_total_mib", 0) >= smi):
            errors.append("gpus/%s: nvidia_smi_total_mib %r not an integer above cuda_total_mib" % (fn, smi))
        if g.get("cuda_total_basis") not in ("measured", "logged", "estimated"):
            errors.append("gpus/%s: bad cuda_total_basis" % fn)
        if g.get("vendor") not in ("nvidia", "amd"):
            errors.append("gpus/%s: bad vendor" % fn)
        if not re.match(r"^\d+\.\d+$", str(g.get("compute_capability"))):
            errors.append("gpus/%s: compute_capability not 'major.minor'" % fn)
        for k in ("bf16", "fp8"):
            if not isinstance(g.get(k), bool):
                errors.append("gpus/%s: %s not boolean" % (fn, k))
        if "unified_memory" in g and not isinstance(g["unified_memory"], bool):
            errors.append("gpus/%s: unified_memory not boolean" % fn)
        for k in ("memory_bandwidth_gbs", "host_link_gbs"):
            v = g.get(k)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
                errors.append("gpus/%s: %s not a number or null" % (fn, k))
        for k in ("name", "device_name", "architecture", "host_link", "source"):
            if not isinstance(g.get(k), str) or not g.get(k):
                errors.append("gpus/%s: %s not a non-empty string" % (fn, k))
        with open(path, encoding="utf-8") as f:
            if f.read() != dump_json(g):
                errors.append("gpus/%s: not in canonical form (2-space indent, trailing newline)" % fn)
        gpus[g.get("id")] = g
    for rid in REQUIRED_GPU_IDS:
        if rid not in gpus:
            errors.append("required GPU id %s has no profile" % rid)
    if "h100" not in (gpus.get("h100-sxm", {}).get("aliases") or []):
        errors.append("h100-sxm must carry alias 'h100'")

    models = {}
    hf_seen = {}
    for fn in sorted(os.listdir(mdir)) if os.path.isdir(mdir) else []:
        if not fn.endswith(".json"):
            continue
        path = os.path.join(mdir, fn)
        try:
            m = load_json(path)
        except ValueError as e:
            errors.append("models/%s: does not parse: %s" % (fn, e))
            continue
        if list(m.keys()) != MODEL_KEYS:
            errors.append("models/%s: keys %s, expected %s" % (fn, list(m.keys()), MODEL_KEYS))
        if m.get("id") != fn[:-5]:
            errors.append("models/%s: id %r does not match the file name" % (fn, m.get("id")))
        if m.get("id") != str(m.get("id", "")).lower():
            errors.append("models/%s: id is not lowercase" % fn)
        hf = str(m.get("hf_id", ""))
        if "/" not in hf:
            errors.append("models/%s: hf_id %r is not ORG/NAME" % (fn, hf))
        if hf.lower() in hf_seen:
            errors.append("hf_id %s in both %s and %s" % (hf, hf_seen[hf.lower()], fn))
        hf_seen[hf.lower()] = fn
        if not isinstance(m.get("config"), dict) or not m["config"]:
            errors.append("models/%s: config is not a non-empty object" % fn)
        with open(path, encoding="utf-8") as f:
            if f.read() != dump_json(m):
                errors.append("models/%s: not in canonical form" % fn)
        models[m.get("id")] = m
    return errors, gpus, models


# --------------------------------------------------------------------------
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ref", required=True,
                    help="the reference folder (gpus.json, models.json, configs/), kept outside the repository")
    ap.add_argument("--out", default=os.path.join(REPO_ROOT, "profiles"),
                    help="profile folder (default: <repo root>/profiles)")
    ap.add_argument("--check-only", action="store_true", help="validate existing files only")
    args = ap.parse_args(argv)

    problems, collisions, skipped, n_models_json = [], {}, [], None
    generated_g, generated_m = set(), set()
    if not args.check_only:
        if not os.path.isfile(os.path.join(args.ref, "gpus.json")):
            print("ERROR: %s is not a reference folder (no gpus.json); use --ref" % args.ref, file=sys.stderr)
            return 1
        try:
            gpus, skipped = build_gpus(args.ref)
            models, problems, collisions, n_models_json = build_models(args.ref)
        except Failure as e:
            print("ERROR: %s" % e, file=sys.stderr)
            return 1
        gdir = os.path.join(args.out, "gpus")
        mdir = os.path.join(args.out, "models")
        os.makedirs(gdir, exist_ok=True)
        os.makedirs(mdir, exist_ok=True)
        changed = 0
        for pid in sorted(gpus):
            changed += write_if_changed(os.path.join(gdir, pid + ".json"), dump_json(gpus[pid]))
        for pid in sorted(models):
            changed += write_if_changed(os.path.join(mdir, pid + ".json"), dump_json(models[pid]))
        generated_g, generated_m = set(gpus), set(models)
        shown = os.path.relpath(args.out, REPO_ROOT) if os.path.abspath(args.out).startswith(REPO_ROOT + os.sep) else args.out
        print("wrote %d GPU and %d model profiles (%d files changed) under %s" % (
            len(gpus), len(models), changed, shown))

    errors, vg, vm = validate(args.out)
    if not args.check_only:
        for pid in sorted(set(vg) - generated_g):
            warn("gpus/%s.json was not produced by this script (hand-written or stale)" % pid)
        for pid in sorted(set(vm) - generated_m):
            warn("models/%s.json was not produced by this script (hand-written or stale)" % pid)

    print()
    print("%-14s %14s %9s  %s" % ("gpu id", "cuda_total_mib", "basis", "nvidia_smi_total_mib"))
    for pid in sorted(vg):
        g = vg[pid]
        print("%-14s %14s %9s  %s" % (pid, g.get("cuda_total_mib"), g.get("cuda_total_basis"), g.get("nvidia_smi_total_mib")))
    print()
    print("%d GPU profiles, %d model profiles" % (len(vg), len(vm)))
    if n_models_json is not None:
        print("models.json entries: %d" % n_models_json)
    if skipped:
        print("gpus.json records skipped (no memory total): %s" % ", ".join(skipped))
    if collisions:
        print("model id collisions (prefixed with org--): %s" % collisions)
    for p in problems:
        print("NOT PRODUCED: %s" % p)
    for w in WARNINGS:
        print("WARNING: %s" % w)
    for e in errors:
        print("ERROR: %s" % e)
    if errors:
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
