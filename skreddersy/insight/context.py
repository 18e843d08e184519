"""What the analysis engine and the reports need to know about a survey (its items, indices and
labels), apart from where it came from: a wave in the database (``selectors.survey_context``) or
the published study's reference item bank (``replication.study_context``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from skreddersy.insight import analysis

if TYPE_CHECKING:
    from skreddersy.insight.models import Item, Survey


@dataclass
class SurveyContext:
    """What the engine needs to know about a survey: item and index specs, labels."""

    survey: Survey
    items: list[Item]
    item_specs: dict[str, analysis.ItemSpec]
    indices: list[analysis.IndexSpec]
    published_alpha: dict[str, float | None]
    labels: dict[str, str] = field(default_factory=dict)
    value_labels: dict[str, dict[int, str]] = field(default_factory=dict)

    @property
    def item_keys(self) -> list[str]:
        return self.__dict__.get("_item_keys") or [i.key for i in self.items]
