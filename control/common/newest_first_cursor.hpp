// The keyset of the lists shown newest first (snapshots, migrations, rollouts): a page ends at its
// last row, named "<created_at>_<id>", and the next page starts strictly before it.
#pragma once

#include <string>

namespace vergegrid::control {

struct NewestFirstKey {
    std::string created_at;  // "" with id "": the first page
    std::string id;
};

std::string newest_first_cursor(const std::string& created_at, const std::string& id);

// Throws DomainError invalid_field(`parameter`) for a cursor this server did not issue.
NewestFirstKey split_newest_first_cursor(const std::string& cursor, const std::string& parameter);

}  // namespace vergegrid::control
