#pragma once
/// Shared by the fuzz targets. Each target is one function over arbitrary bytes: built with
/// libFuzzer it is `LLVMFuzzerTestOneInput` (one binary per target, `-DVRAMPLAN_BUILD_FUZZERS=ON`
/// with clang); built into the test suite it is `vramplan_fuzz_<name>`, which
/// `vramplan_fuzz_replay` runs over the seeds and every input that ever crashed (fuzz/regressions).
///
/// The contract a target checks: bad input ends in InputError (printed as one line, exit 2) or
/// OverflowError (a byte count beyond 64 bits, also exit 2). Any other exception escapes and is a
/// finding, as is a crash, a sanitizer report, a broken invariant (`fail`), a timeout or an
/// allocation beyond the run's limit.

#include <vramplan/bytes.hpp>
#include <vramplan/io/errors.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#ifdef VRAMPLAN_FUZZ_REPLAY
#define VRAMPLAN_FUZZ_TARGET(name) extern "C" int vramplan_fuzz_##name(const std::uint8_t* data, std::size_t size)
#else
#define VRAMPLAN_FUZZ_TARGET(name) extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
#endif

namespace vramplan::fuzz {

inline std::string text(const std::uint8_t* data, std::size_t size) { return {reinterpret_cast<const char*>(data), size}; }

/// A broken invariant: report it and abort, so libFuzzer keeps the input.
[[noreturn]] inline void fail(const std::string& what) {
    std::fprintf(stderr, "vramplan fuzz: invariant broken: %s\n", what.c_str());
    std::abort();
}

/// Runs `f`; the two errors bad input is meant to end in are the expected outcome. Returns
/// whether `f` completed.
template <class F>
bool accepts(F&& f) {
    try {
        f();
        return true;
    } catch (const InputError& e) {
        if (std::string_view(e.what()).empty()) {
            fail("InputError without a message");
        }
    } catch (const OverflowError&) {
    }
    return false;
}

} // namespace vramplan::fuzz
