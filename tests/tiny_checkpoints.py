"""Tiny real checkpoints written to disk, to test the loading code on real model formats.

The weights are random (seeded) and the tokenizers are real: a character-level Chinese BERT
WordPiece vocabulary written by hand, and an XLM-R style Unigram tokenizer trained with
``tokenizers``. Both load through ``transformers``' Auto classes like any downloaded model.
"""

from __future__ import annotations

from pathlib import Path

TINY_ZH_TEXT = [
    "他在苹果上班。",
    "他在吃苹果。",
    "小米手机很好用。",
    "早上喝小米粥。",
    "我喜欢这本书。",
    "我不喜欢这本书。",
    "这本书非常有趣。",
    "苹果和香蕉都是水果。",
    "苹果公司发布了新手机。",
]
TINY_EN_TEXT = [
    "He works at Apple.",
    "He ate an apple.",
    "I like this book.",
    "I don't like this book.",
    "This book is very interesting.",
    "The cat sat on the mat.",
    "Apples and bananas are fruit.",
    "Apple released a new phone.",
    "She reads a book every week.",
    "The weather is nice today.",
]


def build_tiny_chinese_bert(folder: Path, *, seed: int = 0) -> Path:
    """A 2-layer BERT whose vocabulary is single characters (as bert-base-chinese's is)."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    chars = sorted({ch for line in TINY_ZH_TEXT for ch in line})
    words = sorted({w.strip(".,'").lower() for line in TINY_EN_TEXT for w in line.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ",", "'"] + chars + words
    (folder / "vocab.txt").write_text("\n".join(dict.fromkeys(vocab)) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab_file=str(folder / "vocab.txt"), do_lower_case=True, tokenize_chinese_chars=True)
    tokenizer.model_max_length = 64
    tokenizer.save_pretrained(folder)
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=4,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    BertModel(config).eval().save_pretrained(folder)
    return folder


def build_tiny_xlmr_bge_m3(folder: Path, *, seed: int = 0) -> Path:
    """A 2-layer XLM-R with a Unigram tokenizer trained here, plus BGE-M3's sparse and ColBERT heads."""
    import torch
    from tokenizers import SentencePieceUnigramTokenizer, processors
    from transformers import XLMRobertaConfig, XLMRobertaModel, XLMRobertaTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]  # XLM-R's ids 0..4
    trained = SentencePieceUnigramTokenizer()
    trained.train_from_iterator(
        (TINY_ZH_TEXT + TINY_EN_TEXT) * 20,
        vocab_size=300,
        special_tokens=specials,
        unk_token="<unk>",
        show_progress=False,
    )
    trained.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", 0), ("</s>", 2)],
    )
    tokenizer = XLMRobertaTokenizerFast(
        tokenizer_object=trained,
        bos_token="<s>",
        eos_token="</s>",
        sep_token="</s>",
        cls_token="<s>",
        unk_token="<unk>",
        pad_token="<pad>",
        mask_token="<mask>",
        model_max_length=128,
    )
    tokenizer.save_pretrained(folder)
    torch.manual_seed(seed)
    config = XLMRobertaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=130,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
    )
    XLMRobertaModel(config).eval().save_pretrained(folder)
    colbert = torch.nn.Linear(32, 32)
    sparse = torch.nn.Linear(32, 1)
    with torch.no_grad():
        sparse.bias.fill_(1.0)  # keep ReLU(weights) positive so every token gets a lexical weight
    torch.save(colbert.state_dict(), folder / "colbert_linear.pt")
    torch.save(sparse.state_dict(), folder / "sparse_linear.pt")
    return folder
