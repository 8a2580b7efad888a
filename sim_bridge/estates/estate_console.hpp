// What OpenSim 0.9.2.2 prints for its estate console lines (verified on the real simulator; the
// lines carry no timestamp, unlike its log lines):
//
//   estate show            one block per region module instance, every block ends in a blank line:
//                            Estate information for region Alpha
//                            Estate Name          ID      Owner
//                            My Estate            101     Test User
//                          A closed region's block stays in the list (its console commands are
//                          never unregistered): a region re-created later appears again below
//                          its stale block, so the LAST block of a region name is the live one.
//   estate create <uuid> <name>   Estate 103 created as "Third Estate"
//                                 An estate named "Third Estate" already exists.
//                                 Could not find user <uuid>
//   estate link region <id> <region uuid>
//                                 Region <uuid> is now attached to estate 103
//                                 No estate found with ID 999
//                                 No access to Region "<uuid>"
//   estate set owner <id> First Last
//                                 Estate already belongs to <uuid> (First Last)
//                                 Estate owner changed to <uuid> (First Last)
//                                 Could not find user First Last
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vergegrid::bridge {

struct EstateRow {
    std::string region;  // the region whose block this row is
    std::string estate_name;
    int estate_id = 0;
    std::string owner;  // the owner's name as OpenSim resolves it ("Test User")
};

// Every block of `estate show` found in these console lines, in order.
std::vector<EstateRow> parse_estate_show(const std::vector<std::string>& lines);
// The live block of a region: the last one with its name.
std::optional<EstateRow> estate_of_region(const std::vector<EstateRow>& rows,
                                          std::string_view region);
// The id of the estate with this name among the rows (estate names are unique in OpenSim).
std::optional<int> estate_id_named(const std::vector<EstateRow>& rows, std::string_view name);

// The answer of `estate create`, if one of its lines is among these.
struct EstateCreateAnswer {
    enum class Kind { created, exists, no_user } kind;
    int estate_id = 0;  // when created
};
std::optional<EstateCreateAnswer> estate_create_answer(const std::string& line,
                                                       std::string_view name);

// The answer of `estate link region`: true = attached, false = refused (the line says why).
std::optional<bool> estate_link_answer(const std::string& line, std::string_view region_uuid);

// The UUID in "Estate already belongs to <uuid> (First Last)" / "Estate owner changed to <uuid>
// (First Last)".
std::optional<std::string> estate_owner_uuid_answer(const std::string& line);

}  // namespace vergegrid::bridge
