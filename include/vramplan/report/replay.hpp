#pragma once
/// `vramplan calibrate --check`: a replayed log's terms, logged beside predicted.

#include <vramplan/io/replay.hpp>

#include <string>

namespace vramplan {

std::string render_replay_check(const std::string& path, const Replayed& replayed);

} // namespace vramplan
