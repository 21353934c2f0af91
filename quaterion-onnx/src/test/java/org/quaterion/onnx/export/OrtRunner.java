package org.quaterion.onnx.export;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an exported directory on plain ONNX Runtime (no DJL engine): tokenises with its {@code tokenizer.json},
 * feeds {@code input_ids}, {@code attention_mask} (and {@code token_type_ids} when the graph takes it), reads
 * {@code sentence_embedding}.
 */
final class OrtRunner implements AutoCloseable {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;

    OrtRunner(Path dir, int maxLength) throws OrtException, IOException {
        session = env.createSession(dir.resolve(ExportedModel.MODEL_FILE).toString(), new OrtSession.SessionOptions());
        tokenizer = HuggingFaceTokenizer.builder().optTokenizerPath(dir.resolve(ExportedModel.TOKENIZER_FILE))
                .optPadding(true).optTruncation(true).optMaxLength(maxLength).build();
    }

    /** The graph's output names, in order. */
    List<String> outputNames() throws OrtException {
        return List.copyOf(session.getOutputInfo().keySet());
    }

    /** The embeddings of texts run as one padded batch. */
    float[][] batch(List<String> texts) throws OrtException {
        return run(tokenizer.batchEncode(texts));
    }

    /** The embeddings of texts each run on its own. */
    float[][] eachAlone(List<String> texts) throws OrtException {
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            out[i] = run(new Encoding[] {tokenizer.encode(texts.get(i))})[0];
        }
        return out;
    }

    private float[][] run(Encoding[] encodings) throws OrtException {
        int rows = encodings.length;
        int length = encodings[0].getIds().length;
        long[] ids = new long[rows * length];
        long[] mask = new long[rows * length];
        long[] types = new long[rows * length];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(encodings[r].getIds(), 0, ids, r * length, length);
            System.arraycopy(encodings[r].getAttentionMask(), 0, mask, r * length, length);
            System.arraycopy(encodings[r].getTypeIds(), 0, types, r * length, length);
        }
        long[] shape = {rows, length};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (session.getInputNames().contains("token_type_ids")) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                return (float[][]) result.get(ExportedModel.SENTENCE_EMBEDDING).orElseThrow().getValue();
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() throws OrtException {
        tokenizer.close();
        session.close();
    }
}
