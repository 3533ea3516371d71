"""Datasets: uploaded CSV or Parquet files, their schema and preview."""
