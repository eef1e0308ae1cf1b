// GCC 12 reports a false -Wmismatched-new-delete on Asio's awaitable frames (their operator new and
// delete are a matching pair; GCC PR 109224), depending on what a coroutine's frame holds. A file
// with such coroutines includes this header last; it silences that one warning for the file.
#pragma once

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
