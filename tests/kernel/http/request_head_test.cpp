// check_request_head(): the framing checks on a parsed head, without a server.
#include <gtest/gtest.h>

#include "kernel/http/api_error.hpp"
#include "kernel/http/head_peek.hpp"
#include "kernel/http/request_head.hpp"

namespace {

namespace http = vergegrid::kernel::http;

Poco::Net::HTTPRequest head(const std::vector<std::pair<std::string, std::string>>& fields) {
    Poco::Net::HTTPRequest request("POST", "/x", Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : fields) {
        request.add(name, value);
    }
    return request;
}

std::string rejected_field(const Poco::Net::HTTPRequest& request) {
    try {
        http::check_request_head(request);
    } catch (const http::ApiError& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_EQ(e.code(), "bad_request");
        return e.field();
    }
    return "(accepted)";
}

TEST(RequestHead, PlainFramingsAreAccepted) {
    EXPECT_FALSE(http::check_request_head(head({})).has_body());
    EXPECT_EQ(http::check_request_head(head({{"Content-Length", "12"}})).content_length, 12U);
    EXPECT_TRUE(http::check_request_head(head({{"Transfer-Encoding", "Chunked"}})).chunked);
}

TEST(RequestHead, ContentLengthTwiceIsRefusedEvenWithEqualValues) {
    EXPECT_EQ(rejected_field(head({{"Content-Length", "3"}, {"content-length", "3"}})),
              "Content-Length");
    EXPECT_EQ(rejected_field(head({{"Content-Length", "3"}, {"Content-Length", "4"}})),
              "Content-Length");
}

TEST(RequestHead, ContentLengthWithTransferEncodingIsRefused) {
    EXPECT_EQ(rejected_field(head({{"Content-Length", "3"}, {"Transfer-Encoding", "chunked"}})),
              "Content-Length");
}

TEST(RequestHead, TransferEncodingTwiceOrOtherThanChunkedIsRefused) {
    EXPECT_EQ(
        rejected_field(head({{"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}})),
        "Transfer-Encoding");
    EXPECT_EQ(rejected_field(head({{"Transfer-Encoding", "gzip, chunked"}})), "Transfer-Encoding");
}

TEST(RequestHead, MalformedContentLengthsAreRefused) {
    for (const char* bad : {"", "-1", "+5", "1 2", "0x10", "12abc", "99999999999999999999999"}) {
        EXPECT_EQ(rejected_field(head({{"Content-Length", bad}})), "Content-Length") << bad;
    }
}

TEST(HeadEnd, FoundWhereAnEmptyLineEndsTheHead) {
    const std::string crlf_head = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    EXPECT_EQ(http::find_head_end(crlf_head + "body"), crlf_head.size());
    const std::string lf_head = "GET / HTTP/1.1\nHost: x\n\n";
    EXPECT_EQ(http::find_head_end(lf_head), lf_head.size());
    const std::string bare = "\r\nGET / HTTP/1.1\r\n\r\n";
    EXPECT_EQ(http::find_head_end(bare + "GET"), bare.size());
}

TEST(HeadEnd, NotFoundInAHeadStillComing) {
    EXPECT_EQ(http::find_head_end("GET / HTTP/1.1\r\nHost: x\r\n"), std::string_view::npos);
    EXPECT_EQ(http::find_head_end("GET / HTTP/1.1\r\nHost: x\r\n\r"), std::string_view::npos);
    // Poco skips blank lines before the request line: they end nothing.
    EXPECT_EQ(http::find_head_end("\r\n\r\n\n\nGET / HTTP/1.1\r\n"), std::string_view::npos);
    EXPECT_EQ(http::find_head_end(""), std::string_view::npos);
}

}  // namespace
