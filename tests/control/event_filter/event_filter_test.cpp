// checked_filter_list refuses a '*' inside a type pattern and any '*' in a subject, whether the
// list comes as a webhook's JSON array (field "types"/"subjects") or as the events routes'
// comma-separated query parameter (field "type"/"subject"); the error names the field it was given.
#include <gtest/gtest.h>

#include <functional>

#include "control/domain/domain_error.hpp"
#include "control/events/event_filter.hpp"

namespace vergegrid::control {
namespace {

std::string refused_field(const std::function<void()>& check) {
    try {
        check();
    } catch (const DomainError& e) {
        return e.field();
    }
    return "(accepted)";
}

TEST(EventFilterTest, AStarInsideATypePatternIsRefusedInBothForms) {
    EXPECT_EQ(refused_field([] { checked_filter_list(nlohmann::json::array({"a*b"}), "types"); }),
              "types");
    EXPECT_EQ(refused_field([] { checked_filter_list(std::string("org.x.*,a*b"), "type"); }),
              "type");
}

TEST(EventFilterTest, AStarInASubjectIsRefusedInBothForms) {
    EXPECT_EQ(refused_field([] { checked_filter_list(nlohmann::json::array({"r*"}), "subjects"); }),
              "subjects");
    EXPECT_EQ(refused_field([] { checked_filter_list(std::string("r1,r*"), "subject"); }),
              "subject");
}

TEST(EventFilterTest, ExactTypesAndPrefixesPassAndMatch) {
    EventFilter filter;
    filter.types =
        checked_filter_list(std::string("org.vergegrid.region.*,org.vergegrid.x"), "type");
    filter.subjects = checked_filter_list(std::string("r1"), "subject");
    EXPECT_TRUE(filter.matches("org.vergegrid.region.created", "r1"));
    EXPECT_TRUE(filter.matches("org.vergegrid.x", "r1"));
    EXPECT_FALSE(filter.matches("org.vergegrid.xy", "r1"));
    EXPECT_FALSE(filter.matches("org.vergegrid.region.created", "r2"));
}

}  // namespace
}  // namespace vergegrid::control
