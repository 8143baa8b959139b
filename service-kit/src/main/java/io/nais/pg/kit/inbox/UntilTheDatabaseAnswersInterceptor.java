package io.nais.pg.kit.inbox;

import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/**
 * {@link UntilTheDatabaseAnswers}. Its priority puts it outside {@code @Transactional}'s interceptor
 * ({@code PLATFORM_BEFORE + 200}), so every attempt runs in a transaction of its own.
 */
@UntilTheDatabaseAnswers
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 100)
public class UntilTheDatabaseAnswersInterceptor {

    @AroundInvoke
    Object applyUntilTheDatabaseAnswers(InvocationContext invocation) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return invocation.proceed();
            } catch (Exception failed) {
                if (!TransientFailure.is(failed)
                        || !TransientFailure.pauseAfter(attempt, "in " + invocation.getMethod().getName(), failed)) {
                    throw failed;
                }
            }
        }
    }
}
