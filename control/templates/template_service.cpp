#include "control/templates/template_service.hpp"

#include "control/common/clock.hpp"
#include "control/common/entity_lookup.hpp"
#include "control/common/expected_version.hpp"
#include "control/common/json_reader.hpp"
#include "control/templates/template_json.hpp"

namespace vergegrid::control {

using plugin_api::StorageTransaction;
using plugin_api::Template;

namespace {

void require_unique_name(StorageTransaction& tx, const Template& tmpl) {
    if (auto other = tx.find_template_by_name(tmpl.name); other && other->id != tmpl.id) {
        throw DomainError::conflict("name_taken", "a template named '" + tmpl.name + "' exists",
                                    "name");
    }
}

DomainEvent template_event(const std::string& type, const Template& id_of, nlohmann::json before,
                           nlohmann::json after) {
    return {type, "template", id_of.id, std::move(before), std::move(after)};
}

nlohmann::json named_spec(const std::string& name, const TemplateSpec& spec) {
    nlohmann::json json = template_spec_to_json(spec);
    json["name"] = name;
    return json;
}

// The template with `changes` applied (name and spec fields), and the fields that differ.
TemplateChange apply_changes(const Template& before, const nlohmann::json& changes) {
    TemplateChange result{before, before, Bump::none, {}};
    JsonReader reader(changes, "");
    result.tmpl.name = reader.name("name", kMaxTemplateName).value_or(before.name);
    const TemplateSpec old_spec = template_spec_from_text(before.spec);
    TemplateSpec spec = old_spec;
    read_template_spec(reader, spec);
    reader.forbid("id", "is read-only");
    reader.forbid("version", "is assigned by the server");
    reader.reject_unknown();
    result.fields = template_field_changes(named_spec(before.name, old_spec),
                                           named_spec(result.tmpl.name, spec));
    result.bump = largest_bump(result.fields);
    result.tmpl.spec = template_spec_to_json(spec).dump();
    return result;
}

// What `command` does to the template `tx` holds: the one computation behind update and its
// dry run, so a preview cannot disagree with the save.
TemplateChange plan_update(StorageTransaction& tx, const Actor& actor,
                           const UpdateTemplate& command) {
    const Template before = existing_template(tx, command.id);
    check_expected_version(command.expected_version, before.version);
    TemplateChange change = apply_changes(before, command.changes);
    if (change.bump == Bump::none) {
        return TemplateChange{before, before, Bump::none, {}};
    }
    require_unique_name(tx, change.tmpl);
    change.tmpl.version = bumped(before.version, change.bump);
    change.tmpl.updated_at = now_iso8601();
    change.tmpl.actor = actor.subject;
    return change;
}

}  // namespace

std::vector<Template> TemplateService::list(const std::string& after, int limit) const {
    return store_.read([&](StorageTransaction& tx) { return tx.list_templates(after, limit); });
}

Template TemplateService::get(const std::string& id) const {
    return store_.read([&](StorageTransaction& tx) { return existing_template(tx, id); });
}

std::vector<plugin_api::TemplateVersion> TemplateService::versions(const std::string& id) const {
    return store_.read([&](StorageTransaction& tx) {
        return tx.list_template_versions(existing_template(tx, id).id);
    });
}

plugin_api::TemplateVersion TemplateService::version(const std::string& id,
                                                     const plugin_api::SemVer& version) const {
    return store_.read([&](StorageTransaction& tx) {
        const auto tmpl = existing_template(tx, id);
        auto found = tx.find_template_version(tmpl.id, version);
        if (!found) {
            throw DomainError::not_found("template '" + tmpl.name + "' has no version " +
                                         version.to_string());
        }
        return *found;
    });
}

Committed<Template> TemplateService::create(const Actor& actor, NewTemplate command) const {
    Template tmpl;
    tmpl.id = new_uuid();
    tmpl.name = std::move(command.name);
    tmpl.version = {1, 0, 0};
    tmpl.spec = template_spec_to_json(command.spec).dump();
    tmpl.created_at = tmpl.updated_at = now_iso8601();
    tmpl.actor = actor.subject;
    return store_.command(actor, [&](Changes& changes) {
        require_unique_name(changes.tx(), tmpl);
        changes.tx().insert_template(tmpl);
        changes.record(template_event("template.create", tmpl, nullptr, template_to_json(tmpl)));
        return tmpl;
    });
}

Committed<TemplateChange> TemplateService::update(const Actor& actor,
                                                  const UpdateTemplate& command) const {
    return store_.command(actor, [&](Changes& changes) {
        TemplateChange change = plan_update(changes.tx(), actor, command);
        if (change.bump != Bump::none) {
            changes.tx().update_template(change.tmpl);
            changes.record(template_event("template.update", change.tmpl,
                                          template_to_json(change.before),
                                          template_to_json(change.tmpl)));
        }
        return change;
    });
}

TemplateChange TemplateService::preview(const Actor& actor, const UpdateTemplate& command) const {
    return store_.read([&](StorageTransaction& tx) { return plan_update(tx, actor, command); });
}

Committed<void> TemplateService::remove(const Actor& actor, const DeleteTemplate& command) const {
    return store_.command(actor, [&](Changes& changes) {
        auto& tx = changes.tx();
        const Template tmpl = existing_template(tx, command.id);
        check_expected_version(command.expected_version, tmpl.version);
        if (const int regions = tx.count_regions_from_template(tmpl.id); regions > 0) {
            throw DomainError::conflict(
                "in_use", std::to_string(regions) + " region(s) were made from this template",
                "id");
        }
        tx.delete_template(tmpl.id);
        changes.record(template_event("template.delete", tmpl, template_to_json(tmpl), nullptr));
    });
}

}  // namespace vergegrid::control
