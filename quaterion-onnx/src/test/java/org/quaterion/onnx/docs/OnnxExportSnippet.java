package org.quaterion.onnx.docs;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.IOException;
import java.nio.file.Path;
import org.quaterion.onnx.export.ExportedModel;
import org.quaterion.onnx.export.OnnxExport;

/** docs/onnx-export.md: export a servable, load it in LangChain4j. */
final class OnnxExportSnippet {

    private OnnxExportSnippet() {}

    static float[] export(Path servable, Path onnxDir) throws IOException {
        // snippet-start
        ExportedModel exported = OnnxExport.export(servable, onnxDir);   // or OnnxExport.export(model, onnxDir)
        System.out.println(exported.dimension() + " dimensions, inputs " + exported.inputs());

        // LangChain4j pools the first output's token rows (each one is the sentence embedding) and L2-normalises
        EmbeddingModel embeddings = new OnnxEmbeddingModel(onnxDir.resolve("model.onnx"),
                onnxDir.resolve("tokenizer.json"), PoolingMode.CLS);
        float[] vector = embeddings.embed("italian pasta with meat sauce").content().vector();
        // snippet-end
        return vector;
    }
}
