#pragma once
/// The accounting identities every worker of every plan must satisfy (core accounting_error).

#include <vramplan/plan.hpp>

#include <catch2/catch.hpp>

namespace vramplan::test {

inline void check_invariants(const Plan& p) {
    INFO(p.request.model.architecture << " on " << p.request.gpu.id);
    CHECK(accounting_error(p) == "");
}

} // namespace vramplan::test
