#pragma once
/// The one number grammar of every flag and file field (issue 16): a decimal number, with a unit
/// suffix only where the field takes one; no spaces before, after or inside, no sign, no hex
/// (`0x10`), no `_` separators, no inf/nan; empty is an error. Every error is an InputError naming
/// the subject (a flag, or "FILE: /key") and quoting the text.
/// Sizes: "79.19GiB", "81559MiB", "80GB", "40G", "1K", "1073741824".

#include <vramplan/bytes.hpp>

#include <string>
#include <vector>

namespace vramplan {

/// Parses a size. Binary units: KiB MiB GiB TiB and vLLM's upper-case K M G T; decimal units:
/// KB MB GB TB and vLLM's lower-case k m g t (vLLM `human_readable_int`); a bare number is bytes.
/// Fractions are rounded to the nearest byte. Throws InputError naming `flag`.
Bytes parse_size(const std::string& text, const std::string& flag);

/// A plain decimal integer from `min` to `max` (vLLM's argparse `type=int` flags, integer file
/// fields): digits only.
std::uint64_t parse_integer(const std::string& text, const std::string& subject, std::uint64_t min, std::uint64_t max);

/// A decimal real number (DIGITS[.DIGITS][e[+-]DIGITS], as Python's float() reads it less its
/// spaces, sign, inf and nan) from `min` (inclusive or not) to `max`.
double parse_real(const std::string& text, const std::string& subject, double min, double max, bool min_inclusive = true);

/// Parses a decimal number in (0, 1] the way Python's float() does, locale-independently.
double parse_fraction(const std::string& text, const std::string& flag);

/// Parses a positive integer from `min` to `max` with vLLM's human_readable_int suffixes: k m g t
/// multiply by powers of 1000 (a decimal allowed, truncated: "25.6k" = 25600), K M G T by powers
/// of 1024 (integers only: "32K" = 32768); a bare number is itself.
std::uint64_t parse_count(const std::string& text, const std::string& flag, std::uint64_t max, std::uint64_t min = 1);

/// Fractions as a range START:STOP:STEP ("0.2:0.95:0.05", steps of 0.01 at the finest, rounded to
/// 4 decimals) or a comma-separated list ("0.3,0.5,0.9"). Throws InputError naming `flag`.
std::vector<double> parse_fraction_list(const std::string& text, const std::string& flag);

} // namespace vramplan
