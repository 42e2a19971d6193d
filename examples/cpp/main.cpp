// Scores a sentence with an lm model and prints the 5 most probable next words.
// Usage: lm_example MODEL "the mouse ate the cheese"   (README.md in this folder: building it)
#include <cmath>
#include <cstdio>
#include <string_view>
#include <vector>

#include "lm/error.hpp"
#include "lm/model_io.hpp"
#include "lm/next_words.hpp"
#include "lm/scorer.hpp"
#include "lm/tokenizer.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s MODEL SENTENCE\n", argv[0]);
    return 2;
  }
  try {
    const lm::Model model = lm::load_model(argv[1]);
    lm::Tokenizer tokenizer(model.info().text);  // read text as the model was trained to
    std::vector<std::string_view> words;
    tokenizer.tokenize_checked(argv[2], "the sentence", 1, &words);

    const lm::SentenceScore score = lm::score_sentence(model, words);
    std::printf("log10 p: %.4f\ntokens: %llu\nOOVs: %llu\nperplexity: %.2f\n", score.log10_prob,
                static_cast<unsigned long long>(score.tokens), static_cast<unsigned long long>(score.oovs),
                score.perplexity());

    lm::NextWordPredictor predictor(model);
    std::printf("next words:\n");
    for (const lm::Prediction& p : predictor.top(predictor.context_state(words), 5)) {
      const std::string_view word = model.vocab().word(p.word);
      std::printf("%.*s\t%.6f\n", static_cast<int>(word.size()), word.data(), std::pow(10.0, p.log10_prob));
    }
  } catch (const lm::Error& e) {
    std::fprintf(stderr, "lm_example: %s\n", e.what());
    return 1;
  }
}
