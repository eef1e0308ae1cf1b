#include "adapters/adapter.hpp"

// Implementations of the shared helpers live with the adapters (see adapters/*.cpp).
