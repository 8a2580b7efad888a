#include "kernel/http/url_encoding.hpp"

#include <gtest/gtest.h>

#include "kernel/http/api_error.hpp"

namespace {

namespace http = vergegrid::kernel::http;

TEST(UrlEncoding, PercentDecode) {
    EXPECT_EQ(http::percent_decode("a%20b%2Fc%41", false), "a b/cA");
    EXPECT_EQ(http::percent_decode("a+b", false), "a+b");
    EXPECT_EQ(http::percent_decode("a+b", true), "a b");
    EXPECT_EQ(http::percent_decode("%e2%82%ac", false), "\xe2\x82\xac");
    EXPECT_FALSE(http::percent_decode("%", false));
    EXPECT_FALSE(http::percent_decode("abc%4", false));
    EXPECT_FALSE(http::percent_decode("%g0", false));
}

TEST(UrlEncoding, ParsesAndDecodesQuery) {
    const auto query = http::parse_query("name=My+Region&x%20y=1%2B1&flag&empty=&&a=first&a=last");
    const std::map<std::string, std::string> expected = {
        {"name", "My Region"}, {"x y", "1+1"}, {"flag", ""}, {"empty", ""}, {"a", "last"}};
    EXPECT_EQ(query, expected);
    EXPECT_TRUE(http::parse_query("").empty());
}

TEST(UrlEncoding, MalformedQueryEscapeNamesTheParameter) {
    try {
        http::parse_query("ok=1&limit=%zz");
        FAIL() << "expected ApiError";
    } catch (const http::ApiError& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_EQ(e.code(), "invalid_query");
        EXPECT_EQ(e.field(), "limit");
    }
}

}  // namespace
