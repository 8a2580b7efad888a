// The template and estate a blueprint's regions are made of, found in the grid facts the control
// plane hands a plan (BlueprintInput), by id or by name (names ignoring letter case, as the
// control plane compares them).
#pragma once

#include <string>

#include "vergegrid/plugin_api/blueprint.hpp"

namespace vergegrid::blueprint {

struct TemplateFacts {
    std::string id;
    int cells_x = 1;  // the template's footprint in grid cells (256 m each)
    int cells_y = 1;
};

// The template named by parameter `field` (`wanted`: its id or name). Throws ParameterError.
TemplateFacts find_template(const plugin_api::BlueprintInput& input, const std::string& field,
                            const std::string& wanted);

// The estate named by `wanted` (id or name); empty `wanted`: the grid's only estate. Throws
// ParameterError naming `field`.
std::string find_estate(const plugin_api::BlueprintInput& input, const std::string& field,
                        const std::string& wanted);

}  // namespace vergegrid::blueprint
