#include "control/common/expected_version.hpp"

#include "control/domain/domain_error.hpp"

namespace vergegrid::control {

void check_expected_version(const std::optional<plugin_api::SemVer>& expected,
                            const plugin_api::SemVer& current) {
    if (expected && *expected != current) {
        throw DomainError(Fault::precondition_failed, "version_mismatch",
                          "the entity is at version " + current.to_string() + ", not " +
                              expected->to_string() + "; reload and retry",
                          "If-Match");
    }
}

}  // namespace vergegrid::control
