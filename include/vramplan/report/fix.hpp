#pragma once
/// Fixes (fix.hpp) as people type them: "--gpu-memory-utilization 0.73 --max-model-len 8192".

#include <vramplan/fix.hpp>

#include <string>
#include <vector>

namespace vramplan {

/// The flags to set, or what to do.
std::string fix_text(const Fix& fix);
/// Each fix's text, in order.
std::vector<std::string> fix_texts(const std::vector<Fix>& fixes);

} // namespace vramplan
