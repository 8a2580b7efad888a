// The VergeGrid estate a region belongs to, as the operation spec carries it ("estate": {"id",
// "name", "owner"}), and its owner in the two forms OpenSim takes: an avatar UUID, or the avatar's
// first and last name.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace vergegrid::bridge {

struct EstateSpec {
    std::string id;     // VergeGrid's estate id (a UUID); OpenSim never sees it
    std::string name;   // the OpenSim estate the region joins, by name; "" = the default estate
    std::string owner;  // "First Last", an avatar UUID, or "" (the VergeGrid estate has none)

    bool operator==(const EstateSpec&) const = default;
};

struct EstateOwner {
    std::string uuid;  // set when the owner was given as a UUID (lowercased)
    std::string first;
    std::string last;

    bool empty() const { return uuid.empty() && first.empty(); }
    // "First Last" or the UUID, for messages.
    std::string text() const { return uuid.empty() ? first + " " + last : uuid; }
};

// spec["estate"]; an empty spec when absent (a control plane older than issue 12: the simulator's
// default estate). Throws std::invalid_argument naming the field when it is not an object of
// strings.
EstateSpec estate_from_spec(const nlohmann::json& spec);

// A UUID (any case, with dashes) or two words; "" is the empty owner. Throws
// std::invalid_argument otherwise (OpenSim names are exactly two words, no spaces inside either).
EstateOwner parse_estate_owner(std::string_view text);

nlohmann::json estate_to_json(const EstateSpec& estate);
EstateSpec estate_from_json(const nlohmann::json& json);  // desired.json; absent keys are ""

}  // namespace vergegrid::bridge
