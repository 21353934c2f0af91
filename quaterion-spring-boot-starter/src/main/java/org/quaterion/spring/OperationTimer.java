package org.quaterion.spring;

import java.util.function.Supplier;

/** Times the service's operations ({@code encode}, {@code search}); Micrometer's when the application has it. */
interface OperationTimer {

    /** Runs without timing. */
    OperationTimer NONE = new OperationTimer() {
        @Override
        public <T> T record(String name, Supplier<T> work) {
            return work.get();
        }
    };

    <T> T record(String name, Supplier<T> work);
}
