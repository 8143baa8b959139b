package io.nais.pg.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field of a {@link RealInfrastructure} test to receive the running
 * {@link Infrastructure}, or the test class's {@link ServiceDatabase}.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
public @interface InjectInfrastructure {
}
