package org.quaterion.onnx.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.onnx.MiniLm;

/** The docs/onnx-export.md snippet runs: LangChain4j's vector of the exported MiniLM is the model's. */
class OnnxExportSnippetTest {

    @TempDir
    Path tmp;

    @Test
    void theSnippetExportsAndLangChain4jEmbedsAsTheModel() throws Exception {
        Path servable = tmp.resolve("servable");
        float[] expected;
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().addEncoder("text", MiniLm.fp32())
                .setHead(new EmptyHead(MiniLm.DIM)).build()) {
            expected = model.encode(List.of("italian pasta with meat sauce"), 1)[0]; // MiniLM's are unit vectors
            model.save(servable);
        }

        float[] actual = OnnxExportSnippet.export(servable, tmp.resolve("minilm-onnx"));

        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5, "dimension " + i);
        }
    }
}
