"""Reading and writing vectors, and fetching models.

* :mod:`.vectors_io`: word2vec/GloVe/fastText files in every format; text files go through
  :mod:`.fastload` (the compiled parser, kernels in :mod:`.fastload_kernels`) and
  :mod:`.vector_cache` (the memory-mapped cache with its checksums);
* :mod:`.textio`: decoding uploaded text;
* :mod:`.downloads`: fetching into the models folder from a web address or the model hub, over
  :mod:`.http_transfer` (the one HTTP transfer, with resume) and :mod:`.streamed_vectors` (a big
  ``.vec.gz`` cut after its first words as it arrives);
* :mod:`.bundled`: the bundled MiniLM.
"""
