"""Ready-made examples: the seed article's Chinese demos and English ones for the bundled model.

A preset is plain data (the inputs of one page); pages put them one click away and the home tour
links to them. Presets run on whatever model is selected: missing words are reported, not hidden.

Chinese presets come in two families, because the models differ in what they know:

* ``NOVELS``: made for ``sidamingzhu``, the word2vec EmbedLab ships (trained on the four classic
  novels). It knows the novels' people and places, but not 苹果, 长江 or the titles 水浒传 /
  三国演义, which never occur as words in the novels themselves; so the article's
  "诸葛亮 + 水浒传 − 三国演义" is asked of the characters instead (吴用 + 刘备 − 宋江).
* ``ARTICLE``: the seed article's literal examples, for a general-domain model such as
  ``sgns.literature.word`` (any static model whose id contains ``sgns``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

NOVELS = "novels"  # made for the shipped sidamingzhu model
ARTICLE = "article"  # the article's own words: needs a general-domain model such as sgns.literature.word
SHIPPED_ZH = "sidamingzhu"


@dataclass(frozen=True)
class Preset:
    """Inputs for one page. ``params`` uses the page's query-parameter names."""

    page: str
    language: str
    title_zh: str
    title_en: str
    params: dict = field(default_factory=dict)
    step: str = ""  # the home tour step this preset illustrates, if any
    family: str = ""  # NOVELS or ARTICLE for Chinese static presets; "" suits any model of the language

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


# Occupations placed on gender and wealth axes, as in word2viz (both occupation presets use them).
OCCUPATIONS = (
    "nurse", "engineer", "doctor", "teacher", "secretary", "programmer", "lawyer", "dancer", "farmer",
    "soldier", "librarian", "carpenter", "maid", "banker", "chef", "pilot", "surgeon", "receptionist",
    "nanny", "mechanic", "ceo", "cleaner", "actress", "actor", "waitress", "singer",
)  # fmt: skip

PRESETS: tuple[Preset, ...] = (
    # --- explorer
    Preset(
        "explorer",
        "zh",
        "诸葛亮的近邻",
        "Neighbours of 诸葛亮",
        {"word": "诸葛亮", "topn": 10, "words": ["诸葛亮", "刘备", "关羽"]},
        step="static",
        family=NOVELS,
    ),
    Preset(
        "explorer",
        "zh",
        "诸葛亮 vs 刘备 / 关羽",
        "诸葛亮 vs 刘备 / 关羽",
        {"word": "诸葛亮", "topn": 10, "words": ["诸葛亮", "刘备", "关羽", "曹操", "宋江", "贾母"]},
        step="similarity",
        family=NOVELS,
    ),
    Preset(
        "explorer",
        "zh",
        "贾母的近邻",
        "Neighbours of 贾母",
        {"word": "贾母", "topn": 10, "words": ["贾母", "王夫人", "凤姐", "宝玉", "八戒"]},
        family=NOVELS,
    ),
    Preset(
        "explorer",
        "zh",
        "诸葛亮的近邻 (topn=4)",
        "Neighbours of 诸葛亮 (topn=4)",
        {"word": "诸葛亮", "topn": 4, "words": ["诸葛亮", "刘备", "关羽"]},
        step="static",
        family=ARTICLE,
    ),
    Preset(
        "explorer",
        "zh",
        "诸葛亮 vs 刘备 / 关羽 / 苹果",
        "诸葛亮 vs 刘备 / 关羽 / 苹果",
        {"word": "诸葛亮", "topn": 10, "words": ["诸葛亮", "刘备", "关羽", "曹操", "苹果"]},
        step="similarity",
        family=ARTICLE,
    ),
    Preset(
        "explorer",
        "en",
        "king 的近邻（英文）",
        "Neighbours of king",
        {"word": "king", "topn": 10, "words": ["king", "queen", "man", "woman", "apple"]},
        step="static",
    ),
    Preset(
        "explorer",
        "en",
        "水果和一个不合群的词（英文）",
        "Fruit and one odd word",
        {"word": "apple", "topn": 10, "words": ["apple", "banana", "orange", "pear", "car"]},
        step="similarity",
    ),
    # --- analogy
    Preset(
        "analogy",
        "zh",
        "吴用 + 刘备 − 宋江",
        "吴用 + 刘备 − 宋江",
        {"pos": ["吴用", "刘备"], "neg": ["宋江"], "method": "add", "topn": 10, "expect": "诸葛亮"},
        step="analogy",
        family=NOVELS,
    ),
    Preset(
        "analogy",
        "zh",
        "诸葛亮 + 宋江 − 刘备",
        "诸葛亮 + 宋江 − 刘备",
        {"pos": ["诸葛亮", "宋江"], "neg": ["刘备"], "method": "add", "topn": 10, "expect": "吴用"},
        step="analogy2",
        family=NOVELS,
    ),
    Preset(
        "analogy",
        "zh",
        "孔明 + 宋江 − 玄德",
        "孔明 + 宋江 − 玄德",
        {"pos": ["孔明", "宋江"], "neg": ["玄德"], "method": "add", "topn": 10, "expect": "吴用"},
        family=NOVELS,
    ),
    Preset(
        "analogy",
        "zh",
        "诸葛亮 + 水浒传 − 三国演义",
        "诸葛亮 + 水浒传 − 三国演义",
        {"pos": ["诸葛亮", "水浒传"], "neg": ["三国演义"], "method": "add", "topn": 10, "expect": ""},
        step="analogy",
        family=ARTICLE,
    ),
    Preset(
        "analogy",
        "zh",
        "国王 − 男人 + 女人",
        "国王 − 男人 + 女人",
        {"pos": ["国王", "女人"], "neg": ["男人"], "method": "add", "topn": 10, "expect": ""},
        family=ARTICLE,
    ),
    Preset(
        "analogy",
        "en",
        "king − man + woman",
        "king − man + woman",
        {"pos": ["king", "woman"], "neg": ["man"], "method": "add", "topn": 10, "expect": ""},
        step="analogy",
    ),
    Preset(
        "analogy",
        "en",
        "paris − france + japan",
        "paris − france + japan",
        {"pos": ["paris", "japan"], "neg": ["france"], "method": "add", "topn": 10, "expect": ""},
    ),
    # --- projection (groups as in the URL: words by commas, groups by |)
    Preset(
        "projection",
        "zh",
        "四部小说的主要人物",
        "Main characters of the four novels",
        {
            "groups": "刘备,张飞,诸葛亮,曹操,孙权|宋江,武松,林冲,吴用,鲁智深|宝玉,黛玉,宝钗,凤姐,袭人|八戒,沙僧,唐僧,行者,悟空",
            "method": "pca",
            "dims": 2,
        },
        step="projection",
        family=NOVELS,
    ),
    Preset(
        "projection",
        "zh",
        "文章原例：四大名著 / 水果 / 河流",
        "The article's groups: four novels / fruit / rivers",
        {"groups": "西游记,三国演义,水浒传,红楼梦|苹果,香蕉,橙子,梨|长江,黄河,淮河,黑龙江", "method": "pca", "dims": 2},
        step="projection",
        family=ARTICLE,
    ),
    Preset(
        "projection",
        "en",
        "名著 / 水果 / 河流（英文）",
        "Classics / fruit / rivers",
        {
            "groups": "hamlet,macbeth,dracula,frankenstein|apple,banana,orange,pear|thames,nile,danube,mississippi",
            "method": "pca",
            "dims": 2,
        },
        step="projection",
    ),
    Preset(
        "projection",
        "en",
        "UMAP 三维，加近邻（英文）",
        "UMAP 3-D with neighbours",
        {
            "groups": "hamlet,macbeth,dracula,frankenstein|apple,banana,orange,pear|thames,nile,danube,mississippi",
            "method": "umap",
            "dims": 3,
            "expand": 5,
        },
    ),
    # --- polysemy (sentences one per line, as the page's text box holds them)
    Preset(
        "polysemy",
        "zh",
        "苹果：公司还是水果",
        "苹果: company or fruit",
        step="polysemy",
        params={
            "word": "苹果",
            "s": "\n".join(
                [
                    "他在苹果上班。",
                    "他在吃苹果。",
                    "苹果发布了新款手机。",
                    "这个苹果又红又甜。",
                    "我买了一台苹果电脑。",
                    "妈妈削了一个苹果。",
                ]
            ),
        },
    ),
    Preset(
        "polysemy",
        "zh",
        "小米：手机还是粮食",
        "小米: phones or millet",
        {
            "word": "小米",
            "s": "\n".join(
                [
                    "小米发布了新手机。",
                    "早上喝一碗小米粥。",
                    "他用的是小米手机。",
                    "小米是北方常见的粮食。",
                    "小米的股价涨了。",
                    "地里的小米熟了。",
                ]
            ),
        },
    ),
    Preset(
        "polysemy",
        "en",
        "apple：公司还是水果（英文）",
        "Apple: company or fruit",
        step="polysemy",
        params={
            "word": "apple",
            "s": "\n".join(
                [
                    "He works at Apple.",
                    "He ate an apple.",
                    "Apple released a new iPhone.",
                    "She peeled a green apple.",
                    "Apple shares rose after the launch.",
                    "An apple a day keeps the doctor away.",
                ]
            ),
        },
    ),
    Preset(
        "polysemy",
        "en",
        "bank：银行还是河岸（英文）",
        "bank: money or river",
        {
            "word": "bank",
            "s": "\n".join(
                [
                    "I deposited the cash at the bank.",
                    "We had a picnic on the river bank.",
                    "The bank approved her loan.",
                    "The boat drifted towards the bank of the stream.",
                    "He robbed a bank in the city.",
                    "Reeds grew along the muddy bank.",
                ]
            ),
        },
    ),
    # --- sentences
    Preset(
        "sentences",
        "zh",
        "喜欢 / 不喜欢这本书",
        "like / don't like this book (zh)",
        step="sentences",
        params={
            "s": "\n".join(
                [
                    "我喜欢这本书。",
                    "这本书非常有趣。",
                    "我不喜欢这本书。",
                ]
            )
        },
    ),
    Preset(
        "sentences",
        "en",
        "喜欢 / 不喜欢这本书（英文）",
        "I like / don't like this book",
        step="sentences",
        params={
            "s": "\n".join(
                [
                    "I like this book.",
                    "This book is very interesting.",
                    "I don't like this book.",
                ]
            )
        },
    ),
    Preset(
        "sentences",
        "en",
        "是否同义改写（英文）",
        "Paraphrase or not",
        {
            "s": "\n".join(
                [
                    "A man is playing a guitar.",
                    "Someone is strumming a guitar.",
                    "The stock market fell sharply today.",
                    "Shares dropped steeply this afternoon.",
                ]
            )
        },
    ),
    # --- semantic axes (issue 12): x and y as in the URL, "left - right"
    Preset(
        "axes",
        "zh",
        "红楼梦人物：女−男 × 主−仆",
        "红楼梦 characters: female−male × master−servant",
        {
            "x": "女,妇人,姑娘 - 男,男子",
            "y": "主子,主人,老爷,太太 - 奴才,丫头,小厮",
            "words": ["宝玉", "黛玉", "宝钗", "凤姐", "贾母", "袭人", "晴雯", "平儿", "贾政", "贾琏", "王夫人", "鸳鸯"],
        },
        family=NOVELS,
    ),
    Preset(
        "axes",
        "zh",
        "三国人物：谋士−武将",
        "三国 characters: strategist−warrior",
        {
            "x": "军师,谋士 - 大将,猛将",
            "y": "",
            "words": ["诸葛亮", "孔明", "司马懿", "周瑜", "鲁肃", "庞统", "郭嘉", "关羽", "张飞", "赵云", "许褚", "典韦", "吕布"],
        },
        family=NOVELS,
    ),
    Preset(
        "axes",
        "en",
        "职业：女人−男人 × 富−穷",
        "Occupations: woman−man × rich−poor",
        {
            "x": "woman-man",
            "y": "rich-poor",
            "words": list(OCCUPATIONS),
        },
    ),
    Preset(
        "axes",
        "en",
        "职业：多词平均的轴",
        "Occupations: averaged axes",
        {
            "x": "woman,she,her,mother,daughter - man,he,him,father,son",
            "y": "rich,wealthy,affluent - poor,impoverished,needy",
            "words": list(OCCUPATIONS),
        },
    ),
    Preset(
        "axes",
        "en",
        "经典小说人物：女−男 × 富−穷",
        "Characters of the classics: female−male × rich−poor",
        {
            "x": "she,her,woman,lady,mother,sister - he,him,man,gentleman,father,brother",
            "y": "rich,fortune,money,proud - poor,humble",
            "words": [
                "elizabeth",
                "jane",
                "lydia",
                "charlotte",
                "catherine",
                "kitty",
                "alice",
                "queen",
                "duchess",
                "darcy",
                "collins",
                "gardiner",
                "lucas",
                "holmes",
                "watson",
                "king",
                "william",
            ],
        },
    ),
)


def family_of(model_id: str) -> str:
    """The preset family suited to a static model: NOVELS, ARTICLE (an ``sgns`` model) or ""."""
    if model_id == SHIPPED_ZH:
        return NOVELS
    return ARTICLE if "sgns" in model_id.lower() else ""


def presets_for(page: str, model_id: str | None = None) -> list[Preset]:
    """The presets of ``page``; with ``model_id``, those made for that model's family come first."""
    found = [preset for preset in PRESETS if preset.page == page]
    if model_id is None:
        return found
    family = family_of(model_id)
    return sorted(found, key=lambda preset: 0 if preset.family == family else 1 if not preset.family else 2)


def tour_preset(step: str, language: str, family: str = "") -> Preset | None:
    """The preset that illustrates a home-tour ``step`` in ``language`` (English as fallback).

    ``family`` picks among Chinese static presets (NOVELS for the shipped model, ARTICLE for
    ``sgns.literature.word``); presets without a family suit any model.
    """
    for wanted in (language, "en"):
        for preset in PRESETS:
            if preset.step == step and preset.language == wanted and preset.family in (family, ""):
                return preset
    return None


def first_preset(page: str, language: str, model_id: str | None = None) -> Preset | None:
    """The first preset of ``page`` in ``language`` (made for ``model_id``'s family first), falling back to English."""
    for wanted in (language, "en"):
        for preset in presets_for(page, model_id):
            if preset.language == wanted:
                return preset
    return None


def page_preset(page: str, language: str, model_id: str | None = None) -> Preset:
    """:func:`first_preset` for a page that ships presets (every such page has English ones): its defaults come from it.

    Raises
    ------
    LookupError
        When ``page`` has no preset in ``language`` or English (a page without presets must not ask).
    """
    preset = first_preset(page, language, model_id)
    if preset is None:
        raise LookupError(f"No preset for the {page!r} page in {language!r} or English.")
    return preset
