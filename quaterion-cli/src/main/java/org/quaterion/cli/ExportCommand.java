package org.quaterion.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.quaterion.onnx.export.ExportedModel;
import org.quaterion.onnx.export.OnnxExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quaterion export --onnx DIR SERVABLE}: the servable as one ONNX graph plus its tokenizer. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a servable (a frozen ONNX encoder or a fine-tuned transformer, and its head) as one "
                + "ONNX graph, tokenizer.json and export.json, for ONNX Runtime in any language and LangChain4j's "
                + "OnnxEmbeddingModel.")
final class ExportCommand implements Callable<Integer> {

    @Option(names = "--onnx", required = true, paramLabel = "DIR",
            description = "the directory to write (created, or replaced when it is empty or an earlier export)")
    Path onnx;

    @Parameters(index = "0", paramLabel = "SERVABLE", description = "a servable directory")
    Path servable;

    @Override
    public Integer call() throws IOException {
        ExportedModel exported = OnnxExport.export(servable, onnx);
        System.out.println("exported " + servable + " to " + exported.directory() + ": " + ExportedModel.MODEL_FILE
                + " (inputs " + String.join(", ", exported.inputs()) + "; outputs "
                + ExportedModel.SENTENCE_EMBEDDING + " (batch, " + exported.dimension() + ")"
                + (exported.normalized() ? " L2-normalised" : "") + " and " + ExportedModel.SENTENCE_EMBEDDING_PER_TOKEN
                + " (batch, sequence, " + exported.dimension() + ")), " + ExportedModel.TOKENIZER_FILE + ", "
                + ExportedModel.DESCRIPTION_FILE);
        return 0;
    }
}
