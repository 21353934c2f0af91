/**
 * Spring AI adapters: {@link org.quaterion.springai.QuaterionEmbeddingModel}, Spring AI's {@code EmbeddingModel} over a
 * {@code SimilarityModel<String>}, and {@link org.quaterion.springai.QuaterionVectorStore}, a {@code VectorStore} over a
 * {@code LiveVectorIndex} that evaluates Spring AI's filter expressions over the stored metadata. The Spring Boot
 * starter auto-configures both when this jar and Spring AI are on the class path. See docs/spring-ai.md.
 */
package org.quaterion.springai;
