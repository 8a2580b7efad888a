// ABI 1.7 extension of StorageTransaction: savepoints, so that several requests can share one
// read-write transaction (group commit, docs/group-commit.md) and one of them can fail alone. A
// transaction of an older storage plugin does not implement it (dynamic_cast gives null): the
// host then gives every request a transaction of its own, as before 1.7.
#pragma once

#include <boost/config.hpp>
#include <string>

namespace vergegrid::plugin_api {

// Since 1.7. Implemented by the transaction object; the host finds it with dynamic_cast and never
// deletes it through this interface (the transaction's owner does, see StorageBackend::begin).
// `name` is an SQL identifier of ASCII letters, digits and '_' not starting with a digit (the
// statement is composed from it), and not a reserved word of the database (OUTER is one in
// PostgreSQL and MariaDB: a prefix such as vg_ keeps clear of them); another name throws
// StorageError. Savepoints nest: a name may be reused inside a newer one. Every method throws
// StorageError when the database fails.
class BOOST_SYMBOL_VISIBLE SavepointStore {
  public:
    virtual ~SavepointStore() = default;

    // Marks the current point of the transaction.
    virtual void savepoint(const std::string& name) = 0;
    // Forgets the mark (and every newer one); what was done since stays in the transaction. A
    // backend may send the RELEASE with the transaction's next statement (one round trip fewer):
    // releasing a mark that is gone is then refused by that next call, commit() included.
    virtual void release(const std::string& name) = 0;
    // Undoes everything since the mark, which stays set. After a statement failed (which makes a
    // transaction refuse everything but rollback, see StorageTransaction), the transaction is
    // usable again if the failure came after this mark. Throws StorageError when the database
    // no longer has the mark (it rolled the whole transaction back on its own, as SQLite does on
    // some I/O errors and MariaDB on a deadlock): the transaction can then only be rolled back.
    virtual void rollback_to(const std::string& name) = 0;
};

}  // namespace vergegrid::plugin_api
