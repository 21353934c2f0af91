package org.quaterion.onnx;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;

/** Tokenizes texts into the (token ids, attention mask, token types) a BERT-style encoder reads. */
final class TextCollation {

    private TextCollation() {}

    /** Characters per token budget: WordPiece tokens of ordinary text are far shorter than this. */
    private static final int CHARS_PER_TOKEN = 32;

    /**
     * The default number of characters tokenised per text: {@code 32 × maxLength}.
     *
     * @param maxLength the token limit
     * @return the character limit
     */
    static int defaultMaxChars(int maxLength) {
        return (int) Math.min(Integer.MAX_VALUE, (long) CHARS_PER_TOKEN * maxLength);
    }

    /**
     * Tokenises texts cut to {@code maxChars} characters first (never inside a surrogate pair), so that a 10 MiB
     * request costs what a {@code maxChars} one does; an empty or blank text encodes as {@code [CLS] [SEP]}.
     */
    static NDList collate(HuggingFaceTokenizer tokenizer, List<String> records, NDManager manager, int maxChars) {
        List<String> cut = new java.util.ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            String text = records.get(i);
            if (text == null) {
                throw new IllegalArgumentException("text " + i + " is null");
            }
            cut.add(cut(text, maxChars));
        }
        return collate(tokenizer, cut, manager);
    }

    /**
     * A text cut to {@code maxChars} characters, never inside a surrogate pair.
     *
     * @param text the text, not null
     * @param maxChars the character limit
     * @return the text or its beginning
     */
    static String cut(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
        return text.substring(0, end);
    }

    private static NDList collate(HuggingFaceTokenizer tokenizer, List<String> records, NDManager manager) {
        if (tokenizer == null) {
            throw new IllegalStateException("initialize the encoder (SimilarityModel does) before collating");
        }
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i) == null) {
                throw new IllegalArgumentException("text " + i + " is null");
            }
        }
        Encoding[] encodings = tokenizer.batchEncode(records);
        return TokenBatches.stack(encodings, manager);
    }
}
