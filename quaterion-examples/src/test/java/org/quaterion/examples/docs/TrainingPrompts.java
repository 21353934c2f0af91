package org.quaterion.examples.docs;

import java.nio.file.Path;
import java.util.List;
import org.quaterion.models.Prompts;
import org.quaterion.models.SimilarityModel;

/** docs/training.md, prompts. */
final class TrainingPrompts {

    private TrainingPrompts() {}

    static float[][] serve(Path dir) {
        // snippet-start
        // what your TrainableModel<String>'s configurePrompts() returns for e5, which expects these prefixes
        Prompts e5 = Prompts.of("query: ", "passage: ");
        // optional: plain encode (and group samples in training) take the default role's prefix; without one, none
        Prompts symmetric = e5.withDefaultRole(Prompts.Role.QUERY);

        // serving: the saved model carries its prompts
        try (SimilarityModel<String> model = SimilarityModel.load(dir, String.class)) {
            float[][] queries = model.encodeQueries(List.of("what do cats eat"), 64);   // "query: what do cats eat"
            float[][] passages = model.encodeDocuments(List.of("Cats eat meat."), 64);  // "passage: Cats eat meat."
            float[][] plain = model.encode(List.of("Cats eat meat."), 64);              // default role, or as given
        }
        // snippet-end
        return null;
    }
}
