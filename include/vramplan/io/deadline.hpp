#pragma once
/// The run's deadline for work outside the process: every Hugging Face Hub request
/// (io/hub.hpp) and nvidia-smi (io/gpu_detect.hpp). One per process, set once by the CLI from
/// `--timeout SECONDS` (default k_default_timeout_s) before the command runs; each wait gets the
/// smaller of its own limit and the time left, so a run ends within the deadline plus a moment.

#include <chrono>
#include <cstdint>
#include <string>

namespace vramplan {

/// The default deadline: 60 s for all the outside work of one run (two Hub requests at the
/// per-request limit of 30 s, src/io/hub_fetch.cpp).
inline constexpr std::uint64_t k_default_timeout_s = 60;
/// The largest `--timeout`: one day.
inline constexpr std::uint64_t k_max_timeout_s = 86'400;

/// Starts the run's deadline: `seconds` from now. Called once by the CLI; a later call restarts it.
void set_run_deadline(std::uint64_t seconds);

/// The deadline's length in seconds, as given (k_default_timeout_s when never set).
std::uint64_t run_timeout_s();

/// Time left before the deadline, never negative (zero once it has passed). When the deadline
/// was never set it starts at the first call, k_default_timeout_s long.
std::chrono::milliseconds run_time_left();

/// `limit`, or less when less is left of the run's deadline.
std::chrono::milliseconds bounded_by_deadline(std::chrono::milliseconds limit);

/// "the run's 60 s deadline (--timeout 60)", for messages.
std::string deadline_words();

} // namespace vramplan
