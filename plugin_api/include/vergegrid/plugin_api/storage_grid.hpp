// ABI 1.3 extension of StorageTransaction: the grid at a glance, for placement. Automatic
// placement needs every region's footprint, port and simulator, nothing more; reading whole
// regions (seven tables) for that cost tens of milliseconds per create at 10,000 regions. A
// transaction of an older storage plugin does not implement it (dynamic_cast gives null) and the
// host pages through list_regions instead.
#pragma once

#include <boost/config.hpp>
#include <string>
#include <vector>

namespace vergegrid::plugin_api {

// OUT (returned by value in a vector). Frozen. Since 1.3.
struct RegionFootprint {
    std::string uuid;
    std::string name;
    std::string simulator_id;  // the region's placement pin / assignment; "" = placed by hand
    std::string host;
    int port = 0;
    int loc_x = 0;  // region units
    int loc_y = 0;
    int size_x = 256;  // metres
    int size_y = 256;
};

// Since 1.3. Implemented by the transaction object; the host finds it with dynamic_cast and never
// deletes it through this interface (the transaction's owner does, see StorageBackend::begin).
class BOOST_SYMBOL_VISIBLE GridStore {
  public:
    virtual ~GridStore() = default;

    // Every region, by name.
    virtual std::vector<RegionFootprint> list_region_footprints() = 0;
};

}  // namespace vergegrid::plugin_api
