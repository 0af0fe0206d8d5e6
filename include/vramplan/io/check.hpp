#pragma once
/// `vramplan check` over deployments as written: each deployment planned for every vLLM release
/// the policy names, and judged by core policy evaluation (policy.hpp).

#include <vramplan/io/catalog.hpp>
#include <vramplan/io/deployment.hpp>
#include <vramplan/policy.hpp>

#include <optional>
#include <string>
#include <vector>

namespace vramplan {

/// What the command line adds to every deployment.
struct CheckInputs {
    std::string gpu_memory;              ///< --gpu-memory, as written ("" when not given)
    std::string other_processes_memory;  ///< --other-processes-memory, as written
};

/// One result per deployment and release, in order. A deployment that cannot be planned (bad
/// input inside it) gets one result with `error` set, worded for the deployment ("the
/// deployment's model …"), and is not tried for the other releases.
std::vector<DeploymentCheck> check_deployments(const Catalog& catalog, const std::vector<Deployment>& deployments, const Policy& policy,
                                               const CheckInputs& inputs, const std::optional<RestoreFit>& restore_fit);

} // namespace vramplan
