package org.quaterion.eval.ir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@link RerankEvaluator} measured: the same metrics on the first stage's top {@code candidates} and on that
 * list re-ranked, and how much of the first stage's recall the re-ranked top n keeps.
 *
 * @param firstStage the metrics of the bi-encoder's ranking
 * @param reranked the metrics of the re-ranked candidates
 * @param candidates first-stage documents re-ranked per query
 * @param firstStageRecall the first stage's mean recall@{@code candidates}: the most any re-ranking can reach
 * @param recallKept for each recall@n: the re-ranked mean recall@n / {@code firstStageRecall} (0 when the first stage
 *     found no relevant document), keyed {@code recall_kept@n}
 */
public record RerankResult(IrResult firstStage, IrResult reranked, int candidates, double firstStageRecall,
        Map<String, Double> recallKept) {

    /** Copies the map, keeping its order. */
    public RerankResult {
        recallKept = Collections.unmodifiableMap(new LinkedHashMap<>(recallKept));
    }
}
