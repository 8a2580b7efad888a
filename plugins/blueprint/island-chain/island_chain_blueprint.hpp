// Blueprint "island-chain": `count` islands of one template in a line from <x,y> towards
// `direction` (east, north, north-east, ...), `water` empty cells of sea between one island and
// the next; named <prefix>-1 (at <x,y>) ... <prefix>-K.
#pragma once

#include "vergegrid/plugin_api/blueprint.hpp"

namespace vergegrid::blueprint {

class IslandChainBlueprint : public plugin_api::Blueprint {
  public:
    std::string describe() const override;
    std::vector<std::string> plan(const plugin_api::BlueprintInput& input) const override;
};

}  // namespace vergegrid::blueprint
