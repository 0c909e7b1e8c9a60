"""PETRARCH/TABARI dictionaries: their file formats (dictionaries), the phrase matcher
(match) and verb patterns over dependency parses (verbs).  Used by the base knowledge
layer and by the PETRARCH-compatible coder; imports only the core and :mod:`blocwatch.text`."""
