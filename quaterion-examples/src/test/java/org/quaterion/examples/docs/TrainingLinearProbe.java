package org.quaterion.examples.docs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.classify.LinearClassifier;
import org.quaterion.probe.LinearProbe;
import org.quaterion.train.EarlyStopping;
import org.quaterion.train.TrainerConfig;

/** docs/training.md, the linear probe. */
final class TrainingLinearProbe {

    private TrainingLinearProbe() {}

    static void probe(List<SimilarityGroupSample<float[]>> train, List<SimilarityGroupSample<float[]>> validation,
            List<float[]> images) throws IOException {
        // snippet-start
        SimilarityModel<float[]> encoder = SimilarityModel.load(Path.of("supcon-model"), float[].class); // stage 1
        LinearProbe.Result probe = LinearProbe.fit(encoder, train, validation, TrainerConfig.defaults()
                .withMaxEpochs(100).withEarlyStopping(new EarlyStopping("validation_loss", true, 5, 0)), 256, 1e-2);
        probe.classifier().save(Path.of("supcon-model-classifier"));     // its own directory, next to the servable

        // in the service
        LinearClassifier classifier = LinearClassifier.load(Path.of("supcon-model-classifier"));
        LinearClassifier.Prediction[] predictions = classifier.classify(encoder, images, 64);
        long label = predictions[0].label();
        float[] probabilities = predictions[0].probabilities();          // in classifier.classes() order
        // snippet-end
    }
}
