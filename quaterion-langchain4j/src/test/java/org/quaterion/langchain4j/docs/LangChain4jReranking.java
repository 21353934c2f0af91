package org.quaterion.langchain4j.docs;

import dev.langchain4j.rag.DefaultRetrievalAugmentor;
import dev.langchain4j.rag.RetrievalAugmentor;
import dev.langchain4j.rag.content.aggregator.ReRankingContentAggregator;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import org.quaterion.langchain4j.QuaterionScoringModel;
import org.quaterion.models.rerank.PairScorer;

/** docs/langchain4j.md: re-ranking what a retriever found with a cross-encoder. */
public final class LangChain4jReranking {

    private LangChain4jReranking() {}

    /**
     * A retrieval augmentor that re-ranks the retriever's contents.
     *
     * @param retriever the first stage (e.g. over a {@code QuaterionEmbeddingStore}, with a generous maxResults)
     * @param crossEncoder the re-ranker (e.g. a {@code CrossEncoderModel})
     * @return the augmentor
     */
    public static RetrievalAugmentor augmentor(ContentRetriever retriever, PairScorer<String, String> crossEncoder) {
        // snippet-start
        RetrievalAugmentor augmentor = DefaultRetrievalAugmentor.builder()
                .contentRetriever(retriever)
                .contentAggregator(ReRankingContentAggregator.builder()
                        .scoringModel(QuaterionScoringModel.of(crossEncoder))
                        .maxResults(5)
                        .build())
                .build();
        // snippet-end
        return augmentor;
    }
}
