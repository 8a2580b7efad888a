// The bridge's files: stubs in the simulator's Regions/ folder, the identity, the desired-state
// cache, and the configuration.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "config_sources/config_error.hpp"
#include "sim_bridge/bridge_settings.hpp"
#include "sim_bridge/core/simulator_host.hpp"
#include "sim_bridge/state/desired_cache.hpp"
#include "sim_bridge/state/identity.hpp"
#include "sim_bridge/stubs/stub_directory.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using vergegrid::test::TempDir;
using namespace vergegrid::bridge;

vergegrid::plugin_api::RegionPlan plan(const std::string& name, int x, int port) {
    vergegrid::plugin_api::RegionPlan p;
    p.id = "00000000-0000-0000-0000-00000000000" + std::to_string(x % 10);
    p.name = name;
    p.loc_x = x;
    p.loc_y = 1000;
    p.port = port;
    p.external_host = "127.0.0.1";
    return p;
}

const std::string kRegionId = "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";

std::string slurp(const std::filesystem::path& file) {
    std::ifstream in(file);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(StubDirectory, WritesOneNamedStubPerRegionAtomicallyAndTellsItsOwnFromTheOperators) {
    TempDir dir;
    StubDirectory stubs(dir.path());
    const auto alpha = plan("Alpha", 1001, 9001);
    EXPECT_TRUE(stubs.write(stub_spec(alpha)));
    EXPECT_FALSE(stubs.write(stub_spec(alpha))) << "unchanged content is not rewritten";
    const auto file = dir.path() / ("vergegrid-" + alpha.id + ".ini");
    EXPECT_THAT(slurp(file), HasSubstr("[Alpha]\nRegionUUID = " + alpha.id));
    std::ofstream(dir.path() / "Operator.ini")
        << "; the operator's\r\n[Home]\r\nRegionUUID = \"AAAAAAAA-0000-0000-0000-000000000000\"\r\n"
           "Location = 2000,2000\r\nInternalPort = 9100\r\n[Second]\r\nLocation=2001, 2000\r\n";
    auto entries = stubs.scan();
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries[0].name, "Home");
    EXPECT_FALSE(entries[0].ours);
    EXPECT_EQ(entries[0].uuid, "aaaaaaaa-0000-0000-0000-000000000000");
    EXPECT_EQ(entries[0].loc_x, 2000);
    EXPECT_EQ(entries[0].port, 9100);
    EXPECT_EQ(entries[1].name, "Second");
    EXPECT_EQ(entries[1].loc_x, 2001);
    EXPECT_EQ(entries[2].name, "Alpha");
    EXPECT_TRUE(entries[2].ours);
    for (const auto& item : std::filesystem::directory_iterator(dir.path())) {
        EXPECT_EQ(item.path().filename().string().find(".tmp"), std::string::npos)
            << "no temporary file left behind";
    }
    EXPECT_TRUE(stubs.remove(alpha.id));
    EXPECT_FALSE(stubs.remove(alpha.id));
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "Operator.ini"));
}

TEST(StubDirectory, NamesEveryConflictThatWouldHaltOpenSimsStartUp) {
    TempDir dir;
    StubDirectory stubs(dir.path());
    std::ofstream(dir.path() / "Operator.ini")
        << "[Home]\nRegionUUID = aaaaaaaa-0000-0000-0000-000000000000\nLocation = 2000,2000\n"
           "InternalPort = 9100\n";
    auto p = plan("Alpha", 1001, 9001);
    EXPECT_FALSE(stubs.conflict(stub_spec(p)).has_value());
    auto same_place = p;
    same_place.loc_x = 2000;
    same_place.loc_y = 2000;
    EXPECT_THAT(*stubs.conflict(stub_spec(same_place)), HasSubstr("location 2000,2000 overlaps"));
    auto larger_below = p;  // 512 m from 1999,1999 covers 2000,2000
    larger_below.loc_x = 1999;
    larger_below.loc_y = 1999;
    larger_below.size_x = 512;
    larger_below.size_y = 512;
    EXPECT_THAT(*stubs.conflict(stub_spec(larger_below)), HasSubstr("overlaps"));
    auto beside = p;
    beside.loc_x = 2001;
    beside.loc_y = 2000;
    EXPECT_FALSE(stubs.conflict(stub_spec(beside)).has_value());
    auto same_port = p;
    same_port.port = 9100;
    EXPECT_THAT(*stubs.conflict(stub_spec(same_port)), HasSubstr("port 9100"));
    EXPECT_TRUE(regions_overlap(10, 10, 768, 256, 12, 10, 256, 256));
    EXPECT_FALSE(regions_overlap(10, 10, 768, 256, 13, 10, 256, 256));
    auto same_name = p;
    same_name.name = "home";
    EXPECT_THAT(*stubs.conflict(stub_spec(same_name)), HasSubstr("region name home"));
    auto same_uuid = p;
    same_uuid.id = "aaaaaaaa-0000-0000-0000-000000000000";  // ids are canonical (lowercase)
    EXPECT_THAT(*stubs.conflict(stub_spec(same_uuid)), HasSubstr("Operator.ini"));
    stubs.write(stub_spec(p));
    EXPECT_FALSE(stubs.conflict(stub_spec(p)).has_value()) << "its own stub is no conflict";
}

TEST(StubDirectory, RemovesOnlyForeignFilesCarryingTheRegionUuid) {
    TempDir dir;
    StubDirectory stubs(dir.path());
    const auto p = plan("Alpha", 1001, 9001);
    stubs.write(stub_spec(p));
    std::ofstream(dir.path() / ("1001x1000-" + p.id + ".ini")) << "[Alpha]\n";
    std::ofstream(dir.path() / "Other.ini") << "[Other]\n";
    const auto removed = stubs.remove_foreign_files_of(p.id);
    ASSERT_EQ(removed.size(), 1u);
    EXPECT_EQ(removed[0].filename(), "1001x1000-" + p.id + ".ini");
    EXPECT_TRUE(std::filesystem::exists(stubs.stub_path(p.id)));
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "Other.ini"));
}

TEST(Identity, IsSavedWithMode0600AndRefusedWhenOthersCanReadIt) {
    TempDir dir;
    IdentityFile file(dir.path() / "state");
    EXPECT_FALSE(file.load().has_value());
    file.save({"sim-1", "vgs_secret"});
    struct stat info {};
    ASSERT_EQ(::stat(file.path().c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    auto loaded = file.load();
    ASSERT_TRUE(loaded.has_value());
    EXPECT_EQ(loaded->simulator_id, "sim-1");
    EXPECT_EQ(loaded->api_key, "vgs_secret");
    ::chmod(file.path().c_str(), 0644);
    EXPECT_THROW(file.load(), std::runtime_error);
}

TEST(DesiredCache, SurvivesARestartOfTheBridge) {
    TempDir dir;
    const json spec = {{"id", kRegionId},    {"name", "Alpha"},
                       {"loc_x", 1000},      {"loc_y", 1001},
                       {"size_x", 512},      {"size_y", 512},
                       {"port", 9001},       {"host", ""},
                       {"version", "1.2.0"}, {"flags", {{"enabled", false}}}};
    {
        DesiredCache cache(dir.path());
        cache.put(desired_from_spec(spec, "0.0.0.0", "SYSTEMIP"));
    }
    DesiredCache again(dir.path());
    auto region = again.find(kRegionId);
    ASSERT_TRUE(region.has_value());
    EXPECT_EQ(region->plan.name, "Alpha");
    EXPECT_EQ(region->plan.loc_y, 1001);
    EXPECT_EQ(region->plan.size_x, 512);
    EXPECT_EQ(region->plan.external_host, "SYSTEMIP") << "an empty host takes the default";
    EXPECT_FALSE(region->enabled);
    EXPECT_EQ(region->version, "1.2.0");
    again.erase(kRegionId);
    EXPECT_TRUE(DesiredCache(dir.path()).all().empty());
}

TEST(DesiredCache, ASpecWithoutWhatTheSimulatorNeedsIsRefusedByField) {
    EXPECT_THROW(desired_from_spec(nullptr, "0.0.0.0", "h"), std::invalid_argument);
    try {
        desired_from_spec({{"id", kRegionId}, {"name", "A"}, {"loc_x", 1}, {"loc_y", 1}}, "0.0.0.0",
                          "h");
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_THAT(e.what(), HasSubstr("spec.port"));
    }
}

TEST(DesiredCache, KeepsStubOnlySettingsAcrossARestart) {
    TempDir dir;
    const json spec = {{"id", kRegionId}, {"name", "Alpha"},
                       {"loc_x", 1000},   {"loc_y", 1000},
                       {"port", 9001},    {"flags", {{"max_prims", 15000}, {"max_agents", 40}}}};
    DesiredCache(dir.path()).put(desired_from_spec(spec, "0.0.0.0", "SYSTEMIP"));
    const auto region = DesiredCache(dir.path()).find(kRegionId);
    ASSERT_TRUE(region.has_value());
    EXPECT_EQ(region->max_prims, 15000) << "else the reconciler rewrites the stub without it";
    EXPECT_EQ(region->max_agents, 40);
}

TEST(DesiredCache, AnOperationWhoseRegionIdIsNotACanonicalUuidIsRefusedByField) {
    for (const char* bad : {"../../../etc/cron.d/x", "r-1", "6F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9",
                            "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9/..", ""}) {
        try {
            desired_from_spec(
                {{"id", bad}, {"name", "A"}, {"loc_x", 1}, {"loc_y", 1}, {"port", 9000}}, "0.0.0.0",
                "h");
            ADD_FAILURE() << "accepted " << bad;
        } catch (const std::invalid_argument& e) {
            EXPECT_THAT(e.what(), HasSubstr("spec.id"));
        }
    }
}

// A file outside Regions/ that a planted link points at; it must come out of every test as it was.
struct Victim {
    explicit Victim(const TempDir& dir) : file(dir.path() / "victim.txt") {
        std::ofstream(file) << "precious\n";
    }
    std::string content() const { return slurp(file); }
    std::filesystem::path file;
};

TEST(StubDirectory, ALinkPlantedAtTheTemporaryNameIsNeverFollowed) {
    TempDir dir;
    const Victim victim(dir);
    const auto regions = dir.path() / "Regions";
    std::filesystem::create_directories(regions);
    auto alpha = plan("Alpha", 1001, 9001);
    alpha.id = kRegionId;
    // The name the writer used to open with O_CREAT|O_TRUNC, following links.
    std::filesystem::create_symlink(victim.file,
                                    regions / (".vergegrid-" + kRegionId + ".ini.tmp"));
    StubDirectory stubs(regions);
    EXPECT_TRUE(stubs.write(stub_spec(alpha)));
    EXPECT_EQ(victim.content(), "precious\n");
    const auto stub = stubs.stub_path(kRegionId);
    EXPECT_TRUE(std::filesystem::is_regular_file(std::filesystem::symlink_status(stub)));
    EXPECT_THAT(slurp(stub), HasSubstr("[Alpha]"));
    struct stat info {};
    ASSERT_EQ(::stat(stub.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0644u);
}

TEST(StubDirectory, ALinkPlantedAtTheStubNameIsRefusedNotFollowed) {
    TempDir dir;
    const Victim victim(dir);
    const auto regions = dir.path() / "Regions";
    std::filesystem::create_directories(regions);
    auto alpha = plan("Alpha", 1001, 9001);
    alpha.id = kRegionId;
    StubDirectory stubs(regions);
    std::filesystem::create_symlink(victim.file, stubs.stub_path(kRegionId));
    EXPECT_EQ(stubs.current(kRegionId), "") << "the link's target is not read as our stub";
    try {
        stubs.write(stub_spec(alpha));
        FAIL() << "wrote through a symbolic link";
    } catch (const std::runtime_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("symbolic link"));
    }
    EXPECT_EQ(victim.content(), "precious\n");
    EXPECT_TRUE(std::filesystem::is_symlink(stubs.stub_path(kRegionId)));
    for (const auto& item : std::filesystem::directory_iterator(regions)) {
        EXPECT_EQ(item.path().filename().string().rfind(".vergegrid-", 0), std::string::npos)
            << "no temporary file left behind: " << item.path();
    }
}

TEST(StubDirectory, NoFileNameIsMadeFromARegionIdThatIsNotACanonicalUuid) {
    TempDir dir;
    const auto regions = dir.path() / "Regions";
    StubDirectory stubs(regions);
    auto evil = plan("Evil", 1001, 9001);
    evil.id = "../escaped";
    EXPECT_THROW(stubs.stub_path(evil.id), std::invalid_argument);
    EXPECT_THROW(stubs.write(stub_spec(evil)), std::invalid_argument);
    EXPECT_FALSE(stubs.remove(evil.id));
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "escaped.ini"));
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "vergegrid-../escaped.ini"));
}

TEST(Identity, ALinkPlantedAtTheIdentityFileIsRefusedAndTheFileStays0600) {
    TempDir dir;
    const Victim victim(dir);
    IdentityFile file(dir.path() / "state");
    std::filesystem::create_directories(dir.path() / "state");
    ::umask(0);  // the mode must not depend on the umask either way
    file.save({"sim-1", "vgs_secret"});
    ::umask(022);
    struct stat info {};
    ASSERT_EQ(::stat(file.path().c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    std::filesystem::remove(file.path());
    std::filesystem::create_symlink(victim.file, file.path());
    EXPECT_THROW(file.save({"sim-2", "vgs_other"}), std::runtime_error);
    EXPECT_EQ(victim.content(), "precious\n");
}

TEST(BridgeSettings, ReadsTheFileThenTheEnvironmentAndRefusesUnknownKeysByName) {
    TempDir dir;
    const auto ini = dir.path() / "bridge.ini";
    std::ofstream(ini)
        << "state_dir = /var/lib/vg\n[control]\nurl = https://grid:9800\n"
           "labels = eu, big\n[push]\nlisten = 0.0.0.0:9801\n"
           "[simulator]\nremoteadmin_password = pw\nregions_dir = /opt/sim/Regions\n"
           "environment = MONO_GC=sgen A=1\n[injection.hybrid]\ncreate_timeout_ms = 5\n";
    auto env = [](const std::string& name) -> std::optional<std::string> {
        if (name == "VERGEGRID_SIMULATOR_STOP_TIMEOUT_MS") {
            return "1500";
        }
        if (name == "VERGEGRID_SIMULATOR_MAX_RESPONSE_BYTES") {
            return "65536";
        }
        return std::nullopt;
    };
    BridgeCommandLine flags;
    flags.config_file = ini;
    const auto settings = load_bridge_settings(flags, env);
    EXPECT_EQ(settings.state_dir, "/var/lib/vg");
    ASSERT_EQ(settings.control_endpoints.size(), 1u);
    EXPECT_EQ(settings.control_endpoints[0].url(), "https://grid:9800");
    EXPECT_EQ(settings.labels, (std::vector<std::string>{"eu", "big"}));
    EXPECT_EQ(settings.push_port, 9801);
    EXPECT_THAT(settings.push_url, HasSubstr(":9801/doorbell"));
    EXPECT_EQ(settings.simulator.stop_timeout, std::chrono::milliseconds(1500));
    EXPECT_EQ(settings.simulator.environment.size(), 2u);
    EXPECT_EQ(settings.simulator.max_response_bytes, 65536u);
    EXPECT_EQ(settings.plugin_values.count("injection.hybrid.create_timeout_ms"), 1u);

    std::ofstream(dir.path() / "bad.ini")
        << "colour = blue\n[control]\nurl = x\n[simulator]\nstop_timeout_ms = soon\n"
           "max_response_bytes = 10\n"
           "remoteadmin_password = pw\n";
    flags.config_file = dir.path() / "bad.ini";
    try {
        load_bridge_settings(flags,
                             [](const std::string&) { return std::optional<std::string>(); });
        FAIL();
    } catch (const vergegrid::config_sources::ConfigError& e) {
        std::string all;
        for (const auto& issue : e.issues()) {
            all += issue.key + ": " + issue.message + "\n";
        }
        EXPECT_THAT(all, HasSubstr("colour: unknown key"));
        EXPECT_THAT(all, HasSubstr("control.url: entry 1: control plane URL 'x' is not"));
        EXPECT_THAT(all, HasSubstr("simulator.regions_dir: is required"));
        EXPECT_THAT(all, HasSubstr("simulator.stop_timeout_ms: 'soon' is not an integer"));
        EXPECT_THAT(all, HasSubstr("simulator.max_response_bytes: '10' is not an integer between"));
    }
}

TEST(BridgeSettings, ControlUrlIsACommaSeparatedListInTheFileAndTheEnvironmentAlike) {
    TempDir dir;
    const auto ini = dir.path() / "bridge.ini";
    std::ofstream(ini) << "[control]\nurl = https://a:9800, https://b:9800\n[simulator]\n"
                          "remoteadmin_password = pw\nregions_dir = /opt/sim/Regions\n";
    BridgeCommandLine flags;
    flags.config_file = ini;
    auto with = [&](const std::optional<std::string>& value) {
        return load_bridge_settings(flags, [value](const std::string& name) {
            return name == "VERGEGRID_CONTROL_URL" ? value : std::nullopt;
        });
    };
    auto urls = [](const BridgeSettings& settings) {
        std::vector<std::string> all;
        for (const auto& endpoint : settings.control_endpoints) {
            all.push_back(endpoint.url());
        }
        return all;
    };
    EXPECT_EQ(urls(with(std::nullopt)),
              (std::vector<std::string>{"https://a:9800", "https://b:9800"}));
    EXPECT_EQ(urls(with("http://127.0.0.1:9800,https://c:9800")),
              (std::vector<std::string>{"http://127.0.0.1:9800", "https://c:9800"}));
    const std::vector<std::pair<std::string, std::string>> refused = {
        {"https://a:9800,grid:9800", "entry 2: control plane URL 'grid:9800' is not an http"},
        {"https://a:9800,,https://b:9800", "entry 2 is empty"},
        {"https://a:9800,https://a:9800/", "entry 2 (https://a:9800) repeats entry 1"},
    };
    for (const auto& [value, why] : refused) {
        try {
            with(value);
            ADD_FAILURE() << value;
        } catch (const vergegrid::config_sources::ConfigError& e) {
            ASSERT_EQ(e.issues().size(), 1u) << value;
            EXPECT_EQ(e.issues()[0].key, "control.url");
            EXPECT_THAT(e.issues()[0].message, HasSubstr(why));
            EXPECT_THAT(e.issues()[0].message, HasSubstr("env VERGEGRID_CONTROL_URL"));
        }
    }
}

TEST(BridgeSettings, TheKeyRotationIntervalIsInHoursFractionsAllowedAndZeroIsNever) {
    TempDir dir;
    const auto ini = dir.path() / "bridge.ini";
    std::ofstream(ini) << "[control]\nurl = https://grid:9800\n[simulator]\n"
                          "remoteadmin_password = pw\nregions_dir = /opt/sim/Regions\n";
    BridgeCommandLine flags;
    flags.config_file = ini;
    auto with = [&](const std::optional<std::string>& value) {
        return load_bridge_settings(flags, [value](const std::string& name) {
            return name == "VERGEGRID_CHANNEL_KEY_ROTATION_INTERVAL_H" ? value : std::nullopt;
        });
    };
    EXPECT_EQ(with(std::nullopt).key_rotation_interval, std::chrono::hours(720));
    EXPECT_EQ(with("0.5").key_rotation_interval, std::chrono::minutes(30));
    EXPECT_EQ(with("0").key_rotation_interval.count(), 0);
    for (const std::string bad : {"-1", "0.0001", "soon", "87601"}) {
        try {
            with(bad);
            ADD_FAILURE() << bad;
        } catch (const vergegrid::config_sources::ConfigError& e) {
            EXPECT_EQ(e.issues().at(0).key, "channel.key_rotation_interval_h") << bad;
        }
    }
}

TEST(BridgeSettings, SnapshotKeysHaveGenerousDefaultsAndAreRefusedOutOfRange) {
    TempDir dir;
    const auto ini = dir.path() / "bridge.ini";
    std::ofstream(ini) << "[control]\nurl = https://grid:9800\n[simulator]\n"
                          "remoteadmin_password = pw\nregions_dir = /opt/sim/Regions\n";
    BridgeCommandLine flags;
    flags.config_file = ini;
    const auto none = [](const std::string&) { return std::optional<std::string>(); };
    const auto defaults = load_bridge_settings(flags, none).snapshots;
    EXPECT_EQ(defaults.save_timeout, std::chrono::minutes(30));
    EXPECT_EQ(defaults.load_timeout, std::chrono::minutes(30));
    EXPECT_EQ(defaults.chunk_bytes, 8u << 20);
    EXPECT_EQ(defaults.transfer_retries, 5);

    std::ofstream(ini, std::ios::app) << "[snapshots]\nsave_timeout_s = 7200\nload_timeout_s = 60\n"
                                         "poll_interval_ms = 250\nchunk_bytes = 1048576\n"
                                         "transfer_retries = 0\n";
    const auto set = load_bridge_settings(flags, none).snapshots;
    EXPECT_EQ(set.save_timeout, std::chrono::hours(2));
    EXPECT_EQ(set.load_timeout, std::chrono::minutes(1));
    EXPECT_EQ(set.poll_interval, std::chrono::milliseconds(250));
    EXPECT_EQ(set.chunk_bytes, 1u << 20);
    EXPECT_EQ(set.transfer_retries, 0);

    for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
             {"VERGEGRID_SNAPSHOTS_SAVE_TIMEOUT_S", "0"},
             {"VERGEGRID_SNAPSHOTS_CHUNK_BYTES", "1024"},
             {"VERGEGRID_SNAPSHOTS_POLL_INTERVAL_MS", "often"}}) {
        try {
            load_bridge_settings(flags, [&](const std::string& asked) {
                return asked == name ? std::optional<std::string>(value) : std::nullopt;
            });
            ADD_FAILURE() << name;
        } catch (const vergegrid::config_sources::ConfigError& e) {
            EXPECT_THAT(e.issues().at(0).key, HasSubstr("snapshots.")) << name;
        }
    }
}

}  // namespace
