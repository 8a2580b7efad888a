#include "connection_pool.hpp"

#include <soci/session.h>

#include <string>

#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::plugins::sql {

ConnectionPool::Connection::Connection(std::unique_ptr<soci::session> session_)
    : session(std::move(session_)) {}

ConnectionPool::Connection::~Connection() = default;

ConnectionPool::Lease::Lease(std::shared_ptr<ConnectionPool> pool,
                             std::unique_ptr<Connection> connection)
    : pool_(std::move(pool)), connection_(std::move(connection)) {}

ConnectionPool::Lease& ConnectionPool::Lease::operator=(Lease&& other) noexcept {
    if (this != &other) {
        release();
        pool_ = std::move(other.pool_);
        connection_ = std::move(other.connection_);
        broken_ = other.broken_;
    }
    return *this;
}

ConnectionPool::Lease::~Lease() {
    release();
}

void ConnectionPool::Lease::release() noexcept {
    if (pool_) {
        if (broken_) {
            connection_.reset();  // the slot comes back empty and is reconnected on demand
        }
        pool_->give_back(std::move(connection_));
        pool_.reset();
    }
}

ConnectionPool::ConnectionPool(std::size_t size, Connect connect)
    : size_(size), connect_(std::move(connect)) {}

ConnectionPool::~ConnectionPool() = default;

std::shared_ptr<ConnectionPool> ConnectionPool::create(std::size_t size, Connect connect,
                                                       std::unique_ptr<soci::session> first) {
    if (size == 0) {
        throw std::invalid_argument("a connection pool needs at least one connection");
    }
    std::shared_ptr<ConnectionPool> pool(new ConnectionPool(size, std::move(connect)));
    pool->free_.reserve(size);
    if (first) {
        pool->free_.push_back(std::make_unique<Connection>(std::move(first)));
    }
    while (pool->free_.size() < size) {
        pool->free_.push_back(std::make_unique<Connection>(pool->connect_()));
    }
    return pool;
}

ConnectionPool::Lease ConnectionPool::acquire(std::chrono::milliseconds timeout) {
    std::unique_ptr<Connection> connection;
    {
        std::unique_lock lock(mutex_);
        if (!freed_.wait_for(lock, timeout, [this] { return !free_.empty(); })) {
            throw plugin_api::StorageBusy("all " + std::to_string(size_) +
                                          " database connections stayed busy for " +
                                          std::to_string(timeout.count()) + " ms");
        }
        connection = std::move(free_.back());
        free_.pop_back();
    }
    if (!connection) {
        // A slot whose connection broke: connect outside the lock, give the slot back on failure.
        try {
            connection = std::make_unique<Connection>(connect_());
        } catch (const std::exception& e) {
            give_back(nullptr);
            throw plugin_api::StorageError(std::string("cannot reconnect to the database: ") +
                                           e.what());
        }
    }
    return Lease(shared_from_this(), std::move(connection));
}

void ConnectionPool::give_back(std::unique_ptr<Connection> connection) noexcept {
    {
        const std::lock_guard lock(mutex_);
        free_.push_back(std::move(connection));  // capacity reserved for size_: cannot throw
    }
    freed_.notify_one();
}

}  // namespace vergegrid::plugins::sql
