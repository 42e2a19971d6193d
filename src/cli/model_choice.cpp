#include "model_choice.hpp"

#include "commands.hpp"
#include "lm/error.hpp"
#include "lm/model_io.hpp"

namespace lm::cli {

void add_models_option(CLI::App* cmd, ModelChoice* choice) {
  cmd->add_option("-m,--model", choice->paths,
                  "Model: lm binary or ARPA, plain or .gz (default: $LM_MODEL, else model.lm); "
                  "repeat it to mix models (--weights)")
      ->type_name("FILE")
      ->allow_extra_args(false);
  cmd->add_option("--weights", choice->weights,
                  "Mix the -m models with these weights, one per model, summing to 1 (default: equal)")
      ->type_name("W,W,...")
      ->delimiter(',')
      ->expected(1, CLI::detail::expected_max_vector_size);
}

LoadedModels::LoadedModels(const ModelChoice& choice) : paths_(choice.paths) {
  if (paths_.empty()) paths_.push_back(default_model_path());
  if (!choice.weights.empty() && paths_.size() == 1) {
    throw ConfigError("weights", "weights mix several models: give two or more -m");
  }
  models_.reserve(paths_.size());
  for (const std::string& path : paths_) models_.push_back(load_model(path));
  if (models_.size() > 1) {
    std::vector<const Model*> models;
    for (const Model& m : models_) models.push_back(&m);
    mixture_ = std::make_unique<Mixture>(std::move(models), choice.weights);
  }
}

}  // namespace lm::cli
