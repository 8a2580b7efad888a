// TemplateService over real storage: versions bump by the spec's change (template_bump), a
// rename alone is a patch, and each command records its event (audit row) with the change.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "control/estates/estate_service.hpp"
#include "control/templates/template_service.hpp"
#include "tests/control/service_fixture.hpp"

namespace vergegrid::control {
namespace {

using plugin_api::SemVer;

class TemplateServiceTest : public test::ServiceFixture {
  protected:
    plugin_api::Template make(const std::string& name = "Island") {
        return templates.create(actor(), {name, TemplateSpec{}}).value;
    }

    TemplateChange change(const plugin_api::Template& tmpl, nlohmann::json changes,
                          std::optional<SemVer> expected = std::nullopt) {
        return templates.update(actor(), {tmpl.id, expected, std::move(changes)}).value;
    }

    TemplateService templates{store()};
};

TEST(TemplateBump, SizeAndPhysicsAreMajorTerrainAndParcelsMinorTheRestPatch) {
    const TemplateSpec base;
    auto with = [&](auto edit) {
        TemplateSpec spec = base;
        edit(spec);
        return template_bump(base, spec);
    };
    EXPECT_EQ(with([](TemplateSpec&) {}), Bump::none);
    EXPECT_EQ(with([](TemplateSpec& s) { s.size_x = 512; }), Bump::major);
    EXPECT_EQ(with([](TemplateSpec& s) { s.size_y = 512; }), Bump::major);
    EXPECT_EQ(with([](TemplateSpec& s) { s.physics_type = "ubODE"; }), Bump::major);
    EXPECT_EQ(with([](TemplateSpec& s) { s.terrain_preset = "hills"; }), Bump::minor);
    EXPECT_EQ(with([](TemplateSpec& s) {
                  s.parcel_layout = R"([{"name":"a","x":0,"y":0,"width":4,"height":4}])";
              }),
              Bump::minor);
    EXPECT_EQ(with([](TemplateSpec& s) { s.environment.water_height = 30; }), Bump::patch);
    EXPECT_EQ(with([](TemplateSpec& s) { s.flags.max_prims = 10; }), Bump::patch);
    // The largest change wins.
    EXPECT_EQ(with([](TemplateSpec& s) {
                  s.flags.max_prims = 10;
                  s.size_x = 512;
              }),
              Bump::major);
}

TEST_F(TemplateServiceTest, CreateStartsAtOneAndRecordsTemplateCreate) {
    const auto created = templates.create(actor(), {"Island", TemplateSpec{}});
    EXPECT_EQ(created.value.version, (SemVer{1, 0, 0}));
    EXPECT_EQ(created.value.actor, "alice");
    ASSERT_EQ(created.events.size(), 1U);
    EXPECT_EQ(created.events[0].type, "template.create");
    EXPECT_EQ(created.events[0].entity_type, "template");
    EXPECT_TRUE(created.events[0].before.is_null());
    EXPECT_EQ(created.events[0].after.at("version"), "1.0.0");
    EXPECT_EQ(audit("template.create").size(), 1U);
    EXPECT_EQ(templates.versions(created.value.id).size(), 1U);
}

TEST_F(TemplateServiceTest, CreateRefusesATakenName) {
    make("Island");
    try {
        make("Island");
        FAIL() << "two templates named Island";
    } catch (const DomainError& e) {
        EXPECT_EQ(e.code(), "name_taken");
        EXPECT_EQ(e.fault(), Fault::conflict);
    }
    EXPECT_EQ(audit("template.create").size(), 1U);
}

TEST_F(TemplateServiceTest, UpdateBumpsTheVersionByTheChange) {
    const auto tmpl = make();
    const auto patch = change(tmpl, {{"environment", {{"water_height", 25}}}});
    EXPECT_EQ(patch.bump, Bump::patch);
    EXPECT_EQ(patch.tmpl.version, (SemVer{1, 0, 1}));
    const auto minor = change(tmpl, {{"terrain_preset", "hills"}});
    EXPECT_EQ(minor.bump, Bump::minor);
    EXPECT_EQ(minor.tmpl.version, (SemVer{1, 1, 0}));
    const auto major = change(tmpl, {{"size_x", 512}});
    EXPECT_EQ(major.bump, Bump::major);
    EXPECT_EQ(major.tmpl.version, (SemVer{2, 0, 0}));
    // Every version is kept.
    const auto versions = templates.versions(tmpl.id);
    ASSERT_EQ(versions.size(), 4U);
    EXPECT_EQ(templates.version(tmpl.id, {1, 1, 0}).version, (SemVer{1, 1, 0}));
}

TEST_F(TemplateServiceTest, ARenameAloneIsAPatch) {
    const auto tmpl = make();
    const auto renamed = templates.update(actor(), {tmpl.id, std::nullopt, {{"name", "Atoll"}}});
    EXPECT_EQ(renamed.value.bump, Bump::patch);
    EXPECT_EQ(renamed.value.tmpl.name, "Atoll");
    EXPECT_EQ(renamed.value.tmpl.version, (SemVer{1, 0, 1}));
    ASSERT_EQ(renamed.events.size(), 1U);
    EXPECT_EQ(renamed.events[0].type, "template.update");
    EXPECT_EQ(renamed.events[0].before.at("name"), "Island");
    EXPECT_EQ(renamed.events[0].after.at("name"), "Atoll");
}

TEST_F(TemplateServiceTest, AnUpdateThatChangesNothingWritesNoVersion) {
    const auto tmpl = make();
    const auto same = templates.update(actor(), {tmpl.id, std::nullopt, {{"size_x", 256}}});
    EXPECT_EQ(same.value.bump, Bump::none);
    EXPECT_EQ(same.value.tmpl.version, (SemVer{1, 0, 0}));
    EXPECT_TRUE(same.events.empty());
    EXPECT_TRUE(audit("template.update").empty());
    EXPECT_EQ(templates.versions(tmpl.id).size(), 1U);
}

TEST_F(TemplateServiceTest, AStaleExpectedVersionIsRefusedAndWritesNothing) {
    const auto tmpl = make();
    change(tmpl, {{"terrain_preset", "hills"}});
    try {
        change(tmpl, {{"size_x", 512}}, SemVer{1, 0, 0});
        FAIL() << "a stale If-Match was accepted";
    } catch (const DomainError& e) {
        EXPECT_EQ(e.fault(), Fault::precondition_failed);
        EXPECT_EQ(e.code(), "version_mismatch");
        EXPECT_EQ(e.field(), "If-Match");
        EXPECT_STREQ(e.what(), "the entity is at version 1.1.0, not 1.0.0; reload and retry");
    }
    EXPECT_EQ(templates.get(tmpl.id).version, (SemVer{1, 1, 0}));
    EXPECT_EQ(audit("template.update").size(), 1U);
    // The current version passes.
    EXPECT_EQ(change(tmpl, {{"size_x", 512}}, SemVer{1, 1, 0}).tmpl.version, (SemVer{2, 0, 0}));
}

TEST_F(TemplateServiceTest, PreviewIsWhatUpdateThenDoesAndWritesNothing) {
    const auto tmpl = make();
    const nlohmann::json edit = {
        {"name", "Atoll"},
        {"flags", {{"allow_voice", false}}},
        {"parcel_layout",
         nlohmann::json::array(
             {{{"name", "Beach"}, {"x", 0}, {"y", 0}, {"width", 16}, {"height", 8}}})}};
    const UpdateTemplate command{tmpl.id, SemVer{1, 0, 0}, edit};
    const auto preview = templates.preview(actor(), command);
    EXPECT_EQ(preview.bump, Bump::minor);
    EXPECT_EQ(preview.before.version, (SemVer{1, 0, 0}));
    EXPECT_EQ(preview.tmpl.version, (SemVer{1, 1, 0}));
    std::vector<std::string> fields;
    for (const auto& f : preview.fields) {
        fields.push_back(f.field + ":" + to_string(f.bump));
    }
    EXPECT_THAT(fields, ::testing::ElementsAre("flags.allow_voice:patch", "name:patch",
                                               "parcel_layout:minor"));
    // Nothing written.
    EXPECT_EQ(templates.get(tmpl.id).version, (SemVer{1, 0, 0}));
    EXPECT_EQ(templates.get(tmpl.id).name, "Island");
    EXPECT_EQ(templates.versions(tmpl.id).size(), 1U);
    EXPECT_TRUE(audit("template.update").empty());

    const auto saved = templates.update(actor(), command).value;
    EXPECT_EQ(saved.bump, preview.bump);
    EXPECT_EQ(saved.tmpl.version, preview.tmpl.version);
    EXPECT_EQ(saved.tmpl.name, preview.tmpl.name);
    EXPECT_EQ(saved.tmpl.spec, preview.tmpl.spec);
    EXPECT_EQ(template_field_changes_to_json(saved.fields),
              template_field_changes_to_json(preview.fields));
    EXPECT_EQ(templates.versions(tmpl.id).size(), 2U);
}

TEST_F(TemplateServiceTest, PreviewRefusesWhatUpdateRefuses) {
    const auto tmpl = make();
    make("Atoll");
    auto code_of = [&](const UpdateTemplate& command) {
        try {
            templates.preview(actor(), command);
        } catch (const DomainError& e) {
            return e.code() + "@" + e.field();
        }
        return std::string("accepted");
    };
    EXPECT_EQ(code_of({tmpl.id, std::nullopt, {{"name", "Atoll"}}}), "name_taken@name");
    EXPECT_EQ(code_of({tmpl.id, SemVer{9, 0, 0}, {{"size_x", 512}}}), "version_mismatch@If-Match");
    EXPECT_THAT(code_of({tmpl.id, std::nullopt, {{"environment", {{"sun_position", 30}}}}}),
                ::testing::EndsWith("@environment.sun_position"));
    const nlohmann::json too_far = {
        {"parcel_layout",
         nlohmann::json::array(
             {{{"name", "Far"}, {"x", 250}, {"y", 0}, {"width", 16}, {"height", 8}}})}};
    EXPECT_EQ(code_of({tmpl.id, std::nullopt, too_far}), "invalid_field@parcel_layout");
    EXPECT_EQ(templates.get(tmpl.id).version, (SemVer{1, 0, 0}));
}

TEST_F(TemplateServiceTest, AVersionItNeverHadIsNotFound) {
    const auto tmpl = make();
    try {
        templates.version(tmpl.id, {3, 0, 0});
        FAIL() << "version 3.0.0 was found";
    } catch (const DomainError& e) {
        EXPECT_EQ(e.fault(), Fault::not_found);
        EXPECT_STREQ(e.what(), "template 'Island' has no version 3.0.0");
    }
}

TEST_F(TemplateServiceTest, DeleteRefusesATemplateRegionsWereMadeFrom) {
    const auto tmpl = make();
    const auto estate =
        EstateService(store()).create(actor(), {"Mainland", "Estate Governor"}).value;
    store().write([&](plugin_api::StorageTransaction& tx) {
        plugin_api::Region region;
        region.uuid = "00000000-0000-4000-8000-000000000001";
        region.name = "Alpha";
        region.estate_id = estate.id;
        region.template_id = tmpl.id;
        region.host = "sim.example.org";
        region.port = 9000;
        region.physics_type = "BulletSim";
        region.terrain_preset = "flat";
        region.region_state_mode = "hybrid";
        tx.insert_region(region);
    });
    try {
        templates.remove(actor(), {tmpl.id, std::nullopt});
        FAIL() << "a template in use was deleted";
    } catch (const DomainError& e) {
        EXPECT_EQ(e.code(), "in_use");
    }
    EXPECT_TRUE(audit("template.delete").empty());
}

TEST_F(TemplateServiceTest, DeleteRecordsTheTemplateItRemoved) {
    const auto tmpl = make();
    EXPECT_THROW(templates.remove(actor(), {tmpl.id, SemVer{9, 9, 9}}), DomainError);
    const auto removed = templates.remove(actor(), {tmpl.id, SemVer{1, 0, 0}});
    ASSERT_EQ(removed.events.size(), 1U);
    EXPECT_EQ(removed.events[0].type, "template.delete");
    EXPECT_EQ(removed.events[0].before.at("name"), "Island");
    EXPECT_TRUE(removed.events[0].after.is_null());
    EXPECT_THROW(templates.get(tmpl.id), DomainError);
}

}  // namespace
}  // namespace vergegrid::control
