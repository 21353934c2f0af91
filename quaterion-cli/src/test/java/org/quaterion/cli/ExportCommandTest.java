package org.quaterion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.models.heads.LinearHead;
import org.quaterion.models.heads.SwitchHead;
import org.quaterion.models.io.JsonFiles;
import org.quaterion.onnx.MiniLm;

/** {@code quaterion export --onnx DIR SERVABLE}: writes the export, and refuses a head it cannot export. */
class ExportCommandTest {

    @TempDir
    Path tmp;

    @Test
    void exportWritesTheGraphTokenizerAndDescription() throws Exception {
        Path servable = tmp.resolve("servable");
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().addEncoder("text", MiniLm.int8())
                .setHead(new LinearHead(MiniLm.DIM, 32)).build()) {
            model.save(servable);
        }
        Path out = tmp.resolve("onnx");

        String[] run = QuaterionCliTest.runCaptured("export", "--onnx", out.toString(), servable.toString());

        assertEquals("0", run[0], run[1]);
        assertTrue(run[1].contains("model.onnx (inputs input_ids, attention_mask, token_type_ids; outputs "
                + "sentence_embedding (batch, 32) and sentence_embedding_per_token (batch, sequence, 32))"), run[1]);
        assertTrue(Files.size(out.resolve("model.onnx")) > 1_000_000, "the encoder's graph travels");
        assertTrue(Files.isRegularFile(out.resolve("tokenizer.json")));
        JsonObject description = JsonFiles.read(out.resolve("export.json"));
        assertEquals(32, description.get("dimension").getAsInt());
        assertEquals("linear", description.getAsJsonObject("head").get("type").getAsString());
    }

    @Test
    void aHeadThatCannotBeExportedExitsTwoNamingIt() throws Exception {
        Path servable = tmp.resolve("switch");
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().addEncoder("text", MiniLm.int8())
                .setHead(new SwitchHead(Map.of("a", new EmptyHead(MiniLm.DIM)))).build()) {
            model.save(servable);
        }
        Path out = tmp.resolve("onnx");

        String[] run = QuaterionCliTest.runCaptured("export", "--onnx", out.toString(), servable.toString());

        assertEquals("2", run[0], run[1]);
        assertTrue(run[1].contains("the switch head routes each record"), run[1]);
        assertFalse(Files.exists(out), "nothing is written");
    }
}
