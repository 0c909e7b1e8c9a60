"""Stages 3-6, sentences to events: the relevance pre-filter, actors, verb events,
nominal events and casualties, base-layer patterns, the learned sentence model and its
fallback, context screens, modality, locations, quotes and speakers; :class:`coder.Coder`
runs them in order.  Also the PETRARCH-compatible coder, the event writers (output) and
the knowledge-maintenance tools that scan text (kbtools)."""
