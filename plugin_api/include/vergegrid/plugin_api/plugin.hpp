// What one plugin shared object exports: a single entry point returning a descriptor.
#pragma once

#include <boost/config.hpp>
#include <boost/dll/alias.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "vergegrid/plugin_api/abi.hpp"
#include "vergegrid/plugin_api/build_key.hpp"
#include "vergegrid/plugin_api/kinds.hpp"
#include "vergegrid/plugin_api/logger.hpp"

namespace vergegrid::plugin_api {

// Base of every object a plugin creates (since 1.0).
// OWNERSHIP: the host owns every object create() returns and deletes it through this virtual
// destructor; it keeps the shared object loaded until then.
class BOOST_SYMBOL_VISIBLE PluginObject {
  public:
    virtual ~PluginObject() = default;
};

// IN (since 1.0). The plugin's own configuration section ([<kind>.<name>] in the INI file, after
// environment overrides). Only the keys the descriptor declares in config_keys ever appear here.
using ConfigSection = std::map<std::string, std::string>;

// Thrown by create() for a bad value (since 1.0); the host reports "<section>.<key>: <message>".
// The host turns it into text in the catch block: the exception object never outlives the call.
class BOOST_SYMBOL_VISIBLE ConfigError : public std::runtime_error {
  public:
    ConfigError(std::string key, const std::string& message)
        : std::runtime_error(message), key_(std::move(key)) {}
    const std::string& key() const noexcept { return key_; }

  private:
    std::string key_;
};

// IN (host fills; may grow at the end: a plugin never reads past what its headers declare).
// Everything the host lends a plugin while creating an object.
// OWNERSHIP: the host owns the struct and what it refers to, for the duration of create() only:
// copy `config` and `data_dir` if needed later. `logger` is shared: the plugin may keep the
// shared_ptr as long as it likes (the host's sinks outlive it).
struct HostContext {
    AbiVersion host_abi;  // since 1.0: the ABI the host speaks (never older than the plugin's)
    // since 1.0: never null when the host creates an object (LoadedPlugin::create refuses a
    // context without one), so a plugin need not check it.
    std::shared_ptr<Logger> logger;
    const ConfigSection& config;  // since 1.0: the plugin's section, keys already checked
    // since 1.0: a directory the plugin may keep embedded state in (SQLite files): the control
    // plane's data directory, or the bridge's state directory for the plugins the bridge loads.
    std::string data_dir;
};

// OUT (plugin fills; size-first, fields only ever appended). Standard-layout, read by the host
// before any C++ object of the plugin is used; struct_size tells the host which fields this
// plugin's build has (ABI 1.0 ends at `create`, 1.4 adds `build_key`).
// OWNERSHIP: the plugin's. The descriptor and every string and list it points to have static
// storage duration and live as long as the library is loaded; the host copies what it keeps.
struct PluginDescriptor {
    std::uint32_t struct_size;  // since 1.0: sizeof(PluginDescriptor) as the plugin compiled it
    std::uint16_t abi_major;    // since 1.0: kAbiMajor of the plugin's headers
    std::uint16_t abi_minor;    // since 1.0: kAbiMinor of the plugin's headers
    const char* kind;           // since 1.0: one of kind::kKnown
    const char* name;           // since 1.0: unique per kind, [a-z0-9-]+
    const char* version;        // since 1.0: the plugin's own semantic version
    const char* summary;        // since 1.0: one line for listings
    // since 1.0: null-terminated list of the keys the plugin accepts in its config section. The
    // host reports any other key at start-up without creating an object.
    const char* const* config_keys;
    // since 1.0: returns a new object; OWNERSHIP passes to the host, which deletes it through
    // PluginObject's virtual destructor before it unloads the library. May throw ConfigError or
    // any std::exception; the host turns the exception into a message before the library can be
    // unloaded.
    PluginObject* (*create)(const HostContext& host);
    // since 1.4: the compiler, standard library and layout-changing flags the plugin was built
    // with (build_key.hpp). Leave it out of the initializer: the default is the key of the
    // plugin's own translation unit. The host refuses a plugin whose key differs from its own.
    const char* build_key = VERGEGRID_BUILD_KEY;
};

using EntryPoint = const PluginDescriptor*();

}  // namespace vergegrid::plugin_api

// Exports `function` (a `const PluginDescriptor* ()`) as the plugin's one entry point. Use it once
// per shared object, at namespace scope.
#define VERGEGRID_PLUGIN(function) BOOST_DLL_ALIAS(function, vergegrid_plugin)
