"""Base classes shared by the models of every domain."""

from __future__ import annotations

from typing import Any

from django.db import models


class ImmutableModel(models.Model):
    """A row that is written once: saving an existing row raises."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError(f"{type(self).__name__} rows are immutable once created")
        super().save(*args, **kwargs)
