package org.quaterion.models;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class EngineSetupTest {

    @Test
    void onceTheEngineIsUpOnlyTheSameThreadCountIsAccepted() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.ones(new ai.djl.ndarray.types.Shape(1)); // the engine is loaded now
        }
        assertTrue(EngineSetup.isPyTorchLoaded());
        int current = Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads", "1"));
        assertDoesNotThrow(() -> EngineSetup.configure(current));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> EngineSetup.configure(current + 1));
        assertTrue(e.getMessage().contains("already loaded") && e.getMessage().contains("-Dai.djl.pytorch.num_threads"),
                e.getMessage());
    }

    @Test
    void threadsBelowOneAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> EngineSetup.configure(0));
    }
}
