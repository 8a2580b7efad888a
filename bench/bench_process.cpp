#include "bench_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace vergegrid::bench {

namespace {

constexpr std::size_t kOutputKeep = 64 * 1024;

// A PostgreSQL client program: Debian puts them in /usr/lib/postgresql/<major>/bin (the newest
// major wins), else PATH.
std::optional<std::filesystem::path> postgresql_program(const std::string& name) {
    std::optional<std::filesystem::path> found;
    int found_major = -1;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
        const int major = std::atoi(entry.path().filename().c_str());
        if (::access((entry.path() / "bin" / name).c_str(), X_OK) == 0 && major > found_major) {
            found = entry.path() / "bin" / name;
            found_major = major;
        }
    }
    return found ? found : find_program(name);
}

// psql on the benchmark's database as its owner, stopping at the first error, then `args`.
std::vector<std::string> psql_argv(const std::map<std::string, std::string>& v,
                                   const std::vector<std::string>& args) {
    const auto psql = postgresql_program("psql");
    if (!psql) {
        throw std::runtime_error("no psql found (apt-get install postgresql-client)");
    }
    std::vector<std::string> argv{psql->string(), "-X",
                                  "-v",           "ON_ERROR_STOP=1",
                                  "-h",           v.at("VG_DB_HOST"),
                                  "-p",           v.at("VG_DB_PORT"),
                                  "-U",           v.at("VG_DB_USER"),
                                  "-d",           v.at("VG_DB_NAME")};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

}  // namespace

Child::Child(const std::filesystem::path& program, const std::vector<std::string>& args,
             const std::map<std::string, std::string>& extra_env) {
    // Everything the child needs is built before fork(): after it, only async-signal-safe calls.
    std::vector<std::string> argv_storage{program.string()};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argv_storage) {
        argv.push_back(arg.data());
    }
    argv.push_back(nullptr);

    std::map<std::string, std::string> merged;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string text = *entry;
        const auto eq = text.find('=');
        merged[text.substr(0, eq)] = eq == std::string::npos ? "" : text.substr(eq + 1);
    }
    for (const auto& [name, value] : extra_env) {
        merged[name] = value;
    }
    std::vector<std::string> env_storage;
    for (const auto& [name, value] : merged) {
        env_storage.push_back(name + "=" + value);
    }
    std::vector<char*> envp;
    for (auto& entry : env_storage) {
        envp.push_back(entry.data());
    }
    envp.push_back(nullptr);

    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        throw std::runtime_error("pipe2 failed");
    }
    pid_ = ::fork();
    if (pid_ < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        throw std::runtime_error("fork failed");
    }
    if (pid_ == 0) {
        const int null_fd = ::open("/dev/null", O_RDONLY);
        if (null_fd >= 0) {
            ::dup2(null_fd, STDIN_FILENO);
        }
        ::dup2(fds[1], STDOUT_FILENO);
        ::dup2(fds[1], STDERR_FILENO);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(fds[1]);
    reader_ = std::thread([this, fd = fds[0]] { drain(fd); });
}

Child::~Child() {
    try {
        terminate(std::chrono::seconds(10));
    } catch (...) {
        // Nothing more to do: the process is killed or gone.
    }
    stop_reading_ = true;
    if (reader_.joinable()) {
        reader_.join();
    }
}

void Child::drain(int fd) {
    char buffer[8192];
    for (;;) {
        // Polls so that a grandchild still holding the pipe (a daemon the child started) cannot
        // keep this thread, and so the destructor, waiting forever.
        pollfd ready{fd, POLLIN, 0};
        const int polled = ::poll(&ready, 1, 200);
        if (polled == 0 || (polled < 0 && errno == EINTR)) {
            if (stop_reading_) {
                std::lock_guard lock(mutex_);
                closed_ = true;
                break;
            }
            continue;
        }
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        std::lock_guard lock(mutex_);
        if (n <= 0) {
            closed_ = true;
            break;
        }
        output_.append(buffer, static_cast<std::size_t>(n));
        if (output_.size() > 2 * kOutputKeep) {
            output_.erase(0, output_.size() - kOutputKeep);
        }
    }
    ::close(fd);
}

std::optional<std::string> Child::wait_for_output(const std::string& pattern,
                                                  std::chrono::milliseconds timeout) {
    const std::regex re(pattern);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            std::smatch match;
            if (std::regex_search(output_, match, re)) {
                return match.size() > 1 ? match[1].str() : match[0].str();
            }
            if (closed_) {
                return std::nullopt;
            }
        }
        if (std::chrono::steady_clock::now() >= deadline ||
            wait_for_exit(std::chrono::milliseconds(0))) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

std::optional<int> Child::wait_for_exit(std::chrono::milliseconds timeout) {
    if (exit_status_) {
        return exit_status_;
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        const pid_t done = ::waitpid(pid_, &status, WNOHANG);
        if (done == pid_) {
            exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
            return exit_status_;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

int Child::terminate(std::chrono::milliseconds grace) {
    if (auto status = wait_for_exit(std::chrono::milliseconds(0))) {
        return *status;
    }
    ::kill(pid_, SIGTERM);
    if (auto status = wait_for_exit(grace)) {
        return *status;
    }
    ::kill(pid_, SIGKILL);
    return wait_for_exit(std::chrono::seconds(10)).value_or(-SIGKILL);
}

void Child::send_signal(int signal) {
    if (!wait_for_exit(std::chrono::milliseconds(0))) {
        ::kill(pid_, signal);
    }
}

bool Child::output_closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
}

std::string Child::output_tail() const {
    std::lock_guard lock(mutex_);
    return output_.size() > kOutputKeep ? output_.substr(output_.size() - kOutputKeep) : output_;
}

std::pair<int, std::string> run_program(const std::vector<std::string>& argv,
                                        std::chrono::seconds timeout,
                                        const std::map<std::string, std::string>& extra_env) {
    if (argv.empty()) {
        throw std::invalid_argument("run_program: no program");
    }
    Child child(argv.front(), {argv.begin() + 1, argv.end()}, extra_env);
    const auto status = child.wait_for_exit(timeout);
    const int code = status ? *status : child.terminate(std::chrono::seconds(5));
    // The reader sees EOF once the child (and anything it left behind holding the pipe) is gone;
    // give it a moment to collect the last lines.
    for (int i = 0; i < 50 && !child.output_closed(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return {status ? code : -1, child.output_tail()};
}

std::map<std::string, std::string> read_env_file(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) {
        throw std::runtime_error("cannot read " + file.string());
    }
    std::map<std::string, std::string> values;
    std::string line;
    while (std::getline(in, line)) {
        const auto eq = line.find('=');
        if (eq == std::string::npos || line.starts_with('#')) {
            continue;
        }
        values[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return values;
}

ThrowawayPostgres::ThrowawayPostgres(std::filesystem::path script, std::filesystem::path dir)
    : script_(std::move(script)), dir_(std::move(dir)) {
    auto [status, output] =
        run_program({script_.string(), "start", dir_.string()}, std::chrono::seconds(90));
    if (status != 0) {
        run_program({script_.string(), "stop", dir_.string()}, std::chrono::seconds(60));
        throw std::runtime_error(script_.string() + " start " + dir_.string() + " failed (" +
                                 std::to_string(status) + "): " + output);
    }
    values_ = read_env_file(dir_ / "env");
}

ThrowawayPostgres::~ThrowawayPostgres() {
    try {
        run_program({script_.string(), "stop", dir_.string()}, std::chrono::seconds(60));
    } catch (...) {
        // Best effort: the directory names the server if it must be stopped by hand.
    }
}

std::map<std::string, std::string> ThrowawayPostgres::control_env() const {
    auto value = [&](const char* key) {
        const auto it = values_.find(key);
        if (it == values_.end()) {
            throw std::runtime_error(std::string("no ") + key + " in " + (dir_ / "env").string());
        }
        return it->second;
    };
    return {{"VERGEGRID_STORAGE_BACKEND", "postgresql"},
            {"VERGEGRID_STORAGE_POSTGRESQL_HOST", value("VG_DB_HOST")},
            {"VERGEGRID_STORAGE_POSTGRESQL_PORT", value("VG_DB_PORT")},
            {"VERGEGRID_STORAGE_POSTGRESQL_DBNAME", value("VG_DB_NAME")},
            {"VERGEGRID_STORAGE_POSTGRESQL_USER", value("VG_DB_USER")},
            {"VERGEGRID_STORAGE_POSTGRESQL_PASSWORD", value("VG_DB_PASSWORD")},
            {"VERGEGRID_STORAGE_POSTGRESQL_SSLMODE", "disable"}};
}

void ThrowawayPostgres::set_database_setting(const std::string& key,
                                             const std::string& value) const {
    const bool plain_key =
        !key.empty() &&
        key.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.") == std::string::npos;
    if (!plain_key || value.find('\'') != std::string::npos) {
        throw std::runtime_error("--pg-db-setting: bad setting '" + key + "=" + value + "'");
    }
    const auto& v = values_;
    const std::string sql =
        "ALTER DATABASE " + v.at("VG_DB_NAME") + " SET " + key + " = '" + value + "'";
    auto [status, output] =
        run_program(psql_argv(values_, {"-q", "-c", sql}), std::chrono::seconds(30),
                    {{"PGPASSWORD", v.at("VG_DB_PASSWORD")}});
    if (status != 0) {
        throw std::runtime_error(sql + " failed: " + output);
    }
}

std::string ThrowawayPostgres::query_value(const std::string& sql) const {
    auto [status, output] =
        run_program(psql_argv(values_, {"-A", "-t", "-c", sql}), std::chrono::seconds(30),
                    {{"PGPASSWORD", values_.at("VG_DB_PASSWORD")}});
    while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) {
        output.pop_back();
    }
    if (status != 0) {
        throw std::runtime_error(sql + " failed: " + output);
    }
    return output;
}

std::optional<std::size_t> ThrowawayPostgres::count_wal_commits(const std::string& from_lsn,
                                                                const std::string& to_lsn) const {
    const auto waldump = postgresql_program("pg_waldump");
    if (!waldump) {
        return std::nullopt;
    }
    // --stats=record: one line per record type ("Transaction/COMMIT   N (...) ..."), so the
    // output stays small however many transactions the stretch holds.
    auto [status, output] =
        run_program({waldump->string(), "-p", (dir_ / "data" / "pg_wal").string(), "-s", from_lsn,
                     "-e", to_lsn, "-r", "Transaction", "--stats=record"},
                    std::chrono::seconds(120));
    if (status != 0) {
        return std::nullopt;
    }
    std::size_t commits = 0;
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string type;
        std::size_t n = 0;
        if (fields >> type >> n && type == "Transaction/COMMIT") {
            commits += n;
        }
    }
    return commits;
}

pid_t ThrowawayPostgres::postmaster_pid() const {
    std::ifstream in(dir_ / "data" / "postmaster.pid");
    long pid = -1;
    in >> pid;
    return in ? static_cast<pid_t>(pid) : -1;
}

ProcMemory read_proc_memory(pid_t pid) {
    ProcMemory memory;
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        auto field = [&](const char* name, std::int64_t& out) {
            if (line.starts_with(name)) {
                std::istringstream(line.substr(std::char_traits<char>::length(name))) >> out;
            }
        };
        field("VmRSS:", memory.rss_kib);
        field("VmHWM:", memory.peak_kib);
        field("RssAnon:", memory.anon_kib);
        field("RssFile:", memory.file_kib);
    }
    return memory;
}

double read_proc_cpu_seconds(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(in, text)) {
        return -1;
    }
    const auto paren = text.rfind(')');
    if (paren == std::string::npos) {
        return -1;
    }
    std::istringstream fields(text.substr(paren + 2));
    std::string field;
    unsigned long long utime = 0;
    unsigned long long stime = 0;
    // After "pid (comm) ": state is field 3; utime and stime are fields 14 and 15.
    for (int index = 3; index <= 15 && fields >> field; ++index) {
        if (index == 14) {
            utime = std::stoull(field);
        } else if (index == 15) {
            stime = std::stoull(field);
        }
    }
    return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double read_process_tree_cpu_seconds(pid_t root) {
    if (root <= 0) {
        return -1;
    }
    double total = read_proc_cpu_seconds(root);
    if (total < 0) {
        return -1;
    }
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        std::ifstream in(entry.path() / "stat");
        std::string text;
        if (!std::getline(in, text)) {
            continue;
        }
        const auto paren = text.rfind(')');
        if (paren == std::string::npos) {
            continue;
        }
        std::istringstream fields(text.substr(paren + 2));
        std::string state;
        long ppid = 0;
        fields >> state >> ppid;
        if (ppid == root) {
            const double child = read_proc_cpu_seconds(static_cast<pid_t>(std::stol(name)));
            if (child > 0) {
                total += child;
            }
        }
    }
    return total;
}

MachineCpu read_machine_cpu() {
    std::ifstream in("/proc/stat");
    std::string label;
    in >> label;  // "cpu": the sum over every core
    MachineCpu cpu;
    std::uint64_t value = 0;
    for (int index = 0; index < 8 && in >> value; ++index) {
        cpu.total += value;
        if (index != 3 && index != 4) {  // idle and iowait are not busy
            cpu.busy += value;
        }
    }
    return cpu;
}

std::optional<std::filesystem::path> find_program(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const auto end = std::min(dirs.find(':', start), dirs.size());
        const std::filesystem::path candidate =
            std::filesystem::path(dirs.substr(start, end - start)) / name;
        if (::access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
        start = end + 1;
    }
    return std::nullopt;
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.starts_with("model name")) {
            const auto colon = line.find(':');
            return colon == std::string::npos ? line
                                              : line.substr(line.find_first_not_of(' ', colon + 1));
        }
    }
    return "unknown";
}

std::string filesystem_type(const std::filesystem::path& path) {
    std::error_code ec;
    const auto target = std::filesystem::weakly_canonical(path, ec).string();
    std::ifstream in("/proc/self/mounts");
    std::string device;
    std::string mount_point;
    std::string type;
    std::string rest;
    std::size_t best = 0;
    std::string best_type = "unknown";
    while (in >> device >> mount_point >> type && std::getline(in, rest)) {
        const bool covers =
            target == mount_point || mount_point == "/" ||
            (target.starts_with(mount_point) && target.size() > mount_point.size() &&
             target[mount_point.size()] == '/');
        if (covers && mount_point.size() >= best) {
            best = mount_point.size();
            best_type = type;
        }
    }
    return best_type;
}

}  // namespace vergegrid::bench
