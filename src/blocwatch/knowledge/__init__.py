"""What the coder knows: actors and agents (kb), the verb lexicon and CAMEO code table
(lexicon), user knowledge files (userkb) and the base layer converted from the Phoenix and
CAMEO 2.0 dictionaries (baselayer); the data files themselves are in ``data/``."""
