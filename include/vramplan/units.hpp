#pragma once
/// Units at the edges: how bytes, counts and fractions are written for people. One rule per
/// quantity, used by every command and format (house style: GiB = 2^30 and GB = 10^9 appear only
/// when rendering and parsing, always labelled). Locale-independent.

#include <vramplan/bytes.hpp>

#include <cstdint>
#include <string>

namespace vramplan {

/// Thousands separators ("476,016").
std::string grouped(std::uint64_t n);

/// Concurrency as vLLM prints it (`Maximum concurrency for L tokens per request: {:.2f}x`,
/// vllm/v1/core/kv_cache_utils.py): rounded to two decimals. The one rule for every command and
/// format, so one plan shows the same figure everywhere.
double round_concurrency(double concurrency);

} // namespace vramplan
