#include "storage/change_listener.hpp"

#include "storage/database.hpp"
#include "storage/database_impl.hpp"
#include "storage/pg_listener.hpp"

namespace storage {

change_listener::change_listener(database& db) {
    if (!db.shared())
        throw error("change notifications need a PostgreSQL database; " + db.path() + " is a SQLite file",
                    error_kind::other);
    l_ = std::make_unique<detail::pg_listener>(db.impl_->location, db.impl_->password);
    l_->listen(channel);
}

change_listener::~change_listener() = default;

int change_listener::socket() const {
    return l_->socket();
}

bool change_listener::drain() {
    auto got = l_->drain();
    return !got.empty();
}

bool change_listener::take_reconnected() {
    return l_->take_reconnected();
}

}  // namespace storage
