// libFuzzer target: the sim bridge's parser of RemoteAdmin XML-RPC responses, through its public
// function only. Invariant: only XmlRpcFault and XmlRpcTransportError escape, and the decoded
// value serialises.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim_bridge/remote_admin/xmlrpc.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace vergegrid::bridge;
    try {
        const auto value = decode_response(std::string(reinterpret_cast<const char*>(data), size));
        (void)value.dump();  // throws for ill-formed UTF-8: that would be a finding
    } catch (const XmlRpcFault&) {
    } catch (const XmlRpcTransportError&) {
    }
    return 0;
}
