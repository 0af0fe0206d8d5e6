#include <vramplan/parallel.hpp>

#include <algorithm>

namespace vramplan {

All2allBackend all2all_backend_named(const std::string& name) {
    // vllm/config/parallel.py All2AllBackend @main; "naive" became allgather_reducescatter (#36294).
    if (name.empty() || name == "allgather_reducescatter" || name == "naive") {
        return All2allBackend::allgather_reducescatter;
    }
    if (name == "deepep_high_throughput") {
        return All2allBackend::deepep_high_throughput;
    }
    if (name == "deepep_low_latency") {
        return All2allBackend::deepep_low_latency;
    }
    return All2allBackend::other;
}

ExpertSharding expert_sharding(std::uint64_t num_experts, std::uint64_t redundant, std::uint32_t tp, std::uint32_t dp,
                               bool expert_parallel) {
    // FusedMoEParallelConfig.make flattens the MoE TP group across DP (flatten_tp_across_dp_and_pcp,
    // fused_moe/config.py:1117-1125 @main); EP needs more than one such rank (config.py:1208-1211).
    const std::uint64_t flat = checked_mul(tp, dp);
    ExpertSharding s;
    if (!expert_parallel || flat == 1) {
        s.moe_tp = flat;
        s.local_experts = checked_add(num_experts, redundant);
        return s;
    }
    s.ep_size = flat;
    s.moe_tp = 1;
    // Physical experts E + R over the EP ranks; the first (E+R) % ep ranks hold one more
    // (expert_map_manager.py:67-69 @main): the plan sizes the fullest GPU.
    s.local_experts = cdiv(checked_add(num_experts, redundant), flat);
    return s;
}

Bytes eplb_load_window_bytes(std::uint64_t moe_layers, std::uint64_t physical_experts) {
    return checked_mul(checked_mul(k_eplb_window_size, moe_layers), checked_mul(physical_experts, 4)); // int32
}

Bytes deepep_low_latency_rdma_bytes(std::uint64_t hidden, std::uint64_t experts, std::uint64_t tokens) {
    // addendum 3 §22.4 (DeepEP csrc/config.hpp LowLatencyLayout): message sizes per token.
    const std::uint64_t scales = checked_mul(4, hidden) / 128;
    const std::uint64_t disp = checked_add(16, std::max(checked_mul(2, hidden), checked_add(hidden, scales)));
    const std::uint64_t comb = checked_add(scales, checked_mul(2, hidden));
    const std::uint64_t en = checked_mul(experts, tokens);
    const Bytes send = std::max(checked_mul(tokens, disp), checked_mul(en, comb));
    const Bytes recv = std::max(checked_mul(en, disp), checked_mul(en, comb));
    const Bytes signaling = round_up(checked_mul(4, experts), 128);
    return checked_mul(2, checked_add(checked_add(send, recv), signaling));
}

Bytes all2all_buffer_bytes(All2allBackend backend, bool expert_parallel, bool internode, std::uint64_t hidden,
                           std::uint64_t experts, std::uint64_t tokens) {
    if (!expert_parallel) {
        return 0;   // all-to-all managers are built only for EP MoE layers (fused_moe/all2all_utils.py @main)
    }
    switch (backend) {
    case All2allBackend::deepep_high_throughput:
        // DeepEPHTAll2AllManager: NVL buffer, RDMA buffer of the same size only across nodes
        // (distributed/device_communicators/all2all.py:210-240 @main).
        return internode ? checked_mul(2, k_deepep_nvl_buffer) : k_deepep_nvl_buffer;
    case All2allBackend::deepep_low_latency:
        // DeepEPLLAll2AllManager (all2all.py:271-330 @main): NVL buffer + low-latency RDMA buffer.
        return checked_add(k_deepep_nvl_buffer, deepep_low_latency_rdma_bytes(hidden, experts, tokens));
    case All2allBackend::allgather_reducescatter:
    case All2allBackend::other:
        return 0;
    }
    return 0;
}

Topology deployment_topology(std::uint32_t tp, std::uint32_t pp, std::uint32_t dp, std::uint64_t gpus_per_node) {
    Topology t;
    t.gpus_per_engine = checked_mul(tp, pp);
    t.engines = std::max<std::uint64_t>(dp, 1);
    t.gpus = checked_mul(t.gpus_per_engine, t.engines);
    t.gpus_per_node = std::max<std::uint64_t>(gpus_per_node, 1);
    t.nodes = cdiv(t.gpus, t.gpus_per_node);
    return t;
}

void apply_decode_context_parallel(KvGeometry& g, std::uint32_t d) {
    if (d <= 1) {
        return;
    }
    for (KvLayerType& t : g.types) {
        if (t.block_size > 0) {
            t.block_size = checked_mul(t.block_size, d);
        }
    }
    g.block_size = checked_mul(g.block_size, d);
    g.bytes_per_token = cdiv(g.bytes_per_token, d);
    g.block_size_reason += ", ×" + std::to_string(d) + " tokens per block with decode context parallel (addendum 3 §22.5)";
}

} // namespace vramplan
