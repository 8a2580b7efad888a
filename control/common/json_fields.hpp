// A JSON document's fields by dotted path ("environment.water_height"): what the change lists of
// a region's and a template's versions compare, field by field. Objects are walked into; arrays
// (a parcel layout) stay one value.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace vergegrid::control {

using JsonFields = std::map<std::string, nlohmann::json>;

JsonFields json_fields(const nlohmann::json& document);

}  // namespace vergegrid::control
