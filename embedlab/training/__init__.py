"""Training word2vec in front of the user: tokenising and its segmentation cache, the sample corpora, the
training run, the background job with its server-wide slots, and the shipped models built by that code.
"""
