"""Ready-made examples: the seed article's Chinese demos and English ones for the bundled model.

A preset is plain data (the inputs of one page); pages put them one click away and the home tour
links to them. Presets run on whatever model is selected: missing words are reported, not hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Preset:
    """Inputs for one page. ``params`` uses the page's query-parameter names."""

    page: str
    language: str
    title_zh: str
    title_en: str
    params: dict = field(default_factory=dict)
    step: str = ""  # the home tour step this preset illustrates, if any

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


PRESETS: tuple[Preset, ...] = (
    # --- explorer
    Preset("explorer", "zh", "诸葛亮的近邻 (topn=4)", "Neighbours of 诸葛亮 (topn=4)",
           {"word": "诸葛亮", "topn": 4, "words": ["诸葛亮", "刘备", "关羽"]}, step="static"),
    Preset("explorer", "zh", "诸葛亮 vs 刘备 / 关羽", "诸葛亮 vs 刘备 / 关羽",
           {"word": "诸葛亮", "topn": 10, "words": ["诸葛亮", "刘备", "关羽", "曹操", "苹果"]}, step="similarity"),
    Preset("explorer", "en", "Neighbours of king", "Neighbours of king",
           {"word": "king", "topn": 10, "words": ["king", "queen", "man", "woman", "apple"]}, step="static"),
    Preset("explorer", "en", "Fruit and one odd word", "Fruit and one odd word",
           {"word": "apple", "topn": 10, "words": ["apple", "banana", "orange", "pear", "car"]}, step="similarity"),
    # --- analogy
    Preset("analogy", "zh", "诸葛亮 + 水浒传 − 三国演义", "诸葛亮 + 水浒传 − 三国演义",
           {"pos": ["诸葛亮", "水浒传"], "neg": ["三国演义"], "method": "add", "topn": 10}, step="analogy"),
    Preset("analogy", "zh", "国王 − 男人 + 女人", "国王 − 男人 + 女人",
           {"pos": ["国王", "女人"], "neg": ["男人"], "method": "add", "topn": 10}),
    Preset("analogy", "en", "king − man + woman", "king − man + woman",
           {"pos": ["king", "woman"], "neg": ["man"], "method": "add", "topn": 10}, step="analogy"),
    Preset("analogy", "en", "paris − france + japan", "paris − france + japan",
           {"pos": ["paris", "japan"], "neg": ["france"], "method": "add", "topn": 10}),
)


def presets_for(page: str) -> list[Preset]:
    return [preset for preset in PRESETS if preset.page == page]


def tour_preset(step: str, language: str) -> Preset | None:
    """The preset that illustrates a home-tour ``step`` in ``language`` (English as fallback)."""
    for wanted in (language, "en"):
        for preset in PRESETS:
            if preset.step == step and preset.language == wanted:
                return preset
    return None


def first_preset(page: str, language: str) -> Preset | None:
    """The first preset of ``page`` in ``language``, falling back to English."""
    for wanted in (language, "en"):
        for preset in presets_for(page):
            if preset.language == wanted:
                return preset
    return None
