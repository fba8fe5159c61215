"""The blocks of a service file: one module per top-level block, each holding its JSON
Schema (keys and descriptions), its model dataclasses and its `compile`.

A block (`base.Block`) is what the YAML has at its top level — `fees`, `booking`,
`workflow`, `notifications`, … — or, for `card`, the keys the service card shows. The
compiler (`definitions.compiler`) runs the blocks in their registry's order: first every
block's `index` (option lists, field ids), then every block's `compile`, whose result
becomes the `ServiceDefinition`; `definitions.schema` lists their keys. Adding a block:
one module here, registered in `builtin.py`, plus its attribute on `ServiceDefinition`;
a plug-in's block needs neither (`registry.with_blocks(MyBlock)`; its model lands in
`ServiceDefinition.extensions`).

The platform's registry is in `builtin.py`, not here: `model.py` imports the blocks'
dataclasses, and this package's `__init__` runs first, so it must not import the
`steps` block, which imports the model.
"""

from __future__ import annotations

from khidma.definitions.blocks.base import Block
from khidma.definitions.blocks.base import BlockRegistry
from khidma.definitions.blocks.base import Compiling

__all__ = ["Block", "BlockRegistry", "Compiling"]
