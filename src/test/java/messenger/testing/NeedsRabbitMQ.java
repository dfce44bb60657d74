package messenger.testing;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test that needs a real RabbitMQ (its streams, or a broker that other processes share). Where none is found
 * and the tests run on the embedded broker, it is skipped with a reason that says so; CI has a real broker
 * and runs it.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RabbitBroker.class)
public @interface NeedsRabbitMQ {

  /** What it needs RabbitMQ for. */
  String value();
}
