"""Reading and writing vectors: word2vec/GloVe/fastText files, the fast loader and its memory-mapped cache,
text decoding, downloads (one downloader, with resume and checksum) and the bundled MiniLM.
"""
