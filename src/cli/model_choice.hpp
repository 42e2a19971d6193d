// The models a subcommand reads: one (-m FILE) or several mixed
// (-m a.lm -m b.lm --weights 0.7,0.3), loaded once.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "lm/mixture.hpp"
#include "lm/model.hpp"

namespace lm::cli {

struct ModelChoice {
  std::vector<std::string> paths;  // empty: default_model_path()
  std::string weights;             // "0.7,0.3": one per model; empty: equal weights
};

// -m/--model FILE (repeatable) and --weights W,W,...
void add_models_option(CLI::App* cmd, ModelChoice* choice);

// The chosen models, loaded, and their Mixture when there are several.
// Throws ConfigError("weights", ...) for weights that are not numbers, or
// without several models.
class LoadedModels {
 public:
  explicit LoadedModels(const ModelChoice& choice);
  LoadedModels(const LoadedModels&) = delete;
  LoadedModels& operator=(const LoadedModels&) = delete;

  [[nodiscard]] bool mixed() const { return mixture_ != nullptr; }
  // The first (or only) model.
  [[nodiscard]] const Model& model() const { return models_.front(); }
  // REQUIRES: mixed().
  [[nodiscard]] const Mixture& mixture() const { return *mixture_; }
  [[nodiscard]] Mixture& mixture() { return *mixture_; }
  [[nodiscard]] const std::vector<Model>& models() const { return models_; }
  [[nodiscard]] const std::vector<std::string>& paths() const { return paths_; }

 private:
  std::vector<std::string> paths_;
  std::vector<Model> models_;
  std::unique_ptr<Mixture> mixture_;
};

}  // namespace lm::cli
