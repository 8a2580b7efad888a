// Templates: create, change (each change a new version; the storage keeps every version) and
// delete, and the queries over them. Commands record template.create / template.update /
// template.delete with the template before and after.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "control/common/version_bump.hpp"
#include "control/domain/store.hpp"
#include "control/templates/template_change.hpp"
#include "control/templates/template_spec.hpp"
#include "vergegrid/plugin_api/storage_model.hpp"

namespace vergegrid::control {

inline constexpr std::size_t kMaxTemplateName = 64;

struct NewTemplate {
    std::string name;  // required, unique
    TemplateSpec spec;
};

struct UpdateTemplate {
    std::string id;
    std::optional<plugin_api::SemVer> expected_version;
    // The fields to change as the client sent them ("name" and any spec field; nested objects
    // merge field by field): they are validated against the current spec (a parcel layout must
    // fit the size the template ends up with), so they are read once the template is found.
    nlohmann::json changes;
};

struct DeleteTemplate {
    std::string id;
    std::optional<plugin_api::SemVer> expected_version;
};

struct TemplateChange {
    plugin_api::Template before;
    plugin_api::Template tmpl;  // after the change (== before when nothing changed)
    Bump bump = Bump::none;  // the largest of the fields'; none: nothing changed, nothing written
    std::vector<TemplateFieldChange> fields;
};

class TemplateService {
  public:
    explicit TemplateService(Store store) : store_(std::move(store)) {}

    std::vector<plugin_api::Template> list(const std::string& after, int limit) const;
    plugin_api::Template get(const std::string& id) const;
    std::vector<plugin_api::TemplateVersion> versions(const std::string& id) const;
    plugin_api::TemplateVersion version(const std::string& id,
                                        const plugin_api::SemVer& version) const;

    // Throws conflict "name_taken" when another template has the name.
    Committed<plugin_api::Template> create(const Actor& actor, NewTemplate command) const;
    // Bumps the version by the largest field change (template_change.hpp); a rename is a patch.
    Committed<TemplateChange> update(const Actor& actor, const UpdateTemplate& command) const;
    // What update would do, computed by the same code in a read transaction: writes nothing.
    TemplateChange preview(const Actor& actor, const UpdateTemplate& command) const;
    // Throws conflict "in_use" while a region made from the template exists.
    Committed<void> remove(const Actor& actor, const DeleteTemplate& command) const;

  private:
    Store store_;
};

}  // namespace vergegrid::control
