package org.quaterion.langchain4j;

import java.util.function.DoubleUnaryOperator;
import org.quaterion.distance.Distance;

/**
 * Converts an index distance to LangChain4j's relevance score, {@code (cos + 1) / 2} in [0, 1], as LangChain4j's own
 * {@code InMemoryEmbeddingStore} scores ({@code RelevanceScore.fromCosineSimilarity}). Only distances that determine
 * the cosine are converted: cosine at any scale, and the dot product and (squared) Euclidean distance of normalised
 * vectors; the others (unnormalised dot product or Euclidean, Manhattan, SNR) carry no cosine and are refused.
 */
final class RelevanceScores {

    private RelevanceScores() {}

    /**
     * The conversion for a distance.
     *
     * @param distance the index's distance
     * @return distance → relevance score, clamped to [0, 1] against rounding
     * @throws IllegalArgumentException when the distance does not determine the cosine
     */
    static DoubleUnaryOperator of(Distance distance) {
        double s = distance.scale();
        DoubleUnaryOperator cosine = switch (distance.kind()) {
            case COSINE -> d -> 1 - d / s; // d = s (1 - cos)
            case DOT_PRODUCT -> distance.isNormalized() ? d -> -d / s : null; // d = -s cos
            case EUCLIDEAN -> distance.isNormalized() ? d -> 1 - (d / s) * (d / s) / 2 : null; // d = s √(2 - 2 cos)
            case SQUARED_EUCLIDEAN -> distance.isNormalized() ? d -> 1 - d / s / 2 : null; // d = s (2 - 2 cos)
            default -> null;
        };
        if (cosine == null) {
            throw new IllegalArgumentException("the index measures " + distance + ", which does not determine the "
                    + "cosine that LangChain4j's relevance score (cos + 1) / 2 needs: build the index with "
                    + "Distance.cosine() (VectorIndex.Config.defaults()), or a normalized() dot product or Euclidean "
                    + "distance");
        }
        return d -> Math.max(0, Math.min(1, (cosine.applyAsDouble(d) + 1) / 2));
    }
}
