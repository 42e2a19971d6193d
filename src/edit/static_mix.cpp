// Placeholder: filled in by issue 27's work (see include/lm/).
