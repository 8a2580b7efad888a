// XML-RPC (http://xmlrpc.com/spec.md) as OpenSim's RemoteAdmin speaks it, on Poco's XML parser and
// HTTP client. Values travel as nlohmann::json: int <-> integer, boolean <-> bool, string <->
// string, double <-> float, struct <-> object, array <-> array (nothing else crosses RemoteAdmin).
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace vergegrid::bridge {

// The call did not produce an answer: refused, broken, timed out, or not XML-RPC.
class XmlRpcTransportError : public std::runtime_error {
  public:
    XmlRpcTransportError(const std::string& message, bool timed_out)
        : std::runtime_error(message), timed_out_(timed_out) {}
    bool timed_out() const noexcept { return timed_out_; }

  private:
    bool timed_out_;
};

// The server answered with a <fault> (unknown method: -32601).
class XmlRpcFault : public std::runtime_error {
  public:
    XmlRpcFault(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
    int code() const noexcept { return code_; }

  private:
    int code_;
};

// What a response may cost the bridge before it is refused: its bytes on the wire (status line and
// headers included) and how deeply its elements nest (RemoteAdmin's answers nest about 10 deep).
struct XmlRpcLimits {
    std::size_t max_response_bytes = 8 << 20;  // simulator.max_response_bytes
    std::size_t max_depth = 64;
};

// <methodCall> with the given params (each element of `params` is one <param>).
std::string encode_call(const std::string& method, const nlohmann::json& params);

// The single value of a <methodResponse>. Throws XmlRpcFault for a fault and
// XmlRpcTransportError (not timed out) for anything that is not a well-formed response, or that
// is larger, nests deeper or carries a DTD. Safe on any input (the fuzz target calls it).
nlohmann::json decode_response(std::string_view xml, const XmlRpcLimits& limits = {});

// One POST to http://host:port/ (RemoteAdmin listens at the root path).
struct XmlRpcEndpoint {
    std::string host = "127.0.0.1";
    std::uint16_t port = 9000;
    std::string path = "/";

    // "http://127.0.0.1:9000[/path]"; throws std::invalid_argument naming the URL otherwise.
    static XmlRpcEndpoint parse(const std::string& url);
};

// `timeout` bounds the whole call, from connecting to the last byte of the answer.
nlohmann::json xmlrpc_call(const XmlRpcEndpoint& endpoint, const std::string& method,
                           const nlohmann::json& params, std::chrono::milliseconds timeout,
                           const XmlRpcLimits& limits = {});

}  // namespace vergegrid::bridge
