// The hybrid sync scheduler: structural changes are eager, an update of cosmetic fields only is
// lazy, and the lazy window comes from window_s (0..86400, 60 by default).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plugin_host/loaded_plugin.hpp"
#include "tests/support/builtin_plugin.hpp"
#include "vergegrid/plugin_api/sync.hpp"

namespace {

namespace api = vergegrid::plugin_api;
using api::SyncClass;

class HybridSync : public ::testing::Test {
  protected:
    std::shared_ptr<api::SyncScheduler> make(const api::ConfigSection& config = {}) {
        return plugin_.make<api::SyncScheduler>(config);
    }
    SyncClass classify(const std::string& kind, std::vector<std::string> fields = {}) {
        return scheduler_->classify({kind, std::move(fields)});
    }

    vergegrid::test::BuiltinPlugin plugin_{"vg-sync-hybrid.so", "sync", "hybrid"};
    std::shared_ptr<api::SyncScheduler> scheduler_ = make();
};

TEST_F(HybridSync, EveryKindButAnUpdateIsEager) {
    for (const char* kind : {"create", "delete", "restart", "enable", "disable"}) {
        EXPECT_EQ(classify(kind), SyncClass::eager) << kind;
        EXPECT_EQ(classify(kind, {"environment.sun"}), SyncClass::eager) << kind;
    }
}

TEST_F(HybridSync, AnUpdateOfCosmeticFieldsOnlyIsLazy) {
    EXPECT_EQ(classify("update", {"environment.water_height"}), SyncClass::lazy);
    EXPECT_EQ(classify("update", {"terrain.raise_limit", "permissions.allow_damage", "flags.voice",
                                  "draw_distance_cap"}),
              SyncClass::lazy);
}

TEST_F(HybridSync, AnyStructuralFieldMakesAnUpdateEager) {
    for (const char* field : {"loc_x", "size_x", "estate_id", "physics.engine", "name", "port"}) {
        EXPECT_EQ(classify("update", {"environment.water_height", field}), SyncClass::eager)
            << field;
    }
}

TEST_F(HybridSync, EnablingOrDisablingARegionIsEagerThoughItIsAFlag) {
    EXPECT_EQ(classify("update", {"flags.enabled"}), SyncClass::eager);
    EXPECT_EQ(classify("update", {"flags.voice", "flags.enabled"}), SyncClass::eager);
}

TEST_F(HybridSync, AnUpdateThatNamesNoFieldIsEager) {
    EXPECT_EQ(classify("update", {}), SyncClass::eager);
}

TEST_F(HybridSync, APrefixMustMatchFromTheStart) {
    EXPECT_EQ(classify("update", {"my.environment.sun"}), SyncClass::eager);
    EXPECT_EQ(classify("update", {"environment"}), SyncClass::eager)
        << "the section itself, not a field in it";
}

TEST_F(HybridSync, TheWindowIsSixtySecondsUnlessConfigured) {
    EXPECT_EQ(scheduler_->lazy_window_s(), 60);
    EXPECT_EQ(make({{"window_s", "0"}})->lazy_window_s(), 0);
    EXPECT_EQ(make({{"window_s", "86400"}})->lazy_window_s(), 86400);
    EXPECT_THAT(plugin_.logger()->lines(),
                ::testing::Contains("lazy changes are delivered after 86400 s"));
}

TEST_F(HybridSync, AWindowOutOfRangeOrNotAnIntegerIsAConfigErrorNamingTheKey) {
    for (const char* text : {"-1", "86401", "1.5", "60s", "", "ten"}) {
        try {
            make({{"window_s", text}});
            ADD_FAILURE() << "accepted window_s '" << text << "'";
        } catch (const vergegrid::plugin_host::PluginCreateError& e) {
            EXPECT_EQ(e.config_key, "sync.hybrid.window_s") << text;
            EXPECT_THAT(e.config_message, ::testing::HasSubstr("between 0 and 86400")) << text;
        }
    }
}

}  // namespace
