package org.quaterion.examples.docs;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.quaterion.models.djl.SimilarityTranslatorFactory;

/** docs/models.md, plain DJL. */
final class ModelsDjl {

    private ModelsDjl() {}

    static void djl(List<String> texts)
            throws IOException, ModelNotFoundException, MalformedModelException, TranslateException {
        // snippet-start
        Criteria<String, float[]> criteria = Criteria.builder()
                .setTypes(String.class, float[].class)          // the record type the servable was trained on
                .optModelPath(Path.of("run/servable"))
                .optTranslatorFactory(new SimilarityTranslatorFactory())
                .optArgument("batchSize", "64")
                .build();
        try (ZooModel<String, float[]> model = criteria.loadModel();
                Predictor<String, float[]> predictor = model.newPredictor()) {
            List<float[]> vectors = predictor.batchPredict(texts);
        }
        // snippet-end
    }
}
