// The statement half of the PostgreSQL connection: `?` numbering, binding as text (bytea as
// binary), running with PQexecParams or a prepared statement, and reading text results.
#include <libpq-fe.h>

#include <charconv>
#include <cstring>

#include "storage/pg_connection.hpp"

namespace storage::detail {

namespace {

// The type OIDs of pg_type that matter here (catalog/pg_type_d.h is a server header).
constexpr Oid bool_oid = 16;
constexpr Oid bytea_oid = 17;
constexpr Oid int8_oid = 20;

bool identifier_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// bytea's text output: `\x` and two hex digits a byte (the default), or the old escape format.
std::string decode_bytea(const char* p, std::size_t n) {
    std::string out;
    if (n >= 2 && p[0] == '\\' && p[1] == 'x') {
        out.reserve((n - 2) / 2);
        for (std::size_t i = 2; i + 1 < n; i += 2) {
            int hi = hex_digit(p[i]), lo = hex_digit(p[i + 1]);
            if (hi < 0 || lo < 0) throw error("bytea value with a bad hex digit", error_kind::other);
            out += static_cast<char>(hi * 16 + lo);
        }
        return out;
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (p[i] != '\\') {
            out += p[i];
        } else if (i + 1 < n && p[i + 1] == '\\') {
            out += '\\';
            ++i;
        } else if (i + 3 < n) {
            out += static_cast<char>((p[i + 1] - '0') * 64 + (p[i + 2] - '0') * 8 + (p[i + 3] - '0'));
            i += 3;
        }
    }
    return out;
}

}  // namespace

std::string number_placeholders(std::string_view sql, int& count) {
    std::string out;
    out.reserve(sql.size() + 8);
    count = 0;
    const std::size_t n = sql.size();
    std::size_t i = 0;
    auto copy_until = [&](std::string_view close) {  // copies up to and including `close`
        auto end = sql.find(close, i);
        end = end == std::string_view::npos ? n : end + close.size();
        out.append(sql.substr(i, end - i));
        i = end;
    };
    while (i < n) {
        const char c = sql[i];
        const bool after_word = i > 0 && identifier_char(sql[i - 1]);
        if (c == '?') {
            out += '$';
            out += std::to_string(++count);
            ++i;
        } else if (c == '\'') {
            // E'…' strings take backslash escapes; in every string '' is a quote.
            const bool escapes =
                i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && !(i > 1 && identifier_char(sql[i - 2]));
            out += c;
            ++i;
            while (i < n) {
                out += sql[i];
                if (escapes && sql[i] == '\\' && i + 1 < n) {
                    out += sql[++i];
                } else if (sql[i] == '\'') {
                    ++i;
                    break;
                }
                ++i;
            }
        } else if (c == '"') {
            out += c;
            ++i;
            copy_until("\"");
        } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
            copy_until("\n");
        } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
            out += "/*";
            i += 2;
            copy_until("*/");
        } else if (c == '$' && !after_word) {
            // $tag$ … $tag$ (dollar quoting); a lone $ or $1 is copied as it is.
            std::size_t j = i + 1;
            while (j < n && identifier_char(sql[j]) && !(j == i + 1 && sql[j] >= '0' && sql[j] <= '9')) ++j;
            if (j < n && sql[j] == '$') {
                const std::string tag(sql.substr(i, j - i + 1));
                out += tag;
                i = j + 1;
                copy_until(tag);
            } else {
                out += c;
                ++i;
            }
        } else {
            out += c;
            ++i;
        }
    }
    return out;
}

pg_statement::pg_statement(pg_connection& c, std::string_view sql, bool cached) : c_(c), cached_(cached) {
    int n = 0;
    sql_ = number_placeholders(sql, n);
    values_.resize(static_cast<std::size_t>(n));
}

pg_statement::value& pg_statement::slot(int index) {
    if (index < 1 || index > static_cast<int>(values_.size()))
        throw error("bind index " + std::to_string(index) + " out of range: the statement has " +
                        std::to_string(values_.size()) + " parameters: " + sql_,
                    error_kind::other);
    return values_[static_cast<std::size_t>(index - 1)];
}

void pg_statement::bind(int index, std::int64_t v) {
    slot(index) = {param::int8, std::to_string(v)};
}

void pg_statement::bind(int index, const std::string& v) {
    if (v.find('\0') != std::string::npos)
        throw error("text parameter " + std::to_string(index) +
                        " holds a NUL byte, which PostgreSQL text cannot store (bind it as a blob): " + sql_,
                    error_kind::other);
    slot(index) = {param::text, v};
}

void pg_statement::bind_blob(int index, std::string_view bytes) {
    slot(index) = {param::bytea, std::string(bytes)};
}

void pg_statement::bind_null(int index) {
    slot(index) = {};
}

void pg_statement::run() {
    c_.ensure_connected();
    const int n = static_cast<int>(values_.size());
    std::vector<const char*> data(values_.size());
    std::vector<int> lengths(values_.size()), formats(values_.size());
    std::vector<Oid> types(values_.size());
    std::vector<param> kinds(values_.size());
    for (std::size_t i = 0; i < values_.size(); ++i) {
        const auto& v = values_[i];
        kinds[i] = v.type;
        data[i] = v.type == param::null ? nullptr : v.data.c_str();
        lengths[i] = static_cast<int>(v.data.size());
        formats[i] = v.type == param::bytea ? 1 : 0;
        types[i] = v.type == param::int8 ? int8_oid : v.type == param::bytea ? bytea_oid : 0;
    }
    pg_result_ptr r;
    if (!cached_) {
        r.reset(PQexecParams(c_.handle(), sql_.c_str(), n, types.data(), data.data(), lengths.data(),
                             formats.data(), 0));
    } else {
        // Prepared once per connection, and again when a parameter's type changes (NULL fits any).
        bool fits = generation_ == c_.generation_;
        for (std::size_t i = 0; fits && i < kinds.size(); ++i)
            fits = kinds[i] == param::null || kinds[i] == prepared_types_[i];
        if (!fits) {
            auto name = c_.next_name();
            c_.checked(pg_result_ptr(PQprepare(c_.handle(), name.c_str(), sql_.c_str(), n, types.data())),
                       sql_);
            name_ = std::move(name);
            generation_ = c_.generation_;
            prepared_types_ = kinds;
        }
        r.reset(
            PQexecPrepared(c_.handle(), name_.c_str(), n, data.data(), lengths.data(), formats.data(), 0));
    }
    result_ = c_.checked(std::move(r), sql_);
    ran_ = true;
    row_ = -1;
}

bool pg_statement::step() {
    if (!ran_) run();
    const int rows = PQntuples(result_.get());
    if (row_ + 1 < rows) {
        ++row_;
        return true;
    }
    row_ = rows;
    return false;
}

int pg_statement::exec() {
    reset();
    run();
    const char* tuples = PQcmdTuples(result_.get());
    int changed = 0;
    std::from_chars(tuples, tuples + std::strlen(tuples), changed);
    return changed;
}

void pg_statement::reset() {
    result_.reset();
    ran_ = false;
    row_ = -1;
}

void pg_statement::clear() {
    for (auto& v : values_) v = {};
}

void pg_statement::check_row(int column) {
    if (!result_ || row_ < 0 || row_ >= PQntuples(result_.get()))
        throw error("no current row (step() first): " + sql_, error_kind::other);
    if (column < 0 || column >= PQnfields(result_.get()))
        throw error("column " + std::to_string(column) + " out of range: the result has " +
                        std::to_string(PQnfields(result_.get())) + " columns: " + sql_,
                    error_kind::other);
}

bool pg_statement::is_null(int column) {
    check_row(column);
    return PQgetisnull(result_.get(), row_, column) == 1;
}

std::int64_t pg_statement::int64(int column) {
    if (is_null(column)) return 0;
    const char* p = PQgetvalue(result_.get(), row_, column);
    const int len = PQgetlength(result_.get(), row_, column);
    if (PQftype(result_.get(), column) == bool_oid) return p[0] == 't' ? 1 : 0;
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(p, p + len, v);
    if (ec != std::errc{} || end != p + len)
        throw error("column " + std::to_string(column) + " (" + PQfname(result_.get(), column) +
                        ") is not a 64-bit integer: " + sql_,
                    error_kind::other);
    return v;
}

std::string pg_statement::text(int column) {
    if (is_null(column)) return {};
    return std::string(PQgetvalue(result_.get(), row_, column),
                       static_cast<std::size_t>(PQgetlength(result_.get(), row_, column)));
}

std::string pg_statement::blob(int column) {
    if (is_null(column)) return {};
    const char* p = PQgetvalue(result_.get(), row_, column);
    const auto len = static_cast<std::size_t>(PQgetlength(result_.get(), row_, column));
    if (PQftype(result_.get(), column) == bytea_oid) return decode_bytea(p, len);
    return std::string(p, len);
}

int pg_statement::columns() {
    return result_ ? PQnfields(result_.get()) : 0;
}

}  // namespace storage::detail
