// SentenceBatch: sentences scored together (score_sentences, src/query/batch_scorer.cpp).
#include "lm/scorer.hpp"

#include <limits>

namespace lm {

void SentenceBatch::add(std::span<const std::string_view> words) {
  tokens_.insert(tokens_.end(), words.begin(), words.end());
  tokens_.insert(tokens_.end(), eos_, std::string_view("</s>"));
  ends_.push_back(tokens_.size());
}

std::span<const std::string_view> SentenceBatch::words(std::size_t i) const {
  return std::span<const std::string_view>(tokens_).subspan(begin(i), ends_[i] - eos_ - begin(i));
}

std::size_t sentence_end_tokens(const Model& model) {
  return model.info().nltk_padding && model.order() > 2 ? static_cast<std::size_t>(model.order() - 1) : 1;
}

void SentenceBatch::score(const Model& model) {
  if (const std::size_t eos = sentence_end_tokens(model); eos != eos_) {  // once per batch, only with NLTK's padding
    std::vector<std::string_view> tokens;
    std::size_t start = 0;
    for (std::size_t& end : ends_) {
      tokens.insert(tokens.end(), tokens_.begin() + static_cast<std::ptrdiff_t>(start),
                    tokens_.begin() + static_cast<std::ptrdiff_t>(end - eos_));
      tokens.insert(tokens.end(), eos, std::string_view("</s>"));
      start = end;
      end = tokens.size();
    }
    tokens_.swap(tokens);
    eos_ = eos;
  }
  ids_.resize(tokens_.size());
  model.vocab().find_many(tokens_, ids_.data());
  // "<unk>" written in the text is the unknown word, not a new one.
  oov_.assign(tokens_.size(), 0);
  for (std::size_t k = 0; k < tokens_.size(); ++k) oov_[k] = is_oov(model, ids_[k], tokens_[k]);
  // Each sentence ends with </s>, whatever its text (the view "</s>" is not
  // looked up as a word: a word "</s>" in the text is refused by the tokenizer).
  for (const std::size_t end : ends_) {
    for (std::size_t k = end - eos_; k < end; ++k) {
      ids_[k] = kEosId;
      oov_[k] = 0;
    }
  }
  scores_.resize(tokens_.size());
  score_sentences(model, ids_, ends_, scores_);
}

SentenceScore SentenceBatch::result(std::size_t i, bool keep_factors) const {
  SentenceScore result;
  for (std::size_t k = begin(i); k < ends_[i]; ++k) {
    result.add(tokens_[k], ids_[k], oov_[k] != 0, scores_[k], keep_factors);
  }
  return result;
}

void SentenceBatch::clear() {  // keeps eos_: the next sentences are added with it
  tokens_.clear();
  ends_.clear();
  ids_.clear();
  oov_.clear();
  scores_.clear();
}

}  // namespace lm
