"""Every UI string, in 中文 and English, in one table.

``t("key", lang)`` returns the text; ``{name}`` placeholders are filled from keyword arguments.
Each page keeps its keys under a common prefix (``explorer.*``, ``analogy.*`` ...). A key missing
in one language falls back to English, then to the key itself, so a gap shows up plainly.
"""

from __future__ import annotations

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

STRINGS: dict[str, dict[str, str]] = {
    # --- app shell ---
    "app.title": {"zh": "EmbedLab 向量实验室", "en": "EmbedLab"},
    "app.language": {"zh": "界面语言", "en": "Language"},
    "app.model": {"zh": "模型", "en": "Model"},
    "app.model_evicted": {
        "zh": "为节省内存，模型 {model} 之前被卸载了（最多同时保留 {limit} 个模型），正在重新加载。",
        "en": "Model {model} was unloaded to save memory (at most {limit} models stay loaded); loading it again.",
    },
    "app.loading_model": {"zh": "正在加载模型 {model}…", "en": "Loading model {model}…"},
    "app.model_unavailable": {"zh": "模型 {model} 尚未安装。获取方式：{how}", "en": "Model {model} is not installed. How to get it: {how}"},
    "app.no_models": {"zh": "没有可用的{kind}模型。", "en": "No {kind} model is available."},
    "app.param_problem": {"zh": "链接参数有误：{problem}", "en": "Problem in the link: {problem}"},
    "app.share": {"zh": "复制浏览器地址栏即可分享当前视图。", "en": "Copy the address bar to share this exact view."},
    "kind.static": {"zh": "静态词向量", "en": "static"},
    "kind.contextual": {"zh": "上下文", "en": "contextual"},
    "kind.sentence": {"zh": "句向量", "en": "sentence"},
    "common.word": {"zh": "词", "en": "Word"},
    "common.score": {"zh": "得分", "en": "Score"},
    "common.topn": {"zh": "返回个数 topn", "en": "Top n"},
    "common.presets": {"zh": "示例", "en": "Presets"},
    "common.missing_words": {"zh": "词表中没有：{words}", "en": "Not in the vocabulary: {words}"},
    "common.did_you_mean": {"zh": "你是不是想找：{words}", "en": "Did you mean: {words}"},
    "common.error": {"zh": "出错了：{error}", "en": "Error: {error}"},
    # --- home ---
    "page.home": {"zh": "首页", "en": "Home"},
    "home.title": {"zh": "EmbedLab：看懂向量", "en": "EmbedLab: understand embeddings"},
    "home.intro": {
        "zh": "跟着一篇经典的中文向量科普文章走一遍：静态词向量 → 相似度 → 类比 → 投影 → 一词多义 → 句向量。每一步都能点开、修改、分享。",
        "en": "Follow the story of a classic Chinese article on embeddings: static vectors → similarity → analogy → projection → polysemy → sentences. Every step opens a page you can change and share.",
    },
    "home.step": {"zh": "第 {n} 步", "en": "Step {n}"},
    "home.open": {"zh": "打开：{title}", "en": "Open: {title}"},
    "home.no_zh_model": {
        "zh": "文章里的中文例子需要中文词向量（如 sgns.literature.word）。离线默认模型是英文的，所以下面的链接用英文例子；在“模型管理”里添加中文模型后即可重现原文。",
        "en": "The article's Chinese examples need a Chinese static model (e.g. sgns.literature.word). The offline default is English, so these links use English examples; add a Chinese model to reproduce the article.",
    },
    "tour.static.title": {"zh": "静态词向量：一个词，一串数字", "en": "Static vectors: one word, one list of numbers"},
    "tour.static.text": {"zh": "word2vec 给每个词一个固定向量。看看它的维度，以及离它最近的词。", "en": "word2vec gives every word one fixed vector. Look at its numbers and at its nearest words."},
    "tour.similarity.title": {"zh": "相似度：余弦", "en": "Similarity: the cosine"},
    "tour.similarity.text": {"zh": "两个向量夹角越小，词义越近。比较一组词，找出不合群的那个。", "en": "The smaller the angle, the closer the meaning. Compare a group of words and find the odd one out."},
    "tour.analogy.title": {"zh": "类比：向量加减法", "en": "Analogy: arithmetic on vectors"},
    "tour.analogy.text": {"zh": "诸葛亮 + 水浒传 − 三国演义 ≈ ？向量的加减能表达关系。", "en": "king − man + woman ≈ ? Adding and subtracting vectors can express relations."},
    "tour.projection.title": {"zh": "投影：把高维画到平面上", "en": "Projection: drawing many dimensions on a plane"},
    "tour.projection.text": {"zh": "用 PCA、UMAP、t-SNE 看词群如何聚在一起，以及投影隐藏了什么。", "en": "PCA, UMAP and t-SNE show how word groups cluster, and what a projection hides."},
    "tour.polysemy.title": {"zh": "一词多义：上下文向量", "en": "Polysemy: contextual vectors"},
    "tour.polysemy.text": {"zh": "BERT 让“苹果”在“他在苹果上班”和“他在吃苹果”里得到不同的向量。", "en": "BERT gives “apple” different vectors in “He works at Apple” and “He ate an apple”."},
    "tour.sentences.title": {"zh": "句向量", "en": "Sentence vectors"},
    "tour.sentences.text": {"zh": "“我喜欢这本书”和“我不喜欢这本书”：平均池化与专门的句向量模型谁分得开？", "en": "“I like this book” vs “I don't like this book”: which encoder tells them apart?"},
    # --- explorer ---
    "page.explorer": {"zh": "词向量浏览", "en": "Word explorer"},
    "explorer.title": {"zh": "词向量浏览", "en": "Word explorer"},
    "explorer.word": {"zh": "查询词", "en": "Word"},
    "explorer.metric": {"zh": "距离", "en": "Distance"},
    "explorer.metric.cosine": {"zh": "余弦相似度", "en": "cosine similarity"},
    "explorer.metric.euclidean": {"zh": "欧氏距离", "en": "Euclidean distance"},
    "explorer.vector": {"zh": "“{word}”的向量（{dims} 维）", "en": "The vector of “{word}” ({dims} dimensions)"},
    "explorer.first_dims": {"zh": "前 {n} 维", "en": "First {n} dimensions"},
    "explorer.dimension": {"zh": "维度", "en": "Dimension"},
    "explorer.value": {"zh": "数值", "en": "Value"},
    "explorer.neighbors": {"zh": "“{word}”的 {n} 个近邻", "en": "The {n} nearest words to “{word}”"},
    "explorer.compare": {"zh": "比较一组词", "en": "Compare several words"},
    "explorer.words": {"zh": "词（逗号分隔）", "en": "Words (comma-separated)"},
    "explorer.heatmap": {"zh": "余弦相似度矩阵", "en": "Cosine similarity matrix"},
    "explorer.odd": {"zh": "不合群的词：**{word}**", "en": "Odd one out: **{word}**"},
    "explorer.odd_needs_three": {"zh": "至少三个词才能找出不合群的词。", "en": "Give at least three words to find the odd one out."},
    "explorer.rank": {"zh": "在“{word}”的近邻中的名次", "en": "Rank among the neighbours of “{word}”"},
    "explorer.vocab": {"zh": "词表 {size:,} 词 · {dims} 维", "en": "Vocabulary {size:,} words · {dims} dimensions"},
    # --- analogy ---
    "page.analogy": {"zh": "类比计算", "en": "Analogy"},
    "analogy.title": {"zh": "类比计算：向量加减法", "en": "Analogy: word arithmetic"},
    "analogy.positive": {"zh": "加（逗号分隔）", "en": "Plus (comma-separated)"},
    "analogy.negative": {"zh": "减（逗号分隔）", "en": "Minus (comma-separated)"},
    "analogy.method": {"zh": "方法", "en": "Method"},
    "analogy.method.add": {"zh": "3CosAdd（加减）", "en": "3CosAdd (add/subtract)"},
    "analogy.method.mul": {"zh": "3CosMul（乘除）", "en": "3CosMul (multiply/divide)"},
    "analogy.results": {"zh": "{expr} 最接近的词", "en": "Words nearest to {expr}"},
    "analogy.picture": {"zh": "算式的二维示意（PCA）", "en": "The arithmetic in 2-D (PCA)"},
    "analogy.picture_note": {
        "zh": "所有向量先归一化；PCA 只用这些词拟合，结果向量投影到同一平面。二维图只是示意，真正的计算在 {dims} 维空间里。",
        "en": "All vectors are unit-normalised; the PCA is fitted on these words and the result vector is projected into the same plane. The picture is a sketch: the arithmetic happens in {dims} dimensions.",
    },
    "analogy.role.positive": {"zh": "加", "en": "plus"},
    "analogy.role.negative": {"zh": "减", "en": "minus"},
    "analogy.role.result": {"zh": "结果向量", "en": "result vector"},
    "analogy.role.answer": {"zh": "答案", "en": "answer"},
    "analogy.need_positive": {"zh": "请至少输入一个“加”的词。", "en": "Type at least one word to add."},
    # --- projection (issue 3) ---
    # --- polysemy & sentences (issue 4) ---
    # --- train & evaluate (issue 6) ---
}


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text for ``key`` in ``lang`` with ``{placeholders}`` filled in."""
    entry = STRINGS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry.get("en") or key
    return text.format(**values) if values else text
