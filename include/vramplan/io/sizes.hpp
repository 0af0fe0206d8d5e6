#pragma once
/// Memory sizes typed by users: "79.19GiB", "81559MiB", "80GB", "40G", "1K", "1073741824".

#include <vramplan/bytes.hpp>

#include <string>
#include <vector>

namespace vramplan {

/// Parses a size. Binary units: KiB MiB GiB TiB and vLLM's upper-case K M G T; decimal units:
/// KB MB GB TB and vLLM's lower-case k m g t (vLLM `human_readable_int`); a bare number is bytes.
/// Fractions are rounded to the nearest byte. Throws InputError naming `flag`.
Bytes parse_size(const std::string& text, const std::string& flag);

/// Parses a decimal number in (0, 1] the way Python's float() does, locale-independently.
double parse_fraction(const std::string& text, const std::string& flag);

/// Parses a positive integer from `min` to `max` (accepts vLLM's k/K suffixes: "32k" = 32000, "32K" = 32768).
std::uint64_t parse_count(const std::string& text, const std::string& flag, std::uint64_t max, std::uint64_t min = 1);

/// Fractions as a range START:STOP:STEP ("0.2:0.95:0.05", steps of 0.01 at the finest, rounded to
/// 4 decimals) or a comma-separated list ("0.3,0.5,0.9"). Throws InputError naming `flag`.
std::vector<double> parse_fraction_list(const std::string& text, const std::string& flag);

} // namespace vramplan
