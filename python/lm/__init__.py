from ._lm import *  # noqa
