package org.quaterion.examples.docs;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.encoders.TorchScriptEncoder;
import org.quaterion.models.python.PythonServable;

/** docs/coming-from-quaterion.md, loading a Python servable. */
final class ComingFromQuaterionLoad {

    private ComingFromQuaterionLoad() {}

    static void load(List<float[]> features) throws Exception {
        // snippet-start
        try (SimilarityModel<float[]> model = PythonServable.load(Path.of("cars_encoders"),   // save_servable's dir
                Map.of("default", TorchScriptEncoder.forVectors(Path.of("encoder.pt"), 512, false)), float[].class)) {
            float[][] vectors = model.encode(features, 64);             // what the Python model returned
            model.save(Path.of("cars-java"));                           // a Java servable from here on
        }
        // snippet-end
    }
}
