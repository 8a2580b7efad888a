// What watch operations shows: the operations listed (newest first), and what changed between
// two listings — an operation that appeared, or one whose state moved (pending, delivered,
// succeeded, failed: the API's and the console's words).
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "cli/output.hpp"

namespace vergegrid::cli {

struct OperationChange {
    std::string change;          // "listed" (there at the start), "added" or "updated"
    std::string previous_state;  // an update's state before; empty otherwise
    Json operation;              // as GET /operations lists it
};

// {"change": ..., "previous_state": ... or null, "operation": {...}}: one line of -o json.
Json change_document(const OperationChange& change);
// "operation 12 (create, region <id> 1.0.0, simulator <id>): pending -> delivered", or for a new
// one "...: new, pending".
std::string change_line(const OperationChange& change);

class OperationBoard {
  public:
    // Only operations in one of `states` are shown (all when empty); a shown one that moves out
    // of them is still reported, once.
    explicit OperationBoard(std::vector<std::string> states) : states_(std::move(states)) {}

    // The newest listing (GET /operations items, newest first): what changed since the last one,
    // oldest first. The first listing's shown operations are all "listed".
    std::vector<OperationChange> update(const Json& items);
    // The shown operations of the last listing, newest first.
    const Json& rows() const { return rows_; }
    // Whether a shown operation is pending or delivered: it changes without an event (a bridge
    // picking it up), so it is worth reading the list again soon.
    bool any_open() const;

  private:
    bool shown(const std::string& state) const;

    std::vector<std::string> states_;
    std::map<std::string, std::string> seen_;  // operation id -> state, shown or not
    Json rows_ = Json::array();
    bool first_ = true;
};

}  // namespace vergegrid::cli
