// The storage::error a piece of code throws, for the tests of refusals and failures.
#pragma once

#include <gtest/gtest.h>

#include <utility>

#include "storage/errors.hpp"

namespace test_support {

// The storage::error that `f` throws (a test failure when it throws none).
template <class F>
storage::error caught(F&& f) {
    try {
        std::forward<F>(f)();
    } catch (const storage::error& e) {
        return e;
    }
    ADD_FAILURE() << "no storage::error was thrown";
    return storage::error("none");
}

}  // namespace test_support
