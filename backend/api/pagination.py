"""Pagination shared by every list endpoint."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from backend.errors import UserError


class StandardPagination(PageNumberPagination):
    """Page-numbered lists: ``?page=2&page_size=100`` (at most 500 per page).

    A ``page`` that is not a whole number from 1, or a ``page_size`` that is not one from 1 to
    500, is refused with a 400, rather than quietly replaced by the default (DRF reads an empty
    ``page`` as 1 and accepts ``last``), so that a client learns it asked for something else.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_number(self, request: Request, paginator: Any) -> int:
        """The page asked for (1 when none), a whole number from 1."""
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        try:
            number = int(raw)
        except ValueError:
            number = 0
        if number < 1:
            raise UserError(
                f"{self.page_query_param} must be a whole number from 1",
                field=self.page_query_param,
            )
        return number

    def get_page_size(self, request: Request) -> int:
        """The page size asked for, within [1, max_page_size], else the default."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise UserError(
                f"{self.page_size_query_param} must be a whole number from 1 to "
                f"{self.max_page_size}",
                field=self.page_size_query_param,
            )
        return size

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """``page`` and ``page_size``, with the bounds the code enforces."""
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters
