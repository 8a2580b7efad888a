// Kind "blueprint" (since 1.11): a set of regions made from a few parameters ("a 3x4 continent of
// template Mainland at <1000,1000>, names Mainland-1..."; docs/blueprints.md). The plugin only
// plans: from the operator's parameters and the grid facts the control plane hands it, it names
// the regions to create. The control plane checks every one with the real create rules (names,
// overlap, ports, capacity, placement) and creates all of them in one transaction, or none.
// Built in: `grid` and `island-chain`; the SDK's examples/hello-blueprint shows a third-party one.
#pragma once

#include <boost/config.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/plugin.hpp"

namespace vergegrid::plugin_api {

// Thrown by Blueprint::plan for parameters it cannot use. Since 1.11. The control plane answers
// 400 invalid_field naming `parameters.<field>` with the message.
class BOOST_SYMBOL_VISIBLE ParameterError : public std::runtime_error {
  public:
    ParameterError(std::string field, const std::string& message)
        : std::runtime_error(message), field_(std::move(field)) {}
    // The parameter at fault ("columns", "template").
    const std::string& field() const noexcept { return field_; }

  private:
    std::string field_;
};

// IN (may grow at the end). Since 1.11. What one plan is made from; every member is JSON text.
// OWNERSHIP: the host's, for the duration of the call only.
struct BlueprintInput {
    // The operator's parameters: a JSON object, exactly as sent (the plugin checks them against
    // its own schema: types, ranges, defaults).
    std::string parameters;
    // The grid's templates at their latest version: [{"id","name","size_x","size_y","version"}],
    // sizes in metres.
    std::string templates;
    // The grid's estates: [{"id","name"}].
    std::string estates;
};

// Since 1.11 (every method below). Both methods are const and thread-safe: the control plane
// calls them from any request thread at once.
// OWNERSHIP: the host owns the object (PluginObject).
class BOOST_SYMBOL_VISIBLE Blueprint : public PluginObject {
  public:
    // What the blueprint makes and the parameters it takes, as JSON text:
    // {"description": "...", "parameters": <a JSON Schema object: {"type":"object",
    //  "properties": {<name>: {"type","description","minimum"?,"maximum"?,"default"?,"enum"?}},
    //  "required": [...]}>}. Read once when the control plane starts.
    virtual std::string describe() const = 0;

    // The regions to create, in order: each a region-create request body as POST
    // /api/v1/regions takes it (JSON object text: name, estate_id, template_id, loc_x, loc_y,
    // ...). Throws ParameterError naming the parameter for bad parameters; any other
    // std::exception is the plugin's failure (the control plane answers 500).
    virtual std::vector<std::string> plan(const BlueprintInput& input) const = 0;
};

}  // namespace vergegrid::plugin_api
