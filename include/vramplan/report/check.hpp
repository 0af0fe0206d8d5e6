#pragma once
/// `vramplan check` reports: text, JSON, GitHub Actions annotations and JUnit XML.

#include <vramplan/policy.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace vramplan {

/// The broken rule with its numbers ("utilization 0.93 exceeds policy 0.90").
std::string violation_message(const Violation& violation);

/// A block per deployment ("PASS|FAIL LOCATION: model on GPU (vLLM …)", its numbers, the broken
/// rules with their fixes, notes) and a summary line. Given a `width`, each first line wraps at
/// word boundaries under the location (column 5), as the numbers below it are indented; the
/// other lines are left to wrap_text at the edge. The default keeps one line per finding.
std::string render_check_text(const std::vector<DeploymentCheck>& results, std::size_t width = std::string::npos);
nlohmann::json check_json(const std::vector<DeploymentCheck>& results);
std::string render_check_github(const std::vector<DeploymentCheck>& results);
std::string render_check_junit(const std::vector<DeploymentCheck>& results);

/// "deploy/serve.sh:12" (the path alone for line 0).
std::string check_location(const DeploymentCheck& result, std::size_t line);

} // namespace vramplan
