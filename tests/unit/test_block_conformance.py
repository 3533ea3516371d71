"""The conformance battery (backend.blocks.checks) over every registered block.

Like scikit-learn's `parametrize_with_checks`: one test per check, parametrized over the
battery's (block, check) pairs, so a new block is tested the moment it is registered.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import pytest

from backend.blocks import FIGURE, TABLE, Block, checks

PAIRS = list(checks.block_checks())


def case_id(block: type[Block], check: checks.Check) -> str:
    """The block's key, and for a check bound to an example config, the config too."""
    if isinstance(check, partial):
        return f"{block.key}-{json.dumps(check.keywords['config'], sort_keys=True)}"
    return block.key


def cases(check: Any) -> list[Any]:
    """The battery's (block, check) pairs for one check function."""
    return [
        pytest.param(block, bound, id=case_id(block, bound))
        for block, bound in PAIRS
        if (bound.func if isinstance(bound, partial) else bound) is check
    ]


def run(block: type[Block], check: checks.Check) -> None:
    """Run one check; a check the battery cannot exercise yet is a skip."""
    try:
        check(block)
    except checks.CheckSkipped as skipped:
        pytest.skip(str(skipped))


@pytest.mark.parametrize(("block", "check"), cases(checks.check_contract))
def test_contract(block: type[Block], check: checks.Check) -> None:
    run(block, check)


@pytest.mark.parametrize(("block", "check"), cases(checks.check_config_refuses_unknown_keys))
def test_config_refuses_unknown_keys(block: type[Block], check: checks.Check) -> None:
    run(block, check)


@pytest.mark.parametrize(("block", "check"), cases(checks.check_runs_and_matches_inferred_schema))
def test_runs_and_matches_inferred_schema(block: type[Block], check: checks.Check) -> None:
    run(block, check)


def test_every_check_is_parametrized() -> None:
    tested = {
        checks.check_contract,
        checks.check_config_refuses_unknown_keys,
        checks.check_runs_and_matches_inferred_schema,
    }
    assert {getattr(check, "func", check) for _, check in PAIRS} == tested


# --------------------------------------------------------------------- the battery on bad blocks


class Sloppy(Block):
    key = "feature.test_sloppy"  # no docstring, and run() drops its output
    title = "Sloppy"
    family = "feature"
    inputs = {"table": TABLE}
    outputs = {"table": TABLE}

    def run(self, ctx: Any, **inputs: Any) -> dict[str, Any]:
        return {}


class FigureSink(Block):
    """Test block: takes a figure, which the battery has no example of."""

    key = "publish.test_figure_sink"
    title = "Figure sink"
    family = "publish"
    inputs = {"figure": FIGURE}


def test_check_block_names_the_block_and_the_fix() -> None:
    with pytest.raises(AssertionError, match=r"^feature\.test_sloppy: needs a docstring"):
        checks.check_block(Sloppy)


def test_a_run_that_drops_an_output_port_fails() -> None:
    with pytest.raises(AssertionError, match=r"feature\.test_sloppy .*returned ports \[\]"):
        checks.check_runs_and_matches_inferred_schema(Sloppy, {})


def test_check_block_warns_about_what_it_cannot_exercise() -> None:
    with pytest.warns(UserWarning, match="no example figure input"):
        checks.check_block(FigureSink)
