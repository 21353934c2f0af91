package org.quaterion.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.train.EarlyStopping;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainerConfig;

/**
 * A short run whose {@code report.html} scripts/report-screenshot.sh renders: the Fashion-MNIST CNN with
 * {@code TripletLoss} on 3,000 training images of all ten classes for 10 epochs, validated on 1,000 test images.
 * Argument: the output directory (default {@code target/report-demo}).
 */
public final class ReportDemo {

    private ReportDemo() {}

    /**
     * Runs the demo.
     *
     * @param args optional: the output directory
     * @throws IOException when the data cannot be read or the report written
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "target/report-demo");
        List<SimilarityGroupSample<float[]>> train = samples("train", 3000);
        List<SimilarityGroupSample<float[]>> validation = samples("t10k", 1000);
        try (FashionMnistExample.Cnn model = new FashionMnistExample.Cnn("triplet", 64)) {
            Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(10).withOutputDir(out).withoutCheckpoints()
                    .withProgressBar(false).withEarlyStopping(new EarlyStopping("validation_loss", true, 100, 0)),
                    new GroupSimilarityDataLoader<>(train, LoaderOptions.batchSize(100).withShuffle(1)),
                    new GroupSimilarityDataLoader<>(validation, LoaderOptions.batchSize(250)));
        }
        System.out.println("report: " + out.resolve("report.html").toAbsolutePath());
    }

    private static List<SimilarityGroupSample<float[]>> samples(String split, int n) throws IOException {
        float[][] x = FashionMnistExample.images(split, n);
        long[] y = FashionMnistExample.labels(split, n);
        List<SimilarityGroupSample<float[]>> out = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            out.add(new SimilarityGroupSample<>(x[i], y[i]));
        }
        return out;
    }
}
