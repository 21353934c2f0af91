package org.quaterion.examples.docs;

import org.quaterion.train.optim.Adam;
import org.quaterion.train.optim.GradientOptimizer;
import org.quaterion.train.optim.ParameterGroups;

/** docs/training.md, learning rates per parameter group. */
final class TrainingParameterGroups {

    private TrainingParameterGroups() {}

    static GradientOptimizer optimizer() {
        // snippet-start
        // configureOptimizer() of a model whose transformer encoder is named "enc"
        GradientOptimizer optimizer = ParameterGroups.of(Adam.of(2e-5))
                .prefix("enc.embeddings.", 0.1)                        // embeddings × 0.1
                .group("enc\\.encoder\\.layer\\.[0-2]\\..*", 0)        // the lowest three layers not updated
                .prefix("head.", 10)                                   // head × 10; every other parameter × 1
                .build();
        // snippet-end
        return optimizer;
    }
}
