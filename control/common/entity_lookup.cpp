#include "control/common/entity_lookup.hpp"

#include "control/domain/domain_error.hpp"

namespace vergegrid::control {

namespace {
template <typename T>
T found_or_404(std::optional<T> entity, const std::string& what, const std::string& id) {
    if (!entity) {
        throw DomainError::not_found("no " + what + " with id '" + id + "'");
    }
    return std::move(*entity);
}
}  // namespace

plugin_api::Estate existing_estate(plugin_api::StorageTransaction& tx, const std::string& id) {
    return found_or_404(tx.find_estate(id), "estate", id);
}

plugin_api::Template existing_template(plugin_api::StorageTransaction& tx, const std::string& id) {
    return found_or_404(tx.find_template(id), "template", id);
}

plugin_api::Region existing_region(plugin_api::StorageTransaction& tx, const std::string& id) {
    return found_or_404(tx.find_region(id), "region", id);
}

}  // namespace vergegrid::control
