// A map held beside the database that follows its transactions: what a step writes goes into a
// pending layer that the step (and the later steps of the same transaction) read first; COMMIT
// publishes it, ROLLBACK drops it, and ROLLBACK TO a savepoint undoes exactly what was written
// since that savepoint. So memory never holds what the database does not, and a message rolled
// back alone inside a group-commit batch leaves memory as if it had never come.
//
// Not thread-safe: used on the database's thread (the loop thread).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace app {

template <class K, class V, class Hash = std::hash<K>>
class overlay_map {
  public:
    // The value as the current transaction sees it; nullptr when absent (or erased by it).
    const V* find(const K& key) const {
        if (auto p = pending_.find(key); p != pending_.end()) return p->second ? &*p->second : nullptr;
        if (auto c = committed_.find(key); c != committed_.end()) return &c->second;
        return nullptr;
    }
    // The committed value only (what a rolled-back transaction leaves).
    const V* find_committed(const K& key) const {
        auto c = committed_.find(key);
        return c == committed_.end() ? nullptr : &c->second;
    }

    void set(const K& key, V value) { change(key, std::optional<V>(std::move(value))); }
    void erase(const K& key) {
        if (find(key)) change(key, std::nullopt);
    }
    // Outside a transaction (start-up, or a database call in autocommit): straight to committed.
    void set_committed(const K& key, V value) { committed_.insert_or_assign(key, std::move(value)); }
    void reserve(std::size_t n) { committed_.reserve(n); }
    // Forgets a committed entry (a cache eviction: it is still in the database).
    void evict_committed(const K& key) { committed_.erase(key); }

    void savepoint(const std::string& name) { marks_.push_back({name, undo_.size()}); }
    // RELEASE name: the savepoint (and those inside it) end; their changes stay pending.
    void release(const std::string& name) {
        auto m = find_mark(name);
        if (!m) return;
        marks_.resize(*m);
        if (marks_.empty()) undo_.clear();  // nothing left to undo to
    }
    // ROLLBACK TO name: undoes everything since that savepoint, which stays open.
    void rollback_to(const std::string& name) {
        auto m = find_mark(name);
        if (!m) return;
        auto to = marks_[*m].undo_size;
        while (undo_.size() > to) {
            auto& u = undo_.back();
            if (u.before)
                pending_.insert_or_assign(u.key, std::move(*u.before));
            else
                pending_.erase(u.key);
            undo_.pop_back();
        }
        marks_.resize(*m + 1);
    }
    // f(key, committed value or nullptr, pending value or nullptr when erased), before commit().
    template <class F>
    void for_each_pending(F&& f) const {
        for (const auto& [key, value] : pending_) f(key, find_committed(key), value ? &*value : nullptr);
    }
    void commit() {
        for (auto& [key, value] : pending_) {
            if (value)
                committed_.insert_or_assign(key, std::move(*value));
            else
                committed_.erase(key);
        }
        clear_pending();
    }
    void rollback() { clear_pending(); }

    // The committed entries (start-up checks, tests comparing memory with the database).
    const std::unordered_map<K, V, Hash>& committed() const { return committed_; }
    std::size_t pending_size() const { return pending_.size(); }
    void clear() {
        committed_.clear();
        clear_pending();
    }

  private:
    struct mark {
        std::string name;
        std::size_t undo_size;
    };
    struct undo {
        K key;
        std::optional<std::optional<V>> before;  // the pending entry before (none: there was none)
    };

    void change(const K& key, std::optional<V> value) {
        auto p = pending_.find(key);
        if (!marks_.empty()) {  // only a savepoint can be rolled back to: record the undo
            if (p == pending_.end())
                undo_.push_back({key, std::nullopt});
            else
                undo_.push_back({key, std::optional<std::optional<V>>(p->second)});
        }
        if (p == pending_.end())
            pending_.emplace(key, std::move(value));
        else
            p->second = std::move(value);
    }
    std::optional<std::size_t> find_mark(const std::string& name) const {
        for (std::size_t i = marks_.size(); i-- > 0;)
            if (marks_[i].name == name) return i;
        return std::nullopt;
    }
    void clear_pending() {
        pending_.clear();
        undo_.clear();
        marks_.clear();
    }

    std::unordered_map<K, V, Hash> committed_;
    std::unordered_map<K, std::optional<V>, Hash> pending_;
    std::vector<undo> undo_;
    std::vector<mark> marks_;
};

}  // namespace app
