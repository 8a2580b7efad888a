// A storage plugin built against the vendored headers of an older ABI (FIXTURE_ABI_MINOR 0 or 2),
// keeping the grid in memory. It exists to prove that the current host still drives such a
// plugin: a 1.0 one has no AccessStore/OperationStore (the host's pre-1.1 path), a 1.2 one has
// them but no GridStore (the host's pre-1.3 footprint path). Never used outside tests.
//
// Transactions work on a copy of the data: commit() publishes the copy, destruction without
// commit drops it. Read-write transactions are serialised by one timed mutex, as the contract asks.
#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <vergegrid/plugin_api/storage.hpp>

#if FIXTURE_ABI_MINOR >= 1
#include <vergegrid/plugin_api/storage_access.hpp>
#include <vergegrid/plugin_api/storage_operations.hpp>
#endif

namespace {

namespace api = vergegrid::plugin_api;

std::string folded(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

template <typename T, typename Key>
std::optional<T> find_in(const std::map<std::string, T>& rows, const Key& key) {
    const auto it = rows.find(key);
    return it == rows.end() ? std::nullopt : std::optional<T>(it->second);
}

template <typename T, typename Match>
std::optional<T> find_first(const std::map<std::string, T>& rows, Match match) {
    for (const auto& [id, row] : rows) {
        if (match(row)) {
            return row;
        }
    }
    return std::nullopt;
}

// Rows by name after the cursor, at most `limit`.
template <typename T, typename Keep>
std::vector<T> page_by_name(const std::map<std::string, T>& rows, const std::string& after_name,
                            int limit, Keep keep) {
    std::vector<T> out;
    for (const auto& [id, row] : rows) {
        if (row.name > after_name && keep(row)) {
            out.push_back(row);
        }
    }
    std::sort(out.begin(), out.end(), [](const T& a, const T& b) { return a.name < b.name; });
    if (limit >= 0 && out.size() > static_cast<std::size_t>(limit)) {
        out.resize(static_cast<std::size_t>(limit));
    }
    return out;
}

struct Data {
    std::map<std::string, api::Estate> estates;
    std::map<std::string, api::Template> templates;
    std::vector<api::TemplateVersion> template_versions;
    std::map<std::string, api::Region> regions;
    std::vector<api::RegionHistoryEntry> history;
    std::vector<api::AuditEntry> audit;
#if FIXTURE_ABI_MINOR >= 1
    std::map<std::string, api::User> users;
    std::map<std::string, api::AccessToken> tokens;
    std::map<std::string, api::RegistrationToken> registration_tokens;
    std::map<std::string, api::Simulator> simulators;
    std::vector<api::Operation> operations;
#endif
};

class MemoryBackend;

class MemoryTransaction final : public api::StorageTransaction
#if FIXTURE_ABI_MINOR >= 1
    ,
                                public api::AccessStore,
                                public api::OperationStore
#endif
{
  public:
    MemoryTransaction(MemoryBackend& backend, Data data, std::unique_lock<std::timed_mutex> lock)
        : backend_(backend), data_(std::move(data)), write_lock_(std::move(lock)) {}

    void commit() override;

    std::optional<api::Estate> find_estate(const std::string& id) override {
        return find_in(data_.estates, id);
    }
    std::optional<api::Estate> find_estate_by_name(const std::string& name) override {
        return find_first(data_.estates,
                          [&](const api::Estate& e) { return folded(e.name) == folded(name); });
    }
    std::vector<api::Estate> list_estates(const std::string& after_name, int limit) override {
        return page_by_name(data_.estates, after_name, limit,
                            [](const api::Estate&) { return true; });
    }
    void insert_estate(const api::Estate& estate) override {
        writable();
        if (find_estate_by_name(estate.name) || !data_.estates.emplace(estate.id, estate).second) {
            throw api::StorageConflict("estate " + estate.name + " exists");
        }
    }
    void update_estate(const api::Estate& estate) override {
        writable();
        data_.estates[estate.id] = estate;
    }
    void delete_estate(const std::string& id) override {
        writable();
        data_.estates.erase(id);
    }
    int count_regions_in_estate(const std::string& estate_id) override {
        return count_regions([&](const api::Region& r) { return r.estate_id == estate_id; });
    }

    std::optional<api::Template> find_template(const std::string& id) override {
        return find_in(data_.templates, id);
    }
    std::optional<api::Template> find_template_by_name(const std::string& name) override {
        return find_first(data_.templates, [&](const api::Template& t) { return t.name == name; });
    }
    std::vector<api::Template> list_templates(const std::string& after_name, int limit) override {
        return page_by_name(data_.templates, after_name, limit,
                            [](const api::Template&) { return true; });
    }
    void insert_template(const api::Template& tmpl) override {
        writable();
        if (find_template_by_name(tmpl.name) || !data_.templates.emplace(tmpl.id, tmpl).second) {
            throw api::StorageConflict("template " + tmpl.name + " exists");
        }
        record_version(tmpl);
    }
    void update_template(const api::Template& tmpl) override {
        writable();
        data_.templates[tmpl.id] = tmpl;
        record_version(tmpl);
    }
    void delete_template(const std::string& id) override {
        writable();
        data_.templates.erase(id);
        std::erase_if(data_.template_versions,
                      [&](const api::TemplateVersion& v) { return v.template_id == id; });
    }
    std::vector<api::TemplateVersion> list_template_versions(const std::string& id) override {
        std::vector<api::TemplateVersion> out;
        for (const auto& v : data_.template_versions) {
            if (v.template_id == id) {
                out.push_back(v);
            }
        }
        return out;
    }
    std::optional<api::TemplateVersion> find_template_version(const std::string& id,
                                                              const api::SemVer& version) override {
        for (const auto& v : data_.template_versions) {
            if (v.template_id == id && v.version == version) {
                return v;
            }
        }
        return std::nullopt;
    }
    int count_regions_from_template(const std::string& template_id) override {
        return count_regions([&](const api::Region& r) { return r.template_id == template_id; });
    }

    std::optional<api::Region> find_region(const std::string& uuid) override {
        return find_in(data_.regions, uuid);
    }
    std::optional<api::Region> find_region_by_name(const std::string& name) override {
        return find_first(data_.regions,
                          [&](const api::Region& r) { return folded(r.name) == folded(name); });
    }
    std::vector<api::Region> list_regions(const api::RegionFilter& filter,
                                          const std::string& after_name, int limit) override {
        return page_by_name(data_.regions, after_name, limit, [&](const api::Region& r) {
            return r.name.starts_with(filter.name_prefix) &&
                   (filter.estate_id.empty() || r.estate_id == filter.estate_id) &&
                   (filter.template_id.empty() || r.template_id == filter.template_id) &&
                   (filter.host.empty() || r.host == filter.host);
        });
    }
    void insert_region(const api::Region& region) override {
        writable();
        if (find_region_by_name(region.name) ||
            !data_.regions.emplace(region.uuid, region).second) {
            throw api::StorageConflict("region " + region.name + " exists");
        }
    }
    void update_region(const api::Region& region) override {
        writable();
        data_.regions[region.uuid] = region;
    }
    void delete_region(const std::string& uuid) override {
        writable();
        data_.regions.erase(uuid);
    }
    std::vector<api::Region> find_regions_overlapping(int x0, int y0, int x1, int y1,
                                                      const std::string& exclude_uuid) override {
        std::vector<api::Region> out;
        for (const auto& [uuid, r] : data_.regions) {
            const int rx1 = r.loc_x + std::max(1, r.size_x / 256);
            const int ry1 = r.loc_y + std::max(1, r.size_y / 256);
            if (uuid != exclude_uuid && r.loc_x < x1 && x0 < rx1 && r.loc_y < y1 && y0 < ry1) {
                out.push_back(r);
            }
        }
        return out;
    }
    std::optional<api::Region> find_region_by_host_port(const std::string& host, int port,
                                                        const std::string& exclude_uuid) override {
        return find_first(data_.regions, [&](const api::Region& r) {
            return r.host == host && r.port == port && r.uuid != exclude_uuid;
        });
    }

    void append_history(const api::RegionHistoryEntry& entry) override {
        writable();
        data_.history.push_back(entry);
    }
    std::vector<api::RegionHistoryEntry> list_history(const std::string& uuid) override {
        std::vector<api::RegionHistoryEntry> out;
        for (const auto& h : data_.history) {
            if (h.region_uuid == uuid) {
                out.push_back(h);
            }
        }
        return out;
    }
    std::optional<api::RegionHistoryEntry> find_history(const std::string& uuid,
                                                        const api::SemVer& version) override {
        for (const auto& h : data_.history) {
            if (h.region_uuid == uuid && h.version == version) {
                return h;
            }
        }
        return std::nullopt;
    }

    std::int64_t append_audit(const api::AuditEntry& entry) override {
        writable();
        data_.audit.push_back(entry);
        data_.audit.back().id = static_cast<std::int64_t>(data_.audit.size());
        return data_.audit.back().id;
    }
    std::vector<api::AuditEntry> list_audit(const api::AuditFilter& f, std::int64_t before_id,
                                            int limit) override {
        auto equal = [](const std::string& wanted, const std::string& value) {
            return wanted.empty() || wanted == value;
        };
        std::vector<api::AuditEntry> out;
        for (auto it = data_.audit.rbegin(); it != data_.audit.rend(); ++it) {
            if ((before_id == 0 || it->id < before_id) && equal(f.actor, it->actor) &&
                equal(f.action, it->action) && equal(f.entity_type, it->entity_type) &&
                equal(f.entity_id, it->entity_id) && (f.since.empty() || it->at >= f.since) &&
                (f.until.empty() || it->at < f.until) &&
                out.size() < static_cast<std::size_t>(limit)) {
                out.push_back(*it);
            }
        }
        return out;
    }

#if FIXTURE_ABI_MINOR >= 1
    int count_users() override {
        return static_cast<int>(data_.users.size());
    }
    std::optional<api::User> find_user(const std::string& id) override {
        return find_in(data_.users, id);
    }
    std::optional<api::User> find_user_by_name(const std::string& name) override {
        return find_first(data_.users, [&](const api::User& u) { return u.name == name; });
    }
    std::vector<api::User> list_users() override {
        return page_by_name(data_.users, "", -1, [](const api::User&) { return true; });
    }
    void insert_user(const api::User& user) override {
        writable();
        if (find_user_by_name(user.name) || !data_.users.emplace(user.id, user).second) {
            throw api::StorageConflict("user " + user.name + " exists");
        }
    }
    void update_user(const api::User& user) override {
        writable();
        data_.users[user.id] = user;
    }
    std::optional<api::AccessToken> find_access_token_by_hash(const std::string& hash) override {
        return find_first(data_.tokens,
                          [&](const api::AccessToken& t) { return t.token_hash == hash; });
    }
    std::vector<api::AccessToken> list_access_tokens(const std::string& user_id) override {
        std::vector<api::AccessToken> out;
        for (const auto& [id, t] : data_.tokens) {
            if (t.user_id == user_id) {
                out.push_back(t);
            }
        }
        std::sort(out.begin(), out.end(),
                  [](const auto& a, const auto& b) { return a.created_at > b.created_at; });
        return out;
    }
    void insert_access_token(const api::AccessToken& token) override {
        writable();
        data_.tokens[token.id] = token;
    }
    void revoke_access_token(const std::string& id, const std::string& at) override {
        writable();
        if (auto it = data_.tokens.find(id); it != data_.tokens.end()) {
            it->second.revoked_at = at;
        }
    }
    std::optional<api::RegistrationToken> find_registration_token_by_hash(
        const std::string& hash) override {
        return find_first(data_.registration_tokens,
                          [&](const api::RegistrationToken& t) { return t.token_hash == hash; });
    }
    void insert_registration_token(const api::RegistrationToken& token) override {
        writable();
        data_.registration_tokens[token.id] = token;
    }
    bool consume_registration_token(const std::string& id, const std::string& simulator_id,
                                    const std::string& at) override {
        writable();
        auto it = data_.registration_tokens.find(id);
        if (it == data_.registration_tokens.end() || !it->second.used_at.empty()) {
            return false;
        }
        it->second.used_at = at;
        it->second.used_by_simulator = simulator_id;
        return true;
    }
    std::optional<api::Simulator> find_simulator(const std::string& id) override {
        return find_in(data_.simulators, id);
    }
    std::optional<api::Simulator> find_simulator_by_key_hash(const std::string& hash) override {
        return find_first(data_.simulators, [&](const api::Simulator& s) {
            return s.key_hash == hash || (!hash.empty() && s.previous_key_hash == hash);
        });
    }
    std::vector<api::Simulator> list_simulators() override {
        std::vector<api::Simulator> out;
        for (const auto& [id, s] : data_.simulators) {
            out.push_back(s);
        }
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
            return std::tie(a.hostname, a.id) < std::tie(b.hostname, b.id);
        });
        return out;
    }
    void insert_simulator(const api::Simulator& simulator) override {
        writable();
        data_.simulators[simulator.id] = simulator;
    }
    void update_simulator(const api::Simulator& simulator) override {
        writable();
        data_.simulators[simulator.id] = simulator;
    }

    std::int64_t insert_operation(const api::Operation& operation) override {
        writable();
        data_.operations.push_back(operation);
        data_.operations.back().id = static_cast<std::int64_t>(data_.operations.size());
        return data_.operations.back().id;
    }
    std::optional<api::Operation> find_operation(std::int64_t id) override {
        if (id < 1 || id > static_cast<std::int64_t>(data_.operations.size())) {
            return std::nullopt;
        }
        return data_.operations[static_cast<std::size_t>(id - 1)];
    }
    void update_operation(const api::Operation& operation) override {
        writable();
        if (find_operation(operation.id)) {
            data_.operations[static_cast<std::size_t>(operation.id - 1)] = operation;
        }
    }
    std::optional<api::Operation> find_pending_lazy_operation(
        const std::string& region_uuid, const std::string& simulator_id) override {
        for (const auto& o : data_.operations) {
            if (o.region_uuid == region_uuid && o.simulator_id == simulator_id &&
                o.op_class == "lazy" && o.state == "pending") {
                return o;
            }
        }
        return std::nullopt;
    }
    std::vector<api::Operation> list_deliverable_operations(const std::string& simulator_id,
                                                            const std::string& now,
                                                            int limit) override {
        std::vector<api::Operation> out;
        for (const auto& o : data_.operations) {
            if (o.simulator_id == simulator_id &&
                (o.state == "pending" || o.state == "delivered") &&
                (o.due_at.empty() || o.due_at <= now) &&
                out.size() < static_cast<std::size_t>(limit)) {
                out.push_back(o);
            }
        }
        return out;
    }
    std::vector<api::Operation> list_operations(const api::OperationFilter& f,
                                                std::int64_t before_id, int limit) override {
        std::vector<api::Operation> out;
        for (auto it = data_.operations.rbegin(); it != data_.operations.rend(); ++it) {
            if ((before_id == 0 || it->id < before_id) &&
                (f.simulator_id.empty() || it->simulator_id == f.simulator_id) &&
                (f.region_uuid.empty() || it->region_uuid == f.region_uuid) &&
                (f.state.empty() || it->state == f.state) &&
                out.size() < static_cast<std::size_t>(limit)) {
                out.push_back(*it);
            }
        }
        return out;
    }
#endif

  private:
    void writable() const {
        if (!write_lock_.owns_lock()) {
            throw api::StorageError("write in a read-only transaction");
        }
    }
    template <typename Match>
    int count_regions(Match match) const {
        return static_cast<int>(std::count_if(data_.regions.begin(), data_.regions.end(),
                                              [&](const auto& row) { return match(row.second); }));
    }
    void record_version(const api::Template& tmpl) {
        data_.template_versions.push_back(
            {tmpl.id, tmpl.version, tmpl.spec, tmpl.actor, tmpl.updated_at});
    }

    MemoryBackend& backend_;
    Data data_;
    std::unique_lock<std::timed_mutex> write_lock_;
};

class MemoryBackend final : public api::StorageBackend {
  public:
    explicit MemoryBackend(std::shared_ptr<api::Logger> logger) : logger_(std::move(logger)) {}

    void open() override {
        std::lock_guard lock(mutex_);
        open_ = true;
        logger_->info("in-memory storage of ABI 1." FIXTURE_ABI_MINOR_TEXT " opened");
    }
    api::StorageHealth health() noexcept override {
        std::lock_guard lock(mutex_);
        return {open_, open_ ? "in memory" : "closed"};
    }
    void close() noexcept override {
        std::lock_guard lock(mutex_);
        open_ = false;
    }
    std::unique_ptr<api::StorageTransaction> begin(api::Access access) override {
        std::unique_lock<std::timed_mutex> write_lock(write_, std::defer_lock);
        if (access == api::Access::read_write &&
            !write_lock.try_lock_for(std::chrono::seconds(5))) {
            throw api::StorageBusy("the write lock was not granted within 5 s");
        }
        std::lock_guard lock(mutex_);
        if (!open_) {
            throw api::StorageError("storage is closed");
        }
        return std::make_unique<MemoryTransaction>(*this, data_, std::move(write_lock));
    }

    void publish(const Data& data) {
        std::lock_guard lock(mutex_);
        data_ = data;
    }

  private:
    std::shared_ptr<api::Logger> logger_;
    std::mutex mutex_;
    std::timed_mutex write_;
    Data data_;
    bool open_ = false;
};

void MemoryTransaction::commit() {
    if (write_lock_.owns_lock()) {
        backend_.publish(data_);
        write_lock_.unlock();
    }
}

api::PluginObject* create(const api::HostContext& host) {
    return new MemoryBackend(host.logger);
}

const char* const kConfigKeys[] = {nullptr};

const api::PluginDescriptor kDescriptor{
    sizeof(api::PluginDescriptor),
    api::kAbiMajor,
    api::kAbiMinor,
    "storage",
    FIXTURE_NAME,
    "0.0.1",
    "in-memory storage built against the ABI 1." FIXTURE_ABI_MINOR_TEXT " headers",
    kConfigKeys,
    &create,
};

const api::PluginDescriptor* describe() {
    return &kDescriptor;
}

}  // namespace

VERGEGRID_PLUGIN(describe)
