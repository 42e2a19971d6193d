#include "lm/text_options.hpp"

#include <fmt/format.h>
#include <vector>

#include "lm/error.hpp"
#include "lm/tokenizer.hpp"

namespace lm {

std::string_view units_name(TextUnits units) {
  switch (units) {
    case TextUnits::kChars: return "chars";
    case TextUnits::kBytes: return "bytes";
    case TextUnits::kWords: break;
  }
  return "words";
}

std::string_view normalization_name(Normalization form) {
  switch (form) {
    case Normalization::kNfc: return "nfc";
    case Normalization::kNfkc: return "nfkc";
    case Normalization::kNone: break;
  }
  return "none";
}

bool parse_units(std::string_view name, TextUnits* units) {
  for (const TextUnits u : {TextUnits::kWords, TextUnits::kChars, TextUnits::kBytes}) {
    if (units_name(u) == name) {
      *units = u;
      return true;
    }
  }
  return false;
}

bool parse_normalization(std::string_view name, Normalization* form) {
  for (const Normalization n : {Normalization::kNone, Normalization::kNfc, Normalization::kNfkc}) {
    if (normalization_name(n) == name) {
      *form = n;
      return true;
    }
  }
  return false;
}

void check_text_options(const TextOptions& options) {
  const bool bytes = options.units == TextUnits::kBytes;
  if (options.split_punct && options.units != TextUnits::kWords) {
    throw ConfigError("split_punct", fmt::format("applies to words; with {{units}} {} every {} is a token already",
                                                 units_name(options.units),
                                                 bytes ? "byte" : "character"));
  }
  if (bytes && options.lowercase) {
    throw ConfigError("lowercase", "does not apply to {units} bytes: bytes are read as they are, whatever the encoding");
  }
  if (bytes && options.normalize != Normalization::kNone) {
    throw ConfigError("normalize", "does not apply to {units} bytes: bytes are read as they are, whatever the encoding");
  }
  const std::string& token = options.space_token;
  if (token.empty()) return;
  if (options.units != TextUnits::kChars) {
    throw ConfigError("space_token", "applies to {units} chars only (words are separated by spaces already)");
  }
  std::vector<std::string_view> pieces;
  split_tokens(token, &pieces);
  if (find_invalid_utf8(token) != std::string::npos || pieces.size() != 1 || pieces[0].size() != token.size()) {
    throw ConfigError("space_token", "must be one token of valid UTF-8 without white space, such as ▁ or <space>");
  }
  if (token == kBosWord || token == kEosWord || token == kUnkWord) {
    throw ConfigError("space_token", fmt::format("cannot be the reserved word {}; use ▁ or <space>", token));
  }
  if (token.size() > TextOptions::kMaxSpaceTokenBytes) {
    throw ConfigError("space_token", fmt::format("is {} bytes long; at most {} bytes fit in a model", token.size(),
                                                 TextOptions::kMaxSpaceTokenBytes));
  }
}

std::string text_flags(const TextOptions& options) {
  std::string flags;
  const auto add = [&flags](std::string_view flag) {
    if (!flags.empty()) flags += ' ';
    flags += flag;
  };
  if (options.units != TextUnits::kWords) add(fmt::format("--units {}", units_name(options.units)));
  if (options.normalize != Normalization::kNone) add(fmt::format("--normalize {}", normalization_name(options.normalize)));
  if (options.lowercase) add("--lowercase");
  if (options.split_punct) add("--split-punct");
  if (!options.space_token.empty()) add(fmt::format("--space-token {}", options.space_token));
  return flags;
}

bool parse_text_flags(std::string_view flags, TextOptions* options) {
  *options = TextOptions{};
  std::vector<std::string_view> words;
  split_tokens(flags, &words);
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string_view flag = words[i];
    const bool has_value = i + 1 < words.size();
    if (flag == "--lowercase") {
      options->lowercase = true;
    } else if (flag == "--split-punct") {
      options->split_punct = true;
    } else if (flag == "--units" && has_value) {
      if (!parse_units(words[++i], &options->units)) return false;
    } else if (flag == "--normalize" && has_value) {
      if (!parse_normalization(words[++i], &options->normalize)) return false;
    } else if (flag == "--space-token" && has_value) {
      options->space_token = std::string(words[++i]);
    } else {
      return false;
    }
  }
  try {
    check_text_options(*options);
  } catch (const ConfigError&) {
    return false;
  }
  return true;
}

}  // namespace lm
