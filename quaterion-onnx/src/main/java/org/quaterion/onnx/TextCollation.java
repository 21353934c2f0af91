package org.quaterion.onnx;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;

/** Tokenizes texts into the (token ids, attention mask, token types) a BERT-style encoder reads. */
final class TextCollation {

    private TextCollation() {}

    static NDList collate(HuggingFaceTokenizer tokenizer, List<String> records, NDManager manager) {
        if (tokenizer == null) {
            throw new IllegalStateException("initialize the encoder (SimilarityModel does) before collating");
        }
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i) == null) {
                throw new IllegalArgumentException("text " + i + " is null");
            }
        }
        Encoding[] encodings = tokenizer.batchEncode(records);
        return Encoding.toNDList(encodings, manager, true, false);
    }
}
