// The run's deadline for outside work (io/deadline.hpp).
#include <vramplan/io/deadline.hpp>

#include <algorithm>
#include <optional>

namespace vramplan {

namespace {

using Clock = std::chrono::steady_clock;

struct Deadline {
    std::uint64_t seconds = k_default_timeout_s;
    std::optional<Clock::time_point> end;
};

Deadline& deadline() {
    static Deadline d;
    return d;
}

} // namespace

void set_run_deadline(std::uint64_t seconds) {
    seconds = std::min(seconds, k_max_timeout_s);
    deadline() = Deadline{seconds, Clock::now() + std::chrono::seconds(seconds)};
}

std::uint64_t run_timeout_s() { return deadline().seconds; }

std::chrono::milliseconds run_time_left() {
    Deadline& d = deadline();
    if (!d.end) {
        d.end = Clock::now() + std::chrono::seconds(d.seconds);
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*d.end - Clock::now());
    return std::max(left, std::chrono::milliseconds(0));
}

std::chrono::milliseconds bounded_by_deadline(std::chrono::milliseconds limit) { return std::min(limit, run_time_left()); }

std::string deadline_words() {
    const std::string s = std::to_string(run_timeout_s());
    return "the run's " + s + " s deadline (--timeout " + s + ")";
}

} // namespace vramplan
