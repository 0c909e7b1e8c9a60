"""Stage 7, the event database: schema and migrations, the store, batched writes,
document deduplication, per-dyad-per-day aggregates, input sources, ingest (with its coding
backends and the Dask cluster) and exports."""
