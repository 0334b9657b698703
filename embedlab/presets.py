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
    # --- projection (groups as in the URL: words by commas, groups by |)
    Preset("projection", "zh", "四大名著 / 水果 / 河流", "Four novels / fruit / rivers (zh)",
           {"groups": "西游记,三国演义,水浒传,红楼梦|苹果,香蕉,橙子,梨|长江,黄河,淮河,黑龙江", "method": "pca", "dims": 2},
           step="projection"),
    Preset("projection", "en", "名著 / 水果 / 河流（英文）", "Classics / fruit / rivers",
           {"groups": "hamlet,macbeth,dracula,frankenstein|apple,banana,orange,pear|thames,nile,danube,mississippi",
            "method": "pca", "dims": 2}, step="projection"),
    Preset("projection", "en", "UMAP 三维，加近邻（英文）", "UMAP 3-D with neighbours",
           {"groups": "hamlet,macbeth,dracula,frankenstein|apple,banana,orange,pear|thames,nile,danube,mississippi",
            "method": "umap", "dims": 3, "expand": 5}),
    # --- polysemy (sentences one per line, as the page's text box holds them)
    Preset("polysemy", "zh", "苹果：公司还是水果", "苹果: company or fruit", {"word": "苹果", "s": "\n".join([
        "他在苹果上班。", "他在吃苹果。", "苹果发布了新款手机。", "这个苹果又红又甜。", "我买了一台苹果电脑。", "妈妈削了一个苹果。",
    ])}),
    Preset("polysemy", "zh", "小米：手机还是粮食", "小米: phones or millet", {"word": "小米", "s": "\n".join([
        "小米发布了新手机。", "早上喝一碗小米粥。", "他用的是小米手机。", "小米是北方常见的粮食。", "小米的股价涨了。", "地里的小米熟了。",
    ])}),
    Preset("polysemy", "en", "Apple: company or fruit", "Apple: company or fruit", {"word": "apple", "s": "\n".join([
        "He works at Apple.", "He ate an apple.", "Apple released a new iPhone.", "She peeled a green apple.",
        "Apple shares rose after the launch.", "An apple a day keeps the doctor away.",
    ])}),
    Preset("polysemy", "en", "bank: money or river", "bank: money or river", {"word": "bank", "s": "\n".join([
        "I deposited the cash at the bank.", "We had a picnic on the river bank.", "The bank approved her loan.",
        "The boat drifted towards the bank of the stream.", "He robbed a bank in the city.", "Reeds grew along the muddy bank.",
    ])}),
    # --- sentences
    Preset("sentences", "zh", "喜欢 / 不喜欢这本书", "like / don't like this book (zh)", {"s": "\n".join([
        "我喜欢这本书。", "这本书非常有趣。", "我不喜欢这本书。",
    ])}),
    Preset("sentences", "en", "I like / don't like this book", "I like / don't like this book", {"s": "\n".join([
        "I like this book.", "This book is very interesting.", "I don't like this book.",
    ])}),
    Preset("sentences", "en", "Paraphrase or not", "Paraphrase or not", {"s": "\n".join([
        "A man is playing a guitar.", "Someone is strumming a guitar.", "The stock market fell sharply today.",
        "Shares dropped steeply this afternoon.",
    ])}),
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
