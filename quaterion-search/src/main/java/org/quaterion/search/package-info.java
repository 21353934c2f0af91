/**
 * Nearest-neighbour search over embeddings, for evaluation and serving alike: {@link org.quaterion.search.ExactKnn}
 * (blocked exact search on libtorch), {@link org.quaterion.search.HnswIndex} (Lucene HNSW), and
 * {@link org.quaterion.search.VectorIndex}, a persisted catalogue of (id, vector) that a service builds through a
 * {@code SimilarityModel} and queries from many threads. Needs quaterion-models only, not the training jar.
 */
package org.quaterion.search;
