"""A run's events: payloads, the step buffer, the one writer that numbers and saves them
(store), its helper process (writer), and the broadcast to live viewers."""
