// The XML-RPC encoding the bridge sends and the answers it understands, byte for byte where
// RemoteAdmin cares (types of parameters), against answers shaped as OpenSim writes them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sim_bridge/remote_admin/xmlrpc.hpp"

namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using namespace vergegrid::bridge;

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
         {"", "<html>502</html>", "<methodResponse/>",
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

}  // namespace
