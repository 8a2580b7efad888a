// What a subscriber asks for: types (exact or a '*' prefix) and subjects, and the checks on what
// clients send.
#include "control/events/event_filter.hpp"

#include <gtest/gtest.h>

#include "control/domain/domain_error.hpp"

namespace vergegrid::control {
namespace {

std::string field_of(const std::function<void()>& call) {
    try {
        call();
    } catch (const DomainError& e) {
        return e.field();
    }
    return "<no error>";
}

TEST(EventFilter, EmptyListsWantEverything) {
    EXPECT_TRUE(EventFilter{}.matches("org.vergegrid.region.created", "r-1"));
}

TEST(EventFilter, TypesMatchExactlyOrByAPrefixEndingInAStar) {
    const EventFilter filter{{"org.vergegrid.region.*", "org.vergegrid.simulator.offline"}, {}};
    EXPECT_TRUE(filter.matches("org.vergegrid.region.created", "x"));
    EXPECT_TRUE(filter.matches("org.vergegrid.region.live", "x"));
    EXPECT_TRUE(filter.matches("org.vergegrid.simulator.offline", "x"));
    EXPECT_FALSE(filter.matches("org.vergegrid.simulator.online", "x"));
    EXPECT_FALSE(filter.matches("org.vergegrid.regions", "x"));
}

TEST(EventFilter, SubjectsMatchExactlyAndCombineWithTypes) {
    const EventFilter filter{{"org.vergegrid.region.*"}, {"r-1", "r-2"}};
    EXPECT_TRUE(filter.matches("org.vergegrid.region.created", "r-2"));
    EXPECT_FALSE(filter.matches("org.vergegrid.region.created", "r-3"));
    EXPECT_FALSE(filter.matches("org.vergegrid.estate.created", "r-1"));
}

TEST(EventFilter, ClientListsAreCheckedNamingTheField) {
    EXPECT_EQ(field_of([] { checked_filter_list(nlohmann::json("x"), "types"); }), "types");
    EXPECT_EQ(field_of([] { checked_filter_list(nlohmann::json::array({1}), "types"); }), "types");
    EXPECT_EQ(field_of([] { checked_filter_list(nlohmann::json::array({""}), "subjects"); }),
              "subjects");
    EXPECT_EQ(field_of([] { checked_filter_list(nlohmann::json::array({"a*b"}), "types"); }),
              "types");
    EXPECT_EQ(field_of([] { checked_filter_list(nlohmann::json::array({"r*"}), "subjects"); }),
              "subjects");
    EXPECT_EQ(field_of([] { checked_filter_list(std::string(257, 'x'), "type"); }), "type");
    EXPECT_EQ(field_of([] {
                  checked_filter_list(nlohmann::json(std::vector<std::string>(51, "x")), "types");
              }),
              "types");
    EXPECT_EQ(field_of([] { checked_filter_list(std::string("a,,b"), "subject"); }), "subject");
}

// The routes' query parameters are named "type" and "subject": the same checks apply to them
// (a '*' inside a type pattern once slipped through as an exact type that never matched).
TEST(EventFilter, QueryParametersAreCheckedLikeWebhookBodies) {
    EXPECT_EQ(field_of([] { checked_filter_list(std::string("org.x.*,a*b"), "type"); }), "type");
    EXPECT_EQ(field_of([] { checked_filter_list(std::string("r1,r*"), "subject"); }), "subject");
    EventFilter filter;
    filter.types =
        checked_filter_list(std::string("org.vergegrid.region.*,org.vergegrid.x"), "type");
    filter.subjects = checked_filter_list(std::string("r1"), "subject");
    EXPECT_TRUE(filter.matches("org.vergegrid.region.created", "r1"));
    EXPECT_TRUE(filter.matches("org.vergegrid.x", "r1"));
    EXPECT_FALSE(filter.matches("org.vergegrid.xy", "r1"));
}

TEST(EventFilter, ListsAreSortedWithoutRepeatsAndRoundTripThroughStorage) {
    const auto list = checked_filter_list(std::string("b,a,b"), "subject");
    EXPECT_EQ(list, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(filter_list_from_text(filter_list_text(list)), list);
    EXPECT_TRUE(filter_list_from_text("").empty());
    EXPECT_TRUE(checked_filter_list(nlohmann::json(nullptr), "types").empty());
}

}  // namespace
}  // namespace vergegrid::control
