/**
 * LangChain4j adapters: {@link org.quaterion.langchain4j.QuaterionEmbeddingModel}, a LangChain4j
 * {@code EmbeddingModel} over a fine-tuned {@code SimilarityModel<String>}, and
 * {@link org.quaterion.langchain4j.QuaterionEmbeddingStore}, an {@code EmbeddingStore<TextSegment>} over a
 * {@code LiveVectorIndex} that saves as a {@code VectorIndex} directory. With them LangChain4j's ingestion
 * ({@code EmbeddingStoreIngestor}) and retrieval ({@code EmbeddingStoreContentRetriever}) run on a model trained here.
 */
package org.quaterion.langchain4j;
