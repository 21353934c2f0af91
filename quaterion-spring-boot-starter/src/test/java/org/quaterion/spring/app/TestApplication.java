package org.quaterion.spring.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An empty application: everything the tests call comes from the starter's auto-configuration. */
@SpringBootApplication
public class TestApplication {

    /** Creates the application (Spring instantiates it). */
    public TestApplication() {}
}
