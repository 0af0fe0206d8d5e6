#pragma once
/// `vramplan compare` reports: columns per scenario with deltas against the first, wrapped into
/// blocks that fit the terminal; Markdown for pull requests; JSON.

#include <vramplan/compare.hpp>
#include <vramplan/report/render.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace vramplan {

/// One compared scenario: its column label, its plan and the model's display name.
struct ComparedScenario {
    std::string label;
    Plan plan;
    std::string model;
};

std::string render_compare_text(const std::vector<ComparedScenario>& scenarios, std::size_t width);
std::string render_compare_markdown(const std::vector<ComparedScenario>& scenarios);
nlohmann::json compare_json(const std::vector<ComparedScenario>& scenarios);

} // namespace vramplan
