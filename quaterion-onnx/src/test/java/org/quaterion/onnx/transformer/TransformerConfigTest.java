package org.quaterion.onnx.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hugging Face configurations: BERT-family ones are read, the others refused with what was found. */
class TransformerConfigTest {

    @TempDir
    Path tmp;

    private TransformerConfig read(String json) throws Exception {
        Path file = tmp.resolve("config.json");
        Files.writeString(file, json);
        return TransformerConfig.fromHuggingFace(file);
    }

    private static final String BERT = "\"vocab_size\": 100, \"hidden_size\": 8, \"num_hidden_layers\": 2, "
            + "\"num_attention_heads\": 2, \"intermediate_size\": 16, \"max_position_embeddings\": 32";

    @Test
    void readsBertAndXlmRoberta() throws Exception {
        TransformerConfig bert = read("{\"model_type\": \"bert\", " + BERT + "}");
        assertEquals(new TransformerConfig(TransformerConfig.Architecture.BERT, 100, 8, 2, 2, 16,
                TransformerConfig.FeedForwardActivation.GELU, 32, 2, 0, 1e-12), bert);
        assertEquals(32, bert.maxTokens());
        TransformerConfig xlmr = read("{\"model_type\": \"xlm-roberta\", " + BERT + ", \"type_vocab_size\": 1, "
                + "\"pad_token_id\": 1, \"layer_norm_eps\": 1e-5, \"hidden_act\": \"gelu_new\"}");
        assertEquals(TransformerConfig.Architecture.XLM_ROBERTA, xlmr.architecture());
        assertEquals(TransformerConfig.FeedForwardActivation.GELU_TANH, xlmr.activation());
        assertEquals(30, xlmr.maxTokens(), "positions 0 and 1 belong to the padding index");
        assertEquals(xlmr, read(xlmr.toHuggingFace().toString()), "toHuggingFace round-trips");
    }

    @Test
    void refusesWhatItCannotRunNamingIt() {
        assertEquals(tmp.resolve("config.json") + " has model_type 'mpnet': only BERT-family encoders run here "
                + "(model_type bert, roberta or xlm-roberta; e.g. MiniLM, bge, e5, gte, multilingual-e5)",
                assertThrows(IllegalArgumentException.class, () -> read("{\"model_type\": \"mpnet\", " + BERT + "}"))
                        .getMessage());
        assertEquals(tmp.resolve("config.json") + " has position_embedding_type 'relative_key': only absolute "
                + "position embeddings are supported", assertThrows(IllegalArgumentException.class,
                        () -> read("{\"model_type\": \"bert\", \"position_embedding_type\": \"relative_key\", " + BERT
                                + "}")).getMessage());
        assertEquals(tmp.resolve("config.json") + " has hidden_act 'swish': supported are gelu, gelu_new, "
                + "gelu_pytorch_tanh, gelu_fast and relu", assertThrows(IllegalArgumentException.class,
                        () -> read("{\"model_type\": \"bert\", \"hidden_act\": \"swish\", " + BERT + "}"))
                        .getMessage());
        assertEquals("hidden_size 8 is not a multiple of num_attention_heads 3", assertThrows(
                IllegalArgumentException.class, () -> read("{\"model_type\": \"bert\", "
                        + BERT.replace("\"num_attention_heads\": 2", "\"num_attention_heads\": 3") + "}"))
                .getMessage());
    }
}
