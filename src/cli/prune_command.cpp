// lm prune: placeholder, registered in main.cpp; the subcommand is not added yet.
#include "commands.hpp"

namespace lm::cli {

void add_prune_command(CLI::App& /*app*/) {}

}  // namespace lm::cli
