"""Pagination shared by every list endpoint."""

from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """Page-numbered lists: ``?page=2&page_size=100`` (at most 500 per page)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
