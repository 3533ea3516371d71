"""Prediction serving, free of Django: the API layer hands it bytes and JSON.

- rows: check a predict request's rows against a model's signature and build the frame;
- cache: loaded models in a bounded per-process cache by artifact digest, and predict;
- drift: per-feature statistics of training rows and the population stability index of
  recent inputs against them.
"""
