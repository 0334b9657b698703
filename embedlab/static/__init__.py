"""Static word vectors: the model (:mod:`.model`), neighbours and ANN indexes, analogies, evaluation and its
test sets, comparing two spaces, semantic axes and WEAT.
"""
