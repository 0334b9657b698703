"""Contextual and sentence vectors.

* :mod:`.model`: loading a BERT-style model, checking input and tokenising for it;
* :mod:`.encoding`: the engine that runs it: token vectors, sentence vectors, a word in context;
* :mod:`.polysemy`: one word in many sentences;
* :mod:`.sentences`: sentence encoders (the :class:`~.sentences.SentenceEncoder` protocol) compared;
* :mod:`.fastencode`: the optional ONNX Runtime fast path for the search index.
"""
