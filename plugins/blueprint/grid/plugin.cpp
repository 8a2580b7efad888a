// Blueprint plugin "grid" (ABI 1.11): the entry point. No config keys: every choice is a parameter
// of the plan.
#include "grid_blueprint.hpp"

namespace {

namespace api = vergegrid::plugin_api;

api::PluginObject* create(const api::HostContext&) {
    return new vergegrid::blueprint::GridBlueprint();
}

const char* const kConfigKeys[] = {nullptr};

const api::PluginDescriptor kDescriptor{
    sizeof(api::PluginDescriptor),
    api::kAbiMajor,
    api::kAbiMinor,
    "blueprint",
    "grid",
    VG_BLUEPRINT_VERSION,
    "an N x M continent of one template at <x,y>, named <prefix>-1 ... <prefix>-K",
    kConfigKeys,
    &create,
};

const api::PluginDescriptor* describe() {
    return &kDescriptor;
}

}  // namespace

VERGEGRID_PLUGIN(describe)
