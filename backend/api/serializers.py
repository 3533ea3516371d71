"""Serializer fields and shapes that more than one domain's endpoints use."""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from django.http import QueryDict
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class AuthorField(serializers.SlugRelatedField):
    """A user shown by username; null once that user is deleted (or for what no user did)."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("allow_null", True)
        super().__init__(slug_field="username", read_only=True, **kwargs)


class TablePreviewSerializer(serializers.Serializer):
    """The first rows of a table."""

    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField())
    schema = serializers.ListField(child=serializers.DictField(), required=False)
    row_count = serializers.IntegerField(required=False)


def _from_a_form(field: serializers.Field) -> bool:
    """Whether the body came as form fields (all text), not as JSON."""
    return isinstance(getattr(field.root, "initial_data", None), QueryDict)


class TextField(serializers.CharField):
    """Text, and only text: DRF's CharField turns a JSON number into a string, which the schema
    (``type: string``) forbids. Form fields are all text and pass as DRF reads them.

    Text that is trimmed and may not be blank must hold more than whitespace, and the schema
    says so (``pattern: \\S``): "\\r" alone is trimmed to nothing and refused.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if self.trim_whitespace and not self.allow_blank:
            self.validators.append(RegexValidator(r"\S", "must hold more than whitespace"))

    def to_internal_value(self, data: object) -> str:
        """`data` if it is a string (or comes from a form)."""
        if not isinstance(data, str) and not _from_a_form(self):
            self.fail("invalid")
        return super().to_internal_value(data)


class SlugTextField(TextField, serializers.RegexField):
    """A slug as Django's slugify leaves it: lowercase letters and digits, '-' and '_' between
    them but never two '-' in a row; documented with that pattern."""

    PATTERN = r"^(?!.*--)[a-z0-9](?:[-a-z0-9_]*[a-z0-9])?$"

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("trim_whitespace", False)  # " a" is not a slug, and is not made one
        super().__init__(regex=self.PATTERN, **kwargs)


class WholeNumberField(serializers.IntegerField):
    """A JSON integer: not a string of digits, not 1.0, not true (DRF takes all three)."""

    def to_internal_value(self, data: object) -> int:
        """`data` if it is an integer (or comes from a form)."""
        if not _from_a_form(self) and (isinstance(data, bool) or not isinstance(data, int)):
            self.fail("invalid")
        return super().to_internal_value(data)


class FlagField(serializers.BooleanField):
    """A JSON boolean: not 0, 1, "yes" or "true" (DRF takes all of them)."""

    def to_internal_value(self, data: object) -> bool:
        """`data` if it is true or false (or comes from a form)."""
        if not isinstance(data, bool) and not _from_a_form(self):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "type": "object",
        "properties": {
            "nodes": {"type": "array", "items": {"type": "object"}},
            "edges": {"type": "array", "items": {"type": "object"}},
        },
        "description": "graph JSON: nodes (id, block, config, position) and edges "
        "(source, source_port, target, target_port)",
    }
)
class GraphField(serializers.JSONField):
    """A pipeline graph as JSON: documented as an object; its structure is checked where it is
    parsed (``backend.engine.graph.parse_graph``), which names the node and port at fault."""


class RequestSerializer(serializers.Serializer):
    """A JSON request body: a property it does not define is refused with a 400 naming it (a
    typo such as ``"stgae"`` would otherwise be ignored in silence), and the schema says so
    (``additionalProperties: false``, from backend.api.schema)."""

    def to_internal_value(self, data: object) -> object:
        """The validated body, once every property in it is one this body defines."""
        if isinstance(data, dict):
            known = [name for name, field in self.fields.items() if not field.read_only]
            unknown = [name for name in data if name not in known]
            if unknown:
                expected = ", ".join(known) or "nothing"
                raise serializers.ValidationError(
                    {
                        name: [f"not a field of this request (it takes: {expected})"]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)
