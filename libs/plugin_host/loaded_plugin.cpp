#include "plugin_host/loaded_plugin.hpp"

namespace vergegrid::plugin_host {

LoadedPlugin::LoadedPlugin(std::shared_ptr<boost::dll::shared_library> library,
                           const plugin_api::PluginDescriptor* descriptor, PluginRecord record)
    : library_(std::move(library)), descriptor_(descriptor), record_(std::move(record)) {}

std::unique_ptr<plugin_api::PluginObject> LoadedPlugin::create_object(
    const plugin_api::HostContext& host) const {
    // plugin_api promises plugins a logger (HostContext::logger is never null).
    if (!host.logger) {
        throw PluginCreateError("plugin " + id() + ": the host passed no logger");
    }
    plugin_api::PluginObject* object = nullptr;
    try {
        object = descriptor_->create(host);
    } catch (const plugin_api::ConfigError& e) {
        const std::string key = record_.kind + "." + record_.name + "." + e.key();
        PluginCreateError error(key + ": " + e.what());
        error.config_key = key;
        error.config_message = e.what();
        throw error;
    } catch (const std::exception& e) {
        throw PluginCreateError("plugin " + id() + " failed to create its object: " + e.what());
    } catch (...) {
        throw PluginCreateError("plugin " + id() +
                                " failed to create its object (unknown exception)");
    }
    if (object == nullptr) {
        throw PluginCreateError("plugin " + id() + " returned no object");
    }
    return std::unique_ptr<plugin_api::PluginObject>(object);
}

}  // namespace vergegrid::plugin_host
