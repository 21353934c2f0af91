package org.quaterion.spring;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.TextCountsEncoder;
import org.quaterion.models.heads.NormalizeHead;
import org.quaterion.search.Payload;
import org.quaterion.search.VectorIndex;

/** A small servable (character counts, no weights) and catalogues for the starter's tests. */
final class TestServables {

    /** Dishes whose character counts differ enough for exact-text queries to find themselves first. */
    static final String[] DISHES = {"spaghetti bolognese", "salmon nigiri", "chocolate brownie", "greek salad",
        "chicken curry", "beef tacos", "mushroom risotto", "miso soup"};

    private TestServables() {}

    /** Saves the servable into {@code dir}. */
    static void saveServable(Path dir) throws IOException {
        try (SimilarityModel<String> model = SimilarityModel.<String>builder()
                .addEncoder("text", TextCountsEncoder.create())
                .setHead(new NormalizeHead(TextCountsEncoder.SIZE)).build()) {
            model.save(dir);
        }
    }

    /** Builds an index of {@link #DISHES} (ids dish-0...) with the servable in {@code servable}. */
    static void buildIndex(Path servable, Path index) throws IOException {
        Map<String, String> catalogue = new LinkedHashMap<>();
        for (int i = 0; i < DISHES.length; i++) {
            catalogue.put("dish-" + i, DISHES[i]);
        }
        try (SimilarityModel<String> model = SimilarityModel.load(servable, String.class)) {
            VectorIndex.build(index, model, catalogue, 4, VectorIndex.Config.defaults()).close();
        }
    }

    /** Builds an index of {@link #DISHES} (ids dish-0...) whose payloads carry each dish's name as {@code "text"}. */
    static void buildIndexWithTexts(Path servable, Path index) throws IOException {
        List<String> ids = new ArrayList<>();
        List<Payload> payloads = new ArrayList<>();
        for (int i = 0; i < DISHES.length; i++) {
            ids.add("dish-" + i);
            payloads.add(Payload.json("{\"text\": \"" + DISHES[i] + "\"}"));
        }
        try (SimilarityModel<String> model = SimilarityModel.load(servable, String.class)) {
            VectorIndex.build(index, ids, model.encode(List.of(DISHES), 4), payloads, VectorIndex.Config.defaults())
                    .close();
        }
    }
}
