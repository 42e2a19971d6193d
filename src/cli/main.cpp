// lm: train n-gram language models and score text with them.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include "commands.hpp"
#include "lm/error.hpp"
#include "lm/model.hpp"
#include "lm/model_io.hpp"
#include "lm/version.hpp"
#include "line_errors.hpp"
#include "options.hpp"
#include "output.hpp"
#include "usage.hpp"

namespace {

// On Ctrl-C or kill: remove partial output files, then die of the signal.
extern "C" void on_fatal_signal(int sig) {
  lm::remove_partial_outputs();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

// A page of the mapped model is gone: the file was truncated or overwritten
// in place while lm was using it (cp onto it does that), or its disk failed.
// One error line, as for any bad input, and exit 1 instead of a crash.
// With no model mapped, SIGBUS has some other cause: die of it as of any
// fatal signal. (Async-signal-safe: write, unlink, raise and _exit only.)
extern "C" void on_bus_error(int sig) {
  const char* path = lm::Buffer::last_mapped_path();
  if (path[0] == '\0') {
    on_fatal_signal(sig);
    return;
  }
  const char* parts[] = {"lm: error: ", path, ": ",
                         "the model file was truncated or could not be read while lm was using it (SIGBUS); "
                         "do not overwrite a model in place while it is in use: write a new file and rename it "
                         "over the old one, as lm train and lm convert do\n"};
  for (const char* part : parts) {
    for (std::size_t n = std::strlen(part); n > 0;) {
      const ssize_t w = write(STDERR_FILENO, part, n);
      if (w <= 0) break;
      part += w;
      n -= static_cast<std::size_t>(w);
    }
  }
  lm::remove_partial_outputs();
  _exit(1);
}

// What to do when memory ran out, by the subcommand that ran: lm train
// counts within its --memory budget (counts beyond it go to temporary files)
// but then holds the n-grams it estimates, which pruning makes fewer; the
// other subcommands hold a model read from ARPA text in memory whole.
// A limit on address space (ulimit -v) is named too: it counts memory that
// is reserved but never used (thread stacks, heap growth), so it can stop lm
// well below what the limit suggests.
std::string out_of_memory_hint(const CLI::App& app) {
  std::string hint =
      app.got_subcommand("train")
          ? "lm train counts within --memory but holds the n-grams it estimates: give a smaller --memory, "
            "drop rare n-grams (--prune 0 1), or a lower --order"
          : "a model given as ARPA text is held in memory whole: use lm's binary format (lm convert, once, where "
            "memory allows), which is mapped from disk, or a smaller model";
  struct rlimit limit {};
  if (getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    hint += fmt::format("; note that this process may use only {} MB of address space (ulimit -v): raise that limit",
                        limit.rlim_cur >> 20);
  }
  return hint;
}

}  // namespace

int main(int argc, char** argv) {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) std::signal(sig, on_fatal_signal);
  std::signal(SIGBUS, on_bus_error);
  // stdout carries results; every log line goes to stderr.
  // NO_COLOR (https://no-color.org), set and not empty, turns colours off; so
  // does a stderr that is not a terminal.
  const char* no_color = std::getenv("NO_COLOR");
  auto logger = spdlog::stderr_color_st(
      "lm", no_color != nullptr && *no_color != '\0' ? spdlog::color_mode::never : spdlog::color_mode::automatic);
  logger->set_pattern("lm: %^%l%$: %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::info);

  CLI::App app{"lm: n-gram language models (interpolated modified Kneser-Ney, KenLM-exact).\n"
               "Examples:\n"
               "  lm train corpus.txt                  # writes model.lm\n"
               "  lm score \"the mouse ate the cheese\"  # log10 probability and perplexity\n"
               "  lm next \"ate the\"                    # most likely next words\n"
               "  lm info                              # what model.lm holds\n"
               "  cat sentences.txt | lm score         # one result line per input line\n"
               "Exit status: 0 success, 1 error, 2 usage error, 3 some input lines could not be\n"
               "scored (each has an error record), 128+N killed by signal N. Manual: man -l docs/lm.1",
               "lm"};
  app.formatter(std::make_shared<lm::cli::HelpFormatter>());
  app.set_version_flag("-V,--version", std::string("lm ") + lm::kVersion);
  app.require_subcommand(1);
  app.fallthrough();
  bool quiet = false;
  bool verbose = false;
  app.add_flag("-q,--quiet", quiet, "Only print errors on stderr");
  app.add_flag("-v,--verbose", verbose, "Print more detail on stderr");
  app.parse_complete_callback([&]() {
    if (quiet) spdlog::set_level(spdlog::level::err);
    if (verbose) spdlog::set_level(spdlog::level::debug);
  });
  lm::cli::add_train_command(app);
  lm::cli::add_score_command(app);
  lm::cli::add_next_command(app);
  lm::cli::add_info_command(app);
  lm::cli::add_convert_command(app);
  lm::cli::add_generate_command(app);
  lm::cli::add_mix_command(app);
  lm::cli::add_prune_command(app);
  lm::cli::add_tokenize_command(app);
  lm::cli::add_completion_command(app);

  // A file-size limit (ulimit -f) must give a write error, not kill lm mid-file.
  std::signal(SIGXFSZ, SIG_IGN);
  // A reader that stops early (lm next --all the | head -1) must not kill lm:
  // writes then fail with EPIPE, and lm stops quietly with status 0.
  std::signal(SIGPIPE, SIG_IGN);
  // Usage errors say which help to read, and what a typo was meant to be.
  const std::string see_help = "see " + lm::cli::help_command(lm::cli::named_subcommand(app, argc, argv));
  if (const std::string typo = lm::cli::misspelling(app, argc, argv); !typo.empty()) {
    spdlog::error("{} ({})", typo, see_help);
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() != 0) {  // a usage error: one line, like every other error
      spdlog::error("{} ({})", e.what(), see_help);
      return 2;
    }
    const int code = app.exit(e);  // --help, --version
    std::cout.flush();
    if (!std::cout) {  // e.g. lm --help > /dev/full
      spdlog::error("cannot write output: {}", std::strerror(errno));
      return 1;
    }
    return code == 0 ? 0 : 2;  // 2: usage error
  } catch (const lm::BrokenPipeError&) {
    return 0;  // the reader went away: not an error
  } catch (const lm::cli::SomeLinesFailed&) {
    return lm::cli::kExitSomeLinesFailed;  // every line answered; the warnings said which failed
  } catch (const lm::ConfigError& e) {  // a bad option value: a usage error
    spdlog::error("{} ({})", e.render(lm::cli::flag_of_setting), see_help);
    return 2;
  } catch (const std::bad_alloc&) {
    spdlog::error("out of memory; {}", out_of_memory_hint(app));
    return 1;
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  return 0;
}
