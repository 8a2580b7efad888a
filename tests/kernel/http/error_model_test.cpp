// ApiError, Request and Response: the values handlers exchange with the server.
#include <gtest/gtest.h>

#include "kernel/http/api_error.hpp"
#include "kernel/http/request.hpp"
#include "kernel/http/request_id.hpp"
#include "kernel/http/response.hpp"

namespace {

namespace http = vergegrid::kernel::http;

TEST(ApiError, CarriesStatusCodeMessageAndField) {
    const http::ApiError error(422, "invalid_field", "name must not be empty", "name");
    EXPECT_EQ(error.status(), 422);
    EXPECT_EQ(error.code(), "invalid_field");
    EXPECT_EQ(error.message(), "name must not be empty");
    EXPECT_STREQ(error.what(), "name must not be empty");
    EXPECT_EQ(error.field(), "name");

    const auto invalid = http::ApiError::invalid_field("port", "out of range");
    EXPECT_EQ(invalid.status(), 400);
    EXPECT_EQ(http::ApiError::not_found("x").status(), 404);
    EXPECT_EQ(http::ApiError::conflict("x").code(), "conflict");
}

TEST(ApiError, ResponseBodyHasTheDocumentedShape) {
    const auto with_field =
        http::Response::error(http::ApiError(400, "invalid_field", "bad \"x\"", "x"));
    EXPECT_EQ(with_field.status, 400);
    EXPECT_EQ(with_field.content_type, "application/json");
    EXPECT_EQ(with_field.body,
              R"({"error":{"code":"invalid_field","message":"bad \"x\"","field":"x"}})");

    const auto without_field = http::Response::error(http::ApiError(404, "not_found", "gone"));
    EXPECT_EQ(without_field.body, R"({"error":{"code":"not_found","message":"gone"}})");
}

TEST(Request, HeaderLookupByLowerCaseName) {
    http::Request request;
    request.headers = {{"x-request-id", "abc"}};
    EXPECT_EQ(request.header("x-request-id"), "abc");
    EXPECT_EQ(request.header("missing"), "");
    EXPECT_EQ(request.caller.subject, "anonymous");
    EXPECT_EQ(request.caller.role, "anonymous");
}

TEST(Request, JsonBodyParses) {
    http::Request request;
    request.body = R"({"name":"Region \u00e9","size":256})";
    const auto json = request.json_body();
    EXPECT_EQ(json.at("name"), "Region \xc3\xa9");
    EXPECT_EQ(json.at("size"), 256);
}

TEST(Request, InvalidJsonBodyIsA400InvalidJson) {
    for (const std::string& body : {std::string(), std::string("{\"a\":"), std::string("not json"),
                                    std::string("{\"a\":\"\xff\xfe\"}")}) {
        http::Request request;
        request.body = body;
        try {
            (void)request.json_body();
            FAIL() << "accepted: " << body;
        } catch (const http::ApiError& e) {
            EXPECT_EQ(e.status(), 400);
            EXPECT_EQ(e.code(), "invalid_json");
            EXPECT_EQ(std::string(e.message()).find("not json"), std::string::npos)
                << "the message must not quote the body";
        }
    }
}

TEST(Response, JsonAndText) {
    const auto json = http::Response::json(201, {{"id", "r1"}});
    EXPECT_EQ(json.status, 201);
    EXPECT_EQ(json.content_type, "application/json");
    EXPECT_EQ(json.body, R"({"id":"r1"})");

    const auto invalid_utf8 = http::Response::json(200, {{"name", "bad\xff"}});
    EXPECT_EQ(invalid_utf8.body, "{\"name\":\"bad\xef\xbf\xbd\"}");

    const auto text = http::Response::text(200, "metric 1\n");
    EXPECT_EQ(text.content_type, "text/plain; version=0.0.4");
    EXPECT_EQ(text.body, "metric 1\n");
}

TEST(RequestId, AcceptsSaneClientIdsOnly) {
    EXPECT_TRUE(http::is_acceptable_request_id("3f2b1c9e-8a4d-4b7e-9c1a-2d3e4f5a6b7c"));
    EXPECT_TRUE(http::is_acceptable_request_id("trace:abc/def+1=="));
    EXPECT_FALSE(http::is_acceptable_request_id(""));
    EXPECT_FALSE(http::is_acceptable_request_id("has space"));
    EXPECT_FALSE(http::is_acceptable_request_id("line\nbreak"));
    EXPECT_FALSE(http::is_acceptable_request_id("quote\""));
    EXPECT_FALSE(http::is_acceptable_request_id(std::string(129, 'a')));
    EXPECT_EQ(http::choose_request_id("client-1"), "client-1");
    EXPECT_EQ(http::choose_request_id("bad id").size(), 32u);
}

TEST(RequestId, GeneratedIdsAreUniqueHex) {
    const auto a = http::new_request_id();
    const auto b = http::new_request_id();
    EXPECT_NE(a, b);
    EXPECT_EQ(a.size(), 32u);
    EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace
