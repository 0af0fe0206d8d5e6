#include <vramplan/estimates.hpp>

#include <algorithm>

namespace vramplan {

ActivationEstimate estimate_activation(const ModelSpec& m, const WorkerShape& w, const EraRules& era) {
    ActivationEstimate e;
    const std::uint64_t b = w.max_num_batched_tokens;
    const std::uint64_t h = m.hidden_size;
    const std::uint64_t d = w.dtype_bytes;
    // Forward: the widest MLP of the worker's layers (dense, or fused-MoE caches over top_k copies).
    std::uint64_t widest = 0;
    std::uint64_t inter = m.intermediate_size;
    for (const LayerSpec& l : m.layers) {
        inter = std::max(inter, l.intermediate_size); // Gemma-4 double-wide MLPs of the KV-shared layers
    }
    if (inter > 0) {
        widest = checked_mul(calib::k_forward_intermediate_factor, inter / w.tp);
    }
    // Fused-MoE caches per token: top_k x (3 x I/tp + hidden) elements.
    const std::uint64_t moe_per_token =
        m.is_moe() ? checked_mul(m.moe.top_k, checked_add(checked_mul(calib::k_forward_intermediate_factor, m.moe.expert_intermediate / w.tp), h))
                   : 0;
    widest = std::max(widest, moe_per_token);
    e.forward = checked_mul(checked_mul(b, d), checked_add(widest, checked_mul(calib::k_forward_hidden_factor, h)));
    const bool last = w.pp_rank + 1 == w.pp;
    if (last) {
        // _dummy_sampler_run: logits for min(S, B) rows over the full (TP-gathered) vocabulary,
        // while the hidden states of the batch are still alive.
        const double rows = static_cast<double>(std::min(w.max_num_seqs, b));
        double slope = era.sampler_0_10_2 ? calib::k_sampler_bytes_per_row_vocab_0_10_2 : calib::k_sampler_bytes_per_row_vocab;
        if (era.engine == Engine::v0) {
            // V0's sampler on the profile's top_p 0.99 / top_k V−1 requests (model_runner.py:1330
            // @v0.9.0): at the re-scatter in _apply_top_k_top_p (sampler.py:397-423 @v0.9.0) the
            // caller's logits (model dtype) are alive with their float32 copy (4), the sorted values
            // (4) and int64 indices (8), the top-k and top-p masks (1 + 1), probs_sort and its cumsum
            // (4 + 4) and the scattered result (4): d + 30 bytes per (row x vocabulary entry).
            // Issue 17 item 1; replaces the V1 slope fitted on v0.19 H100 runs.
            slope = static_cast<double>(d + 30);
        }
        if (w.mrv2) {
            // Model Runner V2 (addendum 2 §15.3): the logits in the model dtype plus their float32
            // copy (sampler.py:158-159 @C27, absent in 0.26.0), then Gumbel-max sampling in a Triton
            // kernel (gumbel.py:215 @C27): no probability or sort buffers of the V1 sampler.
            slope = static_cast<double>(d + (era.mrv2_sampler_fp32_copy ? 4 : 0));
        }
        e.sampler_slope = slope;
        const double sampler = slope * rows * static_cast<double>(m.vocab_size);
        e.sampler = checked_add(round_bytes(sampler, "sampler activation estimate"), checked_mul(b, h, d));
    } else {
        // A non-last stage sends hidden states and residual to the next stage.
        e.forward = checked_add(e.forward, checked_mul(checked_mul(b, h), 2 * d));
    }
    if (calib::k_moe_workspace_persists && m.is_moe() && m.quant.method != QuantMethod::mxfp4) {
        e.moe_workspace = checked_mul(checked_mul(b, d), moe_per_token);
    }
    e.total = checked_add(calib::k_activation_base, std::max(e.forward, checked_add(e.sampler, e.moe_workspace)));
    return e;
}

Bytes estimate_non_torch(const WorkerShape& w, const EraRules& era) {
    if (w.tp > 1) {
        if (w.compute_major < 9) {
            return calib::k_non_torch_tp_pre_hopper;
        }
        return checked_add(calib::k_non_torch_tp_base, checked_mul(calib::k_non_torch_tp_per_rank, w.tp));
    }
    if (w.pp_rank + 1 < w.pp) {
        return calib::k_non_torch_pp_stage;
    }
    const bool hopper = w.compute_major >= 9;
    const bool recent = era.version >= VllmVersion{0, 11, 0};
    if (hopper && recent) {
        return calib::k_non_torch_hopper_new;
    }
    if (!hopper && !recent) {
        return calib::k_non_torch_old;
    }
    return calib::k_non_torch_mixed;
}

Bytes estimate_nccl_init(const WorkerShape& w, const EraRules& era) {
    return w.tp > 1 && w.compute_major >= 9 && !era.nccl_init_before_snapshot ? calib::k_nccl_init_hopper_pre_0_11 : 0;
}

std::vector<std::uint64_t> capture_sizes(const EraRules& era, std::uint64_t s, std::uint64_t b, bool sm100) {
    std::vector<std::uint64_t> sizes{1, 2, 4};
    sizes.reserve(3 + 64 + 48 + 1);   // the longest schedule: [1, 2, 4] + 8..248 step 8 + 256..1024 step 16 (one allocation per plan)
    if (era.capture_schedule == CaptureSchedule::v0_to_seqs) {
        // vllm/worker/model_runner.py: _BATCH_SIZES_TO_CAPTURE = [1, 2, 4] + [8 * i for i in 1..],
        // up to max_num_seqs rounded up to a multiple of 8, at most 256 (8 x 32).
        const std::uint64_t padded = (std::min<std::uint64_t>(s, 256) + 7) / 8 * 8;
        for (std::uint64_t i = 8; i <= padded; i += 8) {
            sizes.push_back(i);
        }
        return sizes;
    }
    if (era.capture_schedule == CaptureSchedule::fixed_512) {
        for (std::uint64_t i = 8; i <= 512; i += 8) {
            sizes.push_back(i);
        }
        return sizes;
    }
    // max = min(S·2, 512), or 1024 on SM100 from 0.28 (#49390, vllm/config/vllm.py ≈1975-2100 @C28).
    const std::uint64_t limit = era.sm100_capture_1024 && sm100 ? 1024 : 512;
    const std::uint64_t max_size = std::min<std::uint64_t>(s, limit / 2) * 2;
    if (era.capture_schedule == CaptureSchedule::step8_to_2s) {
        for (std::uint64_t i = 8; i <= max_size; i += 8) {
            sizes.push_back(i);
        }
        return sizes;
    }
    for (std::uint64_t i = 8; i < 256 && i <= max_size; i += 8) {
        sizes.push_back(i);
    }
    for (std::uint64_t i = 256; i <= max_size; i += 16) {
        sizes.push_back(i);
    }
    // Sizes above max_num_batched_tokens are dropped, and B itself is captured when it is smaller.
    sizes.erase(std::remove_if(sizes.begin(), sizes.end(), [b](std::uint64_t x) { return x > b; }), sizes.end());
    if (b <= max_size && (sizes.empty() || sizes.back() != b)) {
        sizes.push_back(b);
    }
    return sizes;
}

Bytes graph_bytes_per_piece(const EraRules& era) {
    return era.engine == Engine::v0 ? calib::k_graph_bytes_per_piece_v0 : calib::k_graph_bytes_per_piece;
}

Bytes estimate_cuda_graphs(const EraRules& era, std::uint64_t layers, std::uint64_t s, std::uint64_t b) {
    return cuda_graph_bytes(era, layers, capture_sizes(era, s, b).size());
}

Bytes cuda_graph_bytes(const EraRules& era, std::uint64_t layers, std::uint64_t n) {
    // Piecewise graphs split at every attention layer: layers + 1 pieces per capture size.
    return checked_mul(checked_mul(n, checked_add(layers, 1)), graph_bytes_per_piece(era));
}

} // namespace vramplan
