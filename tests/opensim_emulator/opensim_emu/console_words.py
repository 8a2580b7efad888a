"""How OpenSim's console splits a line into words (OpenSim.Framework.Console Parser.Parse): runs of
white space separate words, a double-quoted run is one word without its quotes. Several spaces in an
estate name therefore collapse to one (verified: `estate create <uuid>  Second   Estate  ` creates
"Second Estate")."""

import re

_WORD = re.compile(r'"([^"]*)"|(\S+)')


def split_words(line):
    return [quoted if quoted or plain == "" else plain for quoted, plain in _WORD.findall(line)]
