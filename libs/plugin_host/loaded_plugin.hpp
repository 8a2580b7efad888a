// A plugin whose descriptor the host accepted. Every object it creates holds the shared object
// loaded: the library is unloaded only after the registry has let go of the plugin AND the last
// object made from it has died, so a swap never pulls code from under a running call.
#pragma once

#include <boost/core/demangle.hpp>
#include <boost/dll/shared_library.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <typeinfo>

#include "plugin_host/plugin_record.hpp"
#include "vergegrid/plugin_api/plugin.hpp"

namespace vergegrid::plugin_host {

// Thrown when a plugin fails to create an object; the message names the plugin. The plugin's own
// exception has been turned into text already, so nothing of the plugin outlives this call.
class PluginCreateError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
    // Set when the plugin threw plugin_api::ConfigError: the full key ("storage.sqlite.path")
    // and the plugin's message without the key.
    std::string config_key;
    std::string config_message;
};

class LoadedPlugin {
  public:
    LoadedPlugin(std::shared_ptr<boost::dll::shared_library> library,
                 const plugin_api::PluginDescriptor* descriptor, PluginRecord record);

    const PluginRecord& record() const noexcept { return record_; }
    std::string id() const { return record_.kind + "/" + record_.name; }
    // Its config section and logger name: "placement.basic-rules".
    std::string section_name() const { return record_.kind + "." + record_.name; }

    // Creates an object and checks that it implements Interface (the kind's interface).
    template <typename Interface>
    std::shared_ptr<Interface> create(const plugin_api::HostContext& host) const {
        std::unique_ptr<plugin_api::PluginObject> object = create_object(host);
        auto* typed = dynamic_cast<Interface*>(object.get());
        if (typed == nullptr) {
            throw PluginCreateError("plugin " + id() + " (" + record_.file.string() +
                                    ") created an object that does not implement " +
                                    boost::core::demangle(typeid(Interface).name()));
        }
        object.release();
        // The deleter owns a reference to the library: the object is destroyed first, then the
        // reference is dropped, possibly unloading the code the destructor just ran.
        return std::shared_ptr<Interface>(typed, [library = library_](Interface* p) { delete p; });
    }

  private:
    std::unique_ptr<plugin_api::PluginObject> create_object(
        const plugin_api::HostContext& host) const;

    std::shared_ptr<boost::dll::shared_library> library_;
    const plugin_api::PluginDescriptor* descriptor_;
    PluginRecord record_;
};

}  // namespace vergegrid::plugin_host
