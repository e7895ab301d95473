"""Drawing progress during a long computation without losing the computation to a click.

Streamlit reruns the script on every click ("fast reruns"): it asks the running script to stop by
raising an exception at that script's next ``st.*`` call (session state included). If that call is a
progress update inside a long computation (loading GPT-2's tables), the exception would abort the
computation and throw its result away. :class:`Interruptible` runs each drawing call for the computation,
catches the exception, remembers it and draws nothing more; once the caller has kept what was computed,
:meth:`Interruptible.finish` raises it again, and Streamlit goes on with the new run.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable


class Interruptible:
    """Draws progress during a long computation without losing the computation to a click.

    Any click makes Streamlit stop the running script at its next ``st.*`` call by raising an exception
    there. :meth:`draw` runs such calls, catches that exception, remembers it and draws nothing more;
    :meth:`finish` raises it again once the caller has kept what was computed.
    """

    def __init__(self) -> None:
        self.interruption: BaseException | None = None
        self._last: dict[str, float] = {}

    def due(self, what: str, every: float, force: bool = False) -> bool:
        """True if ``what`` was last drawn ``every`` seconds ago or more (or ``force``)."""
        now = time.perf_counter()
        if force or now - self._last.get(what, -math.inf) >= every:
            self._last[what] = now
            return True
        return False

    def draw(self, paint: Callable[[], object]) -> bool:
        """Run ``paint``; False (and no more drawing) once the visitor has clicked something."""
        if self.interruption is not None:
            return False
        try:
            paint()
        except BaseException as interruption:  # Streamlit's rerun/stop request (and any error, re-raised)
            self.interruption = interruption
            return False
        return True

    def finish(self) -> None:
        """Raise the remembered interruption, if any (after the caller has kept its result)."""
        if self.interruption is not None:
            raise self.interruption
