// Migration plugin "oar" (ABI 1.6): the entry point. No config keys: warm or cold, waiting for an
// empty region or not, are the operator's choice per move, not the plugin's.
#include "oar_plan.hpp"

namespace {

namespace api = vergegrid::plugin_api;

api::PluginObject* create(const api::HostContext&) {
    return new vergegrid::migration::OarStrategy();
}

const char* const kConfigKeys[] = {nullptr};

const api::PluginDescriptor kDescriptor{
    sizeof(api::PluginDescriptor),
    api::kAbiMajor,
    api::kAbiMinor,
    "migration",
    "oar",
    VG_MIGRATION_OAR_VERSION,
    "moves a region as its OpenSim archive: snapshot on the source, load on the target, cold or "
    "warm",
    kConfigKeys,
    &create,
};

const api::PluginDescriptor* describe() {
    return &kDescriptor;
}

}  // namespace

VERGEGRID_PLUGIN(describe)
