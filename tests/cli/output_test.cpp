// Tables and key/value lines: aligned, any JSON value shown, nothing unprintable let through.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "cli/output.hpp"
#include "cli/views.hpp"

namespace output_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using vergegrid::cli::cell;
using vergegrid::cli::entity_columns;
using vergegrid::cli::flatten;
using vergegrid::cli::Json;
using vergegrid::cli::kRegion;
using vergegrid::cli::kTemplate;
using vergegrid::cli::print_change_summary;
using vergegrid::cli::print_entity;
using vergegrid::cli::print_json;
using vergegrid::cli::print_list;

TEST(TableOutput, RegionsShowNameIdLocationSizeHostPortPlacementStateAndVersion) {
    const Json answer = Json::parse(R"({"items":[
        {"name":"Alpha","id":"a-1","loc_x":1000,"loc_y":1001,"size_x":512,"size_y":256,"host":"sim1","port":9000,
         "placement_state":"placed","version":"1.2.0"},
        {"name":"Beta-longer","id":"b","loc_x":1,"loc_y":2,"size_x":256,"size_y":256,"host":"","port":0,
         "placement_state":"pending","version":"1.0.0"}],"next":null})");
    std::ostringstream out;
    std::ostringstream err;
    print_list(out, err, entity_columns(kRegion), answer);
    EXPECT_EQ(out.str(),
              "NAME         ID   LOC        SIZE     HOST:PORT  PLACEMENT_STATE  VERSION\n"
              "Alpha        a-1  1000,1001  512x256  sim1:9000  placed           1.2.0\n"
              "Beta-longer  b    1,2        256x256  -          pending          1.0.0\n");
    EXPECT_EQ(err.str(), "");
}

TEST(TableOutput, ANextCursorAddsANoteOnStderr) {
    std::ostringstream out;
    std::ostringstream err;
    print_list(out, err, entity_columns(kTemplate), Json::parse(R"({"items":[],"next":"abc"})"));
    EXPECT_EQ(out.str(), "NAME  ID  VERSION  SIZE  PHYSICS  TERRAIN\n");
    EXPECT_THAT(err.str(), HasSubstr("--all"));
}

TEST(TableOutput, OddItemsStillPrint) {
    const Json answer =
        Json::parse(R"({"items":[7, null, "x", [1], {"name":{"a":1},"loc_x":[1,2],"port":null},
                                      {"name":"\u001b[31mred\nline","host":"h\u00e9"}]})");
    std::ostringstream out;
    std::ostringstream err;
    print_list(out, err, entity_columns(kRegion), answer);
    EXPECT_THAT(out.str(), HasSubstr("{\"a\":1}"));
    EXPECT_THAT(out.str(), HasSubstr("[1,2],-"));
    EXPECT_THAT(out.str(), HasSubstr("?[31mred?line"));
    EXPECT_THAT(out.str(), Not(HasSubstr("\x1b")));
    const std::string text = out.str();
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 7);

    std::ostringstream none;
    print_list(none, err, entity_columns(kRegion), Json::parse(R"({"items":5})"));
    print_list(none, err, entity_columns(kRegion), Json("not even an object"));
    const std::string header = "NAME  ID  LOC  SIZE  HOST:PORT  PLACEMENT_STATE  VERSION\n";
    EXPECT_EQ(none.str(), header + header) << "a list without items prints its header alone";
}

TEST(TableOutput, CellsShowEveryKindOfValue) {
    EXPECT_EQ(cell(Json(nullptr)), "-");
    EXPECT_EQ(cell(Json("text")), "text");
    EXPECT_EQ(cell(Json(6.0)), "6.0");
    EXPECT_EQ(cell(Json(-3)), "-3");
    EXPECT_EQ(cell(Json(true)), "true");
    EXPECT_EQ(cell(Json::array()), "[]");
    EXPECT_EQ(cell(Json::parse(R"({"a":[1]})")), R"({"a":[1]})");
}

TEST(EntityOutput, KeyValueLinesWithIdNameVersionFirstAndNestedKeysDotted) {
    const Json region =
        Json::parse(R"({"draw_distance_cap":0,"flags":{"max_prims":100,"sub":{"x":null}},
        "id":"r-1","name":"Alpha","placement":{"labels":[]},"empty":{},"version":"1.1.0"})");
    std::ostringstream out;
    print_entity(out, region);
    EXPECT_EQ(out.str(),
              "id                 r-1\n"
              "name               Alpha\n"
              "version            1.1.0\n"
              "draw_distance_cap  0\n"
              "flags.max_prims    100\n"
              "flags.sub.x        -\n"
              "placement.labels   []\n"
              "empty              {}\n");
    EXPECT_TRUE(flatten(Json(3)).empty());
    std::ostringstream scalar;
    print_entity(scalar, Json("just text"));
    EXPECT_EQ(scalar.str(), "just text\n");
}

TEST(EntityOutput, ChangeSummaryListsEveryChangedField) {
    const Json updated =
        Json::parse(R"({"id":"r-1","name":"Alpha","version":"1.1.0","change":"minor",
        "changes":[{"field":"port","from":9000,"to":9005,"bump":"minor"},
                   {"field":"flags.max_prims","from":15000,"to":100,"bump":"patch"}]})");
    std::ostringstream out;
    print_change_summary(out, kRegion, "updated", updated);
    EXPECT_EQ(out.str(),
              "updated region Alpha (id r-1, version 1.1.0, minor change)\n"
              "  port             9000 -> 9005  (minor)\n"
              "  flags.max_prims  15000 -> 100  (patch)\n");

    std::ostringstream none;
    print_change_summary(none, kRegion, "upgraded",
                         Json::parse(R"({"name":"A","version":"1.0.0","change":"none"})"));
    EXPECT_EQ(none.str(), "upgraded region A: nothing changed (version 1.0.0)\n");

    std::ostringstream odd;
    print_change_summary(odd, kRegion, "updated", Json::parse(R"({"changes":[3,{"field":[]}]})"));
    EXPECT_THAT(odd.str(), HasSubstr("updated region - (id -)"));
}

TEST(JsonOutput, PrettyWithTheServersKeyOrder) {
    std::ostringstream out;
    print_json(out, Json::parse(R"({"z":1,"a":{"y":6.0,"b":[]}})"));
    EXPECT_EQ(out.str(), "{\n  \"z\": 1,\n  \"a\": {\n    \"y\": 6.0,\n    \"b\": []\n  }\n}\n");
}

}  // namespace
}  // namespace output_test
