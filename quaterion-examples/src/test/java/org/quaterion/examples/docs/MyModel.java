package org.quaterion.examples.docs;

import java.util.Map;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.TripletLoss;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.SkipConnectionHead;
import org.quaterion.train.TrainableModel;

/** The model the README's training snippet trains (not shown in the docs). */
final class MyModel extends TrainableModel<float[]> {

    @Override
    protected Map<String, Encoder<float[]>> configureEncoders() {
        throw new UnsupportedOperationException("documentation only");
    }

    @Override
    protected EncoderHead configureHead(int inputSize) {
        return new SkipConnectionHead(inputSize);
    }

    @Override
    protected SimilarityLoss configureLoss() {
        return new TripletLoss();
    }
}
