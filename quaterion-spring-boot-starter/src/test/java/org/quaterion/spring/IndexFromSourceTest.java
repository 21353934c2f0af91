package org.quaterion.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.spring.app.TestApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application starts with only a servable and a JSONL catalogue: the index is built at start-up and searched with
 * payloads; a second start reuses it; a changed catalogue is rebuilt; an index that was not built from the catalogue,
 * and a bad line, stop the start with a message.
 */
class IndexFromSourceTest {

    @TempDir
    Path dir;

    private Path servable;
    private Path catalogue;
    private Path index;

    @BeforeEach
    void files() throws IOException {
        servable = dir.resolve("servable");
        catalogue = dir.resolve("catalogue.jsonl");
        index = dir.resolve("catalogue-index");
        TestServables.saveServable(servable);
        writeCatalogue(4.5);
    }

    /** The dishes, dish-i with payload {"name": ..., "price": i + 0.5} (miso soup, dish-7: {@code misoPrice}). */
    private void writeCatalogue(double misoPrice) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < TestServables.DISHES.length; i++) {
            double price = i == 7 ? misoPrice : i + 0.5;
            lines.add("{\"id\": \"dish-" + i + "\", \"text\": \"" + TestServables.DISHES[i] + "\", \"payload\": "
                    + "{\"name\": \"" + TestServables.DISHES[i] + "\", \"price\": " + price + "}}");
        }
        lines.add("{\"id\": \"plain\", \"text\": \"plain rice\"}");
        Files.write(catalogue, lines, StandardCharsets.UTF_8);
    }

    private ConfigurableApplicationContext start(String... more) {
        List<String> properties = new ArrayList<>(List.of("server.port=0", "quaterion.model.path=" + servable,
                "quaterion.index.path=" + index, "quaterion.index.source=" + catalogue,
                "quaterion.model.batch-size=3"));
        properties.addAll(List.of(more));
        return new SpringApplicationBuilder(TestApplication.class).properties(properties.toArray(String[]::new))
                .run();
    }

    private static JsonObject firstHit(ConfigurableApplicationContext app, String query) throws Exception {
        HttpClientSupport http = new HttpClientSupport(app.getEnvironment().getRequiredProperty("local.server.port",
                Integer.class));
        HttpResponse<String> response = http.postJson("/search", "{\"query\": \"" + query + "\", \"k\": 1}");
        assertEquals(200, response.statusCode(), response.body());
        return HttpClientSupport.json(response).getAsJsonArray("hits").get(0).getAsJsonObject();
    }

    private Object indexIdentity() throws IOException {
        return Files.readAttributes(index, BasicFileAttributes.class).fileKey();
    }

    @Test
    void buildsAtStartReusesItThenRebuildsWhenTheCatalogueChanges() throws Exception {
        assertFalse(Files.exists(index));
        try (ConfigurableApplicationContext app = start()) {
            JsonObject miso = firstHit(app, "miso soup");
            assertEquals("dish-7", miso.get("id").getAsString());
            assertEquals("{\"name\":\"miso soup\",\"price\":4.5}", miso.get("payload").toString());
            JsonObject rice = firstHit(app, "plain rice");
            assertEquals("plain", rice.get("id").getAsString());
            assertFalse(rice.has("payload"), rice.toString());
        }
        assertTrue(Files.isDirectory(index));
        assertTrue(Files.isRegularFile(SourceRecord.file(index)));
        Object built = indexIdentity();

        try (ConfigurableApplicationContext app = start()) {
            assertEquals(4.5, firstHit(app, "miso soup").getAsJsonObject("payload").get("price").getAsDouble());
        }
        assertEquals(built, indexIdentity(), "an unchanged catalogue reuses the saved index");

        writeCatalogue(6.0);
        try (ConfigurableApplicationContext app = start()) {
            assertEquals(6.0, firstHit(app, "miso soup").getAsJsonObject("payload").get("price").getAsDouble());
        }
        assertNotEquals(built, indexIdentity(), "a changed catalogue is rebuilt");
    }

    @Test
    void neverServesTheSavedIndexAsItIs() throws Exception {
        start().close();
        writeCatalogue(6.0);
        try (ConfigurableApplicationContext app = start("quaterion.index.rebuild=never")) {
            assertEquals(4.5, firstHit(app, "miso soup").getAsJsonObject("payload").get("price").getAsDouble());
        }
    }

    @Test
    void anIndexNotBuiltFromTheCatalogueIsNotReplaced() throws Exception {
        TestServables.buildIndex(servable, index);
        Object foreign = indexIdentity();
        Exception e = assertThrows(Exception.class, () -> start().close());
        assertTrue(causes(e).contains("was not built from quaterion.index.source"), causes(e));
        assertEquals(foreign, indexIdentity());
    }

    @Test
    void aBadLineStopsTheStartNamingIt() throws Exception {
        Files.writeString(catalogue, "{\"id\": \"x\", \"text\": \"soup\"}\n{\"id\": \"x\", \"text\": \"rice\"}\n");
        Exception e = assertThrows(Exception.class, () -> start().close());
        assertTrue(causes(e).contains("line 2: id \"x\" is already used on line 1"), causes(e));
        assertFalse(Files.exists(index));
    }

    private static String causes(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
