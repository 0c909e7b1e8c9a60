"""Stage 8: dyads, the signed relations graph, blocs, alignment and escalation alerts
(relations), the same read from the store's aggregates (stored), and static figures."""
