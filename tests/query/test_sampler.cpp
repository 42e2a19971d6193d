// Placeholder: tests come with the code they test.
#include <catch2/catch.hpp>
