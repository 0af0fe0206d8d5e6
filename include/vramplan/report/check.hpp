#pragma once
/// `vramplan check` reports: text, JSON, GitHub Actions annotations and JUnit XML.

#include <vramplan/policy.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace vramplan {

/// The broken rule with its numbers ("utilization 0.93 exceeds policy 0.90").
std::string violation_message(const Violation& violation);

std::string render_check_text(const std::vector<DeploymentCheck>& results);
nlohmann::json check_json(const std::vector<DeploymentCheck>& results);
std::string render_check_github(const std::vector<DeploymentCheck>& results);
std::string render_check_junit(const std::vector<DeploymentCheck>& results);

/// "deploy/serve.sh:12" (the path alone for line 0).
std::string check_location(const DeploymentCheck& result, std::size_t line);

} // namespace vramplan
