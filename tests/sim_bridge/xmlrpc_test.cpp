// The XML-RPC encoding the bridge sends and the answers it understands, byte for byte where
// RemoteAdmin cares (types of parameters), against answers shaped as OpenSim writes them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "sim_bridge/remote_admin/remote_admin_client.hpp"
#include "sim_bridge/remote_admin/xmlrpc.hpp"
#include "tests/sim_bridge/raw_http_server.hpp"

namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using namespace vergegrid::bridge;
using test::RawHttpServer;
using test::Send;
using Clock = std::chrono::steady_clock;

// An answer whose single value is `levels` arrays inside each other: 3 elements per level.
std::string nested_answer(int levels) {
    std::string xml = "<?xml version=\"1.0\"?><methodResponse><params><param><value>";
    for (int i = 0; i < levels; ++i) {
        xml += "<array><data><value>";
    }
    xml += "<int>1</int>";
    for (int i = 0; i < levels; ++i) {
        xml += "</value></data></array>";
    }
    return xml + "</value></param></params></methodResponse>";
}

const std::string kGoodAnswer =
    "<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>"
    "<member><name>success</name><value><boolean>1</boolean></value></member>"
    "<member><name>version</name><value><string>OpenSim 0.9.3</string></value></member>"
    "</struct></value></param></params></methodResponse>";

std::string http_ok(const std::string& body) {
    return "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Waits while the client is (presumably) reading, without outliving the server's stop.
void hold(const RawHttpServer& server, std::chrono::milliseconds how_long) {
    const auto until = Clock::now() + how_long;
    while (!server.stopping() && Clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

TEST(XmlRpc, EncodesIntegersAsIntStringsAsStringAndEscapesMarkup) {
    const auto xml = encode_call(
        "admin_create_region",
        json::array({json{{"region_name", "A<&>B"}, {"region_x", 1000}, {"public", "true"}}}));
    EXPECT_EQ(xml,
              "<?xml version=\"1.0\"?><methodCall><methodName>admin_create_region</methodName>"
              "<params><param><value><struct>"
              "<member><name>public</name><value><string>true</string></value></member>"
              "<member><name>region_name</name><value><string>A&lt;&amp;&gt;B</string></value>"
              "</member>"
              "<member><name>region_x</name><value><int>1000</int></value></member>"
              "</struct></value></param></params></methodCall>");
}

TEST(XmlRpc, EncodesBooleansDoublesAndArrays) {
    const auto xml = encode_call("m", json::array({true, 1.5, json::array({1, "x"})}));
    EXPECT_THAT(xml, HasSubstr("<value><boolean>1</boolean></value>"));
    EXPECT_THAT(xml, HasSubstr("<value><double>1.5</double></value>"));
    EXPECT_THAT(xml, HasSubstr("<array><data><value><int>1</int></value><value><string>x</string>"
                               "</value></data></array>"));
    EXPECT_THROW(encode_call("m", json::array({nullptr})), std::invalid_argument);
}

TEST(XmlRpc, DecodesAnOpenSimAnswerStruct) {
    const auto value = decode_response(R"(<?xml version="1.0" encoding="utf-8"?>
<methodResponse><params><param><value><struct>
<member><name>success</name><value><boolean>1</boolean></value></member>
<member><name>health</name><value><i4>4</i4></value></member>
<member><name>flags</name><value><int>7</int></value></member>
<member><name>message</name><value><string /></value></member>
<member><name>region_name</name><value>Alpha &amp; Co</value></member>
<member><name>load</name><value><double>0.25</double></value></member>
<member><name>regions</name><value><array><data><value><string>a</string></value></data></array></value></member>
</struct></value></param></params></methodResponse>)");
    EXPECT_EQ(value.at("success"), true);
    EXPECT_EQ(value.at("health"), 4);
    EXPECT_EQ(value.at("flags"), 7);
    EXPECT_EQ(value.at("message"), "");
    EXPECT_EQ(value.at("region_name"), "Alpha & Co") << "an untyped value is a string";
    EXPECT_DOUBLE_EQ(value.at("load").get<double>(), 0.25);
    EXPECT_EQ(value.at("regions"), json::array({"a"}));
}

TEST(XmlRpc, AFaultBecomesXmlRpcFaultWithItsCode) {
    try {
        decode_response(R"(<?xml version="1.0"?><methodResponse><fault><value><struct>
<member><name>faultCode</name><value><int>-32601</int></value></member>
<member><name>faultString</name><value><string>Requested method [x] not found</string></value></member>
</struct></value></fault></methodResponse>)");
        FAIL() << "no exception";
    } catch (const XmlRpcFault& fault) {
        EXPECT_EQ(fault.code(), -32601);
        EXPECT_STREQ(fault.what(), "Requested method [x] not found");
    }
}

TEST(XmlRpc, SomethingElseIsATransportErrorNotATimeout) {
    for (const char* bad :
         {"", "<html>502</html>", "<methodResponse/>", "<", "<a", "</", "<!--", "<![CDATA[", "<?x",
          "<a b='>", "<methodResponse><!-- <a> --></methodResponse>", "\xff\xfe<\x00",
          "<methodResponse><params><param><value><int>x</int></value></param></params>"
          "</methodResponse>",
          "<methodResponse><params><param><value><boolean>2</boolean></value></param></params>"
          "</methodResponse>",
          "<methodResponse><params><param><value><dateTime.iso8601/><int>1</int></value></param>"
          "</params></methodResponse>"}) {
        try {
            decode_response(bad);
            ADD_FAILURE() << "accepted: " << bad;
        } catch (const XmlRpcTransportError& e) {
            EXPECT_FALSE(e.timed_out());
            EXPECT_THAT(e.what(), HasSubstr("malformed XML-RPC response"));
        }
    }
}

TEST(XmlRpc, EndpointUrls) {
    const auto endpoint = XmlRpcEndpoint::parse("http://127.0.0.1:9000");
    EXPECT_EQ(endpoint.host, "127.0.0.1");
    EXPECT_EQ(endpoint.port, 9000);
    EXPECT_EQ(endpoint.path, "/");
    EXPECT_THROW(XmlRpcEndpoint::parse("https://127.0.0.1:9000"), std::invalid_argument);
    EXPECT_THROW(XmlRpcEndpoint::parse("127.0.0.1:9000"), std::invalid_argument);
}

TEST(XmlRpc, ACallToNothingFailsPromptlyAsATransportError) {
    // Port 1 on loopback: nobody listens there.
    EXPECT_THROW(xmlrpc_call(XmlRpcEndpoint::parse("http://127.0.0.1:1"), "m", json::array(),
                             std::chrono::milliseconds(2000)),
                 XmlRpcTransportError);
}

TEST(XmlRpc, AnswerNestedDeeperThanTheLimitIsRefusedNotParsed) {
    // 15 arrays deep is 49 elements: deeper than anything RemoteAdmin answers, within the limit.
    auto value = decode_response(nested_answer(15));
    for (int i = 0; i < 15; ++i) {
        ASSERT_TRUE(value.is_array());
        value = value.at(0);
    }
    EXPECT_EQ(value, 1);
    // 50,001 elements deep: this crashed the bridge inside the XML parser's tree.
    try {
        decode_response(nested_answer(16'667));
        FAIL() << "accepted";
    } catch (const XmlRpcTransportError& e) {
        EXPECT_FALSE(e.timed_out());
        EXPECT_THAT(e.what(), HasSubstr("nested deeper than 64"));
    }
    EXPECT_THROW(decode_response(nested_answer(16), XmlRpcLimits{1 << 20, 48}),
                 XmlRpcTransportError);
}

TEST(XmlRpc, AWideAnswerJustUnderTheSizeLimitIsStillDecoded) {
    // The limits refuse depth and bulk, not breadth: about 300,000 values in 8 MiB.
    const std::string item = "<value><int>7</int></value>";
    const std::string head = "<methodResponse><params><param><value><array><data>";
    const std::string tail = "</data></array></value></param></params></methodResponse>";
    const std::size_t count =
        (XmlRpcLimits{}.max_response_bytes - head.size() - tail.size()) / item.size();
    std::string xml = head;
    for (std::size_t i = 0; i < count; ++i) {
        xml += item;
    }
    xml += tail;
    const auto value = decode_response(xml);
    ASSERT_TRUE(value.is_array());
    EXPECT_EQ(value.size(), count);
    EXPECT_EQ(value.back(), 7);
}

TEST(XmlRpc, ADocumentTypeDeclarationIsRefused) {
    // No answer needs a DTD; refusing it also refuses entity expansion bombs.
    const std::string bomb =
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\">"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
        "<methodResponse><params><param><value>&b;</value></param></params></methodResponse>";
    try {
        decode_response(bomb);
        FAIL() << "accepted";
    } catch (const XmlRpcTransportError& e) {
        EXPECT_THAT(e.what(), HasSubstr("document type declaration"));
    }
}

TEST(XmlRpc, AUtf16AnswerIsRefusedSoItsNestingCannotHideFromTheCount) {
    // In UTF-16 an element name such as "a\u2722" holds the bytes of '"' and '\'', which a
    // byte-wise count would take for quotes and so skip the tags after them.
    std::string utf16 = "\xff\xfe";
    for (char c : nested_answer(2)) {
        utf16 += c;
        utf16 += '\0';
    }
    try {
        decode_response(utf16);
        FAIL() << "accepted";
    } catch (const XmlRpcTransportError& e) {
        EXPECT_THAT(e.what(), HasSubstr("NUL byte"));
    }
}

TEST(XmlRpc, AnswerLargerThanTheLimitIsRefusedBeforeParsing) {
    const auto answer = nested_answer(1);
    EXPECT_NO_THROW(decode_response(answer, XmlRpcLimits{answer.size(), 64}));
    try {
        decode_response(answer, XmlRpcLimits{answer.size() - 1, 64});
        FAIL() << "accepted";
    } catch (const XmlRpcTransportError& e) {
        EXPECT_THAT(e.what(), HasSubstr("larger than"));
    }
}

TEST(XmlRpc, ADeeplyNestedAnswerFailsTheCallWithAMessageAndTheClientGoesOn) {
    const auto deep = nested_answer(16'667);
    RawHttpServer server([&](const Send& send) { send(http_ok(deep)); });
    RemoteAdminClient client(XmlRpcEndpoint::parse(server.url()), "secret");
    const auto answer = client.version(std::chrono::milliseconds(10'000));
    EXPECT_FALSE(answer.ok);
    EXPECT_FALSE(answer.timed_out);
    EXPECT_THAT(answer.error, HasSubstr("nested deeper than 64"));

    RawHttpServer good([&](const Send& send) { send(http_ok(kGoodAnswer)); });
    RemoteAdminClient next(XmlRpcEndpoint::parse(good.url()), "secret");
    const auto version = next.version(std::chrono::milliseconds(10'000));
    EXPECT_TRUE(version.ok) << version.error;
    EXPECT_EQ(version.body.at("version"), "OpenSim 0.9.3");
}

TEST(XmlRpc, AnEndlessAnswerIsCutAtTheSizeLimit) {
    // Headers without a length, then megabytes until the client hangs up (64 MiB at most).
    RawHttpServer server([](const Send& send) {
        if (!send("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n\r\n<methodResponse>")) {
            return;
        }
        const std::string megabyte(1 << 20, ' ');
        for (int i = 0; i < 64 && send(megabyte); ++i) {
        }
    });
    try {
        xmlrpc_call(XmlRpcEndpoint::parse(server.url()), "m", json::array(),
                    std::chrono::milliseconds(30'000), XmlRpcLimits{4 << 20, 64});
        FAIL() << "accepted";
    } catch (const XmlRpcTransportError& e) {
        EXPECT_FALSE(e.timed_out());
        EXPECT_THAT(e.what(), HasSubstr("larger than 4194304 bytes"));
    }
}

TEST(XmlRpc, ATrickledAnswerEndsAtTheCallsTotalDeadline) {
    // One byte every 50 ms, headers included: each read is quick, the whole never ends.
    RawHttpServer server([&](const Send& send) {
        const std::string answer = http_ok(kGoodAnswer) + std::string(100'000, ' ');
        for (char c : answer) {
            if (!send(std::string(1, c))) {
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });
    const auto started = Clock::now();
    try {
        xmlrpc_call(XmlRpcEndpoint::parse(server.url()), "m", json::array(),
                    std::chrono::milliseconds(500));
        FAIL() << "accepted";
    } catch (const XmlRpcTransportError& e) {
        EXPECT_TRUE(e.timed_out()) << e.what();
    }
    // Generous: only a call that ignores its deadline (the old one ran for minutes) exceeds it.
    EXPECT_LT(Clock::now() - started, std::chrono::seconds(5));
}

TEST(XmlRpc, ACompleteAnswerIsTakenWithoutWaitingForTheConnectionToClose) {
    RawHttpServer sized([&](const Send& send) {
        send(http_ok(kGoodAnswer));
        hold(sized, std::chrono::seconds(20));
    });
    const auto started = Clock::now();
    const auto value = xmlrpc_call(XmlRpcEndpoint::parse(sized.url()), "m", json::array(),
                                   std::chrono::milliseconds(15'000));
    EXPECT_EQ(value.at("version"), "OpenSim 0.9.3");

    RawHttpServer chunked([&](const Send& send) {
        const auto half = kGoodAnswer.size() / 2;
        auto chunk = [](const std::string& data) {
            std::ostringstream size;
            size << std::hex << data.size();
            return size.str() + "\r\n" + data + "\r\n";
        };
        send("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n" +
             chunk(kGoodAnswer.substr(0, half)));
        send(chunk(kGoodAnswer.substr(half)) + "0\r\n\r\n");
        hold(chunked, std::chrono::seconds(20));
    });
    const auto chunked_value = xmlrpc_call(XmlRpcEndpoint::parse(chunked.url()), "m", json::array(),
                                           std::chrono::milliseconds(15'000));
    EXPECT_EQ(chunked_value.at("success"), true);
    EXPECT_LT(Clock::now() - started, std::chrono::seconds(10));
}

TEST(XmlRpc, AnAnswerCutShortOrNotOkIsATransportError) {
    RawHttpServer short_body([](const Send& send) {
        send("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n<methodResponse>");
    });
    EXPECT_THROW(xmlrpc_call(XmlRpcEndpoint::parse(short_body.url()), "m", json::array(),
                             std::chrono::milliseconds(10'000)),
                 XmlRpcTransportError);
    RawHttpServer not_found(
        [](const Send& send) { send("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"); });
    try {
        xmlrpc_call(XmlRpcEndpoint::parse(not_found.url()), "m", json::array(),
                    std::chrono::milliseconds(10'000));
        FAIL() << "accepted";
    } catch (const XmlRpcTransportError& e) {
        EXPECT_THAT(e.what(), HasSubstr("HTTP 404"));
    }
}

}  // namespace

namespace {

// OpenSim 0.9.2.2's answers to admin_console_command: {} for a line that ran (whatever it did),
// {success: false, error} for one that threw (`region get` of a region without a region file).
TEST(XmlRpc, AConsoleLineThatRanIsOkAndOneThatThrewIsAnError) {
    RawHttpServer ran([&](const Send& send) {
        send(
            http_ok("<?xml version=\"1.0\"?><methodResponse><params><param><value><struct/>"
                    "</value></param></params></methodResponse>"));
    });
    const auto answer =
        RemoteAdminClient(XmlRpcEndpoint::parse(ran.url()), "secret")
            .console_command("set water height 25 1000 1000", std::chrono::milliseconds(10'000));
    EXPECT_TRUE(answer.ok) << answer.error;
    RawHttpServer threw([&](const Send& send) {
        send(
            http_ok("<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>"
                    "<member><name>success</name><value><boolean>0</boolean></value></member>"
                    "<member><name>error</name><value><string>Object reference not set to an "
                    "instance of an object</string></value></member>"
                    "</struct></value></param></params></methodResponse>"));
    });
    const auto failed = RemoteAdminClient(XmlRpcEndpoint::parse(threw.url()), "secret")
                            .console_command("region get", std::chrono::milliseconds(10'000));
    EXPECT_FALSE(failed.ok);
    EXPECT_THAT(failed.error, HasSubstr("Object reference not set"));
}

// admin_get_agents as a real 0.9.2.2 answers it (the avatar's fields from RemoteAdminPlugin.cs),
// and an answer without the list, which must not pass for an empty region.
TEST(XmlRpc, GetAgentsReadsTheAvatarsOfTheOneRegionAndRefusesAnAnswerWithoutTheList) {
    const std::string member = "<member><name>%s</name><value><string>%s</string></value></member>";
    auto text = [&member](const std::string& name, const std::string& value) {
        std::string out = member;
        out.replace(out.find("%s"), 2, name);
        out.replace(out.find("%s"), 2, value);
        return out;
    };
    const std::string agents =
        "<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>"
        "<member><name>success</name><value><boolean>1</boolean></value></member>"
        "<member><name>regions</name><value><array><data><value><struct>" +
        text("name", "Alpha") + text("id", "11111111-2222-3333-4444-555555555555") +
        "<member><name>agents</name><value><array><data><value><struct>" +
        text("name", "Ada Lovelace") + text("id", "aaaaaaaa-0000-0000-0000-000000000001") +
        text("type", "User") + text("pos_x", "128") + text("is_flying", "False") +
        "</struct></value></data></array></value></member>"
        "</struct></value></data></array></value></member>"
        "</struct></value></param></params></methodResponse>";
    RawHttpServer listed([&](const Send& send) { send(http_ok(agents)); });
    const auto found = RemoteAdminClient(XmlRpcEndpoint::parse(listed.url()), "secret")
                           .get_agents("Alpha", std::chrono::milliseconds(10'000));
    ASSERT_TRUE(found.answer.ok) << found.answer.error;
    ASSERT_EQ(found.agents.size(), 1u);
    EXPECT_EQ(found.agents[0].name, "Ada Lovelace");
    EXPECT_EQ(found.agents[0].id, "aaaaaaaa-0000-0000-0000-000000000001");

    RawHttpServer unlisted([&](const Send& send) { send(http_ok(kGoodAnswer)); });
    const auto missing = RemoteAdminClient(XmlRpcEndpoint::parse(unlisted.url()), "secret")
                             .get_agents("Alpha", std::chrono::milliseconds(10'000));
    EXPECT_FALSE(missing.answer.ok);
    EXPECT_THAT(missing.answer.error, HasSubstr("no regions[0].agents list"));
    EXPECT_TRUE(missing.agents.empty());
}

}  // namespace
