// rapport's programs link the allocator the build chose (RAPPORT_MALLOC in CMakeLists.txt):
// tcmalloc unless asked for the system one or built with sanitizers. A linker that dropped
// the library as unneeded would leave glibc's malloc in place without any error; these
// tests see that from the running processes.
#include <catch2/catch.hpp>

#include <string>

#include "cli_harness.h"
#include "rapportd_process.h"
#include "events/allocator.h"

using rapport::cli::testing::Cli;
using rapport::cli::testing::Rapportd;

TEST_CASE("the test program runs on the allocator the build chose", "[build]") {
  CHECK(std::string(rapport::ActiveAllocator()) == RAPPORT_ALLOCATOR);
}

TEST_CASE("rapportd runs on the allocator the build chose and says so when it starts", "[build][server]") {
  Cli cli;
  Rapportd d(cli.data(), cli.Path("rapportd.log"));
  INFO(d.log());
  REQUIRE(d.listening());
  CHECK(d.log().find(std::string("allocator=") + RAPPORT_ALLOCATOR) != std::string::npos);
  CHECK(d.Stop() == 0);
}
