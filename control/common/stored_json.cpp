#include "control/common/stored_json.hpp"

#include "strict_json/strict_json.hpp"

namespace vergegrid::control {

nlohmann::json stored_document_or_null(const std::string& text) {
    if (text.empty()) {
        return nullptr;
    }
    try {
        return strict_json::parse(text);
    } catch (const strict_json::Refused&) {
        return nullptr;
    }
}

}  // namespace vergegrid::control
