// Blueprint plugin "island-chain" (ABI 1.11): the entry point. No config keys: every choice is a
// parameter of the plan.
#include "island_chain_blueprint.hpp"

namespace {

namespace api = vergegrid::plugin_api;

api::PluginObject* create(const api::HostContext&) {
    return new vergegrid::blueprint::IslandChainBlueprint();
}

const char* const kConfigKeys[] = {nullptr};

const api::PluginDescriptor kDescriptor{
    sizeof(api::PluginDescriptor),
    api::kAbiMajor,
    api::kAbiMinor,
    "blueprint",
    "island-chain",
    VG_BLUEPRINT_VERSION,
    "K islands of one template from <x,y> in one direction, water between them",
    kConfigKeys,
    &create,
};

const api::PluginDescriptor* describe() {
    return &kDescriptor;
}

}  // namespace

VERGEGRID_PLUGIN(describe)
