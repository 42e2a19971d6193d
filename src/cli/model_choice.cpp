#include "model_choice.hpp"

#include <cmath>
#include <cstdlib>

#include "commands.hpp"
#include "lm/error.hpp"
#include "lm/model_io.hpp"

namespace lm::cli {

namespace {

// "0.7,0.3" (spaces allowed) -> {0.7, 0.3}.
std::vector<double> parse_weights(const std::string& text) {
  std::vector<double> weights;
  if (text.empty()) return weights;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    char* end = nullptr;
    const double w = std::strtod(item.c_str(), &end);
    while (end != nullptr && *end == ' ') ++end;
    if (item.find_first_not_of(' ') == std::string::npos || end == nullptr || *end != '\0' || !std::isfinite(w)) {
      throw ConfigError("weights", "'" + ConfigError::literal(item) +
                                       "' is not a number: give one weight per model, e.g. --weights 0.7,0.3");
    }
    weights.push_back(w);
    if (comma == text.size()) break;
    start = comma + 1;
  }
  return weights;
}

}  // namespace

void add_models_option(CLI::App* cmd, ModelChoice* choice) {
  cmd->add_option("-m,--model", choice->paths,
                  "Model: lm binary or ARPA, plain or .gz (default: $LM_MODEL, else model.lm); "
                  "repeat it to mix models (--weights)")
      ->type_name("FILE")
      ->allow_extra_args(false);
  cmd->add_option("--weights", choice->weights,
                  "Mix the -m models with these weights, one per model, summing to 1 (default: equal)")
      ->type_name("W,W,...");
}

LoadedModels::LoadedModels(const ModelChoice& choice) : paths_(choice.paths) {
  if (paths_.empty()) paths_.push_back(default_model_path());
  if (!choice.weights.empty() && paths_.size() == 1) {
    throw ConfigError("weights", "weights mix several models: give two or more -m");
  }
  const std::vector<double> weights = parse_weights(choice.weights);
  models_.reserve(paths_.size());
  for (const std::string& path : paths_) models_.push_back(load_model(path));
  if (models_.size() > 1) {
    std::vector<const Model*> models;
    for (const Model& m : models_) models.push_back(&m);
    mixture_ = std::make_unique<Mixture>(std::move(models), weights);
  }
}

}  // namespace lm::cli
