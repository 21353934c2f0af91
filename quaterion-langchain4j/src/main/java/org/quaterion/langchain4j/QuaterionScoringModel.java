package org.quaterion.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.scoring.ScoringModel;
import dev.langchain4j.rag.content.aggregator.ReRankingContentAggregator;
import java.util.ArrayList;
import java.util.List;
import org.quaterion.models.rerank.PairScorer;
import org.quaterion.models.rerank.PairScores;

/**
 * A LangChain4j {@link ScoringModel} over a {@link PairScorer} of texts (a cross-encoder): {@link #scoreAll} scores
 * every segment's text against the query in one scorer call. Plug it into a {@link ReRankingContentAggregator} to
 * re-rank what a retriever found; its {@code minScore} is then in the scorer's units (a cross-encoder's raw logit
 * unless the scorer applies an activation).
 *
 * <p>The scorer stays the caller's: this adapter never closes it. It is thread-safe as the scorer is.
 */
public final class QuaterionScoringModel implements ScoringModel {

    private final PairScorer<String, String> scorer;

    private QuaterionScoringModel(PairScorer<String, String> scorer) {
        this.scorer = scorer;
    }

    /**
     * An adapter.
     *
     * @param scorer an open scorer of (query text, segment text) pairs, not null
     * @return the adapter
     */
    public static QuaterionScoringModel of(PairScorer<String, String> scorer) {
        if (scorer == null) {
            throw new IllegalArgumentException("scorer is null: pass a PairScorer<String, String> such as a "
                    + "cross-encoder");
        }
        return new QuaterionScoringModel(scorer);
    }

    /**
     * Scores the segments' texts (their metadata is not read) against the query.
     *
     * @param segments the segments, not null, no null element; empty gives an empty list
     * @param query the query, not null
     * @return one score per segment, in input order; higher is more relevant
     * @throws IllegalArgumentException when the query, the list or one of its segments is null
     * @throws IllegalStateException when the scorer returns a wrong number of scores or a non-finite score
     */
    @Override
    public Response<List<Double>> scoreAll(List<TextSegment> segments, String query) {
        if (segments == null || query == null) {
            throw new IllegalArgumentException("scoreAll needs the segments (empty for none) and the query, got "
                    + (segments == null ? "null segments" : "a null query"));
        }
        if (segments.isEmpty()) {
            return Response.from(List.of());
        }
        List<String> texts = new ArrayList<>(segments.size());
        for (int i = 0; i < segments.size(); i++) {
            TextSegment segment = segments.get(i);
            if (segment == null || segment.text() == null) {
                throw new IllegalArgumentException("segment " + i + " is null or has no text: every segment must "
                        + "carry the text to score");
            }
            texts.add(segment.text());
        }
        float[] scores = PairScores.checked(scorer.score(query, texts), texts.size(), "segments", i -> "segment " + i);
        List<Double> out = new ArrayList<>(scores.length);
        for (float s : scores) {
            out.add((double) s);
        }
        return Response.from(out);
    }

    @Override
    public String toString() {
        return "QuaterionScoringModel[" + scorer + "]";
    }
}
