"""The platform's blocks, in the order the schema lists their keys and they compile (a
block may read what the blocks before it compiled: `notifications` reads `workflow`)."""

from __future__ import annotations

from khidma.definitions.blocks.base import BlockRegistry
from khidma.definitions.blocks.booking import BookingBlock
from khidma.definitions.blocks.card import CardBlock
from khidma.definitions.blocks.confirmation import ConfirmationBlock
from khidma.definitions.blocks.declarations import DeclarationsBlock
from khidma.definitions.blocks.fees import FeesBlock
from khidma.definitions.blocks.instructions import InstructionsBlock
from khidma.definitions.blocks.lists import ListsBlock
from khidma.definitions.blocks.notifications import NotificationsBlock
from khidma.definitions.blocks.review import ReviewBlock
from khidma.definitions.blocks.service import ServiceBlock
from khidma.definitions.blocks.steps import StepsBlock
from khidma.definitions.blocks.workflow import WorkflowBlock

__all__ = ["registry"]

registry = BlockRegistry(
    (
        ServiceBlock,
        CardBlock,
        FeesBlock,
        InstructionsBlock,
        ListsBlock,
        StepsBlock,
        ReviewBlock,
        DeclarationsBlock,
        ConfirmationBlock,
        BookingBlock,
        WorkflowBlock,
        NotificationsBlock,
    )
)
