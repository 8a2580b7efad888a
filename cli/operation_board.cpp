#include "cli/operation_board.hpp"

#include <algorithm>

namespace vergegrid::cli {

Json change_document(const OperationChange& change) {
    return Json{
        {"change", change.change},
        {"previous_state", change.previous_state.empty() ? Json() : Json(change.previous_state)},
        {"operation", change.operation}};
}

std::string change_line(const OperationChange& change) {
    const Json& op = change.operation;
    std::string line = "operation " + member_text(op, "id") + " (" + member_text(op, "kind") +
                       ", region " + member_text(op, "region_id") + " " +
                       member_text(op, "region_version") + ", simulator " +
                       member_text(op, "simulator_id") + "): ";
    if (change.change == "updated") {
        return line + cell(Json(change.previous_state)) + " -> " + member_text(op, "state");
    }
    return line + (change.change == "added" ? "new, " : "") + member_text(op, "state");
}

bool OperationBoard::shown(const std::string& state) const {
    return states_.empty() || std::find(states_.begin(), states_.end(), state) != states_.end();
}

bool OperationBoard::any_open() const {
    return std::any_of(rows_.begin(), rows_.end(), [](const Json& op) {
        const std::string state = member_text(op, "state");
        return state == "pending" || state == "delivered";
    });
}

std::vector<OperationChange> OperationBoard::update(const Json& items) {
    std::vector<OperationChange> changes;
    Json rows = Json::array();
    const Json listed = items.is_array() ? items : Json::array();
    // Oldest first, so that the changes read in the order they happened.
    for (auto it = listed.rbegin(); it != listed.rend(); ++it) {
        const Json& op = *it;
        const std::string id = member_text(op, "id");
        const std::string state = member_text(op, "state");
        const auto before = seen_.find(id);
        if (first_) {
            if (shown(state)) {
                changes.push_back({"listed", "", op});
            }
        } else if (before == seen_.end()) {
            if (shown(state)) {
                changes.push_back({"added", "", op});
            }
        } else if (before->second != state && (shown(before->second) || shown(state))) {
            changes.push_back({"updated", before->second, op});
        }
        seen_[id] = state;
    }
    for (const auto& op : listed) {
        if (shown(member_text(op, "state"))) {
            rows.push_back(op);
        }
    }
    rows_ = std::move(rows);
    first_ = false;
    return changes;
}

}  // namespace vergegrid::cli
