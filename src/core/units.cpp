#include <vramplan/units.hpp>

#include <cmath>

namespace vramplan {

std::string grouped(std::uint64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    const std::size_t lead = digits.size() % 3;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i != 0 && (i % 3) == lead) {
            out += ',';
        }
        out += digits[i];
    }
    return out;
}

double round_concurrency(double concurrency) { return std::round(concurrency * 100.0) / 100.0; }

} // namespace vramplan
