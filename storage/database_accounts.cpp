// storage::database's dashboard calls (schema v5), by the account store.
#include "storage/database.hpp"
#include "storage/database_impl.hpp"

namespace storage {

#define STORAGE_CALL(expr) return impl_->expr

void database::set_account(const std::string& person, const std::string& password_hash, core::instant at) {
    impl_->accounts.set(person, password_hash, at);
    impl_->accounts.remove_sessions_of(person);
    impl_->accounts.clear_failures(person);
}
bool database::remove_account(const std::string& person) {
    impl_->accounts.remove_sessions_of(person);
    impl_->accounts.clear_failures(person);
    return impl_->accounts.remove(person);
}
std::optional<account_row> database::account(const std::string& person) {
    STORAGE_CALL(accounts.get(person));
}
std::vector<std::string> database::account_people() {
    STORAGE_CALL(accounts.people());
}
void database::lock_account(const std::string& person, core::instant until) {
    STORAGE_CALL(accounts.lock(person, until));
}
void database::add_session(const session_row& s) {
    STORAGE_CALL(accounts.add_session(s));
}
std::optional<session_row> database::session(const std::string& id_hash) {
    STORAGE_CALL(accounts.session(id_hash));
}
void database::touch_session(const std::string& id_hash, core::instant at) {
    STORAGE_CALL(accounts.touch_session(id_hash, at));
}
bool database::remove_session(const std::string& id_hash) {
    STORAGE_CALL(accounts.remove_session(id_hash));
}
std::int64_t database::remove_sessions_idle_since(core::instant before) {
    STORAGE_CALL(accounts.remove_sessions_idle_since(before));
}
std::int64_t database::add_login_failure(const std::string& person, core::instant at, core::instant since) {
    STORAGE_CALL(accounts.add_failure(person, at, since));
}
void database::clear_login_failures(const std::string& person) {
    STORAGE_CALL(accounts.clear_failures(person));
}

#undef STORAGE_CALL

}  // namespace storage
