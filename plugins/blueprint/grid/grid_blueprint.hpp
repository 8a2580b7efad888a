// Blueprint "grid": a continent of columns x rows regions of one template, the south-west one at
// <x,y>, `gap` empty cells between neighbours; named <prefix>-1 ... <prefix>-K row by row from the
// south-west corner (west to east, then northwards).
#pragma once

#include "vergegrid/plugin_api/blueprint.hpp"

namespace vergegrid::blueprint {

class GridBlueprint : public plugin_api::Blueprint {
  public:
    std::string describe() const override;
    std::vector<std::string> plan(const plugin_api::BlueprintInput& input) const override;
};

}  // namespace vergegrid::blueprint
