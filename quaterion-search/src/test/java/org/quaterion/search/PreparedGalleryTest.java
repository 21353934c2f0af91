package org.quaterion.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;

/** A gallery prepared once answers as the one-shot search does, for every distance. */
class PreparedGalleryTest {

    @Test
    void preparedAndOneShotSearchesAgree() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(5);
            NDArray gallery = m.randomNormal(new Shape(300, 12));
            NDArray queries = m.randomNormal(new Shape(7, 12));
            for (Distance d : new Distance[] {Distance.cosine(), Distance.dotProduct(), Distance.euclidean(),
                Distance.squaredEuclidean(), Distance.manhattan(), Distance.euclidean().normalized(),
                Distance.snr().normalized()}) {
                ExactKnn knn = new ExactKnn(d, 4, 100);
                KnnResult once = knn.search(queries, gallery, 9, null);
                try (ExactKnn.Prepared prepared = knn.prepare(gallery)) {
                    KnnResult again = knn.search(queries, prepared, 9, null);
                    for (int q = 0; q < 7; q++) {
                        assertArrayEquals(once.indices()[q], again.indices()[q], d.config() + " query " + q);
                        assertArrayEquals(once.distances()[q], again.distances()[q], 1e-6, d.config() + " query " + q);
                    }
                }
            }
            try (ExactKnn.Prepared cosine = new ExactKnn(Distance.cosine()).prepare(gallery)) {
                assertThrows(IllegalArgumentException.class,
                        () -> new ExactKnn(Distance.euclidean()).search(queries, cosine, 3, null));
                assertThrows(IllegalArgumentException.class,
                        () -> new ExactKnn(Distance.cosine()).search(m.randomNormal(new Shape(2, 5)), cosine, 3, null));
            }
        }
    }
}
