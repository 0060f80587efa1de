"""Beyond the score: lifecycle stage, customer type, RFM, nine-box, and comparing the methods.

Optional: each family runs during a re-tier only when its settings table is in the book
(see ``docs/classify.md``). The extension object is
:data:`xlscore.classify.extension.CLASSIFICATION`; ``xlscore classify`` is in
:mod:`xlscore.classify.command`.
"""

__all__: list[str] = []
