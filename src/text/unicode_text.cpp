#include "text/unicode_text.hpp"
