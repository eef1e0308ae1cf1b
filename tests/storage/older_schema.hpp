// Turns a database made by this version back into what an older schema left on disk, so the tests
// can check the migrations from older versions: v6 (no complaint_facts), v3 (no v4 columns, no v5
// dashboard tables; the complaints' JSON keeps its rules).
#pragma once

#include "storage/sql_console.hpp"

namespace older_schema {

inline void back_to_v6(storage::sql_console& sql) {
    sql.exec("DROP TABLE complaint_facts; PRAGMA user_version = 6");
}

inline void back_to_v3(storage::sql_console& sql) {
    back_to_v6(sql);
    sql.exec(
        "DROP INDEX complaints_sheet; DROP INDEX complaint_pending_department; DROP INDEX "
        "complaints_open_stage; DROP INDEX "
        "complaints_open_order; "
        "DROP INDEX complaints_forward; DROP INDEX complaints_freight; DROP TABLE complaint_pending; "
        "ALTER TABLE complaints DROP COLUMN rule_set; ALTER TABLE complaints DROP COLUMN pending_stage; "
        "ALTER TABLE complaints DROP COLUMN pending_due; ALTER TABLE complaints DROP COLUMN sheet_date; "
        "ALTER TABLE complaints DROP COLUMN forward_step; ALTER TABLE complaints DROP COLUMN freight_step; "
        "DROP TABLE rule_sets; DROP TABLE dashboard_accounts; DROP TABLE dashboard_sessions; "
        "DROP TABLE dashboard_login_failures; PRAGMA user_version = 3");
}

}  // namespace older_schema
