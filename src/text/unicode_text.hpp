// Unicode work for the Tokenizer (lm/tokenizer.hpp), over utf8proc.
#pragma once
