package org.quaterion.examples.docs;

import java.util.List;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.distance.Distance;
import org.quaterion.loss.PairwiseLoss;
import org.quaterion.loss.pair.EmbeddingMseLoss;
import org.quaterion.loss.pair.MarginMseLoss;
import org.quaterion.models.SimilarityModel;

/** docs/losses.md, distillation. */
final class LossesDistillation {

    private LossesDistillation() {}

    static List<PairwiseLoss> distill(SimilarityModel<String> teacher) {
        // snippet-start
        // multilingual distillation: a sentence and its translation both learn the teacher's embedding of the sentence
        SimilarityPairSample<String> translated = SimilarityPairSample.of("the cat sleeps", "die Katze schläft")
                .withTeacherEmbedding(teacher.encode(List.of("the cat sleeps"), 1)[0]);
        PairwiseLoss mse = new EmbeddingMseLoss();
        // MarginMSE: one teacher margin s_T(q, p) − s_T(q, n_j) per negative, e.g. from a cross-encoder's scores
        SimilarityPairSample<String> ranked = SimilarityPairSample.of("what do cats eat", "Cats eat meat.")
                .withTeacherMargins(List.of("Dogs bark.", "Cats sleep a lot."), 9.1, 4.3);
        PairwiseLoss marginMse = MarginMseLoss.builder().optDistance(Distance.cosine()).build(); // default: dot
        // snippet-end
        return List.of(mse, marginMse);
    }
}
