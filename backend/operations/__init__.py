"""Operating the product: health and readiness probes, Prometheus metrics, log format, and the
view of workers and queues that operators (and the operations page) read."""
