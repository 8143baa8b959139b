package io.nais.pg.kit.inbox;

import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a consumer method that applies one event in a transaction ({@code @Transactional}): a failure of the
 * database itself ({@link TransientFailure}) does not nack the event, which the channel's failure strategy would
 * send to the dead-letter topic; the call is made again, in a new transaction, with a growing pause, until the
 * database answers. An event the database refuses still fails, and is dead-lettered. (Batched consumers get the
 * same from {@link PolledBatch}.)
 */
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface UntilTheDatabaseAnswers {
}
