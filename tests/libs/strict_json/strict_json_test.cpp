// strict_json::parse: the nesting limit, duplicate keys, and that refusals never build or walk a
// deep document (the 60,000-deep case overflowed the stack in dump() before the limit existed).
#include "strict_json/strict_json.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using vergegrid::strict_json::max_depth;
using vergegrid::strict_json::parse;
using vergegrid::strict_json::Refused;

std::string nested_arrays(int depth) {
    return std::string(static_cast<std::size_t>(depth), '[') +
           std::string(static_cast<std::size_t>(depth), ']');
}

std::string nested_objects(int depth) {
    std::string text;
    for (int i = 0; i < depth; ++i) {
        text += "{\"a\":";
    }
    text += "1";
    text += std::string(static_cast<std::size_t>(depth), '}');
    return text;
}

std::string refusal(const std::string& text) {
    try {
        parse(text);
    } catch (const Refused& e) {
        return e.what();
    }
    return "";
}

TEST(StrictJson, AcceptsDocumentsUpToTheNestingLimit) {
    EXPECT_EQ(max_depth, 64);
    EXPECT_EQ(parse(nested_arrays(64)).dump(), nested_arrays(64));
    const auto objects = parse(nested_objects(64));
    EXPECT_EQ(objects.dump(), nested_objects(64));
    EXPECT_EQ(parse("7"), 7);
    EXPECT_EQ(parse("\"x\""), "x");
}

TEST(StrictJson, RefusesOneLevelPastTheLimit) {
    EXPECT_EQ(refusal(nested_arrays(65)), "the JSON document is nested deeper than 64 levels");
    EXPECT_EQ(refusal(nested_objects(65)), "the JSON document is nested deeper than 64 levels");
    // Mixed containers count alike.
    EXPECT_NE(refusal("{\"a\":" + nested_arrays(64) + "}"), "");
}

TEST(StrictJson, RefusesSixtyThousandLevelsWithoutRecursing) {
    // Before the limit, dumping this overflowed the stack. Unbalanced text too: the refusal
    // comes from the depth, not from the missing closers.
    EXPECT_EQ(refusal(nested_arrays(60000)), "the JSON document is nested deeper than 64 levels");
    EXPECT_EQ(refusal(std::string(1000000, '[')),
              "the JSON document is nested deeper than 64 levels");
    EXPECT_EQ(refusal(nested_objects(60000)), "the JSON document is nested deeper than 64 levels");
}

TEST(StrictJson, RefusesARepeatedKeyNamingIt) {
    EXPECT_EQ(refusal(R"({"state":"succeeded","state":"failed"})"),
              "the JSON document repeats the key \"state\" in one object");
    EXPECT_EQ(refusal(R"({"a":{"b":1,"c":2,"b":3}})"),
              "the JSON document repeats the key \"b\" in one object");
    EXPECT_EQ(refusal(R"([{"x":1},{"y":2,"y":2}])"),
              "the JSON document repeats the key \"y\" in one object");
}

TEST(StrictJson, TheSameKeyInDifferentObjectsIsFine) {
    const auto doc = parse(R"({"a":{"a":1},"b":[{"a":2},{"a":3}],"c":{"a":{"a":4}}})");
    EXPECT_EQ(doc["b"][1]["a"], 3);
    EXPECT_EQ(doc["c"]["a"]["a"], 4);
}

TEST(StrictJson, ALongRepeatedKeyIsCutOnACharacterBoundary) {
    // 39 ASCII bytes then a 2-byte character straddling the 40-byte cut.
    const std::string key = std::string(39, 'k') + "\xC3\xA9" + std::string(20, 'z');
    const auto message = refusal("{\"" + key + "\":1,\"" + key + "\":2}");
    EXPECT_EQ(message, "the JSON document repeats the key \"" + std::string(39, 'k') +
                           "...\" in one object");
}

TEST(StrictJson, RefusesTextThatIsNotJsonWithTheByteOffsetOnly) {
    EXPECT_EQ(refusal(""), "the text is not valid JSON (error at byte 1)");
    EXPECT_EQ(refusal("{\"secret\": oops}"), "the text is not valid JSON (error at byte 12)");
    EXPECT_NE(refusal("[1] [2]"), "");
    EXPECT_NE(refusal("\"\xFF\""), "") << "ill-formed UTF-8";
}

TEST(StrictJson, RefusesANumberBeyondDoublesRange) {
    // nlohmann throws out_of_range, not parse_error, for these; they escaped as a 500 before.
    EXPECT_EQ(refusal("[1e400]"), "the text is not valid JSON (a number is out of range)");
    EXPECT_EQ(refusal(R"({"environment":{"sun_position":6.0e22222}})"),
              "the text is not valid JSON (a number is out of range)");
    EXPECT_EQ(parse("[1e300]")[0], 1e300);
}

}  // namespace
