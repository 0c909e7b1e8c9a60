"""Stages 1-2 and the parser: documents in (read), cleaned and split into sentences
(clean, language), the spaCy model (parse), and helpers over its dependency parses (frames)
and verb forms (forms).  Imports only the core modules (errors, records, settings)."""
