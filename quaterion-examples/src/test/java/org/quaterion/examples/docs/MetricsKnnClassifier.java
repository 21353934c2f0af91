package org.quaterion.examples.docs;

import ai.djl.ndarray.NDArray;
import org.quaterion.classify.ClassificationReport;
import org.quaterion.classify.KnnClassifier;
import org.quaterion.distance.Distance;

/** docs/metrics.md, kNN classification. */
final class MetricsKnnClassifier {

    private MetricsKnnClassifier() {}

    static void classify(NDArray trainEmbeddings, long[] trainLabels, NDArray testEmbeddings, long[] testLabels) {
        // snippet-start
        try (KnnClassifier knn = KnnClassifier.of(trainEmbeddings, trainLabels, Distance.cosine(), 10,
                KnnClassifier.Vote.DISTANCE_WEIGHTED)) {
            long[] predicted = knn.predict(testEmbeddings);
            ClassificationReport report = knn.evaluate(testEmbeddings, testLabels);
            System.out.print(report.table());        // per-class precision, recall, F1; accuracy; macro F1
            long[][] confusion = report.confusion(); // rows: true class, columns: predicted, in report.classes() order
        }
        // leave-one-out on one labelled set (each record classified by the others)
        double accuracy = KnnClassifier.leaveOneOut(testEmbeddings, testLabels, Distance.cosine(), 10,
                KnnClassifier.Vote.MAJORITY).accuracy();
        // snippet-end
    }
}
