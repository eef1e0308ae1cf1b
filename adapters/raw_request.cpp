#include "adapter.hpp"
