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
#include "vergegrid/plugin_api/kinds.hpp"
#include "vergegrid/plugin_api/logger.hpp"

namespace vergegrid::plugin_api {

// Base of every object a plugin creates. The host deletes it through this virtual destructor
// and keeps the shared object loaded until then.
class BOOST_SYMBOL_VISIBLE PluginObject {
  public:
    virtual ~PluginObject() = default;
};

// The plugin's own configuration section ([<kind>.<name>] in the INI file, after environment
// overrides). Only the keys the descriptor declares in config_keys ever appear here.
using ConfigSection = std::map<std::string, std::string>;

// Thrown by create() for a bad value; the host reports "<section>.<key>: <message>".
class BOOST_SYMBOL_VISIBLE ConfigError : public std::runtime_error {
  public:
    ConfigError(std::string key, const std::string& message)
        : std::runtime_error(message), key_(std::move(key)) {}
    const std::string& key() const noexcept { return key_; }

  private:
    std::string key_;
};

// Everything the host lends a plugin while creating an object. The references are valid for the
// duration of create() only; keep the shared_ptr to the logger if you need it later.
struct HostContext {
    AbiVersion host_abi;
    std::shared_ptr<Logger> logger;
    const ConfigSection& config;
    std::string data_dir;  // the control plane's data directory, for embedded state
};

// Standard-layout, read by the host before any C++ object of the plugin is used. Fields are only
// ever appended; struct_size tells the host which of them this plugin's build has.
struct PluginDescriptor {
    std::uint32_t struct_size;
    std::uint16_t abi_major;
    std::uint16_t abi_minor;
    const char* kind;     // one of kind::kKnown
    const char* name;     // unique per kind, [a-z0-9-]+
    const char* version;  // the plugin's own semantic version
    const char* summary;  // one line for listings
    // Null-terminated list of the keys the plugin accepts in its config section. The host
    // reports any other key at start-up without creating an object.
    const char* const* config_keys;
    // Returns a new object the caller owns. May throw ConfigError or any std::exception; the
    // host turns the exception into a message before the library can be unloaded.
    PluginObject* (*create)(const HostContext& host);
};

using EntryPoint = const PluginDescriptor*();

}  // namespace vergegrid::plugin_api

// Exports `function` (a `const PluginDescriptor* ()`) as the plugin's one entry point. Use it once
// per shared object, at namespace scope.
#define VERGEGRID_PLUGIN(function) BOOST_DLL_ALIAS(function, vergegrid_plugin)
