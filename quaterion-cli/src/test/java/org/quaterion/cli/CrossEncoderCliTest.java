package org.quaterion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.onnx.CrossEncoderModel;

/** {@code quaterion train} builds a cross-encoder from YAML, trains it on scored pairs and saves its servable. */
class CrossEncoderCliTest {

    private static final String[] COLOURS = {"red", "green", "blue", "yellow"};

    @TempDir
    Path tmp;

    private Path config(String body) throws Exception {
        Path file = tmp.resolve("train.yaml");
        Files.writeString(file, body);
        return file;
    }

    private static final String BODY = "model:\n  encoder: cross-encoder\n"
            + "  transformer:\n    source: minilm\n    max_length: 16\n    lora: {rank: 2, layers: [5]}\n"
            + "loss:\n  name: listwise_cross_entropy\n"
            + "data:\n  kind: scored_pairs\n  train: pairs.jsonl\n"
            + "trainer:\n  epochs: 2\n  batch_size: 2\n  learning_rate: 0.001\noutput: out\n";

    @Test
    void trainsACrossEncoderFromYaml() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int q = 0; q < COLOURS.length; q++) {
            for (int d = 0; d < COLOURS.length; d++) {
                lines.add("{\"query\": \"which car is " + COLOURS[q] + "\", \"document\": \"the " + COLOURS[d]
                        + " car\", \"target\": " + (q == d ? 1 : 0) + ", \"group\": " + q + "}");
            }
        }
        Files.write(tmp.resolve("pairs.jsonl"), lines);
        TrainConfig parsed = TrainConfig.read(config(BODY));
        assertTrue(parsed.crossEncoder());
        assertEquals(1, parsed.headOutput(), "one relevance logit by default");
        String[] train = QuaterionCliTest.runCaptured("train", "--config", config(BODY).toString());
        assertEquals("0", train[0], train[1]);
        assertTrue(train[1].contains("trained a cross-encoder 2 epochs on 16 pairs (4 queries)"), train[1]);
        try (CrossEncoderModel model = CrossEncoderModel.load(tmp.resolve("out/servable"))) {
            float[] scores = model.score("which car is red", List.of("the red car", "the blue car"));
            assertEquals(2, scores.length);
            assertTrue(Float.isFinite(scores[0]) && scores[0] != scores[1], java.util.Arrays.toString(scores));
        }
    }

    @Test
    void crossEncoderConfigsAreChecked() throws Exception {
        assertMessage("a cross-encoder trains on data.kind: scored_pairs", BODY.replace("kind: scored_pairs",
                "kind: pairs"));
        assertMessage("data.kind scored_pairs trains a cross-encoder", BODY.replace("encoder: cross-encoder",
                "encoder: transformer"));
        assertMessage("loss.name is 'triplet'", BODY.replace("listwise_cross_entropy", "triplet"));
        assertMessage("remove model.head", BODY.replace("model:\n", "model:\n  head: linear\n"));
        assertMessage("remove model.transformer.pooling", BODY.replace("max_length: 16", "max_length: 16\n"
                + "    pooling: mean"));
        assertMessage("remove the evaluator section", BODY + "evaluator:\n  beir: b\n");
    }

    private void assertMessage(String expected, String yaml) throws Exception {
        Path file = config(yaml);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.read(file));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
