package org.quaterion.onnx.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.heads.SkipConnectionHead;
import org.quaterion.onnx.MiniLm;

/**
 * LangChain4j's own {@code OnnxEmbeddingModel} loads an exported directory and embeds as the model does. It pools the
 * first output's token rows itself and always L2-normalises, so its vectors are the model's normalised ones, with
 * either pooling mode (every token row carries the sentence embedding). A text longer than the model's token limit
 * is cut there by both, since the exported tokenizer.json's truncation is the encoder's limit.
 */
class OnnxExportLangChain4jTest {

    @TempDir
    Path tmp;

    /** The test texts and one of about 600 tokens, which both cut at the tokenizer.json's max_length (128). */
    private static final List<String> TEXTS = java.util.stream.Stream.concat(OnnxExportTest.TEXTS.stream(),
            java.util.stream.Stream.of(String.join(" ", java.util.Collections.nCopies(120,
                    "the river flows past old mills")))).toList();

    @Test
    void onnxEmbeddingModelGivesTheModelsVectorsNormalised() throws Exception {
        float[][] expected;
        Path dir = tmp.resolve("export");
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().addEncoder("text", MiniLm.fp32())
                .setHead(SkipConnectionHead.builder().setInputSize(MiniLm.DIM).optNLayers(2).build()).build()) {
            OnnxExportTest.randomiseGates(model.head(), new Random(11));
            expected = normalised(model.encode(TEXTS, TEXTS.size()));
            OnnxExport.export(model, dir);
        }
        List<TextSegment> segments = TEXTS.stream().map(TextSegment::from).toList();
        for (PoolingMode mode : List.of(PoolingMode.CLS, PoolingMode.MEAN)) {
            OnnxEmbeddingModel lc4j = new OnnxEmbeddingModel(dir.resolve(ExportedModel.MODEL_FILE),
                    dir.resolve(ExportedModel.TOKENIZER_FILE), mode);
            List<Embedding> embeddings = lc4j.embedAll(segments).content();
            float[][] actual = embeddings.stream().map(Embedding::vector).toArray(float[][]::new);
            double d = OnnxExportTest.maxDiff(expected, actual);
            System.out.println("OnnxExportLangChain4jTest " + mode + ": max |diff| " + d);
            assertEquals(0, d, 1e-5, mode + ": LangChain4j's vectors against the model's, normalised");
            assertEquals(MiniLm.DIM, lc4j.dimension());
        }
    }

    private static float[][] normalised(float[][] rows) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            double sum = 0;
            for (float v : rows[i]) {
                sum += (double) v * v;
            }
            double norm = Math.sqrt(sum);
            out[i] = new float[rows[i].length];
            for (int j = 0; j < rows[i].length; j++) {
                out[i][j] = (float) (rows[i][j] / norm);
            }
        }
        return out;
    }
}
