#pragma once
/// `vramplan accuracy` reports: per-record errors and summary groups, as text or JSON.

#include <vramplan/io/accuracy.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace vramplan {

std::string render_accuracy_text(const std::vector<RecordScore>& scores, const std::vector<AccuracySummaryRow>& summary);
nlohmann::json accuracy_json(const std::vector<RecordScore>& scores, const std::vector<AccuracySummaryRow>& summary);

} // namespace vramplan
