"""Training word2vec in front of the user, one concern a module:

* :mod:`~embedlab.training.tokenize`: text into sentences of tokens (jieba for Chinese);
* :mod:`~embedlab.training.corpus`: a segmented corpus, its statistics and its on-disk cache;
* :mod:`~embedlab.training.samples`: the public-domain books that ship with EmbedLab;
* :mod:`~embedlab.training.train`: the word2vec run itself, watched epoch by epoch;
* :mod:`~embedlab.training.saving`: writing a trained model where the registry finds it;
* :mod:`~embedlab.training.background`: the app's training job on a thread;
* :mod:`~embedlab.training.jobs`: the server-wide job slots and the markers of running jobs;
* :mod:`~embedlab.training.shipped`: the models EmbedLab builds from its own books with that code.
"""
