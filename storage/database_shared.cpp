// storage::database's calls for several instances on one database (schema v9): the complaint change
// feed, claimed deadlines, leases and the rate-limit buckets.
#include <algorithm>

#include "storage/database.hpp"
#include "storage/database_impl.hpp"

namespace storage {

bool database::shared() const {
    return impl_->conn.kind() == detail::dialect::postgresql;
}

std::int64_t database::last_change() {
    return impl_->complaints.last_change();
}

std::vector<std::string> database::changed_after(std::int64_t seq) {
    return impl_->complaints.changed_after(seq);
}

bool database::catch_up() {
    if (!shared()) return false;
    if (in_transaction())
        throw error("catch_up inside a transaction: call it between steps", error_kind::other);
    auto snapshot = read_snapshot();
    auto seen = impl_->complaints.last_change();
    bool changed = seen > impl_->known_change;
    if (changed && impl_->observer) impl_->observer->on_foreign_changes(impl_->known_change);
    impl_->known_change = std::max(impl_->known_change, seen);
    snapshot->commit();
    return changed;
}

std::vector<rules::deadline> database::open_deadlines_of(const std::string& complaint_id) {
    return impl_->deadlines.open_of(complaint_id);
}

bool database::claim_deadline(const std::string& complaint_id, const std::string& key, core::instant due) {
    return impl_->deadlines.claim(complaint_id, key, due);
}

bool database::take_lease(const std::string& name, const std::string& holder, core::instant now,
                          core::duration ttl) {
    return impl_->coordination.take_lease(name, holder, now, now + ttl);
}

void database::drop_lease(const std::string& name, const std::string& holder) {
    impl_->coordination.drop_lease(name, holder);
}

std::optional<std::string> database::lease_holder(const std::string& name, core::instant now) {
    return impl_->coordination.lease_holder(name, now);
}

namespace {

// Runs `f` in a short transaction of its own on the connection (no writers' lock, no observer: it
// touches only the bucket's row).
template <class F>
auto in_own_transaction(detail::connection& c, F&& f) -> decltype(f()) {
    if (c.in_transaction())
        throw error("a rate-limit bucket is updated between steps, not inside one", error_kind::other);
    c.begin(detail::connection::begin_mode::write);
    try {
        if constexpr (std::is_void_v<decltype(f())>) {
            f();
            c.commit();
        } else {
            auto r = f();
            c.commit();
            return r;
        }
    } catch (...) {
        try {
            c.rollback();
        } catch (...) {
        }
        throw;
    }
}

constexpr std::int64_t minute_ms = 60'000;

}  // namespace

database::rate_answer database::take_rate_slot(const std::string& bucket, int per_minute,
                                               core::duration spacing, core::instant now) {
    return in_own_transaction(impl_->conn, [&] {
        auto b = impl_->coordination.lock_bucket(bucket);
        const auto t = detail::ms(now);
        b.sent.erase(std::remove_if(b.sent.begin(), b.sent.end(), [&](auto s) { return s <= t - minute_ms; }),
                     b.sent.end());
        rate_answer a;
        std::int64_t retry = 0;
        if (b.blocked_until > t) retry = b.blocked_until;
        if (per_minute > 0 && static_cast<int>(b.sent.size()) >= per_minute)
            retry = std::max(retry, b.sent[b.sent.size() - static_cast<std::size_t>(per_minute)] + minute_ms);
        if (spacing.count() > 0 && !b.sent.empty())
            if (auto next = b.sent.back() + static_cast<std::int64_t>(spacing.count()); next > t)
                retry = std::max(retry, next);
        if (retry > t) {
            a.retry_at = core::from_ms(retry);
        } else {
            b.sent.push_back(t);
            a.taken = true;
        }
        impl_->coordination.store_bucket(bucket, b);
        return a;
    });
}

void database::stamp_rate_slot(const std::string& bucket, core::instant taken, core::instant answered) {
    in_own_transaction(impl_->conn, [&] {
        auto b = impl_->coordination.lock_bucket(bucket);
        for (auto& s : b.sent)
            if (s == detail::ms(taken)) s = std::max(s, detail::ms(answered));
        std::sort(b.sent.begin(), b.sent.end());
        impl_->coordination.store_bucket(bucket, b);
    });
}

void database::block_rate_bucket(const std::string& bucket, core::instant until) {
    in_own_transaction(impl_->conn, [&] {
        auto b = impl_->coordination.lock_bucket(bucket);
        b.blocked_until = std::max(b.blocked_until, detail::ms(until));
        impl_->coordination.store_bucket(bucket, b);
    });
}

}  // namespace storage
