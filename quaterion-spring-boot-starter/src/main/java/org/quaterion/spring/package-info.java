/**
 * Spring Boot auto-configuration for serving a Quaterion model: a {@code SimilarityModel} bean from
 * {@code quaterion.model.path}, a {@code VectorIndex} from {@code quaterion.index.path} (built at start-up from the
 * JSONL catalogue {@code quaterion.index.source} when missing or out of date), optional {@code /embed} and
 * {@code /search} endpoints (strict JSON, hits with payloads, errors as {@code {"error": "..."}}), an actuator health
 * indicator and Micrometer timers. See docs/spring-boot.md.
 */
package org.quaterion.spring;
