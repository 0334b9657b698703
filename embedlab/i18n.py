"""Every UI string, in 中文 and English, in one table.

``t("key", lang)`` returns the text; ``{name}`` placeholders are filled from keyword arguments.
Each page keeps its keys under a common prefix (``explorer.*``, ``analogy.*`` ...). A key missing
in one language falls back to English, then to the key itself, so a gap shows up plainly.
"""

from __future__ import annotations

from collections.abc import Mapping

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
    "app.working": {"zh": "正在计算…", "en": "Working…"},
    "app.model_unavailable": {
        "zh": "模型 {model} 尚未安装。获取方式：{how}",
        "en": "Model {model} is not installed. How to get it: {how}",
    },
    "app.no_models": {"zh": "没有可用的{kind}模型。", "en": "No {kind} model is available."},
    "app.param_problem": {
        "zh": "链接参数有误（{param}=），已改用默认值：{problem}",
        "en": "Problem in the link ({param}=), the default is used: {problem}",
    },
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
    "common.dropped_long": {
        "zh": "略去了 {n} 个超过 {limit} 个字符的词：{words}",
        "en": "Left out {n} word(s) longer than {limit} characters: {words}",
    },
    "common.left_out": {"zh": "这些词已略去，其余的词照常显示。", "en": "They are left out; the other words are shown."},
    "nav.start": {"zh": "开始", "en": "Start"},
    "nav.static": {"zh": "静态词向量", "en": "Static vectors"},
    "nav.contextual": {"zh": "上下文与句向量", "en": "Contextual and sentence vectors"},
    "nav.models": {"zh": "训练与模型", "en": "Training and models"},
    "model.trained_here": {
        "zh": "在 EmbedLab 里训练的 word2vec（{architecture}，{dims} 维，{vocabulary:,} 词）",
        "en": "word2vec {architecture}, {dims}-d, {vocabulary:,} words, trained in EmbedLab",
    },
    "model.folder_file": {"zh": "模型目录里的向量文件：{name}", "en": "Vector file in the models folder: {name}"},
    "app.upload_button": {"zh": "上传", "en": "Upload"},
    "app.upload_note": {"zh": "每个文件最多 {mb} MB", "en": "At most {mb} MB per file"},
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
    "tour.model.novels": {
        "zh": "静态词向量的几步用的是 **{model}**：EmbedLab 用四大名著（约 {tokens_m} 百万词）自己训练的 skip-gram 模型，{words:,} 词 × {dims} 维，随软件附带、离线可用。原文用的是 sgns.literature.word（大规模文学语料，187,961 词 × 300 维），所以原文里的一些词（苹果、长江、水浒传……）这个小模型没有；下面的例子改用小说里的人物。",
        "en": "The static steps use **{model}**: a skip-gram model EmbedLab trained itself on the four classic novels (about {tokens_m} million words), {words:,} words × {dims}, shipped with the app and offline. The article used sgns.literature.word (a large literature corpus, 187,961 words × 300), so some of its words (苹果, 长江, 水浒传 …) are missing from this small model; the examples below use the novels' characters instead.",
    },
    "tour.model.article": {
        "zh": "静态词向量的几步用的是 **{model}**，即原文所用的模型，可以原样重现原文的例子。",
        "en": "The static steps use **{model}**, the article's own model, so its examples run as written.",
    },
    "tour.model.other": {"zh": "静态词向量的几步用的是 **{model}**。", "en": "The static steps use **{model}**."},
    "tour.analogy.novels_note": {
        "zh": "原文问的是“水浒传里的诸葛亮是谁”：诸葛亮 + 水浒传 − 三国演义。四部小说的正文里从不出现“水浒传”“三国演义”这两个词，所以这里改问人物：吴用 + 刘备 − 宋江 ≈ 诸葛亮，反过来 诸葛亮 + 宋江 − 刘备 ≈ 吴用（页面会显示期望答案的名次）。原文的字面例子需要更大的通用模型，如 sgns.literature.word。",
        "en": "The article asks for “the 诸葛亮 of 水浒传”: 诸葛亮 + 水浒传 − 三国演义. The titles 水浒传 and 三国演义 never occur as words in the novels themselves, so here the question is asked of the characters: 吴用 + 刘备 − 宋江 ≈ 诸葛亮, and back, 诸葛亮 + 宋江 − 刘备 ≈ 吴用 (the page shows the expected answer's rank). The literal example needs a larger general model such as sgns.literature.word.",
    },
    "tour.projection.novels_note": {
        "zh": "四部小说各取五个主要人物：在 PCA 图上它们按小说聚成四团。",
        "en": "Five main characters from each novel: on the PCA picture they gather into one cluster per novel.",
    },
    "tour.projection.article_link": {
        "zh": "原文的分组（西游记… / 苹果… / 长江…）：这个模型缺的词会列出来，完整版需要 sgns.literature.word",
        "en": "The article's groups (西游记… / 苹果… / 长江…): words this model lacks are listed; all of them need sgns.literature.word",
    },
    "tour.no_zh_contextual": {
        "zh": "中文上下文模型（bert-base-chinese 约 400 MB，BAAI/bge-m3 约 2 GB）太大，无法随软件离线附带，所以这一步先用英文模型 MiniLM 演示同样的现象。",
        "en": "Chinese contextual models (bert-base-chinese, about 400 MB; BAAI/bge-m3, about 2 GB) are too large to ship offline, so this step shows the same effect with the English MiniLM.",
    },
    "tour.get_zh_contextual": {
        "zh": "联网时一键下载 bert-base-chinese 或 BAAI/bge-m3（模型管理页）",
        "en": "Download bert-base-chinese or BAAI/bge-m3 in one click when online (models page)",
    },
    "tour.static.title": {"zh": "静态词向量：一个词，一串数字", "en": "Static vectors: one word, one list of numbers"},
    "tour.static.text": {
        "zh": "word2vec 给每个词一个固定向量。看看它的维度，以及离它最近的词。",
        "en": "word2vec gives every word one fixed vector. Look at its numbers and at its nearest words.",
    },
    "tour.similarity.title": {"zh": "相似度：余弦", "en": "Similarity: the cosine"},
    "tour.similarity.text": {
        "zh": "两个向量夹角越小，词义越近。比较一组词，找出不合群的那个。",
        "en": "The smaller the angle, the closer the meaning. Compare a group of words and find the odd one out.",
    },
    "tour.analogy.title": {"zh": "类比：向量加减法", "en": "Analogy: arithmetic on vectors"},
    "tour.analogy.text": {
        "zh": "诸葛亮 + 水浒传 − 三国演义 ≈ ？向量的加减能表达关系。",
        "en": "king − man + woman ≈ ? Adding and subtracting vectors can express relations.",
    },
    "tour.projection.title": {"zh": "投影：把高维画到平面上", "en": "Projection: drawing many dimensions on a plane"},
    "tour.projection.text": {
        "zh": "用 PCA、UMAP、t-SNE 看词群如何聚在一起，以及投影隐藏了什么。",
        "en": "PCA, UMAP and t-SNE show how word groups cluster, and what a projection hides.",
    },
    "tour.polysemy.title": {"zh": "一词多义：上下文向量", "en": "Polysemy: contextual vectors"},
    "tour.polysemy.text": {
        "zh": "BERT 让“苹果”在“他在苹果上班”和“他在吃苹果”里得到不同的向量。",
        "en": "BERT gives “apple” different vectors in “He works at Apple” and “He ate an apple”.",
    },
    "tour.sentences.title": {"zh": "句向量", "en": "Sentence vectors"},
    "tour.sentences.text": {
        "zh": "“我喜欢这本书”和“我不喜欢这本书”：平均池化与专门的句向量模型谁分得开？",
        "en": "“I like this book” vs “I don't like this book”: which encoder tells them apart?",
    },
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
    "explorer.odd_needs_three": {
        "zh": "至少三个词才能找出不合群的词。",
        "en": "Give at least three words to find the odd one out.",
    },
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
    "analogy.expect": {"zh": "期望答案（可选）", "en": "Expected answer (optional)"},
    "analogy.expect_help": {
        "zh": "填一个词，看它在所有候选词里排第几（两种方法都算；查询词本身不算候选）。",
        "en": "A word whose rank among all answers is shown, under both methods (query words are never answers).",
    },
    "analogy.expected": {
        "zh": "期望答案 **{word}**：3CosAdd 排第 {add_rank} 名（{add_score:.4f}），3CosMul 排第 {mul_rank} 名（{mul_score:.4f}）。",
        "en": "Expected answer **{word}**: rank {add_rank} under 3CosAdd ({add_score:.4f}), rank {mul_rank} under 3CosMul ({mul_score:.4f}).",
    },
    "analogy.results": {"zh": "{expr} 最接近的词", "en": "Words nearest to {expr}"},
    "analogy.picture": {"zh": "算式的二维示意（PCA）", "en": "The arithmetic in 2-D (PCA)"},
    "analogy.picture_note": {
        "zh": "所有向量先归一化；PCA 只用这些词拟合，结果向量投影到同一平面。二维图只是示意，真正的计算在 {dims} 维空间里。",
        "en": "All vectors are unit-normalised; the PCA is fitted on these words and the result vector is projected into the same plane. The picture is a sketch: the arithmetic happens in {dims} dimensions.",
    },
    "analogy.role": {"zh": "角色", "en": "role"},
    "analogy.role.positive": {"zh": "加", "en": "plus"},
    "analogy.role.negative": {"zh": "减", "en": "minus"},
    "analogy.role.result": {"zh": "结果向量", "en": "result vector"},
    "analogy.role.answer": {"zh": "答案", "en": "answer"},
    "analogy.need_positive": {"zh": "请至少输入一个“加”的词。", "en": "Type at least one word to add."},
    # --- projection (issue 3) ---
    "page.projection": {"zh": "投影", "en": "Projection"},
    "projection.title": {"zh": "投影：把高维词向量画到平面和空间里", "en": "Projection: word vectors in 2-D and 3-D"},
    "projection.intro": {
        "zh": "PCA、UMAP 和 t-SNE 把几百维压到两三维，必然会丢信息。下面的可信度分数说明这张图有多可靠；鼠标悬停在点上，可以看到它在原始空间里真正的近邻。",
        "en": "PCA, UMAP and t-SNE squeeze hundreds of dimensions into two or three, so something is always lost. The scores below say how far to trust the picture; hover over a point to see its true nearest neighbours in the original space.",
    },
    "projection.source": {"zh": "画哪些词", "en": "Words to draw"},
    "projection.source.groups": {"zh": "词组", "en": "Word groups"},
    "projection.source.top": {"zh": "词表前 N 个词", "en": "First N words of the vocabulary"},
    "projection.groups": {
        "zh": "词组（每行一组，词之间用逗号；也可用 | 分组）",
        "en": "Groups (one per line, words separated by commas; | also separates groups)",
    },
    "projection.top": {"zh": "词数 N", "en": "Number of words N"},
    "projection.top_help": {
        "zh": "word2vec 文件通常按词频排序，所以前 N 个就是最常见的词；BERT 的词表（minilm-static）不是按词频排的。",
        "en": "word2vec files are usually sorted by frequency, so these are the most frequent words; BERT's token table (minilm-static) is not.",
    },
    "projection.expand": {"zh": "每个词再加几个近邻", "en": "Add each word's nearest neighbours"},
    "projection.skip": {"zh": "跳过词表中没有的词", "en": "Skip words not in the vocabulary"},
    "projection.method": {"zh": "方法", "en": "Method"},
    "projection.method.pca": {"zh": "PCA", "en": "PCA"},
    "projection.method.umap": {"zh": "UMAP", "en": "UMAP"},
    "projection.method.tsne": {"zh": "t-SNE", "en": "t-SNE"},
    "projection.dims": {"zh": "维数", "en": "Dimensions"},
    "projection.dims.2": {"zh": "二维", "en": "2-D"},
    "projection.dims.3": {"zh": "三维", "en": "3-D"},
    "projection.seed": {"zh": "随机种子", "en": "Seed"},
    "projection.seed_help": {
        "zh": "相同的输入和种子总是得到相同的坐标。",
        "en": "The same inputs and seed always give the same coordinates.",
    },
    "projection.n_neighbors": {"zh": "UMAP 近邻数 n_neighbors", "en": "UMAP n_neighbors"},
    "projection.min_dist": {"zh": "UMAP 最小距离 min_dist", "en": "UMAP min_dist"},
    "projection.perplexity": {"zh": "t-SNE 困惑度 perplexity", "en": "t-SNE perplexity"},
    "projection.pca_params": {
        "zh": "PCA 没有需要调的参数：它是确定的线性投影。",
        "en": "PCA has nothing to tune: it is a fixed linear projection.",
    },
    "projection.labels": {"zh": "显示词标签", "en": "Show labels"},
    "projection.labels_capped": {
        "zh": "超过 {limit:,} 个点时不画标签（悬停仍可查看）。",
        "en": "Labels are not drawn beyond {limit:,} points (hover still shows them).",
    },
    "projection.need_words": {
        "zh": "请输入要画的词，例如：苹果, 香蕉 | 长江, 黄河",
        "en": "Type some words to draw, e.g. apple, banana | thames, nile",
    },
    "projection.stage.neighbors": {
        "zh": "在原始空间中找 {n:,} 个点的近邻…",
        "en": "Finding the neighbours of {n:,} points in the original space…",
    },
    "projection.stage.pca": {"zh": "PCA 计算中…", "en": "Running PCA…"},
    "projection.stage.umap": {"zh": "UMAP 优化布局中…", "en": "UMAP is laying out the points…"},
    "projection.stage.tsne": {"zh": "t-SNE 计算中（点多时较慢）…", "en": "Running t-SNE (slow for many points)…"},
    "projection.stage.quality": {"zh": "计算可信度…", "en": "Measuring trustworthiness…"},
    "projection.stage.done": {"zh": "完成", "en": "Done"},
    "projection.points": {"zh": "点数", "en": "Points"},
    "projection.trust": {"zh": "可信度 trustworthiness", "en": "Trustworthiness"},
    "projection.trust_help": {
        "zh": "sklearn.manifold.trustworthiness（k = {k}，原空间用余弦距离）：1 表示图中每个点的近邻在原空间里也都是近邻；随机摆放约为 0.5。",
        "en": "sklearn.manifold.trustworthiness (k = {k}, cosine in the original space): 1 means every neighbour a point has in the picture is also near it in the original space; a random layout scores about 0.5.",
    },
    "projection.knn": {"zh": "保留的近邻", "en": "Neighbours kept"},
    "projection.knn_help": {
        "zh": "每个点在原空间的 {k} 个最近邻里，平均有多少在图中仍是它的 {k} 个最近邻。",
        "en": "On average, the share of each point's {k} nearest neighbours in the original space that are still among its {k} nearest in the picture.",
    },
    "projection.variance": {"zh": "PCA 解释方差", "en": "PCA explained variance"},
    "projection.variance_help": {
        "zh": "各主成分保留的方差比例：{parts}。其余 {rest} 的差异在图中看不到。",
        "en": "Share of the variance each component keeps: {parts}. The remaining {rest} of the differences cannot be seen in the picture.",
    },
    "projection.seconds": {"zh": "耗时", "en": "Time"},
    "projection.axis": {"zh": "第 {n} 维", "en": "Axis {n}"},
    "projection.axis_pca": {"zh": "PC{n}（{share}）", "en": "PC{n} ({share})"},
    "projection.hover.group": {"zh": "组", "en": "group"},
    "projection.hover.origin": {"zh": "“{word}”的近邻", "en": "neighbour of “{word}”"},
    "projection.hover.neighbors": {"zh": "原空间中的近邻", "en": "nearest in the original space"},
    "projection.download_csv": {"zh": "下载坐标 CSV", "en": "Download coordinates (CSV)"},
    "projection.download_vectors": {"zh": "下载 vectors.tsv", "en": "Download vectors.tsv"},
    "projection.download_metadata": {"zh": "下载 metadata.tsv", "en": "Download metadata.tsv"},
    "projection.download_help": {
        "zh": "两个 TSV 文件可上传到 projector.tensorflow.org；图片可用图表右上角的相机按钮保存为 PNG。",
        "en": "Load the two TSV files into projector.tensorflow.org; save the picture as PNG with the camera button at the chart's top right.",
    },
    "projection.note.n_neighbors_clipped": {
        "zh": "点只有 {n} 个，UMAP 的 n_neighbors 从 {asked} 降到 {used}。",
        "en": "UMAP n_neighbors lowered from {asked} to {used}: there are only {n} points.",
    },
    "projection.note.perplexity_clipped": {
        "zh": "点只有 {n} 个，t-SNE 的 perplexity 不能超过 (n − 1) / 3，从 {asked:g} 降到 {used:.2f}。",
        "en": "t-SNE perplexity lowered from {asked:g} to {used:.2f}: with {n} points it may be at most (n − 1) / 3.",
    },
    "projection.note.quality_k_clipped": {
        "zh": "点只有 {n} 个，可信度改用 k = {k}（而不是 {asked}）个近邻计算。",
        "en": "Quality is measured with k = {k} nearest neighbours instead of {asked}: there are only {n} points.",
    },
    "projection.note.quality_sampled": {
        "zh": "可信度和近邻保留率是在 {n:,} 个点中按种子抽取的 {rows:,} 个点上估计的。",
        "en": "Trustworthiness and neighbour preservation are estimated on {rows:,} of the {n:,} points (a seeded sample).",
    },
    "projection.note.skipped": {"zh": "词表中没有这些词，已跳过：{words}。", "en": "Not in the vocabulary, left out: {words}."},
    "projection.skip_hint": {
        "zh": "打开“{switch}”开关，即可画出其余的词。",
        "en": "Switch on “{switch}” to draw the other words.",
    },
    "projection.first_n": {"zh": "词表前 {n:,} 个词", "en": "first {n:,} words"},
    "projection.note.duplicates": {
        "zh": "这些词出现了不止一次，只画一次（归入第一次出现的组）：{words}。",
        "en": "Listed more than once, drawn once (in its first group): {words}.",
    },
    "projection.note.spectral_fallback": {
        "zh": "这组点太少或互不相连，UMAP 无法用谱方法初始化，改从随机位置开始（仍由种子固定）。",
        "en": "UMAP started from random positions (seeded): its usual spectral start does not work on so small or disconnected a set.",
    },
    # --- polysemy & sentences (issue 4) ---
    "page.polysemy": {"zh": "一词多义", "en": "Polysemy"},
    "page.sentences": {"zh": "句向量对比", "en": "Sentence vectors"},
    "polysemy.title": {"zh": "一词多义：同一个词，不同的上下文向量", "en": "Polysemy: one word, a new vector in every sentence"},
    "polysemy.intro": {
        "zh": "静态词向量给“{word}”一个固定向量；BERT 这样的上下文模型在每个句子里给它一个新向量，这些向量按词义聚成几团。",
        "en": "A static model gives “{word}” one fixed vector; a contextual model such as BERT gives it a new one in every sentence, and those vectors group by sense.",
    },
    "polysemy.word": {"zh": "目标词", "en": "Word"},
    "polysemy.sentences": {
        "zh": "包含该词的句子（每行一句，2 到 50 句）",
        "en": "Sentences containing the word (one per line, 2 to 50)",
    },
    "polysemy.layer": {"zh": "取哪一层", "en": "Layer"},
    "polysemy.layer.last": {"zh": "最后一层", "en": "last layer"},
    "polysemy.layer.last4": {"zh": "最后四层平均", "en": "mean of last four"},
    "polysemy.k": {"zh": "词义个数 k（0 = 按轮廓系数自动选）", "en": "Senses k (0 = chosen by silhouette)"},
    "polysemy.static": {"zh": "对照的静态模型", "en": "Static model to compare"},
    "polysemy.static.none": {"zh": "（不对照）", "en": "(none)"},
    "polysemy.need_sentences": {
        "zh": "请至少输入两句包含该词的句子。",
        "en": "Type at least two sentences that contain the word.",
    },
    "polysemy.contexts": {"zh": "上下文数", "en": "Contexts"},
    "polysemy.senses": {"zh": "词义簇", "en": "Sense groups"},
    "polysemy.chosen.silhouette": {"zh": "按轮廓系数选出（{score:.2f}）", "en": "chosen by silhouette ({score:.2f})"},
    "polysemy.chosen.no_split": {"zh": "没有哪种分法的轮廓系数大于 0，不分组", "en": "no split has a silhouette above 0"},
    "polysemy.chosen.user": {"zh": "手动设定", "en": "set by you"},
    "polysemy.chosen.too_few": {"zh": "句子太少，不分组", "en": "too few contexts to split"},
    "polysemy.range": {"zh": "上下文向量两两余弦", "en": "Pairwise cosine, contextual"},
    "polysemy.static_range": {"zh": "静态模型：恒为 1.00", "en": "static model: always 1.00"},
    "polysemy.heatmap": {
        "zh": "“{word}”在各句中的向量：余弦相似度",
        "en": "Vectors of “{word}” across sentences: cosine similarity",
    },
    "polysemy.static_heatmap": {"zh": "静态模型：只有一个向量", "en": "Static model: one vector"},
    "polysemy.static_note": {
        "zh": "静态模型只有一个点：任意两句之间的相似度都是 1.00。上下文模型是一团点，并按词义分开。",
        "en": "A static model has one point: every pair of sentences scores 1.00. A contextual model gives a cloud that splits by sense.",
    },
    "polysemy.projection": {"zh": "二维投影（PCA），颜色 = 自动聚出的词义", "en": "2-D projection (PCA), colour = sense group"},
    "polysemy.sense": {"zh": "词义 {n}", "en": "sense {n}"},
    "polysemy.explained": {
        "zh": "两个主成分保留了 {a:.0%} + {b:.0%} 的方差。",
        "en": "The two axes keep {a:.0%} + {b:.0%} of the variance.",
    },
    "polysemy.table": {"zh": "每个上下文", "en": "Each context"},
    "polysemy.col.label": {"zh": "编号", "en": "Context"},
    "polysemy.col.sentence": {"zh": "句子", "en": "Sentence"},
    "polysemy.col.tokens": {"zh": "被池化的子词", "en": "Pooled sub-tokens"},
    "polysemy.col.sense": {"zh": "词义", "en": "Sense"},
    "polysemy.col.input": {"zh": "与输入嵌入的余弦", "en": "Cosine to input embedding"},
    "polysemy.cosine": {"zh": "余弦", "en": "cosine"},
    "polysemy.col.static": {"zh": "与 {model} 向量的余弦", "en": "Cosine to {model} vector"},
    "polysemy.cosines": {
        "zh": "每个上下文向量离“无上下文”的向量有多远",
        "en": "How far each contextual vector is from the context-free one",
    },
    "polysemy.cosines_note": {
        "zh": "输入嵌入 = 模型自己词表里“{word}”的向量（{tokens} 的平均），还没看到任何上下文。{static}",
        "en": "Input embedding = the model's own table vector of “{word}” (mean of {tokens}), before any context. {static}",
    },
    "polysemy.alignment": {
        "zh": "{model} 的向量先用正交映射（Procrustes，{anchors} 个共有词拟合，拟合度 {fit:.2f}）映射到本模型的输入空间。",
        "en": "{model}'s vector is first mapped into this model's input space by an orthogonal (Procrustes) map fitted on {anchors} shared words (fit {fit:.2f}).",
    },
    "polysemy.static_missing": {
        "zh": "静态模型 {model} 的词表里没有“{word}”。{hint}",
        "en": "Static model {model} does not have “{word}”. {hint}",
    },
    "polysemy.truncated": {
        "zh": "第 {which} 句超过 {n} 个词元，只用了前 {n} 个。",
        "en": "Sentence(s) {which} are longer than {n} tokens; only the first {n} were used.",
    },
    "polysemy.unknown": {
        "zh": "{model} 不认识第 {which} 句的大部分字词（读作 [UNK]），结果没有意义。请换一个适合该语言的模型。",
        "en": "{model} does not know most tokens of sentence(s) {which} (read as [UNK]); the result means little. Pick a model for that language.",
    },
    "sentences.title": {"zh": "句向量：平均池化 vs 专门的句向量模型", "en": "Sentence vectors: BERT pooling vs sentence models"},
    "sentences.intro": {
        "zh": "同一组句子交给不同的编码器：BERT 的平均池化 / [CLS]，以及专门训练过的句向量模型（sentence-transformers、BGE-M3）。看谁能把“喜欢”和“不喜欢”分开。",
        "en": "The same sentences through different encoders: BERT mean / [CLS] pooling, and models trained for sentences (sentence-transformers, BGE-M3). Which one tells “like” from “don't like”?",
    },
    "sentences.sentences": {"zh": "句子（每行一句，2 到 50 句）", "en": "Sentences (one per line, 2 to 50)"},
    "sentences.encoders": {"zh": "句向量模型", "en": "Sentence models"},
    "sentences.choose": {"zh": "选择句向量模型", "en": "Choose sentence models"},
    "sentences.need_sentences": {"zh": "请至少输入两句话。", "en": "Type at least two sentences."},
    "sentences.kind.mean": {"zh": "BERT 平均池化", "en": "BERT mean pooling"},
    "sentences.kind.cls": {"zh": "BERT [CLS]", "en": "BERT [CLS]"},
    "sentences.kind.sentence-transformers": {"zh": "sentence-transformers 句向量", "en": "sentence-transformers"},
    "sentences.kind.bge-m3": {"zh": "BGE-M3 稠密向量", "en": "BGE-M3 dense"},
    "sentences.closest": {"zh": "最接近：#{i} ↔ #{j}（{score:.3f}）", "en": "Closest: #{i} ↔ #{j} ({score:.3f})"},
    "sentences.pairs": {"zh": "每一对句子在各编码器下的余弦", "en": "Every pair under every encoder"},
    "sentences.pair": {"zh": "句对", "en": "Pair"},
    "sentences.difference": {"zh": "两个编码器之差", "en": "Difference between two encoders"},
    "sentences.diff_a": {"zh": "减去", "en": "Minus"},
    "sentences.diff_b": {"zh": "编码器", "en": "Encoder"},
    "sentences.diff_title": {"zh": "{b} − {a}", "en": "{b} − {a}"},
    "sentences.same_pipeline": {
        "zh": "{model} 的 sentence-transformers 管线本身就是平均池化 + 归一化，所以两者完全相同（差为 0）。",
        "en": "{model}'s sentence-transformers pipeline is mean pooling + normalisation, so the two agree exactly (difference 0).",
    },
    "sentences.lexical": {
        "zh": "BGE-M3 稀疏词权重（每个词元一个权重）",
        "en": "BGE-M3 sparse lexical weights (one weight per token)",
    },
    "sentences.token": {"zh": "词元", "en": "Token"},
    "sentences.weight": {"zh": "权重", "en": "Weight"},
    "sentences.no_bge": {
        "zh": "没有找到 BAAI/bge-m3。联网时在“模型管理”页一键下载（约 2 GB），或用 huggingface-cli download BAAI/bge-m3 下载后加入 embedlab.toml，即可在此并排比较。",
        "en": "BAAI/bge-m3 is not installed. Download it in one click on the models page when online (about 2 GB), or with huggingface-cli download BAAI/bge-m3 and add it to embedlab.toml, to compare it here.",
    },
    # --- models & search (issue 5) ---
    "page.models": {"zh": "模型管理", "en": "Models"},
    "page.search": {"zh": "语义搜索", "en": "Semantic search"},
    "models.title": {"zh": "模型管理", "en": "Model manager"},
    "models.folder_hidden": {"zh": "服务器上的模型目录", "en": "the server's models folder"},
    "models.intro": {
        "zh": "所有模型及其大小与内存占用。模型文件放在模型目录 `{folder}` 中；大的文本词向量第一次加载时会转换成内存映射缓存，之后不到一秒即可加载，多个服务进程共享同一份内存。",
        "en": "Every model with its size and memory. Model files live in the models folder `{folder}`; a big text vector file is converted once into a memory-mapped cache, then loads in under a second and is shared by every server process.",
    },
    "models.col.id": {"zh": "模型", "en": "Model"},
    "models.col.kind": {"zh": "类型", "en": "Kind"},
    "models.col.language": {"zh": "语言", "en": "Language"},
    "models.col.vocab": {"zh": "词表大小", "en": "Vocabulary"},
    "models.col.dims": {"zh": "维度", "en": "Dimensions"},
    "models.col.disk": {"zh": "磁盘占用", "en": "On disk"},
    "models.col.loaded": {"zh": "已加载", "en": "Loaded"},
    "models.col.memory": {"zh": "内存", "en": "Memory"},
    "models.col.where": {"zh": "来源", "en": "Where"},
    "models.where.bundled": {"zh": "内置（离线可用）", "en": "bundled (offline)"},
    "models.where.config": {"zh": "配置文件", "en": "config file"},
    "models.where.models folder": {"zh": "模型目录", "en": "models folder"},
    "models.where.hub": {"zh": "模型仓库缓存", "en": "hub cache"},
    "models.where.missing": {"zh": "未安装", "en": "not installed"},
    "models.mapped": {"zh": "内存映射", "en": "memory-mapped"},
    "models.mapped_note": {
        "zh": "“内存映射”的模型直接映射磁盘缓存：这部分内存由本机所有进程共享，只占一份。",
        "en": "Memory-mapped models read their disk cache directly: that memory is shared by every process on the machine, counted once.",
    },
    "models.actions": {"zh": "单个模型", "en": "One model"},
    "models.managed_by_host": {
        "zh": "托管模式：卸载、删除和建索引由管理员负责。",
        "en": "Hosted mode: unloading, deleting and index building are left to the host.",
    },
    "models.load": {"zh": "加载", "en": "Load"},
    "models.loaded": {"zh": "已加载 {model}。", "en": "Loaded {model}."},
    "models.unload": {"zh": "卸载（释放内存）", "en": "Unload (free memory)"},
    "models.unloaded": {"zh": "已卸载 {model}。", "en": "Unloaded {model}."},
    "models.confirm_delete": {"zh": "确认删除 {model} 及其缓存", "en": "Yes, delete {model} and its caches"},
    "models.delete": {"zh": "删除", "en": "Delete"},
    "models.deleted": {"zh": "已删除 {model}（{n} 项文件/缓存）。", "en": "Deleted {model} ({n} files/caches)."},
    "models.ann": {"zh": "近似近邻索引（HNSW）", "en": "Approximate neighbour index (HNSW)"},
    "models.ann_note": {
        "zh": "默认使用精确搜索（与 gensim 相同）。词表达到 {threshold:,} 词时，若已建好索引，“词向量浏览”会改用近似搜索并注明“近似”。本模型有 {vocab:,} 词。",
        "en": "Search is exact by default (the same as gensim). From {threshold:,} words up, the word explorer uses this index when it has been built, and labels the results approximate. This model has {vocab:,} words.",
    },
    "models.ann_ready": {
        "zh": "索引已建好（M={m}，{mb:,.1f} MB，保存在向量缓存旁）。",
        "en": "Index built (M={m}, {mb:,.1f} MB, stored next to the vector cache).",
    },
    "models.ann_build": {"zh": "建立近似索引", "en": "Build the approximate index"},
    "models.ann_building": {"zh": "正在建立索引…", "en": "Building the index…"},
    "models.ann_built": {"zh": "索引已建好：{n:,} 个向量。", "en": "Index built: {n:,} vectors."},
    "models.offline": {
        "zh": "当前离线（HF_HUB_OFFLINE=1），无法连接模型仓库：请在联网的机器上下载，再把文件夹复制到模型目录。",
        "en": "Offline here (HF_HUB_OFFLINE=1): the model hub cannot be reached. Download on a machine with internet and copy the folder into the models folder.",
    },
    "models.download_seed": {"zh": "一键下载 {model}", "en": "Download {model}"},
    "models.downloading": {"zh": "正在下载…", "en": "Downloading…"},
    "models.downloaded": {"zh": "已下载到模型目录：{path}", "en": "Downloaded into the models folder: {path}"},
    "models.downloaded_file": {
        "zh": "已下载并添加 {model}（{mb:,.1f} MB，其中 {resumed:,.1f} MB 为续传，SHA-256 {sha}…）。",
        "en": "Downloaded and added {model} ({mb:,.1f} MB, {resumed:,.1f} MB of it resumed, SHA-256 {sha}…).",
    },
    "models.add": {"zh": "添加模型", "en": "Add a model"},
    "models.tab.local": {"zh": "模型目录中的文件", "en": "File in the models folder"},
    "models.tab.upload": {"zh": "上传", "en": "Upload"},
    "models.tab.url": {"zh": "从网址下载", "en": "Download from a URL"},
    "models.tab.hub": {"zh": "模型仓库 ID", "en": "Hub id"},
    "models.local_help": {
        "zh": "只能添加已经放在模型目录 `{folder}` 里的文件：会检查文件格式（出错时给出行号），并生成快速加载缓存。",
        "en": "Only files already inside the models folder `{folder}` can be added: the file is checked (errors name the line) and its fast-load cache is built.",
    },
    "models.local_name": {"zh": "文件名", "en": "File name"},
    "models.add_button": {"zh": "检查并添加", "en": "Check and add"},
    "models.converting": {"zh": "正在读取并生成缓存…", "en": "Reading and caching…"},
    "models.added": {
        "zh": "已添加 {model}，各页面的模型列表中都能选到它了。",
        "en": "Added {model}: every page can pick it now.",
    },
    "models.upload_help": {
        "zh": "上限 {mb:,} MB。支持 {suffixes}（可再加 .gz/.bz2）。出于安全原因，不接受 gensim 的 .kv/.model 文件。",
        "en": "Up to {mb:,} MB. Accepted: {suffixes} (optionally + .gz/.bz2). For safety, gensim .kv/.model files are not accepted.",
    },
    "models.upload": {"zh": "选择词向量文件", "en": "Choose a vector file"},
    "models.save_upload": {"zh": "保存到模型目录", "en": "Save into the models folder"},
    "models.url": {"zh": "网址（http/https）", "en": "Address (http/https)"},
    "models.sha256": {"zh": "SHA-256（可选，填写后会校验）", "en": "SHA-256 (optional; verified when given)"},
    "models.file_name": {"zh": "保存为（可选）", "en": "Save as (optional)"},
    "models.url_help": {
        "zh": "中断后再次点击下载会从断点继续（HTTP Range）。校验和不符时文件会被删除。",
        "en": "An interrupted download resumes where it stopped when you press Download again (HTTP Range). A checksum mismatch removes the file.",
    },
    "models.download": {"zh": "下载", "en": "Download"},
    "models.hub_id": {"zh": "模型 ID，例如 BAAI/bge-m3", "en": "Model id, e.g. BAAI/bge-m3"},
    "models.seeds": {"zh": "原文用到的模型", "en": "The article's models"},
    "models.seed_present": {"zh": "已在模型目录（{path}）", "en": "in the models folder ({path})"},
    "models.seed_ready": {"zh": "可用", "en": "available"},
    "models.seed_missing": {"zh": "未安装", "en": "not installed"},
    "models.seed_words": {"zh": "保留前多少个词（按词频排序）", "en": "Words to keep (most frequent first)"},
    "models.seed_stream_note": {
        "zh": "边下载边解压，取够这么多词就停止，其余部分不会下载；中断后再点一次会从断点续传。完成后自动生成内存映射缓存。",
        "en": "Decompressed as it downloads; it stops once it has this many words, so the rest is never fetched. Press again after an interruption to resume. The memory-mapped cache is built at the end.",
    },
    "search.title": {"zh": "语义搜索", "en": "Semantic search"},
    "search.intro": {
        "zh": "用句向量模型把一部作品的句子编码后存入 Milvus（默认是本地的 Milvus Lite 文件），再用任意一句话按意思查找最接近的句子。同样的代码也可连接 Milvus 服务器。",
        "en": "A sentence model encodes a book's sentences into Milvus (a local Milvus Lite file by default); then any phrase finds the sentences closest in meaning. The same code works against a Milvus server.",
    },
    "search.corpus": {"zh": "语料", "en": "Corpus"},
    "search.n": {"zh": "索引前 N 句", "en": "Index the first N sentences"},
    "search.query": {"zh": "查询（按意思，不必字面相同）", "en": "Query (by meaning, not by the exact words)"},
    "search.language_mismatch": {
        "zh": "模型 {model} 与语料《{corpus}》语言不同，结果会很差；请换一个模型或语料。",
        "en": "Model {model} and {corpus} are in different languages; expect poor results. Pick another model or corpus.",
    },
    "search.backend": {"zh": "存储：{backend}", "en": "Store: {backend}"},
    "search.indexed": {
        "zh": "已索引 {n:,} 句（{corpus}，模型 {model}）。",
        "en": "{n:,} sentences indexed ({corpus}, model {model}).",
    },
    "search.not_indexed": {"zh": "《{corpus}》还没有用 {model} 建索引。", "en": "{corpus} is not indexed with {model} yet."},
    "search.index": {"zh": "建立索引", "en": "Index it"},
    "search.reindex": {"zh": "重建索引", "en": "Index again"},
    "search.encoding": {"zh": "正在编码句子…", "en": "Encoding sentences…"},
    "search.indexed_now": {
        "zh": "已编码并索引 {n:,} 句，用时 {seconds:.1f} 秒。",
        "en": "Encoded and indexed {n:,} sentences in {seconds:.1f} s.",
    },
    "search.results": {"zh": "与“{query}”意思最接近的句子", "en": "Sentences closest in meaning to “{query}”"},
    "search.took": {
        "zh": "查询用时 {ms:.0f} 毫秒（含编码查询句），共 {n:,} 句。",
        "en": "Search took {ms:.0f} ms (encoding the query included) over {n:,} sentences.",
    },
    "search.best": {"zh": "最接近（{score:.3f}）：{sentence}", "en": "Closest ({score:.3f}): {sentence}"},
    "search.sentence": {"zh": "句子", "en": "Sentence"},
    "search.score": {"zh": "余弦相似度", "en": "Cosine similarity"},
    "search.type_query": {"zh": "输入一句话开始搜索。", "en": "Type a phrase to search."},
    "search.about": {"zh": "什么时候需要 Milvus？", "en": "When does Milvus pay off?"},
    "search.about_text": {
        "zh": '在 188k×300 的词向量上，Milvus Lite 建索引后单次查询约 55–60 毫秒，而 gensim 精确搜索只要 5 毫秒，所以查词的近邻不用 Milvus。当向量多到一台机器的内存放不下（数千万以上）、多个服务器要共用一个索引、或者边写入边查询时，Milvus 服务器才划算。在配置文件里写 `[milvus] uri = "http://host:19530"` 和 `token` 即可切换，代码不变。',
        "en": "On 188k × 300 word vectors Milvus Lite answers a query in about 55–60 ms with an index, while gensim's exact search takes 5 ms, so word neighbours do not use Milvus. A Milvus server pays off when the vectors outgrow one machine's memory (tens of millions), when several app servers share one index, or when data is added while people search. Set `[milvus] uri = \"http://host:19530\"` and `token` in the config file to switch; the code stays the same.",
    },
    "explorer.approximate": {
        "zh": "近似结果：大词表使用 HNSW 索引（{method}）；得分是精确的余弦值，但个别近邻可能遗漏。",
        "en": "Approximate: this big vocabulary is searched through an HNSW index ({method}); scores are exact cosines, but a neighbour may be missed.",
    },
    # --- train & evaluate (issue 6) ---
    "page.train": {"zh": "训练词向量", "en": "Train word2vec"},
    "page.evaluate": {"zh": "评测", "en": "Evaluate"},
    "train.title": {"zh": "训练自己的 word2vec", "en": "Train your own word2vec"},
    "train.intro": {
        "zh": "用自己的文本训练词向量，看着它一轮一轮地学。CBOW 用上下文的平均去预测中间的词；skip-gram 用中间的词去预测它的每个上下文词。训练好的模型会存进模型目录，马上出现在每个页面的模型列表里。",
        "en": "Train word vectors on your own text and watch them learn, epoch by epoch. CBOW predicts a word from the average of its context; skip-gram predicts each context word from the word. The trained model is saved in the models folder and shows up in every page's model list at once.",
    },
    "train.corpus": {"zh": "1 · 语料", "en": "1 · Corpus"},
    "train.source": {"zh": "语料来源", "en": "Text from"},
    "train.source.sample": {"zh": "示例语料", "en": "Sample corpus"},
    "train.source.upload": {"zh": "上传 .txt", "en": "Upload .txt"},
    "train.source.paste": {"zh": "粘贴文本", "en": "Paste text"},
    "train.upload": {
        "zh": "上传一个或多个 .txt 文件（UTF-8、GB18030/GBK 或 UTF-16 均可）",
        "en": "Upload one or more .txt files (UTF-8, GB18030/GBK or UTF-16)",
    },
    "train.paste": {"zh": "在这里粘贴文本", "en": "Paste text here"},
    "train.decoded": {"zh": "{name}：{encoding} 编码，{chars:,} 个字符", "en": "{name}: {encoding}, {chars:,} characters"},
    "train.sample": {"zh": "示例语料（公有领域）", "en": "Sample corpus (public domain)"},
    "train.sample_source": {"zh": "来源：{source}", "en": "Source: {source}"},
    "train.sample_ready": {
        "zh": "随 EmbedLab 附带（公有领域）：{chars:,} 个字符。",
        "en": "Ships with EmbedLab (public domain): {chars:,} characters.",
    },
    "train.text_lang": {"zh": "文本语言", "en": "Text language"},
    "train.text_lang.auto": {"zh": "自动识别", "en": "Detect"},
    "train.text_lang.zh": {"zh": "中文（jieba 分词）", "en": "Chinese (jieba)"},
    "train.text_lang.en": {"zh": "英文（简单分词）", "en": "English (simple tokeniser)"},
    "train.segmentation": {"zh": "分词选项（中文）", "en": "Segmentation options (Chinese)"},
    "train.user_dict": {
        "zh": "jieba 用户词典（每行：词 [词频] [词性]）",
        "en": "jieba user dictionary (one 'word [freq] [tag]' per line)",
    },
    "train.hmm": {"zh": "用 HMM 猜测未登录词", "en": "Let jieba's HMM guess unknown words"},
    "train.hmm_help": {
        "zh": "在古典小说上，HMM 常把人名和后面的字粘在一起（如“玄德正”“司马懿善”），所以默认关闭。",
        "en": "On the classical novels the HMM glues names to the next character (玄德正, 司马懿善), so it is off by default.",
    },
    "train.analyse": {"zh": "分词并统计", "en": "Tokenise and count"},
    "train.segmenting": {"zh": "正在分词…", "en": "Tokenising…"},
    "train.stats": {"zh": "语料统计", "en": "Corpus statistics"},
    "train.stats.characters": {"zh": "字符", "en": "Characters"},
    "train.stats.sentences": {"zh": "句子", "en": "Sentences"},
    "train.stats.tokens": {"zh": "词次", "en": "Tokens"},
    "train.stats.vocabulary": {"zh": "不同的词", "en": "Distinct words"},
    "train.from_cache": {
        "zh": "分词结果来自缓存（同样的文本不会再分一次）。",
        "en": "Tokens came from the cache (the same text is never segmented twice).",
    },
    "train.top_words": {"zh": "最常见的词", "en": "Most frequent words"},
    "train.count": {"zh": "次数", "en": "Count"},
    "train.no_text": {"zh": "先选择、上传或粘贴一些文本。", "en": "Pick, upload or paste some text first."},
    "train.options": {"zh": "2 · 训练选项", "en": "2 · Training options"},
    "train.mode": {"zh": "模型", "en": "Model"},
    "train.mode.cbow": {"zh": "CBOW", "en": "CBOW"},
    "train.mode.sg": {"zh": "skip-gram", "en": "skip-gram"},
    "train.mode.compare": {"zh": "两者对比", "en": "Compare both"},
    "train.size": {"zh": "向量维度", "en": "Vector size"},
    "train.window": {"zh": "窗口", "en": "Window"},
    "train.min_count": {"zh": "最低词频 min_count", "en": "min_count"},
    "train.epochs": {"zh": "轮数 epochs", "en": "Epochs"},
    "train.negative": {"zh": "负采样数", "en": "Negative samples"},
    "train.seed": {"zh": "随机种子", "en": "Seed"},
    "train.workers": {"zh": "线程数", "en": "Threads"},
    "train.workers_help": {
        "zh": "1 个线程时，同样的种子和语料得到完全相同的向量；多线程更快，但每次略有不同。",
        "en": "With one thread the same seed and corpus give identical vectors; more threads are faster but vary a little.",
    },
    "train.name": {"zh": "模型名称（保存为 名称.kv）", "en": "Model name (saved as NAME.kv)"},
    "train.start": {"zh": "开始训练", "en": "Train"},
    "train.cancel": {"zh": "取消", "en": "Cancel"},
    "train.too_long": {
        "zh": "语料有 {chars:,} 个字符，本服务器最多接受 {limit:,} 个。",
        "en": "The corpus has {chars:,} characters; this server accepts at most {limit:,}.",
    },
    "train.progress": {"zh": "3 · 训练过程", "en": "3 · Training"},
    "train.names": {"zh": "使用四大名著人物名词典", "en": "Use the four novels' character-name dictionary"},
    "train.names_help": {
        "zh": "让 jieba 把 贾母、凤姐、八戒 等 400 多个人名当作整词，而不是切成单字（只对中文起作用）。",
        "en": "Makes jieba keep 400-odd names such as 贾母, 凤姐 and 八戒 whole instead of cutting them into characters (Chinese only).",
    },
    "train.phase.queued": {"zh": "排队中", "en": "Queued"},
    "train.phase.segmenting": {"zh": "分词中", "en": "Tokenising"},
    "train.phase.training": {
        "zh": "正在训练 {run}：第 {current}/{epochs} 轮（已完成 {epoch} 轮）",
        "en": "Training {run}: epoch {current} of {epochs} ({epoch} done)",
    },
    "train.phase.saving": {"zh": "保存中", "en": "Saving"},
    "train.phase.done": {"zh": "完成", "en": "Done"},
    "train.phase.cancelled": {"zh": "已取消，没有保存任何模型。", "en": "Cancelled; nothing was saved."},
    "train.phase.failed": {"zh": "训练失败：{error}", "en": "Training failed: {error}"},
    "train.loss": {"zh": "每轮的损失（gensim compute_loss）", "en": "Loss per epoch (gensim's compute_loss)"},
    "train.loss_axis": {"zh": "损失", "en": "Loss"},
    "train.epoch_axis": {"zh": "轮次", "en": "Epoch"},
    "train.saved": {
        "zh": "已保存 {model}（{vocab:,} 个词 × {dims} 维，用时 {seconds:.1f} 秒），现在所有页面的模型列表里都能选到它。",
        "en": "Saved {model} ({vocab:,} words × {dims} dims, {seconds:.1f} s); every page's model list offers it now.",
    },
    "train.open_explorer": {"zh": "在词向量浏览中打开 {model}", "en": "Open {model} in the word explorer"},
    "train.results": {"zh": "4 · 近邻", "en": "4 · Neighbours"},
    "train.words": {"zh": "看这些词的近邻（逗号分隔）", "en": "Neighbours of these words (comma-separated)"},
    "train.about": {"zh": "CBOW 和 skip-gram 有什么不同？", "en": "How do CBOW and skip-gram differ?"},
    "train.about_text": {
        "zh": "两者都在一个滑动窗口里看词和它周围的词。**CBOW** 把周围词的向量平均，去预测中间的词：快，对高频词稳定。**skip-gram** 用中间的词分别预测每个周围词：慢一些（每个位置要做窗口大小那么多次预测），但对低频词学得更好。**负采样**让每次预测只和少数随机的“错误答案”比较，而不是整个词表。损失曲线是 gensim 的 compute_loss：每轮单独累加，用来看趋势（多线程时 gensim 的计数不精确）。",
        "en": "Both slide a window over the text and look at a word and its neighbours. **CBOW** averages the neighbours' vectors to predict the middle word: fast and steady on frequent words. **Skip-gram** predicts each neighbour from the middle word: slower (one prediction per neighbour), but better on rare words. **Negative sampling** compares each prediction with a few random wrong answers instead of the whole vocabulary. The loss curve is gensim's compute_loss, summed per epoch: read it as a trend (with several threads gensim's counter is not exact).",
    },
    "evaluate.title": {"zh": "在标准评测集上评测静态词向量", "en": "Evaluate static vectors on standard benchmarks"},
    "evaluate.intro": {
        "zh": "类比题（a 之于 b，如同 c 之于 d）和词语相似度打分，是衡量词向量的常用基准。从下面选一个评测集，也可以上传自己的。",
        "en": "Analogy questions (a is to b as c is to d) and word-similarity ratings are the benchmarks the field uses. Pick a test set below, or upload your own.",
    },
    "evaluate.task": {"zh": "评测类型", "en": "Benchmark"},
    "evaluate.task.analogies": {"zh": "类比", "en": "Analogies"},
    "evaluate.task.pairs": {"zh": "相似度", "en": "Similarity"},
    "evaluate.set": {"zh": "评测集", "en": "Test set"},
    "evaluate.upload": {"zh": "或上传评测文件（上传后优先使用）", "en": "Or upload a test file (used instead while uploaded)"},
    "evaluate.no_sets": {"zh": "没有找到评测集；请上传一个。", "en": "No test sets found; upload one."},
    "evaluate.convention": {"zh": "计分约定", "en": "Scoring convention"},
    "evaluate.convention.gensim": {"zh": "gensim（evaluate_word_analogies）", "en": "gensim (evaluate_word_analogies)"},
    "evaluate.convention.ca8": {"zh": "CA8 作者脚本（ana_eval_dense.py）", "en": "CA8 authors' script (ana_eval_dense.py)"},
    "evaluate.convention_help": {
        "zh": "gensim：不区分大小写，只搜前 300,000 个词，含词表外词的题目直接跳过，3CosAdd。CA8：a、b、c 都在词表里的题才计入（d 不在则算错），余弦先变成 (cos+1)/2，再算 3CosAdd 或 3CosMul；两种约定在同一份向量上的分数不同。",
        "en": "gensim: case-insensitive, searches the first 300,000 words, skips questions with any unknown word, 3CosAdd. CA8: a question counts when a, b and c are known (a missing d counts as wrong); cosines become (cos+1)/2 before 3CosAdd or 3CosMul. The two give different numbers on the same vectors.",
    },
    "evaluate.method": {"zh": "方法", "en": "Method"},
    "evaluate.method.add": {"zh": "3CosAdd", "en": "3CosAdd"},
    "evaluate.method.mul": {"zh": "3CosMul", "en": "3CosMul"},
    "evaluate.mul_gensim": {
        "zh": "gensim 的评测只有 3CosAdd；3CosMul 请选 CA8 约定。",
        "en": "gensim's evaluation has 3CosAdd only; pick the CA8 convention for 3CosMul.",
    },
    "evaluate.running": {"zh": "正在评测…", "en": "Evaluating…"},
    "evaluate.accuracy": {"zh": "准确率", "en": "Accuracy"},
    "evaluate.coverage": {"zh": "覆盖率", "en": "Coverage"},
    "evaluate.scored": {"zh": "计入的题目（共 {n:,}）", "en": "Questions scored (of {n:,})"},
    "evaluate.seconds": {"zh": "用时", "en": "Time"},
    "evaluate.summary": {"zh": "{model} · {set} · {convention} · {method}", "en": "{model} · {set} · {convention} · {method}"},
    "evaluate.sections": {"zh": "各部分", "en": "Sections"},
    "evaluate.col.section": {"zh": "部分", "en": "Section"},
    "evaluate.col.correct": {"zh": "答对", "en": "Correct"},
    "evaluate.col.total": {"zh": "计入", "en": "Scored"},
    "evaluate.col.questions": {"zh": "题目", "en": "Questions"},
    "evaluate.misses": {"zh": "错得最远的题（期望答案的排名）", "en": "Worst misses (rank of the expected answer)"},
    "evaluate.misses_help": {
        "zh": "排名越大，模型离正确答案越远；“—”表示期望答案不在词表里。",
        "en": "The larger the rank, the further the model was from the answer; “—” means the expected word is not in the vocabulary.",
    },
    "evaluate.col.question": {"zh": "题目 a : b :: c : ?", "en": "Question a : b :: c : ?"},
    "evaluate.col.expected": {"zh": "期望", "en": "Expected"},
    "evaluate.col.predicted": {"zh": "模型给出", "en": "Model said"},
    "evaluate.col.rank": {"zh": "期望答案排名", "en": "Rank of expected"},
    "evaluate.skipped": {
        "zh": "有 {n} 行既不是 “: 部分” 也不是四个词，已跳过（第 {lines} 行…）。",
        "en": "{n} lines were neither ': section' nor four words and were skipped (lines {lines}…).",
    },
    "evaluate.spearman": {"zh": "Spearman", "en": "Spearman"},
    "evaluate.pearson": {"zh": "Pearson", "en": "Pearson"},
    "evaluate.oov": {"zh": "词表外比例", "en": "OOV ratio"},
    "evaluate.pairs_used": {"zh": "计入的词对（共 {n:,}）", "en": "Pairs scored (of {n:,})"},
    "evaluate.scatter": {"zh": "人工打分与模型余弦", "en": "Human score vs model cosine"},
    "evaluate.human": {"zh": "人工打分", "en": "Human score"},
    "evaluate.cosine": {"zh": "模型余弦", "en": "Model cosine"},
    "evaluate.missing_pairs": {"zh": "含词表外词的词对（{n}）", "en": "Pairs with unknown words ({n})"},
    # --- compare, axes, bias (issue 12) ---
    "page.compare": {"zh": "比较两个模型", "en": "Compare models"},
    "page.axes": {"zh": "语义轴", "en": "Semantic axes"},
    "page.bias": {"zh": "偏见检验", "en": "Bias tests"},
    "compare.title": {
        "zh": "两个词向量空间并排：对齐，找出“移动”的词",
        "en": "Two spaces side by side: align them, find the words that moved",
    },
    "compare.intro": {
        "zh": "两次训练得到的词向量坐标互不相通：即使语料相同，空间也会整体转一个任意角度。这里用**正交 Procrustes** 在两个模型都认识的高频词上，把 B 旋转到 A 上，再看每个词在两边是否指向同一方向（对齐后的余弦）。另一把尺子不需要对齐：比较一个词在两边的前 k 个近邻有多少重合。两把尺子互相印证。",
        "en": "Two trainings never share coordinates: even on the same text, each space ends up turned by an arbitrary rotation. Here **orthogonal Procrustes** rotates B onto A using the frequent words both know; then each word's two vectors are compared (cosine after alignment). A second measure needs no alignment: how many of a word's top-k neighbours the two models share. The two measures check each other.",
    },
    "compare.model_b": {"zh": "模型 B（旋转到 A 上）", "en": "Model B (rotated onto A)"},
    "compare.same_model": {
        "zh": "A 和 B 是同一个模型，所以什么都没有移动（余弦与重合度都是 1）。在侧栏选另一个模型，或在“训练”页用对比模式训练 CBOW 和 skip-gram 两个模型。",
        "en": "A and B are the same model, so nothing moves (every cosine and overlap is 1). Pick another model in the sidebar, or train CBOW and skip-gram in compare mode on the train page.",
    },
    "compare.vocab": {"zh": "对齐所用的共有词数", "en": "Shared words to align on"},
    "compare.vocab_help": {
        "zh": "取两个模型都认识、且在两边都高频的前 N 个词（按两边词频排名中较靠后的那个排序）。",
        "en": "The N most frequent words both models know (ranked by the worse of their two frequency ranks).",
    },
    "compare.topn": {"zh": "比较的近邻数 k", "en": "Neighbours compared (k)"},
    "compare.topn_help": {
        "zh": "近邻重合度看每个词的前 k 个近邻（都在共有词里找）。",
        "en": "The overlap measure looks at each word's top k neighbours (searched among the shared words).",
    },
    "compare.by": {"zh": "排序依据", "en": "Rank by"},
    "compare.by.cosine": {"zh": "对齐后的余弦", "en": "Cosine after alignment"},
    "compare.by.overlap": {"zh": "近邻重合度", "en": "Neighbour overlap"},
    "compare.words": {"zh": "要跟踪的词（可选，逗号分隔）", "en": "Words to follow (optional, comma-separated)"},
    "compare.words_help": {
        "zh": "这些词会列在表里并画进下面的图；不填时画移动最多的词。",
        "en": "Listed in a table and drawn in the picture below; without them, the words that moved most are drawn.",
    },
    "compare.aligning": {"zh": "正在对齐两个空间（{n:,} 个共有词）…", "en": "Aligning the two spaces ({n:,} shared words)…"},
    "compare.alignment": {"zh": "对齐得怎么样", "en": "How good the alignment is"},
    "compare.shared": {"zh": "共有词", "en": "Shared words"},
    "compare.mean_cosine": {"zh": "对齐后平均余弦", "en": "Mean cosine after alignment"},
    "compare.mean_cosine_help": {
        "zh": "每个共有词在 A 中的向量与旋转后 B 中向量的余弦，取平均。1 表示两个空间只差一个旋转。",
        "en": "The cosine between each shared word's vector in A and its rotated vector from B, averaged. 1 means the spaces differ only by a rotation.",
    },
    "compare.before": {"zh": "对齐前平均余弦", "en": "Mean cosine before alignment"},
    "compare.before_help": {
        "zh": "不旋转直接比较坐标：分别训练的两个模型通常接近 0，所以必须先对齐。",
        "en": "Comparing raw coordinates without the rotation: near 0 for separately trained models, which is why alignment comes first.",
    },
    "compare.reduced": {
        "zh": "A（{a}）有 {da} 维，B（{b}）有 {db} 维，旋转要求维度相同：两边都先用 PCA（在 {n:,} 个共有词上拟合）降到 {k} 维，分别保留了 {ea:.0%} 和 {eb:.0%} 的方差，再做对齐。",
        "en": "A ({a}) has {da} dimensions and B ({b}) has {db}; a rotation needs equal widths, so both were first reduced to {k} dimensions by PCA (fitted on the {n:,} shared words), keeping {ea:.0%} and {eb:.0%} of their variance.",
    },
    "compare.few_words": {
        "zh": "只有 {n:,} 个共有词，而空间有 {dims} 维：词数少于维数的两倍时，一个旋转能“凑”出很好的拟合，平均余弦会偏高。请增加共有词数，或比较词表更相近的模型。",
        "en": "Only {n:,} shared words for {dims} dimensions: with fewer than twice as many words as dimensions, a rotation can fit noise and the mean cosine looks better than it is. Align on more words, or compare models with closer vocabularies.",
    },
    "compare.alignment_note": {
        "zh": "方法：所有向量先归一化为单位长度；R = scipy.linalg.orthogonal_procrustes(B, A)，即使 ‖BR − A‖ 最小的正交矩阵（Hamilton 等，2016）。",
        "en": "Method: every vector is unit-normalised; R = scipy.linalg.orthogonal_procrustes(B, A), the orthogonal matrix minimising ‖BR − A‖ (Hamilton et al., 2016).",
    },
    "compare.moved": {"zh": "移动的词", "en": "The words that moved"},
    "compare.most": {"zh": "移动最多", "en": "Moved most"},
    "compare.least": {"zh": "移动最少", "en": "Moved least"},
    "compare.col.cosine": {"zh": "对齐后余弦", "en": "Cosine after alignment"},
    "compare.col.overlap": {"zh": "前 {k} 近邻重合度", "en": "Top-{k} overlap"},
    "compare.col.in_vocab": {"zh": "在对齐词表中", "en": "In the aligned vocabulary"},
    "compare.col.both": {"zh": "两边都有", "en": "In both"},
    "compare.yes": {"zh": "是", "en": "yes"},
    "compare.no": {"zh": "否（用同一个旋转）", "en": "no (same rotation applied)"},
    "compare.check": {
        "zh": "两把尺子互相印证：每个共有词的余弦与近邻重合度（Spearman ρ = {rho}）",
        "en": "The two measures checked against each other: cosine vs neighbour overlap per shared word (Spearman ρ = {rho})",
    },
    "compare.check_note": {
        "zh": "近邻重合度完全不需要对齐。两者正相关，说明“移动”不是对齐造成的假象；左下角的词在两种尺子下都移动了。",
        "en": "The overlap needs no alignment at all. A positive correlation says the moves are not an artefact of the rotation; words in the lower left moved by both measures.",
    },
    "compare.followed": {"zh": "跟踪的词", "en": "Words you follow"},
    "compare.side_by_side": {"zh": "一个词的近邻，两边并排", "en": "One word's neighbours, side by side"},
    "compare.word": {"zh": "词", "en": "Word"},
    "compare.side_note": {
        "zh": "近邻在共有词里找，各自在自己的空间里算余弦（不需要对齐）；两边都出现的近邻打 ✓（{n} / {k}）。",
        "en": "Neighbours are searched among the shared words, by cosine within each model (no alignment needed); ✓ marks neighbours both lists hold ({n} of {k}).",
    },
    "compare.picture": {"zh": "同一张图上的两个空间", "en": "Both spaces in one picture"},
    "compare.picture_note": {
        "zh": "圆点是词在 A 中的位置，菱形是它在旋转后的 B 中的位置，箭头从 A 指向 B。PCA 在两组点上一起拟合，所以箭头越长，移动越大（只是二维投影，以余弦为准）。",
        "en": "Circles are where A puts each word, diamonds where the rotated B puts it; arrows go from A to B. The PCA is fitted on both sets together, so longer arrows mean bigger moves (a 2-D shadow: trust the cosines).",
    },
    "compare.about": {"zh": "这是怎么算的？", "en": "How is this computed?"},
    "compare.about_text": {
        "zh": "1. **共有词表**：两个模型都认识的词，按两边词频排名中较差的那个排序，取前 N 个。\n2. **对齐**：向量归一化后，求正交矩阵 R 使 ‖BR − A‖ 最小（SVD 解，scipy 的 orthogonal_procrustes）。正交矩阵只旋转/翻转，不改变 B 内部的任何距离。\n3. **移动**：词在 A 中的向量与 BR 中的向量的余弦；越低移动越多。\n4. **近邻重合度**：在共有词里各自找前 k 个近邻，看有几个相同（Gonen 等，2020），与对齐无关。\n5. 维度不同时，两边先用 PCA 降到较小的维数。\n\n典型用法：同一语料上的 CBOW 与 skip-gram；《三国演义》与《红楼梦》各训一个模型，看“先生”“夫人”这类词的用法如何不同。",
        "en": "1. **Shared vocabulary**: words both models know, ranked by the worse of their two frequency ranks; the first N.\n2. **Alignment**: on unit vectors, the orthogonal R minimising ‖BR − A‖ (the SVD solution, scipy's orthogonal_procrustes). An orthogonal matrix only rotates or reflects: distances inside B do not change.\n3. **Moves**: the cosine between a word's vector in A and in BR; lower means it moved more.\n4. **Neighbour overlap**: each word's top-k neighbours among the shared words in each model, and how many agree (Gonen et al., 2020); independent of the alignment.\n5. Models of different widths are both reduced by PCA to the smaller width first.\n\nTypical uses: CBOW vs skip-gram on the same text; one model per novel (三国演义 vs 红楼梦) to see how words such as 先生 or 夫人 are used differently.",
    },
    "compare.open_from_train": {
        "zh": "在“比较两个模型”页对齐这两个模型，看哪些词移动了",
        "en": "Align these two models on the compare page and see which words moved",
    },
    "compare.error.few_shared": {
        "zh": "{a} 和 {b} 只有 {n} 个共有词，至少需要 {need} 个才能对齐。请比较同一语言、语料相近的模型。",
        "en": "{a} and {b} share only {n} words; at least {need} are needed to align them. Compare models of the same language, trained on related text.",
    },
    "compare.error.dims": {
        "zh": "{a} 有 {da} 维，{b} 有 {db} 维，维度不同无法直接旋转。",
        "en": "{a} has {da} dimensions and {b} has {db}; a rotation needs equal widths.",
    },
    "compare.error.topn": {
        "zh": "近邻数 k（{topn}）必须小于共有词数（{shared}）：请调小 k。",
        "en": "The neighbour count ({topn}) must be smaller than the {shared} shared words; lower it.",
    },
    "axes.title": {
        "zh": "语义轴：把词放到“女人—男人”这样的方向上",
        "en": "Semantic axes: place words along directions such as woman–man",
    },
    "axes.intro": {
        "zh": "一条轴由两组词给出：方向 = 左边各词单位向量的平均 − 右边各词单位向量的平均（与 Embedding Projector 的自定义投影、word2viz 相同）。每边可以只写一个词（女人-男人），也可以写几个词取平均（女人,母亲,女儿 - 男人,父亲,儿子），后者更稳定。填一条轴得到排序条带，填两条轴得到散点图。",
        "en": "An axis is given by two word groups: direction = mean of the left words' unit vectors − mean of the right words' (as in the Embedding Projector's custom projection and word2viz). A side can be one word (woman-man) or several averaged (woman,mother,daughter - man,father,son), which is steadier. One axis gives a ranked strip; two give a scatter.",
    },
    "axes.x": {"zh": "横轴 x（左 - 右）", "en": "Axis x (left - right)"},
    "axes.y": {"zh": "纵轴 y（可选）", "en": "Axis y (optional)"},
    "axes.axis_help": {
        "zh": "两边用“-”连接，每边的词用逗号分隔：女人-男人，或 女人,母亲 - 男人,父亲。词里本身有连字符时，分隔的“-”两侧要加空格。",
        "en": "Two sides joined by '-', words on a side separated by commas: woman-man, or woman,mother - man,father. When a word has a hyphen itself, put spaces around the separating '-'.",
    },
    "axes.y_help": {"zh": "留空只画一条轴（排序条带）。", "en": "Leave empty for one axis (a ranked strip)."},
    "axes.words": {"zh": "要放到轴上的词（逗号分隔）", "en": "Words to place (comma-separated)"},
    "axes.formula": {"zh": "得分公式", "en": "Score"},
    "axes.formula.cosine": {"zh": "与方向的余弦", "en": "Cosine with the direction"},
    "axes.formula.projection": {"zh": "在单位方向上的标量投影", "en": "Scalar projection on the unit direction"},
    "axes.formula_note.cosine": {
        "zh": "得分 = cos(w, d) = w·d /(‖w‖‖d‖)，范围 −1 到 1，与词向量长度无关。两条轴用同一公式。",
        "en": "Score = cos(w, d) = w·d / (‖w‖‖d‖), from −1 to 1, independent of the word vector's length. Both axes use the same formula.",
    },
    "axes.formula_note.projection": {
        "zh": "得分 = w·d/‖d‖，即原始词向量在单位方向上的投影长度；向量越长（word2vec 中常是较少见的词）离中心越远。两条轴用同一公式。",
        "en": "Score = w·d / ‖d‖, the raw word vector's scalar projection on the unit direction; longer vectors (often rarer words in word2vec) land further out. Both axes use the same formula.",
    },
    "axes.score.cosine": {"zh": "余弦", "en": "cosine"},
    "axes.score.projection": {"zh": "投影", "en": "projection"},
    "axes.need_x": {"zh": "请先填写横轴，例如 女人-男人。", "en": "Type axis x first, e.g. woman-man."},
    "axes.need_words": {"zh": "请填写要放到轴上的词。", "en": "Type the words to place on the axes."},
    "axes.left_out": {
        "zh": "这 {n} 个词不在词表里，已从图中略去；轴本身的词必须都在词表里。",
        "en": "These {n} words are not in the vocabulary and were left out; the axis words themselves must all be known.",
    },
    "axes.strip": {"zh": "沿 {axis} 排序", "en": "Ranked along {axis}"},
    "axes.scatter": {"zh": "{x}（横）× {y}（纵）", "en": "{x} (across) × {y} (up)"},
    "axes.axes_cosine": {
        "zh": "两条轴方向之间的余弦：{cos:+.3f}。离 0 越远，两条轴越不独立（例如“女−男”与“穷−富”有关联时，散点会沿对角线分布）。",
        "en": "Cosine between the two axis directions: {cos:+.3f}. The further from 0, the less independent the axes (points then spread along a diagonal).",
    },
    "axes.table": {"zh": "得分表", "en": "Scores"},
    "axes.about": {"zh": "怎么读这张图？", "en": "How to read this picture"},
    "axes.about_text": {
        "zh": "得分高说明这个词离左边那组词更近、离右边更远；0 附近表示两边差不多。得分只反映训练语料里的共现习惯，不是事实判断。比较时看**相对顺序**：整体偏向一边很常见（例如语料中某一边的词整体更常见）。每边多放几个词能减小单个词的偶然性。",
        "en": "A high score means the word is closer to the left group than to the right; near 0, it sits in between. Scores reflect co-occurrence habits in the training text, not facts. Read the **order**: the whole cloud often leans to one side (for example when one side's words are more frequent in the corpus). Several words per side make an axis less dependent on one word's quirks.",
    },
    "axes.error.empty": {
        "zh": "轴 {name} 是空的：请写两边，用“-”连接，例如 女人-男人。",
        "en": "Axis {name} is empty: type two sides joined by '-', e.g. woman-man.",
    },
    "axes.error.sides": {
        "zh": "轴 {name} 必须恰好是用一个“-”连接的两边，例如 女人-男人 或 女人,母亲 - 男人,父亲（词里有连字符时，分隔的“-”两侧加空格）。",
        "en": "Axis {name} must be two sides joined by one '-', e.g. woman-man or woman,mother - man,father (with spaces around it when a word has a hyphen).",
    },
    "axes.error.empty_side": {
        "zh": "轴 {name} 有一边是空的：每边至少写一个词，例如 富-穷。",
        "en": "Axis {name} has an empty side: give at least one word on each side, e.g. rich-poor.",
    },
    "axes.error.too_many": {"zh": "轴 {name} 的词太多（最多 50 个）。", "en": "Axis {name} has too many words (at most 50)."},
    "axes.error.too_long": {"zh": "轴 {name} 太长了。", "en": "Axis {name} is too long."},
    "axes.error.no_direction": {
        "zh": "轴 {name} 没有方向：两边的词相同。请在两边写不同的词。",
        "en": "Axis {name} has no direction: both sides are the same. Put different words on each side.",
    },
    "bias.title": {"zh": "偏见检验：WEAT 的效应量与置换检验", "en": "Bias tests: WEAT effect size and permutation test"},
    "bias.intro": {
        "zh": "WEAT（词嵌入联想测验，Caliskan 等，2017）仿照心理学的内隐联想测验：两组目标词 X、Y（如 花 / 虫）和两组属性词 A、B（如 愉快 / 不愉快）。每个目标词的联想分 s(w, A, B) = 它与 A 中各词余弦的平均 − 与 B 中各词余弦的平均。问题是：X 是否比 Y 更偏向 A？",
        "en": "WEAT (the Word Embedding Association Test, Caliskan et al., 2017) mirrors psychology's Implicit Association Test: two target sets X, Y (flowers / insects) and two attribute sets A, B (pleasant / unpleasant). Each target word's association s(w, A, B) = its mean cosine with A − its mean cosine with B. The question: does X lean towards A more than Y does?",
    },
    "bias.test": {"zh": "载入一组检验", "en": "Load a test"},
    "bias.custom": {"zh": "（自己输入的词组）", "en": "(your own word sets)"},
    "bias.targets": {"zh": "目标词：第一行 X，第二行 Y", "en": "Targets: X on the first line, Y on the second"},
    "bias.attributes": {"zh": "属性词：第一行 A，第二行 B", "en": "Attributes: A on the first line, B on the second"},
    "bias.sets_help": {
        "zh": "每行一组，组内用逗号分隔；链接里写成 a,b|c,d。",
        "en": "One set per line, words separated by commas; in the link: a,b|c,d.",
    },
    "bias.options": {"zh": "统计选项", "en": "Statistics options"},
    "bias.std": {"zh": "效应量的标准差", "en": "Effect size's standard deviation"},
    "bias.std.population": {"zh": "总体标准差（ddof=0，与 WEFE 相同）", "en": "Population (ddof=0, as WEFE)"},
    "bias.std.sample": {"zh": "样本标准差（ddof=1）", "en": "Sample (ddof=1)"},
    "bias.std_help": {
        "zh": "Caliskan 等的公式写的是 X∪Y 上联想分的标准差；WEFE 用总体标准差。样本标准差略大，效应量略小。",
        "en": "Caliskan et al. divide by the standard deviation of s over X∪Y; WEFE uses the population one. The sample one is slightly larger, so d is slightly smaller.",
    },
    "bias.seed": {"zh": "随机种子", "en": "Seed"},
    "bias.seed_help": {
        "zh": "划分方式太多、只能抽样时使用；同一种子得到同一个 p 值。",
        "en": "Used when there are too many splits and they are sampled; the same seed gives the same p-value.",
    },
    "bias.samples": {"zh": "抽样次数", "en": "Random splits"},
    "bias.max_lost": {"zh": "每组允许缺失的比例", "en": "Share of a set that may be missing"},
    "bias.max_lost_help": {
        "zh": "词表外的词会被列出并去掉（与 WEFE 相同）；某组缺得比这个比例多时拒绝计算（WEFE 默认 0.2）。",
        "en": "Unknown words are listed and dropped (as WEFE does); a set missing more than this share is refused (WEFE's default: 0.2).",
    },
    "bias.need_sets": {
        "zh": "请在两个框里各写两行：目标词 X、Y 和属性词 A、B。",
        "en": "Give two lines in each box: targets X and Y, attributes A and B.",
    },
    "bias.dropped": {
        "zh": "这些词已从所在的组里去掉，检验用剩下的词计算。",
        "en": "They were dropped from their sets; the test runs on the remaining words.",
    },
    "bias.result": {"zh": "{x} / {y} × {a} / {b}", "en": "{x} / {y} × {a} / {b}"},
    "bias.effect_size": {"zh": "效应量 d", "en": "Effect size d"},
    "bias.effect_size_help": {
        "zh": "d =（X 的平均联想分 − Y 的平均联想分）/ X∪Y 上联想分的标准差，类似 Cohen's d，范围约 −2 到 2。",
        "en": "d = (mean s over X − mean s over Y) / standard deviation of s over X∪Y, a Cohen's d, between about −2 and 2.",
    },
    "bias.p_value": {"zh": "p 值（单侧）", "en": "p-value (one-sided)"},
    "bias.p_value_help": {
        "zh": "把 X∪Y 随机重新分成同样大小的两组，检验统计量 Σ_X s − Σ_Y s 不小于实际值的比例。",
        "en": "The share of re-splits of X∪Y into two sets of the same sizes whose statistic Σ_X s − Σ_Y s is at least the observed one.",
    },
    "bias.words_used": {"zh": "所用词数 X + Y / A + B", "en": "Words used X + Y / A + B"},
    "bias.size.large": {"zh": "大", "en": "large"},
    "bias.size.medium": {"zh": "中等", "en": "medium"},
    "bias.size.small": {"zh": "小", "en": "small"},
    "bias.size.none": {"zh": "可以忽略", "en": "negligible"},
    "bias.meaning.positive": {
        "zh": "**含义：** 相对于「{b}」，「{x}」比「{y}」更接近「{a}」。|d| = {d:.2f}，按 Cohen 的惯例属于**{size}**效应（0.2 小、0.5 中、0.8 大）。",
        "en": "**Meaning:** relative to *{b}*, *{x}* sits closer to *{a}* than *{y}* does. |d| = {d:.2f}: a **{size}** effect by Cohen's rule of thumb (0.2 small, 0.5 medium, 0.8 large).",
    },
    "bias.meaning.negative": {
        "zh": "**含义：** 方向与表头相反：相对于「{a}」，「{x}」比「{y}」更偏向「{b}」。|d| = {d:.2f}，属于**{size}**效应（0.2 小、0.5 中、0.8 大）。",
        "en": "**Meaning:** the other way round: *{x}* leans towards *{b}* more than *{y}* does (relative to *{a}*). |d| = {d:.2f}: a **{size}** effect (0.2 small, 0.5 medium, 0.8 large).",
    },
    "bias.no_spread": {
        "zh": "所有目标词的联想分都相同，效应量无法定义。",
        "en": "Every target word has the same association score, so the effect size is undefined.",
    },
    "bias.std_used.population": {
        "zh": "效应量用的是**总体**标准差（ddof=0，与 WEFE 相同）。",
        "en": "The effect size uses the **population** standard deviation (ddof=0, as WEFE does).",
    },
    "bias.std_used.sample": {
        "zh": "效应量用的是**样本**标准差（ddof=1）。",
        "en": "The effect size uses the **sample** standard deviation (ddof=1).",
    },
    "bias.p_exact": {
        "zh": "p = {p:.4g}，**精确**计算：把 {n} 个目标词分成 {nx} 个一组与其余一组，共 {splits:,} 种分法全部算过（包括实际的分法）。",
        "en": "p = {p:.4g}, **exact**: all {splits:,} ways to split the {n} target words into a set of {nx} and the rest were counted (the observed split included).",
    },
    "bias.p_sampled": {
        "zh": "p = {p:.4g}，**抽样**估计：共有约 {splits} 种分法，超过 {limit:,} 种，所以随机抽了 {samples:,} 种（种子 {seed}），p =（达到实际值的次数 + 1）/（抽样次数 + 1）。",
        "en": "p = {p:.4g}, **sampled**: there are about {splits} splits, more than {limit:,}, so {samples:,} random ones were drawn (seed {seed}); p = (hits + 1) / (samples + 1).",
    },
    "bias.p_meaning": {
        "zh": "p 小（如 < 0.05）表示这么大的差别很少来自随机分组；p 不衡量偏向有多大，d 才衡量。词组很小时两者都不稳定。",
        "en": "A small p (say < 0.05) says a difference this large rarely comes from a random split; p does not say how large the lean is, d does. With small sets both are unstable.",
    },
    "bias.col.set": {"zh": "组", "en": "Set"},
    "bias.col.s": {"zh": "联想分 s(w, A, B)", "en": "Association s(w, A, B)"},
    "bias.col.mean_a": {"zh": "与 {a} 的平均余弦", "en": "Mean cosine with {a}"},
    "bias.col.mean_b": {"zh": "与 {b} 的平均余弦", "en": "Mean cosine with {b}"},
    "bias.picture": {
        "zh": "每个目标词的联想分（虚线为各组平均）",
        "en": "Every target word's association (dashed: each set's mean)",
    },
    "bias.picture_axis": {
        "zh": "← 偏向「{b}」　　s(w, A, B)　　偏向「{a}」→",
        "en": "← towards {b}    s(w, A, B)    towards {a} →",
    },
    "bias.picture_note": {
        "zh": "两组点分得越开、组内越集中，效应量越大。单个离群的词也能拉动结果：可以试着去掉它再看。",
        "en": "The further apart the two sets and the tighter each one, the larger the effect size. One outlying word can move the result: try dropping it.",
    },
    "bias.about": {"zh": "WEAT 能说明什么，不能说明什么", "en": "What WEAT can and cannot tell"},
    "bias.about_text": {
        "zh": "WEAT 衡量的是**这个模型的训练语料**中词语的共现倾向，不是人的看法，也不是世界的事实。结果依赖于词组的选择：换几个词，效应量可能明显变化。英文原始词组来自 Caliskan 等（2017）的补充材料（与 WEFE 的 WEAT.json 相同）；中文词组为四大名著模型挑选了书中常见的词。找不到的词会改成小写再查一次（用于英文人名这类首字母大写的词），仍然找不到的词会列出并去掉。",
        "en": "WEAT measures co-occurrence tendencies in **this model's training text**: not people's views, not facts about the world. Results depend on the word sets: changing a few words can move the effect size a lot. The original English sets come from Caliskan et al. (2017)'s supplement (as in WEFE's WEAT.json); the Chinese sets use words common in the four classic novels. A missing word is looked up again in lower case (John → john); unknown words are listed and dropped.",
    },
    "bias.error.lost": {
        "zh": "模型 {model} 不认识的词太多（每组最多允许缺 {share:.0%}）：",
        "en": "Too many words unknown to {model} (at most {share:.0%} of a set may be missing):",
    },
    "bias.error.lost_set": {
        "zh": "{given} 个词里缺了 {n} 个：{words}。请换成模型认识的词，或在“统计选项”里放宽缺失比例。",
        "en": "{n} of {given} words missing: {words}. Replace them with words the model knows, or allow a larger share under the statistics options.",
    },
    "bias.error.empty": {
        "zh": "词组 {name} 是空的：每组至少写一个词。",
        "en": "Word set {name} is empty: give it at least one word.",
    },
    "bias.error.too_many": {
        "zh": "词组 {name} 有 {count} 个词，最多 {most} 个。",
        "en": "Word set {name} has {count} words; at most {most} are accepted.",
    },
    "bias.error.few_targets": {
        "zh": "两组目标词里模型认识的词合起来至少要有 2 个。",
        "en": "The two target sets need at least two known words in all.",
    },
    # --- faults (issue 15) ---
    "error.server_busy": {
        "zh": "服务器正忙：已有 {count} 个繁重任务（训练、投影、建索引）在同时运行，这是本服务器的上限。你排在第 {place} 位。请稍候再试：页面开着时会自动重试。",
        "en": "The server is busy: it already runs {count} heavy job(s) at once (training, projections, index building), its limit. You are number {place} in line. Try again in a moment: this page retries by itself while it stays open.",
    },
    "error.disk_full_download": {
        "zh": "磁盘已满：{name} 无法下载到 {folder}。已下载的 {mb} MB 保存在 {part} 中，腾出空间后再次下载会从那里继续（不想继续的话可删除 {part}）。",
        "en": "The disk is full: {name} could not be downloaded into {folder}. The {mb} MB already fetched are kept in {part}, so downloading again resumes from there once you free some space (delete {part} to give up instead).",
    },
    "error.disk_full_cache": {
        "zh": "磁盘已满：{name} 的快速缓存无法写入 {folder}。没有留下写了一半的文件；腾出空间后再试。模型本身不受影响（没有缓存时加载会慢一些）。",
        "en": "The disk is full: the fast cache of {name} could not be written in {folder}. Nothing half-written was kept; free some space and try again. The model itself is unharmed (it loads more slowly without its cache).",
    },
    "error.disk_full_save": {
        "zh": "磁盘已满：{name} 无法保存到 {folder}。没有留下写了一半的模型；腾出空间（或把 EMBEDLAB_MODELS_DIR 指向更大的磁盘）后再试。",
        "en": "The disk is full: {name} could not be saved in {folder}. No half-written model was kept; free some space (or point EMBEDLAB_MODELS_DIR at a bigger disk) and try again.",
    },
    "error.milvus_unavailable": {
        "zh": "{where} 没有响应（可能已停止或网络中断）。没有留下建了一半的索引；它恢复后，这个页面再运行一次即可继续，无需重启。",
        "en": "{where} is not answering (stopped, or the network is down). No half-built index was kept; once it is back, running this page again works, with no restart.",
    },
    "error.model_file_gone": {
        "zh": "模型 {model} 的文件（{path}）在加载后被删除或移走了，所以已卸载这个模型。请把文件放回去，或选择其他模型；其他模型不受影响。",
        "en": "The file of model {model} ({path}) was deleted or moved after it was loaded, so the model was unloaded. Put the file back or pick another model; other models are unaffected.",
    },
    "faults.model_gone": {
        "zh": "模型 {model} 已不存在：它的文件被删除或移走了。现在显示的是 {other}；可以在侧栏里另选模型。",
        "en": "Model {model} is gone: its file was deleted or moved. Showing {other} instead; pick another model in the sidebar.",
    },
    "faults.model_replaced": {
        "zh": "模型 {model} 的文件在加载后被替换了，已重新加载，下面显示的是新文件的结果。",
        "en": "The file of model {model} was replaced after it was loaded; it was loaded again, and what follows comes from the new file.",
    },
    "faults.cache_rebuilt": {
        "zh": "模型 {model} 的快速缓存已损坏（{file}：{problem}），已从原始文件重新生成；结果不受影响。",
        "en": "The fast cache of model {model} was damaged ({file}: {problem}) and has been rebuilt from the source file; results are unaffected.",
    },
    "faults.cache_problem.missing": {"zh": "文件丢失", "en": "missing"},
    "faults.cache_problem.truncated": {"zh": "文件被截断", "en": "cut short"},
    "faults.cache_problem.corrupted": {
        "zh": "内容被改动（头部或数据的校验和不符）",
        "en": "altered: its header or data no longer matches its checksum",
    },
    "faults.cache_problem.unreadable": {"zh": "无法读取", "en": "unreadable"},
    "faults.busy_place": {
        "zh": "排队中：你现在排在第 {place} 位，轮到你时页面会自动继续。",
        "en": "Waiting: you are number {place} in line; the page carries on by itself when it is your turn.",
    },
    "faults.busy_ready": {"zh": "轮到你了，正在继续…", "en": "Your turn: carrying on…"},
    "faults.lost_training": {
        "zh": "一次训练（{names}，开始于 {started}）没有完成：训练进行中时服务器停止了。没有保存任何不完整的模型，请重新开始训练。",
        "en": "A training ({names}, started {started}) was lost: the server stopped while it ran. No partial model was kept; start it again.",
    },
    "faults.lost_dismiss": {"zh": "知道了", "en": "OK"},
    # --- honest pictures (issue 13) ---
    "projection.source.atlas": {"zh": "词表地图", "en": "Atlas of the vocabulary"},
    "projection.stage.clusters": {
        "zh": "在原空间里聚类并给每类起名…",
        "en": "Clustering in the original space and naming the clusters…",
    },
    "honest.colour": {"zh": "点的颜色", "en": "Colour points by"},
    "honest.colour.group": {"zh": "组", "en": "Group"},
    "honest.colour.cluster": {"zh": "聚类", "en": "Cluster"},
    "honest.colour.kept": {"zh": "保留的近邻", "en": "Neighbours kept"},
    "honest.colourbar": {"zh": "保留的近邻（k = {k}）", "en": "kept (k = {k})"},
    "honest.k": {"zh": "近邻个数 k", "en": "Neighbours k"},
    "honest.k_help": {
        "zh": "对每个点，看它在原空间（余弦相似度）的 k 个最近邻里，有几个在图上（直线距离）也是它最近的 k 个之一。",
        "en": "For each point: how many of its k nearest neighbours in the original space (cosine) are also among its k nearest in the picture (straight-line distance).",
    },
    "honest.k_lowered": {
        "zh": "图上只有这么几个点，k 从 {k} 降到 {used}。",
        "en": "Too few points for k = {k}: k = {used} is used.",
    },
    "honest.kept_metric": {"zh": "保留的近邻（k = {k}）", "en": "Neighbours kept (k = {k})"},
    "honest.kept_help": {
        "zh": "每个点在原空间的 {k} 个最近邻中，平均有多少也是它在图上的 {k} 个最近邻。把“点的颜色”换成“保留的近邻”，就能看到每个点各自的值：红色的点，图把它真正的邻居放远了。",
        "en": "On average, the share of each point's {k} nearest neighbours in the original space that are also among its {k} nearest in the picture. Colour points by “Neighbours kept” to see each point's own value: for a red point the picture put its true neighbours far away.",
    },
    "honest.hover_kept": {
        "zh": "保留的近邻：%{{customdata[1]:.0%}}（k = {k}）",
        "en": "neighbours kept: %{{customdata[1]:.0%}} (k = {k})",
    },
    "honest.hover_kept_count": {"zh": "保留了 {kept}/{k} 个近邻", "en": "keeps {kept} of its {k} nearest neighbours"},
    "honest.hover_neighbour": {
        "zh": "余弦相似度 %{customdata[1]:.3f}<br>图上名次 %{customdata[2]}",
        "en": "cosine %{customdata[1]:.3f}<br>rank in the picture %{customdata[2]}",
    },
    "honest.legend.chosen": {"zh": "选中的词", "en": "chosen word"},
    "honest.legend.near": {"zh": "真近邻，图上也近", "en": "true neighbours drawn near"},
    "honest.legend.far": {"zh": "真近邻，被图放远了", "en": "true neighbours drawn far away"},
    "honest.legend.far_lines": {"zh": "连到被放远的近邻", "en": "lines to the far ones"},
    "honest.word": {"zh": "选一个词（也可以直接点图上的点）", "en": "Pick a word (or click a point)"},
    "honest.word_help": {
        "zh": "列出它在原空间里真正的近邻和余弦相似度，并标出图把哪些放近、哪些放远。选中的词会写进链接。",
        "en": "Lists its true neighbours in the original space with their cosines, and marks which the picture put near and which far. The word goes into the link.",
    },
    "honest.word_none": {"zh": "（不选）", "en": "(none)"},
    "honest.search": {"zh": "查找一个词（也可以直接点图上的点）", "en": "Find a word (or click a point)"},
    "honest.search_help": {
        "zh": "输入词表里的任何一个词：图会放大到它和它的近邻，并连线到被图放远的真近邻。大小写不同也能找到。",
        "en": "Type any word of the vocabulary: the map zooms to it and its neighbours, with lines to the true neighbours it put far away. Case does not matter.",
    },
    "honest.not_drawn": {"zh": "“{word}”不在这张图上。", "en": "“{word}” is not drawn in this picture."},
    "honest.neighbours_title": {"zh": "“{word}”在原空间里真正的 {k} 个近邻", "en": "The {k} true nearest neighbours of “{word}”"},
    "honest.neighbours_caption": {
        "zh": "余弦相似度在原来的 {dims} 维空间里计算，范围是图上的 {n:,} 个词；“图上名次”是按图上的距离排第几。图把其中 {near} 个放在它附近（它在图上最近的 {k} 个之内），{far} 个放远了（图上画了虚线）。",
        "en": "Cosines are computed in the original {dims} dimensions, among the {n:,} drawn words; “rank in the picture” is its place by distance in the picture. The picture put {near} of them near it (among its {k} nearest there) and {far} far away (dashed lines).",
    },
    "honest.col.cosine": {"zh": "余弦相似度", "en": "Cosine"},
    "honest.col.rank": {"zh": "图上名次", "en": "Rank in the picture"},
    "honest.col.where": {"zh": "在图上", "en": "In the picture"},
    "honest.near": {"zh": "近", "en": "near"},
    "honest.far": {"zh": "远", "en": "far"},
    "honest.whole_vocabulary": {
        "zh": "在整个词表里，它最近的词是：{words}（† = 不在这张图上）。",
        "en": "In the whole vocabulary its nearest words are: {words} († = not drawn here).",
    },
    "atlas.intro": {
        "zh": "词表地图：把模型最常见的 N 个词画在一张图上（WebGL，几万个点也能流畅拖动）。聚类在原空间里做（按余弦相似度的 k-means），每类用最靠中心的几个词命名；灰色等高线表示点的密度。算好的地图存在磁盘上，下一位访问者立即就能看到。",
        "en": "Atlas: the model's N most frequent words on one map (WebGL, smooth with tens of thousands of points). Clusters are found in the original space (k-means by cosine), each named by its most central words; grey contour lines show where points crowd. A computed atlas is kept on disk, so the next visitor gets it at once.",
    },
    "atlas.clusters": {"zh": "聚类个数（0 = 自动）", "en": "Clusters (0 = automatic)"},
    "atlas.clusters_help": {
        "zh": "自动：约为词数的平方根除以 4，在 4 到 30 之间。",
        "en": "Automatic: about the square root of N divided by 4, from 4 to 30.",
    },
    "atlas.contours": {"zh": "画密度等高线", "en": "Density contours"},
    "atlas.clusters_metric": {"zh": "聚类", "en": "Clusters"},
    "atlas.cached": {
        "zh": "这张地图从磁盘缓存读取；最初计算用了 {seconds}。",
        "en": "Read from the disk cache; computing it took {seconds}.",
    },
    "atlas.computed": {
        "zh": "刚刚计算，用了 {seconds}，已存入磁盘缓存。",
        "en": "Just computed in {seconds}, and saved to the disk cache.",
    },
    "atlas.no_tsne": {
        "zh": "词表地图只用 PCA 或 UMAP（t-SNE 画几万个词太慢），这里改用 UMAP。",
        "en": "The atlas offers PCA or UMAP only (t-SNE is too slow for tens of thousands of words); UMAP is used.",
    },
    "atlas.found_as": {
        "zh": "图上没有“{word}”，显示的是“{found}”（只有大小写不同）。",
        "en": "“{word}” is drawn as “{found}” (differing only in case).",
    },
    "atlas.beyond": {
        "zh": "“{word}”是词表中第 {rank:,} 个词，这张地图只画了前 {n:,} 个。把词数 N 调到至少 {rank:,}，就能在图上看到它。",
        "en": "“{word}” is word number {rank:,} of the vocabulary; this atlas draws the first {n:,}. Set N to at least {rank:,} to see it.",
    },
    "atlas.not_found": {"zh": "词表中没有“{word}”。", "en": "“{word}” is not in the vocabulary."},
    "atlas.zoom_reset": {"zh": "显示整张地图", "en": "Whole map"},
    "atlas.zoom_help": {
        "zh": "拖动可以平移，滚轮可以缩放；用图右上角的“框选”工具拖一个框，就会放大到这个框，并把范围写进链接。点一个点可以选中它的词。",
        "en": "Drag to pan, scroll to zoom; drag a box with the box-select tool (top right of the chart) to zoom to it and keep that view in the link. Click a point to pick its word.",
    },
    "atlas.cluster_table": {"zh": "{n} 个聚类和它们最靠中心的词", "en": "The {n} clusters and their most central words"},
    "atlas.col.cluster": {"zh": "聚类", "en": "Cluster"},
    "atlas.col.size": {"zh": "词数", "en": "Words"},
    "atlas.col.central": {"zh": "最靠中心的词", "en": "Most central words"},
    "atlas.download": {
        "zh": "下载地图 CSV（词、坐标、聚类、聚类名）",
        "en": "Download the atlas (CSV: word, x, y, cluster, label)",
    },
    "atlas.hover.cluster": {"zh": "聚类", "en": "cluster"},
    "atlas.legend.clusters": {"zh": "聚类", "en": "Clusters"},
    "atlas.legend.density": {"zh": "点的密度", "en": "point density"},
    "analogy.role.expected": {"zh": "期望答案", "en": "expected answer"},
    "analogy.parallelogram": {"zh": "平行四边形", "en": "parallelogram"},
    "analogy.hover_cosine": {
        "zh": "与结果向量的余弦相似度：%{customdata[0]:.4f}",
        "en": "cosine to the result: %{customdata[0]:.4f}",
    },
    "analogy.parallelogram_note": {
        "zh": "虚线平行四边形：从“{a}”到“{b}”的箭头，平移到“{c}”，终点就是 {expr}。PCA 是线性的，所以平行四边形在图上是准确的；但离这个角最近的点不一定是答案，答案要看右边原空间里的余弦相似度。",
        "en": "The dashed parallelogram: the arrow from “{a}” to “{b}”, moved to start at “{c}”, ends at {expr}. PCA is linear, so the parallelogram is exact in the picture; but the point drawn nearest that corner need not be the answer: the cosines on the right, from the original space, decide.",
    },
    "analogy.landing_title": {"zh": "结果真正落在哪里", "en": "Where the result really lands"},
    "analogy.landing_caption": {
        "zh": "余弦相似度在原来的 {dims} 维空间里计算，对象是结果向量 {expr}；“图上距离”是图上到那个角的距离。这张平面只保留了这些词 {share} 的方差，两列排序不一致的地方，就是二维图会误导人的地方。",
        "en": "Cosines to the result vector {expr} in the original {dims} dimensions; “distance in the picture” is the distance to its corner in the plane, which keeps {share} of these words' variance. Where the two columns disagree, the 2-D picture misleads.",
    },
    "analogy.col.role": {"zh": "角色", "en": "Role"},
    "analogy.col.cosine": {"zh": "与结果的余弦", "en": "Cosine to the result"},
    "analogy.col.distance": {"zh": "图上距离", "en": "Distance in the picture"},
    "evaluate.col.open": {"zh": "打开", "en": "Open"},
    "evaluate.open_question": {"zh": "在类比页打开", "en": "open in Analogy"},
    "evaluate.open_pair": {"zh": "在词语探索页打开", "en": "open in Explorer"},
    "evaluate.misses_links": {
        "zh": "点“在类比页打开”，就能在类比页看这道题：a : b :: c : ? 即 b − a + c，期望答案已填好，并显示它在两种方法下的名次。",
        "en": "“open in Analogy” opens the question on the analogy page: a : b :: c : ? is b − a + c, with the expected answer filled in and its rank under both methods.",
    },
    "evaluate.pairs_table": {
        "zh": "每一对词（模型和人的排序相差最大的在前）",
        "en": "Every pair (where the model's ranking differs most from people's first)",
    },
    "evaluate.pairs_help": {
        "zh": "“名次差”是按人的打分排的名次与按余弦相似度排的名次之差。点“在词语探索页打开”，比较这两个词和它们的近邻。",
        "en": "“Rank gap” is the pair's rank by the people's score minus its rank by cosine. “open in Explorer” compares the two words and their neighbours.",
    },
    "evaluate.col.w1": {"zh": "词 1", "en": "Word 1"},
    "evaluate.col.w2": {"zh": "词 2", "en": "Word 2"},
    "evaluate.col.gap": {"zh": "名次差", "en": "Rank gap"},
    "error.kept_k": {
        "zh": "近邻个数 k 应为 1 到 {high} 之间的整数，而不是 {value}。",
        "en": "k must be a whole number from 1 to {high}, not {value}.",
    },
    "error.bad_box": {
        "zh": "{field}应为四个数 x0,x1,y0,y1，且 x0 < x1、y0 < y1，而不是 {value}。",
        "en": "{field} must be four numbers x0,x1,y0,y1 with x0 < x1 and y0 < y1, not {value}.",
    },
    # --- speed (issue 14) ---
    "explorer.all_dims": {
        "zh": "全部 {dims} 维，一格一维：红为正，蓝为负，颜色越深绝对值越大；把鼠标放上去看数值。",
        "en": "All {dims} dimensions, one cell each: red positive, blue negative, darker for larger values; hover for the numbers.",
    },
    "search.build_first": {
        "zh": "这个链接要搜索的索引在本服务器上还没有建好。建索引要把 {n} 句话编码一遍（本机约需 {seconds} 秒），所以不会在打开链接时自动开始：请点“建立索引”。",
        "en": "The index this link searches is not built on this server yet. Building it encodes {n} sentences (about {seconds} s here), so it does not start just because a link was opened: press “Index it”.",
    },
    "search.fast_encoder": {
        "zh": "句向量由 ONNX Runtime 计算：与 sentence-transformers 相同的模型和结果（余弦 > 0.9999），速度约快一倍以上。",
        "en": "Sentence vectors computed by ONNX Runtime: the same model and vectors as sentence-transformers (cosine > 0.9999), about twice as fast or more.",
    },
}


# --- error messages: ``error.<code>``, used by errors.EmbedLabError.coded and ui.error_text ---
# ``{field}`` is the input at fault: the label the page shows (“Top n”), or 'topn' on the command line.
ERROR_STRINGS: dict[str, dict[str, str]] = {
    # links and typed input (embedlab.share)
    "error.text_too_long": {
        "zh": "{field}有 {length:,} 个字符，最多只能有 {limit:,} 个。",
        "en": "{field} is {length:,} characters long; at most {limit:,} are accepted.",
    },
    "error.not_whole_number": {
        "zh": "{field}应为 {low} 到 {high} 之间的整数，而不是 {value}。",
        "en": "{field} must be a whole number from {low} to {high}, not {value}.",
    },
    "error.not_a_number": {
        "zh": "{field}应为 {low} 到 {high} 之间的数，而不是 {value}。",
        "en": "{field} must be a number from {low} to {high}, not {value}.",
    },
    "error.out_of_range": {
        "zh": "{field}应在 {low} 到 {high} 之间，而不是 {value}。",
        "en": "{field} must be from {low} to {high}, not {value}.",
    },
    "error.bad_choice": {
        "zh": "{field}只能取以下值之一：{choices}，而不是 {value}。",
        "en": "{field} must be one of: {choices} (not {value}).",
    },
    "error.word_too_long_in": {
        "zh": "{field}里有一个词长 {length:,} 个字符，最多只能有 {limit} 个。",
        "en": "{field} is a word of {length:,} characters; at most {limit} are accepted.",
    },
    "error.too_many_words": {
        "zh": "{field}列了 {count} 个词，最多只能有 {limit} 个。",
        "en": "{field} lists {count} words; at most {limit} are accepted.",
    },
    "error.too_many_sentences": {
        "zh": "{field}有 {count} 句，最多只能有 {limit} 句。",
        "en": "{field} gives {count} sentences; at most {limit} are accepted.",
    },
    "error.unknown_choices": {
        "zh": "{field}里有未知的值：{values}。可选：{choices}。",
        "en": "{field} holds unknown values: {values}. Must be among: {choices}.",
    },
    # models
    "error.unknown_model": {
        "zh": "没有名为 {model} 的模型。可选的模型：{known}。",
        "en": "Unknown model: {model}. Must be one of: {known}.",
    },
    "error.oov": {"zh": "词表中没有：{words}", "en": "Not in the vocabulary: {words}"},
    # words (embedlab.static.model, embedlab.projection.word_projection)
    "error.empty_word": {"zh": "词是空的：请输入一个词。", "en": "Empty word: type a word."},
    "error.word_too_long": {
        "zh": "这个词有 {length:,} 个字符，太长了（最多 {limit} 个）。",
        "en": "A word of {length:,} characters is too long (at most {limit}).",
    },
    "error.bad_topn": {
        "zh": "返回个数 topn 应为 1 到 {high} 之间的整数，而不是 {value}。",
        "en": "topn must be a whole number from 1 to {high}, not {value}.",
    },
    "error.need_a_word": {"zh": "请至少输入一个词。", "en": "Give at least one word."},
    "error.odd_needs_three": {"zh": "至少要三个词才能找出不合群的词。", "en": "Odd one out needs at least three words."},
    "error.rank_needs_two": {"zh": "名次需要两个不同的词。", "en": "Rank needs two different words."},
    "error.need_positive": {"zh": "请至少输入一个“加”的词。", "en": "Give at least one positive word."},
    "error.picture_needs_three": {"zh": "示意图一共至少需要三个词。", "en": "The picture needs at least three words in all."},
    "error.need_words_to_draw": {
        "zh": "请输入要画的词，例如：苹果, 香蕉 | 长江, 黄河。",
        "en": "Type some words to draw, e.g. apple, banana | thames, nile.",
    },
    "error.none_in_vocabulary": {
        "zh": "这些词都不在词表中：{words}。",
        "en": "None of these words is in the vocabulary: {words}.",
    },
    "error.zero_vectors": {
        "zh": "这些词的向量全是零，没有方向可画：{words}。",
        "en": "These words have a zero vector, so no direction to draw: {words}.",
    },
    "error.too_many_points": {
        "zh": "{count:,} 个点超过了本服务器每次投影 {limit:,} 个点的上限：请少画一些词。",
        "en": "{count:,} points is over this server's limit of {limit:,} per projection: draw fewer words.",
    },
    "error.projection_needs_points": {
        "zh": "{dims} 维投影至少需要 {least} 个点，现在只有 {count} 个。",
        "en": "A {dims}-D projection needs at least {least} points; got {count}.",
    },
    # contextual models and polysemy
    "error.empty_context_word": {
        "zh": "目标词是空的：请输入要在各句中追踪的词。",
        "en": "Empty word: type the word to follow through the sentences.",
    },
    "error.sentence_count": {
        "zh": "请给出 {least} 到 {most} 句，现在是 {count} 句。",
        "en": "Give from {least} to {most} sentences, not {count}.",
    },
    "error.empty_sentence": {"zh": "第 {number} 句是空的：请输入一些文字。", "en": "Sentence {number} is empty: type some text."},
    "error.sentence_too_long": {
        "zh": "第 {number} 句有 {length:,} 个字符，最多只能有 {limit:,} 个。",
        "en": "Sentence {number} has {length:,} characters; at most {limit:,} are accepted.",
    },
    "error.word_not_in_sentences": {
        "zh": "第 {which} 句里没有“{word}”。每一句都必须包含这个词（拉丁字母的词要作为完整的词出现）。",
        "en": "The word '{word}' is not in sentence(s) {which}. Every sentence must contain it (as a whole word for Latin letters).",
    },
    "error.word_beyond_max_length": {
        "zh": "第 {which} 句中，这个词出现在前 {max_length} 个词元之后，而模型只读这么多。请缩短这些句子。",
        "en": "In sentence(s) {which} the word comes after the first {max_length} tokens, which is all the model reads. Shorten those sentences.",
    },
    "error.model_does_not_know": {
        "zh": "模型 {model} 不认识“{word}”：它的分词器只能把它读成 {unk}。请换一个适合这种语言的模型（中文可用 bert-base-chinese）。",
        "en": "'{model}' does not know '{word}': its tokenizer reads it as {unk} only. Pick a model for this language (e.g. bert-base-chinese for Chinese).",
    },
    "error.no_tokens": {
        "zh": "模型 {model} 的分词器把“{word}”切成了零个词元。",
        "en": "The tokenizer of '{model}' turns '{word}' into no tokens.",
    },
    "error.senses_k": {
        "zh": "词义个数 k 应为 1 到 {n} 之间的整数（不能多于上下文数），而不是 {value}。",
        "en": "The number of senses k must be a whole number from 1 to {n}, not {value}.",
    },
    "error.context_count": {
        "zh": "请给出 {least} 到 {most} 句包含该词的句子，现在是 {count} 句。",
        "en": "Give from {least} to {most} sentences that contain the word, not {count}.",
    },
    "error.too_many_contexts": {
        "zh": "这个词出现了 {count} 次，最多只能展示 {most} 个上下文。",
        "en": "The word occurs {count} times; at most {most} contexts are shown.",
    },
    "error.too_few_shared_words": {
        "zh": "{static} 和 {model} 只有 {count} 个共同的词，太少了，无法对照两者的空间。",
        "en": "'{static}' and '{model}' share only {count} words; too few to compare their spaces.",
    },
    "error.need_encoder": {"zh": "请至少选一个编码器。", "en": "Pick at least one encoder."},
    # corpora and training
    "error.empty_corpus": {
        "zh": "语料是空的：请上传 .txt 文件、粘贴文本或选择示例语料。",
        "en": "The corpus is empty: upload a .txt file, paste text or pick a sample corpus.",
    },
    "error.corpus_too_long": {
        "zh": "语料有 {chars:,} 个字符，本服务器最多接受 {limit:,} 个。",
        "en": "The corpus has {chars:,} characters; this server accepts at most {limit:,}.",
    },
    "error.user_dict_too_long": {
        "zh": "用户词典有 {chars:,} 个字符，最多只能有 {limit:,} 个。",
        "en": "The user dictionary has {chars:,} characters; at most {limit:,} are accepted.",
    },
    "error.no_words_in_corpus": {
        "zh": "语料里找不到词：只有标点、符号或表情。",
        "en": "No words found in the corpus: it holds only punctuation, symbols or emoji.",
    },
    "error.option_range": {
        "zh": "{field}应为 {low} 到 {high} 之间的整数，而不是 {value}。",
        "en": "{field} must be a whole number from {low} to {high}, not {value}.",
    },
    "error.too_few_frequent_words": {
        "zh": "只有 {count} 个词出现了至少 {min_count} 次（最常见的词出现 {best} 次）。请调低最低词频 min_count，或换一份更长的语料。",
        "en": "Only {count} word(s) occur at least min_count={min_count} times (the most frequent occurs {best} times). Lower min_count or give a longer corpus.",
    },
    "error.bad_model_name": {
        "zh": "模型名称 {name} 不可用：请用 1 到 80 个字母、数字、“.”、“_”或“-”，并以字母或数字开头。",
        "en": "Model name {name} is not allowed: use 1 to 80 letters, digits, '.', '_' or '-', starting with a letter or digit.",
    },
    "error.model_exists": {
        "zh": "模型目录里已经有名为 {model} 的模型，请换一个名字。",
        "en": "A model named {model} already exists in the models folder. Choose another name.",
    },
    "error.training_busy": {
        "zh": "本服务器同时最多运行 {count} 个训练，现在已满。你排在第 {place} 位。请等其中一个结束后再试：页面开着时会自动重试。",
        "en": "This server already runs {count} training(s) at once, its limit. You are number {place} in line. Try again when one has finished: this page retries by itself while it stays open.",
    },
    # uploaded text and test sets
    "error.empty_file": {"zh": "{name} 是空的：请给出一些文本。", "en": "{name} is empty: give some text."},
    "error.binary_file": {
        "zh": "{name} 含有二进制数据。请上传纯文本 .txt 文件（UTF-8、GB18030/GBK 或 UTF-16）。",
        "en": "{name} holds binary data. Upload a plain-text .txt file (UTF-8, GB18030/GBK or UTF-16).",
    },
    "error.bad_bom": {
        "zh": "{name} 以 {encoding} 标记开头，但内容不是有效的 {encoding}（第 {byte} 字节）。",
        "en": "{name} starts with a {encoding} mark but is not valid {encoding} (at byte {byte}).",
    },
    "error.unknown_encoding": {
        "zh": "{name} 不是支持的编码（UTF-8、GB18030/GBK 或 UTF-16）的文本。请在编辑器里另存为 UTF-8 后再上传。",
        "en": "{name} is not text in a supported encoding (UTF-8, GB18030/GBK or UTF-16). Save it as UTF-8 in your editor and upload it again.",
    },
    "error.upload_too_big": {
        "zh": "{name} 有 {size}；这里上传的文件最大 {limit:,} MB。",
        "en": "{name} is {size}; uploads are limited to {limit:,} MB here.",
    },
    "error.no_analogies": {
        "zh": "{name} 里没有类比题。应为 “: 部分名” 行，后面跟着每行四个词 “a b c d”。",
        "en": "{name} holds no analogy questions. Expected ': section' lines followed by lines of four words 'a b c d'.",
    },
    "error.no_pairs": {
        "zh": "{name} 里没有词对。每行应为 “词1<TAB>词2<TAB>分数”。",
        "en": "{name} holds no word pairs. Expected lines 'word1<TAB>word2<TAB>score'.",
    },
    # semantic search
    "error.empty_query": {"zh": "请输入要搜索的内容。", "en": "Type something to search for."},
    "error.query_too_long": {
        "zh": "查询有 {length:,} 个字符，太长了（最多 {limit:,} 个）。",
        "en": "A query of {length:,} characters is too long (at most {limit:,}).",
    },
}
STRINGS.update(ERROR_STRINGS)

# --- models and sample corpora: ``model.<id>.description`` / ``.how_to_get``, ``sample.<id>.title`` / ``.note`` ---
# The UI looks these up by id and falls back to the registry's (or the corpus list's) own English text.
CATALOG_STRINGS: dict[str, dict[str, str]] = {
    "model.minilm-static.description": {
        "zh": "BERT 自己的查找表：词在进入上下文之前的静态向量（约 2.26 万个英文词，384 维，来自 all-MiniLM-L6-v2）。",
        "en": "BERT's own lookup table: the static vector a word has before context (~22.6k English words, 384-d).",
    },
    "model.minilm.description": {
        "zh": "all-MiniLM-L6-v2：为句向量调优过的小型英文 BERT（6 层，384 维）。",
        "en": "all-MiniLM-L6-v2: a small English BERT tuned for sentence vectors (6 layers, 384-d).",
    },
    "model.sidamingzhu.description": {
        "zh": "EmbedLab 在四大名著（三国演义、水浒全传、红楼梦、西游记）上用 jieba 分词后训练的 skip-gram word2vec（约 100 维）。原文用的 sgns.literature.word 语料大得多。",
        "en": "A skip-gram word2vec trained by EmbedLab on the four classic Chinese novels (三国演义, 水浒全传, 红楼梦, 西游记), jieba-segmented, ~100-d. The seed article used sgns.literature.word, trained on a far larger corpus.",
    },
    "model.classics-en.description": {
        "zh": "在三本古登堡计划英文书（《傲慢与偏见》《爱丽丝漫游奇境》《福尔摩斯探案集》）上训练的 word2vec。",
        "en": "word2vec trained on three Project Gutenberg English books: Pride and Prejudice, Alice in Wonderland, Sherlock Holmes.",
    },
    "model.sidamingzhu.how_to_get": {
        "zh": "运行 python -m embedlab build-shipped sidamingzhu，用自带的四大名著重新训练它。",
        "en": "python -m embedlab build-shipped sidamingzhu (trains it again from the bundled novels).",
    },
    "model.classics-en.how_to_get": {
        "zh": "运行 python -m embedlab build-shipped classics-en，用自带的三本英文书重新训练它。",
        "en": "python -m embedlab build-shipped classics-en (trains it again from the bundled books).",
    },
    "model.cc.zh.300.vec.description": {
        "zh": "fastText 的中文词向量（Common Crawl 和维基百科，300 维），取最常见的 20 万个词。",
        "en": "fastText's Chinese word vectors (Common Crawl + Wikipedia, 300-d), the 200,000 most frequent words.",
    },
    "model.cc.zh.300.vec.how_to_get": {
        "zh": "在“模型管理”页一键下载，或运行 python -m embedlab download cc.zh.300.vec [--words N]：从 fastText 官网边下边读（压缩包超过 1 GB，共 200 万词），读到前 20 万个词就停。",
        "en": "One click on the models page, or `python -m embedlab download cc.zh.300.vec [--words N]`: streams fastText's cc.zh.300.vec.gz (over 1 GB, 2,000,000 words) and stops after the first 200,000 words.",
    },
    "model.bert-base-chinese.description": {
        "zh": "谷歌的中文 BERT（12 层，768 维，按字切分的词表）。",
        "en": "Google's Chinese BERT (12 layers, 768-d, character vocabulary).",
    },
    "model.BAAI/bge-m3.description": {
        "zh": "BGE-M3（XLM-R large）：多语言的稠密与稀疏句向量，通过 pymilvus[model] 加载。",
        "en": "BGE-M3 (XLM-R large): dense and sparse multilingual sentence vectors, via pymilvus[model].",
    },
    "model.bert-base-chinese.how_to_get": {
        "zh": "联网时在“模型管理”页一键下载（约 400 MB）；或运行 huggingface-cli download bert-base-chinese，再写入 embedlab.toml。",
        "en": "Download it in one click on the models page when online (about 400 MB), or run huggingface-cli download bert-base-chinese and set it in embedlab.toml.",
    },
    "model.BAAI/bge-m3.how_to_get": {
        "zh": "联网时在“模型管理”页一键下载（约 2 GB）；或运行 huggingface-cli download BAAI/bge-m3，再把它加入 embedlab.toml。",
        "en": "Download it in one click on the models page when online (about 2 GB), or run huggingface-cli download BAAI/bge-m3 and add it to embedlab.toml.",
    },
    "model.sgns.literature.word.how_to_get": {
        "zh": "Chinese-Word-Vectors（github.com/Embedding/Chinese-Word-Vectors）表格中“Literature 文学作品”一行、“Word”一列：只有百度网盘和 Google Drive 链接（没有直接下载地址）。把 sgns.literature.word.bz2（187,961 × 300）放进模型目录，再点“添加”。",
        "en": "Chinese-Word-Vectors (github.com/Embedding/Chinese-Word-Vectors), table 'Literature 文学作品', column 'Word': it links to Baidu Netdisk and Google Drive only (no direct address). Put sgns.literature.word.bz2 (187,961 x 300) into the models folder, then press 'Add'.",
    },
    "sample.sanguo.title": {"zh": "三国演义（罗贯中）", "en": "三国演义 Romance of the Three Kingdoms (罗贯中)"},
    "sample.shuihu.title": {"zh": "水浒全传（施耐庵）", "en": "水浒全传 Water Margin (施耐庵)"},
    "sample.hongloumeng.title": {"zh": "红楼梦（曹雪芹）", "en": "红楼梦 Dream of the Red Chamber (曹雪芹)"},
    "sample.xiyouji.title": {"zh": "西游记（吴承恩）", "en": "西游记 Journey to the West (吴承恩)"},
    "sample.pride.title": {"zh": "傲慢与偏见（简·奥斯汀，英文）", "en": "Pride and Prejudice (Jane Austen)"},
    "sample.alice.title": {
        "zh": "爱丽丝漫游奇境（刘易斯·卡罗尔，英文）",
        "en": "Alice's Adventures in Wonderland (Lewis Carroll)",
    },
    "sample.sherlock.title": {
        "zh": "福尔摩斯探案集（柯南·道尔，英文）",
        "en": "The Adventures of Sherlock Holmes (Arthur Conan Doyle)",
    },
    "sample.sanguo.note": {"zh": "120 回，约 59.9 万字", "en": "120 chapters, 599k characters"},
    "sample.shuihu.note": {"zh": "120 回，约 90 万字", "en": "120 chapters, 900k characters"},
    "sample.hongloumeng.note": {"zh": "120 回，约 86.6 万字", "en": "120 chapters, 866k characters"},
    "sample.xiyouji.note": {"zh": "100 回，约 72.1 万字", "en": "100 chapters, 721k characters"},
    "sample.pride.note": {"zh": "古登堡计划第 1342 号", "en": "Project Gutenberg #1342"},
    "sample.alice.note": {"zh": "古登堡计划第 11 号", "en": "Project Gutenberg #11"},
    "sample.sherlock.note": {"zh": "古登堡计划第 1661 号", "en": "Project Gutenberg #1661"},
}
STRINGS.update(CATALOG_STRINGS)


def error_text(code: str, lang: str, params: Mapping[str, object], *, field: str | None = None) -> str:
    """The text of error ``code`` (``error.<code>``) in ``lang`` with ``params`` filled in.

    Lists are joined the language's way; ``field`` is the label the page shows for the input at
    fault (quoted “so”), used instead of ``params["field"]`` (quoted 'so': the URL or option name).
    """
    joiner = "、" if lang == "zh" else ", "
    values = {name: joiner.join(map(str, value)) if isinstance(value, (list, tuple)) else value for name, value in params.items()}
    if "field" in params:
        values["field"] = f"“{field}”" if field else f"'{params['field']}'"
    return t(f"error.{code}", lang, **values)


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text for ``key`` in ``lang`` with ``{placeholders}`` filled in."""
    entry = STRINGS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry.get("en") or key
    return text.format(**values) if values else text
