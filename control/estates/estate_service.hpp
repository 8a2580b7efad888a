// Estates: create, rename or change owner, delete (only when empty), and the queries over them.
// Commands record estate.create / estate.update / estate.delete with the estate before and after.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "control/domain/store.hpp"
#include "vergegrid/plugin_api/storage_model.hpp"

namespace vergegrid::control {

inline constexpr std::size_t kMaxEstateName = 64;
inline constexpr std::size_t kMaxOwner = 128;

struct NewEstate {
    std::string name;   // required, unique ignoring letter case
    std::string owner;  // required: "First Last" or a UUID (control/estates/estate_owner.hpp)
};

struct UpdateEstate {
    std::string id;
    std::optional<std::string> name;  // nullopt: unchanged
    std::optional<std::string> owner;
};

class EstateService {
  public:
    explicit EstateService(Store store) : store_(std::move(store)) {}

    std::vector<plugin_api::Estate> list(const std::string& after, int limit) const;
    plugin_api::Estate get(const std::string& id) const;

    // Throws conflict "name_taken" when another estate has the name (ignoring letter case),
    // invalid_input naming "owner" when OpenSim could not name the owner.
    Committed<plugin_api::Estate> create(const Actor& actor, NewEstate command) const;
    // Writes nothing and records no event when nothing changes.
    Committed<plugin_api::Estate> update(const Actor& actor, const UpdateEstate& command) const;
    // Throws conflict "in_use" while the estate has regions.
    Committed<void> remove(const Actor& actor, const std::string& id) const;

  private:
    Store store_;
};

}  // namespace vergegrid::control
