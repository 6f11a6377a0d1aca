"""Step definitions for specs/cart.feature: each pattern maps a step's text to code."""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
from shop import Cart  # noqa: E402

STEPS = []


def step(pattern):
    def register(fn):
        STEPS.append((re.compile(pattern + "$"), fn))
        return fn
    return register


@step(r"an empty cart")
def empty_cart(world):
    world["cart"] = Cart()


@step(r'I add (\d+) "([^"]+)" at (\d+) cents each')
def add(world, count, item, price):
    world["cart"].add(item, int(count), int(price))


@step(r'I use the code "([^"]+)"')
def use_code(world, code):
    world["cart"].use_code(code)


@step(r"the total is (\d+) cents")
def total(world, cents):
    actual = world["cart"].total()
    assert actual == int(cents), f"expected a total of {cents} cents, got {actual}"
