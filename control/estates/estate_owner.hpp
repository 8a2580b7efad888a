// Who may own an estate: someone OpenSim can name. The bridge hands the owner to OpenSim's
// `estate create` / `estate set owner` console lines and to admin_create_region's
// estate_owner_uuid or estate_owner_first + estate_owner_last, so it must be one of:
//   - an avatar name "First Last": exactly two words split by one space, each at most 64 bytes
//     (OpenSim's UserAccounts FirstName/LastName are varchar(64)), without whitespace, control
//     characters or '"' (the console splits its lines at spaces and honours double quotes);
//   - a UUID in the canonical lower-case form, not the zero UUID (which is no user: OpenSim
//     answers "Specified user was not found.", and as a default owner makes a random one).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vergegrid::control {

// What is wrong with `owner` as an estate owner, for a 400 naming the field; nullopt when it is
// fine.
std::optional<std::string> estate_owner_problem(std::string_view owner);

}  // namespace vergegrid::control
