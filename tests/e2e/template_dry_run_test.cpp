// PATCH /api/v1/templates/{id}?dry_run=true against a real vergegrid-control: it answers the
// bump, the fields and the version the save would make, the save then does exactly that, and the
// dry run itself writes nothing (version, history and audit trail unchanged).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/api_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace template_dry_run_test {
namespace {

using nlohmann::json;
using vergegrid::test::ApiClient;
using vergegrid::test::ControlPlaneProcess;
using vergegrid::test::TempDir;

class TemplateDryRun : public ::testing::Test {
  protected:
    void SetUp() override {
        control_ = std::make_unique<ControlPlaneProcess>(std::vector<std::string>{
            "--listen", "127.0.0.1:0", "--data-dir", (dir_.path() / "data").string()});
        ASSERT_TRUE(control_->started()) << control_->process().output();
        api_ = std::make_unique<ApiClient>(control_->port());
        auto created = api_->post("/api/v1/templates", {{"name", "sandbox"}});
        ASSERT_EQ(created.status, 201) << created.raw;
        id_ = created.body.at("id");
    }

    std::string path() const { return "/api/v1/templates/" + id_; }

    std::size_t versions() const { return api_->get(path() + "/versions").body.at("items").size(); }

    std::size_t audited_updates() const {
        return api_->get("/api/v1/audit?action=template.update").body.at("items").size();
    }

    TempDir dir_;
    std::unique_ptr<ControlPlaneProcess> control_;
    std::unique_ptr<ApiClient> api_;
    std::string id_;
};

TEST_F(TemplateDryRun, PreviewsTheSaveExactlyAndWritesNothing) {
    const json change = {
        {"environment", {{"water_height", 31.5}}},
        {"parcel_layout",
         json::array({{{"name", "Plaza"}, {"x", 0}, {"y", 0}, {"width", 64}, {"height", 32}}})}};
    const auto preview = api_->patch(path() + "?dry_run=true", change, {{"If-Match", "\"1.0.0\""}});
    ASSERT_EQ(preview.status, 200) << preview.raw;
    EXPECT_EQ(preview.body.at("dry_run"), true);
    EXPECT_EQ(preview.body.at("from_version"), "1.0.0");
    EXPECT_EQ(preview.body.at("version"), "1.1.0");
    EXPECT_EQ(preview.body.at("change"), "minor");
    const json expected_fields = json::array(
        {{{"field", "environment.water_height"}, {"from", 20.0}, {"to", 31.5}, {"bump", "patch"}},
         {{"field", "parcel_layout"},
          {"from", nullptr},
          {"to", change.at("parcel_layout")},
          {"bump", "minor"}}});
    EXPECT_EQ(preview.body.at("changes"), expected_fields);

    // Nothing written: the template, its versions and the audit trail are as they were.
    EXPECT_EQ(api_->get(path()).body.at("version"), "1.0.0");
    EXPECT_EQ(api_->get(path()).body.at("parcel_layout"), nullptr);
    EXPECT_EQ(versions(), 1U);
    EXPECT_EQ(audited_updates(), 0U);

    // The save does what the preview said.
    const auto saved = api_->patch(path(), change, {{"If-Match", "\"1.0.0\""}});
    ASSERT_EQ(saved.status, 200) << saved.raw;
    EXPECT_EQ(saved.body.at("version"), preview.body.at("version"));
    EXPECT_EQ(saved.body.at("change"), preview.body.at("change"));
    EXPECT_EQ(saved.body.at("changes"), preview.body.at("changes"));
    EXPECT_FALSE(saved.body.contains("dry_run"));
    EXPECT_EQ(versions(), 2U);
    EXPECT_EQ(audited_updates(), 1U);
}

TEST_F(TemplateDryRun, RefusesWhatTheSaveRefusesNamingTheField) {
    const auto bad = api_->patch(
        path() + "?dry_run=true",
        {{"parcel_layout",
          json::array({{{"name", "Far"}, {"x", 200}, {"y", 0}, {"width", 100}, {"height", 10}}})}});
    EXPECT_EQ(bad.status, 400) << bad.raw;
    EXPECT_EQ(bad.body.at("error").at("field"), "parcel_layout");
    const auto stale =
        api_->patch(path() + "?dry_run=true", {{"size_x", 512}}, {{"If-Match", "\"0.9.0\""}});
    EXPECT_EQ(stale.status, 412) << stale.raw;
    const auto flag = api_->patch(path() + "?dry_run=maybe", {{"size_x", 512}});
    EXPECT_EQ(flag.status, 400) << flag.raw;
    EXPECT_EQ(flag.body.at("error").at("field"), "dry_run");
    EXPECT_EQ(api_->get(path()).body.at("version"), "1.0.0");
    EXPECT_EQ(versions(), 1U);
}

TEST_F(TemplateDryRun, AChangeThatChangesNothingPreviewsNone) {
    const auto same = api_->patch(path() + "?dry_run=true", {{"size_x", 256}});
    ASSERT_EQ(same.status, 200) << same.raw;
    EXPECT_EQ(same.body.at("change"), "none");
    EXPECT_EQ(same.body.at("version"), "1.0.0");
    EXPECT_EQ(same.body.at("changes"), json::array());
}

}  // namespace
}  // namespace template_dry_run_test
