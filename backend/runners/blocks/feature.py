"""Feature blocks: fitted on the train table, applied to the test table, recorded in lineage."""
