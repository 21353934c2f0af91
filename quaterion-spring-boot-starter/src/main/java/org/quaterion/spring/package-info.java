/**
 * Spring Boot auto-configuration for serving a Quaterion model: a {@code SimilarityModel} bean from
 * {@code quaterion.model.path}, a {@code VectorIndex} from {@code quaterion.index.path}, optional {@code /embed} and
 * {@code /search} endpoints, an actuator health indicator and Micrometer timers. See docs/spring-boot.md.
 */
package org.quaterion.spring;
